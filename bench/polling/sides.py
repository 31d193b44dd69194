"""What runs in each child process of `make bench-polling`, one side per process.

ours:           `poll`'s own code (`cli._poll`: matcher built from rules.yaml, the engine, logs
                written as `poll` writes them) on a temporary sources.yaml and database, feeds
                only (`fetch_article: false`).
ours-reading:   the CPU half of ours alone: the same feeds parsed and their entries read
                (monitor.reading) in one thread, nothing fetched or stored while timed.
reader:         `make_reader` on a temporary database, every feed added, `update_feeds(workers=
                16, scheduled=False)` (reader parses but matches nothing).
ours-articles:  the same `poll`, `fetch_article: true`: each feed, robots.txt, then every page,
                extracted, matched, grouped into stories and stored.
floor:          the least any poller of full articles does: per feed (16 threads, as our
                workers) fetch with a requests Session, feedparser.parse, then per entry fetch
                the page and trafilatura.extract it with the options monitor/extract.py uses,
                and insert the texts into a plain SQLite table, one transaction per feed.

Every side is timed from its first request to its last write; what a process does before it
(imports, reading rules, building the matcher) is not timed. The feed-only first poll still
pays what `poll` imports on first use, as a user's `poll` does; the full-article sides import
trafilatura (and ours rensa) first, as the daemon pays them once in its life and the case
compares the cost of an article. Each child prints one JSON line: the seconds of each phase
and its peak resident size.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import urlopen

import yaml

from .farm import ARTICLES, FEED_LANGUAGE, FEEDS, ROOT, SENTENCES

WORKERS = 16
CHANGED = 0.1
HOST_DELAY = "0s"
"""The article sources' `host_delay`. Our per-host pause (default 1 s) is politeness towards a
publisher, not work: a feed and its ten pages would wait ten seconds whatever the code costs,
and the floor waits for nothing. Each feed with its pages is one host here, so with the pause
the case would time the sleeps."""


def _peak_mb() -> float:
    """This process's peak resident size so far. VmHWM, not getrusage's ru_maxrss: that one
    survives exec, so a child started by a bench process holding a thousand servers began at
    the parent's 103 MB, whatever it then used."""
    return _status_mb(Path("/proc/self/status"), "VmHWM:")


def _status_mb(status: Path, field: str) -> float:
    try:
        for line in status.read_text().splitlines():
            if line.startswith(field):
                return int(line.split()[1]) / 1024
    except OSError:  # the process ended meanwhile
        pass
    return 0.0


class _FamilyPeak:
    """The peak of this process's and its descendants' resident sizes together, sampled every
    50 ms: our poll's worker processes (children of the forkserver, a child of ours) are memory
    the poll uses too, and end before the poll returns."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _sample(self) -> None:
        while not self._stop.wait(0.05):
            self.peak = max(self.peak, sum(_status_mb(Path(f"/proc/{pid}/status"), "VmRSS:")
                                           for pid in _family(os.getpid())))

    def stop(self) -> float:
        self._stop.set()
        self._thread.join()
        return self.peak


def _family(root: int) -> list[int]:
    """`root` and every process descending from it (by each thread's /proc children list)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        for children in Path(f"/proc/{pid}/task").glob("*/children"):
            try:
                todo += [int(child) for child in children.read_text().split()]
            except OSError:  # ended meanwhile
                pass
    return found


def _before(phase: str, control: str) -> None:
    if phase == "changed":
        urlopen(f"{control}/change?fraction={CHANGED}", timeout=10).close()


def _our_config(urls: list[str], workdir: Path, **fields: object):
    """The config `poll` loads for a sources.yaml of `urls` with `fields`."""
    from monitor.config import load

    sources = workdir / "sources.yaml"
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": f"feed{i}", "url": url, "interval": "15m", **fields}
        for i, url in enumerate(urls)]}), encoding="utf-8")
    return load(sources, ROOT / "rules.yaml")


def _our_store(urls: list[str], workdir: Path, **fields: object):
    """The config, store and matcher `poll` makes, for a sources.yaml of `urls` with `fields`;
    with the peak resident size after the imports alone and after the matcher has read the
    farm's sentences as a poll reads them (in the feeds' declared language). That difference
    is the allowance of the memory goal ("reader's plus the matcher's tables"): the rules'
    tables and what the matcher loads on its first texts (pymorphy3's Russian dictionary,
    the number reader's scans), which any poll that reads loads too. Not the language model:
    the feeds declare their language, so a poll never loads it (it would add 80 MB)."""
    from monitor import cli, engine, logs  # noqa: F401 (engine: every stage a poll imports)
    from monitor.match import Matcher

    import_mb = _peak_mb()
    config = _our_config(urls, workdir, **fields)
    logs.setup("info")  # as `poll` logs (stderr goes nowhere)
    store = cli._open_store(workdir / "monitor.db", config)
    matcher = Matcher(config.rules)  # word forms cached as after any earlier run
    for text in SENTENCES:
        matcher.analyse(text, FEED_LANGUAGE)
    return config, store, {"import_mb": import_mb, "base_mb": _peak_mb()}


def _our_poll(store, config) -> float:
    from monitor import cli

    started = time.perf_counter()
    results = cli._poll(store, config, config.sources.sources)
    took = time.perf_counter() - started
    failed = [r for r in results if not r.ok or r.failed]
    if failed:
        raise SystemExit(f"ours: {len(failed)} polls failed, e.g. {failed[0]}")
    return took


def ours(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    config, store, times = _our_store(urls, workdir, fetch_article=False)
    for phase in phases:
        _before(phase, control)
        times[phase] = _our_poll(store, config)
    store.close()
    return times


def ours_reading(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    """Our first poll's reading alone, in one thread: every feed parsed and every entry read
    (text, language, hits, alerts, story signature) by `monitor.reading`, as a poll thread
    reads them, with nothing fetched or stored meanwhile (the feeds are fetched first, not
    timed). What a poll cannot do in less CPU time, whatever its fetching and storing."""
    from monitor.match import Matcher
    from monitor.parse import parse_feed
    from monitor.reading import Gathered, identify, read_all

    config = _our_config(urls, workdir, fetch_article=False)
    matcher = Matcher(config.rules)
    bodies = []
    for url in urls:
        with urlopen(url, timeout=30) as response:
            bodies.append((url, response.read(), response.headers.get("Content-Type")))
    started = time.perf_counter()
    read = 0
    for source, (url, body, content_type) in zip(config.sources.sources, bodies, strict=True):
        feed = parse_feed(body, url, content_type)
        items = []
        for entry in feed.entries:
            summary, key = identify(entry)
            items.append(Gathered(entry, key, "", summary, None, 0))
        read += len(read_all(source, items, feed.language, matcher))
    if read != len(urls) * FEEDS.entries:
        raise SystemExit(f"ours-reading: {read} entries read of {len(urls) * FEEDS.entries}")
    return {"reading": time.perf_counter() - started}


def reader(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    from reader import make_reader

    feeds = make_reader(str(workdir / "reader.sqlite"))
    for url in urls:
        feeds.add_feed(url)
    times = {"base_mb": _peak_mb()}
    for phase in phases:
        _before(phase, control)
        started = time.perf_counter()
        feeds.update_feeds(workers=WORKERS, scheduled=False)
        times[phase] = time.perf_counter() - started
    if feeds.get_entry_counts().total != len(urls) * FEEDS.entries + (
            len(range(0, len(urls), round(1 / CHANGED))) if "changed" in phases else 0):
        raise SystemExit("reader: not every entry was stored")
    feeds.close()
    return times


def ours_articles(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    # Imported once per process, as the floor imports its own before timing: trafilatura,
    # and rensa, which the first story signature would import.
    import rensa  # noqa: F401
    import trafilatura  # noqa: F401

    config, store, times = _our_store(urls, workdir, fetch_article=True, host_delay=HOST_DELAY)
    times["articles"] = _our_poll(store, config)
    store.close()
    conn = sqlite3.connect(workdir / "monitor.db")
    pages = conn.execute("select count(*) from articles where extracted_from = 'page'")
    times["count"] = pages.fetchone()[0]
    conn.close()
    _all_read("ours", times["count"], len(urls))
    return times


def floor(urls: list[str], workdir: Path, control: str, phases: list[str]) -> dict:
    import feedparser
    import requests
    import trafilatura

    conn = sqlite3.connect(workdir / "floor.sqlite", check_same_thread=False,
                           isolation_level=None)
    conn.execute("pragma journal_mode = wal")  # as our store, so both write alike
    conn.execute("pragma synchronous = normal")
    conn.execute("create table articles (url text primary key, title text, text text)")
    write = threading.Lock()
    local = threading.local()
    times = {"base_mb": _peak_mb()}

    def one(url: str) -> int:
        session = getattr(local, "session", None)
        if session is None:
            session = local.session = requests.Session()
        parsed = feedparser.parse(session.get(url, timeout=30).content)
        rows = []
        for entry in parsed.entries:
            page = session.get(entry.link, timeout=30)
            text = trafilatura.extract(page.content, url=entry.link, with_metadata=False,
                                       fast=True, include_comments=False, include_tables=True)
            rows.append((entry.link, entry.title, text))
        with write:
            conn.execute("begin")
            conn.executemany("insert into articles values (?, ?, ?)", rows)
            conn.execute("commit")
        return len(rows)

    started = time.perf_counter()
    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(one, urls))
    times["articles"] = time.perf_counter() - started
    times["count"] = conn.execute("select count(*) from articles where text != ''").fetchone()[0]
    conn.close()
    _all_read("floor", times["count"], len(urls))
    return times


def _all_read(side: str, count: int, feeds: int) -> None:
    if count != feeds * ARTICLES.entries:
        raise SystemExit(f"{side}: {count} pages read of {feeds * ARTICLES.entries}")


SIDES: dict[str, Callable[[list[str], Path, str, list[str]], dict]] = {
    "ours": ours, "reader": reader, "ours-reading": ours_reading,
    "ours-articles": ours_articles, "floor": floor}


def child(side: str, urls_file: Path, control: str, phases: list[str]) -> None:
    urls = urls_file.read_text(encoding="utf-8").split()
    family = _FamilyPeak()
    with tempfile.TemporaryDirectory(prefix=f"bench-{side}-") as tmp:
        times = SIDES[side](urls, Path(tmp), control, phases)
    times["peak_mb"] = max(_peak_mb(), family.stop())
    print(json.dumps(times))
