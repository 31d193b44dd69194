"""Reading entries: the CPU half of a poll, apart from its waiting half.

A poll waits on the network (feeds, pages) and on the database's one writer; reading what it
fetched (parsing a feed, extracting a page's text, guessing its language, matching, the
story signature) is CPU work that needs neither. Here it is pure: bytes and entries in, an
article with its hits, alerts and signature out. So it can run where a core is free: in the
polling thread itself, or in worker processes (`Readers`), which Python's one lock per
process otherwise keeps a poll of many sources from using (yappi on 200 feeds: sixteen poll
threads took 27 % longer than one, all of it waiting for that lock).

Why processes and not threads: matching is Python code, which threads run one at a time.
Why forkserver and not fork: the daemon forks from a process full of threads (the scheduler,
delivery), and a forked child inherits every lock some other thread held at that moment.
Each worker builds its own matcher from the rules (as the daemon does at start); a worker
that dies (killed, out of memory) fails the polls it was reading for, with that reason, and
the next poll reads their entries again with a new worker, since nothing of them was saved.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
import time
import traceback
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import NamedTuple, TypeVar

from . import logs
from .config import RulesFile, Source
from .errors import ExtractError, WorkerError
from .extract import Page, extract_page, html_to_text, with_title
from .identity import article_key, canonical_url, content_hash
from .language import detect
from .match import Analysis, Matcher
from .morph import latin_variant, text_forms
from .parse import Entry, Feed, parse_feed
from .records import Article, Hit
from .selection import occurrences, selects
from .stories import signature

log = logging.getLogger("monitor.reading")
T = TypeVar("T")

PAGE_ATTEMPTS = 3
"""How often an article's page is tried (the first time and on later polls) before the
feed's text is final."""


@dataclass(frozen=True)
class PageFailure:
    """Why an article's page gave no text (stored as `articles.page_error`), and whether
    trying it again on a later poll could change that."""

    reason: str
    final: bool = False


@dataclass(frozen=True)
class PageBody:
    """An article page as fetched, still to be read."""

    body: bytes
    url: str
    content_type: str | None


@dataclass(frozen=True)
class Gathered:
    """What a poll thread gathered for one new or changed entry: the entry, its identity,
    and its page (fetched, or why not) when the source wants pages."""

    entry: Entry
    key: str
    entry_hash: str
    summary: str
    """The entry's summary as text (its key was made from it)."""
    page: PageBody | PageFailure | None
    page_attempts: int


@dataclass(frozen=True)
class Ready:
    """An entry read: its article with hits and alerts, waiting for its batch to be saved."""

    article: Article
    hits: list[Hit]
    alerts: list[str]
    """The alert rules whose selection the article satisfies (their names): when each is due
    is the alert layer's business, worked out by the poll."""
    unread_page: str | None = None
    """Why the page fetched gave no text, when it did not (the poll logs it)."""


@dataclass(frozen=True)
class Unreadable:
    """An entry whose reading raised: a bug, logged with its traceback, and the entry
    counted as failed; the other entries of the feed are read and saved."""

    error: str


def identify(entry: Entry) -> tuple[str, str]:
    """An entry's summary as text, and the key its article is stored under (`articles.key`):
    what tells a new entry from one already stored, before anything else is done with it."""
    summary = html_to_text(entry.summary_html)
    return summary, article_key(entry.guid, entry.link, content_hash(entry.title, summary))


def read(source: Source, gathered: Gathered, feed_language: str | None,
         matcher: Matcher) -> Ready:
    """The article of a gathered entry, with its hits, alerts and story signature."""
    entry, page = gathered.entry, gathered.page
    title = html_to_text(entry.title) if entry.title_is_html else entry.title
    title = " ".join(title.split())  # one line: titles end up in subjects and headers
    text, page_language, canonical = gathered.summary, None, None
    extracted_from, page_error, page_attempts = "feed", entry.link_error, gathered.page_attempts
    unread = None
    if isinstance(page, PageBody):
        try:
            page = extract_page(page.body, page.url, page.content_type)
        except ExtractError as exc:
            page, unread = PageFailure(exc.reason), exc.reason
    if isinstance(page, Page):
        text, extracted_from = page.text, "page"
        title = title or page.title or ""
        page_language, canonical = page.language, page.canonical_url
    elif isinstance(page, PageFailure):
        page_error = page.reason
        if page.final:
            page_attempts = PAGE_ATTEMPTS  # no later try could change the answer
    text = with_title(title, text)
    language = (source.language or entry.language or page_language or feed_language
                or detect(text, matcher.languages))
    found = matched(text, language, source.name, matcher)
    link = canonical or entry.link
    article = Article(
        source=source.name, key=gathered.key, url=entry.link,
        canonical_url=canonical_url(link) if link else None, guid=entry.guid, title=title,
        published=entry.published, language=language, text=text,
        extracted_from=extracted_from, content_hash=content_hash(title, text),
        entry_hash=gathered.entry_hash, page_error=page_error, page_attempts=page_attempts,
        signature=signature(text), rules_hash=matcher.rules_hash, lemmas=found.lemmas)
    return Ready(article, found.hits, found.alerts, unread)


class Matched(NamedTuple):
    """What matching a text gives the store: its hits (candidate phrases included), the names
    of the alert rules it satisfies, and its words as the search index holds them."""

    hits: list[Hit]
    alerts: list[str]
    lemmas: str


def matched(text: str, language: str | None, source: str, matcher: Matcher) -> Matched:
    """What a poll stores for a text, and what `rematch` finds in a stored one."""
    analysis = matcher.analyse(text, language)
    return Matched([*analysis.hits, *analysis.candidates],
                   _selected(source, analysis, language, matcher.rules),
                   text_forms(analysis.layout.norms, latin_variant(language)))


def _selected(source: str, analysis: Analysis, language: str | None,
              rules: RulesFile) -> list[str]:
    """The alert rules whose selection this article (of `source`) satisfies."""
    if not rules.alerts:
        return []
    found = occurrences(analysis)
    return [alert.name for alert in rules.alerts if selects(alert, found, source, language)]


def read_all(source: Source, items: list[Gathered], feed_language: str | None,
             matcher: Matcher) -> list[Ready | Unreadable]:
    """`read` for each item; one that raises costs only itself."""
    out: list[Ready | Unreadable] = []
    for item in items:
        try:
            out.append(read(source, item, feed_language, matcher))
        except Exception:  # one broken entry must not cost the others
            out.append(Unreadable(traceback.format_exc(limit=8)))
    return out


START_AFTER = 0.25
"""Seconds spent reading entries in the polling threads before worker processes start: less
than starting the workers costs (about half a second of a core each). Time, not a count of
entries: an entry of the feed alone takes a fifth of a millisecond to read, an article page
five milliseconds."""


class Readers:
    """Where a poll's entries are read: in the calling thread (`processes` 0), or in that
    many worker processes shared by every poll thread. Made for one matcher: a reload that
    builds a new one makes new Readers.

    The workers start once reading in the calling threads took START_AFTER seconds, in the
    background: each builds its matcher (about half a second of a core), and until all have,
    reads go on in the calling threads. So a poll that finds a few new entries never starts
    a worker, and one that finds thousands uses every core after its first few hundred."""

    def __init__(self, matcher: Matcher, processes: int = 0):
        self.matcher = matcher
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None
        """The workers, once every one has built its matcher."""
        self._starting = False
        self._closed = False
        self._inline = 0.0
        """Seconds spent reading in the calling threads so far (summed without a lock: a sum
        that loses one read to a race starts the workers one read later)."""
        self._lock = threading.Lock()
        self._inline_turns = threading.BoundedSemaphore(os.cpu_count() or 1)
        """Poll threads reading in themselves at once: no more than there are cores. Python
        runs one of them at a time anyway, and sixteen at once each held a feed or a page
        with its analysis half done: 1,000 feeds peaked at 251 MB against 129 MB with two
        poll threads, in the same time."""

    def parse(self, body: bytes, url: str, content_type: str | None) -> Feed:
        """parse_feed, in a worker when they are ready. Raises ParseError as it does."""
        pool = self._ready_pool()
        if pool is None:
            with self._inline_turns:
                return parse_feed(body, url, content_type)
        return self._in(pool, parse_feed, body, url, content_type)

    def read(self, source: Source, items: list[Gathered],
             feed_language: str | None) -> list[Ready | Unreadable]:
        """`read_all`, in a worker when they are ready."""
        if not items:
            return []
        pool = self._ready_pool()
        if pool is None:
            with self._inline_turns:
                started = time.perf_counter()
                try:
                    return read_all(source, items, feed_language, self.matcher)
                finally:
                    self._inline += time.perf_counter() - started
        return self._in(pool, _read_in_worker, source, items, feed_language)

    def _ready_pool(self) -> ProcessPoolExecutor | None:
        """The workers if they are ready; else None, starting them if they are not."""
        if not self.processes or self._inline < START_AFTER:
            return None
        with self._lock:
            if self._pool is None and not self._starting and not self._closed:
                self._starting = True
                threading.Thread(target=self._start, daemon=True, name="readers-start").start()
            return self._pool

    @property
    def working(self) -> bool:
        """Whether reads go to the worker processes now."""
        return self._pool is not None

    def _start(self) -> None:
        """Start the workers and wait for each to have built its matcher, in a thread of its
        own: starting the forkserver and the workers takes a second, which no poll thread
        should wait for."""
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["monitor.reading"])
        pool = ProcessPoolExecutor(self.processes, mp_context=context,
                                   initializer=_start_worker, initargs=(self.matcher.rules,))
        try:
            pids = sorted({future.result() for future in
                           [pool.submit(_started) for _ in range(self.processes)]})
        except BrokenProcessPool:
            pool.shutdown(wait=False, cancel_futures=True)
            with self._lock:
                self._starting = False
            logs.event(log, logging.ERROR, "readers.failed",
                       error="a worker process died while starting")
            return
        with self._lock:
            closed, self._starting = self._closed, False
            if not closed:
                self._pool = pool
        if closed:  # closed while starting: nobody will use them
            pool.shutdown(wait=False, cancel_futures=True)
            return
        logs.event(log, logging.INFO, "readers.started", processes=self.processes,
                   pids=",".join(map(str, pids)))

    def _in(self, pool: ProcessPoolExecutor, fn: Callable[..., T], *args: object) -> T:
        """fn(*args) in a worker; WorkerError if the pool broke (the next call starts
        another)."""
        try:
            return pool.submit(fn, *args).result()
        except BrokenProcessPool as exc:
            self._replace(pool)
            raise WorkerError("a worker process reading entries died (killed, or out of "
                              "memory); its entries are read again at the next poll") from exc

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        """Drop a broken pool (once, whichever thread sees it first): the next read starts
        a new one."""
        with self._lock:
            if self._pool is broken:
                self._pool = None
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Stop the workers; reads in progress finish first. Workers still starting are left
        to stop by themselves."""
        with self._lock:
            pool, self._pool, self._closed = self._pool, None, True
        if pool is not None:
            pool.shutdown(wait=True)


_matcher: Matcher | None = None
"""A worker process's matcher, built once when it starts."""


def _start_worker(rules: RulesFile) -> None:
    global _matcher
    _matcher = Matcher(rules)


def _started() -> int:
    """A task that runs once the worker's initializer (its matcher) is done: its pid."""
    return os.getpid()


def _read_in_worker(source: Source, items: list[Gathered],
                    feed_language: str | None) -> list[Ready | Unreadable]:
    assert _matcher is not None, "started by _start_worker"
    return read_all(source, items, feed_language, _matcher)
