"""`export`: hits as an Atom feed a feed reader accepts, CSV a spreadsheet reads back, JSON.

The databases are written through the real save path (the shipped rules' matcher on the text,
`Store.save_article`), or by a real poll of a feed served on 127.0.0.1; the exports are read
back with the parsers their users have: feedparser (as a feed reader), ElementTree (a strict
XML parser), the csv and json modules.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import load_rules
from monitor.export import COLUMNS, Selection, write_atom
from monitor.match import Matcher
from monitor.records import Article
from monitor.store import Store

from helpers import REPO, article_page, invoke, rss, write_config
from httpserver import TestServer

HOSTILE = "<script>alert(1)</script> ]]> & \"q\" 'a' \x00\x01\x08\x0b\x1f\ufffe\uffff end"
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(scope="module")
def matcher() -> tuple:
    rules = load_rules(REPO / "rules.yaml")
    return rules, Matcher(rules)


def _database(path: Path, matcher: tuple) -> Store:
    rules, _ = matcher
    store = Store(path)
    store.sync_rules(rules)
    for name in ("s", "t"):
        store.conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                           "VALUES (?, 'http://a/', 'feed', 900, 1)", (name,))
    return store


def _save(store: Store, matcher: tuple, key: str, title: str, text: str,
          published: str | None, *, source: str = "s",
          url: str | None = "https://news.example/a") -> int:
    hits = matcher[1].match(f"{title}\n{text}", "ru")
    article_id, _ = store.save_article(Article(
        source, key, url, None, None, title, published, "ru", f"{title}\n{text}", "feed",
        f"h-{key}-{text}", f"e-{key}"), hits)
    return article_id


@pytest.fixture
def db(tmp_path: Path, matcher: tuple) -> Path:
    """Three articles: two about Technopark Yakutia (one with a revenue figure, one of them
    hostile), one about Skolkovo, at three dates."""
    path = tmp_path / "monitor.db"
    with _database(path, matcher) as store:
        _save(store, matcher, "k1", "Выручка Технопарка «Якутия» выросла",
              "Выручка резидентов Технопарка «Якутия» составила 1,5 млрд рублей в 2025 году.",
              "2026-03-01T10:00:00Z")
        _save(store, matcher, "k2", f"Сколково {HOSTILE}",
              f"Фонд «Сколково» открыл набор. {HOSTILE}", "2026-03-05T10:00:00Z",
              url="javascript:alert(1)")
        _save(store, matcher, "k3", f"=HYPERLINK(\"http://evil\") Технопарк «Якутия» {HOSTILE}",
              f"-1 Технопарк «Якутия» принял резидентов. {HOSTILE}", None, source="t")
    return path


def _export(db: Path, fmt: str, *options: str) -> bytes:
    result = invoke("export", "--format", fmt, "--db", str(db), *options)
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def _stored_hits(db: Path) -> list[dict]:
    with Store(db) as store:
        return store.query("SELECT h.id, h.kind, h.value, a.title, h.snippet, h.matched "
                           "FROM hits h JOIN articles a ON a.id = h.article_id "
                           "WHERE h.kind != 'candidate' ORDER BY h.id")


# --------------------------------------------------------------------------- Atom


def test_atom_feed_validates_and_names_the_organisation_and_figure(db: Path) -> None:
    data = _export(db, "atom")
    ET.fromstring(data)  # a strict XML parser accepts it
    feed = feedparser.parse(data)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert len(feed.entries) == 3  # one entry per article, not per hit
    by_link = {e.get("link"): e for e in feed.entries}
    revenue = by_link["https://news.example/a"]
    assert revenue.title.startswith("Технопарк «Якутия»: revenue 1.5 bn RUB (2025) — ")
    assert revenue.id.startswith("urn:uuid:") and revenue.published == "2026-03-01T10:00:00Z"
    assert {t.term for t in revenue.tags} == {"technopark-yakutia", "revenue"}
    assert "1,5 млрд рублей" in revenue.content[0].value
    # newest first; an article with no date goes by when it was fetched (now)
    assert [e.get("published") for e in feed.entries] == [None, "2026-03-05T10:00:00Z",
                                                           "2026-03-01T10:00:00Z"]


def test_hostile_titles_and_snippets_are_escaped_and_forbidden_characters_removed(
        db: Path) -> None:
    data = _export(db, "atom")
    assert b"<script" not in data and b"\x00" not in data and b"\x0b" not in data
    assert "\ufffe".encode() not in data
    root = ET.fromstring(data)
    titles = [e.findtext(f"{ATOM}title") for e in root.iter(f"{ATOM}entry")]
    hostile = next(t for t in titles if "Сколково" in t)
    # the text as published, less what XML cannot carry: a reader shows it, runs nothing
    assert "<script>alert(1)</script> ]]> & \"q\" 'a' end" in " ".join(hostile.split())
    feed = feedparser.parse(data)
    assert feed.bozo == 0
    content = next(e for e in feed.entries if "Сколково" in e.title).content[0].value
    assert "<script" not in content and "&lt;script&gt;alert(1)&lt;/script&gt;" in content
    # a javascript: URL is no link
    assert all(not (e.get("link") or "").startswith("javascript") for e in feed.entries)
    assert 'href="javascript' not in content


def test_entry_ids_are_stable_and_updated_follows_the_hits(tmp_path: Path, db: Path,
                                                            matcher: tuple) -> None:
    """The same article in another database (rebuilt, or polled elsewhere) is the same entry;
    a hit found later moves the entry's `updated`, so a reader shows it again."""
    other = tmp_path / "other" / "monitor.db"
    with _database(other, matcher) as store:
        _save(store, matcher, "k1", "Выручка Технопарка «Якутия» выросла",
              "Выручка резидентов Технопарка «Якутия» составила 1,5 млрд рублей в 2025 году.",
              "2026-03-01T10:00:00Z")
    first = feedparser.parse(_export(db, "atom")).entries[-1]
    again = feedparser.parse(_export(other, "atom")).entries[0]
    assert first.id == again.id and first.link == again.link
    with Store(other) as store:
        store.conn.execute("UPDATE hits SET created = '2026-03-02T00:00:00Z'")
    assert feedparser.parse(_export(other, "atom")).entries[0].updated == "2026-03-02T00:00:00Z"
    with Store(other) as store:  # as a re-match adding a hit leaves it
        store.conn.execute("UPDATE hits SET created = '2026-04-01T00:00:00Z' "
                           "WHERE id = (SELECT max(id) FROM hits)")
    assert feedparser.parse(_export(other, "atom")).entries[0].updated == "2026-04-01T00:00:00Z"


def test_an_article_with_very_many_hits_shows_the_first_and_counts_the_rest(
        tmp_path: Path, matcher: tuple) -> None:
    path = tmp_path / "monitor.db"
    text = " ".join(f"Технопарк «Якутия» открыл корпус номер {i}." for i in range(80))
    with _database(path, matcher) as store:
        _save(store, matcher, "many", "Технопарк «Якутия»", text, "2026-03-01T10:00:00Z")
        total = store.query("SELECT count(*) AS n FROM hits WHERE kind != 'candidate'")[0]["n"]
    assert total > 50
    feed = feedparser.parse(_export(path, "atom"))
    assert feed.bozo == 0
    content = feed.entries[0].content[0].value
    assert content.count("<li>") == 51 and f"({total:,} in all)" in content


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=st.text(st.characters(blacklist_categories=())),
       snippet=st.text(st.characters(blacklist_categories=())),
       matched=st.text(st.characters(blacklist_categories=()), max_size=5),
       url=st.one_of(st.none(), st.text(), st.just("https://a.example/?q=<&>\"'")))
def test_any_text_gives_a_feed_feedparser_reads_without_bozo(title: str, snippet: str,
                                                             matched: str,
                                                             url: str | None) -> None:
    """Whatever a feed publisher writes (any code point, lone surrogates included, which
    SQLite would not even hold), the feed stays well-formed and its words survive."""
    row = {"hit_id": 1, "kind": "metric", "organisation": "o", "organisation_name": title,
           "metric": "revenue", "metric_name": snippet, "value": 1.5e9, "unit": "RUB",
           "qualifier": None, "year": 2025, "matched": matched, "snippet": snippet,
           "mentions": 1, "created": "2026-03-01T10:00:00Z", "article_id": 1, "source": "s",
           "key": "k", "title": title, "url": url, "published": title or None,
           "date": "2026-03-01T10:00:00Z"}
    out = io.BytesIO()
    # The selection's organisation is an id typed on the command line, which `main` takes
    # only as UTF-8 (tests/test_cli.py): it never holds the lone surrogates a feed's can.
    assert write_atom([row], out, title, Selection(organisation="o")) == 1
    feed = feedparser.parse(out.getvalue())
    assert feed.bozo == 0, feed.get("bozo_exception")
    ET.fromstring(out.getvalue())
    for word in re.findall(r"\w+", title):
        assert word in feed.entries[0].title


def test_a_polled_feed_exports_to_a_file_a_web_server_can_serve(
        tmp_path: Path, http_server: TestServer) -> None:
    """End to end: a real poll of a feed on 127.0.0.1, then `export --output`, which writes
    the file whole (through a temporary file) and readable by others."""
    page = article_page("Технопарк «Якутия» расширяется",
                        "Технопарк «Якутия» построит корпус за 2 млрд рублей.")
    http_server.route("/a1", page, content_type="text/html; charset=utf-8")
    http_server.route("/feed.xml", rss([{"guid": "g1", "title": "Технопарк «Якутия» &amp; Co",
                                         "link": http_server.url("/a1")}]))
    options = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    assert invoke("poll", *options).exit_code == 0
    feed_path = tmp_path / "www" / "technoparks.xml"
    feed_path.parent.mkdir()
    feed_path.write_text("the previous feed", encoding="utf-8")
    result = invoke("export", "--format", "atom", "--db", options[5], "--output", str(feed_path))
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr == f"1 entries written to {feed_path}\n"
    feed = feedparser.parse(feed_path.read_bytes())
    assert feed.bozo == 0 and feed.entries[0].link == http_server.url("/a1")
    assert "Технопарк «Якутия»" in feed.entries[0].title
    assert stat.S_IMODE(os.stat(feed_path).st_mode) == 0o644
    assert sorted(p.name for p in feed_path.parent.iterdir()) == ["technoparks.xml"]


# --------------------------------------------------------------------------- CSV and JSON


def test_csv_reads_back_with_the_csv_module(db: Path) -> None:
    data = _export(db, "csv")
    assert data.startswith("\ufeff".encode())  # Excel reads UTF-8 only with it
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    stored = {h["id"]: h for h in _stored_hits(db)}
    assert sorted(int(r["hit_id"]) for r in rows) == sorted(stored)
    for row in rows:
        hit = stored[int(row["hit_id"])]
        for column in ("title", "snippet", "matched"):
            # exactly as stored, control characters included; a cell a spreadsheet would run
            # as a formula starts with ' (OWASP's advice)
            value = hit[column]
            assert row[column] == ("'" + value if value.startswith(("=", "-")) else value)
        if hit["kind"] == "metric" and hit["value"] is not None:
            assert float(row["value"]) == hit["value"]
    revenue = next(r for r in rows if r["metric"] == "revenue")
    assert revenue | {"created": ""} == revenue | {
        "organisation_name": "Технопарк «Якутия»", "value": "1500000000", "unit": "RUB",
        "year": "2025", "date": "2026-03-01T10:00:00Z", "source": "s",
        "title": "Выручка Технопарка «Якутия» выросла", "url": "https://news.example/a",
        "matched": "1,5 млрд рублей", "created": ""}
    assert any(r["title"].startswith("'=HYPERLINK") for r in rows)
    dates = [r["date"] for r in rows]
    assert dates == sorted(dates)  # a time series: oldest first


def test_json_is_an_array_of_hits_one_a_line_exactly_as_stored(db: Path) -> None:
    data = _export(db, "json")
    hits = json.loads(data)
    assert [json.loads(line.rstrip(",")) for line in data.decode().splitlines()[1:-1]] == hits
    stored = {h["id"]: h for h in _stored_hits(db)}
    assert sorted(h["hit_id"] for h in hits) == sorted(stored)
    for hit in hits:
        assert tuple(hit) == COLUMNS
        for column in ("title", "snippet", "matched"):
            assert hit[column] == stored[hit["hit_id"]][column]
    revenue = next(h for h in hits if h["metric"] == "revenue")
    assert revenue["value"] == 1500000000 and isinstance(revenue["value"], int)
    assert revenue["metric_name"] and revenue["year"] == 2025


def test_an_empty_selection_is_a_valid_empty_export(db: Path) -> None:
    assert json.loads(_export(db, "json", "--since", "2030-01-01")) == []
    assert _export(db, "csv", "--since", "2030-01-01").decode("utf-8-sig").splitlines() == [
        ",".join(COLUMNS)]
    feed = feedparser.parse(_export(db, "atom", "--since", "2030-01-01"))
    assert feed.bozo == 0 and feed.entries == [] and feed.feed.title == "technopark-monitor: hits"


# --------------------------------------------------------------------------- filters


def test_since_and_organisation_select_hits(db: Path) -> None:
    everything = json.loads(_export(db, "json"))
    since = json.loads(_export(db, "json", "--since", "2026-03-02"))
    # k1 (1 March) goes; k3 has no published date, so its fetch time (now) counts
    assert {h["title"] for h in everything} - {h["title"] for h in since} == {
        "Выручка Технопарка «Якутия» выросла"}
    assert json.loads(_export(db, "json", "--since", "2026-03-05T10:00:01")) == [
        h for h in since if not h["title"].startswith("Сколково")]
    yakutia = json.loads(_export(db, "json", "--organisation", "technopark-yakutia"))
    assert yakutia and {h["organisation"] for h in yakutia} == {"technopark-yakutia"}
    assert yakutia == [h for h in everything if h["organisation"] == "technopark-yakutia"]
    feed = feedparser.parse(_export(db, "atom", "--organisation", "skolkovo"))
    assert feed.feed.title == "technopark-monitor: Фонд «Сколково»"
    assert len(feed.entries) == 1 and feed.feed.id != feedparser.parse(
        _export(db, "atom")).feed.id


def test_the_atom_feed_holds_the_newest_articles(db: Path) -> None:
    """A feed cron rewrites every quarter of an hour carries what is new, not the archive."""
    every = feedparser.parse(_export(db, "atom")).entries
    assert len(every) == 3
    newest = feedparser.parse(_export(db, "atom", "--limit", "2")).entries
    assert [e.id for e in newest] == [e.id for e in every[:2]]
    refused = invoke("export", "--format", "csv", "--db", str(db), "--limit", "2")
    assert refused.exit_code == 2 and "--limit" in refused.output


def test_bad_options_are_clear_errors(db: Path, tmp_path: Path) -> None:
    unknown = invoke("export", "--format", "csv", "--db", str(db), "--organisation", "nope")
    assert unknown.exit_code == 2 and "no organisation with id 'nope'" in unknown.output
    bad_date = invoke("export", "--format", "csv", "--db", str(db), "--since", "March")
    assert bad_date.exit_code == 2 and "--since" in bad_date.output
    missing = invoke("export", "--format", "csv", "--db", str(tmp_path / "typo.db"))
    assert missing.exit_code == 2 and "no such database" in missing.output
    assert not (tmp_path / "typo.db").exists()
