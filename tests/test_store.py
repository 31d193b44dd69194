"""The database as users see it: versioned schema, WAL, readers never blocking the daemon."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from monitor import store as store_module
from monitor.config import load_rules
from monitor.errors import SchemaError
from monitor.match import Matcher
from monitor.store import (
    SCHEMA_VERSION,
    Article,
    FetchRecord,
    HealthPolicy,
    Outbox,
    Outgoing,
    Store,
)

from helpers import REPO, invoke, rss, write_config
from httpserver import TestServer


def test_new_database_has_current_schema_and_wal(tmp_path: Path) -> None:
    with Store(tmp_path / "m.db") as store:
        assert store.conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        assert store.conn.execute("pragma journal_mode").fetchone()[0] == "wal"
        names = set(store.db.table_names()) | set(store.db.view_names())
    assert {"sources", "fetches", "articles", "hits", "organisations", "hits_view",
            "articles_fts"} <= names


def test_database_from_newer_release_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "m.db"
    conn = sqlite3.connect(path)
    conn.execute(f"pragma user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaError, match="newer than this release"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("select count(*) from sqlite_master").fetchone()[0] == 0
    conn.close()
    opts = write_config(tmp_path, [{"name": "a", "url": "http://127.0.0.1:9/"}])
    result = invoke("poll", *opts[:4], "--db", str(path))
    assert result.exit_code == 2 and "upgrade technopark-monitor" in result.output


def test_older_database_is_migrated_forward(tmp_path: Path, monkeypatch) -> None:
    """A database left by an older release (here: one migration behind) is brought forward
    on open, keeping its rows."""
    path = tmp_path / "m.db"
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION)
    with Store(path) as store:
        store.conn.execute("insert into organisations (id, name, aliases) values ('x', 'X', '{}')")
    extra = "CREATE TABLE future_notes (id INTEGER PRIMARY KEY, note TEXT);"
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, extra])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Store(path) as store:
        assert store.conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION + 1
        assert "future_notes" in store.db.table_names()
        assert store.query("select id from organisations") == [{"id": "x"}]


def test_failed_migration_leaves_the_old_version(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "m.db"
    Store(path).close()
    broken = "CREATE TABLE half (id INTEGER);\nCREATE TABLE sources (dup INTEGER);"
    monkeypatch.setattr(store_module, "MIGRATIONS", [*store_module.MIGRATIONS, broken])
    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with pytest.raises(sqlite3.OperationalError):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("select count(*) from sqlite_master where name = 'half'").fetchone()[0] == 0
    conn.close()


def test_reader_holding_a_transaction_does_not_block_polls(tmp_path: Path,
                                                           http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([{"guid": f"g{i}", "title": f"Технопарк Якутия {i}",
                                         "link": http_server.url(f"/{i}")} for i in range(5)]))
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}])
    assert invoke("poll", *opts).exit_code == 0
    reader = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
    reader.execute("begin")
    before = reader.execute("select count(*) from articles").fetchone()[0]
    http_server.route("/feed.xml", rss([{"guid": f"h{i}", "title": f"Skolkovo {i}",
                                         "link": http_server.url(f"/h{i}")} for i in range(5)]))
    result = invoke("poll", *opts)  # the reader's snapshot is open meanwhile
    assert "news: 5 new" in result.output
    assert reader.execute("select count(*) from articles").fetchone()[0] == before == 5
    reader.execute("commit")
    assert reader.execute("select count(*) from articles").fetchone()[0] == 10
    reader.close()


def test_release_one_database_opens_with_its_hits(tmp_path: Path) -> None:
    """A database written by the first release (schema 1) gains qualifier, year, metrics and
    mentions."""
    path = tmp_path / "m.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("begin")
    for statement in store_module._statements(store_module.MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("pragma user_version = 1")
    conn.execute("commit")
    conn.execute("insert into sources (name, url, kind, interval, enabled) "
                 "values ('s', 'http://a/', 'feed', 900, 1)")
    conn.execute("insert into articles (source, key, title, fetched, text, extracted_from, "
                 "content_hash, entry_hash) values ('s', 'k', 'T', 'now', 'x', 'feed', 'h', 'e')")
    conn.execute("insert into hits (article_id, kind, rule, organisation, matched, start, [end],"
                 " snippet, created) values (1, 'organisation', 'o', 'o', 'x', 0, 1, 'x', 'now')")
    conn.close()
    with Store(path) as store:
        assert store.conn.execute("pragma user_version").fetchone()[0] == SCHEMA_VERSION
        (row,) = store.query("select rule, qualifier, year, metric_name, title from hits_view")
        assert row == {"rule": "o", "qualifier": None, "year": None, "metric_name": None,
                       "title": "T"}
        assert "metrics" in store.db.table_names()
        assert store.query("select mentions from hits") == [{"mentions": 1}]


def test_a_fact_stated_twice_is_stored_once_with_its_mentions(tmp_path: Path) -> None:
    """`Hit.mentions` reaches the hits table (schema 5)."""
    text = ("Выручка Технопарка «Якутия» — 1,5 млрд рублей\n"
            "Выручка резидентов Технопарка «Якутия» составила 1,5 млрд рублей.")
    rules = load_rules(REPO / "rules.yaml")
    hits = Matcher(rules).match(text, "ru")
    with Store(tmp_path / "m.db") as store:
        store.sync_rules(rules)
        store.conn.execute("insert into sources (name, url, kind, interval, enabled) "
                           "values ('s', 'http://a/', 'feed', 900, 1)")
        store.save_article(Article("s", "k", None, None, None, "T", None, "ru", text, "feed",
                                   "h", "e"), hits)
        rows = store.query("select kind, value, mentions from hits order by id")
    assert [r for r in rows if r["kind"] == "metric"] == [
        {"kind": "metric", "value": 1.5e9, "mentions": 2}]
    assert {r["mentions"] for r in rows if r["kind"] == "organisation"} == {1}


def test_a_sender_that_outlived_its_lease_does_not_overwrite_the_next_claim(
        tmp_path: Path) -> None:
    """Sender A claims a row, stalls past its lease; sender B claims it again and sends it.
    A's late outcome changes nothing: the row stays sent (found by review: it could be set
    back to pending or dead, for a repeat or a wrong status)."""
    store = Store(tmp_path / "monitor.db")
    with store.transaction() as conn:
        conn.execute("INSERT INTO alerts (id, alert, target, kind, due, next_attempt, queued, "
                     "created) VALUES ('msg_1', 'a', 't', 'health', '2026-01-01T00:00:00Z', "
                     "'2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')")
    outbox = Outbox(store)
    lease_a = "2026-01-01T00:01:00Z"
    assert [r.id for r in outbox.claim("t", "2026-01-01T00:00:00Z", lease_a)] == ["msg_1"]
    assert outbox.claim("t", "2026-01-01T00:00:30Z", "2026-01-01T00:01:30Z") == []  # held
    lease_b = "2026-01-01T00:03:00Z"
    assert [r.id for r in outbox.claim("t", "2026-01-01T00:02:00Z", lease_b)] == ["msg_1"]
    assert outbox.sent(["msg_1"], "2026-01-01T00:02:05Z", lease_b) == 1
    assert outbox.failed(["msg_1"], "timed out", None, lease_a) == 0
    assert outbox.release(["msg_1"], lease_a) == 0
    (row,) = store.query("SELECT status, attempts, last_error, sent FROM alerts")
    store.close()
    assert row == {"status": "sent", "attempts": 1, "last_error": None,
                   "sent": "2026-01-01T00:02:05Z"}


def test_on_queued_is_called_once_the_alerts_a_transaction_queued_are_committed(
        tmp_path: Path) -> None:
    """The daemon's delivery wakes on it: each call must find the new rows visible to another
    connection, and a save or poll record that queued nothing must not call it."""
    db = tmp_path / "m.db"
    seen: list[int] = []

    def on_queued() -> None:
        with sqlite3.connect(db) as other:
            seen.append(other.execute("select count(*) from alerts").fetchone()[0])

    text = "Выручка Технопарка «Якутия» составила 1,5 млрд рублей."
    rules = load_rules(REPO / "rules.yaml")
    hits = Matcher(rules).match(text, "ru")
    alert = Outgoing("yakutia", ("hook",), "article", "2026-03-02T10:00:00Z")
    with Store(db, on_queued=on_queued) as store:
        store.sync_rules(rules)
        store.conn.execute("insert into sources (name, url, kind, interval, enabled) "
                           "values ('s', 'http://a/', 'feed', 900, 1)")
        article = Article("s", "k", None, None, None, "T", None, "ru", text, "feed", "h", "e")
        store.save_article(article, hits, [alert])
        assert seen == [1]
        store.save_article(article, hits, [alert])  # unchanged
        store.save_article(replace(article, text=text + " Ещё.", content_hash="h2"), hits,
                           [alert])  # changed, but no hit the alert has not fired for
        assert seen == [1]
        failing = FetchRecord("s", "2026-03-02T10:00:00Z", 0.1, None, error="HTTP 503")
        policy = HealthPolicy("hook", failures=1, stale_after=None)
        store.record_fetch(failing, policy)  # the source starts failing: a health alert
        store.record_fetch(failing, policy)  # still failing: nothing new
    assert seen == [1, 2]
