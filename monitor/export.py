"""Hits exported for other programs: an Atom feed for any feed reader, CSV for a spreadsheet,
JSON for scripts (`technopark-monitor export`).

CSV and JSON have one row per hit (organisations named and figures read; candidate phrases
are not hits), oldest first: a figure is one row of a time series. The Atom feed has one entry
per article, newest first, listing the article's hits: a reader subscribes to news, and one
article that names an organisation five times and states two of its figures is one thing to
read, not seven unread items. An entry's id is derived from the article's source and key
(what identifies an article in every database, not its row id), so a feed written again by
cron, or from a rebuilt database, keeps its entries; its `updated` is the newest of its hits'
`created`, so a reader shows an entry again when its hits change.

Titles, snippets and URLs were written by whoever publishes a feed. In the Atom feed the entry
content is the same HTML fragment an alert email carries (every value escaped, links only to
http(s)), escaped once more as XML text by the serializer, and the characters XML 1.0 forbids
(control characters, U+FFFE, U+FFFF, lone surrogates) are removed: a feed reader's strict
parser would refuse the whole feed for one of them. CSV cells that a spreadsheet would run as a
formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) get a leading `'`, as
OWASP recommends; JSON carries every value exactly as stored.
"""

from __future__ import annotations

import csv
import io
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import groupby, islice
from typing import BinaryIO
from xml.sax.saxutils import XMLGenerator

from . import __version__
from .alert.email import article_html, headline, safe_url
from .alert.message import MAX_HITS, AlertArticle, AlertHit
from .moments import iso, parse_iso
from .store import Store, utcnow

COLUMNS = ("organisation_name", "metric", "value", "unit", "qualifier", "year", "date",
           "source", "title", "url", "snippet", "matched", "kind", "organisation",
           "metric_name", "mentions", "hit_id", "article_id", "created")
"""One hit, what a spreadsheet user reads first on the left: who, what figure, how much, when,
where it was said. `date` is the article's published time, else when it was fetched."""
ATOM = "http://www.w3.org/2005/Atom"
ATOM_ENTRIES = 100
"""The newest articles an Atom feed holds unless told otherwise: a subscriber's reader wants
what is new, and a feed rewritten by cron every quarter of an hour should not carry (and
hold in memory) the whole archive."""
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/technopark-monitor")
"""Entry and feed ids are UUIDs (RFC 4122 name-based) in this namespace: valid `urn:uuid:`
ids that need no domain of the user's, unlike tag: URIs."""
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 does not allow anywhere in a document, even escaped."""
_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_QUERY = """
SELECT h.id AS hit_id, h.kind, h.organisation, o.name AS organisation_name, h.metric,
       m.name AS metric_name, h.value, h.unit, h.qualifier, h.year, h.matched, h.snippet,
       h.mentions, h.created, a.id AS article_id, a.source, a.key, a.title, a.url,
       a.published, a.date
FROM hits h
JOIN articles a ON a.id = h.article_id
LEFT JOIN organisations o ON o.id = h.organisation
LEFT JOIN metrics m ON m.id = h.metric
WHERE h.kind != 'candidate'
  AND (:since IS NULL OR a.date >= :since)
  AND (:organisation IS NULL OR h.organisation = :organisation)
"""


@dataclass(frozen=True)
class Selection:
    """Which hits to export."""

    since: str | None = None
    """ISO 8601 UTC: hits of articles published (else fetched) at or after it."""
    organisation: str | None = None
    """An organisation id from rules.yaml: only hits about it."""


def hits(store: Store, selection: Selection, *, newest_first: bool = False) -> Iterator[dict]:
    """The selected hits as rows, in date order, the hits of one article together and in the
    order they were stored. Read from a cursor: an export of years of hits is never all in
    memory."""
    order = "DESC" if newest_first else ""
    cursor = store.conn.execute(
        f"{_QUERY} ORDER BY date {order}, a.id {order}, h.id",
        {"since": selection.since, "organisation": selection.organisation})
    for row in cursor:
        yield dict(row)


def write(store: Store, fmt: str, selection: Selection, out: BinaryIO,
          entries: int = ATOM_ENTRIES) -> int:
    """Write the selected hits to `out` in `fmt`; returns how many rows or entries. An Atom
    feed holds the newest `entries` articles; CSV and JSON every selected hit."""
    if fmt == "atom":
        return write_atom(hits(store, selection, newest_first=True), out,
                          feed_title(store, selection), selection, entries)
    rows = hits(store, selection)
    return write_csv(rows, out) if fmt == "csv" else write_json(rows, out)


# --------------------------------------------------------------------------- CSV and JSON


def _number(value: float | None) -> int | float | None:
    """1500000000, not 1.5e+09 or 1500000000.0: what a spreadsheet and a reader expect."""
    return int(value) if value is not None and value.is_integer() else value


def _record(row: dict) -> dict:
    return {column: _number(row["value"]) if column == "value" else row[column]
            for column in COLUMNS}


def _cell(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def write_csv(rows: Iterable[dict], out: BinaryIO) -> int:
    """A header and one row per hit, UTF-8 with a byte order mark: without it Excel reads the
    Cyrillic as Windows-1251 mojibake (LibreOffice and Python's `utf-8-sig` read it either
    way)."""
    text = io.TextIOWrapper(out, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        writer.writerow(COLUMNS)
        count = 0
        for row in rows:
            writer.writerow([_cell(value) for value in _record(row).values()])
            count += 1
        text.flush()
        return count
    finally:
        text.detach()  # `out` belongs to the caller


def write_json(rows: Iterable[dict], out: BinaryIO) -> int:
    """A JSON array with one hit object a line: one document that `jq`, `json.load` and
    `sqlite-utils insert` read, and that `grep` and a diff still treat line by line."""
    count = 0
    out.write(b"[")
    for row in rows:
        out.write(b",\n" if count else b"\n")
        out.write(json.dumps(_record(row), ensure_ascii=False).encode("utf-8"))
        count += 1
    out.write(b"\n]\n")
    return count


# --------------------------------------------------------------------------- Atom


def xml_text(text: str) -> str:
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML.sub("", text)


def _moment(text: str | None) -> str | None:
    """A stored time as RFC 3339 (Atom's dates), or None when it is not one (a row a user
    edited by hand): a wrong date must not make the feed invalid."""
    if not text:
        return None
    try:
        return iso(parse_iso(text))
    except ValueError:
        return None


def _urn(name: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, name)}"


def feed_title(store: Store, selection: Selection) -> str:
    if selection.organisation is None:
        return "technopark-monitor: hits"
    found = store.query("SELECT name FROM organisations WHERE id = ?", (selection.organisation,))
    return f"technopark-monitor: {found[0]['name'] if found else selection.organisation}"


@dataclass(frozen=True)
class _Entry:
    id: str
    updated: str
    published: str | None
    link: str | None
    article: AlertArticle
    categories: tuple[tuple[str, str], ...]
    """(term, label): the organisations and metrics of its hits."""


def _entries(rows: Iterable[dict]) -> Iterator[_Entry]:
    for _article_id, group in groupby(rows, key=lambda row: row["article_id"]):
        article_rows = list(group)
        first = article_rows[0]
        shown = article_rows[:MAX_HITS]
        article = AlertArticle(
            id=first["article_id"], url=first["url"], title=first["title"],
            source=first["source"], language=None, published=first["published"],
            hits=tuple(AlertHit(**{field: row[field] for field in AlertHit.__dataclass_fields__})
                       for row in shown),
            hits_total=len(article_rows) if len(article_rows) > MAX_HITS else None)
        categories = {(row["organisation"], row["organisation_name"] or row["organisation"])
                      for row in article_rows if row["organisation"]}
        categories |= {(row["metric"], row["metric_name"] or row["metric"])
                       for row in article_rows if row["metric"]}
        updated = max((m for row in article_rows if (m := _moment(row["created"]))),
                      default=None)
        yield _Entry(
            id=_urn(f"article {first['source']} {first['key']}"),
            updated=updated or _moment(first["date"]) or utcnow(),
            published=_moment(first["published"]), link=safe_url(first["url"]), article=article,
            categories=tuple(sorted(categories)))


def write_atom(rows: Iterable[dict], out: BinaryIO, title: str, selection: Selection,
               limit: int = ATOM_ENTRIES) -> int:
    """An Atom 1.0 feed (RFC 4287) of the first `limit` articles the rows belong to, rows
    newest first. The entries are built before the feed is written: the feed's `updated` is
    their newest; the rows after them are never read."""
    entries = list(islice(_entries(rows), limit))
    xml = XMLGenerator(out, encoding="utf-8", short_empty_elements=True)

    def element(name: str, text: str | None = None, **attributes: str | None) -> None:
        xml.startElement(name, {key: xml_text(value) for key, value in attributes.items()
                                if value is not None})
        if text:
            xml.characters(xml_text(text))
        xml.endElement(name)
        xml.characters("\n")  # one element a line: the feed reads (and diffs) as text

    xml.startDocument()
    xml.startElement("feed", {"xmlns": ATOM})
    xml.characters("\n")
    element("id", _urn(f"feed {selection.organisation or ''}"))
    element("title", title)
    element("updated", max((e.updated for e in entries), default=utcnow()))
    element("generator", "technopark-monitor", version=__version__)
    xml.startElement("author", {})
    element("name", "technopark-monitor")
    xml.endElement("author")
    xml.characters("\n")
    for entry in entries:
        xml.startElement("entry", {})
        xml.characters("\n")
        element("id", entry.id)
        element("title", headline(entry.article) or "(untitled)")
        element("updated", entry.updated)
        if entry.published:
            element("published", entry.published)
        if entry.link:
            element("link", rel="alternate", type="text/html", href=entry.link)
        for term, label in entry.categories:
            element("category", term=term, label=label)
        element("content", article_html(entry.article), type="html")
        xml.endElement("entry")
        xml.characters("\n")
    xml.endElement("feed")
    xml.characters("\n")
    xml.endDocument()
    return len(entries)
