"""The daemon: every enabled source polled on its own interval.

APScheduler runs one job per source with `max_instances=1` (never two polls of one source at
once), `coalesce=True` (a machine that slept through five runs polls once, not five times) and
jitter (sources with equal intervals do not all fire in the same second). SIGTERM and SIGINT
set a stop flag: polls in progress finish the article in hand, record the fetch and exit; no
new poll starts.
"""

from __future__ import annotations

import logging
import signal
import threading
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.events import EVENT_JOB_EXECUTED
from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import logs
from .alert.dispatch import Dispatcher
from .config import Config, Source
from .fetch import Fetcher
from .match import Matcher
from .pipeline import Poller
from .store import Store

log = logging.getLogger("monitor.scheduler")
MAX_PARALLEL_POLLS = 4
DELIVERY_STOP_TIMEOUT = 5.0
"""Seconds the delivery workers get to end on stop (sends in flight are cut at once)."""


def jitter_for(interval: int) -> int:
    """A tenth of the interval, at most a minute."""
    return max(0, min(interval // 10, 60))


class Daemon:
    def __init__(self, config: Config, db_path: Path):
        self.config = config
        self.db_path = db_path
        self.matcher = Matcher(config.rules)
        self.stop = threading.Event()
        self.scheduler = BackgroundScheduler(
            executors={"default": ThreadPoolExecutor(MAX_PARALLEL_POLLS)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )

    def _poll(self, source: Source) -> None:
        if self.stop.is_set():
            return
        # SQLite connections and requests sessions stay in the thread that made them.
        with Store(self.db_path) as store:
            fetcher = Fetcher(self.config.sources.fetch)
            try:
                Poller(store, fetcher, self.matcher, stop=self.stop).poll(source)
            finally:
                fetcher.close()

    def schedule(self) -> list[Source]:
        enabled = [s for s in self.config.sources.sources if s.enabled]
        start = datetime.now().astimezone()
        for index, source in enumerate(enabled):
            self.scheduler.add_job(
                self._poll, IntervalTrigger(seconds=source.interval,
                                            jitter=jitter_for(source.interval)),
                args=[source], id=source.name, name=source.name,
                # First polls right away, a second apart, rather than all at once.
                next_run_time=start + timedelta(seconds=index))
        return enabled

    def run(self) -> None:
        with Store(self.db_path) as store:
            store.sync_sources(self.config.sources.sources)
            store.sync_rules(self.config.rules)
        enabled = self.schedule()
        previous = {sig: signal.signal(sig, self._on_signal)
                    for sig in (signal.SIGTERM, signal.SIGINT)}
        logs.event(log, logging.INFO, "daemon.start", sources=len(enabled),
                   db=str(self.db_path))
        # Alert delivery has its own threads, one per target, never the polls' pool.
        dispatcher = Dispatcher(self.db_path, self.config.rules)
        dispatcher.start()
        self.scheduler.add_listener(lambda _event: dispatcher.wake(), EVENT_JOB_EXECUTED)
        self.scheduler.start()
        try:
            while not self.stop.wait(timeout=1.0):
                pass
        finally:
            dispatcher.stop(DELIVERY_STOP_TIMEOUT)
            self.scheduler.shutdown(wait=True)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logs.event(log, logging.INFO, "daemon.stop")

    def _on_signal(self, signum: int, _frame: object) -> None:
        logs.event(log, logging.INFO, "daemon.stopping", signal=signal.Signals(signum).name)
        self.stop.set()
