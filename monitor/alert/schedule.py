"""When an alert may go out, and when a failed one is tried again. Pure: clocks are passed in.

Backoff doubles from `retry_base` up to `retry_max`, with ±20% jitter so that alerts which
failed together (a mail server restart) do not all retry in the same second; a receiver's
Retry-After is a floor. An alert still failing `give_up_after` after it was queued is dead.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ..config import Alert, DeliverySettings, RulesFile
from ..moments import iso
from ..records import Outgoing


def due(alert: Alert, now: datetime) -> datetime:
    """Immediate alerts are due now; hourly digests at the next full hour; daily digests at
    the next `at` in the alert's time zone (DST-aware)."""
    if alert.mode == "immediate":
        return now
    if alert.mode == "hourly":
        return (now + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
    zone = ZoneInfo(alert.timezone)
    hour, minute = (int(part) for part in alert.at.split(":"))
    local = now.astimezone(zone)
    day = local.date()
    candidate = datetime.combine(day, time(hour, minute), zone)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=1), time(hour, minute), zone)
    return candidate.astimezone(UTC)


def outgoing(rules: RulesFile, names: list[str], now: datetime) -> list[Outgoing]:
    """The alert rows to queue for the alerts an article satisfies (`names`), with when each
    is due; the store queues them only for hits they have not been sent for. A poll's and
    `rematch --alert`'s alike."""
    return [Outgoing(alert.name, tuple(t.name for t in alert.targets),
                     "article" if alert.mode == "immediate" else "digest",
                     iso(due(alert, now)))
            for alert in rules.alerts if alert.name in names]


def next_attempt(attempts: int, now: datetime, queued: datetime, settings: DeliverySettings,
                 retry_after: float | None, rng: random.Random) -> datetime | None:
    """After `attempts` failed attempts (this one included): when to try again, or None to
    give up."""
    delay = min(settings.retry_max, settings.retry_base * 2 ** max(attempts - 1, 0))
    delay *= rng.uniform(0.8, 1.2)
    if retry_after is not None:
        delay = max(delay, retry_after)
    moment = now + timedelta(seconds=delay)
    if (moment - queued).total_seconds() > settings.give_up_after:
        return None
    return moment
