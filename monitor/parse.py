"""Feed documents (RSS, Atom, RDF via feedparser; JSON Feed here) into `Entry` records.

feedparser is always handed bytes plus the HTTP headers, never a URL or a path: given a string
it would fetch URLs itself, outside our limits. The bytes are decoded here first (see
`monitor.encoding`) and handed over as UTF-8 that says so, because feedparser's own guess
turns a Russian feed with one bad byte into mojibake. feedparser 6.0 does not read JSON Feed,
so the small JSON Feed 1.0/1.1 reader below fills that gap with the same records.

Two things in a hostile feed cost more than the feed is worth, and are defused before
feedparser sees it: an author text of many kilobytes (feedparser's author-email pattern is
quadratic, upstream issue 562: 20 items with 24 KB authors took 131 s), and a link that is not
a URL (`http://[oops/x`), which keeps its entry but not the link.
"""

from __future__ import annotations

import bisect
import calendar
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from html import escape
from urllib.parse import urljoin, urlsplit

import feedparser

from .encoding import as_utf8_xml, decode
from .errors import ParseError

AUTHOR_MAX_CHARS = 512
"""Longest author-like text handed to feedparser. An e-mail address is at most 254 octets;
the rest leaves room for a display name. Nothing we store reads authors."""
_AUTHOR_OPEN = re.compile(
    r"<((?:[\w.-]+:)?(?:author|creator|managingEditor|webMaster|publisher|contributor|owner"
    r"|name|email))\b[^>]*(?<!/)>", re.IGNORECASE)
_ENTRY_END = re.compile(r"</(?:[\w.-]+:)?(?:item|entry)\s*>", re.IGNORECASE)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_MARKUP = re.compile(r"<!--.*?-->|<\?.*?\?>|<[^>]*>", re.DOTALL)
_PARTIAL_ENTITY = re.compile(r"&[^;<]{0,32}$")


@dataclass(frozen=True)
class Entry:
    guid: str | None
    link: str | None
    title: str
    title_is_html: bool
    """Atom and some RSS titles carry markup; it is turned into text downstream."""
    summary_html: str
    """The entry's longest content (content:encoded, atom:content) else its summary."""
    published: str | None
    """ISO 8601 UTC."""
    language: str | None
    link_error: str | None = None
    """Why the feed's link was dropped (it is not a URL); the entry is kept without it."""


@dataclass(frozen=True)
class Feed:
    title: str | None
    language: str | None
    entries: list[Entry]
    warning: str | None
    """Why feedparser distrusted the document (bozo), when it still yielded entries."""


def _iso(struct: object) -> str | None:
    if not struct:
        return None
    try:
        stamp = calendar.timegm(struct)  # feedparser's *_parsed are UTC struct_times
        return iso_utc(datetime.fromtimestamp(stamp, UTC))
    except (TypeError, ValueError, OverflowError):
        return None


def language_code(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return value.strip().split("-")[0].split("_")[0].lower()[:3] or None


def _looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and "json" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def parse_feed(body: bytes, url: str, content_type: str | None = None) -> Feed:
    """Parse a fetched feed. Raises ParseError when the document yields no usable feed."""
    if _looks_like_json(body, content_type):
        return _parse_json_feed(body, url)
    document = _cap_authors(decode(body, content_type))
    # No content-location: feedparser would resolve a plain guid such as "n1" against it, and
    # an article's identity must not change when its feed moves. Links are resolved below.
    # Neither sanitising nor resolving the links inside summaries: their HTML only ever
    # becomes text (extract.html_to_text, which drops scripts and styles itself), and both
    # passes cost a fifth of feedparser's time.
    media_type = (content_type or "application/xml").split(";")[0].strip()
    parsed = feedparser.parse(
        as_utf8_xml(document), response_headers={"content-type": f"{media_type}; charset=utf-8"},
        resolve_relative_uris=False, sanitize_html=False)
    warning = None
    if parsed.bozo:
        exc = parsed.get("bozo_exception")
        warning = f"{type(exc).__name__}: {exc}" if exc else "feed is not well-formed"
    # .get: for an empty body feedparser returns a result without a `version` key at all.
    if not parsed.entries and not parsed.get("version"):
        detail = f" ({warning})" if warning else ""
        raise ParseError(url, f"not a feed: no RSS, Atom, RDF or JSON Feed document{detail}")
    if not parsed.entries and parsed.bozo:
        raise ParseError(url, f"not a usable feed ({warning})")
    feed_language = language_code(parsed.feed.get("language"))
    entries = []
    for item in parsed.entries:
        contents = [c.get("value", "") for c in item.get("content", []) if c.get("value")]
        summary = max([*contents, item.get("summary", "") or ""], key=len)
        link, link_error = entry_link(url, item.get("link"))
        entries.append(Entry(
            guid=(item.get("id") or None),
            link=link,
            link_error=link_error,
            title=(item.get("title") or "").strip(),
            title_is_html="html" in (item.get("title_detail") or {}).get("type", ""),
            summary_html=summary,
            published=_iso(item.get("published_parsed") or item.get("updated_parsed")),
            language=language_code(item.get("language")) or feed_language,
        ))
    return Feed(title=parsed.feed.get("title"), language=feed_language, entries=entries,
                warning=warning)


def _parse_json_feed(body: bytes, url: str) -> Feed:
    try:
        data = json.loads(body.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ParseError(url, f"not a usable JSON Feed ({exc})") from None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
            "https://jsonfeed.org/version/"):
        raise ParseError(url, "not a JSON Feed: no jsonfeed.org version")
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError(url, "not a usable JSON Feed: `items` is not a list")
    feed_language = language_code(data.get("language"))
    base = data.get("home_page_url") if isinstance(data.get("home_page_url"), str) else url
    entries = []
    skipped = 0
    for item in items:
        if not isinstance(item, dict):
            skipped += 1
            continue
        link = item.get("url") if isinstance(item.get("url"), str) else None
        html = item.get("content_html") if isinstance(item.get("content_html"), str) else ""
        text = item.get("content_text") if isinstance(item.get("content_text"), str) else ""
        summary = item.get("summary") if isinstance(item.get("summary"), str) else ""
        published = item.get("date_published") or item.get("date_modified")
        link, link_error = entry_link(base, link)
        entries.append(Entry(
            guid=str(item["id"]) if item.get("id") not in (None, "") else None,
            link=link,
            link_error=link_error,
            title=str(item.get("title") or "").strip(),
            title_is_html=False,
            summary_html=html or escape(text) or escape(summary),
            published=iso_date(published),
            language=language_code(item.get("language")) or feed_language,
        ))
    warning = f"{skipped} items are not objects and were skipped" if skipped else None
    return Feed(title=data.get("title") if isinstance(data.get("title"), str) else None,
                language=feed_language, entries=entries, warning=warning)


def iso_moment(value: object, zone: tzinfo = UTC) -> datetime | None:
    """The moment an ISO 8601 date (JSON Feed, sitemaps, listing pages) names, in UTC, or
    None; a date without a zone is in `zone`."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=zone)
        return moment.astimezone(UTC)
    except (ValueError, OverflowError):  # 0001-01-01T00:00+03:00 is before year 1 in UTC
        return None


def iso_utc(moment: datetime) -> str:
    """How dates are stored: ISO 8601 in UTC, with Z."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def iso_date(value: object, zone: tzinfo = UTC) -> str | None:
    """ISO 8601 UTC for an ISO 8601 date (see `iso_moment`), or None."""
    moment = iso_moment(value, zone)
    return iso_utc(moment) if moment else None


def entry_link(base: str, link: object) -> tuple[str | None, str | None]:
    """The entry's link resolved against the feed, or (None, why) when it is not a URL we
    could ever fetch or key by: one bad link must cost its entry the link, not the poll."""
    if not isinstance(link, str) or not link.strip():
        return None, None
    try:
        resolved = urljoin(base, link.strip())
        parts = urlsplit(resolved)
        parts.port  # noqa: B018 - raises ValueError for a port out of range or not a number
    except ValueError as exc:
        return None, f"malformed link {link[:200]!r}: {exc}"
    if parts.scheme in ("http", "https") and not parts.hostname:
        return None, f"malformed link {link[:200]!r}: no host"
    return resolved, None


def _cap_authors(document: str) -> str:
    """Every author-like element whose content is longer than AUTHOR_MAX_CHARS, cut to that
    much of its text, keeping the XML well-formed.

    The whole element is cut, from its start tag to its end tag (or, when it has none, to the
    end of its item), whatever it holds: comments, processing instructions, CDATA and nested
    tags all end up in the one text feedparser runs its pattern over, so cutting only the
    first run of text let `<author><!---->` followed by 100 KB through. The text that is kept
    has its markup removed, CDATA escaped, and no entity cut in half. Ends are found by
    bisecting positions collected once, so a feed of many unclosed elements stays linear."""
    ends: dict[str, list[int]] = {}
    entry_ends = [m.start() for m in _ENTRY_END.finditer(document)]
    out: list[str] = []
    done = 0
    for start in _AUTHOR_OPEN.finditer(document):
        if start.start() < done:
            continue  # inside an element already cut
        name = start.group(1)
        if name not in ends:
            close = re.compile(rf"</{re.escape(name)}\s*>", re.IGNORECASE)
            ends[name] = [m.start() for m in close.finditer(document)]
        inner = start.end()
        end = _first_after(ends[name], inner)
        if end is None:
            end = _first_after(entry_ends, inner) or len(document)
        if end - inner <= AUTHOR_MAX_CHARS:
            continue
        text = _CDATA.sub(lambda m: escape(m.group(1), quote=False), document[inner:end])
        text = _MARKUP.sub("", text).replace("<", "")[:AUTHOR_MAX_CHARS]
        out += [document[done:inner], _PARTIAL_ENTITY.sub("", text), "…"]
        done = end
    out.append(document[done:])
    return "".join(out)


def _first_after(positions: list[int], offset: int) -> int | None:
    index = bisect.bisect_left(positions, offset)
    return positions[index] if index < len(positions) else None
