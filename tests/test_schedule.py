"""When alerts go out and when failed ones are retried (pure functions, clocks passed in)."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from monitor.alert.schedule import due, next_attempt
from monitor.config import Alert, DeliverySettings


def alert(**fields) -> Alert:
    return Alert.model_validate({"name": "a", "when": {"term": "x"},
                                 "targets": [{"webhook": "https://h.example/x"}], **fields})


def test_immediate_and_hourly() -> None:
    now = datetime(2026, 3, 10, 14, 25, 7, tzinfo=UTC)
    assert due(alert(), now) == now
    assert due(alert(mode="hourly"), now) == datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


def test_daily_at_local_time_across_dst() -> None:
    berlin = alert(mode="daily", at="09:00", timezone="Europe/Berlin")
    winter = datetime(2026, 3, 28, 10, 0, tzinfo=UTC)  # 11:00 in Berlin (UTC+1): tomorrow
    # 29 March 2026 Berlin moves to summer time: 09:00 local is 07:00 UTC
    assert due(berlin, winter) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
    early = datetime(2026, 3, 28, 6, 0, tzinfo=UTC)  # 07:00 Berlin: today at 09:00 local
    assert due(berlin, early) == datetime(2026, 3, 28, 8, 0, tzinfo=UTC)
    moscow = alert(mode="daily", at="18:30", timezone="Europe/Moscow")
    assert due(moscow, winter) == datetime(2026, 3, 28, 15, 30, tzinfo=UTC)


@given(attempts=st.integers(1, 60), retry_after=st.one_of(st.none(), st.floats(0, 10_000)),
       seed=st.integers(0, 1000))
def test_backoff_grows_within_bounds_and_honours_retry_after(attempts: int,
                                                             retry_after: float | None,
                                                             seed: int) -> None:
    settings = DeliverySettings(retry_base=30, retry_max=3600, give_up_after=10**9)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    moment = next_attempt(attempts, now, now, settings, retry_after, random.Random(seed))
    delay = (moment - now).total_seconds()
    expected = min(3600, 30 * 2 ** (attempts - 1))
    tick = 1e-5  # timedelta keeps microseconds
    assert expected * 0.8 - tick <= delay <= max(expected * 1.2, retry_after or 0) + tick
    if retry_after is not None:
        assert delay >= retry_after - tick


def test_gives_up_after_the_window() -> None:
    settings = DeliverySettings(retry_base=30, retry_max=3600, give_up_after=86400)
    queued = datetime(2026, 1, 1, tzinfo=UTC)
    rng = random.Random(1)
    assert next_attempt(3, queued + timedelta(hours=20), queued, settings, None, rng)
    assert next_attempt(3, queued + timedelta(hours=24), queued, settings, None, rng) is None
