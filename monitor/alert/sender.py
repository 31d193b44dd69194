"""Delivering the outbox: every due alert row, by email or webhook, retried until it is sent
or given up.

Each target is delivered on its own, by a `Sender` in a thread of its own with its own SQLite
connection and HTTP session: a slow or dead target costs only its own alerts. A sender claims
one message's rows at a time (so a second process skips them), sends it under a total deadline
(watchdog.py) and records the outcome, one short transaction at a time: if the process dies
between a delivery and its record, the claim's lease runs out and the alert is sent again with
the same id, and the receiver can drop the repeat. When a target fails in a way that may pass
(timeout, refused connection, 5xx), its other due messages wait for that message's retry
instead of each costing another deadline now.

`deliver_due` is the one-shot form (`poll`, `demo`): every target in parallel, returning when
each is done; the daemon keeps one worker per target running (dispatch.py).
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from .. import logs
from ..config import RulesFile, Target
from ..errors import DeliveryError, UnbuildableAlert
from ..moments import iso, parse_iso
from ..store import HEALTH_ALERT, Outbox, QueuedAlert, Store
from . import email, webhook
from .message import MAX_HITS, AlertArticle, AlertHit, AlertMessage, HealthEvent
from .schedule import next_attempt
from .watchdog import Watchdog

log = logging.getLogger("monitor.alert")
LEASE_MARGIN = 10
"""Seconds a claim outlives the send's deadline: time to record the outcome. A sender killed
mid-send holds its rows this much longer than the deadline; then they are due again."""
NO_SMTP_DEADLINE = 1.0
"""An email target without smtp settings fails before it connects."""

Clock = Callable[[], datetime]


def now_utc() -> datetime:
    return datetime.now(UTC)


def targets_of(rules: RulesFile) -> dict[str, Target]:
    """Every configured target by name (the health target included)."""
    targets = {t.name: t for alert in rules.alerts for t in alert.targets}
    if rules.health is not None:
        targets[rules.health.target.name] = rules.health.target
    return targets


def deadline_of(target: Target, rules: RulesFile) -> float:
    """Seconds one send to `target` may take in all."""
    if target.webhook:
        return float(target.timeout or rules.delivery.webhook_timeout)
    return rules.smtp.timeout if rules.smtp else NO_SMTP_DEADLINE


def prepare(store: Store, rules: RulesFile, now: datetime) -> None:
    """Before delivering: rows keyed by a target's old description string get its name, and
    unsent rows of targets no longer configured are given up with that reason."""
    outbox = Outbox(store)
    targets = targets_of(rules)
    outbox.adopt({t.describe(): name for name, t in targets.items()})
    outbox.orphans(list(targets), iso(now))


@dataclass(frozen=True)
class Job:
    rows: tuple[QueuedAlert, ...]
    message: AlertMessage


@dataclass(frozen=True)
class Outcome:
    counts: Counter
    """Alert rows 'sent', 'retrying', 'dead' or 'released' (given back unsent)."""
    resume_at: datetime | None
    """When the target failed in a passing way: do not try it again before this."""


class Sender:
    """Delivers one target's alerts from the thread that made it."""

    def __init__(self, store: Store, rules: RulesFile, target: str, *,
                 clock: Clock = now_utc, rng: random.Random | None = None,
                 watchdog: Watchdog | None = None):
        self.outbox = Outbox(store)
        self.rules = rules
        self.name = target
        self.target = targets_of(rules)[target]
        self.deadline = deadline_of(self.target, rules)
        self.session = webhook.session()
        self.clock = clock
        self.rng = rng or random.Random()
        self.watchdog = watchdog or Watchdog()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def deliver(self) -> Outcome:
        """Send the target's due messages, oldest first, until none is due, the target fails
        in a way that may pass (the rest wait for its retry), or the sender stops."""
        counts: Counter = Counter()
        while not self.watchdog.stopping:
            now = self.clock()
            lease = iso(now + timedelta(seconds=self.deadline + LEASE_MARGIN))
            rows = self.outbox.claim(self.name, iso(now), lease)
            if not rows:
                break
            job = self._job(rows, lease, counts)
            if job is None:
                continue
            error = self._send(job.message)
            if error is not None and self.watchdog.stopping:
                self.outbox.release([row.id for row in job.rows], lease)
                counts["released"] += len(job.rows)
                break
            outcome, retry_at = self._record(job, lease, error)
            counts[outcome] += len(job.rows)
            if error is not None and not error.permanent:
                return Outcome(counts, retry_at or self.clock() + timedelta(
                    seconds=self.rules.delivery.retry_base))
        return Outcome(counts, None)

    # ----------------------------------------------------------------- building

    def _job(self, rows: list[QueuedAlert], lease: str, counts: Counter) -> Job | None:
        """The message for claimed rows. A row that cannot be built is given up with its
        reason (the others go out); None when no row is left. A digest lists a story once:
        the rows of its other copies go out with the message, their sources under "also
        in"."""
        first = rows[0]
        kept: list[QueuedAlert] = []
        articles: list[AlertArticle] = []
        stories: set[int] = set()
        health = None
        for row in rows:
            try:
                if row.kind == "health":
                    health = _health(row)
                elif row.story in stories:
                    pass  # a digest's copy of a story it lists: named under "also in"
                else:
                    articles.append(self._article(row))
                    if row.story is not None:
                        stories.add(row.story)
            except UnbuildableAlert as exc:
                self.outbox.failed([row.id], exc.reason, None, lease)
                counts["dead"] += 1
                logs.event(log, logging.WARNING, "alert.dead", alert=row.alert,
                           target=self.name, id=row.id, article=row.article_id,
                           error=exc.reason)
                continue
            kept.append(row)
        if not kept:
            return None
        message_id = first.batch if first.kind == "digest" and first.batch else first.id
        alert = HEALTH_ALERT if first.kind == "health" else first.alert
        return Job(tuple(kept), AlertMessage(message_id, alert, first.kind, iso(self.clock()),
                                             articles=tuple(articles), health=health))

    def _article(self, row: QueuedAlert) -> AlertArticle:
        found = (self.outbox.article(row.article_id, MAX_HITS)
                 if row.article_id is not None else None)
        if found is None:
            raise UnbuildableAlert(row.id, f"article {row.article_id} no longer exists "
                                   "(deleted from the database): nothing to send")
        article, hits, total = found
        return AlertArticle(
            id=article["id"], url=article["url"], title=article["title"],
            source=article["source"], language=article["language"],
            published=article["published"], hits=tuple(AlertHit(**h) for h in hits),
            hits_total=total, also_in=tuple(article["also_in"]))

    # ----------------------------------------------------------------- sending

    def _send(self, message: AlertMessage) -> DeliveryError | None:
        """Send under the watchdog; a send it cut off is a transient failure. (So is one that
        failed at its deadline: fetch's connection classes may cut the wait for the response
        headers a moment before the watchdog fires.)"""
        started = time.monotonic()
        try:
            with self.watchdog.guard(self.deadline):
                self._transmit(message)
        except DeliveryError as exc:
            if self.watchdog.cut is None and time.monotonic() - started < self.deadline:
                return exc
            reason = ("cut off: the sender is stopping" if self.watchdog.cut == "stopping"
                      else f"timed out: the send took longer than {self.deadline:g} s")
            return DeliveryError(reason, permanent=False)
        return None

    def _transmit(self, message: AlertMessage) -> None:
        target = self.target
        if target.webhook:
            webhook.deliver(message, target, self.session, self.deadline)
            return
        smtp = self.rules.smtp
        if smtp is None:
            raise DeliveryError("no smtp settings in rules.yaml", permanent=True)
        recipients = list(target.email or [])
        email.send(email.render(message, smtp.from_address, recipients), smtp, recipients)

    def _record(self, job: Job, lease: str,
                error: DeliveryError | None) -> tuple[str, datetime | None]:
        """Write the outcome; returns it ('sent', 'retrying' or 'dead') and the retry time."""
        ids = [row.id for row in job.rows]
        first = job.rows[0]
        now = self.clock()
        if error is None:
            if not self.outbox.sent(ids, iso(now), lease):
                self._claim_lost(job, "sent")
            logs.event(log, logging.INFO, "alert.sent", alert=first.alert, target=self.name,
                       to=self.target.label(), id=job.message.id, article=first.article_id)
            return "sent", None
        retry_at = None
        if not error.permanent:
            retry_at = next_attempt(first.attempts + 1, now, parse_iso(first.queued),
                                    self.rules.delivery, error.retry_after, self.rng)
        if not self.outbox.failed(ids, error.reason, iso(retry_at) if retry_at else None,
                                  lease):
            self._claim_lost(job, "failed")
        outcome = "retrying" if retry_at else "dead"
        logs.event(log, logging.WARNING, f"alert.{outcome}", alert=first.alert,
                   target=self.name, to=self.target.label(), id=job.message.id,
                   article=first.article_id, error=error.reason,
                   next_attempt=iso(retry_at) if retry_at else None)
        return outcome, retry_at


    def _claim_lost(self, job: Job, outcome: str) -> None:
        """The lease ran out before the outcome was written, and another sender has the rows
        now: its outcome stands (a receiver may get this message twice, under one id)."""
        logs.event(log, logging.WARNING, "alert.claim_lost", target=self.name,
                   id=job.message.id, outcome=outcome)


def _health(row: QueuedAlert) -> HealthEvent:
    try:
        detail = json.loads(row.detail or "{}")
        return HealthEvent(row.source or "", detail.get("state", ""), detail.get("detail", ""))
    except (ValueError, AttributeError):
        raise UnbuildableAlert(row.id, "health alert detail is not a JSON object: "
                               f"{row.detail!r:.80}") from None


def deliver_due(db_path: Path, rules: RulesFile, *, clock: Clock = now_utc,
                rng: random.Random | None = None,
                only: Sequence[str] | None = None) -> Counter:
    """Send what is due now to every target (or the targets named in `only`) in parallel,
    each from its own thread with its own connection; returns when each target is done (every
    send is bounded by its deadline, and a target failing in a passing way stops at its first
    failure). Counts alert rows 'sent', 'retrying' and 'dead'."""
    with Store(db_path) as store:
        prepare(store, rules, clock())
    totals: Counter = Counter()
    lock = threading.Lock()

    def one(name: str) -> None:
        try:
            with (Store(db_path) as store,
                  Sender(store, rules, name, clock=clock, rng=rng) as sender):
                outcome = sender.deliver()
        except Exception as exc:  # e.g. a locked or full database: the rows stay queued
            logs.event(log, logging.ERROR, "alert.delivery_failed", target=name,
                       error=f"{type(exc).__name__}: {exc}")
            return
        with lock:
            totals.update(outcome.counts)

    threads = [threading.Thread(target=one, args=(name,), name=f"deliver-{name}", daemon=True)
               for name in targets_of(rules) if only is None or name in only]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return totals
