"""`make bench-polling`: our `poll` against `reader` (lemon24's feed library) on the same feeds,
our full-article poll against its floor, and the daemon's feed-to-webhook latency.

A loopback farm (farm.py) serves N feeds, each a site on its own port. Each side runs in a child
process of its own (sides.py; its peak resident size is its own), the two alternating within
one run, and the medians over the pairs are compared (report.py):

- ours against reader, feeds only: N feeds of 20 entries polled for the first time; again with
  nothing changed (all 304); again with a tenth of the feeds carrying one new entry; 100 feeds
  whose server answers after 100 ms, first poll. Peak memory of the first process, against
  reader's plus what our rules and matcher take (ours with the matcher built and its
  dictionaries loaded, less ours after the imports alone).
- ours reading alone: the first poll's feeds parsed and entries read (text, language, hits,
  story signature) in one thread with nothing fetched or stored, against reader's whole first
  poll: the least CPU our first poll needs, which bounds what any engine around it can reach.
- ours against the floor, full articles: 100 feeds of 10 entries whose links are news pages
  (articles.py) on the feed's own port, `fetch_article: true` and `host_delay: 0s` (the pause
  is politeness, not work: sides.py says why); the floor fetches, parses, extracts and inserts
  and nothing more. Time per article.
- the daemon alone (latency.py): when an entry naming an organisation appears in one of 50
  feeds polled every 30 s, when its immediate webhook alert arrives, against the poll that
  found it. Reader has no alerts.

Goals, from issue 9: faster than reader in every feed-only case, within 1.3x the floor per
full article, memory no more than reader's plus the matcher's tables, and an entry at its
webhook within the poll that finds it plus 1 s. Exits 1 when a goal fails. `--quick` (QUICK=1):
2 pairs of 200 feeds, 30 article feeds, and the daemon on 20 feeds every 5 s, 4 entries.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from . import latency
from .farm import ARTICLES, FEEDS, ROOT, Farm, Layout
from .report import Measured, report
from .sides import SIDES, child

SLOW = 0.1
SLOW_FEEDS = 100


@dataclass(frozen=True)
class Scale:
    pairs: int
    feeds: int
    article_feeds: int
    daemon_feeds: int
    interval: int
    """The daemon's, in seconds."""
    samples: int
    """Entries added for the daemon to find."""


QUICK = Scale(pairs=2, feeds=200, article_feeds=30, daemon_feeds=20, interval=5, samples=4)


def measure(side: str, farm: Farm, urls: list[str], phases: list[str], delay: float,
            layout: Layout, workdir: Path) -> dict:
    """One side in a child process on `urls`, the farm set to `layout`, answering after
    `delay` seconds."""
    farm.reset(delay, layout)
    urls_file = workdir / "urls.txt"
    urls_file.write_text("\n".join(urls), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "bench.polling", "--child", side, "--urls", str(urls_file),
         "--control", farm.control_url, "--phases", ",".join(phases)],
        cwd=ROOT, capture_output=True, text=True, timeout=1800, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{side} failed:\n{done.stderr[-3000:]}{done.stdout[-1000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="2 pairs of 200 feeds, 30 article feeds, a 5 s daemon")
    parser.add_argument("--pairs", type=int, default=5)
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--child", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--urls", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--control", help=argparse.SUPPRESS)
    parser.add_argument("--phases", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.urls, args.control, args.phases.split(","))
        return 0
    scale = QUICK if args.quick else Scale(pairs=args.pairs, feeds=args.feeds, article_feeds=100,
                                           daemon_feeds=50, interval=30, samples=8)
    feeds, article_feeds = scale.feeds, scale.article_feeds
    farm = Farm(max(feeds, article_feeds, scale.daemon_feeds, SLOW_FEEDS))
    farm.warm(article_feeds)
    sides = ("ours", "reader"), ("ours-articles", "floor")
    runs: dict[str, list[dict]] = {side: [] for pair in sides for side in pair}
    slow: dict[str, list[dict]] = {"ours": [], "reader": []}
    reading: list[dict] = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-polling-") as tmp:
            work = Path(tmp)
            for pair in range(scale.pairs):
                for first, second in sides:
                    for side in (first, second) if pair % 2 == 0 else (second, first):
                        if side in slow:
                            runs[side].append(measure(side, farm, farm.urls[:feeds],
                                                      ["first", "unchanged", "changed"], 0.0,
                                                      FEEDS, work))
                            slow[side].append(measure(side, farm, farm.urls[:SLOW_FEEDS],
                                                      ["first"], SLOW, FEEDS, work))
                            if side == "ours":
                                reading.append(measure("ours-reading", farm, farm.urls[:feeds],
                                                       [], 0.0, FEEDS, work))
                        else:
                            runs[side].append(measure(side, farm, farm.urls[:article_feeds],
                                                      ["articles"], 0.0, ARTICLES, work))
                print(f"pair {pair + 1}/{scale.pairs} done", file=sys.stderr, flush=True)
            delays = latency.measure(farm, scale.daemon_feeds, scale.interval, scale.samples,
                                     work)
    finally:
        farm.close()
    measured = Measured(feeds={s: runs[s] for s in ("ours", "reader")}, slow=slow,
                        pages={s: runs[s] for s in ("ours-articles", "floor")}, latency=delays,
                        reading=reading)
    table, passed = report(measured, feeds, article_feeds, SLOW_FEEDS, SLOW, scale.pairs)
    print(table)
    return 0 if passed else 1
