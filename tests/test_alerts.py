"""Alerts end to end: feeds served for real, `poll`, a real SMTP server and webhook receiver."""

from __future__ import annotations

import sqlite3
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from standardwebhooks.webhooks import Webhook

from monitor.alert.sender import deliver_due
from monitor.config import load_rules
from monitor.store import Store

from helpers import db_rows, invoke, rss, run_cli, write_config
from httpserver import TestServer
from receivers import SmtpServer, WebhookReceiver

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KINDS = {"yakutia-news-1": "webhook", "yakutia-news-2": "email"}
"""The targets of `rules_yaml`, by their default names (alert name and position)."""


def rules_yaml(webhook: str, smtp_port: int | None = None, mode: str = "immediate",
               health: str = "") -> str:
    email_target = ("\n      - email: [analyst@example.org]" if smtp_port else "")
    smtp = (f"smtp:\n  host: 127.0.0.1\n  port: {smtp_port}\n  security: none\n"
            f"  from_address: monitor@example.org\n  timeout: 5\n" if smtp_port else "")
    return f"""\
organisations:
  - id: technopark-yakutia
    name: Технопарк «Якутия»
  - id: skolkovo
    name: Сколково
    aliases:
      en: [Skolkovo]
metrics:
  - id: revenue
    name: Выручка
    keywords:
      ru: [выручка]
    unit: RUB
alerts:
  - name: yakutia-news
    when: {{organisation: technopark-yakutia}}
    mode: {mode}
    targets:
      - webhook: {webhook}
        secret: {SECRET}{email_target}
{smtp}delivery:
  retry_base: 1s
  retry_max: 1m
  give_up_after: 1h
{health}"""


def item(n: int, text: str) -> dict:
    return {"guid": f"g{n}", "title": f"Новость {n}", "link": f"http://x.invalid/{n}",
            "description": text}


@pytest.fixture
def setup(tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver,
          smtp_server: SmtpServer):
    def configure(items: list[dict], **kwargs) -> list[str]:
        http_server.route("/feed.xml", rss(items))
        return write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                        "fetch_article": "false"}],
                            rules=rules_yaml(webhook_receiver.url, smtp_server.port, **kwargs))
    return configure


def test_one_alert_per_article_listing_its_hits_to_every_target(
        setup, tmp_path: Path, webhook_receiver: WebhookReceiver, smtp_server: SmtpServer,
        http_server: TestServer) -> None:
    opts = setup([item(1, "Выручка Технопарка «Якутия» составила 1,5 млрд рублей. "
                          "Технопарк «Якутия» растёт."),
                  item(2, "Skolkovo news only.")])
    result = invoke("poll", *opts)
    assert "alerts: 2 sent" in result.output, result.output
    alerts = db_rows(tmp_path, "select * from alerts order by target")
    assert [(KINDS[a["target"]], a["status"], a["attempts"]) for a in alerts] == [
        ("webhook", "sent", 1), ("email", "sent", 1)]
    (delivery,) = webhook_receiver.deliveries
    Webhook(SECRET).verify(delivery.body, delivery.headers)
    assert delivery.headers["webhook-id"] == alerts[0]["id"]
    payload = delivery.json()
    assert payload["type"] == "alert.article" and payload["alert"] == "yakutia-news"
    (article,) = payload["articles"]
    assert article["title"] == "Новость 1" and article["source"] == "news"
    assert [(h["kind"], h["value"]) for h in article["hits"]] == [
        ("organisation", None), ("metric", 1.5e9), ("organisation", None)]
    (mail,) = smtp_server.messages
    assert mail["Message-ID"] == f"<{alerts[1]['id']}@technopark-monitor>"
    assert "Технопарк «Якутия»" in mail["Subject"]

    # Re-polling the same feed, or the same article unchanged, alerts nobody again.
    http_server.route("/feed.xml", rss([item(1, "Выручка Технопарка «Якутия» составила 1,5 "
                                               "млрд рублей. Технопарк «Якутия» растёт."),
                                        item(2, "Skolkovo news only.")]))
    assert "alerts:" not in invoke("poll", *opts).output
    # An edit that adds nothing new for the alert: no alert. One that adds a hit: a new one.
    http_server.route("/feed.xml", rss([item(1, "Выручка Технопарка «Якутия» составила 1,5 "
                                               "млрд рублей, сообщили в пресс-службе. "
                                               "Технопарк «Якутия» растёт.")]))
    assert "alerts:" not in invoke("poll", *opts).output
    http_server.route("/feed.xml", rss([item(1, "Выручка Технопарка «Якутия» составила 2 "
                                               "млрд рублей.")]))
    assert "alerts: 2 sent" in invoke("poll", *opts).output
    assert len(webhook_receiver.deliveries) == 2
    assert webhook_receiver.deliveries[1].headers["webhook-id"] != alerts[0]["id"]


class Clock:
    def __init__(self) -> None:
        self.now = datetime.now(UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def poll_without_delivery(opts: list[str], webhook_receiver: WebhookReceiver) -> None:
    """Poll with the receivers refusing, so the alerts stay in the outbox for the test."""
    webhook_receiver.responses.extend([(503, {})])
    invoke("poll", *opts)


def sender(tmp_path: Path, clock: Clock) -> tuple[Callable[[], Counter], Store]:
    """One-shot delivery of the test's outbox at the clock's time, and a store to look."""
    rules = load_rules(tmp_path / "rules.yaml")
    return (lambda: deliver_due(tmp_path / "monitor.db", rules, clock=clock),
            Store(tmp_path / "monitor.db"))


def test_target_down_then_up_same_id_on_every_attempt(
        setup, tmp_path: Path, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    smtp_server.stop()
    webhook_receiver.responses.extend([(500, {}), (503, {"Retry-After": "120"})])
    assert "alerts: 2 retrying" in invoke("poll", *opts).output
    clock = Clock()
    deliver, store = sender(tmp_path, clock)
    with store:
        first_retry = min(r["next_attempt"] for r in store.query("select * from alerts"))
        clock.now = datetime.fromisoformat(first_retry.replace("Z", "+00:00"))
        clock.advance(-0.5)
        assert deliver() == {}  # not due yet: backoff
        clock.advance(3)
        # The webhook answers 503 with Retry-After: 120 and the mail server is still down:
        # both retry later, the webhook not before 120 s.
        assert deliver() == {"retrying": 2}
        (hook,) = store.query("select * from alerts where target = 'yakutia-news-1'")
        assert hook["attempts"] == 2 and hook["last_error"].startswith("HTTP 503")
        wait = (datetime.fromisoformat(hook["next_attempt"].replace("Z", "+00:00"))
                - clock.now).total_seconds()
        assert wait >= 119
        smtp_server.start()
        clock.advance(130)
        assert deliver() == {"sent": 2}
    ids = {d.headers["webhook-id"] for d in webhook_receiver.deliveries}
    assert ids == {hook["id"]} and len(webhook_receiver.deliveries) == 3
    (mail,) = smtp_server.messages
    assert mail["Message-ID"].startswith("<msg_")


@pytest.mark.parametrize("status, outcome", [
    (429, "retrying"), (408, "retrying"), (500, "retrying"), (410, "dead"), (400, "dead")])
def test_webhook_status_handling(setup, tmp_path: Path, webhook_receiver: WebhookReceiver,
                                 smtp_server: SmtpServer, status: int, outcome: str) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.append((status, {}))
    result = invoke("poll", *opts)
    assert f"1 {outcome}" in result.output and "1 sent" in result.output  # email unaffected
    (hook,) = db_rows(tmp_path, "select status, last_error from alerts "
                             "where target = 'yakutia-news-1'")
    assert hook["status"] == ("pending" if outcome == "retrying" else "dead")
    assert hook["last_error"].startswith(f"HTTP {status}")


def test_gives_up_after_give_up_after(setup, tmp_path: Path,
                                      webhook_receiver: WebhookReceiver) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.extend([(503, {})] * 50)
    invoke("poll", *opts)
    clock = Clock()
    deliver, store = sender(tmp_path, clock)
    with store:
        for _ in range(70):  # 70 minutes of retries against a one-hour give-up
            clock.advance(61)
            deliver()
        (hook,) = store.query("select status, attempts from alerts where target = 'yakutia-news-1'")
    assert hook["status"] == "dead" and 5 < hook["attempts"] < 50


def test_a_slow_target_does_not_delay_another(setup, tmp_path: Path,
                                              webhook_receiver: WebhookReceiver,
                                              smtp_server: SmtpServer) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.append((200, {}, 3.0))
    started = time.monotonic()
    invoke("poll", *opts)
    assert smtp_server.messages  # delivered while the webhook was still waiting
    assert len(webhook_receiver.deliveries) == 1
    assert time.monotonic() - started < 10


def test_hourly_digest_groups_articles(setup, tmp_path: Path,
                                       webhook_receiver: WebhookReceiver,
                                       smtp_server: SmtpServer) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт."),
                  item(2, "Выручка Технопарка «Якутия» составила 1,5 млрд рублей.")],
                 mode="hourly")
    assert "alerts:" not in invoke("poll", *opts).output  # not due before the hour
    clock = Clock()
    clock.advance(3601)
    deliver, store = sender(tmp_path, clock)
    with store:
        assert deliver() == {"sent": 4}
    (delivery,) = webhook_receiver.deliveries
    assert delivery.json()["type"] == "alert.digest"
    assert [a["title"] for a in delivery.json()["articles"]] == ["Новость 1", "Новость 2"]
    assert len(smtp_server.messages) == 1


def test_source_health_alerts_once_when_failing_and_once_on_recovery(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    health = f"health:\n  failures: 2\n  target:\n    webhook: {webhook_receiver.url}\n"
    opts = write_config(tmp_path, [{"name": "flaky", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}],
                        rules=rules_yaml(webhook_receiver.url, health=health))
    for _ in range(4):
        invoke("poll", *opts)  # 404 four times: one alert, after the second failure
    assert [d.json()["health"]["state"] for d in webhook_receiver.deliveries] == ["failing"]
    assert "4 failed polls" not in webhook_receiver.deliveries[0].json()["health"]["detail"]
    http_server.route("/feed.xml", rss([item(1, "ничего")]))
    invoke("poll", *opts)
    invoke("poll", *opts)
    states = [d.json()["health"]["state"] for d in webhook_receiver.deliveries]
    assert states == ["failing", "recovered"]
    assert webhook_receiver.deliveries[0].json()["type"] == "source.health"


def test_alerts_command_lists_and_retries_dead(setup, tmp_path: Path,
                                               webhook_receiver: WebhookReceiver) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.append((410, {}))
    invoke("poll", *opts)
    listing = invoke("alerts", *opts, "--status", "dead").output
    assert "yakutia-news" in listing and "HTTP 410" in listing and "dead" in listing
    (dead,) = db_rows(tmp_path, "select id from alerts where status = 'dead'")
    assert invoke("alerts", *opts, "retry", "--dead").output == "1 alert queued again\n"
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert webhook_receiver.deliveries[-1].headers["webhook-id"] == dead["id"]
    assert invoke("alerts", *opts, "--status", "dead").output == "no alerts\n"


def test_stale_source_raises_one_health_alert(tmp_path: Path, http_server: TestServer,
                                              webhook_receiver: WebhookReceiver) -> None:
    health = f"health:\n  target:\n    webhook: {webhook_receiver.url}\n"
    http_server.route("/feed.xml", rss([item(1, "ничего")]))
    opts = write_config(tmp_path, [{"name": "quiet", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false", "stale_after": "1s"}],
                        rules=rules_yaml(webhook_receiver.url, health=health))
    invoke("poll", *opts)  # one new entry: fresh
    assert webhook_receiver.deliveries == []
    time.sleep(2.1)
    invoke("poll", *opts)  # nothing new for longer than stale_after
    invoke("poll", *opts)
    (stale,) = [d.json()["health"] for d in webhook_receiver.deliveries]
    assert stale["state"] == "stale" and stale["detail"].startswith("no new entry since")


def test_webhook_bodies_carry_hostile_feed_text_exactly(tmp_path: Path) -> None:
    """Titles and contents from feedparser's sanitize corpus go into webhook JSON as data:
    exactly the text, with JSON escaping, and never a raw line break in the body."""
    import json

    from monitor.alert import webhook
    from monitor.alert.message import AlertArticle, AlertHit, AlertMessage
    from monitor.parse import parse_feed

    corpus = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "feedparser-tests" \
        / "wellformed" / "sanitize"
    if not corpus.is_dir():
        pytest.skip(f"corpus not found at {corpus}")
    checked = 0
    for path in sorted(corpus.glob("*.xml")):
        try:
            feed = parse_feed(path.read_bytes(), "http://example.org/feed", None)
        except Exception:  # a document that is no usable feed is the fetch layer's business
            continue
        for entry in feed.entries:
            hit = AlertHit("organisation", "o", entry.title, None, None, None, None, None, None,
                           entry.title, entry.summary_html)
            message = AlertMessage("msg_x", "a", "article", "2026-01-01T00:00:00Z", articles=(
                AlertArticle(1, entry.link, entry.title, "s\r\nX-Injected: 1", "en", None,
                             (hit,)),))
            body = webhook.body(message)
            assert b"\n" not in body and b"\r" not in body
            article = json.loads(body)["articles"][0]
            assert article["title"] == entry.title
            assert article["hits"][0]["snippet"] == entry.summary_html
            checked += 1
    assert checked > 500


def test_retry_by_id_requeues_only_that_alert(setup, tmp_path: Path,
                                              webhook_receiver: WebhookReceiver,
                                              smtp_server: SmtpServer) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    smtp_server.mailbox.refuse = "550 5.1.1 no such user"
    webhook_receiver.responses.append((410, {}))
    invoke("poll", *opts)
    dead = {KINDS[r["target"]]: r["id"]
            for r in db_rows(tmp_path, "select id, target from alerts where status = 'dead'")}
    assert set(dead) == {"email", "webhook"}
    smtp_server.mailbox.refuse = None
    assert invoke("alerts", *opts, "retry", dead["email"]).output == "1 alert queued again\n"
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    statuses = {r["id"]: r["status"] for r in db_rows(tmp_path, "select id, status from alerts")}
    assert statuses == {dead["email"]: "sent", dead["webhook"]: "dead"}
    assert smtp_server.messages[-1]["Message-ID"] == f"<{dead['email']}@technopark-monitor>"
    usage = invoke("alerts", *opts, "retry")
    assert usage.exit_code == 2 and "give alert ids or --dead" in usage.output


def test_alerts_send_sends_a_pending_alert_now_despite_its_backoff(
        setup, tmp_path: Path, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    """After fixing a receiver, a user should not wait out the backoff."""
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.append((503, {"Retry-After": "1800"}))
    invoke("poll", *opts)
    (hook,) = db_rows(tmp_path, "select id, status from alerts where target = 'yakutia-news-1'")
    assert hook["status"] == "pending"
    assert "alerts:" not in invoke("poll", *opts).output  # backoff: half an hour
    # Another target's due alert is not this command's business (found by review).
    emails = len(smtp_server.messages)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("UPDATE alerts SET status = 'pending' WHERE target != 'yakutia-news-1'")
    result = invoke("alerts", *opts, "send", hook["id"])
    assert result.exit_code == 0 and result.output == f"{hook['id']}: sent\n", result.output
    assert webhook_receiver.deliveries[-1].headers["webhook-id"] == hook["id"]
    assert len(smtp_server.messages) == emails
    assert db_rows(tmp_path, "select status from alerts where target != 'yakutia-news-1'") == \
        [{"status": "pending"}]
    # Only pending alerts, and only known ids.
    again = invoke("alerts", *opts, "send", hook["id"])
    assert again.exit_code == 2 and f"not pending: {hook['id']}" in again.output
    unknown = invoke("alerts", *opts, "send", "msg_nope")
    assert unknown.exit_code == 2 and "no alert with id msg_nope" in unknown.output
    assert "Example:" in invoke("alerts", "send", "--help").output


def test_alerts_retry_refuses_a_sent_alert_unless_forced(
        setup, tmp_path: Path, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    invoke("poll", *opts)
    (hook,) = db_rows(tmp_path, "select id from alerts where target = 'yakutia-news-1'")
    refused = invoke("alerts", *opts, "retry", hook["id"])
    assert refused.exit_code == 2 and f"already sent: {hook['id']}" in refused.output
    assert "--force" in refused.output
    assert db_rows(tmp_path, f"select status from alerts where id = '{hook['id']}'") == [
        {"status": "sent"}]
    forced = invoke("alerts", *opts, "retry", "--force", hook["id"])
    assert forced.output == "1 alert queued again\n"
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert [d.headers["webhook-id"] for d in webhook_receiver.deliveries] == [hook["id"]] * 2
    assert "Example" in invoke("alerts", "retry", "--help").output


def test_webhook_url_never_shown_whole(tmp_path: Path, http_server: TestServer) -> None:
    """Webhook URLs often carry a token: logs, alerts.last_error and the CLI show the host
    and a short hash, never the path or query."""
    from receivers import free_port

    url = f"http://127.0.0.1:{free_port()}/hooks/T0KEN-path?token=S3CRET-query"
    http_server.route("/feed.xml", rss([item(1, "Технопарк «Якутия» растёт.")]))
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}], rules=rules_yaml(url))
    polled = run_cli("poll", *opts, timeout=60)
    listing = run_cli("alerts", *opts, timeout=60)
    (row,) = db_rows(tmp_path, "select target, last_error from alerts")
    assert row["last_error"] == "connection refused" and row["target"] == "yakutia-news-1"
    shown = polled.stdout + polled.stderr + listing.stdout + listing.stderr
    assert "alert.retrying" in shown and "127.0.0.1" in shown
    assert "T0KEN" not in shown and "S3CRET" not in shown
    # A row of an older release, keyed by the whole URL, is listed with the URL redacted;
    # once its target is gone from rules.yaml, the reason it is given up names no URL either.
    with Store(tmp_path / "monitor.db") as store, store.transaction() as conn:
        conn.execute("update alerts set target = ?", (f"webhook:{url}?old",))
    listed = invoke("alerts", *opts).output
    assert "webhook:http://127.0.0.1:" in listed and "S3CRET" not in listed
    with Store(tmp_path / "monitor.db") as store, store.transaction() as conn:
        conn.execute("update alerts set next_attempt = '2000-01-01T00:00:00Z'")
    invoke("poll", *opts)
    (row,) = db_rows(tmp_path, "select status, last_error from alerts")
    assert row == {"status": "dead",
                   "last_error": "its webhook target is no longer configured in rules.yaml"}


def test_webhook_reason_without_the_url() -> None:
    """requests quotes the request's path and query in its exception texts."""
    from monitor.alert.webhook import _scrub

    url = "https://hooks.example.org/services/T0KEN?key=S3CRET"
    reason = _scrub("request failed: HTTPSConnectionPool(host='hooks.example.org', port=443): "
                    "Max retries exceeded with url: /services/T0KEN?key=S3CRET (Caused by X)",
                    url)
    assert "T0KEN" not in reason and "S3CRET" not in reason
    assert "hooks.example.org" in reason


def test_targets_have_stable_names(tmp_path: Path) -> None:
    """Default names survive editing an address; explicit names must be unique."""
    from monitor.errors import ConfigError

    path = tmp_path / "rules.yaml"
    path.write_text(rules_yaml("https://hooks.example.org/a", 25, health=(
        "health:\n  target:\n    webhook: https://hooks.example.org/h\n")), encoding="utf-8")
    rules = load_rules(path)
    assert [t.name for t in rules.alerts[0].targets] == ["yakutia-news-1", "yakutia-news-2"]
    assert rules.health.target.name == "health"
    path.write_text(rules_yaml("https://hooks.example.org/a", 25).replace(
        "secret:", "name: ops\n        timeout: 10s\n        secret:").replace(
        "- email: [analyst@example.org]", "- {name: ops, email: [analyst@example.org]}"),
        encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_rules(path)
    assert refused.value.problems == [
        "rules.yaml:23: alerts[0].targets[1].name: duplicate target name 'ops' (first used by "
        "alerts[0].targets[0]; target names must be unique, the alerts table keys on them)"]


def test_a_claim_whose_sender_died_runs_out(setup, tmp_path: Path,
                                            webhook_receiver: WebhookReceiver) -> None:
    """A row another sender holds is skipped until its lease runs out; then it is due again
    (the sender died mid-send), and goes out with the same id."""
    opts = setup([item(1, "Технопарк «Якутия» растёт.")])
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    with Store(tmp_path / "monitor.db") as store, store.transaction() as conn:
        conn.execute("update alerts set status = 'sending', next_attempt = '2000-01-01T00:00:00Z',"
                     " lease_until = '2999-01-01T00:00:00Z' where target = 'yakutia-news-1'")
    assert "alerts:" not in invoke("poll", *opts).output
    assert invoke("alerts", *opts, "--status", "sending").output.count("yakutia-news-1") == 1
    with Store(tmp_path / "monitor.db") as store, store.transaction() as conn:
        conn.execute("update alerts set lease_until = '2000-01-01T00:00:00Z'")
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    (row,) = db_rows(tmp_path, "select * from alerts where target = 'yakutia-news-1'")
    assert (row["status"], row["lease_until"]) == ("sent", None)
    assert webhook_receiver.deliveries[-1].headers["webhook-id"] == row["id"]
