"""One poll of one source: fetch -> parse -> extract -> match -> store.

This is the only module that knows every stage; each stage knows none of the others. It
gathers what the network and the database hold (the feed, which entries are new, their pages)
and has the entries read by monitor/reading.py, in this thread or in worker processes. A poll
never raises for bad input: a dead server, a malformed feed or a broken article page becomes a
row in `fetches` (and a log line), and the other sources carry on.

The source's ETag and Last-Modified are stored only after every entry of the feed has been
saved, so a process killed half-way through a poll sees the whole feed again next time.
Entries read from the feed alone are saved together (one transaction for up to BATCH_SIZE of
them, each article whole or absent); an entry whose page is fetched is saved before the next
page is asked for, so no finished article waits on the network.

`Poller.poll` never raises: whatever goes wrong (a locked or full database, a bug) ends as a
`fetches` row with its reason, counts as a failed poll for health alerts, and leaves the
daemon running. When even that row cannot be written, the store keeps it and writes it with
the next fetch record that can be written.

An article page that fails (HTTP 503, refused, no article text) leaves the feed's text and
the reason in `articles.page_error`; later polls try the page again, up to PAGE_ATTEMPTS
times, even though the entry is unchanged. While such retries are outstanding the source's
ETag and Last-Modified are forgotten, so the next poll gets the whole feed, not a 304 that
would hide the entry. A page robots.txt disallows is not fetched at all (monitor/robots.py).

Every poll also decides when the source is due again (monitor/backoff.py): its interval,
stretched by its own failures in a row and by the server's Retry-After or max-age. The time
and the reason are stored with the fetch; the daemon keeps to them and `status` shows them.
"""

from __future__ import annotations

import hashlib
import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from . import logs
from .alert.schedule import outgoing
from .backoff import RETRY_AFTER_STATUSES, next_delay, parse_max_age, parse_retry_after
from .config import Source
from .errors import FetchError, ParseError, WorkerError
from .fetch import Fetcher, Origin, Response
from .match import Matcher
from .moments import iso, parse_iso
from .parse import Entry, Feed
from .reading import (
    PAGE_ATTEMPTS,
    Gathered,
    PageBody,
    PageFailure,
    Readers,
    Ready,
    Unreadable,
    identify,
)
from .records import Article
from .robots import RobotsCache
from .store import FetchRecord, HealthPolicy, KnownArticle, SourceState, Store, utcnow

log = logging.getLogger("monitor.pipeline")

ACCEPT = {"feed": ("application/rss+xml, application/atom+xml, application/rdf+xml, "
                   "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"),
          "html": "text/html, application/xhtml+xml;q=0.9, */*;q=0.5",
          "sitemap": "application/xml, text/xml;q=0.9, application/gzip;q=0.8, */*;q=0.5"}
"""What each kind of source asks its server for."""
BATCH_SIZE = 50
"""Entries of a feed read without their pages saved in one transaction, at most."""
FINAL_PAGE_STATUSES = frozenset({404, 410, 451})
"""Answers that another try will not change (gone, not found, withheld for legal reasons);
a refused link (a private address, a malformed URL) will not change either."""


@dataclass(frozen=True)
class PollResult:
    source: str
    ok: bool
    status: int | None
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    skipped: int = 0
    """Entries not processed because the daemon was stopping or the poll's time budget was
    spent; the feed's validators are kept, so the next poll sees them again."""
    hits: int = 0
    """Hits found in the new and updated articles (the daemon's metrics count them)."""
    error: str | None = None
    next_poll: str | None = None
    """When the source is due again (the daemon waits until then; `poll` reports it)."""
    delay_reason: str | None = None
    """Why `next_poll` is later than the source's interval, or None."""


@dataclass(frozen=True)
class _Asked:
    """What the server said about coming back, in seconds (see monitor/backoff.py)."""

    retry_after: float | None = None
    max_age: float | None = None


def _entry_hash(entry: Entry, kind: str) -> str:
    """What tells an entry that changed from one seen before. A listing page's date is left
    out: "2 hours ago" or "сегодня" names another moment at every poll, and re-fetching the
    article for that would make every relative date an update."""
    published = None if kind == "html" else entry.published
    fingerprint = "\x1f".join(str(x) for x in (entry.guid, entry.link, entry.title,
                                               entry.summary_html, published))
    return hashlib.sha256(fingerprint.encode("utf-8", "replace")).hexdigest()


def _failure(exc: Exception) -> str:
    """The reason stored for a poll that raised: the database's own words for a locked or
    full database, else the exception's type and text."""
    if isinstance(exc, sqlite3.Error):
        return f"database error: {exc}"
    if isinstance(exc, WorkerError):
        return str(exc)
    return f"internal error: {type(exc).__name__}: {exc}"


class Poller:
    """Polls sources with shared parts: one HTTP session, one compiled matcher. One Poller
    polls one source at a time (the daemon makes one per poll)."""

    def __init__(self, store: Store, fetcher: Fetcher, matcher: Matcher,
                 stop: threading.Event | None = None, robots: RobotsCache | None = None,
                 readers: Readers | None = None):
        """`robots`: the process's robots.txt cache (the daemon shares one between polls).
        `readers`: where entries are read (the engine's worker processes); by default in
        the polling thread, with `matcher`. The poll reads, matches and picks alerts with
        the readers' matcher alone, so the two can never disagree."""
        self.store = store
        self.fetcher = fetcher
        self.readers = readers or Readers(matcher)
        self.stop = stop or threading.Event()
        self.robots = robots or RobotsCache()
        self._pages_pending = 0
        """Entries of the current poll whose page failed and will be tried again."""

    def poll(self, source: Source) -> PollResult:
        """Poll one source and record the fetch. Never raises."""
        started_at = utcnow()
        clock = time.monotonic()
        failed_before, asked = 0, _Asked()
        try:
            state = self.store.source_state(source.name)
            failed_before = state.consecutive_failures
            result, record, asked = self._poll(source, state, started_at, clock)
        except Exception as exc:  # the caller (daemon, `poll`) must carry on
            reason = _failure(exc)
            logs.event(log, logging.ERROR, "poll.crashed", source=source.name, error=reason,
                       exc_info=True)
            result = PollResult(source.name, ok=False, status=None, error=reason)
            record = FetchRecord(source=source.name, started=started_at, status=None,
                                 duration=time.monotonic() - clock, error=reason)
        delay = next_delay(source.interval, failed_before + 1 if record.error else 0,
                           record.error, retry_after=asked.retry_after, max_age=asked.max_age)
        next_poll = iso(parse_iso(started_at) + timedelta(seconds=delay.seconds))
        record = replace(record, next_poll=next_poll, next_poll_reason=delay.reason)
        result = replace(result, next_poll=next_poll, delay_reason=delay.reason)
        if delay.reason:
            logs.event(log, logging.INFO, "poll.delayed", source=source.name,
                       next_poll=next_poll, reason=delay.reason)
        health = self._health(source)
        try:
            self.store.record_fetch(record, health, self.fetcher.settings.history)
        except sqlite3.Error as exc:
            self.store.defer_fetch(record, health)
            reason = f"poll not recorded, kept until the database accepts writes: {exc}"
            logs.event(log, logging.ERROR, "poll.unrecorded", source=source.name,
                       error=reason, poll_error=record.error)
            result = replace(result, ok=False,
                             error=f"{result.error}; {reason}" if result.error else reason)
        return result

    def _poll(self, source: Source, state: SourceState, started_at: str,
              clock: float) -> tuple[PollResult, FetchRecord, _Asked]:
        self._pages_pending = 0
        try:
            response = self.fetcher.get(source.url, etag=state.etag,
                                        last_modified=state.last_modified,
                                        accept=ACCEPT[source.kind], host_delay=source.host_delay)
            asked = _Asked(max_age=parse_max_age(response.headers.get("Cache-Control")))
            if response.not_modified:
                logs.event(log, logging.INFO, "poll.not_modified", source=source.name)
                return PollResult(source.name, ok=True, status=304), FetchRecord(
                    source=source.name, started=started_at, status=304,
                    duration=time.monotonic() - clock, keep_validators=True), asked
            # Links are trusted on the configured origin only: where the feed redirected to
            # is the network's word, not the user's.
            trusted = frozenset({Origin.of(source.url)})
            feed = self._parse(source, response, trusted)
        except (FetchError, ParseError) as exc:
            status = exc.status if isinstance(exc, FetchError) else response.status
            logs.event(log, logging.WARNING, "poll.failed", source=source.name, url=exc.url,
                       status=status, error=exc.reason)
            retry_after = (parse_retry_after(exc.retry_after, datetime.now(UTC))
                           if isinstance(exc, FetchError) and status in RETRY_AFTER_STATUSES
                           else None)
            return PollResult(source.name, ok=False, status=status, error=exc.reason), \
                FetchRecord(source=source.name, started=started_at, status=status,
                            duration=time.monotonic() - clock, error=exc.reason), \
                _Asked(retry_after=retry_after)

        if feed.warning:
            logs.event(log, logging.INFO, "feed.bozo", source=source.name, warning=feed.warning)
        counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 0, "hits": 0}
        # The budget bounds how long this source holds a poll worker; at least one entry is
        # processed per poll, so a feed that alone eats the budget still makes progress.
        budget = min(self.fetcher.settings.poll_budget, source.interval)
        out_of_time = False
        # Entries read from the feed alone arrive together and are read and saved together;
        # one whose page is fetched is saved before the next page is asked for, so a kill
        # while waiting on the network loses no finished article.
        batch_size = 1 if source.fetch_article else BATCH_SIZE
        gathered: list[Gathered] = []
        for entry in feed.entries:
            if out_of_time or self.stop.is_set():
                counts["skipped"] += 1
                continue
            try:
                outcome = self._gather(source, entry, trusted)
            except sqlite3.Error:  # the store, not the entry: the poll fails with its reason
                raise
            except Exception:  # one broken entry must not cost the others
                outcome = "failed"
                logs.event(log, logging.ERROR, "entry.failed", source=source.name,
                           guid=entry.guid, link=entry.link, exc_info=True)
            if isinstance(outcome, Gathered):
                gathered.append(outcome)
                if len(gathered) >= batch_size:
                    self._read_and_save(source, gathered, feed.language, counts)
                    gathered = []
            else:
                counts[outcome] += 1
            out_of_time = time.monotonic() - clock >= budget
        self._read_and_save(source, gathered, feed.language, counts)
        over_budget = None
        if out_of_time and counts["skipped"]:
            over_budget = (f"time budget of {budget}s spent: {counts['skipped']} entries left "
                           "for the next poll")
            logs.event(log, logging.WARNING, "poll.budget_spent", source=source.name,
                       budget=budget, left=counts["skipped"])
        # Pages to try again: forget the validators, so no 304 hides their entries.
        retry = self._pages_pending > 0
        record = FetchRecord(
            source=source.name, started=started_at, status=response.status,
            duration=time.monotonic() - clock, new_entries=counts["new"],
            updated_entries=counts["updated"],
            warning="; ".join(w for w in (feed.warning, over_budget) if w) or None,
            etag=None if retry else response.headers.get("ETag"),
            last_modified=None if retry else response.headers.get("Last-Modified"),
            # Entries left unprocessed must be seen again: no 304 next time.
            keep_validators=counts["failed"] + counts["skipped"] > 0 and not retry)
        logs.event(log, logging.INFO, "poll.done", source=source.name, status=response.status,
                   entries=len(feed.entries), pages_pending=self._pages_pending, **counts)
        return PollResult(source.name, ok=True, status=response.status, **counts), record, asked

    def _parse(self, source: Source, response: Response, trusted: frozenset[Origin]) -> Feed:
        """The fetched document's entries, read as the source's kind says. Raises
        ParseError (a sitemap index's children that fail are a warning, unless all do)."""
        # Imported here: BeautifulSoup, dateparser and lxml are loaded only by a process
        # that polls a source of their kind.
        if source.kind == "html":
            from .listing import parse_listing

            assert source.selectors is not None  # required for kind html by config
            return parse_listing(response.body, response.url, source.selectors,
                                 response.content_type, zone=source.timezone)
        if source.kind == "sitemap":
            from .sitemap import read_sitemap

            # The children an index names are links from the network: trusted only on
            # the configured origin, as a feed's links are.
            since = datetime.now(UTC) - timedelta(seconds=source.max_age)
            return read_sitemap(response.body, response.url, lambda url: self.fetcher.get(
                url, trusted=trusted, accept=ACCEPT["sitemap"]).body, since)
        return self.readers.parse(response.body, response.url, response.content_type)

    def _gather(self, source: Source, entry: Entry,
                trusted: frozenset[Origin]) -> Gathered | str:
        """What reading the entry needs: its identity and, when the source wants pages, its
        page; or "unchanged"."""
        summary, key = identify(entry)
        entry_hash = _entry_hash(entry, source.kind)
        known = self.store.known_article(source.name, key)
        retry = _page_retry(known) and source.fetch_article and entry.link is not None
        if known is not None and known.entry_hash == entry_hash and not retry:
            return "unchanged"
        page, page_attempts = None, 0
        if source.fetch_article and entry.link:
            page_attempts = (known.page_attempts if retry and known else 0) + 1
            page = self._page(source, entry.link, trusted)
        return Gathered(entry, key, entry_hash, summary, page, page_attempts)

    def _read_and_save(self, source: Source, gathered: list[Gathered],
                       feed_language: str | None, counts: dict[str, int]) -> None:
        """Read gathered entries (where the readers run) and save what was read in one
        transaction; an entry whose reading raised counts as failed."""
        ready = []
        for item, read in zip(gathered, self.readers.read(source, gathered, feed_language),
                              strict=True):
            if isinstance(read, Unreadable):
                counts["failed"] += 1
                logs.event(log, logging.ERROR, "entry.failed", source=source.name,
                           guid=item.entry.guid, link=item.entry.link, error=read.error)
                continue
            if read.unread_page is not None:
                logs.event(log, logging.WARNING, "article.no_text", source=source.name,
                           url=item.entry.link, error=read.unread_page)
            if item.page is not None and _page_retry(read.article):
                self._pages_pending += 1
            ready.append(read)
        self._save(ready, counts)

    def _save(self, ready: list[Ready], counts: dict[str, int]) -> None:
        """Save read entries in one transaction and count what each became."""
        if not ready:
            return
        now = datetime.now(UTC)
        with self.store.batch():
            saved = [self.store.save_article(r.article, r.hits,
                                             outgoing(self.readers.matcher.rules, r.alerts, now))
                     for r in ready]
        for item, (article_id, outcome) in zip(ready, saved, strict=True):
            counts[outcome] += 1
            if outcome != "unchanged":
                counts["hits"] += len(item.hits)
                article = item.article
                logs.event(log, logging.INFO, f"article.{outcome}", source=article.source,
                           article=article_id, hits=len(item.hits),
                           extracted_from=article.extracted_from, page_error=article.page_error,
                           page_attempts=article.page_attempts or None)

    def _health(self, source: Source) -> HealthPolicy | None:
        health = self.readers.matcher.rules.health
        if health is None:
            return None
        return HealthPolicy(health.target.name, health.failures, source.stale_after)

    def _page(self, source: Source, link: str,
              trusted: frozenset[Origin]) -> PageBody | PageFailure:
        """The article page as fetched, or why there is none. robots.txt is asked first: a
        page it disallows is not fetched at all."""
        refusal = self.robots.check(self.fetcher, link, trusted, source.host_delay)
        if refusal is not None:
            logs.event(log, logging.INFO, "article.page_refused", source=source.name,
                       url=link, reason=refusal.reason)
            return PageFailure(refusal.reason, final=refusal.final)
        try:
            response = self.fetcher.get(link, trusted=trusted, host_delay=source.host_delay)
        except FetchError as exc:
            logs.event(log, logging.WARNING, "article.page_failed", source=source.name,
                       url=link, error=exc.reason)
            return PageFailure(exc.reason, final=exc.status in FINAL_PAGE_STATUSES
                               or exc.reason.startswith("refused:"))
        return PageBody(response.body, response.url, response.content_type)


def _page_retry(known: KnownArticle | Article | None) -> bool:
    """Whether an article's page failed and is to be tried again (stored, or just read)."""
    return (known is not None and known.page_error is not None
            and known.page_attempts < PAGE_ATTEMPTS)

