"""The whole pipeline over feedparser's own test corpus, served from a real loopback server.

Every document of ../shared/corpora/feedparser-tests (about 2,100 RSS, Atom, RDF, CDF and JSON
Feed files, many deliberately broken: bad encodings, undefined entities, hostile markup) is
served with the HTTP headers its leading comment asks for, as the feed of its own source. Each
poll must end either stored (a fetch without error, and its entries in `articles`) or recorded
as a failed fetch with a reason; nothing may escape `Poller.poll`, all stored text must be valid
UTF-8, every hit's offsets must point at its matched text, and a healthy source polled after
all of them must still work.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from urllib.parse import quote

import pytest

from monitor.config import FetchSettings, Organisation, RulesFile, Source
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.pipeline import Poller, PollResult
from monitor.store import Store

from httpserver import TestServer

CORPUS = Path(__file__).parent.parent.parent / "shared" / "corpora" / "feedparser-tests"
FOLDERS = ["wellformed", "illformed", "encoding", "entities", "json"]

needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(),
    reason=f"feed corpus not found at {CORPUS} (see ../shared/corpora/README.md)")

DEFAULT_XML_TYPE = "application/xml"
JSON_TYPE = "application/feed+json"

HEALTHY_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Healthy</title><link>http://127.0.0.1/</link>
<item><guid>healthy-1</guid><title>An Example of a working feed</title>
<link>http://127.0.0.1/healthy-1</link>
<description>&lt;p&gt;This example still works after the whole corpus.&lt;/p&gt;</description>
</item></channel></rss>
"""

_HEADER = re.compile(r"^[ \t]*Header:[ \t]*([A-Za-z0-9-]+)[ \t]*:[ \t]*(.*?)[ \t]*\r?$", re.M)
_SLUG_BAD = re.compile(r"[^a-z0-9_.-]+")


def _comment_text(data: bytes) -> str:
    """The file's text, decoded well enough to read the ASCII test comment (the corpus holds
    UTF-16 and UTF-32 files as well as ASCII-compatible ones)."""
    for encoding in ("latin-1", "utf-16-be", "utf-16-le", "utf-32-be", "utf-32-le"):
        text = data.decode(encoding, "replace")
        if "Description:" in text:
            return text
    return ""


def corpus_headers(data: bytes) -> dict[str, str]:
    """The `Header: Name: value` lines of the file's leading comment."""
    text = _comment_text(data)
    start = text.find("<!--")
    end = text.find("-->", start)
    if start < 0 or end < 0:
        return {}
    return {name: value for name, value in _HEADER.findall(text[start:end])}


def _slug(relative: str, taken: set[str]) -> str:
    base = _SLUG_BAD.sub("-", relative.lower()).strip("-._") or "feed"
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    taken.add(slug)
    return slug


def _corpus_files(folder: str) -> list[Path]:
    return sorted(p for p in (CORPUS / folder).rglob("*")
                  if p.is_file() and p.suffix in (".xml", ".json"))


def _serve(server: TestServer, path: str, data: bytes, headers: dict[str, str],
           default_type: str) -> None:
    content_type = default_type
    extra = {}
    for name, value in headers.items():
        if name.lower() == "content-type":
            content_type = value
        else:
            extra[name] = value
    server.route(path, data, content_type=content_type, headers=extra)


def _setup(tmp_path: Path, server: TestServer, sources: list[Source]):
    store = Store(tmp_path / "monitor.db")
    store.sync_sources(sources)
    rules = RulesFile(organisations=[Organisation(
        id="example", name="Example Organisation", aliases={"en": ["example"]})])
    store.sync_rules(rules)
    matcher = Matcher(rules)
    fetcher = Fetcher(FetchSettings(connect_timeout=5, timeout=20))
    return store, fetcher, Poller(store, fetcher, matcher)


def _assert_utf8(value: object, where: str) -> None:
    if value is None:
        return
    assert isinstance(value, str), f"{where}: not text ({type(value).__name__})"
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        pytest.fail(f"{where}: not valid UTF-8 ({exc})")


def _check_store(store: Store, results: dict[str, PollResult]) -> Counter:
    """Every source ended stored or failed-with-a-reason, consistently across the tables."""
    fetches: dict[str, list[dict]] = {}
    for row in store.query("SELECT * FROM fetches ORDER BY id"):
        fetches.setdefault(row["source"], []).append(row)
    sources = {row["name"]: row for row in store.query("SELECT * FROM sources")}
    articles = Counter(row["source"] for row in
                       store.query("SELECT source FROM articles"))
    outcomes: Counter = Counter()
    problems = []
    for name, result in results.items():
        rows = fetches.get(name, [])
        if len(rows) != 1:
            problems.append(f"{name}: {len(rows)} fetches rows after one poll")
            continue
        fetch, source = rows[0], sources[name]
        entries = result.new + result.updated + result.unchanged + result.failed
        if fetch["error"] is None:
            outcomes["stored" if entries else "empty"] += 1
            if not result.ok:
                problems.append(f"{name}: fetch without error but PollResult not ok")
            if result.failed:
                problems.append(f"{name}: {result.failed} entries failed (see the log)")
            if entries and not articles[name]:
                problems.append(f"{name}: {entries} entries but no article stored")
            if fetch["new_entries"] != result.new or articles[name] != result.new:
                problems.append(f"{name}: {result.new} new entries, fetches.new_entries="
                                f"{fetch['new_entries']}, {articles[name]} articles")
            if source["consecutive_failures"] != 0 or source["last_success"] is None:
                problems.append(f"{name}: healthy poll but source row says "
                                f"{source['consecutive_failures']} failures")
        else:
            outcomes["failed"] += 1
            if not fetch["error"].strip():
                problems.append(f"{name}: failed fetch with an empty reason")
            if result.ok or result.error != fetch["error"]:
                problems.append(f"{name}: fetches.error {fetch['error']!r} but PollResult "
                                f"ok={result.ok} error={result.error!r}")
            if articles[name]:
                problems.append(f"{name}: failed fetch but {articles[name]} articles stored")
            if (source["consecutive_failures"] != 1 or source["last_error"] != fetch["error"]
                    or source["last_success"] is not None):
                problems.append(f"{name}: failed poll but source row has consecutive_failures="
                                f"{source['consecutive_failures']}, last_error="
                                f"{source['last_error']!r}")
        _assert_utf8(fetch["error"], f"{name}: fetches.error")
        _assert_utf8(fetch["warning"], f"{name}: fetches.warning")
    assert not problems, "\n".join(problems)

    for row in store.query("SELECT * FROM articles"):
        for column in ("title", "text", "url", "canonical_url", "guid", "published",
                       "language"):
            _assert_utf8(row[column], f"article {row['id']} ({row['source']}).{column}")
    # The same text read back as bytes from SQLite must decode as UTF-8 too.
    for row in store.conn.execute("SELECT id, CAST(title AS BLOB), CAST(text AS BLOB) "
                                  "FROM articles"):
        for blob in row[1:]:
            blob.decode("utf-8")

    bad_hits = [
        (hit["id"], hit["matched"], hit["text"][hit["start"]:hit["end"]])
        for hit in store.query("SELECT hits.id, hits.matched, hits.start, hits.[end], "
                               "articles.text FROM hits JOIN articles "
                               "ON articles.id = hits.article_id")
        if hit["text"][hit["start"]:hit["end"]] != hit["matched"]]
    assert not bad_hits, f"hits whose offsets do not point at the matched text: {bad_hits[:10]}"
    outcomes["hits"] = store.query("SELECT count(*) AS n FROM hits")[0]["n"]
    outcomes["articles"] = sum(articles.values())
    return outcomes


def _poll_healthy(server: TestServer, store: Store, poller: Poller) -> None:
    healthy = Source(name="zz-healthy", url=server.url("/healthy.xml"), fetch_article=False)
    server.route("/healthy.xml", HEALTHY_FEED, content_type="application/rss+xml")
    store.sync_sources([healthy])
    result = poller.poll(healthy)
    assert result.ok and result.new == 1, result
    rows = store.query("SELECT text FROM articles WHERE source = ?", [healthy.name])
    assert len(rows) == 1 and "still works" in rows[0]["text"]
    hits = store.query("SELECT matched FROM hits JOIN articles ON articles.id = hits.article_id "
                       "WHERE articles.source = ?", [healthy.name])
    assert [h["matched"] for h in hits] == ["Example", "example"]
    state = store.query("SELECT consecutive_failures, last_error FROM sources WHERE name = ?",
                        [healthy.name])[0]
    assert state == {"consecutive_failures": 0, "last_error": None}


@needs_corpus
@pytest.mark.parametrize("folder", FOLDERS)
def test_corpus_folder_through_the_pipeline(folder: str, tmp_path: Path,
                                            http_server: TestServer) -> None:
    files = _corpus_files(folder)
    assert files, f"no feed files in {CORPUS / folder}"
    taken: set[str] = set()
    sources = []
    for path in files:
        relative = path.relative_to(CORPUS).as_posix()
        data = path.read_bytes()
        if path.suffix == ".json":
            _serve(http_server, "/" + quote(relative), data, {}, JSON_TYPE)
        else:
            _serve(http_server, "/" + quote(relative), data, corpus_headers(data),
                   DEFAULT_XML_TYPE)
        sources.append(Source(name=_slug(relative, taken), url=http_server.url(quote(relative)),
                              fetch_article=False))

    store, fetcher, poller = _setup(tmp_path, http_server, sources)
    try:
        results: dict[str, PollResult] = {}
        for source in sources:
            results[source.name] = poller.poll(source)  # must not raise
        outcomes = _check_store(store, results)
        _poll_healthy(http_server, store, poller)
    finally:
        fetcher.close()
        store.close()

    reasons = Counter(r.error for r in results.values() if not r.ok)
    summary = ", ".join(f"{k}={v}" for k, v in sorted(outcomes.items()))
    print(f"\n{folder}: {len(files)} files: {summary}")
    for reason, count in reasons.most_common(5):
        print(f"  {count:4d} x {reason}")
    assert outcomes["stored"] + outcomes["empty"] + outcomes["failed"] == len(files)


# --------------------------------------------------------------------------- focused cases

BOZO_FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Fish & Chips Daily</title>
<item><guid>bozo-1</guid><title>First & only</title>
<description>An example entry in a feed that is not well-formed.</description></item>
<item><guid>bozo-2</guid><title>Second</title><description>More text &nbsp; here</description>
</item></channel></rss>
"""

NOT_FEEDS = {
    "html-page": (b"<!DOCTYPE html><html><head><title>Example</title></head><body><h1>Hello"
                  b"</h1><p>This is a web page, not a feed.</p></body></html>",
                  "text/html; charset=utf-8"),
    "xhtml-page": (b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head>'
                   b"<title>x</title></head><body><p>An example page.</p></body></html>",
                   "application/xhtml+xml"),
    "random-bytes": (bytes((i * 7919 + 13) % 256 for i in range(4096)),
                     "application/octet-stream"),
    "random-bytes-as-rss": (bytes((i * 104729 + 5) % 256 for i in range(4096)),
                            "application/rss+xml"),
    "empty-body": (b"", "application/rss+xml"),
    "plain-text": (b"example text that is not a feed\n", "text/plain"),
    "json-not-a-feed": (b'{"hello": "example"}', "application/json"),
    "broken-json": (b'{"version": "https://jsonfeed.org/version/1", "items": [', JSON_TYPE),
}


def _one_source(tmp_path: Path, server: TestServer, path: str, body: bytes,
                content_type: str):
    server.route(path, body, content_type=content_type)
    source = Source(name=path.strip("/").replace("/", "-"), url=server.url(path),
                    fetch_article=False)
    store, fetcher, poller = _setup(tmp_path, server, [source])
    try:
        result = poller.poll(source)
        fetches = store.query("SELECT * FROM fetches WHERE source = ?", [source.name])
        articles = store.query("SELECT * FROM articles WHERE source = ?", [source.name])
        state = store.query("SELECT * FROM sources WHERE name = ?", [source.name])[0]
    finally:
        fetcher.close()
        store.close()
    return result, fetches, articles, state


def test_bozo_feed_with_entries_is_stored_with_a_warning(tmp_path: Path,
                                                         http_server: TestServer) -> None:
    result, fetches, articles, state = _one_source(tmp_path, http_server, "/bozo.xml",
                                                   BOZO_FEED, "application/rss+xml")
    assert result.ok and result.new == 2, result
    assert len(fetches) == 1
    assert fetches[0]["error"] is None
    assert fetches[0]["warning"] and fetches[0]["warning"].strip()
    assert fetches[0]["new_entries"] == 2
    assert sorted(a["guid"] for a in articles) == ["bozo-1", "bozo-2"]
    assert any("First & only" in a["title"] for a in articles)
    assert state["consecutive_failures"] == 0 and state["last_error"] is None


@pytest.mark.parametrize("kind", sorted(NOT_FEEDS))
def test_a_document_that_is_not_a_feed_is_a_failed_fetch(kind: str, tmp_path: Path,
                                                         http_server: TestServer) -> None:
    body, content_type = NOT_FEEDS[kind]
    result, fetches, articles, state = _one_source(tmp_path, http_server, f"/{kind}",
                                                   body, content_type)
    assert not result.ok and result.error and result.error.strip(), result
    assert result.status == 200
    assert len(fetches) == 1
    assert fetches[0]["error"] == result.error
    assert fetches[0]["status"] == 200
    assert articles == []
    assert state["consecutive_failures"] == 1 and state["last_error"] == result.error
