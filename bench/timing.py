"""The one timing rule of the benches: the best of several runs. Kept apart from any bench
(standard library only), so that `bench.matcher` can time an older `monitor` in a child
process without importing this checkout's first."""

from __future__ import annotations

import time
from collections.abc import Callable


def best_time(run: Callable[[], object], repeats: int) -> float:
    """Seconds of the fastest of `repeats` calls of `run`: on a shared machine everything
    slower than it is someone else's noise."""
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best
