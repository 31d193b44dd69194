"""Matching stored articles again with the current rules (`rematch`).

A poll matches an article once, when its text is new or changed; an unchanged article keeps
the hits the rules of that day found. After rules.yaml changes (a metric added, an alias
fixed), this applies the current rules to the stored texts, with the stored language, as a
poll would to a new one (reading.matched), and brings each article's hits up to date
through the store (Store.rematch): hits still found keep their ids and `created`, so review
marks and alert history stay attached.

It runs beside a daemon: articles are read and matched outside any transaction, and written
BATCH at a time, each batch one short transaction, so the daemon's polls take turns with it
instead of waiting for the whole archive. An article a poll changed meanwhile is left to the
poll. A dry run does the same reading and matching and writes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from . import logs
from .alert.schedule import outgoing
from .match import Matcher
from .reading import matched
from .records import Hit
from .store import HitChanges, Rematched, Store, StoredHit, hit_changes

log = logging.getLogger("monitor.rematch")

BATCH = 50
"""Articles matched again per transaction: one write of a few milliseconds, so a poll of
the daemon waits at most that long for its turn."""
EXAMPLES = 3
"""Examples shown per rule and direction (added, removed)."""


@dataclass(frozen=True)
class Example:
    article_id: int
    matched: str
    snippet: str


@dataclass
class RuleChanges:
    """The hits of one rule (an organisation or a metric) added and removed, with examples."""

    added: int = 0
    removed: int = 0
    examples: dict[str, list[Example]] = field(default_factory=lambda: {"+": [], "-": []})

    def note(self, sign: str, example: Example) -> None:
        if sign == "+":
            self.added += 1
        else:
            self.removed += 1
        if len(self.examples[sign]) < EXAMPLES:
            self.examples[sign].append(example)


@dataclass
class Summary:
    articles: int = 0
    """Articles matched again (those `--organisation` selected)."""
    changed: int = 0
    """Articles whose hits changed."""
    skipped: int = 0
    """Articles a poll changed or deleted while they were being matched: left to the poll."""
    added: int = 0
    removed: int = 0
    kept: int = 0
    queued: int = 0
    """Alert rows queued (with `alert` only)."""
    rules: dict[tuple[str, str], RuleChanges] = field(default_factory=dict)
    """(kind, rule) -> its changes; candidate phrases all under ('candidate', '')."""

    def count(self, article_id: int, changes: HitChanges) -> None:
        self.articles += 1
        self.added += len(changes.added)
        self.removed += len(changes.removed)
        self.kept += len(changes.kept)
        if changes.added or changes.removed:
            self.changed += 1
        for sign, hits in (("+", changes.added), ("-", [old.hit for old in changes.removed])):
            for hit in hits:
                rule = (hit.kind, "" if hit.kind == "candidate" else hit.rule)
                self.rules.setdefault(rule, RuleChanges()).note(
                    sign, Example(article_id, hit.matched, hit.snippet))


def selected_ids(store: Store, since: str | None = None, source: str | None = None) -> list[int]:
    """The ids of the articles published (or, without a date, fetched) at or after the ISO
    time `since`, of `source`, oldest first: all by default. (`--organisation` needs their
    hits, so it chooses among these as they are matched.)"""
    rows = store.conn.execute(
        "SELECT id FROM articles WHERE (:since IS NULL OR date >= "
        ":since) AND (:source IS NULL OR source = :source) ORDER BY id",
        {"since": since, "source": source})
    return [row[0] for row in rows]


def rematch(store: Store, matcher: Matcher, ids: list[int], organisation: str | None = None,
            *, dry_run: bool = False, alert: bool = False,
            progress: Callable[[int], None] = lambda done: None) -> Summary:
    """Match the articles `ids` (`selected_ids`) again with `matcher` and store their hits
    (or, with `dry_run`, only say what would change); with `organisation`, only those with
    hits of it. `alert`: queue the alerts a poll would queue for hits no alert fired for yet;
    without it nothing is queued. `progress` is told how many articles each batch held."""
    summary = Summary()
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        found = list(_match(store, matcher, chunk, organisation, alert))
        if dry_run:
            for article, stored in found:
                summary.count(article.article_id, hit_changes(stored, article.hits))
        elif found:
            written, queued = store.rematch([article for article, _ in found],
                                            matcher.rules_hash)
            summary.queued += queued
            for (article, _), changes in zip(found, written, strict=True):
                if changes is None:
                    summary.skipped += 1
                else:
                    summary.count(article.article_id, changes)
        progress(len(chunk))
    logs.event(log, logging.INFO, "rematch.done", dry_run=dry_run, articles=summary.articles,
               changed=summary.changed, skipped=summary.skipped or None, added=summary.added,
               removed=summary.removed, kept=summary.kept, queued=summary.queued or None,
               rules_hash=matcher.rules_hash)
    return summary


def _match(store: Store, matcher: Matcher, ids: list[int], organisation: str | None,
           alert: bool) -> Iterator[tuple[Rematched, list[StoredHit]]]:
    """Each article of `ids` matched again, with its stored hits; with `organisation`, only
    those with a hit of it, stored or found."""
    marks = ",".join("?" * len(ids))
    rows = store.conn.execute(f"SELECT id, source, language, text, content_hash FROM articles "
                              f"WHERE id IN ({marks}) ORDER BY id", ids).fetchall()
    stored: dict[int, list[StoredHit]] = {}
    for hit in store.stored_hits(ids):
        stored.setdefault(hit.article_id, []).append(hit)
    for row in rows:
        hits, alerts, _lemmas = matched(row["text"], row["language"], row["source"], matcher)
        old = stored.get(row["id"], [])
        if organisation is not None and not _names(organisation, [*(o.hit for o in old), *hits]):
            continue
        yield Rematched(row["id"], row["content_hash"], hits,
                        outgoing(matcher.rules, alerts, datetime.now(UTC)) if alert else []), old


def _names(organisation: str, hits: list[Hit]) -> bool:
    return any(hit.organisation == organisation for hit in hits)
