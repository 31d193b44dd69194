"""One poll of one source: fetch -> parse -> extract -> match -> store.

This is the only module that knows every stage; each stage knows none of the others. A poll
never raises for bad input: a dead server, a malformed feed or a broken article page becomes a
row in `fetches` (and a log line), and the other sources carry on.

The source's ETag and Last-Modified are stored only after every entry of the feed has been
saved, so a process killed half-way through a poll sees the whole feed again next time.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlsplit

from . import logs
from .alert.schedule import due, iso
from .config import Source
from .errors import FetchError, ParseError
from .extract import extract_page, html_to_text, with_title
from .fetch import Fetcher
from .identity import article_key, canonical_url, content_hash
from .language import detect
from .match import Analysis, Matcher
from .parse import Entry, parse_feed
from .selection import occurrences, selects
from .store import Article, FetchRecord, HealthPolicy, Outgoing, Store, utcnow

log = logging.getLogger("monitor.pipeline")

FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml, "
               "application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5")


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
    """Entries not processed because the daemon was stopping."""
    error: str | None = None


def _charset(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value:
            return value.strip("\"' ")
    return None


def _entry_hash(entry: Entry) -> str:
    fingerprint = "\x1f".join(str(x) for x in (entry.guid, entry.link, entry.title,
                                               entry.summary_html, entry.published))
    return hashlib.sha256(fingerprint.encode("utf-8", "replace")).hexdigest()


class Poller:
    """Polls sources with shared parts: one HTTP session, one compiled matcher."""

    def __init__(self, store: Store, fetcher: Fetcher, matcher: Matcher,
                 stop: threading.Event | None = None):
        self.store = store
        self.fetcher = fetcher
        self.matcher = matcher
        self.stop = stop or threading.Event()

    def poll(self, source: Source) -> PollResult:
        started_at = utcnow()
        clock = time.monotonic()
        state = self.store.source_state(source.name)
        try:
            response = self.fetcher.get(source.url, etag=state.etag,
                                        last_modified=state.last_modified, accept=FEED_ACCEPT)
            if response.not_modified:
                self.store.record_fetch(health=self._health(source), record=FetchRecord(
                    source=source.name, started=started_at, status=304,
                    duration=time.monotonic() - clock, keep_validators=True))
                logs.event(log, logging.INFO, "poll.not_modified", source=source.name)
                return PollResult(source.name, ok=True, status=304)
            feed = parse_feed(response.body, response.url, response.content_type)
        except (FetchError, ParseError) as exc:
            status = exc.status if isinstance(exc, FetchError) else response.status
            self.store.record_fetch(health=self._health(source), record=FetchRecord(
                source=source.name, started=started_at, status=status,
                duration=time.monotonic() - clock, error=exc.reason))
            logs.event(log, logging.WARNING, "poll.failed", source=source.name, url=exc.url,
                       status=status, error=exc.reason)
            return PollResult(source.name, ok=False, status=status, error=exc.reason)

        if feed.warning:
            logs.event(log, logging.INFO, "feed.bozo", source=source.name, warning=feed.warning)
        counts = {"new": 0, "updated": 0, "unchanged": 0, "failed": 0, "skipped": 0}
        feed_host = urlsplit(response.url).hostname or ""
        trusted = {feed_host, urlsplit(source.url).hostname or ""}
        for entry in feed.entries:
            if self.stop.is_set():
                counts["skipped"] += 1
                continue
            try:
                outcome = self._entry(source, entry, feed.language, trusted)
            except Exception:  # one broken entry must not cost the others
                outcome = "failed"
                logs.event(log, logging.ERROR, "entry.failed", source=source.name,
                           guid=entry.guid, link=entry.link, exc_info=True)
            counts[outcome] += 1
        self.store.record_fetch(health=self._health(source), record=FetchRecord(
            source=source.name, started=started_at, status=response.status,
            duration=time.monotonic() - clock, new_entries=counts["new"],
            updated_entries=counts["updated"], warning=feed.warning,
            etag=response.headers.get("ETag"),
            last_modified=response.headers.get("Last-Modified"),
            # Entries left unprocessed must be seen again: no 304 next time.
            keep_validators=counts["failed"] + counts["skipped"] > 0))
        logs.event(log, logging.INFO, "poll.done", source=source.name, status=response.status,
                   entries=len(feed.entries), **counts)
        return PollResult(source.name, ok=True, status=response.status, **counts)

    def _entry(self, source: Source, entry: Entry, feed_language: str | None,
               trusted_hosts: set[str]) -> str:
        summary = html_to_text(entry.summary_html)
        entry_hash = _entry_hash(entry)
        key = article_key(entry.guid, entry.link, content_hash(entry.title, summary))
        known = self.store.known_article(source.name, key)
        if known is not None and known.entry_hash == entry_hash:
            return "unchanged"
        title = html_to_text(entry.title) if entry.title_is_html else entry.title
        title = " ".join(title.split())  # one line: titles end up in subjects and headers
        text, page_language, canonical = summary, None, None
        extracted_from = "feed"
        if source.fetch_article and entry.link:
            page = self._page(source, entry.link, trusted_hosts)
            if page is not None:
                text, extracted_from = page.text, "page"
                title = title or page.title or ""
                page_language, canonical = page.language, page.canonical_url
        text = with_title(title, text)
        language = (source.language or entry.language or page_language or feed_language
                    or detect(text, self.matcher.languages))
        analysis = self.matcher.analyse(text, language)
        hits = analysis.hits
        article = Article(
            source=source.name, key=key, url=entry.link,
            canonical_url=canonical_url(canonical or entry.link) if (canonical or entry.link)
            else None,
            guid=entry.guid, title=title, published=entry.published, language=language,
            text=text, extracted_from=extracted_from, content_hash=content_hash(title, text),
            entry_hash=entry_hash)
        article_id, outcome = self.store.save_article(
            article, hits, self._outgoing(source, analysis, language))
        if outcome != "unchanged":
            logs.event(log, logging.INFO, f"article.{outcome}", source=source.name,
                       article=article_id, hits=len(hits), extracted_from=extracted_from)
        return outcome

    def _outgoing(self, source: Source, analysis: Analysis,
                  language: str | None) -> list[Outgoing]:
        """The alerts whose selection this article satisfies; the store queues them only for
        hits they have not been sent for."""
        if not self.matcher.rules.alerts:
            return []
        found = occurrences(analysis)
        now = datetime.now(UTC)
        return [Outgoing(alert.name, tuple(t.name for t in alert.targets),
                         "article" if alert.mode == "immediate" else "digest",
                         iso(due(alert, now)))
                for alert in self.matcher.rules.alerts
                if selects(alert, found, source.name, language)]

    def _health(self, source: Source) -> HealthPolicy | None:
        health = self.matcher.rules.health
        if health is None:
            return None
        return HealthPolicy(health.target.name, health.failures, source.stale_after)

    def _page(self, source: Source, link: str, trusted_hosts: set[str]):
        try:
            response = self.fetcher.get(link, trusted_hosts=trusted_hosts)
        except FetchError as exc:
            logs.event(log, logging.WARNING, "article.page_failed", source=source.name,
                       url=link, error=exc.reason)
            return None
        page = extract_page(response.body, response.url, _charset(response.content_type))
        if page is None:
            logs.event(log, logging.WARNING, "article.no_text", source=source.name, url=link)
        return page

