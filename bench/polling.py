"""`make bench-polling`: our `poll` against `reader` (lemon24's feed library) on the same feeds.

A loopback feed farm serves N feeds of 20 entries each, a fifth of the entries naming an
organisation of the shipped rules.yaml. Each feed listens on its own port: a real deployment's
feeds are on different sites, and our politeness is per host (host and port), so feeds on one
port would be polled one at a time, a second apart, which is what we want for one site and not
what this compares. Answers honour If-None-Match (a 304 for an unchanged feed) and can be held
back by a fixed latency.

Each side runs in a child process of its own (so its peak resident size is its own), the two
alternating within one run, and the medians over the pairs are compared:

ours:   the `poll` command's own code (`cli._poll`: matcher built from rules.yaml, the engine,
        logs written as `poll` writes them) on a temporary sources.yaml and database, feeds
        only (`fetch_article: false`);
reader: `make_reader` on a temporary database, every feed added, `update_feeds(workers=16,
        scheduled=False)` (reader parses but matches nothing).

Cases: N feeds polled for the first time; again with nothing changed (all 304); again with a
tenth of the feeds carrying one new entry; 100 feeds whose server answers after 100 ms, first
poll. Memory: the peak resident size of the first three cases' process, and ours before
polling (imports, rules and matcher) for the matcher's share.
"""

from __future__ import annotations

import argparse
import json
import selectors
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from urllib.request import urlopen

import yaml

ROOT = Path(__file__).resolve().parent.parent
ENTRIES = 20
WORKERS = 16
LATENCY = 0.1
LATENCY_FEEDS = 100
CHANGED = 0.1
ORG_SHARE = 5
"""Every fifth entry names an organisation."""

SENTENCES = (
    "Правительство региона обсудило развитие цифровой экономики и поддержку малого бизнеса.",
    "The regional government discussed support for small businesses and the digital economy.",
    "В городе открылся новый коворкинг для студентов и молодых предпринимателей.",
    "Die Landesregierung stellte ein neues Förderprogramm für junge Unternehmen vor.",
)


def organisation_names(limit: int = 50) -> list[str]:
    """Names of the shipped rules' organisations (rules.yaml's own, before its includes)."""
    data = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    return [org["name"] for org in data["organisations"][:limit]]


def feed_xml(feed: int, generation: int, port: int, names: Sequence[str]) -> bytes:
    """Feed `feed` at `generation`: entries generation .. generation+19, newest first, so a
    new generation is one new entry and one gone."""
    start = datetime(2026, 11, 1, tzinfo=UTC)
    items = []
    for n in range(generation + ENTRIES - 1, generation - 1, -1):
        text = SENTENCES[(feed + n) % len(SENTENCES)]
        if (feed * 7 + n) % ORG_SHARE == 0:
            text = f"{names[(feed + n) % len(names)]} объявил о новых резидентах. {text}"
        items.append(
            f"<item><guid>f{feed}-e{n}</guid><title>Новость {n} ленты {feed}</title>"
            f"<link>http://127.0.0.1:{port}/news/{n}</link><description>{text}</description>"
            f"<pubDate>{format_datetime(start + timedelta(minutes=n))}</pubDate></item>")
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Feed {feed}</title><link>http://127.0.0.1:{port}/</link>"
            f"<language>ru</language>{''.join(items)}</channel></rss>").encode()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # sixteen clients connect at once to a thousand ports


class Farm:
    """N feeds, each on its own loopback port, plus a control port (reset, change)."""

    def __init__(self, feeds: int):
        self.names = organisation_names()
        self.generation = [0] * feeds
        self.latency = 0.0
        self._bodies: dict[tuple[int, int], bytes] = {}
        self._servers = [self._server(self._feed_handler(i)) for i in range(feeds)]
        self.urls = [f"http://127.0.0.1:{s.server_port}/feed.xml" for s in self._servers]
        self._control = self._server(self._control_handler())
        self.control_url = f"http://127.0.0.1:{self._control.server_port}"
        self._selector = selectors.DefaultSelector()
        for server in [*self._servers, self._control]:
            self._selector.register(server, selectors.EVENT_READ)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="farm")
        self._thread.start()

    @staticmethod
    def _server(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
        return _Server(("127.0.0.1", 0), handler)

    def _serve(self) -> None:
        while not self._stopping.is_set():
            for key, _ in self._selector.select(timeout=0.1):
                key.fileobj._handle_request_noblock()  # type: ignore[union-attr]

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for server in [*self._servers, self._control]:
            server.server_close()

    def reset(self, latency: float) -> None:
        self.generation = [0] * len(self.generation)
        self.latency = latency

    def change(self, fraction: float) -> None:
        """One new entry in every 1/fraction-th feed."""
        step = round(1 / fraction)
        for feed in range(0, len(self.generation), step):
            self.generation[feed] += 1

    def body(self, feed: int) -> tuple[bytes, str]:
        generation = self.generation[feed]
        key = (feed, generation)
        if key not in self._bodies:
            port = self._servers[feed].server_port
            self._bodies[key] = feed_xml(feed, generation, port, self.names)
        return self._bodies[key], f'"{feed}-{generation}"'

    def _feed_handler(self, feed: int) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                if farm.latency:
                    time.sleep(farm.latency)
                body, etag = farm.body(feed)
                if self.headers.get("If-None-Match") == etag:
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def _control_handler(self) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/change":
                    farm.change(float(query["fraction"]))
                self.send_response(204)
                self.end_headers()

        return Handler


# --------------------------------------------------------------------------- the two sides


def _ours(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    from monitor import cli, logs
    from monitor.config import load
    from monitor.match import Matcher

    sources = workdir / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": f"feed{i}", "url": url, "fetch_article": False, "interval": "15m"}
        for i, url in enumerate(urls)]}), encoding="utf-8")
    config = load(sources, ROOT / "rules.yaml")
    logs.setup("info")  # as `poll` logs (stderr goes nowhere)
    store = cli._open_store(workdir / "monitor.db", config)
    Matcher(config.rules)  # word forms cached as after any earlier run, and counted below
    times = {"base_mb": _peak_mb()}
    for phase in phases:
        _before(phase, control)
        started = time.perf_counter()
        results = cli._poll(store, config, config.sources.sources)
        times[phase] = time.perf_counter() - started
        failed = [r for r in results if not r.ok]
        if failed:
            raise SystemExit(f"ours: {len(failed)} polls failed, e.g. {failed[0]}")
    store.close()
    return times


def _reader(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    from reader import make_reader

    reader = make_reader(str(workdir / "reader.sqlite"))
    for url in urls:
        reader.add_feed(url)
    times = {"base_mb": _peak_mb()}
    for phase in phases:
        _before(phase, control)
        started = time.perf_counter()
        reader.update_feeds(workers=WORKERS, scheduled=False)
        times[phase] = time.perf_counter() - started
    if reader.get_entry_counts().total != len(urls) * ENTRIES + (
            len(range(0, len(urls), round(1 / CHANGED))) if "changed" in phases else 0):
        raise SystemExit("reader: not every entry was stored")
    reader.close()
    return times


def _before(phase: str, control: str) -> None:
    if phase == "changed":
        urlopen(f"{control}/change?fraction={CHANGED}", timeout=10).close()


def _peak_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(side: str, urls_file: Path, control: str, phases: list[str]) -> None:
    urls = urls_file.read_text(encoding="utf-8").split()
    with tempfile.TemporaryDirectory(prefix=f"bench-{side}-") as tmp:
        run = _ours if side == "ours" else _reader
        times = run(urls, Path(tmp), control, phases)
    times["peak_mb"] = _peak_mb()
    print(json.dumps(times))


# --------------------------------------------------------------------------- the run


def measure(side: str, farm: Farm, urls: list[str], phases: list[str], latency: float,
            workdir: Path) -> dict:
    farm.reset(latency)
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join(urls), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bench.polling", "--child", side, "--urls", str(urls_file),
         "--control", farm.control_url, "--phases", ",".join(phases)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 pairs of 200 feeds")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--child", choices=("ours", "reader"), help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--phases", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.urls, args.control, args.phases.split(","))
        return 0
    pairs, feeds = (2, 200) if args.quick else (args.pairs, args.feeds)
    farm = Farm(feeds)
    runs: dict[str, list[dict]] = {"ours": [], "reader": []}
    slow: dict[str, list[dict]] = {"ours": [], "reader": []}
    try:
        with tempfile.TemporaryDirectory(prefix="bench-polling-") as tmp:
            for pair in range(pairs):
                order = ("ours", "reader") if pair % 2 == 0 else ("reader", "ours")
                for side in order:
                    runs[side].append(measure(side, farm, farm.urls,
                                              ["first", "unchanged", "changed"], 0.0, Path(tmp)))
                    slow[side].append(measure(side, farm, farm.urls[:LATENCY_FEEDS], ["first"],
                                              LATENCY, Path(tmp)))
                print(f"pair {pair + 1}/{pairs} done", file=sys.stderr, flush=True)
    finally:
        farm.close()
    print(report(runs, slow, feeds, pairs))
    return 0


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def report(runs: dict[str, list[dict]], slow: dict[str, list[dict]], feeds: int,
           pairs: int) -> str:
    lines = [f"Medians of {pairs} alternating pairs; {feeds} feeds x {ENTRIES} entries, "
             f"reader with {WORKERS} workers.", "",
             "| case | ours | reader | ours / reader |", "| --- | ---: | ---: | ---: |"]
    cases = [(f"{feeds:,} feeds, first poll", runs, "first"),
             (f"{feeds:,} feeds, nothing changed", runs, "unchanged"),
             (f"{feeds:,} feeds, {CHANGED:.0%} changed", runs, "changed"),
             (f"{LATENCY_FEEDS} feeds, {LATENCY * 1000:.0f} ms latency, first poll", slow,
              "first")]
    for label, rows, key in cases:
        ours, theirs = _median(rows["ours"], key), _median(rows["reader"], key)
        lines.append(f"| {label} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f}x |")
    ours, theirs = _median(runs["ours"], "peak_mb"), _median(runs["reader"], "peak_mb")
    lines.append(f"| peak memory, {feeds:,} feeds | {ours:.0f} MB | {theirs:.0f} MB | "
                 f"{ours / theirs:.2f}x |")
    lines.append("")
    lines.append(f"Ours before polling (imports, rules, matcher): "
                 f"{_median(runs['ours'], 'base_mb'):.0f} MB; reader before updating: "
                 f"{_median(runs['reader'], 'base_mb'):.0f} MB.")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
