"""The outside audit's matrix, one test per hole it found (issue 7), run against real parts:
a loopback HTTP server, real SMTP and webhook receivers, a real SQLite file.

Each section is one family of the audit: bad links, slow targets, slow sources, SSRF forms
(backslash, redirects, DNS rebinding, IPv6), ReDoS, YAML bombs, encodings, full disk and
outbox rows. Every test here failed before its fix.
"""

from __future__ import annotations

import time
from pathlib import Path

from helpers import (
    article_page,
    count,
    rss,
    start_daemon,
    stop_daemon,
    wait_for,
    webhook_alert_rules,
    write_config,
)
from httpserver import TestServer
from receivers import WebhookReceiver

# ---- daemon ----


def test_slow_sources_do_not_starve_a_healthy_one(tmp_path: Path, http_server: TestServer,
                                                  webhook_receiver: WebhookReceiver) -> None:
    """The audit: four sources whose article pages hang filled the four poll workers, and a
    healthy source on a 2 s interval went 66 s unpolled, its alert unsent. Now each source has
    a worker and each poll a time budget (here the 2 s interval): the healthy source is polled
    on time, its alert goes out, the slow polls end at their budget, and SIGTERM still stops
    the daemon within seconds."""
    slow = []
    for s in range(4):
        items = []
        for i in range(30):  # 30 pages x 3 s: a poll without a budget holds a worker 90 s
            page = article_page(f"Статья {s}-{i}", "Текст.").encode()
            http_server.slow(f"/page{s}-{i}", page, delay=60, chunk=len(page))  # held 60 s
            items.append({"guid": f"{s}-{i}", "title": f"Статья {s}-{i}",
                          "link": http_server.url(f"/page{s}-{i}")})
        http_server.route(f"/slow{s}.xml", rss(items))
        slow.append({"name": f"slow{s}", "url": http_server.url(f"/slow{s}.xml"),
                     "interval": "2s"})
    http_server.route("/healthy.xml", rss([{"guid": "h", "title": "Технопарк «Якутия» растёт",
                                            "link": "http://x.invalid/h"}]))
    healthy = {"name": "healthy", "url": http_server.url("/healthy.xml"), "interval": "2s",
               "fetch_article": "false"}
    # Listed last, so its first poll comes after the slow ones took their workers.
    opts = write_config(tmp_path, [*slow, healthy], rules=webhook_alert_rules(
        webhook_receiver.url))
    sources = tmp_path / "sources.yaml"
    sources.write_text("fetch:\n  timeout: 3\n" + sources.read_text(encoding="utf-8"),
                       encoding="utf-8")
    db, log = tmp_path / "monitor.db", tmp_path / "daemon.log"
    polls = "select count(*) from fetches where source = 'healthy'"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: count(db, polls) >= 1), log.read_text()
        first = count(db, polls)
        time.sleep(12)
        assert count(db, polls) - first >= 4, log.read_text()  # one poll every 2 s
        assert webhook_receiver.deliveries, "the healthy source's alert was not sent"
        for s in range(4):
            assert count(db, f"select count(*) from fetches where source = 'slow{s}' and "
                             "warning like 'time budget of 2s spent: % entries left%'") >= 1
        assert daemon.poll() is None
        took = stop_daemon(daemon)
    finally:
        daemon.kill()
    assert daemon.returncode == 0, log.read_text()
    assert took < 8, f"{took:.1f}s to stop"
