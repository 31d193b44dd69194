"""The database as the review surface: foreign keys, indexes for the README's queries, the
`fetches` history, the reviewer's views, and review marks (`mark`, `report`)."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlite_utils

from monitor import store as store_module
from monitor.config import load_rules
from monitor.moments import iso
from monitor.store import FetchRecord, HealthPolicy, Store

from helpers import REPO, db_rows, invoke, rss, write_config
from httpserver import TestServer

NOW = datetime.now(UTC).replace(microsecond=0)


def ago(**delta: float) -> str:
    return iso(NOW - timedelta(**delta))


ARTICLES = [  # id, source, title, published, fetched, canonical_url
    (1, "news", "Выручка 2024", "2025-02-01T08:00:00Z", ago(days=300), "https://n/1"),
    (2, "news", "Выручка 2025", "2026-02-01T08:00:00Z", ago(days=30), None),
    (3, "wire", "Без даты", None, ago(days=2), "https://w/3"),
]
HITS = [  # id, article, kind, organisation, metric, value, qualifier, year, start, end, created
    (10, 1, "organisation", "yakutia", None, None, None, None, 0, 7, ago(days=300)),
    (11, 1, "metric", "yakutia", "revenue", 1.0e9, None, 2024, 10, 20, ago(days=300)),
    (12, 2, "metric", "yakutia", "revenue", 1.0e9, "previous", 2025, 10, 20, ago(days=30)),
    (13, 2, "metric", "yakutia", "revenue", 1.5e9, None, 2025, 30, 40, ago(days=30)),
    (14, 3, "metric", None, "revenue", 7.0e6, None, None, 5, 9, ago(days=2)),
    (15, 3, "metric", "skolkovo", "residents", 3000, "more_than", None, 12, 16, ago(hours=2)),
    (16, 3, "candidate", None, None, None, None, None, 0, 4, ago(hours=1)),
    (17, 2, "metric", "yakutia", "revenue", 3.0e9, None, 2030, 50, 60, ago(days=30)),
]


def filled(path: Path) -> Store:
    """A database with hand-made sources, organisations, metrics, articles and hits."""
    store = Store(path)
    with store.transaction() as conn:
        conn.executemany("INSERT INTO sources (name, url, kind, interval, enabled, health, "
                         "last_success, last_new_entry) VALUES (?, ?, 'feed', 900, 1, ?, ?, ?)",
                         [("news", "http://n/", "ok", ago(minutes=5), ago(days=1)),
                          ("wire", "http://w/", "stale", ago(minutes=9), ago(days=20))])
        conn.executemany("INSERT INTO organisations (id, name, aliases) VALUES (?, ?, '{}')",
                         [("yakutia", "Технопарк «Якутия»"), ("skolkovo", "Сколково")])
        conn.executemany("INSERT INTO metrics (id, name, unit, keywords) VALUES (?, ?, ?, '{}')",
                         [("revenue", "Выручка", "RUB"), ("residents", "Резиденты", "count")])
        conn.executemany(
            "INSERT INTO articles (id, source, key, url, canonical_url, title, published, "
            "fetched, text, extracted_from, content_hash, entry_hash) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'текст', 'feed', ?, 'e')",
            [(i, src, f"k{i}", f"https://x/{i}?utm=1", canon, title, published, fetched,
              f"h{i}") for i, src, title, published, fetched, canon in ARTICLES])
        conn.executemany(
            "INSERT INTO hits (id, article_id, kind, rule, organisation, metric, value, unit, "
            "qualifier, year, matched, start, [end], snippet, created) "
            "VALUES (?, ?, ?, coalesce(?, ?, 'c'), ?, ?, ?, 'RUB', ?, ?, 'm', ?, ?, 's', ?)",
            [(i, a, kind, metric, org, org, metric, value, qualifier, year, start, end, created)
             for i, a, kind, org, metric, value, qualifier, year, start, end, created in HITS])
    return store


# --------------------------------------------------------------------------- schema


def test_hits_and_marks_name_their_organisation_and_metric_by_foreign_key(
        tmp_path: Path) -> None:
    """Datasette and sqlite-utils follow these to show names instead of ids."""
    Store(tmp_path / "m.db").close()
    db = sqlite_utils.Database(tmp_path / "m.db")
    keys = {(fk.column, fk.other_table, fk.other_column) for fk in db["hits"].foreign_keys}
    assert keys == {("article_id", "articles", "id"), ("organisation", "organisations", "id"),
                    ("metric", "metrics", "id")}
    keys = {(fk.column, fk.other_table) for fk in db["reviews"].foreign_keys}
    assert keys == {("hit_id", "hits"), ("organisation", "organisations"),
                    ("metric", "metrics")}


def test_a_version_8_database_keeps_its_hits_ids_created_and_indexes(tmp_path: Path) -> None:
    """Adding the keys rebuilds `hits`: every row and column stays, ids and `created`
    included; an id no rules row had (an organisation removed before the keys existed) gets
    a row of its own rather than break the key; a hit of a deleted article goes."""
    path = tmp_path / "m.db"
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("begin")
    for script in store_module.MIGRATIONS[:8]:
        for statement in store_module._statements(script):
            conn.execute(statement)
    conn.execute("pragma user_version = 8")
    conn.execute("commit")
    conn.execute("insert into sources (name, url, kind, interval, enabled) "
                 "values ('s', 'http://a/', 'feed', 900, 1)")
    conn.execute("insert into fetches (source, started, duration, status) "
                 "values ('s', '2026-01-02T00:00:00Z', 1, 200), "
                 "('s', '2026-01-01T00:00:00Z', 1, 200)")
    conn.execute("insert into organisations values ('kept', 'Kept', '{}')")
    conn.execute("insert into articles (source, key, title, fetched, text, extracted_from, "
                 "content_hash, entry_hash) values ('s', 'k', 'T', 'now', 'x', 'feed', 'h', 'e')")
    conn.executemany(
        "insert into hits (id, article_id, kind, rule, organisation, metric, value, unit, "
        "matched, start, [end], snippet, created, qualifier, year, mentions) "
        "values (?, 1, ?, ?, ?, ?, ?, ?, 'x', 0, 1, 'x', ?, ?, ?, ?)",
        [(5, "organisation", "kept", "kept", None, None, None, "2026-01-01T00:00:00Z", None,
          None, 1),
         (9, "metric", "area", "gone", "area", 12000.0, "m2", "2026-01-02T00:00:00Z", "about",
          2025, 2)])
    before = [tuple(r) for r in conn.execute("select * from hits order by id")]
    # A hit whose article a user deleted with sqlite-utils (no foreign keys enforced there).
    conn.execute("insert into hits (article_id, kind, rule, matched, start, [end], snippet, "
                 "created) values (77, 'candidate', 'c', 'x', 0, 1, 'x', 'now')")
    conn.close()
    with Store(path) as store:
        after = [tuple(r) for r in store.conn.execute("select * from hits order by id")]
        assert after == before
        assert store.query("select id, name, in_rules from organisations order by id") == [
            {"id": "gone", "name": "gone", "in_rules": 0},
            {"id": "kept", "name": "Kept", "in_rules": 1}]
        assert store.query("select id, unit, in_rules from metrics") == [
            {"id": "area", "unit": "m2", "in_rules": 0}]
        assert store.query("pragma foreign_key_check") == []
        indexes = {r["name"] for r in store.query("select name from sqlite_master "
                                                   "where type = 'index' and sql is not null")}
        assert {"hits_article_id", "hits_organisation", "hits_metric", "hits_created",
                "articles_source_published", "articles_content_hash"} <= indexes
        assert store.query("select first_polled from sources") == [
            {"first_polled": "2026-01-01T00:00:00Z"}]
        # Ids are never used again, so a mark never lands on another hit.
        store.conn.execute("delete from hits where id = 9")
        with store.transaction() as conn:
            conn.execute("insert into hits (article_id, kind, rule, matched, start, [end], "
                         "snippet, created) values (1, 'candidate', 'c', 'x', 0, 1, 'x', 'now')")
        assert store.query("select max(id) as id from hits") == [{"id": 10}]


RULES_BOTH = """\
organisations:
  - id: yakutia
    name: Технопарк «Якутия»
    aliases: {ru: [Технопарк Якутия]}
  - id: skolkovo
    name: Фонд «Сколково»
    aliases: {ru: [Сколково]}
metrics:
  - id: revenue
    name: Выручка
    unit: RUB
    keywords: {ru: [выручка]}
"""


def test_an_organisation_that_leaves_the_rules_keeps_its_hits_and_name(tmp_path: Path) -> None:
    both = tmp_path / "both.yaml"
    both.write_text(RULES_BOTH, encoding="utf-8")
    one = tmp_path / "one.yaml"
    one.write_text(RULES_BOTH.replace("  - id: skolkovo\n    name: Фонд «Сколково»\n"
                                      "    aliases: {ru: [Сколково]}\n", "")
                   .split("metrics:")[0], encoding="utf-8")
    with filled(tmp_path / "m.db") as store:
        store.sync_rules(load_rules(both))
        store.sync_rules(load_rules(one))  # skolkovo and revenue leave rules.yaml
        assert store.query("select id, name, in_rules from organisations order by id") == [
            {"id": "skolkovo", "name": "Фонд «Сколково»", "in_rules": 0},
            {"id": "yakutia", "name": "Технопарк «Якутия»", "in_rules": 1}]
        assert store.query("select in_rules from metrics where id = 'revenue'") == [
            {"in_rules": 0}]
        assert store.query("select organisation_name, metric_name from hits_view "
                           "where id = 15") == [
            {"organisation_name": "Фонд «Сколково»", "metric_name": "Резиденты"}]
        assert store.query("select count(*) as n from hits") == [{"n": len(HITS)}]
        assert store.query("pragma foreign_key_check") == []
        store.sync_rules(load_rules(both))  # back again
        assert store.query("select in_rules from organisations where id = 'skolkovo'") == [
            {"in_rules": 1}]


# --------------------------------------------------------------------------- queries


def readme_queries() -> list[str]:
    """The SQL of every `sqlite-utils query` command in the README's review section."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Reviewing hits with sqlite-utils\n", 1)[1].split("\n## ")[0]
    return re.findall(r'^\$ \.venv/bin/sqlite-utils query db/demo\.db (?:--table )?"(.*)"',
                      section, re.MULTILINE)


def test_the_readme_has_a_dozen_queries() -> None:
    assert len(readme_queries()) >= 12


@pytest.mark.parametrize("sql", readme_queries())
def test_readme_queries_find_hits_and_articles_by_index(tmp_path: Path, sql: str) -> None:
    """No README query reads all of `hits` or `articles`: each finds its rows by an index (a
    search), so it stays quick on a year of articles. Other tables are small."""
    with filled(tmp_path / "m.db") as store:
        plan = [row["detail"] for row in store.query(f"EXPLAIN QUERY PLAN {sql}")]
    scans = [step for step in plan if re.match(r"SCAN (hits|articles)\b", step)]
    assert not scans, f"{sql}\n" + "\n".join(plan)


def test_the_reviewer_indexes_are_what_the_readme_queries_use(tmp_path: Path) -> None:
    with filled(tmp_path / "m.db") as store:
        used = " ".join(row["detail"] for sql in readme_queries()
                        for row in store.query(f"EXPLAIN QUERY PLAN {sql}"))
    for index in ("hits_created", "articles_source_published", "articles_content_hash"):
        assert f"INDEX {index}" in used


# --------------------------------------------------------------------------- fetches


def test_a_poll_prunes_the_source_s_fetches_to_the_history_and_health_holds(
        tmp_path: Path, http_server: TestServer) -> None:
    """Old rows go, recent ones stay; the first poll, which staleness counts from for a
    source that never had an entry, is kept on the source, not read from `fetches`."""
    http_server.route("/feed.xml", rss([]))
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "stale_after": "2d"}])
    sources = Path(opts[1])
    sources.write_text("fetch:\n  history: 10d\n" + sources.read_text(encoding="utf-8"),
                       encoding="utf-8")
    assert invoke("poll", *opts).exit_code == 0
    with Store(opts[5]) as store, store.transaction() as conn:
        conn.executemany("INSERT INTO fetches (source, started, duration, status) "
                         "VALUES ('news', ?, 1, 200)", [(ago(days=40),), (ago(days=3),)])
        conn.execute("UPDATE sources SET first_polled = ?", (ago(days=40),))
    assert invoke("poll", *opts).exit_code == 0
    rows = db_rows(tmp_path, "select started from fetches order by started")
    assert len(rows) == 3 and rows[0]["started"] == ago(days=3)
    assert db_rows(tmp_path, "select first_polled from sources") == [
        {"first_polled": ago(days=40)}]
    # No entry for 40 days: stale, though the pruned log starts 3 days ago.
    with Store(opts[5]) as store:
        store.record_fetch(FetchRecord("news", iso(NOW), 0.1, 304, keep_validators=True),
                           HealthPolicy("hook", failures=3, stale_after=2 * 86400),
                           history=10 * 86400)
        assert store.query("select health from sources") == [{"health": "stale"}]
        assert store.query("select count(*) as n from fetches") == [{"n": 4}]


def test_without_a_history_nothing_is_pruned(tmp_path: Path) -> None:
    with filled(tmp_path / "m.db") as store:
        store.record_fetch(FetchRecord("news", ago(days=400), 0.1, 200))
        store.record_fetch(FetchRecord("news", iso(NOW), 0.1, 200))
        assert store.query("select count(*) as n from fetches") == [{"n": 2}]


# --------------------------------------------------------------------------- views


def test_hits_view_has_offsets_fetched_canonical_url_and_one_date(tmp_path: Path) -> None:
    with filled(tmp_path / "m.db") as store:
        rows = store.query("select id, start, [end], fetched, canonical_url, date "
                           "from hits_view where id in (11, 14) order by id")
    assert rows == [
        {"id": 11, "start": 10, "end": 20, "fetched": ARTICLES[0][4],
         "canonical_url": "https://n/1", "date": "2025-02-01T08:00:00Z"},
        {"id": 14, "start": 5, "end": 9, "fetched": ARTICLES[2][4],
         "canonical_url": "https://w/3", "date": ARTICLES[2][4]}]  # no published: fetched


def test_figures_are_one_row_per_figure_with_its_article(tmp_path: Path) -> None:
    with filled(tmp_path / "m.db") as store:
        rows = store.query("select * from figures order by hit_id")
    assert [r["hit_id"] for r in rows] == [11, 12, 13, 14, 15, 17]  # figures only
    assert rows[0] == {
        "organisation": "yakutia", "organisation_name": "Технопарк «Якутия»",
        "metric": "revenue", "metric_name": "Выручка", "value": 1e9, "unit": "RUB",
        "qualifier": None, "year": 2024, "date": "2025-02-01T08:00:00Z", "source": "news",
        "url": "https://n/1", "title": "Выручка 2024", "article_id": 1, "hit_id": 11}
    assert rows[1]["url"] == "https://x/2?utm=1"  # no canonical URL: the article's own


def test_latest_figures_is_the_latest_value_per_organisation_and_metric(
        tmp_path: Path) -> None:
    """The latest year wins, then the latest article; neither a target for a later year than
    the article's (a plan, not a value) nor the earlier value of a comparison ("from 1 to 1.5
    billion") does. Figures of no organisation have no series."""
    with filled(tmp_path / "m.db") as store:
        rows = store.query("select organisation, metric, value, year, article_id, hit_id, "
                           "figures_known from latest_figures order by organisation, metric")
    assert rows == [
        {"organisation": "skolkovo", "metric": "residents", "value": 3000, "year": None,
         "article_id": 3, "hit_id": 15, "figures_known": 1},
        {"organisation": "yakutia", "metric": "revenue", "value": 1.5e9, "year": 2025,
         "article_id": 2, "hit_id": 13, "figures_known": 4}]


def test_source_health_shows_each_source_with_its_articles_of_the_last_week(
        tmp_path: Path) -> None:
    with filled(tmp_path / "m.db") as store:
        rows = store.query("select source, health, last_success, consecutive_failures, "
                           "last_new_entry, articles_7d, next_poll from source_health "
                           "order by source")
    assert rows == [
        {"source": "news", "health": "ok", "last_success": ago(minutes=5),
         "consecutive_failures": 0, "last_new_entry": ago(days=1), "articles_7d": 0,
         "next_poll": None},
        {"source": "wire", "health": "stale", "last_success": ago(minutes=9),
         "consecutive_failures": 0, "last_new_entry": ago(days=20), "articles_7d": 1,
         "next_poll": None}]


# --------------------------------------------------------------------------- marks


def test_mark_stores_a_review_and_marking_again_replaces_it(tmp_path: Path) -> None:
    db = str(filled(tmp_path / "m.db").path)
    result = invoke("mark", "13", "--right", "--db", db)
    assert result.exit_code == 0 and result.output == "hit 13 marked right\n"
    result = invoke("mark", "13", "--wrong", "--note", "the plan, not the result", "--db", db)
    assert result.output == "hit 13 marked wrong (replacing the earlier mark: right)\n"
    rows = sqlite_utils.Database(db).execute(
        "select hit_id, article_id, kind, organisation, metric, value, matched, verdict, note "
        "from reviews").fetchall()
    assert rows == [(13, 2, "metric", "yakutia", "revenue", 1.5e9, "m", "wrong",
                     "the plan, not the result")]


def test_mark_refuses_an_unknown_hit_and_a_missing_verdict(tmp_path: Path) -> None:
    db = str(filled(tmp_path / "m.db").path)
    result = invoke("mark", "999", "--wrong", "--db", db)
    assert result.exit_code == 2 and "no hit with id 999" in result.output
    for verdicts in ((), ("--right", "--wrong")):
        result = invoke("mark", "13", *verdicts, "--db", db)
        assert result.exit_code == 2 and "say --right or --wrong" in result.output
    result = invoke("mark", "13", "--right", "--db", str(tmp_path / "missing.db"))
    assert result.exit_code == 2 and "no such database" in result.output
    assert sqlite_utils.Database(db)["reviews"].count == 0


def test_report_gives_precision_per_organisation_and_metric_and_unreviewed_hits(
        tmp_path: Path) -> None:
    db = str(filled(tmp_path / "m.db").path)
    for hit, verdict in (("10", "--right"), ("11", "--right"), ("13", "--wrong"),
                         ("15", "--right")):
        assert invoke("mark", hit, verdict, "--db", db).exit_code == 0
    result = invoke("report", "--db", db, "--limit", "1")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "marks: 4 (3 right, 1 wrong, precision 75%)"
    assert [line.split() for line in lines[4:6]] == [
        ["yakutia", "Технопарк", "«Якутия»", "2", "1", "67%"],
        ["skolkovo", "Сколково", "1", "0", "100%"]]
    assert [line.split() for line in lines[9:11]] == [
        ["revenue", "Выручка", "1", "1", "50%"], ["residents", "Резиденты", "1", "0", "100%"]]
    # 12, 14 and 17 are not reviewed (16 is a candidate phrase, not a hit to review).
    assert lines[12] == "hits never reviewed: 3 (the 1 most recent)"
    assert lines[15].split()[:3] == ["14", ARTICLES[2][4][:10], "wire"]


def test_a_mark_outlives_its_hit_and_report_since_counts_recent_ones(tmp_path: Path) -> None:
    store = filled(tmp_path / "m.db")
    db = str(store.path)
    assert invoke("mark", "11", "--wrong", "--db", db).exit_code == 0
    with store.transaction() as conn:
        conn.execute("DELETE FROM articles WHERE id = 1")  # its hits go with it
        conn.execute("UPDATE reviews SET created = '2020-01-01T00:00:00Z'")
    assert store.query("select hit_id, organisation, verdict from reviews") == [
        {"hit_id": None, "organisation": "yakutia", "verdict": "wrong"}]
    store.close()
    assert invoke("report", "--db", db).output.startswith(
        "marks: 1 (0 right, 1 wrong, precision 0%)\n")
    since = (NOW - timedelta(days=7)).strftime("%Y-%m-%d")
    result = invoke("report", "--since", since, "--db", db)
    assert result.output.splitlines()[0] == f"marks since {since}T00:00:00Z: 0 (0 right, 0 wrong)"
    assert f"hits never reviewed since {since}T00:00:00Z: 2" in result.output  # 14 and 15
