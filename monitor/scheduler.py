"""The daemon: every enabled source polled on its own interval.

APScheduler runs one job per source with `max_instances=1` (never two polls of one source at
once), `coalesce=True` (a machine that slept through five runs polls once, not five times) and
jitter (sources with equal intervals do not all fire in the same second). A poll that
leaves its source waiting longer than the interval (backing off, or its server's Retry-After
or max-age) moves that source's next run; the runs after it follow the interval again. A
restarted daemon reads the stored wait and keeps to it.

Signals, handled in the main thread (the handlers only set flags):
- SIGTERM and SIGINT: no new poll starts, polls in progress stop after the article in hand,
  and the process exits within SHUTDOWN_GRACE seconds whatever is still running (a fetch that
  may wait out its 30 s deadline, a long parse, a delivery). Ending it by force is safe
  because every article is saved in one transaction and a source's validators only after its
  whole feed: a poll cut short is redone next time, nothing half-written is left (the crash
  test kills `run` at random and checks exactly this). Aborting each stage cooperatively
  instead would need a hook in every blocking call, including CPU-bound ones that have none.
- SIGHUP: reload sources.yaml and rules.yaml. The new files are validated first; an invalid
  one is logged (`file:line` per problem) and the running configuration kept. New matching
  rules apply to new and changed articles; the daemon logs how many stored articles were
  matched with other rules (`daemon.rules_changed`, at start too), for `rematch`.

Alert delivery runs beside the polls, never in their pool: a `Dispatcher` with one worker
thread per target (alert/dispatch.py), woken the moment a poll's transaction queues an alert
(the store's `on_queued`), not when the poll ends: the rest of a long poll delays no alert.

The daemon records itself in the `daemon` table (pid, host, start, heartbeat) so `status`
can tell whether one is running and a second `run` on the same database refuses to start.

With `metrics` (`run --metrics-port`) it serves Prometheus metrics and `/healthz`
(monitor/metrics.py, imported only then): each poll's result and duration are counted as the
poll returns them.
Under systemd it also says when it is ready, pings the watchdog from its main loop and says
when it stops (notify.py).
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import socket
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from . import logs
from .alert.dispatch import Dispatcher
from .alert.sender import targets_of
from .config import Config, RulesFile, Source, load
from .engine import Engine
from .errors import ConfigError, DaemonRunning
from .match import Matcher
from .moments import iso, parse_iso
from .notify import Notifier
from .store import Outbox, Store, utcnow

if TYPE_CHECKING:
    from .metrics import MetricsServer

log = logging.getLogger("monitor.scheduler")
SHUTDOWN_GRACE = 3.0
"""Seconds polls in hand get to finish after SIGTERM before the process exits anyway."""
DELIVERY_STOP_TIMEOUT = 2.0
"""Seconds the delivery workers get to end on stop or reload (sends in flight are cut at once
and their rows given back unsent)."""
HEARTBEAT_INTERVAL = 5.0
"""Seconds between two refreshes of the heartbeat in the `daemon` table."""
STALE_AFTER = 30
"""A heartbeat older than this (six missed beats) means the daemon that wrote it is gone or
hung: another may take the database over."""
MAIN_THREAD_BUSY_MS = 2000
"""The main thread (heartbeat, applying a reload) waits at most this long for a busy
database, so a long write elsewhere never holds signal handling for the store's 30 s."""


def jitter_for(interval: int) -> int:
    """A tenth of the interval, at most a minute."""
    return max(0, min(interval // 10, 60))


def _trigger(source: Source) -> IntervalTrigger:
    return IntervalTrigger(seconds=source.interval, jitter=jitter_for(source.interval))


def _delivery_rules(rules: RulesFile) -> tuple:
    """What delivery depends on: a reload that changes none of it keeps the workers."""
    return (rules.alerts, rules.smtp, rules.health, rules.delivery)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, owned by another user
        return True
    return True


@dataclass(frozen=True)
class DaemonRecord:
    """The `daemon` table's row: which process runs the daemon on this database."""

    pid: int
    host: str
    started: str
    heartbeat: str

    def age(self) -> float:
        """Seconds since the last heartbeat."""
        return (datetime.now(UTC) - parse_iso(self.heartbeat)).total_seconds()

    def alive(self) -> bool:
        """Live: a recent heartbeat, and on this host a process that still exists (a daemon
        killed with SIGKILL leaves its row behind; its pid tells at once that it is gone)."""
        if self.age() > STALE_AFTER:
            return False
        return self.host != socket.gethostname() or _pid_alive(self.pid)


def daemon_record(store: Store) -> DaemonRecord | None:
    row = store.conn.execute("SELECT pid, host, started, heartbeat FROM daemon "
                             "WHERE id = 1").fetchone()
    return DaemonRecord(**dict(row)) if row else None


class Registration:
    """This process's claim on the database, held in the `daemon` table's single row.

    It has its own connection with a short busy timeout: the heartbeat runs in the main thread,
    which must stay free to handle signals."""

    def __init__(self, db_path: Path):
        self.db_path = db_path
        self.pid = os.getpid()
        self.host = socket.gethostname()
        self.started = utcnow()
        self.store = Store(db_path, busy_timeout_ms=MAIN_THREAD_BUSY_MS)

    def claim(self) -> None:
        """Take the row, unless a live daemon holds it (raises DaemonRunning)."""
        with self.store.transaction():
            holder = daemon_record(self.store)
            if holder is not None and (holder.pid, holder.host) != (self.pid, self.host):
                if holder.alive():
                    raise DaemonRunning(self.db_path, holder.pid, holder.host, holder.started,
                                        holder.heartbeat)
                logs.event(log, logging.WARNING, "daemon.took_over", pid=holder.pid,
                           host=holder.host, heartbeat=holder.heartbeat)
            self.store.conn.execute(
                "INSERT OR REPLACE INTO daemon (id, pid, host, started, heartbeat) "
                "VALUES (1, ?, ?, ?, ?)", (self.pid, self.host, self.started, utcnow()))

    def beat(self) -> None:
        """Refresh the heartbeat. A row that is no longer ours (a user deleted it, or another
        daemon took it over while this one was stopped for longer than STALE_AFTER) is
        claimed again, which raises DaemonRunning if the other daemon is live."""
        try:
            updated = self.store.conn.execute(
                "UPDATE daemon SET heartbeat = ? WHERE id = 1 AND pid = ? AND host = ?",
                (utcnow(), self.pid, self.host)).rowcount
            if not updated:
                self.claim()
        except sqlite3.Error as exc:  # busy or full: the next beat tries again
            logs.event(log, logging.WARNING, "daemon.heartbeat_failed", error=str(exc))

    def release(self) -> None:
        try:
            with self.store.transaction() as conn:
                conn.execute("DELETE FROM daemon WHERE id = 1 AND pid = ? AND host = ?",
                             (self.pid, self.host))
        except sqlite3.Error as exc:  # the row goes stale and is taken over
            logs.event(log, logging.WARNING, "daemon.release_failed", error=str(exc))
        finally:
            self.store.close()


def _rules_notice(store: Store, matcher: Matcher, when: str) -> None:
    """Say when stored hits were found with other rules than the daemon's: its polls match
    only new and changed articles, so the others keep their old hits until `rematch`."""
    otherwise = store.matched_otherwise(matcher.rules_hash)
    if otherwise:
        logs.event(log, logging.WARNING, "daemon.rules_changed", on=when, articles=otherwise,
                   rules_hash=matcher.rules_hash,
                   hint="their hits predate the current rules: run `technopark-monitor rematch`")


class Daemon:
    def __init__(self, config: Config, db_path: Path,
                 metrics: tuple[str, int] | None = None):
        """`metrics`: the host and port to serve metrics and /healthz on, or None for none."""
        self.config = config
        self.db_path = db_path
        self.metrics_address = metrics
        self.metrics: MetricsServer | None = None
        self.matcher = Matcher(config.rules)
        self.stop = threading.Event()
        self.engine = Engine(db_path, self.stop, on_queued=self._alerts_queued,
                             processes=config.sources.fetch.processes)
        """Shared by every poll, so requests to one host take turns across sources. Its
        worker processes, like the poll threads, are sized at start (a reload keeps them)."""
        self._wake = threading.Event()
        """Set by a signal handler: the main loop has something to do now."""
        self._reload_requested = False
        self._loading: threading.Thread | None = None
        self._loaded: queue.SimpleQueue[tuple[Config, Matcher] | None] = queue.SimpleQueue()
        """What a reload's loader thread read: the new configuration, or None if invalid."""
        self._running: set[str] = set()
        """Sources being polled, so a stop waits for them (at most SHUTDOWN_GRACE)."""
        self._idle = threading.Condition()
        self.notifier = Notifier()
        """systemd's readiness and watchdog notifications; does nothing outside systemd."""
        self.dispatcher: Dispatcher | None = None
        """Alert delivery, started by `run` and replaced when a reload changes the targets."""
        self.scheduler = BackgroundScheduler(
            # Poll threads: `fetch.workers`, read at start (a reload keeps the pool). With more
            # sources than workers all hanging at once, `fetch.poll_budget` bounds how long
            # the others wait.
            executors={"default": ThreadPoolExecutor(config.sources.fetch.workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
            timezone="UTC",
        )

    def _poll(self, name: str) -> None:
        # Looked up at each run, so a reload's new URL or fetch settings apply to the next poll.
        source = next((s for s in self.config.sources.sources if s.name == name), None)
        if self.stop.is_set() or source is None:
            return
        with self._idle:
            self._running.add(name)
        try:
            started = time.monotonic()
            result = self.engine.poll(source, self.matcher, self.config.sources.fetch)
            if self.metrics is not None:
                self.metrics.polls.observe(result, time.monotonic() - started)
            if result.delay_reason and result.next_poll:
                self._delay(name, parse_iso(result.next_poll), result.delay_reason)
        finally:
            with self._idle:
                self._running.discard(name)
                self._idle.notify_all()

    def _delay(self, name: str, until: datetime, reason: str) -> None:
        """Move the source's next run to `until` if it is later: the source is backing off,
        or its server asked us to wait. The runs after it follow the interval again."""
        try:
            job = self.scheduler.get_job(name)
            if job is not None and job.next_run_time is not None and job.next_run_time < until:
                self.scheduler.modify_job(name, next_run_time=until)
                logs.event(log, logging.INFO, "daemon.delayed", source=name,
                           until=iso(until), reason=reason)
        except JobLookupError:  # removed by a reload meanwhile
            pass

    def _add_job(self, source: Source, first_run: datetime) -> None:
        self.scheduler.add_job(self._poll, _trigger(source), args=[source.name], id=source.name,
                               name=source.name, next_run_time=first_run)

    def schedule(self, delayed: dict[str, tuple[datetime, str]] | None = None) -> list[Source]:
        """One job per enabled source. `delayed`: sources that must not be polled before a
        time (a back-off or a server's wait, stored by an earlier run), and why."""
        enabled = [s for s in self.config.sources.sources if s.enabled]
        start = datetime.now().astimezone()
        for source in enabled:
            # Every first poll at once (unless a stored wait says later): the pool bounds how
            # many run together, the host turns keep them polite, and the triggers' jitter
            # spreads the later ones.
            until, reason = (delayed or {}).get(source.name, (start, None))
            if until > start:
                logs.event(log, logging.INFO, "daemon.delayed", source=source.name,
                           until=iso(until), reason=reason)
            self._add_job(source, max(start, until))
        return enabled

    def run(self) -> None:
        """Run until SIGTERM or SIGINT. Returns within SHUTDOWN_GRACE seconds of the signal,
        possibly with polls still running in worker threads: the caller ends the process."""
        registration = Registration(self.db_path)
        registration.claim()
        try:
            if self.metrics_address is not None:  # before anything starts: a taken port stops
                from .metrics import MetricsServer  # prometheus_client: only when asked for

                self.metrics = MetricsServer(*self.metrics_address, self.db_path,
                                             self.scheduling, self.polled_sources)
            with Store(self.db_path) as store:
                store.sync_sources(self.config.sources.sources)
                store.sync_rules(self.config.rules)
                delayed = store.delayed_sources()
                _rules_notice(store, self.matcher, "start")
            enabled = self.schedule(delayed)
            previous = {sig: signal.signal(sig, self._on_signal)
                        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
            logs.event(log, logging.INFO, "daemon.start", sources=len(enabled),
                       db=str(self.db_path), pid=registration.pid)
            # Alert delivery has its own threads, one per target, never the polls' pool;
            # each alert a poll queues wakes them (`_alerts_queued`).
            self._reload_delivery(self.config.rules)
            self.scheduler.start()
            if self.metrics is not None:
                self.metrics.start()
            self.notifier.ready(f"polling {len(enabled)} source{'s' if len(enabled) != 1 else ''}")
            try:
                self._loop(registration)
            finally:
                self.notifier.stopping()
                abandoned = self._shutdown()
                for sig, handler in previous.items():
                    signal.signal(sig, handler)
        finally:
            if self.metrics is not None:
                self.metrics.stop()
            registration.release()
            self.notifier.close()
        logs.event(log, logging.INFO, "daemon.stop",
                   abandoned=",".join(abandoned) if abandoned else None)

    def scheduling(self) -> bool:
        """Whether polls are being scheduled: started, and not stopped or stopping."""
        return self.scheduler.running and not self.stop.is_set()

    def polled_sources(self) -> list[str]:
        """The sources polled now (enabled in the configuration in force)."""
        return [s.name for s in self.config.sources.sources if s.enabled]

    def _loop(self, registration: Registration) -> None:
        while True:
            self._wake.wait(timeout=self.notifier.wait_at_most(HEARTBEAT_INTERVAL))
            self._wake.clear()
            if self.stop.is_set():
                return
            if not self._loaded.empty():
                self._loading = None
                loaded = self._loaded.get()
                if loaded is not None:
                    self._apply(*loaded)
            if self._reload_requested and self._loading is None:
                self._reload_requested = False
                self._loading = threading.Thread(target=self._load, name="reload", daemon=True)
                self._loading.start()
            registration.beat()
            self.notifier.watchdog()

    def _shutdown(self) -> list[str]:
        """Stop scheduling and delivery (sends in flight are cut, their rows given back), give
        polls in hand SHUTDOWN_GRACE seconds to finish their article, and return the sources
        whose polls are still running."""
        self.stop.set()
        self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + SHUTDOWN_GRACE
        if self.dispatcher is not None:
            self.dispatcher.stop(min(DELIVERY_STOP_TIMEOUT, SHUTDOWN_GRACE))
        with self._idle:
            while self._running and (left := deadline - time.monotonic()) > 0:
                self._idle.wait(left)
            abandoned = sorted(self._running)
        if not abandoned:  # else its worker processes end with the process
            self.engine.close()
        return abandoned

    def _load(self) -> None:
        """Read and check both files again, and build their matcher, in a thread of its own:
        a large rules file takes seconds to compile, and the main thread must stay free to
        act on SIGTERM. The main loop applies the result; an invalid file keeps what runs."""
        logs.event(log, logging.INFO, "daemon.reloading", sources=str(self.config.sources_path),
                   rules=str(self.config.rules_path))
        loaded = None
        try:
            config = load(self.config.sources_path, self.config.rules_path)
            loaded = (config, Matcher(config.rules))
        except ConfigError as exc:
            for problem in exc.problems:
                logs.event(log, logging.ERROR, "daemon.reload_failed", problem=problem)
            logs.event(log, logging.ERROR, "daemon.reload_refused", problems=len(exc.problems),
                       kept="the running configuration")
        except Exception as exc:  # a bug in building the matcher must not end the daemon
            logs.event(log, logging.ERROR, "daemon.reload_refused",
                       error=f"{type(exc).__name__}: {exc}", kept="the running configuration")
        finally:
            self._loaded.put(loaded)
            self._wake.set()

    def _apply(self, config: Config, matcher: Matcher) -> None:
        """Switch to `config`: mirror it into the database, then start polling added (or
        re-enabled) sources, stop removed (or disabled) ones, and move changed intervals.
        Polls in progress finish with the configuration they started with."""
        before = {s.name: s for s in self.config.sources.sources if s.enabled}
        after = {s.name: s for s in config.sources.sources if s.enabled}
        try:
            with Store(self.db_path, busy_timeout_ms=MAIN_THREAD_BUSY_MS) as store:
                store.sync_sources(config.sources.sources)
                store.sync_rules(config.rules)
                delayed = store.delayed_sources()
                if matcher.rules_hash != self.matcher.rules_hash:
                    _rules_notice(store, matcher, "reload")
        except sqlite3.Error as exc:  # locked or full: nothing switched, a later SIGHUP retries
            logs.event(log, logging.ERROR, "daemon.reload_refused", error=str(exc),
                       kept="the running configuration")
            return
        rules_changed = config.rules != self.config.rules
        self.config, self.matcher = config, matcher
        added = [name for name in after if name not in before]
        removed = [name for name in before if name not in after]
        changed = [name for name in after if name in before and after[name] != before[name]]
        for name in removed:
            self.scheduler.remove_job(name)
        now = datetime.now().astimezone()
        for name in added:
            self._add_job(after[name], now)
        for name in changed:
            if after[name].interval != before[name].interval:
                self.scheduler.reschedule_job(name, trigger=_trigger(after[name]))
        for name in (*added, *changed):  # a new trigger must not cut a back-off short
            if name in delayed:
                self._delay(name, *delayed[name])
        self._reload_delivery(config.rules)
        logs.event(log, logging.INFO, "daemon.reloaded", added=",".join(added) or None,
                   removed=",".join(removed) or None, changed=",".join(changed) or None,
                   rules_changed=rules_changed, sources=len(after))

    def _reload_delivery(self, rules: RulesFile) -> None:
        """The one place where delivery learns of new rules (targets added, fixed or removed):
        a new set of workers replaces the old, and alerts waiting out a backoff for a target
        whose address was just edited go out at once. A send the old workers had in flight is
        cut and its rows go out again under the same ids."""
        old = self.dispatcher
        if old is not None and _delivery_rules(old.rules) == _delivery_rules(rules):
            return
        if old is not None:
            old.stop(DELIVERY_STOP_TIMEOUT)
            before, after = targets_of(old.rules), targets_of(rules)
            edited = [name for name in after if name in before and before[name] != after[name]]
            try:
                with Store(self.db_path, busy_timeout_ms=MAIN_THREAD_BUSY_MS) as store:
                    Outbox(store).retry_now(edited, utcnow())
            except sqlite3.Error as exc:  # they wait out their backoff instead
                logs.event(log, logging.WARNING, "delivery.retry_now_failed", error=str(exc),
                           targets=",".join(edited))
        self.dispatcher = Dispatcher(self.db_path, rules)
        self.dispatcher.start(busy_timeout_ms=MAIN_THREAD_BUSY_MS)

    def _alerts_queued(self) -> None:
        """A poll's transaction has just queued alerts: hand them to delivery now."""
        dispatcher = self.dispatcher  # a reload may swap it meanwhile; either one will do
        if dispatcher is not None:
            dispatcher.wake()

    def _on_signal(self, signum: int, _frame: object) -> None:
        if signum == signal.SIGHUP:
            self._reload_requested = True
        else:
            logs.event(log, logging.INFO, "daemon.stopping", signal=signal.Signals(signum).name)
            self.stop.set()
        self._wake.set()
