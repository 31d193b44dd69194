"""The SQLite database: a public interface users query with `sqlite-utils`.

WAL mode and a busy timeout let a user run `sqlite-utils query` while the daemon writes. Every
write is one `BEGIN IMMEDIATE` transaction, so a killed process leaves either all of an
article with its hits or none of it. The schema is versioned with `PRAGMA user_version` and
migrated forward on open; a database written by a newer release is refused, not damaged.

Writes are plain SQL on purpose: sqlite-utils' insert helpers commit on their own, which would
split our transactions.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import RulesFile, Source
from .errors import DatabaseNotFound, SchemaError
from .moments import iso, parse_iso
from .records import HIT_FIELDS, Article, Hit, Outgoing
from .stories import BANDS, THRESHOLD, Signature
from .stories import signature as stories_signature

if TYPE_CHECKING:
    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000
STORY_WINDOW_DAYS = 14
"""How far back a new article's earlier copies are looked for. A release's copies arrive within
days; signatures and band keys older than this are deleted, so the index stays the size of
two weeks of articles however long the database runs."""


def utcnow() -> str:
    return iso(datetime.now(UTC))


# --------------------------------------------------------------------------- schema

_V1 = """
CREATE TABLE sources (
    name TEXT PRIMARY KEY,
    url TEXT NOT NULL,
    kind TEXT NOT NULL,
    language TEXT,
    interval INTEGER NOT NULL,
    enabled INTEGER NOT NULL,
    etag TEXT,
    last_modified TEXT,
    last_polled TEXT,
    last_success TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE fetches (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name),
    started TEXT NOT NULL,
    duration REAL NOT NULL,
    status INTEGER,
    new_entries INTEGER NOT NULL DEFAULT 0,
    updated_entries INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    warning TEXT
);
CREATE INDEX fetches_source_started ON fetches(source, started);
CREATE TABLE organisations (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    aliases TEXT NOT NULL
);
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL REFERENCES sources(name),
    key TEXT NOT NULL,
    url TEXT,
    canonical_url TEXT,
    guid TEXT,
    title TEXT NOT NULL,
    published TEXT,
    fetched TEXT NOT NULL,
    updated TEXT,
    language TEXT,
    text TEXT NOT NULL,
    extracted_from TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    entry_hash TEXT NOT NULL,
    UNIQUE (source, key)
);
CREATE INDEX articles_published ON articles(published);
CREATE TABLE hits (
    id INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    organisation TEXT,
    metric TEXT,
    value REAL,
    unit TEXT,
    matched TEXT NOT NULL,
    start INTEGER NOT NULL,
    [end] INTEGER NOT NULL,
    snippet TEXT NOT NULL,
    created TEXT NOT NULL
);
CREATE INDEX hits_article_id ON hits(article_id);
CREATE INDEX hits_organisation ON hits(organisation);
CREATE VIEW hits_view AS
SELECT
    hits.id, hits.kind, hits.rule, hits.organisation,
    organisations.name AS organisation_name, hits.metric, hits.value, hits.unit,
    hits.matched, hits.snippet, hits.created,
    articles.id AS article_id, articles.title, articles.url, articles.source,
    articles.published, articles.language
FROM hits
JOIN articles ON articles.id = hits.article_id
LEFT JOIN organisations ON organisations.id = hits.organisation;
CREATE VIRTUAL TABLE [articles_fts] USING FTS5 (
    [title], [text], content=[articles], tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER [articles_ai] AFTER INSERT ON [articles] BEGIN
  INSERT INTO [articles_fts] (rowid, [title], [text]) VALUES (new.rowid, new.[title], new.[text]);
END;
CREATE TRIGGER [articles_ad] AFTER DELETE ON [articles] BEGIN
  INSERT INTO [articles_fts] ([articles_fts], rowid, [title], [text])
  VALUES('delete', old.rowid, old.[title], old.[text]);
END;
CREATE TRIGGER [articles_au] AFTER UPDATE ON [articles] BEGIN
  INSERT INTO [articles_fts] ([articles_fts], rowid, [title], [text])
  VALUES('delete', old.rowid, old.[title], old.[text]);
  INSERT INTO [articles_fts] (rowid, [title], [text]) VALUES (new.rowid, new.[title], new.[text]);
END;
"""

_V2 = """
ALTER TABLE hits ADD COLUMN qualifier TEXT;
ALTER TABLE hits ADD COLUMN year INTEGER;
CREATE INDEX hits_metric ON hits(metric);
CREATE TABLE metrics (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    unit TEXT NOT NULL,
    keywords TEXT NOT NULL
);
DROP VIEW hits_view;
CREATE VIEW hits_view AS
SELECT
    hits.id, hits.kind, hits.rule, hits.organisation,
    organisations.name AS organisation_name, hits.metric, metrics.name AS metric_name,
    hits.value, hits.unit, hits.qualifier, hits.year, hits.matched, hits.snippet, hits.created,
    articles.id AS article_id, articles.title, articles.url, articles.source,
    articles.published, articles.language
FROM hits
JOIN articles ON articles.id = hits.article_id
LEFT JOIN organisations ON organisations.id = hits.organisation
LEFT JOIN metrics ON metrics.id = hits.metric;
"""

_V3 = """
ALTER TABLE sources ADD COLUMN last_new_entry TEXT;
ALTER TABLE sources ADD COLUMN health TEXT NOT NULL DEFAULT 'ok';
CREATE TABLE alerts (
    id TEXT PRIMARY KEY,
    alert TEXT NOT NULL,
    target TEXT NOT NULL,
    kind TEXT NOT NULL,
    article_id INTEGER REFERENCES articles(id) ON DELETE SET NULL,
    source TEXT,
    detail TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    due TEXT NOT NULL,
    next_attempt TEXT NOT NULL,
    queued TEXT NOT NULL,
    last_error TEXT,
    batch TEXT,
    created TEXT NOT NULL,
    sent TEXT
);
CREATE INDEX alerts_status_next_attempt ON alerts(status, next_attempt);
CREATE INDEX alerts_article_id ON alerts(article_id);
CREATE TABLE alerted_hits (
    alert TEXT NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    hit TEXT NOT NULL,
    PRIMARY KEY (alert, article_id, hit)
);
CREATE VIEW alerts_view AS
SELECT
    alerts.id, alerts.alert, alerts.kind, alerts.target, alerts.status, alerts.attempts,
    alerts.next_attempt, alerts.last_error, alerts.created, alerts.sent, alerts.batch,
    alerts.article_id, articles.title, articles.url,
    coalesce(articles.source, alerts.source) AS source, alerts.detail
FROM alerts
LEFT JOIN articles ON articles.id = alerts.article_id;
"""

_V4 = """
ALTER TABLE articles ADD COLUMN page_error TEXT;
ALTER TABLE articles ADD COLUMN page_attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE alerts ADD COLUMN lease_until TEXT;
CREATE TABLE daemon (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started TEXT NOT NULL,
    heartbeat TEXT NOT NULL
);
"""
"""Version 4: why an article's text came from the feed (`page_error`: the page failed or was
refused) and how often its page was tried, so the page is retried on later polls; a lease on
an alert row being sent (`status = 'sending'`), so two processes never send the same row; and
the running daemon's heartbeat, so `status` can tell whether one is running."""

_V5 = """
ALTER TABLE hits ADD COLUMN mentions INTEGER NOT NULL DEFAULT 1;
"""
"""Version 5: how many times an article states a figure (title and body, repeats), which is
stored once (`Hit.mentions`)."""

_V6 = """
ALTER TABLE sources ADD COLUMN next_poll TEXT;
ALTER TABLE sources ADD COLUMN next_poll_reason TEXT;
"""
"""Version 6: when a source is polled next and why that is later than its interval (backing
off after failures, the server's Retry-After or Cache-Control max-age), so the daemon, a
restarted daemon and `status` all see it (monitor/backoff.py)."""

_V7 = """
CREATE TABLE stories (
    id INTEGER PRIMARY KEY,
    first_seen TEXT NOT NULL,
    title TEXT NOT NULL,
    articles INTEGER NOT NULL DEFAULT 0,
    sources INTEGER NOT NULL DEFAULT 0
);
ALTER TABLE articles ADD COLUMN story INTEGER REFERENCES stories(id);
CREATE INDEX articles_story ON articles(story);
CREATE TABLE story_signatures (
    article_id INTEGER PRIMARY KEY REFERENCES articles(id) ON DELETE CASCADE,
    signature BLOB NOT NULL,
    seen TEXT NOT NULL
);
CREATE INDEX story_signatures_seen ON story_signatures(seen);
CREATE TABLE story_bands (
    band INTEGER NOT NULL,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    PRIMARY KEY (band, article_id)
) WITHOUT ROWID;
CREATE INDEX story_bands_article_id ON story_bands(article_id);
ALTER TABLE alerts ADD COLUMN story INTEGER;
CREATE INDEX alerts_story ON alerts(story, alert, target);
"""
"""Version 7: near-duplicate articles grouped into stories (stories.py). Every new article
points to its story; the MinHash signatures and LSH band keys of the last STORY_WINDOW_DAYS
of articles find a new article's earlier copies by index. An immediate alert row remembers
its story, so a copy from another source queues no second one."""

_V8 = """
CREATE INDEX articles_story_source ON articles(story, source);
DROP INDEX articles_story;
DROP INDEX story_bands_article_id;
"""
"""Version 8: a story's sources counted by index (whether a copy's source is new to its story
is one index search, not a read of every article of the story); band keys without an index by
article (they are deleted by key, computed from the signature), and 32 of them, not 64, read
from the values rather than hashed (stories.BANDS): saving an article wrote 64 keys to random
places of two indexes, ten times the rest of the save. Signatures are rensa's MinHash, not
datasketch's, computed again from each kept article's text (stories.py says why)."""

_V9 = """
ALTER TABLE organisations ADD COLUMN in_rules INTEGER NOT NULL DEFAULT 1;
ALTER TABLE metrics ADD COLUMN in_rules INTEGER NOT NULL DEFAULT 1;
DELETE FROM hits WHERE article_id NOT IN (SELECT id FROM articles);
INSERT INTO organisations (id, name, aliases, in_rules)
SELECT DISTINCT organisation, organisation, '{}', 0 FROM hits
WHERE organisation IS NOT NULL AND organisation NOT IN (SELECT id FROM organisations);
INSERT INTO metrics (id, name, unit, keywords, in_rules)
SELECT metric, metric, coalesce(max(unit), ''), '{}', 0 FROM hits
WHERE metric IS NOT NULL AND metric NOT IN (SELECT id FROM metrics) GROUP BY metric;
DROP VIEW hits_view;
CREATE TABLE hits_new (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    rule TEXT NOT NULL,
    organisation TEXT REFERENCES organisations(id),
    metric TEXT REFERENCES metrics(id),
    value REAL,
    unit TEXT,
    matched TEXT NOT NULL,
    start INTEGER NOT NULL,
    [end] INTEGER NOT NULL,
    snippet TEXT NOT NULL,
    created TEXT NOT NULL,
    qualifier TEXT,
    year INTEGER,
    mentions INTEGER NOT NULL DEFAULT 1
);
INSERT INTO hits_new (id, article_id, kind, rule, organisation, metric, value, unit, matched,
    start, [end], snippet, created, qualifier, year, mentions)
SELECT id, article_id, kind, rule, organisation, metric, value, unit, matched, start, [end],
    snippet, created, qualifier, year, mentions FROM hits;
DROP TABLE hits;
ALTER TABLE hits_new RENAME TO hits;
CREATE INDEX hits_article_id ON hits(article_id);
CREATE INDEX hits_organisation ON hits(organisation);
CREATE INDEX hits_metric ON hits(metric);
CREATE INDEX hits_created ON hits(created);
CREATE INDEX articles_source_published ON articles(source, published);
CREATE INDEX articles_content_hash ON articles(content_hash);
ALTER TABLE sources ADD COLUMN first_polled TEXT;
UPDATE sources SET first_polled = (SELECT min(started) FROM fetches WHERE source = sources.name);
CREATE VIEW hits_view AS
SELECT
    hits.id, hits.kind, hits.rule, hits.organisation,
    organisations.name AS organisation_name, hits.metric, metrics.name AS metric_name,
    hits.value, hits.unit, hits.qualifier, hits.year, hits.matched, hits.start, hits.[end],
    hits.snippet, hits.mentions, hits.created,
    articles.id AS article_id, articles.title, articles.url, articles.canonical_url,
    articles.source, articles.published, articles.fetched,
    coalesce(articles.published, articles.fetched) AS date, articles.language
FROM hits
JOIN articles ON articles.id = hits.article_id
LEFT JOIN organisations ON organisations.id = hits.organisation
LEFT JOIN metrics ON metrics.id = hits.metric;
CREATE VIEW figures AS
SELECT
    hits.organisation, organisations.name AS organisation_name, hits.metric,
    metrics.name AS metric_name, hits.value, hits.unit, hits.qualifier, hits.year,
    coalesce(articles.published, articles.fetched) AS date, articles.source,
    coalesce(articles.canonical_url, articles.url) AS url, articles.title,
    hits.article_id, hits.id AS hit_id
FROM hits
JOIN articles ON articles.id = hits.article_id
LEFT JOIN organisations ON organisations.id = hits.organisation
LEFT JOIN metrics ON metrics.id = hits.metric
WHERE hits.metric IS NOT NULL AND hits.kind = 'metric';
CREATE VIEW latest_figures AS
SELECT organisation, organisation_name, metric, metric_name, value, unit, qualifier, year,
    date, source, url, title, article_id, hit_id, figures AS figures_known
FROM (
    SELECT *, count(*) OVER by_figure AS figures, row_number() OVER (
        by_figure ORDER BY coalesce(year > dated, 0), coalesce(year, dated) DESC, date DESC,
        qualifier IS 'previous', hit_id DESC) AS rank
    FROM (SELECT *, CAST(substr(date, 1, 4) AS INTEGER) AS dated FROM figures
          WHERE organisation IS NOT NULL)
    WINDOW by_figure AS (PARTITION BY organisation, metric)
)
WHERE rank = 1;
CREATE VIEW source_health AS
SELECT
    sources.name AS source, sources.enabled, sources.health, sources.last_success,
    sources.last_error, sources.last_error_at, sources.consecutive_failures,
    sources.last_new_entry,
    (SELECT count(*) FROM articles WHERE articles.source = sources.name
     AND articles.fetched >= strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-7 days')) AS articles_7d,
    sources.next_poll, sources.next_poll_reason
FROM sources;
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    hit_id INTEGER UNIQUE REFERENCES hits(id) ON DELETE SET NULL,
    article_id INTEGER,
    kind TEXT NOT NULL,
    organisation TEXT REFERENCES organisations(id),
    metric TEXT REFERENCES metrics(id),
    value REAL,
    matched TEXT NOT NULL,
    verdict TEXT NOT NULL CHECK (verdict IN ('right', 'wrong')),
    note TEXT,
    created TEXT NOT NULL
);
"""
"""Version 9: the database as the review surface. Hits point to their organisation and metric
by foreign key (rebuilt table: SQLite adds no constraint to a table in place; ids, `created`
and every column kept, ids never reused from now on, so a review mark never lands on another
hit). Organisations and metrics that leave rules.yaml stay, `in_rules = 0`, so their hits
keep their names (ids hits name that no rules row had get a row named by the id; hits of an
article deleted with a tool that does not enforce foreign keys, such as sqlite-utils, would
fail the rebuild's check and are dropped, as their article's deletion meant). Indexes for
the README's queries; `first_polled`, since `fetches` is now pruned (FetchSettings.history)
and a source's first poll was read from it; the reviewer's views; review marks (review.py)
that keep a copy of what the hit said, so a mark outlives its hit."""

_V10 = """
ALTER TABLE articles ADD COLUMN rules_hash TEXT;
CREATE INDEX articles_rules_hash ON articles(rules_hash);
"""
"""Version 10: the rules an article's hits were found with (`RulesFile.matching_hash`: its
organisations, metrics and terms), so `status` and the daemon can say which stored hits
predate the current rules.yaml and `rematch` can bring them up to date; NULL for articles
matched before this version. Indexed: `status` counts the others by it."""


_V11 = """
CREATE VIRTUAL TABLE articles_lemmas USING FTS5 (
    lemmas, tokenize='unicode61 remove_diacritics 0'
);
CREATE TRIGGER articles_lemmas_ad AFTER DELETE ON articles BEGIN
  DELETE FROM articles_lemmas WHERE rowid = old.id;
END;
CREATE TRIGGER articles_lemmas_au AFTER UPDATE OF text, language ON articles BEGIN
  DELETE FROM articles_lemmas WHERE rowid = old.id;
END;
"""
"""Version 11: Russian-aware search (`search`, monitor/search.py). `articles_lemmas` holds each
article's text as its words' likeliest forms (morph.text_forms), rowid = articles.id, written
by `save_article` in the article's transaction. A trigger drops an article's row when the
article is deleted or its text changed (save_article writes the new one; a text edited with
sqlite-utils is not searchable until saved again, rather than found by words it no longer
has). Its own copy of the forms, not external content: the snippet of a result lines them up
with the original words, and SQLite before 3.43 cannot delete from a contentless table by
rowid."""


_V12 = """
ALTER TABLE articles ADD COLUMN date TEXT GENERATED ALWAYS AS (coalesce(published, fetched))
    VIRTUAL;
CREATE INDEX articles_date ON articles(date);
"""
"""Version 12: an article's one `date` (published, else fetched) as a column of its own,
computed by SQLite (a virtual generated column) and indexed: `export`, `search`, `rematch`,
`candidates` and the review page read it instead of each spelling the rule out, and `--since`
finds its articles by index. The views of version 9 compute the same `date` and are left as
they are."""

MIGRATIONS: list[str] = [_V1, _V2, _V3, _V4, _V5, _V6, _V7, _V8, _V9, _V10, _V11, _V12]
"""MIGRATIONS[n] takes a database from user_version n to n + 1. Append; never edit."""


def _sign_again(conn: sqlite3.Connection) -> None:
    """Version 8's signatures (rensa's MinHash, not datasketch's) and band keys (32 bands,
    stories.BANDS) for every article version 7 kept a signature of, from its
    stored text: a copy of an article saved before the upgrade is still found."""
    rows = conn.execute("SELECT story_signatures.article_id, articles.text FROM "
                        "story_signatures JOIN articles ON articles.id = "
                        "story_signatures.article_id").fetchall()
    conn.execute("DELETE FROM story_bands")
    for article_id, text in rows:
        signature = stories_signature(text)
        if signature is None:  # cannot happen for a text signed before; kept consistent
            conn.execute("DELETE FROM story_signatures WHERE article_id = ?", (article_id,))
            continue
        conn.execute("UPDATE story_signatures SET signature = ? WHERE article_id = ?",
                     (signature.values, article_id))
        _write_bands(conn, article_id, signature.bands())


def _lemmas(text: str, language: str | None) -> str:
    """An article's text as `articles_lemmas` holds it, reduced here: for articles stored
    before version 11, and articles built by anything but the reading stage."""
    from .morph import latin_variant, text_forms  # pymorphy3: only when a text is reduced
    from .tokens import words

    return text_forms([word.norm for word in words(text)], latin_variant(language))


def _index_stored_lemmas(conn: sqlite3.Connection) -> None:
    """Version 11's search index, for every article already stored: read a few hundred at a
    time, since an archive's texts need not fit in memory at once."""
    rows = conn.execute("SELECT id, text, language FROM articles ORDER BY id")
    while batch := rows.fetchmany(500):
        conn.executemany("INSERT INTO articles_lemmas (rowid, lemmas) VALUES (?, ?)",
                         [(row[0], _lemmas(row[1], row[2])) for row in batch])


AFTER_MIGRATION: dict[int, Callable[[sqlite3.Connection], None]] = {7: _sign_again,
                                                                    10: _index_stored_lemmas}
"""What a migration computes in Python after its SQL, by the number it migrates from."""
SCHEMA_VERSION = len(MIGRATIONS)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class HealthPolicy:
    target: str
    failures: int
    stale_after: int | None


@dataclass(frozen=True)
class QueuedAlert:
    """A row of the `alerts` outbox, claimed for sending."""

    id: str
    alert: str
    target: str
    kind: str
    article_id: int | None
    source: str | None
    detail: str | None
    attempts: int
    queued: str
    batch: str | None
    created: str
    story: int | None = None
    """The article's story: a digest lists a story once."""


@dataclass(frozen=True)
class StoredHit:
    """A row of `hits`, as re-matching compares it with what the rules find now: the hit, and
    the id and `created` time it keeps while the rules still find it."""

    id: int
    article_id: int
    created: str
    hit: Hit


STORED_HIT = ("SELECT id, article_id, created, "
              + ", ".join("[end]" if name == "end" else name for name in HIT_FIELDS)
              + " FROM hits")
"""A stored hit's row: its id, article and creation, then the hit in `Hit`'s own order."""


@dataclass(frozen=True)
class HitChanges:
    """What matching an article again does to its stored hits: hits it still finds are kept
    (with their ids and `created`, their offsets moved to where they are now), the others
    removed, and those not stored yet added."""

    kept: list[tuple[StoredHit, Hit]]
    removed: list[StoredHit]
    added: list[Hit]


def hit_identity(hit: Hit) -> tuple[object, ...]:
    """What makes a hit the same hit when its article is matched again: what it says, not
    where (an edited article moves every offset). Review marks and alert history hang on a
    hit's id, so a hit the rules still find must keep it."""
    return (hit.kind, hit.rule, hit.organisation, hit.metric, hit.value, hit.unit,
            hit.qualifier, hit.year, hit.matched)


def hit_changes(stored: Sequence[StoredHit], found: Sequence[Hit]) -> HitChanges:
    """Pair an article's stored hits with the hits found now: equal identities in the order
    they occur (the second "Технопарк «Якутия»" of the text is the second one stored)."""
    waiting: dict[tuple[object, ...], list[StoredHit]] = {}
    for old in sorted(stored, key=lambda h: (h.hit.start, h.id)):
        waiting.setdefault(hit_identity(old.hit), []).append(old)
    kept, added = [], []
    for new in sorted(found, key=lambda h: h.start):
        same = waiting.get(hit_identity(new))
        if same:
            kept.append((same.pop(0), new))
        else:
            added.append(new)
    removed = sorted((old for olds in waiting.values() for old in olds), key=lambda h: h.id)
    return HitChanges(kept, removed, added)


@dataclass(frozen=True)
class Rematched:
    """An article matched again with the current rules, to be written by `Store.rematch`."""

    article_id: int
    content_hash: str
    """The text the hits were found in: an article a poll changed meanwhile is left alone."""
    hits: list[Hit]
    outgoing: list[Outgoing]


@dataclass(frozen=True)
class KnownArticle:
    id: int
    content_hash: str
    entry_hash: str
    page_error: str | None
    page_attempts: int


@dataclass(frozen=True)
class SourceState:
    etag: str | None
    last_modified: str | None
    consecutive_failures: int = 0
    next_poll: str | None = None
    next_poll_reason: str | None = None


@dataclass(frozen=True)
class FetchRecord:
    source: str
    started: str
    duration: float
    status: int | None
    new_entries: int = 0
    updated_entries: int = 0
    error: str | None = None
    warning: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    keep_validators: bool = False
    """True for a 304 or a poll that left entries unprocessed: keep the stored ETag and
    Last-Modified so nothing is skipped next time."""
    next_poll: str | None = None
    """When the source is due again (the poll's start plus its interval or back-off)."""
    next_poll_reason: str | None = None
    """Why `next_poll` is later than the interval allows, for `status`; None when it is not."""


# --------------------------------------------------------------------------- store


class Store:
    _unrecorded: dict[Path, list[tuple[FetchRecord, HealthPolicy | None]]] = {}
    """Fetch records that could not be written (disk full, database locked), per database
    file, for every Store of this process: the next `record_fetch` that can write writes them
    first. Kept in memory only; a process that exits before the database accepts writes again
    loses them (their log lines remain)."""
    _unrecorded_lock = threading.Lock()
    _writers: dict[Path, threading.Lock] = {}
    """One write lock per database file for every Store of this process: threads take turns
    here, in order, instead of in SQLite's busy handler, which sleeps up to 100 ms between
    tries and would idle a pool of poll threads that all write short transactions."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = BUSY_TIMEOUT_MS, *,
                 any_thread: bool = False, on_queued: Callable[[], None] | None = None,
                 cache_kib: int | None = None):
        """`busy_timeout_ms`: how long a statement waits for another writer. The daemon's main
        thread passes a short one: it must stay free to act on SIGTERM. `any_thread`: the
        store is used by one thread at a time, not always the one that opened it (the
        engine's per-thread stores are closed by the thread that ran the pool).

        `cache_kib`: the connection's page cache, when not SQLite's 2 MiB (the engine's
        sixteen poll threads each hold a connection of short transactions).

        `on_queued` is called once a transaction that queued alerts has committed: the daemon
        wakes its delivery with it, so an alert goes out while the poll that found it goes on
        (the store knows nothing of delivery; whoever opens it decides what queueing means)."""
        self.path = Path(path)
        self._file = self.path.resolve()
        """The database file, one key for every Store of it in this process (its write lock,
        its unrecorded fetches), resolved once: a poll records a fetch per source."""
        self.on_queued = on_queued
        self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(self.path, isolation_level=None, timeout=busy_timeout_ms / 1000,
                               check_same_thread=not any_thread)
        conn.row_factory = sqlite3.Row
        conn.execute(f"PRAGMA busy_timeout = {busy_timeout_ms}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        if cache_kib is not None:
            conn.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        self.conn = conn
        self._busy_timeout = busy_timeout_ms / 1000
        with self._unrecorded_lock:
            self._writer = self._writers.setdefault(self._file, threading.Lock())
        self._batched = False
        self._queued_in_batch = False
        """Whether the open batch queued alerts, to announce once it commits."""
        self._migrate()

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """The connection as sqlite-utils sees it (table and view names, as users list them).
        Made on first use: importing sqlite-utils imports numpy, 25 MB and a tenth of a
        second that a poll never needs."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn)

    @classmethod
    def existing(cls, path: str | Path) -> Store:
        """Open a database that must already exist and be ours (read-only commands: status,
        alerts). It is looked at read-only first: an empty file or another program's SQLite
        database is refused untouched, not given our tables."""
        if not Path(path).is_file():
            raise DatabaseNotFound(path)
        try:
            probe = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
            try:
                version = probe.execute("PRAGMA user_version").fetchone()[0]
                ours = probe.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                     "AND name IN ('sources', 'articles', 'hits')").fetchone()[0]
            finally:
                probe.close()
        except sqlite3.DatabaseError as exc:
            raise DatabaseNotFound(path, str(exc)) from None
        if version == 0 or ours != 3:
            raise DatabaseNotFound(path, "it has none of its tables" if not ours
                                   else "some of its tables are missing")
        return cls(path)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction. A failed COMMIT (disk full) is rolled back too, and nothing
        is when SQLite already rolled back by itself (it may on SQLITE_FULL): an error from
        ROLLBACK would hide the real one, and a transaction left open would make every later
        write fail with "cannot start a transaction within a transaction".

        Inside `batch()` it is part of the batch's transaction."""
        if self._batched:
            yield self.conn
            return
        if not self._writer.acquire(timeout=self._busy_timeout):
            raise sqlite3.OperationalError("database is locked (by another thread of this "
                                           f"process for {self._busy_timeout:g}s)")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException:
                if self.conn.in_transaction:
                    with suppress(sqlite3.Error):
                        self.conn.execute("ROLLBACK")
                raise
        finally:
            self._writer.release()

    @contextmanager
    def batch(self) -> Iterator[None]:
        """The writes of the block (`save_article` calls, say) in one transaction: entries
        that arrive together cost one commit, and a killed process still leaves each article
        whole or absent, since the batch is all or nothing. Alerts it queued are announced
        (`on_queued`) once it has committed, not before: delivery woken earlier would not see
        them yet."""
        self._queued_in_batch = False
        with self.transaction():
            self._batched = True
            try:
                yield
            finally:
                self._batched = False
        if self._queued_in_batch:
            self._queued()

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise SchemaError(f"{self.path}: database schema version {version} is newer than "
                              f"this release understands ({SCHEMA_VERSION}); upgrade "
                              "technopark-monitor")
        for number in range(version, SCHEMA_VERSION):
            with self.transaction() as conn:
                # Re-read inside the lock: another process may have migrated meanwhile.
                if conn.execute("PRAGMA user_version").fetchone()[0] != number:
                    continue
                for statement in _statements(MIGRATIONS[number]):
                    conn.execute(statement)
                if number in AFTER_MIGRATION:
                    AFTER_MIGRATION[number](conn)
                conn.execute(f"PRAGMA user_version = {number + 1}")

    # ----------------------------------------------------------------- config mirrors

    def sync_sources(self, sources: Sequence[Source]) -> None:
        """Mirror the configured sources, keeping each one's caching state and health."""
        with self.transaction() as conn:
            for s in sources:
                conn.execute(
                    "INSERT INTO sources (name, url, kind, language, interval, enabled) "
                    "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET "
                    "url = excluded.url, kind = excluded.kind, language = excluded.language, "
                    "interval = excluded.interval, enabled = excluded.enabled, "
                    # A new URL is a new document: its old validators would be wrong.
                    "etag = CASE WHEN sources.url = excluded.url THEN sources.etag END, "
                    "last_modified = CASE WHEN sources.url = excluded.url "
                    "THEN sources.last_modified END",
                    (s.name, s.url, s.kind, s.language, s.interval, int(s.enabled)))

    def sync_rules(self, rules: RulesFile) -> None:
        """Mirror the organisations and metrics of rules.yaml, for joins in queries. One that
        left rules.yaml is kept with `in_rules = 0`, never deleted: its stored hits and review
        marks point to it by foreign key and keep showing its name (and a poll still saving
        with the previous rules, during a reload, may yet name it)."""
        with self.transaction() as conn:
            conn.execute("UPDATE organisations SET in_rules = 0")
            conn.executemany(
                "INSERT INTO organisations (id, name, aliases, in_rules) VALUES (?, ?, ?, 1) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, "
                "aliases = excluded.aliases, in_rules = 1",
                [(o.id, o.name, json.dumps(o.aliases, ensure_ascii=False))
                 for o in rules.organisations])
            conn.execute("UPDATE metrics SET in_rules = 0")
            conn.executemany(
                "INSERT INTO metrics (id, name, unit, keywords, in_rules) VALUES (?, ?, ?, ?, 1) "
                "ON CONFLICT(id) DO UPDATE SET name = excluded.name, unit = excluded.unit, "
                "keywords = excluded.keywords, in_rules = 1",
                [(m.id, m.name, m.unit, json.dumps(m.keywords, ensure_ascii=False))
                 for m in rules.metrics])

    # ----------------------------------------------------------------- reads

    def source_state(self, name: str) -> SourceState:
        row = self.conn.execute(
            "SELECT etag, last_modified, consecutive_failures, next_poll, next_poll_reason "
            "FROM sources WHERE name = ?", (name,)).fetchone()
        return SourceState(**dict(row)) if row else SourceState(None, None)

    def delayed_sources(self) -> dict[str, tuple[datetime, str]]:
        """Sources that must wait past their interval (backing off, or asked to by their
        server), with the time they are due again and why: a restarted daemon keeps to it."""
        rows = self.conn.execute(
            "SELECT name, next_poll, next_poll_reason FROM sources WHERE next_poll_reason "
            "IS NOT NULL AND next_poll IS NOT NULL").fetchall()
        return {row["name"]: (parse_iso(row["next_poll"]), row["next_poll_reason"])
                for row in rows}

    def known_article(self, source: str, key: str) -> KnownArticle | None:
        row = self.conn.execute(
            "SELECT id, content_hash, entry_hash, page_error, page_attempts FROM articles "
            "WHERE source = ? AND key = ?", (source, key)).fetchone()
        return KnownArticle(**dict(row)) if row else None

    def query(self, sql: str, params: Sequence[object] | dict = ()) -> list[dict]:
        return [dict(row) for row in self.conn.execute(sql, params)]

    # ----------------------------------------------------------------- writes

    def save_article(self, article: Article, hits: Sequence[Hit],
                     outgoing: Sequence[Outgoing] = ()) -> tuple[int, str]:
        """Insert or update an article, bring its hits up to date and queue its alerts,
        atomically: a killed process leaves all of them or none. An updated article's hits
        that are still found keep their ids and `created` (`hit_changes`). Returns the article
        id and what happened: 'new', 'updated' (text changed) or 'unchanged' (its hits are
        left as they are, whatever rules found them: `rematch` applies new ones)."""
        now = utcnow()
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT id, content_hash, story FROM articles WHERE source = ? AND key = ?",
                (article.source, article.key)).fetchone()
            if row is not None and row["content_hash"] == article.content_hash:
                # The page may have been tried again and failed again: keep count.
                conn.execute("UPDATE articles SET entry_hash = ?, page_error = ?, "
                             "page_attempts = ? WHERE id = ?",
                             (article.entry_hash, article.page_error, article.page_attempts,
                              row["id"]))
                return row["id"], "unchanged"
            if row is not None:  # a changed text gets a new signature below
                _forget(conn, "article_id = ?", row["id"])
            bands = article.signature.bands() if article.signature is not None else []
            story = _story_of(conn, article, bands, row["story"] if row is not None else None,
                              now)
            values = (article.url, article.canonical_url, article.guid, article.title,
                      article.published, article.language, article.text,
                      article.extracted_from, article.content_hash, article.entry_hash,
                      article.page_error, article.page_attempts, story, article.rules_hash)
            if row is None:
                article_id = conn.execute(
                    "INSERT INTO articles (url, canonical_url, guid, title, published, language,"
                    " text, extracted_from, content_hash, entry_hash, page_error, page_attempts,"
                    " story, rules_hash, source, key, fetched) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, article.source, article.key, now)).lastrowid
                outcome = "new"
            else:
                article_id = row["id"]
                conn.execute(
                    "UPDATE articles SET url = ?, canonical_url = ?, guid = ?, title = ?, "
                    "published = ?, language = ?, text = ?, extracted_from = ?, "
                    "content_hash = ?, entry_hash = ?, page_error = ?, page_attempts = ?, "
                    "story = ?, rules_hash = ?, updated = ? WHERE id = ?",
                    (*values, now, article_id))
                outcome = "updated"
            _index_story(conn, article_id, article, bands, story,
                         joined=row is None or row["story"] != story, now=now)
            _index_lemmas(conn, article_id, article)
            stored = _stored_hits(conn, [article_id]) if row is not None else []
            _write_hits(conn, article_id, hit_changes(stored, hits), now)
            queued = _queue_alerts(conn, article_id, story, hits, outgoing, now)
        if queued:
            self._queued()
        return article_id, outcome

    def stored_hits(self, article_ids: Sequence[int]) -> list[StoredHit]:
        """The hits stored for these articles."""
        return _stored_hits(self.conn, article_ids)

    def rematch(self, articles: Sequence[Rematched],
                rules_hash: str) -> tuple[list[HitChanges | None], int]:
        """Store the hits of articles matched again, in one transaction: surviving hits keep
        their ids and `created`, and each article records `rules_hash`. Alerts are queued as
        a poll queues them, for the `outgoing` each article names (none unless asked).
        Returns each article's changes, None for one a poll changed or deleted since it was
        read (the poll stored what its text says now), and how many alert rows were queued."""
        now = utcnow()
        out: list[HitChanges | None] = []
        queued = 0
        with self.transaction() as conn:
            for article in articles:
                row = conn.execute("SELECT story FROM articles WHERE id = ? AND "
                                   "content_hash = ?", (article.article_id,
                                                        article.content_hash)).fetchone()
                if row is None:
                    out.append(None)
                    continue
                changes = hit_changes(_stored_hits(conn, [article.article_id]), article.hits)
                _write_hits(conn, article.article_id, changes, now)
                conn.execute("UPDATE articles SET rules_hash = ? WHERE id = ?",
                             (rules_hash, article.article_id))
                queued += _queue_alerts(conn, article.article_id, row["story"], article.hits,
                                        article.outgoing, now)
                out.append(changes)
        if queued:
            self._queued()
        return out, queued

    def matched_otherwise(self, rules_hash: str) -> int:
        """How many articles' hits were found with other rules than those of `rules_hash`
        (or before the rules were recorded): what `rematch` would bring up to date."""
        return self.conn.execute("SELECT count(*) FROM articles WHERE rules_hash IS NOT ?",
                                 (rules_hash,)).fetchone()[0]

    def record_fetch(self, record: FetchRecord, health: HealthPolicy | None = None,
                     history: int | None = None) -> None:
        """Log a poll and update the source's caching state and health in one step, queueing
        a health alert when the source starts failing, goes stale or recovers. Records kept
        by `defer_fetch` are written first, in the same transaction. Raises sqlite3.Error
        when the database refuses the write (the deferred records stay deferred).

        `history`: seconds of the source's polls to keep (`fetch.history`); older rows of
        the source are deleted in the same transaction, by index, so the table holds a few
        weeks of polls however long the daemon runs, at the cost of one short delete a poll."""
        key = self._file
        with self._unrecorded_lock:
            deferred = self._unrecorded.pop(key, [])
        try:
            with self.transaction() as conn:
                queued = [_write_fetch(conn, old, old_health) for old, old_health in deferred]
                queued.append(_write_fetch(conn, record, health))
                if history is not None:
                    cutoff = iso(parse_iso(record.started) - timedelta(seconds=history))
                    conn.execute("DELETE FROM fetches WHERE source = ? AND started < ?",
                                 (record.source, cutoff))
        except BaseException:
            with self._unrecorded_lock:
                self._unrecorded.setdefault(key, [])[:0] = deferred
            raise
        if any(queued):
            self._queued()

    def _queued(self) -> None:
        if self._batched:
            self._queued_in_batch = True  # announced when the batch commits
        elif self.on_queued is not None:
            self.on_queued()

    def defer_fetch(self, record: FetchRecord, health: HealthPolicy | None = None) -> None:
        """Keep a record that `record_fetch` could not write, for the next one that can."""
        with self._unrecorded_lock:
            self._unrecorded.setdefault(self._file, []).append((record, health))


class Outbox:
    """The `alerts` table as the senders see it. Each update is its own short transaction, so
    a crash between sending and recording means one repeat, with the same id, never a loss.

    A sender claims a message's rows before sending them (status 'sending' with a lease), in
    one statement, so a second process (`poll` from cron while `run` is up) skips them; a
    sender that dies leaves a lease that runs out, and the rows are due again."""

    def __init__(self, store: Store):
        self.store = store

    def claim(self, target: str, now: str, lease_until: str) -> list[QueuedAlert]:
        """Claim the rows of `target`'s next due message: the oldest due row, and with a
        digest row every due row of the same digest (given a batch id, so every attempt sends
        the same set under the same id). Empty when nothing of the target is due."""
        rows = self.store.conn.execute(
            "WITH first AS (SELECT id, alert, kind, batch FROM alerts "
            f"  WHERE target = :target AND {_DUE} ORDER BY created, article_id, id LIMIT 1) "
            "UPDATE alerts SET status = 'sending', lease_until = :lease, "
            "  batch = CASE WHEN kind = 'digest' THEN coalesce(batch, "
            "    'dig_' || substr((SELECT id FROM first), 5)) END "
            f"WHERE target = :target AND {_DUE} AND (id = (SELECT id FROM first) OR ("
            "  kind = 'digest' AND (SELECT kind FROM first) = 'digest' "
            "  AND alert = (SELECT alert FROM first) AND batch IS (SELECT batch FROM first))) "
            "RETURNING id, alert, target, kind, article_id, source, detail, attempts, queued, "
            "batch, created, story",
            {"target": target, "now": now, "lease": lease_until}).fetchall()
        alerts = [QueuedAlert(**dict(row)) for row in rows]
        return sorted(alerts, key=lambda a: (a.created, a.article_id or 0, a.id))

    def next_due(self, target: str) -> str | None:
        """When `target` next has something to send (a lease running out included)."""
        row = self.store.conn.execute(
            "SELECT min(CASE WHEN status = 'pending' THEN max(next_attempt, due) "
            "ELSE lease_until END) FROM alerts WHERE target = ? AND status IN "
            "('pending', 'sending')", (target,)).fetchone()
        return row[0]

    def sent(self, ids: Sequence[str], when: str, lease: str) -> int:
        return self._under_claim(ids, lease, "status = 'sent', sent = ?, "
                                 "attempts = attempts + 1, last_error = NULL", (when,))

    def failed(self, ids: Sequence[str], error: str, next_attempt: str | None,
               lease: str) -> int:
        """Record a failed attempt: retry at `next_attempt`, or give up (dead) when None."""
        return self._under_claim(
            ids, lease, "attempts = attempts + 1, last_error = ?, "
            "status = CASE WHEN ? IS NULL THEN 'dead' ELSE 'pending' END, "
            "next_attempt = coalesce(?, next_attempt)", (error, next_attempt, next_attempt))

    def release(self, ids: Sequence[str], lease: str, not_before: str | None = None) -> int:
        """Give claimed rows back unsent, without counting an attempt (the sender is stopping,
        or their target just failed and will not be tried again before `not_before`)."""
        return self._under_claim(
            ids, lease, "status = 'pending', "
            "next_attempt = max(next_attempt, coalesce(?, next_attempt))", (not_before,))

    def _under_claim(self, ids: Sequence[str], lease: str, changes: str,
                     params: tuple[object, ...]) -> int:
        """Apply `changes` to the rows the sender still holds: still 'sending' under the lease
        it claimed them with. A sender that outlived its lease (stalled past it, or its
        database busy) finds the rows claimed again by another sender, whose outcome stands;
        it changes nothing and gets 0 back. The lease ends with the change."""
        with self.store.transaction() as conn:
            return sum(conn.execute(
                f"UPDATE alerts SET {changes}, lease_until = NULL "
                "WHERE id = ? AND status = 'sending' AND lease_until = ?",
                (*params, i, lease)).rowcount for i in ids)

    def adopt(self, names: dict[str, str]) -> int:
        """Re-key rows written before targets had names (`alerts.target` held the target's
        description, e.g. 'webhook:https://...') to the target's name, so they are delivered
        after an upgrade. `names` maps a description to a name."""
        with self.store.transaction() as conn:
            return sum(conn.execute("UPDATE alerts SET target = ? WHERE target = ?",
                                    (name, description)).rowcount
                       for description, name in names.items())

    def orphans(self, targets: Sequence[str], now: str) -> int:
        """Give up the unsent rows of targets no longer in rules.yaml: nobody would send them.
        `alerts retry` brings them back once a target of that name is configured again."""
        with self.store.transaction() as conn:
            return conn.execute(
                "UPDATE alerts SET status = 'dead', lease_until = NULL, last_error = "
                # An unmapped row of an older release names its webhook by URL: not shown.
                "CASE WHEN target LIKE 'webhook:%' THEN 'its webhook target' "
                "ELSE 'target ' || target END || ' is no longer configured in rules.yaml' "
                f"WHERE target NOT IN ({','.join(f':t{i}' for i in range(len(targets)))}) "
                f"AND {_DUE}", {"now": now, **{f"t{i}": t for i, t in enumerate(targets)}}
            ).rowcount

    def expedite(self, ids: Sequence[str], now: str) -> list[str]:
        """Make pending alerts due now, whatever their backoff or digest time; returns the
        targets they go to."""
        marks = ",".join("?" * len(ids))
        with self.store.transaction() as conn:
            conn.execute(f"UPDATE alerts SET next_attempt = ?, due = ? WHERE id IN ({marks}) "
                         "AND status = 'pending'", [now, now, *ids])
            return [row[0] for row in conn.execute(
                f"SELECT DISTINCT target FROM alerts WHERE id IN ({marks}) "
                "AND status = 'pending'", list(ids))]

    def retry_now(self, targets: Sequence[str], now: str) -> int:
        """Pending rows of these targets wait out no backoff: their address or settings were
        just changed, so the failures that earned the backoff say nothing of the new ones.
        (A digest still waits for its time.)"""
        if not targets:
            return 0
        marks = ",".join("?" * len(targets))
        with self.store.transaction() as conn:
            return conn.execute(f"UPDATE alerts SET next_attempt = ? WHERE status = 'pending' "
                                f"AND next_attempt > ? AND target IN ({marks})",
                                [now, now, *targets]).rowcount

    def statuses(self, ids: Sequence[str]) -> dict[str, str]:
        rows = self.store.conn.execute(
            f"SELECT id, status FROM alerts WHERE id IN ({','.join('?' * len(ids))})", list(ids))
        return {row["id"]: row["status"] for row in rows}

    def requeue(self, ids: Sequence[str] = (), *, dead: bool = False) -> int:
        """Send again: the given alerts, or every dead one. They keep their ids."""
        now = utcnow()
        with self.store.transaction() as conn:
            where, params = ("status = 'dead'", []) if dead else (
                f"id IN ({','.join('?' * len(ids))}) AND status NOT IN ('pending', 'sending')",
                list(ids))
            return conn.execute(
                f"UPDATE alerts SET status = 'pending', next_attempt = ?, queued = ? "
                f"WHERE {where}", [now, now, *params]).rowcount

    def article(self, article_id: int, max_hits: int) -> tuple[dict, list[dict], int] | None:
        """The article (with `also_in`, the other sources of its story), its first `max_hits`
        hits and how many it has (candidate phrases are not hits a receiver is told of); None
        if it was deleted (users delete rows with sqlite-utils, which does not enforce foreign
        keys)."""
        found = self.store.query(
            "SELECT id, url, title, source, language, published, story FROM articles "
            "WHERE id = ?", (article_id,))
        if not found:
            return None
        # The story's other sources, as stored when the message is built (the send).
        found[0]["also_in"] = [row[0] for row in self.store.conn.execute(
            "SELECT source FROM articles WHERE story = ? AND source != ? GROUP BY source "
            "ORDER BY min(id)", (found[0].pop("story"), found[0]["source"]))]
        hits = self.store.query(
            "SELECT kind, organisation, organisation_name, metric, metric_name, value, unit, "
            "qualifier, year, matched, snippet FROM hits_view WHERE article_id = ? "
            "AND kind != 'candidate' ORDER BY id LIMIT ?", (article_id, max_hits))
        total = self.store.conn.execute(
            "SELECT count(*) FROM hits WHERE article_id = ? AND kind != 'candidate'",
            (article_id,)).fetchone()[0]
        return found[0], hits, total


_DUE = ("((status = 'pending' AND next_attempt <= :now AND due <= :now) "
        "OR (status = 'sending' AND lease_until <= :now))")
"""A row to send now: pending and past its backoff and digest time, or claimed by a sender
whose lease ran out (it died mid-send)."""


def _hit_key(hit: Hit) -> str:
    """What makes a hit new for an alert: not its offsets, which move when an article is
    edited, but what it says."""
    return json.dumps([hit.kind, hit.rule, hit.organisation, hit.value, hit.matched],
                      ensure_ascii=False)


def _queue(conn: sqlite3.Connection, alert: str, target: str, kind: str, due: str, now: str,
           *, article_id: int | None = None, source: str | None = None,
           detail: str | None = None, story: int | None = None) -> str:
    alert_id = f"msg_{uuid.uuid4().hex}"
    conn.execute(
        "INSERT INTO alerts (id, alert, target, kind, article_id, source, detail, due, "
        "next_attempt, queued, created, story) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (alert_id, alert, target, kind, article_id, source, detail, due, due, now, now,
         story))
    return alert_id


def _stored_hits(conn: sqlite3.Connection, article_ids: Sequence[int]) -> list[StoredHit]:
    marks = ",".join("?" * len(article_ids))
    return [StoredHit(*row[:3], Hit(**dict(zip(HIT_FIELDS, row[3:], strict=True))))
            for row in conn.execute(
        f"{STORED_HIT} WHERE article_id IN ({marks}) ORDER BY id", list(article_ids))]


def _write_hits(conn: sqlite3.Connection, article_id: int, changes: HitChanges,
                now: str) -> None:
    """Apply `changes` to an article's hits: a kept hit is updated in place (never deleted
    and inserted again), and only when where it stands or how often it is said changed.

    Ids are never handed on: `hits` is AUTOINCREMENT since version 9, so a removed hit's id
    (and a review mark that pointed at it) never lands on a new hit."""
    conn.executemany(
        "INSERT INTO hits (article_id, kind, rule, organisation, metric, value, unit, "
        "matched, start, [end], snippet, qualifier, year, mentions, created) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [(article_id, h.kind, h.rule, h.organisation, h.metric, h.value, h.unit,
          h.matched, h.start, h.end, h.snippet, h.qualifier, h.year, h.mentions, now)
         for h in changes.added])
    conn.executemany(
        "UPDATE hits SET start = ?, [end] = ?, snippet = ?, mentions = ? WHERE id = ?",
        [(new.start, new.end, new.snippet, new.mentions, old.id) for old, new in changes.kept
         if (old.hit.start, old.hit.end, old.hit.snippet, old.hit.mentions)
         != (new.start, new.end, new.snippet, new.mentions)])
    conn.executemany("DELETE FROM hits WHERE id = ?", [(old.id,) for old in changes.removed])


def _queue_alerts(conn: sqlite3.Connection, article_id: int, story: int, hits: Sequence[Hit],
                  outgoing: Sequence[Outgoing], now: str) -> int:
    """Queue the `outgoing` alerts an article's hits call for, each only if it has not fired
    for these hits of the article yet; returns how many rows were queued."""
    queued = 0
    # A candidate phrase is no reason to alert: only what the rules found is.
    keys = sorted({_hit_key(h) for h in hits if h.kind != "candidate"})
    for alert in outgoing:
        fresh = sum(conn.execute(
            "INSERT OR IGNORE INTO alerted_hits (alert, article_id, hit) "
            "VALUES (?, ?, ?)", (alert.alert, article_id, key)).rowcount for key in keys)
        if not fresh:  # no new hits since this alert last fired for the article
            continue
        for target in alert.targets:
            if alert.kind == "article" and _story_alerted(conn, alert.alert, target,
                                                          story, article_id):
                continue
            _queue(conn, alert.alert, target, alert.kind, alert.due, now,
                   article_id=article_id, story=story)
            queued += 1
    return queued


# --------------------------------------------------------------------------- stories


def _story_of(conn: sqlite3.Connection, article: Article, bands: list[int], story: int | None,
              now: str) -> int:
    """The story an article being saved belongs to: the one it already has (a changed text
    stays in its story), else the story of its most similar earlier copy in another source
    of the last STORY_WINDOW_DAYS, else a new one. Signatures past the window are deleted
    first.

    Why copies in the same source are not looked for: one outlet's articles share its
    boilerplate (a subscribe line, a footer the extractor kept), so two short articles of
    one outlet can look alike without being one story, and a wrong grouping costs an alert.
    A story is what several outlets carried."""
    cutoff = iso(parse_iso(now) - timedelta(days=STORY_WINDOW_DAYS))
    _forget(conn, "seen < ?", cutoff)
    if story is None and article.signature is not None:
        story = _earlier_copy(conn, article.signature, bands, article.source)
    if story is None:
        story = conn.execute("INSERT INTO stories (first_seen, title) VALUES (?, ?)",
                             (now, article.title)).lastrowid
    return story


BUCKET = 16
"""How many articles of one band key a lookup reads, the most recent first. A key shared by
many articles is one that a flood of near-identical texts fills (one release carried by
two hundred outlets, a feed's templated items): any of its recent members tells the story,
and reading them all made every save cost as much as the flood was long. A real copy shares
about five of its 32 keys with its original, and a flood of other texts fills the keys of
their own shingles, not those."""
COMPARED = 8
"""How many of the candidates a new article is compared with: those sharing the most band
keys with it. A copy shares several keys with its original (five of 32 at similarity 0.4),
an article that quotes a sentence of it one at most."""

CANDIDATES = (
    "SELECT story_signatures.signature, articles.story FROM ("
    "SELECT keys.article_id, count(*) AS shared FROM ("
    + " UNION ALL ".join(["SELECT * FROM (SELECT article_id FROM story_bands WHERE band = ? "
                          f"ORDER BY article_id DESC LIMIT {BUCKET})"] * BANDS)
    + ") AS keys JOIN articles ON articles.id = keys.article_id "
    "WHERE articles.story IS NOT NULL AND articles.source != ? "
    f"GROUP BY keys.article_id ORDER BY shared DESC, keys.article_id DESC LIMIT {COMPARED}"
    ") AS best JOIN story_signatures ON story_signatures.article_id = best.article_id "
    "JOIN articles ON articles.id = best.article_id")
"""The stored articles of other sources that share most band keys with a new one (its
BANDS keys, then its source), at most BUCKET of each key and COMPARED in all: index searches
only, however many articles the window holds and however many of them are alike."""


def _earlier_copy(conn: sqlite3.Connection, signature: Signature, bands: list[int],
                  source: str) -> int | None:
    """The story of the stored article of another source most like `signature`, if any is
    at least THRESHOLD alike. Candidates are the articles sharing most band keys (index
    lookups), not all."""
    rows = conn.execute(CANDIDATES, [*bands, source]).fetchall()
    alike = signature.similarities([Signature(row[0]) for row in rows])
    best = max(zip(alike, (-row[1] for row in rows), strict=True),
               default=None)  # the most alike; of equals, the oldest story
    return -best[1] if best is not None and best[0] >= THRESHOLD else None


def _forget(conn: sqlite3.Connection, where: str, value: object) -> None:
    """Delete the signatures `where` selects (by an index of story_signatures) and their band
    keys, found by key from each signature: the band table has no index by article, which
    would double the cost of the BANDS keys every article writes."""
    rows = conn.execute(f"SELECT article_id, signature FROM story_signatures WHERE {where}",
                        (value,)).fetchall()
    if not rows:
        return
    conn.executemany("DELETE FROM story_bands WHERE band = ? AND article_id = ?",
                     [(band, row[0]) for row in rows for band in Signature(row[1]).bands()])
    conn.executemany("DELETE FROM story_signatures WHERE article_id = ?",
                     [(row[0],) for row in rows])


def _index_story(conn: sqlite3.Connection, article_id: int, article: Article,
                 bands: list[int], story: int, joined: bool, now: str) -> None:
    """Keep the article's signature and band keys for later copies to find, and count it in
    its story when it `joined` it now: counted on, not recounted, since a recount reads every
    article of the story and a story two hundred outlets carried would cost each copy more
    than the last."""
    signature = article.signature
    if signature is not None:
        conn.execute("INSERT INTO story_signatures (article_id, signature, seen) "
                     "VALUES (?, ?, ?)", (article_id, signature.values, now))
        _write_bands(conn, article_id, bands)
    if joined:
        conn.execute("UPDATE stories SET articles = articles + 1, sources = sources + NOT "
                     "EXISTS (SELECT 1 FROM articles WHERE story = :story AND source = :source "
                     "AND id != :id) WHERE id = :story",
                     {"story": story, "source": article.source, "id": article_id})


def _write_bands(conn: sqlite3.Connection, article_id: int, bands: Sequence[int]) -> None:
    conn.executemany("INSERT OR IGNORE INTO story_bands (band, article_id) VALUES (?, ?)",
                     [(band, article_id) for band in bands])


def _index_lemmas(conn: sqlite3.Connection, article_id: int, article: Article) -> None:
    """The article's forms for `search`; the old ones went with the old text (trigger
    articles_lemmas_au)."""
    conn.execute("INSERT INTO articles_lemmas (rowid, lemmas) VALUES (?, ?)",
                 (article_id, article.lemmas if article.lemmas is not None
                  else _lemmas(article.text, article.language)))


def _story_alerted(conn: sqlite3.Connection, alert: str, target: str, story: int,
                   article_id: int) -> bool:
    """Whether an immediate alert already went to `target` (or is queued) for another
    article of the story: then this copy is no new alert. Its source is listed in that one
    ("also in") if it arrived before that was sent; after, it adds nothing new. A dead one
    counts too: `alerts retry` sends it again, naming every copy."""
    return conn.execute(
        "SELECT 1 FROM alerts WHERE story = ? AND alert = ? AND target = ? "
        "AND kind = 'article' AND article_id IS NOT ? LIMIT 1",
        (story, alert, target, article_id)).fetchone() is not None


def _write_fetch(conn: sqlite3.Connection, record: FetchRecord,
                 health: HealthPolicy | None) -> bool:
    """Write one poll's record; True if it queued a health alert."""
    failed = record.error is not None
    if record.new_entries:
        conn.execute("UPDATE sources SET last_new_entry = ? WHERE name = ?",
                     (record.started, record.source))
    conn.execute("UPDATE sources SET first_polled = ? WHERE name = ? AND first_polled IS NULL",
                 (record.started, record.source))
    conn.execute(
        "INSERT INTO fetches (source, started, duration, status, new_entries, "
        "updated_entries, error, warning) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (record.source, record.started, round(record.duration, 3), record.status,
         record.new_entries, record.updated_entries, record.error, record.warning))
    if failed:
        conn.execute(
            "UPDATE sources SET last_polled = ?, last_error = ?, last_error_at = ?, "
            "consecutive_failures = consecutive_failures + 1 WHERE name = ?",
            (record.started, record.error, record.started, record.source))
    elif record.keep_validators:
        conn.execute(
            "UPDATE sources SET last_polled = ?, last_success = ?, "
            "consecutive_failures = 0 WHERE name = ?",
            (record.started, record.started, record.source))
    else:
        conn.execute(
            "UPDATE sources SET last_polled = ?, last_success = ?, "
            "consecutive_failures = 0, etag = ?, last_modified = ? WHERE name = ?",
            (record.started, record.started, record.etag, record.last_modified,
             record.source))
    conn.execute("UPDATE sources SET next_poll = ?, next_poll_reason = ? WHERE name = ?",
                 (record.next_poll, record.next_poll_reason, record.source))
    return health is not None and _health(conn, record.source, record.started, health)


HEALTH_ALERT = "source-health"


FRESH = "coalesce(sources.last_new_entry, sources.first_polled)"
"""SQL: when a source last brought something new (its first poll, if it never has): what
`stale_after` is counted from. Selected `AS fresh` for `health_of`."""


def health_of(row: Mapping[str, Any], now: str, failures: int,
              stale_after: int | None) -> tuple[str, str]:
    """A source's health ('ok', 'failing' or 'stale') and why, from its `sources` row with
    `fresh` (FRESH): what health alerts are raised on, and `status --check` reports."""
    if row["consecutive_failures"] >= failures:
        return "failing", f"{row['consecutive_failures']} failed polls in a row: " \
            f"{row['last_error']}"
    if stale_after and row["fresh"] and _age(row["fresh"], now) > stale_after:
        return "stale", f"no new entry since {row['fresh']}"
    return "ok", "polled successfully again"


def _health(conn: sqlite3.Connection, source: str, now: str, policy: HealthPolicy) -> bool:
    """Move the source's health state; True if that queued a health alert."""
    row = conn.execute(f"SELECT health, consecutive_failures, last_error, {FRESH} AS fresh "
                       "FROM sources WHERE name = ?", (source,)).fetchone()
    if row is None:
        return False
    state, detail = health_of(row, now, policy.failures, policy.stale_after)
    if state == row["health"]:
        return False
    conn.execute("UPDATE sources SET health = ? WHERE name = ?", (state, source))
    event = "recovered" if state == "ok" else state
    _queue(conn, HEALTH_ALERT, policy.target, "health", now, now, source=source,
           detail=json.dumps({"state": event, "detail": detail}, ensure_ascii=False))
    return True


def _age(then: str, now: str) -> float:
    return (parse_iso(now) - parse_iso(then)).total_seconds()


def _statements(script: str) -> list[str]:
    """Split a migration into statements (sqlite3 runs one per execute, and executescript
    would commit our transaction)."""
    statements, current = [], ""
    for line in script.strip().splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements
