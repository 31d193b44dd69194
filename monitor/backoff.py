"""When a source is polled next: its interval, stretched by its own failures and by what its
server asks for. Pure (no I/O, no clock): the pipeline feeds it a poll's outcome and stores
the answer, the daemon and `status` read it back.

- A failing source backs off exponentially, interval x 2^(failures-1), capped at
  BACKOFF_CAP (or its interval when that is longer): a site that is down for a day is asked a
  few times an hour, not every fifteen minutes, and is never disabled, so it comes back on
  its own. One success resets the count (the store keeps `consecutive_failures`).
- `Retry-After` on a 429 or 503 and `Cache-Control: max-age` on a feed's 200 or 304 are the
  server's own word on when to come back; they stretch the wait, never shorten it below the
  interval, and are capped at HINT_CAP so a hostile or mistaken header cannot silence a
  source for a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime

BACKOFF_CAP = 6 * 3600
"""The longest a failing source waits between polls (unless its interval is longer)."""
HINT_CAP = 24 * 3600
"""The longest a server's Retry-After or max-age can delay a source."""
RETRY_AFTER_STATUSES = frozenset({429, 503})
"""Answers whose Retry-After is honoured (RFC 9110: 503; RFC 6585: 429)."""

_MAX_AGE = re.compile(r'(?:^|,)\s*max-age\s*=\s*"?(\d+)"?\s*(?:,|$)', re.IGNORECASE)


@dataclass(frozen=True)
class Delay:
    """How long after a poll started the source is polled again, and why it is longer than
    its interval (None: it is not)."""

    seconds: int
    reason: str | None = None


def next_delay(interval: int, failures: int, error: str | None = None, *,
               retry_after: float | None = None, max_age: float | None = None) -> Delay:
    """The wait after a poll. `failures`: failed polls in a row, this one included (0: it
    succeeded). `error`: this poll's reason, for the message. `retry_after`: seconds a 429/503
    asked for; `max_age`: seconds a successful feed response may be cached."""
    if failures > 0:
        # The exponent is bounded: a source failing for months must not overflow.
        backoff = min(interval * 2 ** min(failures - 1, 32), max(BACKOFF_CAP, interval))
        asked = _hint(interval, retry_after)
        if asked is not None and asked > backoff:
            return Delay(asked, f"Retry-After {span(asked)}: {error}" if error
                         else f"Retry-After {span(asked)}")
        if backoff <= interval:  # the first failure: the interval as usual
            return Delay(interval)
        why = f": {error}" if error else ""
        return Delay(backoff, f"backing off {span(backoff)} after {failures} failures{why}")
    cached = _hint(interval, max_age)
    if cached is not None and cached > interval:
        return Delay(cached, f"Cache-Control max-age {span(cached)}")
    return Delay(interval)


def _hint(interval: int, seconds: float | None) -> int | None:
    """A server's delay, capped, and never below the interval."""
    if seconds is None:
        return None
    return max(interval, min(int(seconds), max(HINT_CAP, interval)))


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds a Retry-After header asks for: delay-seconds or an HTTP date (RFC 9110 10.2.3),
    measured from `now` (aware). None when absent or unreadable; a date in the past is 0."""
    if not value:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:  # no zone: not an HTTP date
        return None
    return max(0.0, (when - now).total_seconds())


def parse_max_age(cache_control: str | None) -> float | None:
    """`max-age` of a Cache-Control header in seconds, or None. `no-store` and `no-cache` say
    nothing about how soon to come back, so they leave the interval alone."""
    if not cache_control:
        return None
    found = _MAX_AGE.search(cache_control)
    return float(found.group(1)) if found else None


def span(seconds: float) -> str:
    """A wait as a user reads it: 45s, 40m, 1h, 1h30m, 1d6h."""
    left = int(seconds)
    if left < 60:
        return f"{left}s"
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts)
