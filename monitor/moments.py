"""Moments as the database and the logs write them: ISO 8601 in UTC, to the second, with a Z.

Here, apart from any stage, because every layer that stores or compares times (store,
pipeline, scheduler, delivery, cli) reads and writes the same form."""

from __future__ import annotations

from datetime import UTC, datetime


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
