"""Replaying changed rules on stored articles: `rematch`, hits that keep their ids and
`created` when an article is matched again, the rules hash of every article, and `status` and
the daemon saying when stored hits predate the rules. Real SQLite files, real CLI runs."""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

from monitor.config import RulesFile, load_rules
from monitor.identity import content_hash
from monitor.match import Matcher
from monitor.reading import matched
from monitor.records import Article
from monitor.store import FetchRecord, Store, utcnow

from helpers import (
    REPO,
    RULES,
    count,
    db_rows,
    invoke,
    rss,
    start_daemon,
    stop_daemon,
    wait_for,
    write_config,
)
from httpserver import TestServer
from receivers import WebhookReceiver

AREA = """\
metrics:
  - id: area
    name: Площадь
    unit: m2
    keywords:
      ru: [площадь]
"""
RULES_WITH_AREA = RULES.replace("alerts: []", AREA + "alerts: []")
STORY = ("Резиденты из Сколково приедут в Якутск. Технопарк «Якутия» построит второй корпус "
         "площадью 12 тыс. кв. м.")
HITS = "SELECT id, kind, rule, organisation, metric, matched, start, [end], created FROM hits"
HASHES = "SELECT rules_hash FROM articles"


def feed(server: TestServer, text: str = STORY) -> None:
    server.route("/feed.xml", rss([{"guid": "a1", "title": "Новый корпус",
                                    "link": server.url("/a1"), "description": text}]),
                 etag='"v1"')


def source(server: TestServer) -> list[dict]:
    return [{"name": "news", "url": server.url("/feed.xml"), "fetch_article": "false"}]


# --------------------------------------------------------------------------- the story


def test_a_metric_added_to_the_rules_is_found_in_stored_articles(
        tmp_path: Path, http_server: TestServer) -> None:
    """The issue as a user met it: a metric added to rules.yaml is found by `check` but a
    poll says "not modified"; `status` says the stored hits predate the rules; a dry run
    lists the area hit as added and changes nothing; `rematch` stores it and every other hit
    keeps its id and `created`."""
    feed(http_server)
    opts = write_config(tmp_path, source(http_server))
    assert "1 new" in invoke("poll", *opts).output
    before, hashes = db_rows(tmp_path, HITS), db_rows(tmp_path, HASHES)
    assert {row["rule"] for row in before} == {"technopark-yakutia", "skolkovo"}
    assert hashes == [{"rules_hash": load_rules(Path(opts[3])).matching_hash()}]
    assert "rules:" not in invoke("status", *opts).output

    write_config(tmp_path, source(http_server), RULES_WITH_AREA)
    document = tmp_path / "article.txt"
    document.write_text(STORY, encoding="utf-8")
    assert "12 тыс. кв. м" in invoke("check", str(document), "--rules", opts[3]).output
    assert "news: not modified" in invoke("poll", *opts).output
    assert db_rows(tmp_path, HITS) == before
    stale = invoke("status", *opts).output
    assert "rules: 1 article matched with other rules than" in stale, stale
    assert "run `technopark-monitor rematch`" in stale

    dry = invoke("rematch", *opts[2:], "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "1 article matched again (dry run, nothing stored): 1 would change; hits: 1 to " \
           f"add, 0 to remove, {len(before)} kept" in dry.output
    assert "metric area: 1 to add, 0 to remove" in dry.output
    assert "  + article 1: «12 тыс. кв. м»  " in dry.output
    assert db_rows(tmp_path, HITS) == before
    assert db_rows(tmp_path, HASHES) == hashes

    real = invoke("rematch", *opts[2:])
    assert real.exit_code == 0, real.output
    assert f"hits: 1 added, 0 removed, {len(before)} kept" in real.output
    assert "no alerts queued" in real.output
    after = db_rows(tmp_path, HITS)
    assert [row for row in after if row["kind"] != "metric"] == before
    [area] = [row for row in after if row["kind"] == "metric"]
    assert (area["metric"], area["matched"], area["organisation"]) == \
        ("area", "12 тыс. кв. м", "technopark-yakutia")
    assert area["id"] > max(row["id"] for row in before)
    assert "rules:" not in invoke("status", *opts).output
    again = invoke("rematch", *opts[2:])
    assert f"hits: 0 added, 0 removed, {len(after)} kept" in again.output
    assert db_rows(tmp_path, HITS) == after


def test_review_marks_survive_rematch(tmp_path: Path, http_server: TestServer) -> None:
    """An analyst marks hits, then changes the rules and re-matches the archive: the marks
    stay on the same hits (their ids are kept) and `report` counts what it counted before."""
    feed(http_server)
    opts = write_config(tmp_path, source(http_server))
    invoke("poll", *opts)
    hits = {row["rule"]: row["id"] for row in db_rows(tmp_path, HITS)}
    db = opts[5]
    assert invoke("mark", str(hits["technopark-yakutia"]), "--right", "--db", db).exit_code == 0
    assert invoke("mark", str(hits["skolkovo"]), "--wrong", "--note", "a visitor",
                  "--db", db).exit_code == 0
    before = invoke("report", "--db", db).output
    assert "2 (1 right, 1 wrong, precision 50%)" in before

    write_config(tmp_path, source(http_server), RULES_WITH_AREA)
    assert "1 added, 0 removed" in invoke("rematch", *opts[2:]).output
    marks = db_rows(tmp_path, "SELECT hit_id, verdict, note FROM reviews ORDER BY hit_id")
    assert marks == sorted([{"hit_id": hits["technopark-yakutia"], "verdict": "right",
                             "note": None},
                            {"hit_id": hits["skolkovo"], "verdict": "wrong",
                             "note": "a visitor"}], key=lambda m: m["hit_id"])
    assert {row["id"] for row in db_rows(tmp_path, HITS)} >= set(hits.values())
    after = invoke("report", "--db", db).output
    assert "2 (1 right, 1 wrong, precision 50%)" in after
    assert "hits never reviewed: 1" in after  # the area hit rematch added


# --------------------------------------------------------------------------- hit identity


def saved(store: Store, matcher: Matcher, text: str) -> int:
    hits = matched(text, "ru", "news", matcher).hits
    article = Article(source="news", key="a1", url=None, canonical_url=None, guid="a1",
                      title=text.split(".")[0], published=None, language="ru", text=text,
                      extracted_from="feed", content_hash=content_hash("", text),
                      entry_hash=content_hash("entry", text), rules_hash=matcher.rules_hash)
    return store.save_article(article, hits)[0]


def news_store(path: Path, rules: RulesFile) -> Store:
    """A store with the source "news" and the organisations and metrics of `rules` (which
    hits name by foreign key), as `poll` makes it."""
    store = Store(path)
    with store.transaction() as conn:
        conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                     "VALUES ('news', 'http://news/', 'feed', 600, 1)")
    store.sync_rules(rules)
    return store


def test_an_edited_article_keeps_the_ids_and_created_of_the_hits_it_still_has(
        tmp_path: Path) -> None:
    """A poll that sees an edited article updates the surviving hit in place (same id, same
    `created`, its new offsets), deletes the hit that disappeared and inserts the new one. A
    row pointing at the kept hit with ON DELETE CASCADE (as review marks do) survives: the
    hit was never deleted and inserted again."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES_WITH_AREA, encoding="utf-8")
    matcher = Matcher(load_rules(rules))
    with news_store(tmp_path / "monitor.db", matcher.rules) as store:
        article_id = saved(store, matcher, "Технопарк «Якутия» построит корпус. "
                                           "Резиденты из Сколково приедут.")
        with store.transaction() as conn:
            conn.execute("UPDATE hits SET created = '2020-01-01T00:00:00Z'")
            conn.execute("CREATE TABLE marks (hit_id INTEGER NOT NULL "
                         "REFERENCES hits(id) ON DELETE CASCADE, note TEXT)")
            conn.execute("INSERT INTO marks SELECT id, 'right' FROM hits "
                         "WHERE rule = 'technopark-yakutia'")
        old = {row["rule"]: row for row in store.query(HITS)}
        edited = ("Новости дня. Технопарк «Якутия» построит корпус площадью 12 тыс. кв. м.")
        assert saved(store, matcher, edited) == article_id
        new = {row["rule"]: row for row in store.query(HITS)}
        marks = store.query("SELECT hit_id FROM marks")
    kept, area = new["technopark-yakutia"], new["area"]
    assert kept["id"] == old["technopark-yakutia"]["id"]
    assert kept["created"] == "2020-01-01T00:00:00Z"
    assert kept["start"] == edited.index("Технопарк") != old["technopark-yakutia"]["start"]
    assert "skolkovo" not in new
    assert area["id"] > max(row["id"] for row in old.values())
    assert area["created"] != "2020-01-01T00:00:00Z"
    assert marks == [{"hit_id": kept["id"]}]


def test_a_repeated_mention_is_told_apart_by_its_occurrence(tmp_path: Path) -> None:
    """Two equal hits of one article are the first and the second occurrence: a mention added
    before both keeps the two stored ones (in order) and adds the last one as new."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    matcher = Matcher(load_rules(rules))
    twice = "Технопарк «Якутия» растёт. Технопарк «Якутия» строит."
    with news_store(tmp_path / "monitor.db", matcher.rules) as store:
        saved(store, matcher, twice)
        old = store.query(HITS + " ORDER BY start")
        saved(store, matcher, "Технопарк «Якутия» открыт. " + twice)
        new = store.query(HITS + " ORDER BY start")
    assert len(old) == 2 and len(new) == 3
    assert [row["id"] for row in new[:2]] == [row["id"] for row in old]
    assert new[2]["id"] > old[1]["id"]


# --------------------------------------------------------------------------- filters


def archive(tmp_path: Path) -> list[str]:
    """Three articles stored with rules that know no area, all stating one: a1 (January,
    source a, Якутия), a2 (March, source a, Сколково), b1 (March, source b, Якутия). Then
    rules.yaml gains the area metric. Returns the CLI options of `rematch`."""
    tmp_path.mkdir(exist_ok=True)
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    matcher = Matcher(load_rules(rules))
    articles = [("a", "a1", "2026-01-10T10:00:00Z", "Технопарк «Якутия» построит корпус"),
                ("a", "a2", "2026-03-10T10:00:00Z", "Фонд Сколково построит корпус"),
                ("b", "b1", "2026-03-11T10:00:00Z", "Технопарк «Якутия» откроет корпус")]
    with Store(tmp_path / "monitor.db") as store:
        store.sync_rules(matcher.rules)
        with store.transaction() as conn:
            conn.executemany("INSERT INTO sources (name, url, kind, interval, enabled) "
                             "VALUES (?, ?, 'feed', 600, 1)", [("a", "http://a/"),
                                                               ("b", "http://b/")])
        for name, key, published, opening in articles:
            text = f"{opening}. Его площадь составит 12 тыс. кв. м."
            hits = matched(text, "ru", name, matcher).hits
            store.save_article(Article(name, key, None, None, key, opening, published, "ru",
                                       text, "feed", key, key, rules_hash=matcher.rules_hash),
                               hits)
    rules.write_text(RULES_WITH_AREA, encoding="utf-8")
    return ["--rules", str(rules), "--db", str(tmp_path / "monitor.db")]


def rematched(tmp_path: Path, *args: str) -> list[str]:
    """Run `rematch` with `args`; the keys of the articles that now have an area hit, each
    checked to carry the current rules hash while the others keep the old one."""
    opts = archive(tmp_path)
    result = invoke("rematch", *opts, *args)
    assert result.exit_code == 0, result.output
    current = load_rules(Path(opts[1])).matching_hash()
    rows = db_rows(tmp_path, "SELECT key, rules_hash, (SELECT count(*) FROM hits WHERE "
                             "article_id = articles.id AND metric = 'area') AS area "
                             "FROM articles ORDER BY key")
    for row in rows:
        assert (row["rules_hash"] == current) == bool(row["area"]), row
    return [row["key"] for row in rows if row["area"]]


def test_rematch_source_since_and_organisation_choose_the_articles(tmp_path: Path) -> None:
    assert rematched(tmp_path / "all") == ["a1", "a2", "b1"]
    assert rematched(tmp_path / "source", "--source", "a") == ["a1", "a2"]
    assert rematched(tmp_path / "since", "--since", "2026-03-01") == ["a2", "b1"]
    assert rematched(tmp_path / "both", "--source", "a", "--since", "2026-03-01") == ["a2"]
    assert rematched(tmp_path / "organisation", "--organisation", "skolkovo") == ["a2"]


def test_rematch_refuses_an_unknown_source_or_organisation(tmp_path: Path) -> None:
    opts = archive(tmp_path)
    unknown = invoke("rematch", *opts, "--source", "nowhere")
    assert unknown.exit_code == 2 and "no source named nowhere" in unknown.output
    unknown = invoke("rematch", *opts, "--organisation", "technopark-nowhere")
    assert unknown.exit_code == 2 and "no organisation technopark-nowhere" in unknown.output
    assert count(tmp_path / "monitor.db",
                 "SELECT count(*) FROM articles WHERE rules_hash IS NULL") == 0  # untouched


def test_rematch_of_a_missing_database_creates_none(tmp_path: Path) -> None:
    result = invoke("rematch", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 2 and "none.db" in result.output
    assert not (tmp_path / "none.db").exists()


# --------------------------------------------------------------------------- alerts


def test_rematch_queues_alerts_only_with_alert(tmp_path: Path, http_server: TestServer,
                                               webhook_receiver: WebhookReceiver) -> None:
    """Without --alert nothing is queued; with it, the alert the new area hit satisfies is
    queued as a poll queues it and sent; once sent, it is not queued again."""
    feed(http_server)
    opts = write_config(tmp_path, source(http_server))
    invoke("poll", *opts)
    alert = textwrap.dedent(f"""\
        alerts:
          - name: area
            when: {{metric: area}}
            targets:
              - webhook: {webhook_receiver.url}
        """)
    write_config(tmp_path, source(http_server), RULES_WITH_AREA.replace("alerts: []\n", alert))
    db = tmp_path / "monitor.db"

    quiet = invoke("rematch", *opts[2:])
    assert "hits: 1 added" in quiet.output and "no alerts queued" in quiet.output
    assert count(db, "SELECT count(*) FROM alerts") == 0
    loud = invoke("rematch", *opts[2:], "--alert")
    assert "hits: 0 added, 0 removed" in loud.output
    assert "alerts queued: 1" in loud.output and "alerts: 1 sent" in loud.output, loud.output
    assert db_rows(tmp_path, "SELECT alert, status, article_id FROM alerts") == [
        {"alert": "area", "status": "sent", "article_id": 1}]
    assert len(webhook_receiver.deliveries) == 1
    assert "12 тыс. кв. м" in webhook_receiver.deliveries[0].body.decode()
    assert "alerts queued: 0" in invoke("rematch", *opts[2:], "--alert").output
    assert count(db, "SELECT count(*) FROM alerts") == 1


# --------------------------------------------------------------------------- beside a daemon


def test_a_writer_goes_on_writing_while_rematch_runs(tmp_path: Path) -> None:
    """Rematch writes a batch of articles per short transaction: a daemon-style writer on its
    own connection commits while rematch is part-way through the archive (some articles
    carry the new rules hash, others not yet), not only before or after it."""
    rules = tmp_path / "rules.yaml"
    rules.write_text(RULES, encoding="utf-8")
    matcher = Matcher(load_rules(rules))
    total = 600
    with news_store(tmp_path / "monitor.db", matcher.rules) as store, store.batch():
        for n in range(total):
            text = (f"Технопарк «Якутия» построит корпус номер {n}. "
                    f"Его площадь составит {n + 1} тыс. кв. м.")
            hits = matched(text, "ru", "news", matcher).hits
            store.save_article(Article("news", f"k{n}", None, None, None, "T", None, "ru",
                                       text, "feed", f"h{n}", f"e{n}",
                                       rules_hash=matcher.rules_hash), hits)
    rules.write_text(RULES_WITH_AREA, encoding="utf-8")
    current = load_rules(rules).matching_hash()
    rematch = subprocess.Popen([sys.executable, str(REPO / "run.py"), "rematch", "--rules",
                                str(rules), "--db", str(tmp_path / "monitor.db")], cwd=REPO,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    midway = writes = 0
    try:
        with Store(tmp_path / "monitor.db") as writer:
            while rematch.poll() is None and writes < 100_000:
                writer.record_fetch(FetchRecord("news", utcnow(), 0.1, 200))
                writes += 1
                done = writer.matched_otherwise(current)
                midway += 0 < done < total
        out, err = rematch.communicate(timeout=120)
    finally:
        rematch.kill()
    assert rematch.returncode == 0, err
    assert f"hits: {total} added, 0 removed, {total} kept" in out
    assert midway > 0, f"{writes} writes, none while rematch was part-way"
    assert count(tmp_path / "monitor.db", "SELECT count(*) FROM fetches") == writes


def test_the_progress_bar_shows_articles_per_second_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal, stderr shows a progress bar with the rate; piped, only the summary."""
    opts = archive(tmp_path)
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen([sys.executable, str(REPO / "run.py"), "rematch", *opts],
                                   cwd=REPO, stdout=subprocess.PIPE, stderr=follower,
                                   text=True)
        os.close(follower)
        shown = b""
        while select.select([leader], [], [], 60)[0]:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            shown += chunk
        out, _ = process.communicate(timeout=60)
    finally:
        os.close(leader)
    assert "matching" in shown.decode() and "articles/s" in shown.decode(), shown
    assert "3/3" in shown.decode()
    assert "hits: 3 added" in out and "matching" not in out


# --------------------------------------------------------------------------- the daemon


def test_the_daemon_says_at_start_and_on_reload_that_stored_hits_predate_the_rules(
        tmp_path: Path, http_server: TestServer) -> None:
    feed(http_server)
    opts = write_config(tmp_path, [{**source(http_server)[0], "interval": "1h"}])
    invoke("poll", *opts)
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: "daemon.start" in log.read_text()), log.read_text()
        assert "daemon.rules_changed" not in log.read_text()
        write_config(tmp_path, [{**source(http_server)[0], "interval": "1h"}], RULES_WITH_AREA)
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "daemon.reloaded" in log.read_text()), log.read_text()
        stop_daemon(daemon)
        daemon = start_daemon(opts, log.with_name("again.log"))
        assert wait_for(lambda: "daemon.start" in log.with_name("again.log").read_text())
        stop_daemon(daemon)
    finally:
        daemon.kill()
    current = load_rules(Path(opts[3])).matching_hash()
    for name, when in (("daemon.log", "reload"), ("again.log", "start")):
        text = (tmp_path / name).read_text()
        assert (f"daemon.rules_changed on={when} articles=1 rules_hash={current}") in text, text
        assert "run `technopark-monitor rematch`" in text
