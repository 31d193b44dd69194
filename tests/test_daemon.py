"""`run`: the daemon in a real child process, stopped with SIGTERM."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from monitor.config import FetchSettings, Source, load_rules, load_sources
from monitor.errors import ConfigError, DaemonRunning
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.pipeline import Poller
from monitor.scheduler import Registration
from monitor.store import Store

from helpers import (
    REPO,
    article_page,
    count,
    db_rows,
    invoke,
    rss,
    start_daemon,
    stop_daemon,
    wait_for,
    webhook_alert_rules,
    write_config,
)
from httpserver import TestServer


def start_on_one_feed(tmp_path: Path, http_server: TestServer,
                      interval: str) -> tuple[subprocess.Popen, list[str]]:
    """A daemon polling one feed (no article pages) every `interval`, returned after its first
    poll is recorded, with its CLI options; it logs to tmp_path / "daemon.log"."""
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]))
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": interval, "fetch_article": "false"}])
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    if not wait_for(lambda: count(tmp_path / "monitor.db", "select count(*) from fetches") >= 1):
        daemon.kill()
        daemon.communicate()
        raise AssertionError(f"not polled: {log.read_text()}")
    return daemon, opts


def test_daemon_polls_and_stops_cleanly_on_sigterm(tmp_path: Path,
                                                   http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия»",
                                         "link": http_server.url("/a")}]))
    http_server.route("/a", article_page("Технопарк «Якутия»", "Резиденты Технопарк Якутия."),
                      content_type="text/html")
    # A second source whose body trickles in: its poll is in hand when SIGTERM arrives.
    http_server.slow("/slow.xml", rss([{"guid": "s", "title": "Skolkovo",
                                        "link": http_server.url("/s")}]).encode(),
                     delay=0.05, chunk=20)
    opts = write_config(tmp_path, [
        {"name": "fast", "url": http_server.url("/feed.xml"), "interval": "1s"},
        {"name": "slow", "url": http_server.url("/slow.xml"), "interval": "1s",
         "fetch_article": "false"},
        {"name": "paused", "url": http_server.url("/off.xml"), "enabled": "false"},
    ])
    db = tmp_path / "monitor.db"
    daemon = start_daemon(opts)
    try:
        if not wait_for(lambda: count(db, "select count(*) from hits") >= 2):
            daemon.kill()
            raise AssertionError(f"no hits stored: {daemon.communicate()[1]}")
        # Several polls of the fast source on its 1 s interval.
        assert wait_for(lambda: count(db, "select count(*) from fetches "
                                          "where source = 'fast'") >= 3)
        assert wait_for(lambda: http_server.count("/slow.xml") >= 2)
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, stderr
    assert "daemon.stopping signal=SIGTERM" in stderr and "daemon.stop" in stderr
    assert "Traceback" not in stderr
    assert http_server.count("/off.xml") == 0
    # Polls of one source never overlap: each starts after the previous one ended.
    conn = sqlite3.connect(db)
    rows = conn.execute("select unixepoch(started), duration from fetches "
                        "where source = 'slow' order by id").fetchall()
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    conn.close()
    assert len(rows) >= 2
    for (start, duration), (next_start, _) in zip(rows, rows[1:], strict=False):
        assert next_start >= start + duration - 1.0  # `started` has one-second resolution
    # Every request that reached the slow source was recorded as a fetch (nothing half done).
    assert len(rows) == http_server.count("/slow.xml")


def test_daemon_refuses_invalid_config(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "Bad Name", "url": "http://127.0.0.1:9/"}])
    daemon = start_daemon(opts)
    _, stderr = daemon.communicate(timeout=60)
    assert daemon.returncode == 2
    assert "sources.yaml:2: sources[0].name:" in stderr
    assert not (tmp_path / "monitor.db").exists()


def test_missed_runs_are_coalesced(tmp_path: Path, http_server: TestServer) -> None:
    """A daemon that could not run for five intervals (machine asleep, process stopped) polls
    once when it wakes, not five times."""
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]))
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": "1s", "fetch_article": "false"}])
    daemon = start_daemon(opts)
    try:
        assert wait_for(lambda: http_server.count("/feed.xml") >= 2)
        daemon.send_signal(signal.SIGSTOP)
        time.sleep(5.5)
        before = http_server.count("/feed.xml")
        daemon.send_signal(signal.SIGCONT)
        time.sleep(0.9)
        caught_up = http_server.count("/feed.xml") - before
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    finally:
        daemon.kill()
    assert 1 <= caught_up <= 2, f"{caught_up} polls right after waking"
    assert daemon.returncode == 0, stderr


def test_daemon_delivers_alerts_continuously(tmp_path: Path, http_server: TestServer,
                                             webhook_receiver) -> None:
    receiver = webhook_receiver
    receiver.responses.append((503, {}))  # the first attempt fails; the daemon retries
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия» растёт",
                                         "link": "http://x.invalid/a"}]))
    rules = webhook_alert_rules(receiver.url, extra="delivery:\n  retry_base: 1s\n")
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": "1h", "fetch_article": "false"}], rules=rules)
    daemon = start_daemon(opts)
    try:
        assert wait_for(lambda: len(receiver.deliveries) >= 2, timeout=30), "not retried"
        daemon.send_signal(signal.SIGTERM)
        _, stderr = daemon.communicate(timeout=30)
    finally:
        daemon.kill()
    first, second = receiver.deliveries[:2]
    assert first.headers["webhook-id"] == second.headers["webhook-id"]
    assert "alert.retrying" in stderr and "alert.sent" in stderr
    assert daemon.returncode == 0


def test_each_source_on_its_own_interval_with_jitter() -> None:
    """One job per enabled source with its interval and up to a tenth of it (at most a minute)
    of jitter. Alert delivery is not among them: it has its own threads (alert/dispatch.py)."""
    from monitor.config import load
    from monitor.scheduler import Daemon

    config = load(REPO / "sources.yaml", REPO / "rules.yaml")
    daemon = Daemon(config, Path("unused.db"))
    enabled = daemon.schedule()
    jobs = {job.id: job for job in daemon.scheduler.get_jobs()}
    assert set(jobs) == {s.name for s in enabled}
    for source in enabled:
        trigger = jobs[source.name].trigger
        assert trigger.interval.total_seconds() == source.interval
        assert trigger.jitter == min(source.interval // 10, 60) > 0
    # The first pass starts at once for every source, not one source a second.
    assert len({jobs[s.name].next_run_time for s in enabled}) == 1
    assert enabled and all(s.language in ("ru", "en", "de") for s in enabled)


# ---------------------------------------------------------------------------- stopping


def test_sigterm_mid_fetch_exits_within_seconds(tmp_path: Path, http_server: TestServer) -> None:
    """An article page whose server holds the body for 60 s (the fetch would wait out its 30 s
    deadline): the daemon still exits within a few seconds of SIGTERM, cleanly."""
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия»",
                                         "link": http_server.url("/held")}]))
    page = article_page("Технопарк «Якутия»", "Резиденты Технопарк Якутия.").encode()
    http_server.slow("/held", page, delay=60, chunk=len(page))
    opts = write_config(tmp_path, [{"name": "held", "url": http_server.url("/feed.xml"),
                                    "interval": "1h"}])
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: http_server.count("/held") >= 1), log.read_text()
        time.sleep(0.5)  # the page's headers are in; the fetch waits for the body
        took = stop_daemon(daemon)
    finally:
        daemon.kill()
    stderr = log.read_text()
    assert daemon.returncode == 0, stderr
    assert took < 8, f"{took:.1f}s to stop"
    assert "daemon.stopping signal=SIGTERM" in stderr
    assert "daemon.stop abandoned=held" in stderr
    assert "Traceback" not in stderr
    conn = sqlite3.connect(tmp_path / "monitor.db")
    assert conn.execute("pragma integrity_check").fetchone()[0] == "ok"
    # The poll cut short left nothing half-done: no article, and no validators stored.
    assert conn.execute("select count(*) from articles").fetchone()[0] == 0
    assert conn.execute("select etag, last_modified from sources").fetchone() == (None, None)
    conn.close()


def test_sigterm_mid_delivery_exits_within_seconds(tmp_path: Path, http_server: TestServer,
                                                   webhook_receiver) -> None:
    """A webhook receiver that holds its answer for 60 s: SIGTERM still ends the daemon within
    seconds; the alert stays pending and is sent again later, under the same id."""
    webhook_receiver.responses.append((200, {}, 60))
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия» растёт",
                                         "link": "http://x.invalid/a"}]))
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": "1h", "fetch_article": "false"}],
                        rules=webhook_alert_rules(webhook_receiver.url))
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        # The held answer was taken: the POST is in flight.
        assert wait_for(lambda: not webhook_receiver.responses), log.read_text()
        took = stop_daemon(daemon)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, log.read_text()
    assert took < 8, f"{took:.1f}s to stop"
    assert count(tmp_path / "monitor.db", "select count(*) from alerts "
                                          "where status = 'pending'") == 1


# ---------------------------------------------------------------------------- SIGHUP


def test_sighup_with_broken_rules_keeps_running_and_logs_file_line(
        tmp_path: Path, http_server: TestServer) -> None:
    daemon, _ = start_on_one_feed(tmp_path, http_server, "1s")
    db, log = tmp_path / "monitor.db", tmp_path / "daemon.log"
    try:
        (tmp_path / "rules.yaml").write_text(
            "organisations:\n  - id: a\n    name: A\n    colour: red\n", encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "daemon.reload_refused" in log.read_text()), log.read_text()
        polled = count(db, "select count(*) from fetches")
        assert wait_for(lambda: count(db, "select count(*) from fetches") >= polled + 2)
        assert daemon.poll() is None, "SIGHUP stopped the daemon"
        stop_daemon(daemon)
    finally:
        daemon.kill()
    stderr = log.read_text()
    assert daemon.returncode == 0, stderr
    assert ('daemon.reload_failed problem="rules.yaml:4: organisations[0].colour: '
            'unknown field"') in stderr
    assert "daemon.reloaded" not in stderr and "Traceback" not in stderr


def test_sighup_applies_added_removed_and_changed_sources(tmp_path: Path,
                                                          http_server: TestServer) -> None:
    """After SIGHUP an added source is polled, a removed one no longer, and a changed interval
    applies; the database mirrors the new files."""
    for name in ("kept", "gone", "added"):
        http_server.route(f"/{name}.xml", rss([{"guid": name, "title": "t",
                                                "link": "http://x/a"}]))
    source = {"fetch_article": "false"}
    opts = write_config(tmp_path, [
        {"name": "kept", "url": http_server.url("/kept.xml"), "interval": "1h", **source},
        {"name": "gone", "url": http_server.url("/gone.xml"), "interval": "1s", **source}])
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: http_server.count("/gone.xml") >= 2), log.read_text()
        assert http_server.count("/kept.xml") == 1  # hourly: once, at start
        write_config(tmp_path, [
            {"name": "kept", "url": http_server.url("/kept.xml"), "interval": "1s", **source},
            {"name": "added", "url": http_server.url("/added.xml"), "interval": "1s",
             **source}])
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: "daemon.reloaded" in log.read_text()), log.read_text()
        assert wait_for(lambda: http_server.count("/added.xml") >= 2)
        assert wait_for(lambda: http_server.count("/kept.xml") >= 3)
        gone = http_server.count("/gone.xml")
        time.sleep(2.5)  # two and a half of its old intervals
        assert http_server.count("/gone.xml") == gone
        stop_daemon(daemon)
    finally:
        daemon.kill()
    stderr = log.read_text()
    assert daemon.returncode == 0, stderr
    assert "daemon.reloaded added=added removed=gone changed=kept" in stderr
    assert count(tmp_path / "monitor.db",
                 "select interval from sources where name = 'kept'") == 1


# ---------------------------------------------------------------------------- one daemon


def test_one_daemon_per_database_with_heartbeat(tmp_path: Path, http_server: TestServer) -> None:
    """The running daemon is recorded with a heartbeat; a second `run` on the same database
    refuses to start; `status` tells whether one runs; a clean stop removes the record."""
    first, opts = start_on_one_feed(tmp_path, http_server, "1h")
    db, log = tmp_path / "monitor.db", tmp_path / "daemon.log"
    try:
        assert count(db, "select pid from daemon") == first.pid
        second = start_daemon(opts)
        _, stderr = second.communicate(timeout=60)
        assert second.returncode == 2
        assert f"a daemon is already running on this database (pid {first.pid} on " in stderr
        shown = invoke("status", *opts).output
        assert f"daemon: running (pid {first.pid} on " in shown and "next run" in shown
        # The heartbeat moves on while the daemon runs.
        assert wait_for(lambda: count(db, "select heartbeat > started from daemon") == 1,
                        timeout=15)
        stop_daemon(first)
    finally:
        first.kill()
    assert first.returncode == 0, log.read_text()
    assert first.poll() is not None and count(db, "select count(*) from daemon") == 0
    shown = invoke("status", *opts).output
    assert "daemon: not running\n" in shown and "next run" not in shown


def _holder(db: Path, pid: int, host: str, heartbeat_age: float) -> None:
    beat = (datetime.now(UTC) - timedelta(seconds=heartbeat_age)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with Store(db) as store:
        store.conn.execute("INSERT OR REPLACE INTO daemon (id, pid, host, started, heartbeat) "
                           "VALUES (1, ?, ?, ?, ?)", (pid, host, beat, beat))


def test_a_dead_or_stale_daemon_record_is_taken_over(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    here, dead_pid = socket.gethostname(), int(gone.stdout)
    cases = [(dead_pid, here, 0, True),            # killed with -9: its pid is gone
             (os.getppid(), here, 0, False),       # alive on this host
             (os.getppid(), here, 120, True),      # alive but hung: stale heartbeat
             (1, "elsewhere", 0, False),           # another host, recent heartbeat
             (1, "elsewhere", 120, True)]          # another host, stale heartbeat
    for pid, host, age, taken in cases:
        _holder(db, pid, host, age)
        registration = Registration(db)
        try:
            if taken:
                registration.claim()
                assert count(db, "select pid from daemon") == os.getpid()
            else:
                with pytest.raises(DaemonRunning, match=f"pid {pid} on {host}"):
                    registration.claim()
                assert count(db, "select pid from daemon") == pid
        finally:
            registration.release()


# ---------------------------------------------------------------------------- poll budget


def test_poll_budget_leaves_entries_for_the_next_poll(tmp_path: Path,
                                                      http_server: TestServer) -> None:
    """Slow article pages: a poll stops starting entries once its budget is spent, records how
    many it left, keeps the validators, and the next polls pick the rest up."""
    links = []
    for i in range(5):
        page = article_page(f"Статья {i}", "Технопарк Якутия растёт.").encode()
        http_server.slow(f"/p{i}", page, delay=0.6, chunk=len(page))
        links.append({"guid": f"g{i}", "title": f"Статья {i}", "link": http_server.url(f"/p{i}")})
    http_server.route("/feed.xml", rss(links), etag='"v1"')
    source = Source(name="slow", url=http_server.url("/feed.xml"), interval=3600)
    fetcher = Fetcher(FetchSettings(poll_budget=1))
    results = []
    try:
        with Store(tmp_path / "monitor.db") as store:
            rules = load_rules(REPO / "rules.yaml")
            store.sync_sources([source])
            store.sync_rules(rules)
            poller = Poller(store, fetcher, Matcher(rules))
            while len(results) < 5 and (not results or results[-1].skipped):
                results.append(poller.poll(source))
            rows = store.query("select warning from fetches order by id")
            stored = store.query("select count(*) as n from articles")[0]["n"]
    finally:
        fetcher.close()
    first = results[0]
    assert first.status == 200 and first.skipped > 0
    assert first.new + first.skipped == 5
    assert rows[0]["warning"] == (f"time budget of 1s spent: {first.skipped} entries left for "
                                  "the next poll")
    # The validators were kept: every later poll got the whole feed again, not a 304.
    assert all(r.status == 200 and r.new >= 1 for r in results)
    assert results[-1].skipped == 0 and stored == 5
    assert not any(r.headers.get("If-None-Match") for r in http_server.requests
                   if r.path == "/feed.xml")


def test_poll_budget_is_a_duration_with_a_unit(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("fetch:\n  poll_budget: 5m\nsources: []\n", encoding="utf-8")
    assert load_sources(path).fetch.poll_budget == 300
    assert FetchSettings().poll_budget == 120
    path.write_text("fetch:\n  poll_budget: soon\nsources: []\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"sources.yaml:2: fetch.poll_budget: expected a "
                                          "duration"):
        load_sources(path)


def test_sighup_with_a_fixed_webhook_url_sends_the_held_alert_at_once(
        tmp_path: Path, http_server: TestServer, webhook_receiver) -> None:
    """A webhook URL that is wrong (nothing listens there) holds the alert in a long backoff;
    editing the URL and sending SIGHUP delivers it within seconds, under the same target name
    and the same alert id, without waiting out the backoff."""
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        dead_url = f"http://127.0.0.1:{probe.getsockname()[1]}/hook"
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия» растёт",
                                         "link": "http://x.invalid/a"}]))
    slow_retry = "delivery:\n  retry_base: 1h\n"
    source = [{"name": "feed", "url": http_server.url("/feed.xml"), "interval": "1h",
               "fetch_article": "false"}]
    opts = write_config(tmp_path, source, rules=webhook_alert_rules(dead_url, slow_retry))
    db, log = tmp_path / "monitor.db", tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: count(db, "select count(*) from alerts where attempts >= 1 "
                                          "and status = 'pending'") == 1), log.read_text()
        write_config(tmp_path, source, rules=webhook_alert_rules(webhook_receiver.url,
                                                                 slow_retry))
        daemon.send_signal(signal.SIGHUP)
        assert wait_for(lambda: len(webhook_receiver.deliveries) == 1, timeout=15), \
            log.read_text()
        stop_daemon(daemon)
    finally:
        daemon.kill()
    rows = db_rows(tmp_path, "select id, target, status from alerts")
    assert rows == [{"id": webhook_receiver.deliveries[0].headers["webhook-id"],
                     "target": "yakutia-1", "status": "sent"}]


def test_sigterm_is_prompt_after_a_sighup_on_a_locked_database(tmp_path: Path,
                                                               http_server: TestServer) -> None:
    """Applying a reload writes to the database from the main thread; while another process
    holds the write lock that wait is short, so SIGTERM still stops the daemon in seconds
    (found by review: 31 s, the store's whole busy timeout)."""
    daemon, _ = start_on_one_feed(tmp_path, http_server, "1h")
    log = tmp_path / "daemon.log"
    lock = sqlite3.connect(tmp_path / "monitor.db", isolation_level=None)
    try:
        lock.execute("BEGIN IMMEDIATE")
        text = (tmp_path / "sources.yaml").read_text(encoding="utf-8")
        (tmp_path / "sources.yaml").write_text(
            text.replace("interval: 1h", "interval: 2h"), encoding="utf-8")
        daemon.send_signal(signal.SIGHUP)
        # The main thread gives up on the lock within seconds (before: the store's 30 s).
        assert wait_for(lambda: "daemon.reload_refused" in log.read_text(), timeout=20), \
            log.read_text()
        took = stop_daemon(daemon, within=30)
    finally:
        lock.close()
        daemon.kill()
    assert took < 8, log.read_text()
    assert daemon.returncode == 0


def test_an_alert_reaches_its_webhook_while_the_poll_that_found_it_goes_on(
        tmp_path: Path, http_server: TestServer, webhook_receiver) -> None:
    """Entry to webhook within one interval plus about a second: delivery is woken when the
    alert is queued, not when the poll ends. The entry after the matching one has a page
    that takes SLOW_PAGE seconds, so waking at the poll's end (or a 5 s timer) misses the
    bound by far; the bound itself is generous (2 s beyond interval + 1 s)."""
    interval, slow_page = 1.0, 12.0
    http_server.route("/feed.xml", rss([{"guid": "old", "title": "Погода",
                                         "link": http_server.url("/old")}]))
    http_server.route("/old", article_page("Погода", "Солнечно весь день, без осадков."),
                      content_type="text/html")
    http_server.route("/a", article_page("Технопарк «Якутия»", "Резиденты Технопарк Якутия "
                                         "открыли новый цех по сборке электроники."),
                      content_type="text/html")
    page = article_page("Итоги", "Длинный текст о погоде и урожае в этом году. " * 10).encode()
    http_server.slow("/slow", page, delay=slow_page / 10, chunk=-(-len(page) // 10))
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": f"{interval:g}s"}],
                        rules=webhook_alert_rules(webhook_receiver.url))
    db = tmp_path / "monitor.db"
    log = tmp_path / "daemon.log"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: count(db, "select count(*) from articles") >= 1), \
            log.read_text()
        appeared = time.monotonic()
        http_server.route("/feed.xml", rss([
            {"guid": "a", "title": "Технопарк «Якутия» открыл цех", "link": http_server.url("/a")},
            {"guid": "s", "title": "Итоги", "link": http_server.url("/slow")},
            {"guid": "old", "title": "Погода", "link": http_server.url("/old")}]))
        assert wait_for(lambda: webhook_receiver.deliveries, timeout=30), log.read_text()
        latency = webhook_receiver.deliveries[0].received - appeared
        # The poll that found the entry was still reading the slow page.
        unfinished = count(db, "select count(*) from articles where guid = 's'") == 0
    finally:
        stop_daemon(daemon)
    (article,) = webhook_receiver.deliveries[0].json()["articles"]
    assert article["title"] == "Технопарк «Якутия» открыл цех"
    assert unfinished
    assert latency < interval + 1.0 + 2.0, f"entry to webhook took {latency:.1f} s"
