"""Command line: `technopark-monitor COMMAND` or `python run.py COMMAND`.

Each command imports the stages it uses inside itself, not here: `--help` and `check` are
meant to answer in a fraction of a second, and the whole chain (sqlite_utils with numpy,
trafilatura with lxml, apscheduler, the figure reader's regexes) takes most of a second to
import. `make bench-startup` measures it.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shlex
import shutil
import sys
import time
from datetime import UTC, datetime, timedelta
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

import click

from . import __version__, logs
from .errors import (
    ConfigError,
    DaemonRunning,
    DatabaseNotFound,
    ExtractError,
    FetchError,
    MetricsUnavailable,
    NotADemoDatabase,
    SchemaError,
    SearchError,
    UnknownHit,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from email.message import EmailMessage

    from .config import Config, Source
    from .pipeline import PollResult
    from .records import Hit
    from .rematch import Summary
    from .scheduler import DaemonRecord
    from .store import Outbox, Store

DISCOVER_LIMIT = 10
"""Requests `discover` makes after the page itself: a site with a feed advertises it in its
first few links. Here, not in monitor/discover.py, so that `--help` need not import it."""
ONE_SHOT = frozenset({"check"})
"""Commands that read one document and end: the cycle collector stays off for them (`main`),
what it could reclaim is freed at exit anyway."""
DEFAULT_SOURCES = Path("sources.yaml")
DEFAULT_RULES = Path("rules.yaml")
DEFAULT_DB = Path("db/monitor.db")
DEMO_DB = Path("db/demo.db")


def _db_option(default: Path):
    return click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path),
                        default=default, show_default=True, help="SQLite database")


def _since(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--since as the database writes times (ISO 8601 UTC with a Z); a date is its midnight,
    a time without an offset is UTC."""
    if value is None:
        return None
    from .moments import iso, parse_iso

    try:
        moment = parse_iso(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (2026-03-01) or an ISO 8601 time "
                                 "(2026-03-01T09:00:00Z)") from None
    return iso(moment if moment.tzinfo else moment.replace(tzinfo=UTC))


def _since_option(what: str):
    """One --since for every command: the same dates and times, the same errors."""
    return click.option("--since", metavar="DATE", callback=_since,
                        help=f"only {what} on or after DATE (2026-03-01, or a UTC time)")


_rules_option = click.option("--rules", "rules_path",
                             type=click.Path(dir_okay=False, path_type=Path),
                             default=DEFAULT_RULES, show_default=True,
                             help="organisations and alerts")


def _paths(func):
    """--sources, --rules and --db on every command that reads all three, same defaults."""
    func = _db_option(DEFAULT_DB)(func)
    func = _rules_option(func)
    func = click.option("--sources", "sources_path",
                        type=click.Path(dir_okay=False, path_type=Path),
                        default=DEFAULT_SOURCES, show_default=True, help="feeds to poll")(func)
    return func


def _friendly_errors(func):
    """Config and schema problems are the user's to fix: say what and where, no traceback."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ConfigError as exc:
            click.echo("Invalid configuration:", err=True)
            for problem in exc.problems:
                click.echo(f"  {problem}", err=True)
            sys.exit(2)
        except (SchemaError, DatabaseNotFound, NotADemoDatabase, DaemonRunning,
                MetricsUnavailable, SearchError, UnknownHit) as exc:
            click.echo(f"Error: {exc}", err=True)
            sys.exit(2)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="technopark-monitor")
@click.option("--log-level", type=click.Choice(["debug", "info", "warning", "error"]),
              default=None, help="log events at this level and above to stderr")
@click.option("--log-format", type=click.Choice(["logfmt", "json"]), default="logfmt",
              show_default=True, help="one event a line as key=value pairs, or as a JSON "
              "object (for log shippers)")
@click.pass_context
def cli(ctx: click.Context, log_level: str | None, log_format: str) -> None:
    """Monitor news feeds for technoparks, IT parks and innovation agencies.

    Polls the feeds in sources.yaml, extracts each new article, matches the organisations
    in rules.yaml and stores every hit in SQLite.

    \b
    Quick look:
        technopark-monitor demo
        technopark-monitor poll
        sqlite-utils query db/monitor.db "select * from hits_view"

    \b
    Logs for a shipper, one JSON object a line:
        technopark-monitor --log-format json run
    """
    ctx.obj = {"log_level": log_level, "log_format": log_format}
    if ctx.invoked_subcommand not in ONE_SHOT:
        gc.enable()  # off while the CLI started (`main`)


def _setup_logs(default: str) -> None:
    options = click.get_current_context().find_root().obj
    logs.setup(options["log_level"] or default, options["log_format"])


def _open_store(db_path: Path, config: Config) -> Store:
    from .store import Store  # sqlite_utils pulls in numpy: only commands with a database

    store = Store(db_path)
    store.sync_sources(config.sources.sources)
    store.sync_rules(config.rules)
    return store


@cli.command()
@_paths
@click.option("--metrics-port", type=click.IntRange(0, 65535), metavar="PORT",
              help="serve Prometheus metrics on /metrics and a health check on /healthz "
              "(0: any free port, logged); off unless given")
@click.option("--metrics-host", default="127.0.0.1", show_default=True, metavar="HOST",
              help="the address to serve metrics on: the endpoint has no authentication, so "
              "another address exposes it to whoever can reach it")
@_friendly_errors
def run(sources_path: Path, rules_path: Path, db_path: Path, metrics_port: int | None,
        metrics_host: str) -> None:
    """Run the daemon: poll every enabled source on its interval until stopped.

    SIGTERM or Ctrl-C stops it within a few seconds: polls in hand get 3 s to save the article
    they are on; anything cut short is done again next time. SIGHUP reloads sources.yaml and
    rules.yaml (an invalid file is logged and the running configuration kept). Only one daemon
    runs on a database at a time.

    With --metrics-port it serves Prometheus metrics (polls, errors, articles, hits and poll
    durations per source, alerts by status, seconds since each source's last success) and
    /healthz (200 while it polls and the database takes writes, else 503). Off by default:
    it is one more open port, and it tells whoever reaches it which sources you watch.

    \b
    Examples:
        technopark-monitor run --db db/monitor.db
        technopark-monitor --log-format json run --metrics-port 9108
        curl -s 127.0.0.1:9108/healthz
        technopark-monitor run --metrics-port 9108 --metrics-host 192.0.2.10  # on a LAN
    """
    from .config import load
    from .scheduler import Daemon  # apscheduler and every stage: the daemon alone needs all

    _setup_logs("info")
    config = load(sources_path, rules_path)
    metrics = (metrics_host, metrics_port) if metrics_port is not None else None
    Daemon(config, db_path, metrics).run()
    # Worker threads still in a fetch or a parse would hold a normal exit until they finish
    # (the thread pool joins them); every write is one transaction, so ending them is safe.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


@cli.command()
@_paths
@click.option("--source", "source_names", multiple=True, metavar="NAME",
              help="poll only this source (repeatable)")
@_friendly_errors
def poll(sources_path: Path, rules_path: Path, db_path: Path,
         source_names: tuple[str, ...]) -> None:
    """Poll all enabled sources (or the named ones) once, then exit.

    Exits with status 1 when every source polled failed.

    \b
    Example:
        technopark-monitor poll --source cnews
    """
    from .alert.sender import deliver_due  # the store and the senders: not for --help
    from .config import load

    _setup_logs("info")
    config = load(sources_path, rules_path)
    by_name = {s.name: s for s in config.sources.sources}
    unknown = [n for n in source_names if n not in by_name]
    if unknown:
        raise click.BadParameter(f"no source named {', '.join(unknown)} in {sources_path}",
                                 param_hint="--source")
    chosen = ([by_name[n] for n in source_names] if source_names
              else [s for s in config.sources.sources if s.enabled])
    from .moments import iso

    with _open_store(db_path, config) as store:
        # The user asked for these polls: a source the daemon would leave alone for now is
        # polled all the same, and the wait it skips is said.
        now = datetime.now(UTC)
        for name, (until, reason) in store.delayed_sources().items():
            if until > now and name in {s.name for s in chosen}:
                click.echo(f"{name}: polled now, although not due before {iso(until)} "
                           f"({reason})")
        results = _poll(store, config, chosen)
        for result in results:
            click.echo(_describe(result))
    delivered = deliver_due(db_path, config.rules)
    if delivered:
        click.echo("alerts: " + ", ".join(f"{n} {what}" for what, n in sorted(delivered.items())))
    if results and not any(r.ok for r in results):
        sys.exit(1)


def _poll(store: Store, config: Config, sources: list) -> list[PollResult]:
    """Poll `sources` once, concurrently across hosts, into `store`'s database."""
    from .engine import Engine  # every stage of a poll, the matcher included
    from .match import Matcher

    settings = config.sources.fetch
    engine = Engine(store.path, processes=settings.processes)
    return engine.poll_all(sources, Matcher(config.rules), settings)


def _describe(result: PollResult) -> str:
    if not result.ok:
        return f"{result.source}: failed: {result.error}{_delayed(result)}"
    if result.status == 304:
        return f"{result.source}: not modified{_delayed(result)}"
    failed = f", {result.failed} failed" if result.failed else ""
    return (f"{result.source}: {result.new} new, {result.updated} updated, "
            f"{result.unchanged} unchanged{failed}{_delayed(result)}")


def _delayed(result: PollResult) -> str:
    """The wait the daemon would keep to; `poll` itself polls whenever it is run."""
    if not result.delay_reason:
        return ""
    return f" (next poll not before {result.next_poll}: {result.delay_reason})"


@cli.group(invoke_without_command=True)
@_paths
@click.option("--status", "status_filter",
              type=click.Choice(["pending", "sending", "sent", "dead"]),
              help="only alerts with this status ('sending': claimed by a sender right now)")
@click.option("--limit", default=50, show_default=True, help="at most this many, newest first")
@click.pass_context
@_friendly_errors
def alerts(ctx: click.Context, sources_path: Path, rules_path: Path, db_path: Path,
           status_filter: str | None, limit: int) -> None:
    """List alerts in the outbox: pending, sending, sent or dead (given up), with their
    target's name and last error.

    \b
    Examples:
        technopark-monitor alerts --status dead
        technopark-monitor alerts retry msg_3f2a... msg_9b1c...
        technopark-monitor alerts retry --dead
        technopark-monitor alerts send msg_3f2a...
    """
    from tabulate import tabulate  # the store (numpy) and tables: not for --help

    from .store import Store

    ctx.obj = {**(ctx.obj or {}), "db_path": db_path, "rules_path": rules_path}
    if ctx.invoked_subcommand is not None:
        return
    with Store.existing(db_path) as store:
        rows = store.query(
            "SELECT v.id, v.alert, v.target, v.status, v.attempts, v.next_attempt, "
            "v.last_error, v.sent, v.title FROM alerts_view v JOIN alerts USING (id) "
            "WHERE ? IS NULL OR v.status = ? ORDER BY alerts.rowid DESC LIMIT ?",
            (status_filter, status_filter, limit))
    if not rows:
        click.echo("no alerts")
        return
    click.echo(tabulate([[r["id"], r["alert"], _target(r["target"]), r["status"], r["attempts"],
                          r["next_attempt"] if r["status"] == "pending" else r["sent"] or "",
                          (r["last_error"] or "")[:60], (r["title"] or "")[:50]] for r in rows],
                        headers=["id", "alert", "target", "status", "attempts", "next/sent",
                                 "last error", "article"]))


def _target(stored: str) -> str:
    """A target as the CLI shows it: its name; a row from before target names holds the
    target's description, whose webhook URL is shown only as host and hash."""
    from .config import redact_url  # pydantic's models: not for --help

    kind, _, where = stored.partition(":")
    return f"webhook:{redact_url(where)}" if kind == "webhook" and where else stored


def _known(outbox: Outbox, ids: tuple[str, ...]) -> dict[str, str]:
    """The status of each alert id; unknown ids are a usage error."""
    statuses = outbox.statuses(ids)
    unknown = [i for i in ids if i not in statuses]
    if unknown:
        raise click.BadParameter(f"no alert with id {', '.join(unknown)}", param_hint="ID")
    return statuses


@alerts.command("retry")
@click.argument("ids", nargs=-1, metavar="ID...")
@click.option("--dead", is_flag=True, help="requeue every dead alert")
@click.option("--force", is_flag=True, help="also requeue alerts already sent (the receiver "
              "gets them again, with the same id)")
@click.pass_context
@_friendly_errors
def alerts_retry(ctx: click.Context, ids: tuple[str, ...], dead: bool, force: bool) -> None:
    """Queue alerts again (the given ones, or every dead one). They keep their ids, so a
    receiver that already has one can drop the repeat. An alert already sent is refused
    unless --force.

    \b
    Examples:
        technopark-monitor alerts retry --dead
        technopark-monitor alerts retry --force msg_3f2a...
    """
    from .store import Outbox, Store  # sqlite_utils pulls in numpy: not for --help

    if bool(ids) == dead:
        raise click.UsageError("give alert ids or --dead, not both")
    with Store.existing(ctx.obj["db_path"]) as store:
        outbox = Outbox(store)
        if ids:
            sent = [i for i, status in _known(outbox, ids).items() if status == "sent"]
            if sent and not force:
                raise click.UsageError(f"already sent: {', '.join(sent)} (add --force to send "
                                       "again)")
        count = outbox.requeue(ids, dead=dead)
    click.echo(f"{count} alert{'s' if count != 1 else ''} queued again")


@alerts.command("send")
@click.argument("ids", nargs=-1, required=True, metavar="ID...")
@click.pass_context
@_friendly_errors
def alerts_send(ctx: click.Context, ids: tuple[str, ...]) -> None:
    """Send pending alerts now, without waiting out their retry backoff or digest time (after
    fixing a receiver, say). Whatever else is due for their targets goes out too. Only
    pending alerts: queue dead or sent ones again with `alerts retry` first.

    \b
    Example:
        technopark-monitor alerts send msg_3f2a... msg_9b1c...
    """
    from .alert.sender import deliver_due  # the store and the senders: not for --help
    from .config import load_rules
    from .store import Outbox, Store, utcnow

    _setup_logs("warning")
    rules = load_rules(ctx.obj["rules_path"])
    db_path = ctx.obj["db_path"]
    with Store.existing(db_path) as store:
        outbox = Outbox(store)
        not_pending = [i for i, status in _known(outbox, ids).items() if status != "pending"]
        if not_pending:
            raise click.UsageError(f"not pending: {', '.join(not_pending)} (`alerts retry` "
                                   "queues dead or sent alerts again)")
        targets = outbox.expedite(ids, utcnow())
    deliver_due(db_path, rules, only=targets)
    with Store.existing(db_path) as store:
        statuses = Outbox(store).statuses(ids)
    for alert_id in ids:
        click.echo(f"{alert_id}: {statuses[alert_id]}")
    if any(status != "sent" for status in statuses.values()):
        sys.exit(1)  # `alerts --status pending` shows why (last error)


OVERDUE_GRACE = 300
"""Seconds past its due time before `status --check` calls a source overdue, at least (a whole
interval when that is longer): the daemon's jitter, a busy pool of poll threads and a poll's
own time budget make a few minutes' lateness normal, a missed interval is not."""


@cli.command()
@_paths
@click.option("--check", is_flag=True,
              help="print one line and exit 0 when all is well; else list every source that "
              "is failing, stale, overdue or never polled and the dead alerts, and exit 1")
@_friendly_errors
def status(sources_path: Path, rules_path: Path, db_path: Path, check: bool) -> None:
    """Show whether the daemon is running, each configured source's health (last success,
    last error, failures, articles, and the next run while a daemon runs), the alerts in
    the outbox by status, and how many articles' hits predate the current rules.

    With --check, for cron and monitoring: exit status 0 and one line when every enabled
    source is well, 1 and one line per problem otherwise. A source is failing after as many
    failed polls in a row as `health.failures` (default 3), stale when it brought nothing new
    for its `stale_after`, overdue when a whole interval (at least 5 minutes) has passed since
    it was due: no daemon or cron job polls it. Dead alerts are problems too. Exit status 2:
    the check itself could not run (an invalid configuration, no database).

    \b
    Examples:
        technopark-monitor status --db db/monitor.db
        technopark-monitor status --check || echo "technopark-monitor needs a look"
    """
    from tabulate import tabulate  # the store (numpy) and apscheduler: not for --help

    from .config import load
    from .scheduler import daemon_record
    from .store import FRESH, Store

    config = load(sources_path, rules_path)
    # Read only: the configured sources are joined here, not mirrored into the database.
    with Store.existing(db_path) as store:
        holder = daemon_record(store)
        polled = {r["name"]: r for r in store.query(
            "SELECT name, last_polled, last_success, last_error, consecutive_failures, "
            f"next_poll, next_poll_reason, {FRESH} AS fresh, (SELECT count(*) FROM articles a "
            "WHERE a.source = sources.name) AS articles FROM sources")}
        alert_counts = {r["status"]: r["n"] for r in store.query(
            "SELECT status, count(*) AS n FROM alerts GROUP BY status")}
        otherwise = store.matched_otherwise(config.rules.matching_hash())
    if check:
        _check(config, polled, alert_counts.get("dead", 0))
        return
    running = holder is not None and holder.alive()
    click.echo(_describe_daemon(holder, running))
    headers = ["source", "enabled", "last success", "last error", "failures", "articles"]
    # Why a source waits longer than its interval, when one does (backing off, Retry-After).
    waiting = any(row["next_poll_reason"] for row in polled.values())
    table = []
    for source in sorted(config.sources.sources, key=lambda s: s.name):
        row = polled.get(source.name) or {}
        table.append([source.name, "yes" if source.enabled else "no",
                      row.get("last_success") or "never", row.get("last_error") or "",
                      row.get("consecutive_failures", 0), row.get("articles", 0)]
                     + ([_next_run(source, row)] if running else [])
                     + ([_waiting(row)] if waiting else []))
    click.echo(tabulate(table, headers=headers + (["next run"] if running else [])
                        + (["waiting"] if waiting else [])))
    # Pending and dead always (dead ones need a user's action); the others when there are any.
    counts = {"pending": 0, "sending": 0, "dead": 0, "sent": 0} | alert_counts
    click.echo("alerts: " + ", ".join(f"{n} {status}" for status, n in counts.items()
                                      if n or status in ("pending", "dead")))
    if otherwise:  # said only when there is something to do, as dead alerts are
        click.echo(f"rules: {otherwise} article{'s' if otherwise != 1 else ''} matched with "
                   f"other rules than {rules_path} now holds; run `technopark-monitor "
                   "rematch` to apply them")


def _check(config: Config, polled: dict[str, dict], dead: int) -> None:
    """`status --check`: one line and exit 0, or a line per problem and exit 1."""
    from .config import HealthSettings
    from .moments import iso
    from .store import health_of

    health = config.rules.health
    failures = health.failures if health else HealthSettings.model_fields["failures"].default
    now = datetime.now(UTC)
    enabled = sorted((s for s in config.sources.sources if s.enabled), key=lambda s: s.name)
    problems = []
    for source in enabled:
        row = polled.get(source.name)
        due = _due(source, row or {})
        if row is None or due is None:
            problems.append(f"{source.name}: never polled")
            continue
        state, detail = health_of(row, iso(now), failures, source.stale_after)
        if state != "ok":
            problems.append(f"{source.name}: {state}: {detail}")
        if (now - due).total_seconds() > max(source.interval, OVERDUE_GRACE):
            problems.append(f"{source.name}: overdue: due {iso(due)}, last polled "
                            f"{row['last_polled']}")
    if dead:
        problems.append(f"alerts: {dead} dead (`technopark-monitor alerts --status dead` "
                        "lists them, `alerts retry --dead` sends them again)")
    if not problems:
        click.echo(f"OK: {len(enabled)} sources polled on time, none failing or stale; "
                   "no dead alerts")
        return
    click.echo(f"CHECK FAILED: {len(problems)} problem{'s' if len(problems) != 1 else ''}")
    click.echo("\n".join(problems))
    sys.exit(1)


def _due(source: Source, row: dict) -> datetime | None:
    """When the source is due for its next poll: the wait its last poll stored, else its
    interval after that poll; None when it was never polled."""
    from .moments import parse_iso

    if row.get("last_polled") is None:
        return None
    if row.get("next_poll"):
        return parse_iso(row["next_poll"])
    return parse_iso(row["last_polled"]) + timedelta(seconds=source.interval)


def _next_run(source: Source, row: dict) -> str:
    from .moments import iso

    if not source.enabled:
        return ""
    due = _due(source, row)
    return "now" if due is None else iso(due)


def _waiting(row: dict) -> str:
    """'backing off 40m after 3 failures: HTTP 503 (until 2026-11-27T20:40:00Z)'."""
    if not row.get("next_poll_reason"):
        return ""
    return f"{row['next_poll_reason']} (until {row['next_poll']})"


def _describe_daemon(holder: DaemonRecord | None, running: bool) -> str:
    if holder is None:
        return "daemon: not running"
    where = f"pid {holder.pid} on {holder.host}, since {holder.started}"
    if running:
        return f"daemon: running ({where}, last heartbeat {holder.heartbeat})"
    return f"daemon: not running (last seen: {where}, last heartbeat {holder.heartbeat})"


@cli.command("rematch")
@_rules_option
@_db_option(DEFAULT_DB)
@_since_option("articles published (else fetched)")
@click.option("--source", metavar="NAME", help="only articles of this source")
@click.option("--organisation", metavar="ID",
              help="only articles with hits of this organisation, stored or found now")
@click.option("--dry-run", is_flag=True, help="only print what would change; store nothing")
@click.option("--alert", "send_alerts", is_flag=True,
              help="queue the alerts a poll would queue for the hits found now (default: none)")
@_friendly_errors
def rematch_command(rules_path: Path, db_path: Path, since: str | None,
                    source: str | None, organisation: str | None, dry_run: bool,
                    send_alerts: bool) -> None:
    """Apply the current rules to stored articles: after editing rules.yaml, the hits of
    articles already stored are found again in their stored text and brought up to date.
    Hits still found keep their ids and `created` time; the others are removed and new
    ones added. Prints, per organisation and metric, the hits added and removed with
    examples. Runs beside a daemon: articles are written a batch per short transaction.
    No alert is queued unless --alert: then those a poll would queue for the hits found
    now, and sent at once as `poll` sends them.

    \b
    Examples:
        technopark-monitor rematch --dry-run --since 2026-01-01
        technopark-monitor rematch --organisation technopark-yakutia
    """
    from . import rematch  # the matcher and the store: not for --help
    from .config import load_rules
    from .match import Matcher
    from .store import Store

    _setup_logs("warning")
    rules = load_rules(rules_path)
    with Store.existing(db_path) as store:
        if source is not None and not store.query("SELECT 1 FROM sources WHERE name = ?",
                                                  (source,)):
            raise click.BadParameter(f"no source named {source} in {db_path}",
                                     param_hint="--source")
        if organisation is not None and organisation not in {o.id for o in rules.organisations} \
                and not store.query("SELECT 1 FROM hits WHERE organisation = ? LIMIT 1",
                                    (organisation,)):
            raise click.BadParameter(f"no organisation {organisation} in {rules_path} or in "
                                     f"the hits of {db_path}", param_hint="--organisation")
        ids = rematch.selected_ids(store, since, source)
        matcher = Matcher(rules)
        if not dry_run:
            store.sync_rules(rules)  # the organisations and metrics new hits name
        # On a terminal only: a log or a pipe wants the summary, not a bar's label.
        with click.progressbar(length=len(ids), label="matching", file=sys.stderr,
                               hidden=not sys.stderr.isatty(), show_pos=True,
                               item_show_func=lambda rate: rate) as bar:
            clock = _Rate()
            summary = rematch.rematch(
                store, matcher, ids, organisation, dry_run=dry_run, alert=send_alerts,
                progress=lambda done: bar.update(done, clock.after(done)))
    click.echo(_rematch_report(summary, dry_run, send_alerts))
    if summary.queued:  # sent as `poll` sends what it queued (a running daemon may too)
        from .alert.sender import deliver_due

        delivered = deliver_due(db_path, rules)
        if delivered:  # a digest waits for its time
            click.echo("alerts: " + ", ".join(f"{n} {what}"
                                              for what, n in sorted(delivered.items())))


class _Rate:
    """Articles per second so far, for the progress bar."""

    def __init__(self) -> None:
        self._started = time.monotonic()
        self._done = 0

    def after(self, done: int) -> str:
        self._done += done
        seconds = time.monotonic() - self._started
        return f"{self._done / seconds:.0f} articles/s" if seconds > 0 else ""


def _rematch_report(summary: Summary, dry_run: bool, send_alerts: bool) -> str:
    """What a rematch did (or, dry, would do): the counts, then per rule the hits added (+)
    and removed (-) with a few examples each."""
    add, remove = ("to add", "to remove") if dry_run else ("added", "removed")
    lines = [f"{summary.articles} article{'s' if summary.articles != 1 else ''} matched again"
             f"{' (dry run, nothing stored)' if dry_run else ''}: {summary.changed} "
             f"{'would change' if dry_run else 'changed'}; hits: {summary.added} {add}, "
             f"{summary.removed} {remove}, {summary.kept} kept"]
    if summary.skipped:
        lines.append(f"{summary.skipped} left alone: a poll changed them meanwhile")
    if not dry_run:
        lines.append(f"alerts queued: {summary.queued}" if send_alerts
                     else "no alerts queued (add --alert to queue them)")
    for (kind, rule), changes in sorted(summary.rules.items()):
        name = "candidate phrases (see `candidates`)" if kind == "candidate" else f"{kind} {rule}"
        lines.append(f"\n{name}: {changes.added} {add}, {changes.removed} {remove}")
        if kind == "candidate":
            continue
        for sign, examples in changes.examples.items():
            lines += [f"  {sign} article {e.article_id}: «{e.matched}»  "
                      f"{' '.join(e.snippet.split())[:100].rstrip()}" for e in examples]
    return "\n".join(lines)


def _load_document(target: str, rules_lang: str | None) -> tuple[str, str | None, str | None]:
    """(text, title, language) of a file, a URL or stdin (`-`)."""
    if target.startswith(("http://", "https://")):
        from .fetch import Fetcher  # requests: only for a URL

        fetcher = Fetcher()
        try:
            response = fetcher.get(target)
        finally:
            fetcher.close()
        body, name, url = response.body, response.url, response.url
    elif target == "-":
        body, name, url = sys.stdin.buffer.read(), "stdin", "file:///stdin"
    else:
        path = Path(target)
        body, name, url = path.read_bytes(), path.name, path.resolve().as_uri()
    from .extract import extract_page, html_to_text, tidy, with_title  # trafilatura: lazily

    looks_html = name.lower().endswith((".html", ".htm")) or body.lstrip()[:1] == b"<"
    if looks_html:
        try:
            page = extract_page(body, url)
        except ExtractError:
            return html_to_text(body.decode("utf-8", "replace")), None, rules_lang
        return with_title(page.title, page.text), page.title, rules_lang or page.language
    return tidy(body.decode("utf-8", "replace")), None, rules_lang


@cli.command()
@click.argument("target", metavar="PATH_OR_URL")
@click.option("--json", "as_json", is_flag=True, help="print one JSON object")
@click.option("--explain", is_flag=True,
              help="show the words and forms that matched, and each sentence's forms")
@click.option("--lang", metavar="LANG", help="the document's language, e.g. ru, en, de")
@_rules_option
@_friendly_errors
def check(target: str, as_json: bool, explain: bool, lang: str | None, rules_path: Path) -> None:
    """Run the rules on one document (text file, HTML file, URL, or - for stdin) and print
    the hits. The tool for writing rules: nothing is stored.

    \b
    Examples:
        technopark-monitor check article.html --explain
        echo 'Выручка Технопарка «Якутия» составила 1,5 млрд рублей' | \\
            technopark-monitor check - --json
    """
    from .config import load_rules  # the rules, the matcher and the figure reader: not --help
    from .explain import explain_analysis
    from .language import detect
    from .match import Matcher

    _setup_logs("warning")
    rules = load_rules(rules_path)
    try:
        text, title, language = _load_document(target, lang)
    except FetchError as exc:
        raise click.ClickException(str(exc)) from None
    except OSError as exc:
        raise click.ClickException(f"{target}: {exc.strerror or exc}") from None
    matcher = Matcher(rules)
    language = language or detect(text, matcher.languages)
    analysis = matcher.analyse(text, language)
    if as_json:
        click.echo(json.dumps({"language": language, "title": title,
                               "hits": [h.public() for h in analysis.hits]},
                              ensure_ascii=False, indent=2))
    else:
        click.echo(f"language: {language or 'unknown'}")
        click.echo(f"title: {title or ''}")
        click.echo(_hits_table(analysis.hits) if analysis.hits else "no hits")
    if explain:
        click.echo()
        click.echo("\n".join(explain_analysis(analysis)))


def _hits_table(hits: list[Hit]) -> str:
    from tabulate import tabulate  # imports wcwidth's tables: only when there are hits

    rows = [[h.kind, h.rule, h.organisation if h.kind == "metric" else "",
             _number(h.value), h.unit or "", h.qualifier or "", h.year or "", h.matched,
             h.start, h.end] for h in hits]
    return tabulate(rows, headers=["kind", "rule", "organisation", "value", "unit",
                                   "qualifier", "year", "matched", "start", "end"],
                    disable_numparse=True)


def _number(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}".replace(",", " ") if value == int(value) else f"{value:g}"


def _hits_by_article(rows: list[dict]) -> str:
    """One block per article: one line per organisation with the forms that matched, then one
    line per figure read."""
    names: dict[int, dict[str, list[str]]] = {}
    figures: dict[int, list[str]] = {}
    headings: dict[int, str] = {}
    for row in rows:
        article = row["article_id"]
        headings[article] = f"[{row['source']}] {row['title']} ({(row['published'] or '')[:10]})"
        if row["kind"] == "organisation":
            names.setdefault(article, {}).setdefault(row["organisation_name"], []).append(
                row["matched"])
        else:
            qualifier = f"{row['qualifier'].replace('_', ' ')} " if row["qualifier"] else ""
            year = f", {row['year']}" if row["year"] else ""
            figures.setdefault(article, []).append(
                f"{row['metric']}: {qualifier}{_number(row['value'])} {row['unit']} "
                f"«{row['matched']}» → {row['organisation_name'] or '?'}{year}")
    lines = []
    for article, heading in headings.items():
        lines.append(heading)
        for name, forms in names.get(article, {}).items():
            lines.append(f"    {name}: {len(forms)}× ({', '.join(dict.fromkeys(forms))})")
        lines += [f"    {figure}" for figure in figures.get(article, [])]
    return "\n".join(lines)


@cli.command()
@_rules_option
@_db_option(DEFAULT_DB)
@click.option("--min", "min_articles", default=2, show_default=True, metavar="N",
              type=click.IntRange(min=1), help="only candidates seen in at least N articles")
@click.option("--limit", default=20, show_default=True, metavar="N",
              type=click.IntRange(min=1), help="at most N candidates, most often seen first")
@_friendly_errors
def candidates(rules_path: Path, db_path: Path, min_articles: int, limit: int) -> None:
    """List organisations the press names that rules.yaml does not know yet: phrases such
    as "технопарк «Родина»" or "Technopark Dubna" that matched no organisation, seen most
    often first, each with the number of articles, first and last seen, an example, and an
    organisation entry to paste under `organisations:` in rules.yaml. Candidates that the
    rules now match (an entry was pasted) are left out.

    \b
    Example:
        technopark-monitor candidates --min 3 --limit 10
    """
    from . import candidates as candidate_phrases  # the store and the matcher: not --help
    from .config import load_rules
    from .match import Matcher
    from .store import Store

    _setup_logs("warning")
    rules = load_rules(rules_path)
    with Store.existing(db_path) as store:
        groups = store.query(
            "SELECT h.rule, count(DISTINCT h.article_id) AS articles, "
            "min(a.date) AS first_seen, "
            "max(a.date) AS last_seen, max(h.id) AS example "
            "FROM hits h JOIN articles a ON a.id = h.article_id WHERE h.kind = 'candidate' "
            "GROUP BY h.rule HAVING articles >= ? ORDER BY articles DESC, last_seen DESC, h.rule",
            (min_articles,))
        examples = {row["id"]: row for row in store.query(
            "SELECT h.id, h.matched, h.snippet, a.language FROM hits h "
            "JOIN articles a ON a.id = h.article_id WHERE h.kind = 'candidate' AND h.id IN "
            "(SELECT max(id) FROM hits WHERE kind = 'candidate' GROUP BY rule)")}
    matcher = Matcher(rules)
    taken = {o.id for o in rules.organisations} | {m.id for m in rules.metrics}
    blocks = []
    for group in groups:
        if len(blocks) == limit:
            break
        example = examples[group["example"]]
        if any(h.kind == "organisation" for h in
               matcher.analyse(example["matched"], example["language"]).hits):
            continue  # the rules know it now
        found = candidate_phrases.read(example["matched"], example["language"])
        if not found:
            continue  # stored by a release that read phrases differently
        entry = candidate_phrases.stanza(found[0], taken)
        taken.add(entry["id"])
        blocks.append(_candidate_block(group, example["snippet"], entry))
    if not blocks:
        click.echo(f"no candidates seen in at least {min_articles} article"
                   f"{'s' if min_articles != 1 else ''} that {rules_path} does not match")
        return
    click.echo(f"# {len(blocks)} candidate{'s' if len(blocks) != 1 else ''}, most often seen "
               f"first. Paste an entry under `organisations:` in {rules_path}.\n")
    click.echo("\n".join(blocks), nl=False)


def _candidate_block(group: dict, snippet: str, entry: dict) -> str:
    """One candidate as YAML: comments saying how often and where it was seen, then its
    organisation entry, indented to go under `organisations:`."""
    seen = (f"{group['articles']} article{'s' if group['articles'] != 1 else ''}, first seen "
            f"{group['first_seen'][:10]}, last seen {group['last_seen'][:10]}")
    import yaml  # only to print an entry

    example = " ".join(snippet.split())
    dumped = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False,
                            default_flow_style=None, width=1000)
    return (f"# {entry['name']}: {seen}\n#   «{example[:200]}»\n"
            + "".join(f"  {line}\n" for line in dumped.splitlines()))


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["atom", "csv", "json"]), required=True,
              help="atom: a feed to subscribe to, one entry per article; csv: a spreadsheet, "
              "one row per hit; json: an array of hit objects, one a line")
@_since_option("articles published (else fetched)")
@click.option("--organisation", metavar="ID", help="only hits about this organisation id")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="write FILE (replaced whole, never half-written) instead of stdout")
@click.option("--limit", type=click.IntRange(min=1), metavar="N",
              help="atom only: the newest N articles  [default: 100]")
@_db_option(DEFAULT_DB)
@_friendly_errors
def export(fmt: str, since: str | None, organisation: str | None, output: Path | None,
           limit: int | None, db_path: Path) -> None:
    """Export hits as an Atom feed, CSV or JSON (candidate phrases are left out).

    The Atom feed has one entry per article, the newest 100 (--limit), titled with the
    organisations and figures it states and linking to the article; serve the file and
    subscribe to it in any feed reader. CSV and JSON have one row per hit, oldest first:
    organisation, metric, value, unit, year, date, source, title, url, snippet and the rest.

    \b
    Examples:
        technopark-monitor export --format atom --output /var/www/html/technoparks.xml
        technopark-monitor export --format csv --since 2026-01-01 --organisation skolkovo \\
            > skolkovo.csv
    """
    from .export import ATOM_ENTRIES, Selection, write  # the store and renderers: not --help
    from .store import Store

    if limit is not None and fmt != "atom":
        raise click.BadParameter("only an Atom feed holds the newest N articles; CSV and JSON "
                                 "hold every selected hit (use --since)", param_hint="--limit")
    entries = limit or ATOM_ENTRIES
    selection = Selection(since=since, organisation=organisation)
    with Store.existing(db_path) as store:
        if organisation is not None and not store.query(
                "SELECT 1 FROM organisations WHERE id = ?", (organisation,)):
            raise click.BadParameter(f"no organisation with id {organisation!r} in {db_path} "
                                     "(ids are those of rules.yaml)", param_hint="--organisation")
        if output is None:
            count = write(store, fmt, selection, sys.stdout.buffer, entries)
        else:
            count = _write_file(output, lambda out: write(store, fmt, selection, out, entries))
    if output is not None:
        unit = "entries" if fmt == "atom" else "hits"
        click.echo(f"{count} {unit} written to {output}", err=True)


def _write_file(path: Path, writer: Callable[[BinaryIO], int]) -> int:
    """Write `path` through a temporary file beside it, renamed over it once complete: a web
    server serving the feed, or a reader of the old file, never sees half of it."""
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            count = writer(out)
        os.chmod(temporary, 0o644)  # mkstemp's 0600 would hide the feed from a web server
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return count


@cli.command()
@click.argument("hit_id", type=int, metavar="HIT_ID")
@click.option("--right", is_flag=True, help="the hit is what it claims")
@click.option("--wrong", is_flag=True,
              help="the hit is wrong: not this organisation, not this figure, not a figure")
@click.option("--note", metavar="TEXT", help="why, for whoever tunes the rules")
@_db_option(DEFAULT_DB)
@_friendly_errors
def mark(hit_id: int, right: bool, wrong: bool, note: str | None, db_path: Path) -> None:
    """Mark a hit right or wrong (a review), with an optional note. Marking a hit again
    replaces its mark. The mark keeps what the hit said, so it still counts in `report` after
    the hit is gone; ids are `hits_view.id`.

    \b
    Examples:
        technopark-monitor mark 42 --wrong --note "the 2019 figure, not this year's"
        technopark-monitor mark 43 --right
    """
    from .review import mark as store_mark  # the store (numpy): not for --help
    from .store import Store

    if right == wrong:
        raise click.UsageError("say --right or --wrong (one of them)")
    with Store.existing(db_path) as store:
        marked = store_mark(store, hit_id, "right" if right else "wrong", note)
    replaced = f" (replacing the earlier mark: {marked.replaced})" if marked.replaced else ""
    click.echo(f"hit {marked.hit_id} marked {marked.verdict}{replaced}")


@cli.command()
@_since_option("marks made and hits stored")
@click.option("--limit", default=20, show_default=True, metavar="N",
              type=click.IntRange(min=0), help="list at most N hits never reviewed, newest first")
@_db_option(DEFAULT_DB)
@_friendly_errors
def report(since: str | None, limit: int, db_path: Path) -> None:
    """Precision of the rules from review marks (`mark`): right / (right + wrong) per
    organisation and per metric, least precise first, then the number of hits never
    reviewed and the most recent of them.

    \b
    Examples:
        technopark-monitor report
        technopark-monitor report --since 2026-03-01 --limit 50
    """
    from tabulate import tabulate  # the store (numpy) and tables: not for --help

    from .review import report as review_report
    from .store import Store

    with Store.existing(db_path) as store:
        found = review_report(store, since, limit)
    period = f" since {found.since}" if found.since else ""
    total = found.right + found.wrong
    click.echo(f"marks{period}: {total} ({found.right} right, {found.wrong} wrong"
               + (f", precision {found.right / total:.0%})" if total else ")"))
    for heading, rows in (("organisation", found.by_organisation),
                          ("metric", found.by_metric)):
        if rows:
            click.echo()
            click.echo(tabulate([[p.key, p.name or "", p.right, p.wrong, f"{p.precision:.0%}"]
                                 for p in rows],
                                headers=[heading, "name", "right", "wrong", "precision"]))
    shown = len(found.examples)
    click.echo(f"\nhits never reviewed{period}: {found.unreviewed}"
               + (f" (the {shown} most recent)" if 0 < shown < found.unreviewed else ""))
    if shown:
        click.echo(tabulate([[h["id"], (h["date"] or "")[:10], h["source"],
                              h["organisation_name"] or "", h["metric"] or "",
                              _number(h["value"]), h["matched"], h["title"][:40]]
                             for h in found.examples],
                            headers=["id", "date", "source", "organisation", "metric", "value",
                                     "matched", "article"], disable_numparse=True))


@cli.command()
@click.argument("query", metavar="QUERY")
@click.option("--source", "source_names", multiple=True, metavar="NAME",
              help="only articles of this source (repeatable)")
@_since_option("articles published (else fetched)")
@click.option("--limit", default=20, show_default=True, metavar="N",
              type=click.IntRange(min=1), help="at most N articles")
@click.option("--newest", is_flag=True, help="newest first, not best match first")
@click.option("--json", "as_json", is_flag=True, help="print one JSON array")
@_db_option(DEFAULT_DB)
@_friendly_errors
def search(query: str, source_names: tuple[str, ...], since: str | None, limit: int,
           newest: bool, as_json: bool, db_path: Path) -> None:
    """Search stored articles whatever the inflection: "технопарков Якутии" finds
    "технопарк в Якутии" and "технопарку Якутии", "Technoparks" finds "technopark".
    Best match first (SQLite FTS5's bm25), each with a snippet of the article where the
    words found are marked **so**.

    QUERY is FTS5 syntax over words reduced to their lemmas (Russian) or stems (English,
    German): words, "quoted phrases", AND, OR, NOT, NEAR(a b, 5), parentheses, and * after
    a word for a prefix. `sqlite-utils search` searches the raw text instead.

    \b
    Examples:
        technopark-monitor search "технопарков Якутии"
        technopark-monitor search '"резиденты технопарка" OR Technoparks' --since 2026-03-01
    """
    from .search import search as run_search
    from .store import Store

    with Store.existing(db_path) as store:
        results = run_search(store.conn, query, sources=source_names, since=since,
                             limit=limit, newest=newest)
    if as_json:
        click.echo(json.dumps([vars(result) for result in results], ensure_ascii=False,
                              indent=2))
        return
    for result in results:
        click.echo(f"#{result.id}  {result.date[:10]}  {result.source}  {result.title}")
        if result.url:
            click.echo(f"    {result.url}")
        click.echo(f"    {result.snippet}\n")
    found = f"{len(results)} article{'s' if len(results) != 1 else ''}"
    click.echo(f"{found}, {'newest' if newest else 'best match'} first" if results
               else "no article found")


@cli.command("discover")
@click.argument("url", metavar="URL")
@click.option("--limit", default=DISCOVER_LIMIT, show_default=True, metavar="N",
              type=click.IntRange(min=1, max=50),
              help="check at most N candidate addresses after the page")
def discover_command(url: str, limit: int) -> None:
    """Find the feeds a site offers and print sources.yaml entries for them.

    Fetches URL, checks every feed it advertises or links to by fetching and parsing it,
    and, when none works, the usual paths (/rss, /feed, /rss.xml, /atom.xml, /feed.xml) and
    the sitemaps robots.txt lists. Prints an entry to paste under `sources:` for each feed
    found (its title and item count as a comment), or a sitemap entry, or, when there is
    nothing, a `kind: html` entry with the CSS selectors left to fill in. Exits with status 1
    when nothing was found.

    \b
    Example:
        technopark-monitor discover https://yakutiamedia.ru/ >> found.yaml
    """
    from .config import FetchSettings
    from .discover import candidate_settings, discover, entries
    from .fetch import Fetcher

    _setup_logs("warning")
    settings = FetchSettings()
    fetcher, candidates = Fetcher(settings), Fetcher(candidate_settings(settings))
    try:
        result = discover(url, fetcher, limit=limit, candidate_fetcher=candidates)
    except FetchError as exc:
        raise click.ClickException(str(exc)) from None
    finally:
        fetcher.close()
        candidates.close()
    click.echo(entries(result), nl=False)
    if not result.found:
        sys.exit(1)


@cli.command()
@_db_option(DEFAULT_DB)
@click.option("--port", default=8001, show_default=True, type=click.IntRange(1, 65535),
              help="port on 127.0.0.1")
@_friendly_errors
def browse(db_path: Path, port: int) -> None:
    """Open the database in Datasette on 127.0.0.1, the review page: every table and view
    described and faceted by source, organisation and metric, canned queries (this
    morning's hits, an organisation's figures over time, quiet sources, dead alerts) and a
    chart of each organisation's figures by year. Runs until Ctrl-C; reading while the
    daemon writes is safe. `make review` runs it.

    \b
    Example:
        technopark-monitor browse --db db/demo.db --port 8001
    """
    from .browse import DASHBOARD, HOST, database_name, port_problem, serve
    from .store import Store

    with Store.existing(db_path):  # ours, and migrated to this release's views
        pass
    if (problem := port_problem(port)) is not None:
        raise click.BadParameter(f"cannot serve on {HOST}:{port}: {problem} (another `browse` "
                                 f"may hold it; choose another: --port {port + 1}, or "
                                 f"PORT={port + 1} with make review)", param_hint="--port")
    base = f"http://{HOST}:{port}"
    click.echo(f"Serving {db_path} at {base}/{database_name(db_path)} (the chart of figures: "
               f"{base}/-/dashboards/{DASHBOARD}); Ctrl-C stops it.")
    serve(db_path, port)


def _sqlite_utils() -> str:
    local = Path(sys.executable).parent / "sqlite-utils"
    if shutil.which("sqlite-utils") == str(local) or not local.exists():
        return "sqlite-utils"
    try:
        return str(local.relative_to(Path.cwd()))
    except ValueError:
        return str(local)


@cli.command()
@_rules_option
@_db_option(DEMO_DB)
@_friendly_errors
def demo(rules_path: Path, db_path: Path) -> None:
    """Poll bundled sample feeds (served from 127.0.0.1, no other network) into a fresh demo
    database and print the hits. Uses the organisations and metrics of --rules, but only the
    demo's own alert rule, mail server and webhook receiver (on 127.0.0.1). A previous demo
    database at --db is replaced; any other file there is refused, untouched.

    \b
    Example:
        technopark-monitor demo --rules rules.yaml
    """
    from .alert.sender import deliver_due  # a whole poll, served and delivered: not for --help
    from .config import Config, FetchSettings, SourcesFile, load_rules
    from .demo import (
        DEMO_ALERT,
        demo_sources,
        fresh_demo_database,
        receivers,
        serve,
        with_demo_alert,
    )

    _setup_logs("warning")
    rules = load_rules(rules_path)
    fresh_demo_database(db_path)
    with serve() as base_url, receivers() as inbox:
        # One source at a time and no pause: the demo's own server needs no politeness, and
        # its ids and listings come out the same on every run.
        config = Config(sources=SourcesFile(fetch=FetchSettings(workers=1, host_delay=0),
                                            sources=demo_sources(base_url)),
                        rules=with_demo_alert(rules, inbox), sources_path=Path("(demo)"),
                        rules_path=rules_path)
        click.echo(f"Serving {len(config.sources.sources)} sample feeds (written for this demo) "
                   "from 127.0.0.1; polling them once.")
        with _open_store(db_path, config) as store:
            for result in _poll(store, config, config.sources.sources):
                click.echo(f"  {_describe(result)}")
            deliver_due(db_path, config.rules)
            rows = store.query("SELECT * FROM hits_view WHERE kind != 'candidate' "
                               "ORDER BY source, published, article_id, id")
    click.echo()
    click.echo(_hits_by_article(rows))
    articles = len({r["article_id"] for r in rows})
    click.echo(f"\n{len(rows)} hits in {articles} articles, stored in {db_path}\n")
    tool = _sqlite_utils()
    click.echo("Look at them with sqlite-utils:")
    click.echo(f'  {tool} query {db_path} --table "select organisation_name, matched, title '
               'from hits_view"')
    click.echo(f'  {tool} search {db_path} articles "технопарк*" -c title')
    click.echo(f"  {tool} tables {db_path} --counts")
    click.echo(f"\nAlert rule {DEMO_ALERT['name']!r} (revenue or investment of 1e9 or more) sent "
               f"{len(inbox.emails)} emails and {len(inbox.webhooks)} webhooks to a mail "
               "server and a webhook receiver on 127.0.0.1.")
    if inbox.emails:
        click.echo("\nThe first email, as received:\n")
        click.echo(_show_email(inbox.emails[0]))
    if inbox.webhooks:
        headers, body = inbox.webhooks[-1]
        click.echo("\nThe last webhook, as received:\n")
        for name in ("content-type", "webhook-id", "webhook-timestamp", "webhook-signature"):
            click.echo(f"{name}: {headers.get(name)}")
        click.echo()
        click.echo(json.dumps(json.loads(body), ensure_ascii=False, indent=2))
    click.echo("\nReview them in the browser (Datasette on 127.0.0.1, with a chart of each "
               "organisation's figures over time):")
    click.echo(f"  make review DB={shlex.quote(str(db_path))}")


def _show_email(message: EmailMessage) -> str:
    lines = [f"{name}: {message[name]}" for name in ("From", "To", "Subject", "Date",
                                                     "Message-ID")]
    parts = [p.get_content_type() for p in message.iter_parts()]
    text = message.get_body(preferencelist=("plain",))
    lines += [f"Parts: {', '.join(parts)}", "", text.get_content().rstrip() if text else ""]
    return "\n".join(lines)


def main() -> None:
    # The cycle collector is off while the CLI starts: imports and the rule tables allocate
    # much and free little, so it would only scan them over and over (a sixth of a `check`).
    # The group turns it on again for every command but the one-shot ones.
    gc.disable()
    # Python hands an argument that is not UTF-8 over with lone surrogates standing for its
    # bytes, which every later step (SQLite, a URL, an id) would refuse with a traceback.
    for argument in sys.argv[1:]:
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            shown = argument.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            click.echo(f"Error: the argument {shown!r} is not UTF-8 text (set a UTF-8 "
                       "locale, e.g. LANG=C.UTF-8, or retype it)", err=True)
            sys.exit(2)
    cli(prog_name="technopark-monitor")
