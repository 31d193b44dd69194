"""Delivering the outbox: every due alert row, by email or webhook, retried until it is sent
or given up.

Messages are built from the database in the calling thread (SQLite connections stay in their
thread); only the network work runs in a thread per target, so a mail server timing out never
delays a webhook. Outcomes are written back one short transaction at a time: if the process
dies between a delivery and its record, the alert is sent again with the same id, and the
receiver can drop the repeat.
"""

from __future__ import annotations

import json
import logging
import random
from collections import Counter, defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime

import requests

from .. import logs
from ..config import RulesFile, Target
from ..errors import DeliveryError
from ..store import HEALTH_ALERT, Outbox, QueuedAlert, Store
from . import email, webhook
from .message import AlertArticle, AlertHit, AlertMessage, HealthEvent
from .schedule import iso, next_attempt, parse_iso

log = logging.getLogger("monitor.alert")
MAX_TARGET_THREADS = 8


@dataclass(frozen=True)
class Job:
    target: str
    rows: tuple[QueuedAlert, ...]
    message: AlertMessage | None
    """None when the job cannot be built (its target is no longer configured)."""


def targets_of(rules: RulesFile) -> dict[str, Target]:
    targets = {t.describe(): t for alert in rules.alerts for t in alert.targets}
    if rules.health is not None:
        targets[rules.health.target.describe()] = rules.health.target
    return targets


class Sender:
    def __init__(self, store: Store, rules: RulesFile, session: requests.Session | None = None,
                 clock: Callable[[], datetime] = lambda: datetime.now(UTC),
                 rng: random.Random | None = None):
        self.outbox = Outbox(store)
        self.rules = rules
        self.targets = targets_of(rules)
        self._own_session = session is None
        self.session = session or requests.Session()
        self.clock = clock
        self.rng = rng or random.Random()

    def __enter__(self) -> Sender:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._own_session:
            self.session.close()

    def deliver_due(self) -> Counter:
        """Send what is due now. Returns counts of 'sent', 'retrying' and 'dead' alert rows."""
        jobs = self._jobs(self.outbox.due(iso(self.clock())))
        by_target: dict[str, list[Job]] = defaultdict(list)
        for job in jobs:
            by_target[job.target].append(job)
        counts: Counter = Counter()
        if not by_target:
            return counts
        with ThreadPoolExecutor(min(len(by_target), MAX_TARGET_THREADS)) as pool:
            results = pool.map(self._deliver_all, by_target.values())
            for outcomes in results:
                for job, error in outcomes:
                    counts[self._record(job, error)] += len(job.rows)
        return counts

    # ----------------------------------------------------------------- building

    def _jobs(self, rows: list[QueuedAlert]) -> list[Job]:
        jobs = []
        digests: dict[tuple[str, str, str | None], list[QueuedAlert]] = defaultdict(list)
        for row in rows:
            if row.kind == "digest":
                digests[(row.alert, row.target, row.batch)].append(row)
            else:
                jobs.append(Job(row.target, (row,), self._message(row.id, row.alert, row.kind,
                                                                  (row,))))
        for (alert, target, batch), group in digests.items():
            batch = batch or f"dig_{group[0].id.removeprefix('msg_')}"
            self.outbox.claim([r.id for r in group], batch)
            jobs.append(Job(target, tuple(group),
                            self._message(batch, alert, "digest", tuple(group))))
        return [job if job.target in self.targets else Job(job.target, job.rows, None)
                for job in jobs]

    def _message(self, message_id: str, alert: str, kind: str,
                 rows: tuple[QueuedAlert, ...]) -> AlertMessage:
        created = iso(self.clock())
        if kind == "health":
            detail = json.loads(rows[0].detail or "{}")
            return AlertMessage(message_id, HEALTH_ALERT, "health", created, health=HealthEvent(
                rows[0].source or "", detail.get("state", ""), detail.get("detail", "")))
        articles = []
        for row in rows:
            if row.article_id is None:
                continue
            article, hits = self.outbox.article(row.article_id)
            articles.append(AlertArticle(
                id=article["id"], url=article["url"], title=article["title"],
                source=article["source"], language=article["language"],
                published=article["published"], hits=tuple(AlertHit(**h) for h in hits)))
        return AlertMessage(message_id, alert, kind, created, articles=tuple(articles))

    # ----------------------------------------------------------------- sending

    def _deliver_all(self, jobs: list[Job]) -> list[tuple[Job, DeliveryError | None]]:
        return [(job, self._deliver(job)) for job in jobs]

    def _deliver(self, job: Job) -> DeliveryError | None:
        if job.message is None:
            return DeliveryError(f"target {job.target} is no longer configured", permanent=True)
        target = self.targets[job.target]
        try:
            if target.webhook:
                webhook.deliver(job.message, target, self.session)
            else:
                smtp = self.rules.smtp
                if smtp is None:
                    raise DeliveryError("no smtp settings in rules.yaml", permanent=True)
                recipients = list(target.email or [])
                email.send(email.render(job.message, smtp.from_address, recipients), smtp,
                           recipients)
        except DeliveryError as exc:
            return exc
        return None

    def _record(self, job: Job, error: DeliveryError | None) -> str:
        ids = [row.id for row in job.rows]
        now = self.clock()
        message_id = job.message.id if job.message else ids[0]
        if error is None:
            self.outbox.sent(ids, iso(now))
            logs.event(log, logging.INFO, "alert.sent", alert=job.rows[0].alert,
                       target=job.target, id=message_id, article=job.rows[0].article_id)
            return "sent"
        retry_at = None
        if not error.permanent:
            attempts = job.rows[0].attempts + 1
            retry_at = next_attempt(attempts, now, parse_iso(job.rows[0].queued),
                                    self.rules.delivery, error.retry_after, self.rng)
        self.outbox.failed(ids, error.reason, iso(retry_at) if retry_at else None)
        outcome = "retrying" if retry_at else "dead"
        logs.event(log, logging.WARNING, f"alert.{outcome}", alert=job.rows[0].alert,
                   target=job.target, id=message_id, error=error.reason,
                   next_attempt=iso(retry_at) if retry_at else None)
        return outcome
