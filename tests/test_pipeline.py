"""The whole pipeline against a real HTTP server on 127.0.0.1 and a real SQLite file."""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from monitor import logs, reading
from monitor.config import load
from monitor.parse import AUTHOR_MAX_CHARS, parse_feed

from helpers import (
    RULES,
    article_page,
    db_rows,
    invoke,
    open_poller,
    rss,
    run_cli,
    write_config,
)
from httpserver import TestServer


def serve_news(server: TestServer, description: str = "Кратко.") -> None:
    server.route("/feed.xml", rss([
        {"guid": "n1", "title": "Технопарк «Якутия» подвёл итоги", "link": server.url("/n1"),
         "description": description},
        {"guid": "n2", "title": "Skolkovo opens a new hub", "link": server.url("/n2"),
         "description": "Skolkovo announced a hub."},
    ]), etag='"feed-v1"', last_modified="Mon, 02 Mar 2026 10:00:00 GMT")
    server.route("/n1", article_page(
        "Технопарк «Якутия» подвёл итоги",
        "Резиденты Технопарк Якутия выпустили продукцию.",
        "Новый корпус откроется летом."), content_type="text/html; charset=utf-8")
    server.route("/n2", article_page("Skolkovo opens a new hub", "Skolkovo said on Monday.",
                                     lang="en"), content_type="text/html; charset=utf-8")


def test_poll_stores_hits_and_second_poll_adds_nothing(tmp_path: Path,
                                                       http_server: TestServer) -> None:
    serve_news(http_server)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    result = invoke("poll", *opts)
    assert result.exit_code == 0, result.output
    assert "news: 2 new, 0 updated, 0 unchanged" in result.output

    hits = db_rows(tmp_path, "select organisation, organisation_name, matched, title, url, "
                             "source, published from hits_view order by id")
    assert [(h["organisation"], h["matched"]) for h in hits] == [
        ("technopark-yakutia", "Технопарк «Якутия»"),
        ("technopark-yakutia", "Технопарк Якутия"),
        ("skolkovo", "Skolkovo"), ("skolkovo", "Skolkovo")]
    assert hits[0]["organisation_name"] == "Технопарк «Якутия»"
    assert hits[0]["published"] == "2026-03-02T10:00:00Z"
    assert hits[0]["url"] == http_server.url("/n1") and hits[0]["source"] == "news"
    article = db_rows(tmp_path, "select * from articles where guid = 'n1'")[0]
    assert article["extracted_from"] == "page"
    assert "Новый корпус" in article["text"] and "Главная" not in article["text"]
    assert article["language"] == "ru"

    # Second poll: the server answers 304 to our conditional GET; nothing is added.
    result = invoke("poll", *opts)
    assert "news: not modified" in result.output
    assert http_server.requests[-1].headers.get("If-None-Match") == '"feed-v1"'
    assert db_rows(tmp_path, "select count(*) n from hits")[0]["n"] == 4
    # A server that ignores conditional GET: the same feed again adds nothing either.
    http_server.route("/feed.xml", http_server.requests and rss([
        {"guid": "n1", "title": "Технопарк «Якутия» подвёл итоги", "link": http_server.url("/n1"),
         "description": "Кратко."},
        {"guid": "n2", "title": "Skolkovo opens a new hub", "link": http_server.url("/n2"),
         "description": "Skolkovo announced a hub."}]))
    pages_before = http_server.count("/n1")
    result = invoke("poll", *opts)
    assert "news: 0 new, 0 updated, 2 unchanged" in result.output
    assert http_server.count("/n1") == pages_before  # known entries are not re-fetched
    assert db_rows(tmp_path, "select count(*) n from articles")[0]["n"] == 2
    assert db_rows(tmp_path, "select count(*) n from hits")[0]["n"] == 4


def test_edited_entry_is_updated_not_duplicated(tmp_path: Path, http_server: TestServer) -> None:
    serve_news(http_server)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}])
    invoke("poll", *opts)
    serve_news(http_server, description="Поправка: Технопарк Якутия и Skolkovo.")
    http_server.route("/feed.xml", rss([
        {"guid": "n1", "title": "Технопарк «Якутия» подвёл итоги", "link": http_server.url("/n1"),
         "description": "Поправка: Технопарк Якутия и Skolkovo."},
        {"guid": "n2", "title": "Skolkovo opens a new hub", "link": http_server.url("/n2"),
         "description": "Skolkovo announced a hub."}]), etag='"feed-v2"')
    result = invoke("poll", *opts)
    assert "news: 0 new, 1 updated, 1 unchanged" in result.output
    rows = db_rows(tmp_path, "select id, text, updated from articles where guid = 'n1'")
    assert len(rows) == 1 and "Поправка" in rows[0]["text"] and rows[0]["updated"]
    hits = db_rows(tmp_path, f"select organisation from hits where article_id = {rows[0]['id']}")
    assert sorted(h["organisation"] for h in hits) == ["skolkovo", "technopark-yakutia",
                                                       "technopark-yakutia"]


def test_failing_source_does_not_stop_others(tmp_path: Path, http_server: TestServer) -> None:
    serve_news(http_server)
    http_server.route("/broken.xml", b"<html><body>not a feed</body></html>",
                      content_type="text/html")
    opts = write_config(tmp_path, [
        {"name": "dead", "url": "http://127.0.0.1:9/feed.xml"},
        {"name": "broken", "url": http_server.url("/broken.xml")},
        {"name": "missing", "url": http_server.url("/nope.xml")},
        {"name": "news", "url": http_server.url("/feed.xml")},
    ])
    result = invoke("poll", *opts)
    assert result.exit_code == 0
    assert "dead: failed: connection failed" in result.output
    assert "broken: failed: not a feed" in result.output
    assert "missing: failed: HTTP 404" in result.output
    assert "news: 2 new" in result.output
    sources = {r["name"]: r for r in db_rows(tmp_path, "select * from sources")}
    assert sources["dead"]["consecutive_failures"] == 1 and sources["dead"]["last_error"]
    assert sources["news"]["consecutive_failures"] == 0 and sources["news"]["last_success"]
    fetches = db_rows(tmp_path, "select source, status, error from fetches")  # polled at once
    assert sorted((f["source"], f["status"] or 0) for f in fetches) == [
        ("broken", 200), ("dead", 0), ("missing", 404), ("news", 200)]
    status = invoke("status", *opts)
    assert "connection failed" in status.output and "news" in status.output


def test_poll_exits_1_when_every_source_failed(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "dead", "url": "http://127.0.0.1:9/a"},
                                   {"name": "dead2", "url": "http://127.0.0.1:9/b"}])
    result = invoke("poll", *opts)
    assert result.exit_code == 1
    result = invoke("poll", *opts, "--source", "dead")
    assert result.exit_code == 1 and "dead2" not in result.output
    failures = db_rows(tmp_path, "select consecutive_failures from sources where name='dead'")
    assert failures == [{"consecutive_failures": 2}]


def test_page_failure_falls_back_to_feed_text(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([
        {"guid": "x", "title": "Новости", "link": http_server.url("/gone"),
         "description": "&lt;p&gt;Резиденты &lt;b&gt;Технопарк Якутия&lt;/b&gt;&lt;/p&gt;"},
        # A link the feed hands us to a host we did not configure that resolves to loopback:
        {"guid": "y", "title": "Ещё", "link": f"http://localhost:{http_server.port}/secret",
         "description": "Технопарк «Якутия» снова."}]))
    http_server.route("/secret", article_page("secret", "internal"),
                      content_type="text/html")
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    assert "news: 2 new" in invoke("poll", *opts).output
    rows = db_rows(tmp_path, "select guid, text, extracted_from from articles order by guid")
    assert rows[0] == {"guid": "x", "text": "Новости\nРезиденты Технопарк Якутия",
                       "extracted_from": "feed"}
    assert rows[1]["extracted_from"] == "feed"
    assert http_server.count("/secret") == 0  # never requested


def test_unknown_source_name_is_a_usage_error(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "a", "url": "http://127.0.0.1:9/a"}])
    result = invoke("poll", *opts, "--source", "b")
    assert result.exit_code == 2 and "no source named b" in result.output


def test_invalid_config_is_refused_before_anything_runs(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "a", "url": "ftp://x", "intervall": "5m"}])
    for command in ("run", "poll", "status"):
        result = invoke(command, *opts)
        assert result.exit_code == 2
        assert "sources.yaml:3: sources[0].url: expected an http:// or https:// URL" in \
            result.output
        assert "sources.yaml:4: sources[0].intervall: unknown field" in result.output
    assert not (tmp_path / "monitor.db").exists()


def test_html_titles_are_stored_as_text(tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/atom.xml", """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>urn:f</id><updated>2026-03-01T00:00:00Z</updated>
<entry><id>urn:e1</id><updated>2026-03-01T00:00:00Z</updated>
<title type="html">&lt;b&gt;Технопарк «Якутия»&lt;/b&gt;
&lt;script&gt;alert(1)&lt;/script&gt;растёт</title>
<summary>Кратко.</summary></entry></feed>""", content_type="application/atom+xml")
    opts = write_config(tmp_path, [{"name": "atom", "url": http_server.url("/atom.xml"),
                                    "fetch_article": "false"}])
    assert "atom: 1 new" in invoke("poll", *opts).output
    (row,) = db_rows(tmp_path, "select title, text from articles")
    assert row["title"] == "Технопарк «Якутия» растёт"
    assert "<" not in row["text"] and "alert" not in row["text"]


def test_undeclared_language_is_detected(tmp_path: Path, http_server: TestServer) -> None:
    body = rss([{"guid": "d", "title": "Technopark Jakutien", "link": "http://x.invalid/d",
                 "description": "Der Umsatz des Technoparks Jakutien stieg deutlich."}])
    http_server.route("/feed.xml", body.replace("<language>ru</language>", ""))
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}])
    assert "news: 1 new" in invoke("poll", *opts).output
    assert db_rows(tmp_path, "select language from articles") == [{"language": "de"}]


def test_log_event_takes_exc_info_and_reserved_field_names(capsys) -> None:
    """The per-entry error handler logged with exc_info=True, which LogRecord refused with a
    KeyError: the handler itself raised and the poll was lost."""
    logs.setup("info")
    log = logging.getLogger("monitor.test")
    try:
        raise ValueError("boom")
    except ValueError:
        logs.event(log, logging.ERROR, "entry.failed", exc_info=True, source="s", name="n",
                   args="a", module="m")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.split()[1:3] == ["error", "entry.failed"]
    assert "source=s name_=n args_=a module_=m" in line
    assert "ValueError: boom" in line.partition("exception=")[2]


def test_apscheduler_tracebacks_are_one_structured_event(capsys) -> None:
    logs.setup("info")
    ran = threading.Event()

    def job() -> None:
        ran.set()
        raise RuntimeError("job broke")

    scheduler = BackgroundScheduler(timezone="UTC")
    scheduler.add_job(job, "interval", hours=1, next_run_time=datetime.now(UTC))
    scheduler.start()
    try:
        assert ran.wait(15)
    finally:
        scheduler.shutdown(wait=True)
    (line,) = capsys.readouterr().err.splitlines()  # its info lines ("Added job") are noise
    assert line.split()[1:3] == ["error", "apscheduler.executors.default"]
    assert 'message="Job' in line and "RuntimeError: job broke" in line


def test_any_error_in_a_poll_is_a_recorded_failure_and_the_others_go_on(
        tmp_path: Path, http_server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only database errors: a bug anywhere in a poll ends as a fetches row with its
    reason and a failure for health, and `poll` (like the daemon, which calls the same
    Poller.poll) goes on to the next source."""
    serve_news(http_server)
    http_server.route("/broken.xml", rss([]))
    opts = write_config(tmp_path, [
        {"name": "broken", "url": http_server.url("/broken.xml"), "fetch_article": "false"},
        {"name": "news", "url": http_server.url("/feed.xml"), "fetch_article": "false"}])
    real = reading.parse_feed

    def parse_once_broken(body: bytes, url: str, *args, **kwargs):  # one source's parse fails
        if url.endswith("/broken.xml"):
            raise RuntimeError("parser bug")
        return real(body, url, *args, **kwargs)

    monkeypatch.setattr(reading, "parse_feed", parse_once_broken)
    result = invoke("poll", *opts)
    assert "broken: failed: internal error: RuntimeError: parser bug" in result.output
    assert "news: 2 new" in result.output
    assert db_rows(tmp_path, "SELECT source, error FROM fetches ORDER BY source") == [
        {"source": "broken", "error": "internal error: RuntimeError: parser bug"},
        {"source": "news", "error": None}]  # polled at once: in either order
    assert db_rows(tmp_path, "SELECT name, consecutive_failures FROM sources ORDER BY name") \
        == [{"name": "broken", "consecutive_failures": 1},
            {"name": "news", "consecutive_failures": 0}]


def test_locked_database_fails_the_poll_and_its_record_is_written_later(
        tmp_path: Path, http_server: TestServer) -> None:
    """A database locked past the busy timeout: the poll fails with the database's reason,
    the fetch row that could not be written is kept and written by the next poll, even from
    another Store of the process (the daemon opens one per poll), with its health alert."""
    serve_news(http_server)
    health = "health:\n  failures: 1\n  target:\n    webhook: http://127.0.0.1:9/hook\n"
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}], rules=RULES + health)
    (source,) = load(Path(opts[1]), Path(opts[3])).sources.sources
    blocker = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
    try:
        store, fetcher, poller = open_poller(opts)
        store.conn.execute("PRAGMA busy_timeout = 200")
        blocker.execute("BEGIN IMMEDIATE")
        result = poller.poll(source)
        fetcher.close()
        store.close()
        assert not result.ok and result.error.startswith("database error: database is locked")
        assert "poll not recorded" in result.error
        blocker.execute("ROLLBACK")
        store, fetcher, poller = open_poller(opts)
        result = poller.poll(source)
        fetcher.close()
        store.close()
        assert result.ok and result.new == 2
        assert db_rows(tmp_path, "SELECT error FROM fetches ORDER BY id") == [
            {"error": "database error: database is locked"}, {"error": None}]
        states = [json.loads(r["detail"])["state"] for r in db_rows(
            tmp_path, "SELECT detail FROM alerts WHERE kind = 'health' ORDER BY rowid")]
        assert states == ["failing", "recovered"]
    finally:
        blocker.close()


def test_page_retries_are_bounded_then_the_feed_is_cached_again(
        tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([{"guid": "p", "title": "Итоги",
                                         "link": http_server.url("/p"),
                                         "description": "Кратко."}]), etag='"v1"')
    http_server.route("/p", "<html><body></body></html>",
                      content_type="text/html; charset=utf-8")
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    outputs = [invoke("poll", *opts).output for _ in range(4)]
    assert "news: 1 new" in outputs[0]
    assert "news: 0 new, 0 updated, 1 unchanged" in outputs[1]
    assert "news: not modified" in outputs[3]  # validators stored once retries are over
    assert http_server.count("/p") == 3
    (row,) = db_rows(tmp_path, "select extracted_from, page_error, page_attempts from articles")
    assert row == {"extracted_from": "feed", "page_error": "no article text in page",
                   "page_attempts": 3}


@pytest.mark.parametrize("status, tries", [(404, 1), (410, 1), (503, 3)])
def test_a_page_that_is_gone_is_not_tried_again(tmp_path: Path, http_server: TestServer,
                                                 status: int, tries: int) -> None:
    """A 404 or 410 will be the same on every later poll: one try, and the feed is cached
    again at once. A 503 passes, so it is tried again (bounded)."""
    http_server.route("/feed.xml", rss([{"guid": "p", "title": "Итоги",
                                         "link": http_server.url("/p"),
                                         "description": "Кратко."}]), etag='"v1"')
    http_server.route("/p", "gone", status=status)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    for _ in range(4):
        invoke("poll", *opts)
    assert http_server.count("/p") == tries
    (row,) = db_rows(tmp_path, "select page_error, page_attempts from articles")
    assert row == {"page_error": f"HTTP {status}", "page_attempts": 3}


def test_page_failure_reason_is_logged_with_source_and_url(
        tmp_path: Path, http_server: TestServer) -> None:
    """extract_page swallowed every exception without saying why."""
    http_server.route("/feed.xml", rss([{"guid": "p", "title": "Итоги",
                                         "link": http_server.url("/p")}]))
    http_server.route("/p", "<html><body></body></html>", content_type="text/html")
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    result = run_cli("poll", *opts)
    (line,) = [ln for ln in result.stderr.splitlines() if "article.no_text" in ln]
    assert f"source=news url={http_server.url('/p')}" in line
    assert 'error="no article text in page"' in line


@pytest.mark.parametrize("encoding, content_type", [
    ("koi8-r", "text/html"),
    # A server that says UTF-8 for cp1251 bytes: read as UTF-8 it was all replacement marks.
    ("cp1251", "text/html; charset=utf-8"),
])
def test_article_page_encoding_is_decoded_like_feeds(encoding: str, content_type: str,
                                                     tmp_path: Path,
                                                     http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([{"guid": "k", "title": "Итоги",
                                         "link": http_server.url("/k")}]))
    page = article_page("Итоги года", "Резиденты Технопарк Якутия выпустили продукцию на два "
                        "миллиарда рублей.", "Новый корпус откроется летом, сообщили в "
                        "пресс-службе технопарка.").replace("©", "(c)").replace("Главная", "")
    http_server.route("/k", page.encode(encoding), content_type=content_type)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}])
    assert "news: 1 new" in invoke("poll", *opts).output
    (row,) = db_rows(tmp_path, "select text, extracted_from from articles")
    assert row["extracted_from"] == "page" and "Технопарк Якутия выпустили" in row["text"]
    assert db_rows(tmp_path, "select organisation from hits") == [
        {"organisation": "technopark-yakutia"}]


def test_capped_author_fields_keep_the_feed_well_formed() -> None:
    """The cap cuts neither an entity nor a CDATA section in half, so feedparser sees no
    error and every entry (and its title) stays."""
    tail = "a." * 20_000
    creator = f"<![CDATA[<b>{tail}]]>"
    author = "x" * (AUTHOR_MAX_CHARS - 2) + "&amp;" + tail
    feed = parse_feed(
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>'
        f"<item><title>T1</title><author>{author}</author>"
        f"<dc:creator>{creator}</dc:creator></item>"
        f"<item><title>T2</title><managingEditor>{tail}</managingEditor></item>"
        "</channel></rss>".encode(), "http://127.0.0.1/feed.xml", "application/rss+xml")
    assert feed.warning is None and [e.title for e in feed.entries] == ["T1", "T2"]
