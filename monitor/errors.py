"""Typed errors. Each carries the context a user needs to act on it without reading a traceback."""

from __future__ import annotations


class MonitorError(Exception):
    """Base class: everything the service raises on purpose."""


class ConfigError(MonitorError):
    """A config file is invalid. `problems` lists every problem found, each already formatted as
    `file:line: field.path: message`, so a user fixes them all in one pass."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


class FetchError(MonitorError):
    """A URL could not be fetched within the limits. `reason` is short and stable (it is stored
    in `fetches.error` and `sources.last_error`)."""

    def __init__(self, url: str, reason: str, status: int | None = None,
                 retry_after: str | None = None):
        self.url = url
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        """The answer's Retry-After header, as sent: the server's word on when to ask again."""
        super().__init__(f"{url}: {reason}")


class ParseError(MonitorError):
    """A fetched document is not a usable feed (no entries and a reason to distrust it)."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class ExtractError(MonitorError):
    """A fetched article page yielded no article text. `reason` is stored in
    `articles.page_error`, so a user sees why an article's text came from the feed."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class WorkerError(MonitorError):
    """A worker process reading a poll's entries died (monitor/reading.py). The poll fails
    with this reason and saved nothing of the entries it was reading, so the next poll reads
    them again."""


class SchemaError(MonitorError):
    """The database was written by a newer release than this one, or cannot be migrated."""


class DatabaseNotFound(MonitorError):
    """A read-only command was given a database path that does not exist, or a file that is
    not a technopark-monitor database. Creating (or adding our tables to) a database there
    would hide the typo behind "never polled" and "no alerts", and change someone's file."""

    def __init__(self, path: object, reason: str | None = None):
        self.path = path
        problem = f"not a technopark-monitor database ({reason})" if reason else \
            "no such database"
        super().__init__(f"{path}: {problem} (run `technopark-monitor poll` or `run` to "
                         "create one, or pass --db with the right path)")


class DeliveryError(MonitorError):
    """An alert could not be delivered. `permanent` errors (a 4xx other than 408/429, a refused
    recipient) will not be retried; the others are retried with backoff, no sooner than
    `retry_after` seconds when the receiver said so."""

    def __init__(self, reason: str, *, permanent: bool, retry_after: float | None = None):
        self.reason = reason
        self.permanent = permanent
        self.retry_after = retry_after
        super().__init__(reason)


class NotADemoDatabase(MonitorError):
    """`demo --db PATH` names a file the demo did not create. The demo starts from an empty
    database, so it would have to delete that file: a user's real data, at a mistyped path."""

    def __init__(self, path: object):
        self.path = path
        super().__init__(f"{path}: not a demo database; the demo leaves it alone (give --db a "
                         "new path, or remove the file yourself)")


class DaemonRunning(MonitorError):
    """Another live daemon holds the database: two would poll every source twice and send
    every alert twice. A holder whose heartbeat is stale, or whose process is gone from this
    host, is not live and is taken over instead."""

    def __init__(self, path: object, pid: int, host: str, started: str, heartbeat: str):
        self.path = path
        self.pid = pid
        self.host = host
        super().__init__(f"{path}: a daemon is already running on this database (pid {pid} on "
                         f"{host}, since {started}, last heartbeat {heartbeat}); stop it "
                         "first, or use another --db")


class UnbuildableAlert(MonitorError):
    """An alert row no message can be made from: its article was deleted (users delete rows
    with sqlite-utils, which does not enforce foreign keys), or its detail is unreadable. The
    row is given up with this reason; the others still go out."""

    def __init__(self, alert_id: str, reason: str):
        self.alert_id = alert_id
        self.reason = reason
        super().__init__(f"{alert_id}: {reason}")


class MetricsUnavailable(MonitorError):
    """`run --metrics-port` cannot listen where it was told (the port is taken, the host is
    not this machine's). The daemon refuses to start rather than run unwatched while its
    user believes it is watched."""

    def __init__(self, host: str, port: int, reason: str):
        self.host = host
        self.port = port
        super().__init__(f"cannot serve metrics on {host}:{port}: {reason} (choose another "
                         "--metrics-port, or leave it out)")


class UnknownHit(MonitorError):
    """`mark` was given an id no hit has: a typo, or a hit that is gone (its article was
    edited, or the rules no longer find it). A mark on nothing would count for nobody."""

    def __init__(self, hit_id: int):
        self.hit_id = hit_id
        super().__init__(f"no hit with id {hit_id} (`sqlite-utils query DB \"select id, matched, "
                         "title from hits_view\"` lists them)")


class SearchError(MonitorError):
    """A `search` query that cannot be run: no words in it, an unclosed quote, or FTS5 syntax
    SQLite refuses. `reason` says which, in the user's terms."""

    def __init__(self, query: str, reason: str):
        self.query = query
        self.reason = reason
        super().__init__(f"cannot search for {query!r}: {reason}")
