"""What an alert says, independent of how it travels (email or webhook).

Built from the database when the alert is sent, so a message describes the article as stored;
its `id` is the outbox row's id, the same on every attempt, so a receiver can drop repeats.
"""

from __future__ import annotations

from dataclasses import dataclass


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
