"""Watching the daemon from outside: JSON logs, Prometheus metrics with /healthz, and
`status --check` for cron."""

from __future__ import annotations

import io
import json
import logging
import re
import socket
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner
from prometheus_client.parser import text_string_to_metric_families

from monitor import logs
from monitor.cli import cli
from monitor.metrics import health
from monitor.moments import iso
from monitor.store import Store

from helpers import (
    article_page,
    count,
    db_rows,
    invoke,
    rss,
    run_cli,
    start_daemon,
    stop_daemon,
    wait_for,
    webhook_alert_rules,
    write_config,
)
from httpserver import TestServer

ARTICLE = "Выручка Технопарка «Якутия» составила 1,5 млрд рублей."


def serve_two_sources(tmp_path: Path, http_server: TestServer, rules: str | None = None,
                      **extra: str) -> list[str]:
    """`feed`: one article about Технопарк «Якутия», fetched from its page; `broken`: a feed
    that answers 404. Returns the CLI path options."""
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "Технопарк «Якутия» растёт",
                                         "link": http_server.url("/a")}]))
    http_server.route("/a", article_page("Технопарк «Якутия» растёт", ARTICLE),
                      content_type="text/html")
    http_server.route("/broken.xml", "gone", status=404)
    sources = [{"name": "feed", "url": http_server.url("/feed.xml"), "interval": "1h", **extra},
               {"name": "broken", "url": http_server.url("/broken.xml"), "interval": "1h"}]
    return write_config(tmp_path, sources, **({"rules": rules} if rules else {}))


# ---------------------------------------------------------------------------- JSON logs


def test_poll_logs_one_json_object_a_line(tmp_path: Path, http_server: TestServer) -> None:
    opts = serve_two_sources(tmp_path, http_server)
    result = run_cli("--log-format", "json", "poll", *opts)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stderr.splitlines()]  # every line parses
    assert lines and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", line["time"])
                         for line in lines)
    events = {(line["event"], line.get("source")): line for line in lines}
    article = events["article.new", "feed"]
    stored = db_rows(tmp_path, "select id from articles")
    assert article["level"] == "info" and article["article"] == stored[0]["id"]
    assert article["hits"] == count(tmp_path / "monitor.db", "select count(*) from hits") > 0
    done = events["poll.done", "feed"]
    assert (done["status"], done["new"], done["hits"]) == (200, 1, article["hits"])
    failed = events["poll.failed", "broken"]
    assert failed["level"] == "warning" and failed["status"] == 404
    assert failed["error"] == "HTTP 404" and failed["url"] == http_server.url("/broken.xml")
    # The default stays logfmt.
    again = run_cli("poll", *opts)
    assert "info poll.done source=feed status=200" in again.stderr
    assert not any(line.startswith("{") for line in again.stderr.splitlines())


def test_json_lines_carry_exceptions_library_sentences_and_any_value() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.FORMATS["json"]())
    logger = logging.getLogger("test.json_logs")
    logger.handlers[:] = [handler]
    logger.propagate = False
    try:
        raise ValueError("broken entry")
    except ValueError:
        logs.event(logger, logging.ERROR, "entry.failed", exc_info=True, source="cnews",
                   path=Path("db/monitor.db"), time="a field named like ours", article=7)
    logger.warning("Run time of job %r was missed", "poll")  # as APScheduler writes
    first, second = (json.loads(line) for line in stream.getvalue().splitlines())
    assert first["event"] == "entry.failed" and first["level"] == "error"
    assert first["source"] == "cnews" and first["article"] == 7
    assert first["path"] == "db/monitor.db" and first["time_"] == "a field named like ours"
    assert "Traceback" in first["exception"] and "ValueError: broken entry" in first["exception"]
    assert second["event"] == "test.json_logs"
    assert second["message"] == "Run time of job 'poll' was missed"


# ---------------------------------------------------------------------------- metrics


def metrics_port(log: Path) -> int:
    """The port the daemon logged it serves metrics on (it was given port 0)."""
    def logged() -> re.Match | None:
        return re.search(r"metrics\.serving host=127\.0\.0\.1 port=(\d+)", log.read_text())

    assert wait_for(logged), log.read_text()
    return int(logged().group(1))


def scrape(port: int) -> dict[tuple[str, tuple], float]:
    """{(sample name, sorted labels): value} of one scrape, parsed by Prometheus' parser."""
    response = requests.get(f"http://127.0.0.1:{port}/metrics", timeout=10)
    response.raise_for_status()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.text)
            for s in family.samples}


def healthz(port: int) -> tuple[int, dict]:
    response = requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
    return response.status_code, response.json()


def test_daemon_serves_metrics_and_health(tmp_path: Path, http_server: TestServer,
                                          webhook_receiver) -> None:
    opts = serve_two_sources(tmp_path, http_server, webhook_alert_rules(webhook_receiver.url))
    db = tmp_path / "monitor.db"
    log = tmp_path / "daemon.log"
    daemon = start_daemon([*opts, "--metrics-port", "0"], log)
    try:
        port = metrics_port(log)
        # Both polls counted, and the alert the article raised delivered.
        assert wait_for(lambda: len(webhook_receiver.deliveries) == 1
                        and sum(v for (name, _), v in scrape(port).items()
                                if name == "technopark_monitor_polls_total") == 2), \
            log.read_text()
        assert wait_for(lambda: count(db, "select count(*) from alerts where status = 'sent'"))
        metrics = scrape(port)
        feed, broken = (("source", "feed"),), (("source", "broken"),)
        hits = count(db, "select count(*) from hits")
        assert hits > 0
        assert metrics["technopark_monitor_polls_total", feed] == 1
        assert metrics["technopark_monitor_polls_total", broken] == 1
        assert metrics["technopark_monitor_poll_errors_total", broken] == 1
        assert ("technopark_monitor_poll_errors_total", feed) not in metrics
        assert metrics["technopark_monitor_articles_total",
                       (("outcome", "new"), ("source", "feed"))] == 1
        assert metrics["technopark_monitor_articles_total",
                       (("outcome", "updated"), ("source", "feed"))] == 0
        assert metrics["technopark_monitor_hits_total", feed] == hits
        assert metrics["technopark_monitor_poll_duration_seconds_count", feed] == 1
        assert 0 < metrics["technopark_monitor_poll_duration_seconds_sum", feed] < 60
        assert metrics["technopark_monitor_poll_duration_seconds_bucket",
                       (("le", "+Inf"), ("source", "broken"))] == 1
        # From the database at scrape time: the outbox by status, each source's last success.
        assert metrics["technopark_monitor_alerts", (("status", "sent"),)] == 1
        assert metrics["technopark_monitor_alerts", (("status", "dead"),)] == 0
        assert 0 <= metrics["technopark_monitor_source_last_success_age_seconds", feed] < 60
        assert ("technopark_monitor_source_last_success_age_seconds", broken) not in metrics
        assert metrics["process_resident_memory_bytes", ()] > 0

        assert healthz(port) == (200, {"status": "ok", "scheduler": "running",
                                       "database": "ok"})
        # Another process holds the write lock: the daemon could save nothing.
        locker = sqlite3.connect(db, isolation_level=None)
        locker.execute("BEGIN IMMEDIATE")
        try:
            status, body = healthz(port)
        finally:
            locker.execute("ROLLBACK")
            locker.close()
        assert status == 503
        assert body == {"status": "unavailable", "scheduler": "running",
                        "database": "OperationalError: database is locked"}
        assert healthz(port)[0] == 200
        # The database gone (moved away): 503, and nothing created in its place.
        moved = db.rename(tmp_path / "moved.db")
        try:
            status, body = healthz(port)
            assert not db.exists()
        finally:
            moved.rename(db)
        assert status == 503 and body["status"] == "unavailable"
        assert body["database"] == "OperationalError: unable to open database file"
        assert healthz(port)[0] == 200
        stop_daemon(daemon)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, log.read_text()
    assert "Traceback" not in log.read_text()
    with pytest.raises(requests.ConnectionError):  # the port is closed with the daemon
        requests.get(f"http://127.0.0.1:{port}/healthz", timeout=10)


def test_health_is_unavailable_once_the_scheduler_stops(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    Store(db).close()  # an empty database of ours
    assert health(db, lambda: True) == (True, {"status": "ok", "scheduler": "running",
                                               "database": "ok"})
    assert health(db, lambda: False) == (False, {"status": "unavailable",
                                                 "scheduler": "stopped", "database": "ok"})


def test_a_taken_metrics_port_stops_the_daemon_at_start(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "feed", "url": "http://127.0.0.1:9/feed.xml"}])
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("run", *opts, "--metrics-port", str(port), timeout=60)
    assert result.returncode == 2, result.stderr
    assert f"Error: cannot serve metrics on 127.0.0.1:{port}: Address already in use" \
        in result.stderr
    assert "Traceback" not in result.stderr
    # It let go of the database: the next daemon is not refused.
    assert count(tmp_path / "monitor.db", "select count(*) from daemon") == 0
    assert count(tmp_path / "monitor.db", "select count(*) from fetches") == 0


def test_metrics_help_has_an_example() -> None:
    help_text = invoke("run", "--help").output
    assert "--metrics-port PORT" in help_text and "--metrics-host HOST" in help_text
    assert "technopark-monitor --log-format json run --metrics-port 9108" in help_text


# ---------------------------------------------------------------------------- status --check


def check(opts: list[str]) -> tuple[int, list[str]]:
    result = invoke("status", "--check", *opts)
    return result.exit_code, result.output.splitlines()


def test_check_is_one_line_and_status_0_when_all_is_well(tmp_path: Path,
                                                          http_server: TestServer) -> None:
    opts = serve_two_sources(tmp_path, http_server)
    assert invoke("poll", *opts).exit_code == 0
    # One failed poll of `broken` is not yet failing (health.failures, default 3).
    assert check(opts) == (0, ["OK: 2 sources polled on time, none failing or stale; "
                               "no dead alerts"])


def test_check_names_a_failing_source(tmp_path: Path, http_server: TestServer) -> None:
    opts = serve_two_sources(tmp_path, http_server)
    for _ in range(3):
        invoke("poll", *opts)
    assert check(opts) == (1, ["CHECK FAILED: 1 problem",
                               "broken: failing: 3 failed polls in a row: HTTP 404"])
    # A rules file with its own threshold is heeded.
    rules = Path(opts[3])
    rules.write_text(rules.read_text(encoding="utf-8")
                     + "health:\n  failures: 4\n  target:\n    webhook: http://127.0.0.1:9/\n",
                     encoding="utf-8")
    assert check(opts)[0] == 0


def test_check_names_a_stale_source(tmp_path: Path, http_server: TestServer) -> None:
    opts = serve_two_sources(tmp_path, http_server, stale_after="2d")
    invoke("poll", *opts)
    assert check(opts)[0] == 0
    three_days_ago = iso(datetime.now(UTC) - timedelta(days=3))
    conn = sqlite3.connect(tmp_path / "monitor.db")
    with conn:
        conn.execute("UPDATE sources SET last_new_entry = ? WHERE name = 'feed'",
                     (three_days_ago,))
    conn.close()
    assert check(opts) == (1, ["CHECK FAILED: 1 problem",
                               f"feed: stale: no new entry since {three_days_ago}"])


def test_check_names_overdue_and_never_polled_sources(tmp_path: Path,
                                                      http_server: TestServer) -> None:
    opts = serve_two_sources(tmp_path, http_server)
    invoke("poll", "--source", "feed", *opts)
    assert check(opts) == (1, ["CHECK FAILED: 1 problem", "broken: never polled"])
    invoke("poll", "--source", "broken", *opts)
    # No daemon or cron job polled `feed` for two hours (its interval is one).
    polled, due = (iso(datetime.now(UTC) - timedelta(hours=h)) for h in (3, 2))
    conn = sqlite3.connect(tmp_path / "monitor.db")
    with conn:
        conn.execute("UPDATE sources SET last_polled = ?, next_poll = ? WHERE name = 'feed'",
                     (polled, due))
    conn.close()
    assert check(opts) == (1, ["CHECK FAILED: 1 problem",
                               f"feed: overdue: due {due}, last polled {polled}"])
    # Less than an interval late is on time.
    conn = sqlite3.connect(tmp_path / "monitor.db")
    with conn:
        conn.execute("UPDATE sources SET next_poll = ? WHERE name = 'feed'",
                     (iso(datetime.now(UTC) - timedelta(minutes=30)),))
    conn.close()
    assert check(opts)[0] == 0


def test_check_names_dead_alerts(tmp_path: Path, http_server: TestServer,
                                 webhook_receiver) -> None:
    webhook_receiver.responses.append((410, {}))  # refused for good: the alert is dead
    opts = serve_two_sources(tmp_path, http_server, webhook_alert_rules(webhook_receiver.url))
    invoke("poll", *opts)
    assert [r["status"] for r in db_rows(tmp_path, "select status from alerts")] == ["dead"]
    assert check(opts) == (1, [
        "CHECK FAILED: 1 problem",
        "alerts: 1 dead (`technopark-monitor alerts --status dead` lists them, "
        "`alerts retry --dead` sends them again)"])


def test_check_lists_every_problem_at_once(tmp_path: Path, http_server: TestServer,
                                           webhook_receiver) -> None:
    webhook_receiver.responses.append((410, {}))
    opts = serve_two_sources(tmp_path, http_server, webhook_alert_rules(webhook_receiver.url))
    for _ in range(3):
        invoke("poll", *opts)
    code, lines = check(opts)
    assert code == 1 and lines[0] == "CHECK FAILED: 2 problems"
    assert [line.split(":")[0] for line in lines[1:]] == ["broken", "alerts"]


def test_check_cannot_run_without_a_database(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "feed", "url": "http://127.0.0.1:9/feed.xml"}])
    result = CliRunner().invoke(cli, ["status", "--check", *opts])
    assert result.exit_code == 2 and "no such database" in result.output
