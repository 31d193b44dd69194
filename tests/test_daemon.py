"""`run`: the daemon in a real child process, stopped with SIGTERM."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from helpers import REPO, article_page, rss, wait_for, webhook_alert_rules, write_config
from httpserver import TestServer


def count(db: Path, sql: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


def start_daemon(opts: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "run.py"), "run", *opts], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


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
    assert enabled and all(s.language in ("ru", "en", "de") for s in enabled)
