"""Many sources polled at once, politely: what `poll` and the daemon share.

A poll mostly waits on the network, so sources are polled by a bounded pool of threads
(`fetch.workers`, default 16) and a slow server delays only its own source. Politeness is per
host, not per thread: every request of every poll takes its host's turn in one shared Pacer
(pacing.py), so two sources on one site never hit it at once and keep `host_delay` apart.

Each poll thread has its own Store and Fetcher, kept from one poll to the next: a SQLite
connection or a requests session is used by one thread only. Their writes take turns on the
Store's per-file write lock, one short transaction at a time (a feed's entries in one), so the
pool never waits in SQLite's busy handler and every transaction still leaves each article
whole or absent.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import chain, zip_longest
from pathlib import Path
from typing import TypeVar

from . import logs
from .config import FetchSettings, Source
from .errors import FetchError
from .fetch import Fetcher, Origin
from .match import Matcher
from .pacing import Pacer
from .pipeline import Poller, PollResult
from .reading import Readers
from .robots import RobotsCache
from .store import Store

log = logging.getLogger("monitor.engine")
_Part = TypeVar("_Part", Store, Fetcher)

POLL_CACHE_KIB = 256
"""Page cache of each poll thread's connection. A poll's transactions touch a few pages, read
again from the operating system's cache when they are not in ours; SQLite's default 2 MiB a
connection made sixteen poll threads a third of the process's memory (143 MB against 114 MB
on 200 feeds, in the same time)."""



class Engine:
    """Polls sources of one database with shared host turns."""

    def __init__(self, db_path: Path, stop: threading.Event | None = None,
                 on_queued: Callable[[], None] | None = None, processes: int = 0):
        """`on_queued`: called when a poll's committed transaction queued alerts (the
        daemon wakes its delivery with it; see Store). `processes`: worker processes that
        read entries (`fetch.processes`), 0 for none."""
        self.db_path = db_path
        self.processes = processes
        self._readers: Readers | None = None
        self._readers_lock = threading.Lock()
        self.stop = stop or threading.Event()
        self.on_queued = on_queued
        self.pacer = Pacer()
        self.robots = RobotsCache()
        """robots.txt of the sites article pages are on, shared by every poll."""
        self._local = threading.local()
        self._opened: list[Store | Fetcher] = []
        self._opened_lock = threading.Lock()

    def poll(self, source: Source, matcher: Matcher, settings: FetchSettings) -> PollResult:
        """Poll one source in the calling thread (a daemon job, or a worker of `poll_all`).
        Never raises, as Poller.poll: a database that cannot even be opened fails the poll
        with its reason (and cannot record it)."""
        try:
            store, fetcher = self._parts(settings)
        except sqlite3.Error as exc:
            reason = f"database error: {exc}"
            logs.event(log, logging.ERROR, "poll.crashed", source=source.name, error=reason)
            return PollResult(source.name, ok=False, status=None, error=reason)
        return Poller(store, fetcher, matcher, stop=self.stop, robots=self.robots,
                      readers=self._readers_for(matcher)).poll(source)

    def _readers_for(self, matcher: Matcher) -> Readers:
        """The readers of `matcher`, shared by every poll thread; a reload's new matcher gets
        new ones (the old workers finish what they read, then stop)."""
        with self._readers_lock:
            old = self._readers
            if old is not None and old.matcher is matcher:
                return old
            self._readers = Readers(matcher, self.processes)
            new = self._readers
        if old is not None:
            old.close()
        return new

    def _parts(self, settings: FetchSettings) -> tuple[Store, Fetcher]:
        """This thread's store and fetcher, made on its first poll and kept for the next:
        opening a connection reads the whole schema (about 2 ms, a second of a thousand
        polls), and a kept session reuses its connections. New settings (a reload) make a new
        fetcher."""
        local = self._local
        if getattr(local, "store", None) is None:
            local.store = self._keep(Store(self.db_path, any_thread=True,
                                           on_queued=self.on_queued, cache_kib=POLL_CACHE_KIB))
        old = getattr(local, "fetcher", None)
        if old is None or old.settings != settings:
            if old is not None:
                self._drop(old)
            local.fetcher = self._keep(Fetcher(settings, self.pacer))
        return local.store, local.fetcher

    def _keep(self, part: _Part) -> _Part:
        with self._opened_lock:
            self._opened.append(part)
        return part

    def _drop(self, part: Store | Fetcher) -> None:
        with self._opened_lock:
            self._opened.remove(part)
        part.close()

    def close(self) -> None:
        """Close every store and fetcher the polls opened, and stop the worker processes;
        only once no poll runs."""
        with self._opened_lock:
            opened, self._opened = self._opened, []
        for part in opened:
            part.close()
        with self._readers_lock:
            readers, self._readers = self._readers, None
        if readers is not None:
            readers.close()

    def poll_all(self, sources: Sequence[Source], matcher: Matcher,
                 settings: FetchSettings) -> list[PollResult]:
        """Poll every source once, `settings.workers` at a time; results in the order given."""
        if not sources:
            return []
        order = interleaved(sources)
        try:
            with ThreadPoolExecutor(min(settings.workers, len(sources)),
                                    thread_name_prefix="poll") as pool:
                results = dict(zip((id(s) for s in order),
                                   pool.map(lambda s: self.poll(s, matcher, settings), order),
                                   strict=True))
        finally:
            self.close()
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
