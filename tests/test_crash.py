"""A killed process loses nothing: `poll` with alerts, SIGKILLed at random moments.

After every kill the database passes `PRAGMA integrity_check`; at the end every article is
stored, every alert row was delivered, and a delivery that happened twice (the kill came
between sending and recording) carries the same id both times. A run killed mid-send leaves
its alert claimed until the claim's lease runs out (the send's deadline and a margin); the
restarts at the end come after that. CRASH_RUNS sets the number of runs (`make crash` runs
300).
"""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from monitor.alert.sender import LEASE_MARGIN

from helpers import REPO, rss, webhook_alert_rules, write_config
from httpserver import TestServer
from receivers import WebhookReceiver

RUNS = int(os.environ.get("CRASH_RUNS", "50"))
WEBHOOK_TIMEOUT = 2


def poll(opts: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(REPO / "run.py"), "poll", *opts], cwd=REPO,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db, timeout=30)
    try:
        return conn.execute("pragma integrity_check").fetchone()[0]
    finally:
        conn.close()


def test_sigkill_at_random_moments_loses_nothing(tmp_path: Path, http_server: TestServer,
                                                 webhook_receiver: WebhookReceiver) -> None:
    rng = random.Random(20261122)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}],
                        rules=webhook_alert_rules(webhook_receiver.url, extra=(
                            f"delivery:\n  webhook_timeout: {WEBHOOK_TIMEOUT}s\n")))
    db = tmp_path / "monitor.db"
    items = []

    def add_item(n: int) -> None:
        items.append({"guid": f"g{n}", "title": f"Новость {n}", "link": f"http://x.invalid/{n}",
                      "description": f"Технопарк «Якутия»: событие номер {n}."})
        http_server.route("/feed.xml", rss(items))

    add_item(0)
    started = time.monotonic()
    assert poll(opts).wait(timeout=120) == 0
    full_run = time.monotonic() - started  # kill anywhere in a run: start-up, fetch, writes,
    kills = 0                               # delivery
    for n in range(1, RUNS + 1):
        add_item(n)
        child = poll(opts)
        time.sleep(rng.uniform(0, full_run * 1.1))
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            kills += 1
        child.wait(timeout=60)
        if db.exists():
            assert integrity(db) == "ok", f"run {n}"
    assert kills >= RUNS // 3, f"only {kills} of {RUNS} runs were killed mid-way"

    time.sleep(WEBHOOK_TIMEOUT + LEASE_MARGIN)  # the claims of killed senders run out
    for _ in range(3):  # the restarts that pick everything up
        assert poll(opts).wait(timeout=120) == 0
    conn = sqlite3.connect(db)
    guids = {g for (g,) in conn.execute("select guid from articles")}
    alerts = dict(conn.execute("select article_id, id from alerts"))
    statuses = Counter(s for (s,) in conn.execute("select status from alerts"))
    articles = [a for (a,) in conn.execute("select id from articles")]
    conn.close()
    assert guids == {f"g{n}" for n in range(RUNS + 1)}, "an article was lost"
    assert sorted(alerts) == sorted(articles), "an article's alert was lost or doubled"
    assert statuses == {"sent": RUNS + 1}
    received = Counter(d.headers["webhook-id"] for d in webhook_receiver.deliveries)
    assert set(received) == set(alerts.values()), "an alert never arrived, or a stranger did"
    # Repeats are allowed (at least once), and they carry the first delivery's id: `received`
    # counts deliveries per id, so any id above 1 is such a repeat.
    assert sum(received.values()) >= len(alerts)
