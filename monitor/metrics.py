"""The daemon watched from outside: Prometheus metrics and `/healthz` (`run --metrics-port`).

Nothing below the scheduler knows of Prometheus. What happens in a poll is counted from the
PollResult the daemon already gets back from each poll (`PollMetrics.observe`); what the
database holds (alerts by status, each source's last success) is read when Prometheus scrapes
(`DatabaseCollector`), so it is never out of step with the tables `status` reads too.

The server is off by default and listens on 127.0.0.1 unless told otherwise: it answers anyone
who can reach it, without authentication, and says which sources are watched and how the alert
outbox fares. Exposing it is a decision for whoever runs the daemon (`--metrics-host`).

`/healthz` answers 200 while the scheduler runs and the database takes a write, 503 otherwise,
with a short JSON body saying which: the probe for a supervisor or a load balancer.
"""

from __future__ import annotations

import json
import logging
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import TYPE_CHECKING, Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Histogram,
    disable_created_metrics,
    make_wsgi_app,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.process_collector import ProcessCollector

from . import logs
from .errors import MetricsUnavailable
from .moments import parse_iso

if TYPE_CHECKING:
    from .pipeline import PollResult

log = logging.getLogger("monitor.metrics")
PREFIX = "technopark_monitor"
DURATION_BUCKETS = (0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300)
"""Seconds: a 304 takes a tenth of a second, a feed whose pages are fetched one by one
minutes (at most `fetch.poll_budget`, 2 minutes by default)."""
DATABASE_TIMEOUT = 1.0
"""Seconds a scrape or a health check waits for the database: a probe that hangs is no probe."""
STATUSES = ("pending", "sending", "sent", "dead")
"""Alert statuses, each reported even at 0, so a rule on `dead > 0` has a series to watch."""


class PollMetrics:
    """Counters and the duration histogram, moved by each poll's result."""

    def __init__(self, registry: CollectorRegistry):
        self.polls = Counter(f"{PREFIX}_polls", "Polls, by source", ["source"],
                             registry=registry)
        self.errors = Counter(f"{PREFIX}_poll_errors", "Polls that failed, by source",
                              ["source"], registry=registry)
        self.articles = Counter(f"{PREFIX}_articles", "Articles stored (new, updated) or "
                                "whose entry failed, by source", ["source", "outcome"],
                                registry=registry)
        self.hits = Counter(f"{PREFIX}_hits", "Hits in new and updated articles, by source",
                            ["source"], registry=registry)
        self.duration = Histogram(f"{PREFIX}_poll_duration_seconds", "Poll durations, by "
                                  "source", ["source"], buckets=DURATION_BUCKETS,
                                  registry=registry)

    def observe(self, result: PollResult, seconds: float) -> None:
        source = result.source
        self.polls.labels(source).inc()
        if not result.ok:
            self.errors.labels(source).inc()
        for outcome in ("new", "updated", "failed"):
            self.articles.labels(source, outcome).inc(getattr(result, outcome))
        self.hits.labels(source).inc(result.hits)
        self.duration.labels(source).observe(seconds)


def _connect(db_path: Path) -> sqlite3.Connection:
    """A connection of its own per scrape or check (the server's threads are not the polls'),
    opened without creating anything: a database that is gone stays gone."""
    return sqlite3.connect(f"{db_path.resolve().as_uri()}?mode=rw", uri=True,
                           timeout=DATABASE_TIMEOUT, isolation_level=None)


class DatabaseCollector:
    """Gauges read from the database at each scrape: alerts by status, and the seconds since
    each watched source's last successful poll (none for a source never polled with success:
    `absent()` or the polls counter tell that)."""

    def __init__(self, db_path: Path, sources: Callable[[], Iterable[str]]):
        """`sources`: the names of the sources the daemon polls now (a reload changes them)."""
        self.db_path = db_path
        self.sources = sources

    def collect(self) -> Iterator[Metric]:
        try:
            conn = _connect(self.db_path)
            try:
                statuses = dict(conn.execute("SELECT status, count(*) FROM alerts "
                                             "GROUP BY status").fetchall())
                successes = dict(conn.execute("SELECT name, last_success FROM sources "
                                              "WHERE last_success IS NOT NULL").fetchall())
            finally:
                conn.close()
        except sqlite3.Error as exc:  # the counters still go out; /healthz says what is wrong
            logs.event(log, logging.WARNING, "metrics.database_failed", error=str(exc))
            return
        alerts = GaugeMetricFamily(f"{PREFIX}_alerts", "Alerts in the outbox, by status",
                                   labels=["status"])
        for status in (*STATUSES, *sorted(set(statuses) - set(STATUSES))):
            alerts.add_metric([status], statuses.get(status, 0))
        yield alerts
        age = GaugeMetricFamily(f"{PREFIX}_source_last_success_age_seconds",
                                "Seconds since the source's last successful poll",
                                labels=["source"])
        now = time.time()
        for name in sorted(self.sources()):
            if name in successes:
                age.add_metric([name], now - parse_iso(successes[name]).timestamp())
        yield age


def health(db_path: Path, scheduling: Callable[[], bool]) -> tuple[bool, dict[str, str]]:
    """Whether the daemon is healthy, and what was checked: its scheduler runs (not stopped or
    stopping), and the database takes a write within DATABASE_TIMEOUT (a daemon that cannot
    save what it polls is not healthy, however well it fetches)."""
    report = {"scheduler": "running" if scheduling() else "stopped"}
    try:
        conn = _connect(db_path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("SELECT count(*) FROM daemon").fetchone()
            conn.execute("ROLLBACK")
        finally:
            conn.close()
        report["database"] = "ok"
    except sqlite3.Error as exc:
        report["database"] = f"{type(exc).__name__}: {exc}"
    ok = report == {"scheduler": "running", "database": "ok"}
    return ok, {"status": "ok" if ok else "unavailable", **report}


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    """A scrape in progress never holds the daemon's exit."""


def _server_class(host: str, port: int) -> type[_Server]:
    """The server for `host`'s address family (an IPv6 address such as ::1 needs its own)."""
    family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
    return type("_Server", (_Server,), {"address_family": family})


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """No access log: a scrape every 15 s would drown the daemon's own events."""


class MetricsServer:
    """`/metrics` (Prometheus text format) and `/healthz` on one port, in threads of its own."""

    def __init__(self, host: str, port: int, db_path: Path, scheduling: Callable[[], bool],
                 sources: Callable[[], Iterable[str]]):
        """Binds at once (raises MetricsUnavailable): a port in use stops `run` at its start,
        not silently. Port 0 takes a free one (`port` says which, and the log line)."""
        # Each counter's `_created` twin (its start time, one more series per label set) says
        # nothing here that the daemon's start does not.
        disable_created_metrics()
        self.registry = CollectorRegistry()
        self.polls = PollMetrics(self.registry)
        self.registry.register(DatabaseCollector(db_path, sources))
        ProcessCollector(registry=self.registry)
        metrics = make_wsgi_app(self.registry)
        self.db_path = db_path
        self.scheduling = scheduling

        def app(environ: dict, start_response: Callable) -> Iterable[bytes]:
            if environ.get("PATH_INFO") == "/healthz":
                ok, report = health(self.db_path, self.scheduling)
                start_response("200 OK" if ok else "503 Service Unavailable",
                               [("Content-Type", "application/json")])
                return [json.dumps(report).encode()]
            return metrics(environ, start_response)

        try:
            self.httpd = make_server(host, port, app, _server_class(host, port),
                                     handler_class=_QuietHandler)
        except OSError as exc:
            raise MetricsUnavailable(host, port, exc.strerror or str(exc)) from None
        self.host, self.port = host, self.httpd.server_address[1]
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="metrics",
                                        daemon=True)

    def start(self) -> None:
        self._thread.start()
        logs.event(log, logging.INFO, "metrics.serving", host=self.host, port=self.port,
                   metrics=f"http://{self.host}:{self.port}/metrics")

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() would wait forever for a loop never started
            self.httpd.shutdown()
        self.httpd.server_close()
