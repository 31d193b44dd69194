"""robots.txt for article pages, fetched once per site and kept for a day.

A feed is an invitation: the user configured its URL and the publisher offers it for polling,
so feeds are fetched without asking robots.txt. Article pages are crawling, and a publisher
that disallows them for our User-Agent (or for everyone) is obeyed: the entry keeps the feed's
text.

RFC 9309 decides what a failed robots.txt means: 4xx (404 above all) is "no rules", so
everything is allowed; a 5xx or a network failure leaves the rules unknown, so everything is
disallowed until UNREACHABLE_TTL has passed and robots.txt is asked again (the page is tried
again on a later poll, not given up). robots.txt is fetched through `Fetcher.get` with the
page's own trust, so it is under the same limits and address checks as the page; only its
first MAX_ROBOTS_BYTES are parsed (the RFC's minimum is 500 KiB).

The cache is per process (the daemon keeps one for all its polls), bounded to MAX_SITES sites
(least recently used go first), and thread-safe: polls of different sources share it, and
one site's robots.txt is fetched by one of them while the others wait for its answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from protego import Protego

from . import logs
from .errors import FetchError
from .fetch import Fetcher, Origin

log = logging.getLogger("monitor.robots")

ROBOTS_TTL = 24 * 3600
"""How long a site's robots.txt (or its absence) is trusted."""
UNREACHABLE_TTL = 30 * 60
"""How long an unreachable robots.txt (5xx, timeout) disallows a site before it is asked
again."""
MAX_SITES = 4096
"""Sites kept in the cache; a few hundred sources link to far fewer."""
MAX_ROBOTS_BYTES = 512 * 1024
DISALLOWED = "disallowed by robots.txt"


@dataclass(frozen=True)
class Refusal:
    """Why a page is not fetched, and whether asking again later could change that."""

    reason: str
    final: bool


@dataclass(frozen=True)
class _Rules:
    expires: float
    parsed: Protego | None
    """The site's rules; None with `refusal` None: no rules, everything allowed."""
    refusal: Refusal | None = None
    """Set when robots.txt could not be read: every page of the site is refused."""


class RobotsCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 max_sites: int = MAX_SITES):
        self._clock = clock
        self._max_sites = max_sites
        self._sites: OrderedDict[str, _Rules] = OrderedDict()
        self._lock = threading.Lock()
        self._fetching: dict[str, threading.Lock] = {}
        """One lock per site being fetched, so concurrent polls fetch it once."""

    def check(self, fetcher: Fetcher, url: str, trusted: Collection[Origin],
              host_delay: int | None = None) -> Refusal | None:
        """None when `url` may be fetched by `fetcher`'s User-Agent, else why not. A URL that
        is not plain http(s) is left to `Fetcher.get`, which refuses it with its reason.
        `host_delay`: the pause the page's source keeps with its host, which the request for
        robots.txt keeps too (it goes to that host)."""
        try:
            parts = urlsplit(url)
        except ValueError:
            return None
        if parts.scheme not in ("http", "https") or not parts.netloc:
            return None
        site = f"{parts.scheme}://{parts.netloc.lower()}"
        rules = self._rules(fetcher, site, trusted, host_delay)
        if rules.refusal is not None:
            return rules.refusal
        if rules.parsed is None or rules.parsed.can_fetch(url, fetcher.user_agent):
            return None
        return Refusal(DISALLOWED, final=True)

    def _rules(self, fetcher: Fetcher, site: str, trusted: Collection[Origin],
               host_delay: int | None) -> _Rules:
        with self._lock:
            rules = self._fresh(site)
            if rules is not None:
                return rules
            gate = self._fetching.setdefault(site, threading.Lock())
        with gate:
            with self._lock:
                rules = self._fresh(site)
                if rules is not None:
                    return rules
            try:
                rules = self._fetch(fetcher, site, trusted, host_delay)
            finally:
                with self._lock:
                    self._fetching.pop(site, None)
            with self._lock:
                self._sites[site] = rules
                self._sites.move_to_end(site)
                while len(self._sites) > self._max_sites:
                    self._sites.popitem(last=False)
            return rules

    def _fresh(self, site: str) -> _Rules | None:
        rules = self._sites.get(site)
        if rules is None or rules.expires <= self._clock():
            return None
        self._sites.move_to_end(site)
        return rules

    def _fetch(self, fetcher: Fetcher, site: str, trusted: Collection[Origin],
               host_delay: int | None) -> _Rules:
        url = f"{site}/robots.txt"
        now = self._clock()
        try:
            response = fetcher.get(url, trusted=trusted, accept="text/plain",
                                   host_delay=host_delay)
        except FetchError as exc:
            if exc.status is not None and 400 <= exc.status < 500:
                logs.event(log, logging.INFO, "robots.none", url=url, status=exc.status)
                return _Rules(now + ROBOTS_TTL, None)
            logs.event(log, logging.WARNING, "robots.unreachable", url=url, status=exc.status,
                       error=exc.reason)
            if exc.reason.startswith("refused:"):  # the site's pages are refused all the same
                return _Rules(now + UNREACHABLE_TTL, None, Refusal(exc.reason, final=True))
            return _Rules(now + UNREACHABLE_TTL, None, Refusal(
                f"robots.txt unreachable ({exc.reason}): assuming disallow", final=False))
        text = response.body[:MAX_ROBOTS_BYTES].decode("utf-8", "replace")
        try:
            parsed = Protego.parse(text)
        except Exception as exc:  # a parser bug on hostile input: read as no rules
            logs.event(log, logging.WARNING, "robots.unparsable", url=url,
                       error=f"{type(exc).__name__}: {exc}")
            return _Rules(now + ROBOTS_TTL, None)
        logs.event(log, logging.INFO, "robots.fetched", url=url, bytes=len(response.body))
        return _Rules(now + ROBOTS_TTL, parsed)
