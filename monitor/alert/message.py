"""What an alert says, independent of how it travels (email or webhook).

Built from the database when the alert is sent, so a message describes the article as stored;
its `id` is the outbox row's id, the same on every attempt, so a receiver can drop repeats.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_HITS = 50
"""Hits a message carries per article. An article can have tens of thousands (a 1 MB page
listing figures gave 40,001): listing them all made a 21.7 MB email that mail servers refuse.
The message says how many more there are and links the article."""


@dataclass(frozen=True)
class AlertHit:
    kind: str
    organisation: str | None
    organisation_name: str | None
    metric: str | None
    metric_name: str | None
    value: float | None
    unit: str | None
    qualifier: str | None
    year: int | None
    matched: str
    snippet: str


@dataclass(frozen=True)
class AlertArticle:
    id: int
    url: str | None
    title: str
    source: str
    language: str | None
    published: str | None
    hits: tuple[AlertHit, ...]
    """The first MAX_HITS hits, in the order they occur."""
    hits_total: int | None = None
    """How many hits the article has in all; None when `hits` are all of them."""
    also_in: tuple[str, ...] = ()
    """The other sources that carried the same story (near-duplicates, stories.py) by the
    time the message was built, in the order they arrived: one alert per story lists them
    rather than each copy alerting again."""

    @property
    def total_hits(self) -> int:
        return len(self.hits) if self.hits_total is None else self.hits_total

    @property
    def more_hits(self) -> int:
        """Hits the article has beyond those the message carries."""
        return self.total_hits - len(self.hits)


@dataclass(frozen=True)
class HealthEvent:
    source: str
    state: str
    """'failing', 'stale' or 'recovered'."""
    detail: str


@dataclass(frozen=True)
class AlertMessage:
    id: str
    """Stable across attempts: the email Message-ID and the webhook-id."""
    alert: str
    """The alert rule's name (or 'source-health')."""
    kind: str
    """'article' (one article, immediate), 'digest' (several) or 'health'."""
    created: str
    articles: tuple[AlertArticle, ...] = ()
    health: HealthEvent | None = None
