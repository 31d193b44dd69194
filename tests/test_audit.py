"""The outside audit's matrix, one test per hole it found (issue 7), run against real parts:
a loopback HTTP server, real SMTP and webhook receivers, a real SQLite file.

Each section is one family of the audit: bad links, slow targets, slow sources, SSRF forms
(backslash, redirects, DNS rebinding, IPv6), ReDoS, YAML bombs, encodings, full disk and
outbox rows. Every test here failed before its fix.
"""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from monitor.alert.dispatch import Dispatcher
from monitor.config import load_rules

from helpers import REPO, alert_rules, db_rows, invoke, rss, run_cli, wait_for, write_config
from httpserver import TestServer
from receivers import SmtpServer, TrickleServer, WebhookReceiver, free_port

# ---- alert outbox and delivery ----

TRICKLED_STATUS = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 300 + b"\r\n\r\n"
"""A webhook receiver's answer, sent one byte a second: five minutes for the whole of it."""
TRICKLED_BANNER = b"220 " + b"x" * 300 + b"\r\n"
"""A mail server's greeting, one byte a second."""


def outbox_rules(*targets: str, smtp_port: int | None = None) -> str:
    """rules.yaml with one immediate alert on Технопарк «Якутия» to `targets`, retried after
    a minute (tests move the clock with `make_due`)."""
    smtp = (f"smtp:\n  host: 127.0.0.1\n  port: {smtp_port}\n  security: none\n"
            f"  from_address: monitor@example.org\n  timeout: 2\n" if smtp_port else "")
    return alert_rules(*targets, extra=f"{smtp}delivery:\n  retry_base: 1m\n")


def yakutia_feed(tmp_path: Path, http_server: TestServer, rules: str,
                 count: int = 1) -> list[str]:
    http_server.route("/feed.xml", rss([
        {"guid": f"g{n}", "title": f"Новость {n}", "link": f"http://x.invalid/{n}",
         "description": f"Технопарк «Якутия» растёт ({n})."} for n in range(1, count + 1)]))
    return write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}], rules=rules)


def make_due(tmp_path: Path) -> None:
    """Every unsent alert due now, whatever its backoff (the test's clock moved on)."""
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("update alerts set next_attempt = '2000-01-01T00:00:00Z' "
                     "where status = 'pending'")


def test_poll_cuts_a_trickling_webhook_at_its_deadline(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    """A webhook sending one header byte a second held `poll` for ever; now the send is cut at
    the target's `timeout`, retried later, and the other targets go out at once."""
    slow = TrickleServer(TRICKLED_STATUS)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            f"{{webhook: 'http://127.0.0.1:{slow.port}/hook', timeout: 2s}}",
            f"{{webhook: '{webhook_receiver.url}'}}", "{email: [analyst@example.org]}",
            smtp_port=smtp_server.port))
        started = time.monotonic()
        result = run_cli("poll", *opts, timeout=60)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 30
    finally:
        slow.close()
    assert slow.connections == 1
    (delivery,) = webhook_receiver.deliveries
    assert delivery.received - started < 20  # not after the slow target's deadline + margin
    assert len(smtp_server.messages) == 1
    rows = {r["target"]: r for r in db_rows(tmp_path, "select * from alerts")}
    assert rows["yakutia-1"]["status"] == "pending" and rows["yakutia-1"]["attempts"] == 1
    assert "took longer than 2 s" in rows["yakutia-1"]["last_error"]
    assert rows["yakutia-2"]["status"] == rows["yakutia-3"]["status"] == "sent"


def test_poll_cuts_a_mail_server_trickling_its_banner(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """smtp.timeout bounded each read, so a banner trickled one byte a second never timed
    out; now it bounds the whole message."""
    slow = TrickleServer(TRICKLED_BANNER)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            "{email: [analyst@example.org]}", f"{{webhook: '{webhook_receiver.url}'}}",
            smtp_port=slow.port))
        result = run_cli("poll", *opts, timeout=60)
        assert result.returncode == 0, result.stderr
    finally:
        slow.close()
    assert len(webhook_receiver.deliveries) == 1
    (mail,) = db_rows(tmp_path, "select * from alerts where target = 'yakutia-1'")
    assert mail["status"] == "pending" and "took longer than 2 s" in mail["last_error"]


def test_daemon_delivery_one_slow_target_costs_only_its_own_alerts(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """The daemon's delivery: each target has its own worker, so a trickling target holds
    none of the others, and stopping cuts its send at once, giving its alert back."""
    port = free_port()
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: 'http://127.0.0.1:{port}/hook'}}",  # default deadline: 30 s
        f"{{webhook: '{webhook_receiver.url}'}}"), count=3)
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)  # queues 3 alerts per target; both targets fail at the first
    assert len(webhook_receiver.deliveries) == 1
    make_due(tmp_path)
    slow = TrickleServer(TRICKLED_STATUS, port=port)
    try:
        dispatcher = Dispatcher(tmp_path / "monitor.db", load_rules(tmp_path / "rules.yaml"))
        dispatcher.start()
        try:
            assert wait_for(lambda: len(webhook_receiver.deliveries) == 4, timeout=15)
            assert wait_for(lambda: slow.connections == 1, timeout=15)  # mid-send now
        finally:
            started = time.monotonic()
            stopped = dispatcher.stop(timeout=10)
            stop_took = time.monotonic() - started
    finally:
        slow.close()
    assert stopped and stop_took < 5
    rows = db_rows(tmp_path, "select target, status, attempts, lease_until from alerts")
    assert sorted((r["target"], r["status"]) for r in rows) == [
        ("yakutia-1", "pending")] * 3 + [("yakutia-2", "sent")] * 3
    # The send cut by stop() is given back: not counted as an attempt, not leased.
    assert all(r["lease_until"] is None for r in rows)
    assert sorted(r["attempts"] for r in rows if r["target"] == "yakutia-1") == [0, 0, 1]


def test_sigterm_stops_the_daemon_mid_send(tmp_path: Path, http_server: TestServer,
                                           webhook_receiver: WebhookReceiver) -> None:
    """SIGTERM was ignored while a webhook trickled its answer; now the send is cut, the
    daemon exits within seconds, and the alert is left to go out next time."""
    slow = TrickleServer(TRICKLED_STATUS)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            f"{{webhook: 'http://127.0.0.1:{slow.port}/hook'}}",  # default deadline: 30 s
            f"{{webhook: '{webhook_receiver.url}'}}"))
        daemon = subprocess.Popen([sys.executable, str(REPO / "run.py"), "run", *opts],
                                  cwd=REPO, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: slow.connections == 1 and webhook_receiver.deliveries,
                            timeout=30)
            time.sleep(1)  # the slow send is under way
            stopping = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            _, stderr = daemon.communicate(timeout=30)
            took = time.monotonic() - stopping
        finally:
            daemon.kill()
    finally:
        slow.close()
    assert daemon.returncode == 0, stderr
    assert took < 10, f"stopping took {took:.1f} s"
    (row,) = db_rows(tmp_path, "select status, attempts from alerts where target = 'yakutia-1'")
    assert row == {"status": "pending", "attempts": 0}


def test_an_alert_for_a_deleted_article_is_dead_and_the_others_go_out(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """sqlite-utils deletes without foreign keys: an alert row then points at no article.
    deliver_due raised IndexError for it on every cycle, for every target."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"), count=2)
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:  # foreign keys off, as sqlite-utils
        conn.execute("delete from articles where title = 'Новость 1'")
    http_server.route("/feed.xml", rss([]))  # the feed has moved on
    make_due(tmp_path)
    assert "alerts: 1 dead, 1 sent" in invoke("poll", *opts).output
    rows = {r["status"]: r for r in db_rows(tmp_path, "select * from alerts")}
    assert "no longer exists" in rows["dead"]["last_error"]
    assert webhook_receiver.deliveries[-1].json()["articles"][0]["title"] == "Новость 2"


def test_pending_alerts_follow_a_target_whose_address_is_edited(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """Rows were keyed by the target's description: a new webhook URL or one more address
    sent them to dead for good. Now they are keyed by the target's name."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}?v=1'}}"))
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    (pending,) = db_rows(tmp_path, "select id, status from alerts")
    (tmp_path / "rules.yaml").write_text(outbox_rules(
        f"{{webhook: '{webhook_receiver.url}?v=2'}}"), encoding="utf-8")
    make_due(tmp_path)
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert webhook_receiver.deliveries[-1].headers["webhook-id"] == pending["id"]


def test_rows_of_an_older_release_are_delivered_after_upgrade(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """Rows queued before target names hold the target's description string."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"))
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("update alerts set target = ?", (f"webhook:{webhook_receiver.url}",))
    make_due(tmp_path)
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert db_rows(tmp_path, "select target from alerts") == [{"target": "yakutia-1"}]


def test_two_senders_send_a_row_once(tmp_path: Path, http_server: TestServer,
                                     webhook_receiver: WebhookReceiver) -> None:
    """`poll` from cron while another sender is at work: the row is claimed by the first, and
    the second skips it."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"))
    webhook_receiver.responses.extend([(503, {}), (200, {}, 4.0)])  # the 2nd answers slowly
    invoke("poll", *opts)
    make_due(tmp_path)
    results: list = []
    polls = [threading.Thread(target=lambda: results.append(run_cli("poll", *opts,
                                                                    timeout=60)))
             for _ in range(2)]
    for poll in polls:
        poll.start()
        time.sleep(0.5)
    for poll in polls:
        poll.join(90)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert len(webhook_receiver.deliveries) == 2  # the refused attempt, then exactly one
    (row,) = db_rows(tmp_path, "select status, attempts from alerts")
    assert row == {"status": "sent", "attempts": 2}


def test_an_article_with_40001_hits_makes_a_capped_message(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    """Every hit was listed: a 1 MB article with 40,001 hits made a 21.7 MB email and a
    14.8 MB webhook. A message now carries 50 hits, the total and the article's link."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}", "{email: [analyst@example.org]}",
        smtp_port=smtp_server.port))
    webhook_receiver.responses.append((503, {}))
    smtp_server.mailbox.refuse = "451 4.3.0 busy"
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        ((article, snippet),) = conn.execute("select article_id, snippet from hits").fetchall()
        conn.executemany(
            "insert into hits (article_id, kind, rule, organisation, matched, start, [end], "
            "snippet, created) values (?, 'organisation', 'technopark-yakutia', "
            "'technopark-yakutia', 'Технопарк «Якутия»', ?, ?, ?, '2026-01-01T00:00:00Z')",
            [(article, n * 25, n * 25 + 18, snippet) for n in range(1, 40001)])
    smtp_server.mailbox.refuse = None
    make_due(tmp_path)
    assert "alerts: 2 sent" in invoke("poll", *opts).output
    delivery = webhook_receiver.deliveries[-1]
    (sent,) = json.loads(delivery.body)["articles"]
    assert len(sent["hits"]) == 50 and sent["hits_total"] == 40001
    assert len(delivery.body) < 64 * 1024
    (mail,) = smtp_server.messages
    assert len(mail.as_bytes()) < 256 * 1024
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "… and 39,951 more hits (40,001 in all) in the article: http://x.invalid/1" in text
    assert '<a href="http://x.invalid/1">and 39,951 more hits (40,001 in all)' in html
    assert len(mail["Subject"]) <= 150
