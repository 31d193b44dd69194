"""The daemon's alert delivery: one worker thread per configured target.

Why not a job in the scheduler's pool: polls and deliveries then wait for each other (four
slow sources filled the pool and no alert went out for 70 s), and one delivery cycle waited for
its slowest target before the next could start. Here each worker has its own SQLite
connection and HTTP session, claims and sends only its target's due rows, and sleeps until its
target's next due row, a wake-up (`wake()`, after a poll queued alerts), or at most
`IDLE_SECONDS` (rows queued by another process, such as `alerts retry`). A dead target's
worker waits for its retry time; the others go on.

`stop()` cuts every send in flight (watchdog.py): its rows are given back unsent and go out
next time, never lost.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from datetime import datetime
from pathlib import Path

from .. import logs
from ..config import RulesFile
from ..moments import parse_iso
from ..store import BUSY_TIMEOUT_MS, Outbox, Store
from .sender import Clock, Sender, now_utc, prepare, targets_of
from .watchdog import Watchdog

log = logging.getLogger("monitor.alert.dispatch")
IDLE_SECONDS = 5.0
"""The longest a worker sleeps without a wake-up: rows other processes queue go out within
this."""


class _Worker:
    def __init__(self, db_path: Path, rules: RulesFile, target: str, clock: Clock):
        self.db_path = db_path
        self.rules = rules
        self.target = target
        self.clock = clock
        self.watchdog = Watchdog()
        self.woken = threading.Event()
        self.thread = threading.Thread(target=self._run, name=f"deliver-{target}",
                                       daemon=True)

    def _run(self) -> None:
        while not self.watchdog.stopping:
            try:
                self._serve()
            except Exception as exc:  # a locked or full database: the rows stay queued
                logs.event(log, logging.ERROR, "alert.delivery_failed", target=self.target,
                           error=f"{type(exc).__name__}: {exc}")
                self.woken.wait(IDLE_SECONDS)
                self.woken.clear()

    def _serve(self) -> None:
        with (Store(self.db_path) as store,
              Sender(store, self.rules, self.target, clock=self.clock,
                     watchdog=self.watchdog) as sender):
            outbox = Outbox(store)
            resume_at: datetime | None = None
            while not self.watchdog.stopping:
                if resume_at is None or self.clock() >= resume_at:
                    resume_at = sender.deliver().resume_at
                self.woken.wait(self._sleep(outbox, resume_at))
                self.woken.clear()

    def _sleep(self, outbox: Outbox, resume_at: datetime | None) -> float:
        """Seconds until the target's next due row (not before `resume_at`), at most
        IDLE_SECONDS."""
        due = outbox.next_due(self.target)
        moments = [parse_iso(due)] if due else []
        if resume_at is not None:
            moments = [max([resume_at, *moments])]
        if not moments:
            return IDLE_SECONDS
        seconds = (moments[0] - self.clock()).total_seconds()
        return min(max(seconds, 0.0), IDLE_SECONDS)


class Dispatcher:
    """Delivers the outbox for the daemon: `start()`, `wake()` after alerts were queued,
    `stop(timeout)`."""

    def __init__(self, db_path: Path, rules: RulesFile, clock: Clock = now_utc):
        self.db_path = db_path
        self.rules = rules
        self.clock = clock
        self.workers = [_Worker(db_path, rules, name, clock) for name in targets_of(rules)]

    def start(self, busy_timeout_ms: int = BUSY_TIMEOUT_MS) -> None:
        """Start the workers, after mapping old rows to target names (`prepare`). A locked
        or full database skips that step, logged, rather than delay or stop the start: it is
        done again at the next start."""
        try:
            with Store(self.db_path, busy_timeout_ms=busy_timeout_ms) as store:
                prepare(store, self.rules, self.clock())
        except sqlite3.Error as exc:
            logs.event(log, logging.WARNING, "delivery.prepare_failed", error=str(exc))
        for worker in self.workers:
            worker.thread.start()
        logs.event(log, logging.INFO, "delivery.start", targets=len(self.workers))

    def wake(self) -> None:
        """Look at the outbox now (a poll has just queued alerts)."""
        for worker in self.workers:
            worker.woken.set()

    def stop(self, timeout: float = 5.0) -> bool:
        """Stop every worker, cutting the sends in flight; True if all ended within
        `timeout` seconds."""
        for worker in self.workers:
            worker.watchdog.stop()
            worker.woken.set()
        end = time.monotonic() + timeout
        for worker in self.workers:
            if worker.thread.is_alive():
                worker.thread.join(max(0.0, end - time.monotonic()))
        alive = [w.target for w in self.workers if w.thread.is_alive()]
        logs.event(log, logging.INFO if not alive else logging.WARNING, "delivery.stop",
                   still_running=",".join(alive) or None)
        return not alive
