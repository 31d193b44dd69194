"""Many sources polled at once, politely: what `poll` and the daemon share.

A poll mostly waits on the network, so sources are polled by a bounded pool of threads
(`fetch.workers`, default 16) and a slow server delays only its own source. Politeness is per
host, not per thread: every request of every poll takes its host's turn in one shared Pacer
(pacing.py), so two sources on one site never hit it at once and keep `host_delay` apart.

Each poll has its own Store and Fetcher: SQLite connections and requests sessions stay in the
thread that made them. Their writes take turns on the Store's per-file write lock, one short
transaction at a time (a feed's entries in one), so the pool never waits in SQLite's busy
handler and the one-article-whole-or-absent guarantee of every transaction still holds.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, zip_longest
from pathlib import Path

from . import logs
from .config import FetchSettings, Source
from .errors import FetchError
from .fetch import Fetcher, Origin
from .match import Matcher
from .pacing import Pacer
from .pipeline import Poller, PollResult
from .store import Store

log = logging.getLogger("monitor.engine")


class Engine:
    """Polls sources of one database with shared host turns."""

    def __init__(self, db_path: Path, stop: threading.Event | None = None):
        self.db_path = db_path
        self.stop = stop or threading.Event()
        self.pacer = Pacer()

    def poll(self, source: Source, matcher: Matcher, settings: FetchSettings) -> PollResult:
        """Poll one source in the calling thread (a daemon job, or a worker of `poll_all`).
        Never raises, as Poller.poll: a database that cannot even be opened fails the poll
        with its reason (and cannot record it)."""
        try:
            store = Store(self.db_path)
        except sqlite3.Error as exc:
            reason = f"database error: {exc}"
            logs.event(log, logging.ERROR, "poll.crashed", source=source.name, error=reason)
            return PollResult(source.name, ok=False, status=None, error=reason)
        with store:
            fetcher = Fetcher(settings, self.pacer)
            try:
                return Poller(store, fetcher, matcher, stop=self.stop).poll(source)
            finally:
                fetcher.close()

    def poll_all(self, sources: Sequence[Source], matcher: Matcher,
                 settings: FetchSettings) -> list[PollResult]:
        """Poll every source once, `settings.workers` at a time; results in the order given."""
        if not sources:
            return []
        order = interleaved(sources)
        with ThreadPoolExecutor(min(settings.workers, len(sources)),
                                thread_name_prefix="poll") as pool:
            results = dict(zip((id(s) for s in order),
                               pool.map(lambda s: self.poll(s, matcher, settings), order),
                               strict=True))
        return [results[id(s)] for s in sources]


def interleaved(sources: Sequence[Source]) -> list[Source]:
    """Sources ordered so that consecutive ones are on different hosts where possible: the
    pool takes them in this order, and ten sources of one site at the head of the list would
    otherwise hold ten workers waiting for that site's turn while other hosts sit idle."""
    by_host: dict[object, list[Source]] = {}
    for source in sources:
        try:
            host: object = Origin.of(source.url)
        except FetchError:  # its poll reports the bad URL; any place in the order will do
            host = source.url
        by_host.setdefault(host, []).append(source)
    rounds = zip_longest(*by_host.values())
    return [s for s in chain.from_iterable(rounds) if s is not None]
