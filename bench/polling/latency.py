"""Feed entry to webhook: the daemon (`run.py run`, a child process as the user starts it) on
the farm's feeds, with an immediate webhook alert to a receiver in the bench process.

The feeds name no organisation, so the first pass queues nothing. Once every feed has been
polled and stored, one entry naming the alert's organisation is added to a random feed at a
random moment, several times, each a story of its own (an alert goes out once per story). For
each the farm tells when the entry was first served (the poll that found it) and the receiver
when the alert arrived. The goal, from issue 9: an entry reaches its webhook within the poll
that finds it plus 1 s, so `delivered - polled` is checked; `delivered - added` is the latency
a user sees, which the interval (plus its jitter) bounds.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import yaml

from . import articles
from .farm import QUIET, ROOT, Added, Farm, rules_organisations

ALERTED = "technopark-yakutia"
"""The organisation of the alert rule and of every added entry."""
SETTLE_TIMEOUT = 180.0
"""How long the first pass over the feeds may take before the case gives up. It has settled
when every feed has been asked for twice: one source's polls never overlap, so its first poll
was over and stored."""


@dataclass(frozen=True)
class Sample:
    feed: int
    added: float
    polled: float | None
    """When the first poll after `added` was answered (None: never)."""
    delivered: float | None
    """When the webhook arrived (None: not within the wait)."""

    @property
    def latency(self) -> float | None:
        return None if self.delivered is None else self.delivered - self.added

    @property
    def after_poll(self) -> float | None:
        if self.delivered is None or self.polled is None:
            return None
        return self.delivered - self.polled


@dataclass(frozen=True)
class Latency:
    feeds: int
    interval: int
    samples: list[Sample]


class Receiver:
    """A webhook endpoint on 127.0.0.1 that notes when each alert's articles arrived."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        """Article URL -> when its alert arrived (time.monotonic)."""
        self.changed = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                now = time.monotonic()
                with receiver.changed:
                    for article in json.loads(body).get("articles", []):
                        receiver.arrived.setdefault(article["url"], now)
                    receiver.changed.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait(self, suffix: str, timeout: float) -> float | None:
        """When the alert of the article whose URL ends with `suffix` arrived, waiting for
        it at most `timeout` seconds."""
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                found = next((t for url, t in self.arrived.items() if url.endswith(suffix)),
                             None)
                left = deadline - time.monotonic()
                if found is not None or left <= 0:
                    return found
                self.changed.wait(left)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def added_entry(sample: int, name: str) -> Added:
    """Sample `sample`'s entry: the organisation and figures, in sentences no other sample
    uses (a copy of an earlier one would be its story, and get no alert of its own)."""
    rng = random.Random(sample)
    named = articles.NAMED["ru"][sample % len(articles.NAMED["ru"])]
    plain = articles.PLAIN["ru"]
    picked = [named, plain[sample % len(plain)], plain[(sample + len(plain) // 2) % len(plain)]]
    text = " ".join(articles.fill(s, "ru", rng, articles.CITIES["ru"][0], name)
                    for s in picked)
    return Added(f"breaking-{sample}", f"{name}: новости дня {sample + 1}", text,
                 f"/breaking/{sample}")


def _rules(webhook: str, workdir: Path) -> Path:
    """The shipped rules with one immediate webhook alert on ALERTED."""
    data = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    data["include"] = [str(ROOT / path) for path in data.get("include", [])]
    data["alerts"] = [{"name": "bench", "when": {"organisation": ALERTED},
                       "targets": [{"webhook": webhook}]}]
    path = workdir / "rules.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def measure(farm: Farm, feeds: int, interval: int, samples: int, workdir: Path) -> Latency:
    """`samples` entries through the daemon polling `feeds` feeds every `interval` seconds."""
    farm.reset(0.0, QUIET)
    name = next(org["name"] for org in rules_organisations() if org["id"] == ALERTED)
    receiver = Receiver()
    sources = workdir / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": f"feed{i}", "url": url, "interval": f"{interval}s", "fetch_article": False}
        for i, url in enumerate(farm.urls[:feeds])]}), encoding="utf-8")
    db = workdir / "monitor.db"
    log = workdir / "daemon.log"
    with log.open("w", encoding="utf-8") as stderr:
        daemon = subprocess.Popen(
            [sys.executable, str(ROOT / "run.py"), "run", "--sources", str(sources), "--rules",
             str(_rules(receiver.url, workdir)), "--db", str(db)],
            cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
    rng = random.Random(9)
    found: list[Sample] = []
    try:
        deadline = time.monotonic() + SETTLE_TIMEOUT
        while min(farm.answers(feed) for feed in range(feeds)) < 2:
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"daemon: first pass not done:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        for sample in range(samples):
            time.sleep(rng.uniform(0, interval))
            feed = rng.randrange(feeds)
            entry = added_entry(sample, name)
            added = farm.add(feed, entry)
            delivered = receiver.wait(entry.path, timeout=2 * interval + 30)
            if delivered is None and daemon.poll() is not None:
                raise SystemExit(f"daemon: exited early:\n{log.read_text()[-3000:]}")
            found.append(Sample(feed, added, farm.first_answer_after(feed, added), delivered))
    finally:
        daemon.send_signal(signal.SIGTERM)
        try:
            daemon.wait(timeout=30)
        except subprocess.TimeoutExpired:
            daemon.kill()
            daemon.wait()
        receiver.close()
    return Latency(feeds, interval, found)
