"""The table `make bench-polling` prints: medians, ratios and each case's goal from issue 9."""

from __future__ import annotations

import os
import statistics
from dataclasses import dataclass

from .farm import ARTICLES, FEEDS
from .latency import Latency
from .sides import CHANGED, WORKERS

ARTICLE_GOAL = 1.3
"""Ours per full article at most this many times the floor's."""
AFTER_POLL_GOAL = 1.0
"""Seconds from the poll that finds an entry to its webhook, at most."""


@dataclass
class Measured:
    """Every child's numbers, per side: `feeds` the feed-only process (first, unchanged,
    changed), `slow` the latency-bound one, `pages` the full-article one."""

    feeds: dict[str, list[dict]]
    slow: dict[str, list[dict]]
    pages: dict[str, list[dict]]
    latency: Latency
    reading: list[dict]
    """The `ours-reading` child's, one per pair."""


def _median(rows: list[dict], key: str) -> float:
    return statistics.median(row[key] for row in rows)


def _verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _seconds(value: float | None) -> str:
    return "none" if value is None else f"{value:.2f} s"


def report(measured: Measured, feeds: int, article_feeds: int, slow_feeds: int, delay: float,
           pairs: int) -> tuple[str, bool]:
    """The table and the notes under it; and whether every goal passed."""
    runs, slow, pages = measured.feeds, measured.slow, measured.pages
    lines = [f"Medians of {pairs} alternating pairs; {feeds} feeds x {FEEDS.entries} entries, "
             f"reader with {WORKERS} workers.", "",
             "| case | ours | reader or floor | ratio | goal |",
             "| --- | ---: | ---: | ---: | --- |"]
    passed = True
    cases = [(f"{feeds:,} feeds, first poll", runs, "first"),
             (f"{feeds:,} feeds, nothing changed", runs, "unchanged"),
             (f"{feeds:,} feeds, {CHANGED:.0%} changed", runs, "changed"),
             (f"{slow_feeds} feeds, {delay * 1000:.0f} ms latency, first poll", slow, "first")]
    for label, rows, key in cases:
        ours, theirs = _median(rows["ours"], key), _median(rows["reader"], key)
        passed &= ours < theirs
        lines.append(f"| {label} | {ours:.2f} s | {theirs:.2f} s | {ours / theirs:.2f}x | "
                     f"< reader: {_verdict(ours < theirs)} |")

    alone, theirs = (statistics.median(r["reading"] for r in measured.reading),
                     _median(runs["reader"], "first"))
    cores = os.cpu_count() or 1
    lines.append(f"| {feeds:,} feeds, ours reading alone (one thread, no fetching or storing) "
                 f"| {alone:.2f} s | {theirs:.2f} s | {alone / theirs:.2f}x | - (the least "
                 f"CPU of our first poll: {alone / cores:.2f} s on each of {cores} cores at "
                 "best) |")

    def per_article(rows: list[dict]) -> float:
        return statistics.median(row["articles"] * 1000 / row["count"] for row in rows)

    ours, floor = per_article(pages["ours-articles"]), per_article(pages["floor"])
    ok = ours <= ARTICLE_GOAL * floor
    passed &= ok
    lines.append(f"| {article_feeds} feeds x {ARTICLES.entries} full articles, per article | "
                 f"{ours:.1f} ms | {floor:.1f} ms (floor) | {ours / floor:.2f}x | "
                 f"<= {ARTICLE_GOAL}x floor: {_verdict(ok)} |")

    ours, theirs = _median(runs["ours"], "peak_mb"), _median(runs["reader"], "peak_mb")
    matcher = statistics.median(row["base_mb"] - row["import_mb"] for row in runs["ours"])
    ok = ours <= theirs + matcher
    passed &= ok
    lines.append(f"| peak memory, {feeds:,} feeds | {ours:.0f} MB | {theirs:.0f} MB | "
                 f"{ours / theirs:.2f}x | <= reader + matcher ({matcher:.0f} MB): "
                 f"{_verdict(ok)} |")

    found = measured.latency
    after = [s.after_poll for s in found.samples]
    latencies = [s.latency for s in found.samples if s.latency is not None]
    ok = bool(after) and all(a is not None and a <= AFTER_POLL_GOAL for a in after)
    passed &= ok
    shown = (f"median {statistics.median(latencies):.1f} s, max {max(latencies):.1f} s"
             if latencies else "no alert arrived")
    worst = max((a for a in after if a is not None), default=None)
    lines.append(f"| feed entry to webhook, {found.feeds} feeds, {found.interval} s interval, "
                 f"daemon | {shown} | - | - | <= poll + {AFTER_POLL_GOAL:g} s: {_verdict(ok)} "
                 f"(worst poll + {_seconds(worst)}) |")

    lines += ["", f"Ours before polling: {_median(runs['ours'], 'import_mb'):.0f} MB after "
              f"the imports, {_median(runs['ours'], 'base_mb'):.0f} MB with rules and matcher; "
              f"reader before updating: {_median(runs['reader'], 'base_mb'):.0f} MB.", "",
              f"Feed entry to webhook, {len(found.samples)} entries added at random moments "
              "(seconds after the entry was first served):", "",
              "| sample | feed | poll that found it | webhook | webhook - poll |",
              "| ---: | ---: | ---: | ---: | ---: |"]
    for number, sample in enumerate(found.samples, 1):
        polled = None if sample.polled is None else sample.polled - sample.added
        lines.append(f"| {number} | {sample.feed} | {_seconds(polled)} | "
                     f"{_seconds(sample.latency)} | {_seconds(sample.after_poll)} |")
    return "\n".join(lines), passed
