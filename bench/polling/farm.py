"""The loopback feed farm of `make bench-polling`: N feeds, each a site on its own port.

Each feed listens on its own port: a real deployment's feeds are on different sites, and our
politeness is per host (host and port), so feeds on one port would be polled one at a time,
which is what we want for one site and not what this compares. A feed's article pages and its
robots.txt are on its own port too, as a news site serves its feed and its pages. Answers
honour If-None-Match (a 304 for an unchanged feed) and can be held back by a fixed latency.

What a feed holds is the farm's layout, set before each child process runs: feed-only entries
(a fifth naming an organisation), entries linking to full article pages (articles.py), or
entries that name nothing, to which the latency case adds one naming an organisation at a
time. Requests for feeds are logged (when each was answered) so that case can tell which poll
found the new entry.

A feed-only entry is one of four sentences (a fifth with an organisation's name in front)
followed by SALAD words drawn at random from the words of the labelled press (bench/press/),
seeded by feed and entry. The sentence gives the matcher prose to read; the drawn words make
each text its own, as the entries of real feeds are: with the sentence alone, every entry was
a copy of a thousand others, and story grouping filed 3,999 of 4,000 entries into 20 stories
(the largest 719 articles), which no real set of feeds does. Two entries with one sentence
now share about 9 of 80 three-word runs, a similarity of 0.12, under the 0.25 that makes a
story.
"""

from __future__ import annotations

import random
import re
import selectors
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from . import articles

ROOT = Path(__file__).resolve().parent.parent.parent
ORG_SHARE = 5
"""Every fifth feed-only entry names an organisation."""
PAGE_OTHERS = 30
"""Other entries of the feed a page lists (its news column, cards and comments)."""
ROBOTS = b"User-agent: *\nAllow: /\n"

SENTENCES = (
    "Правительство региона обсудило развитие цифровой экономики и поддержку малого бизнеса.",
    "The regional government discussed support for small businesses and the digital economy.",
    "В городе открылся новый коворкинг для студентов и молодых предпринимателей.",
    "Die Landesregierung stellte ein neues Förderprogramm für junge Unternehmen vor.",
)
FEED_LANGUAGE = "ru"
"""What a feed-only feed declares (its channel's <language>), so a poll never guesses one."""
START = datetime(2026, 11, 1, tzinfo=UTC)
SALAD = 30
"""Words drawn for each feed-only entry."""


def _press_words() -> list[str]:
    """Every distinct word of the labelled press, in a fixed order."""
    words: set[str] = set()
    for path in sorted((ROOT / "bench" / "press").glob("*.txt")):
        words.update(re.findall(r"[^\W\d_]{3,}", path.read_text(encoding="utf-8")))
    return sorted(words)


def summary(feed: int, n: int, sentence: str, words: Sequence[str]) -> str:
    """A feed-only entry's text: the sentence, then SALAD words drawn for this entry."""
    drawn = random.Random(feed * 1_000_003 + n).choices(words, k=SALAD)
    return f"{sentence} {' '.join(drawn)}."


@dataclass(frozen=True)
class Layout:
    entries: int
    pages: bool = False
    """Entries link to full article pages the farm serves."""
    named: bool = True
    """A fifth of the (feed-only) entries name an organisation."""


FEEDS = Layout(20)
ARTICLES = Layout(10, pages=True)
QUIET = Layout(20, named=False)


@dataclass(frozen=True)
class Added:
    """An entry added to a feed by the latency case."""

    guid: str
    title: str
    text: str
    path: str


def rules_organisations(limit: int = 50) -> list[dict]:
    """The shipped rules' organisations (rules.yaml's own, before its includes)."""
    data = yaml.safe_load((ROOT / "rules.yaml").read_text(encoding="utf-8"))
    return data["organisations"][:limit]


def names_by_language(organisations: Sequence[dict]) -> dict[str, list[str]]:
    """Each organisation's first alias in ru, en and de (its name where it has none)."""
    return {lang: [org.get("aliases", {}).get(lang, [org["name"]])[0] for org in organisations]
            for lang in ("ru", "en", "de")}


def _item(guid: str, title: str, link: str, text: str, published: datetime) -> str:
    return (f"<item><guid>{guid}</guid><title>{escape(title)}</title><link>{link}</link>"
            f"<description>{escape(text)}</description>"
            f"<pubDate>{format_datetime(published)}</pubDate></item>")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # sixteen clients connect at once to a thousand ports


class Farm:
    """N feeds, each on its own loopback port, plus a control port (change)."""

    def __init__(self, feeds: int):
        organisations = rules_organisations()
        self.names = [org["name"] for org in organisations]
        self.words = _press_words()
        self.localised = names_by_language(organisations)
        self.layout = FEEDS
        self.latency = 0.0
        self.generation = [0] * feeds
        self.added: list[list[Added]] = [[] for _ in range(feeds)]
        self.answered: list[list[float]] = [[] for _ in range(feeds)]
        """When each feed request was answered (time.monotonic), per feed."""
        self._lock = threading.Lock()
        self._bodies: dict[tuple, bytes] = {}
        self._pages: dict[tuple[int, int], bytes] = {}
        self._servers = [_Server(("127.0.0.1", 0), self._handler(i)) for i in range(feeds)]
        self.ports = [s.server_port for s in self._servers]
        self.urls = [f"http://127.0.0.1:{port}/feed.xml" for port in self.ports]
        self._control = _Server(("127.0.0.1", 0), self._control_handler())
        self.control_url = f"http://127.0.0.1:{self._control.server_port}"
        self._selector = selectors.DefaultSelector()
        for server in [*self._servers, self._control]:
            self._selector.register(server, selectors.EVENT_READ)
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True, name="farm")
        self._thread.start()

    def _serve(self) -> None:
        while not self._stopping.is_set():
            for key, _ in self._selector.select(timeout=0.1):
                key.fileobj._handle_request_noblock()  # type: ignore[union-attr]

    def close(self) -> None:
        self._stopping.set()
        self._thread.join(timeout=5)
        for server in [*self._servers, self._control]:
            server.server_close()

    # -- what the feeds hold ---------------------------------------------------------------

    def reset(self, latency: float, layout: Layout = FEEDS) -> None:
        with self._lock:
            self.generation = [0] * len(self.generation)
            self.added = [[] for _ in self.generation]
            self.answered = [[] for _ in self.generation]
            self.latency = latency
            self.layout = layout

    def change(self, fraction: float) -> None:
        """One new entry in every 1/fraction-th feed."""
        step = round(1 / fraction)
        with self._lock:
            for feed in range(0, len(self.generation), step):
                self.generation[feed] += 1

    def add(self, feed: int, entry: Added) -> float:
        """Serve `entry` at the top of `feed` from now on; returns when (time.monotonic)."""
        with self._lock:
            self.added[feed].append(entry)
            return time.monotonic()

    def answers(self, feed: int) -> int:
        with self._lock:
            return len(self.answered[feed])

    def first_answer_after(self, feed: int, moment: float) -> float | None:
        """When the first request for `feed` answered after `moment` was, or None."""
        with self._lock:
            return next((t for t in self.answered[feed] if t >= moment), None)

    def warm(self, feeds: int) -> None:
        """Build the first `feeds` feeds' article pages now, not during a measured poll."""
        for feed in range(feeds):
            for entry in range(ARTICLES.entries):
                self.page(feed, entry)

    def article(self, feed: int, entry: int) -> articles.Article:
        return articles.article(feed, entry, self.localised)

    def page(self, feed: int, entry: int) -> bytes:
        key = (feed, entry)
        if key not in self._pages:
            others = [self.article(feed, entry + i) for i in range(1, PAGE_OTHERS + 1)]
            self._pages[key] = articles.page_html(
                feed, entry, self.ports[feed], self.article(feed, entry), others).encode()
        return self._pages[key]

    def feed_body(self, feed: int) -> tuple[bytes, str]:
        """The feed as it is now and its ETag; logs the answer's time."""
        with self._lock:
            layout, generation, added = self.layout, self.generation[feed], self.added[feed]
            self.answered[feed].append(time.monotonic())
            key = (feed, layout, generation, len(added))
            if key not in self._bodies:
                self._bodies[key] = self._feed_xml(feed, layout, generation, added)
            return self._bodies[key], f'"{feed}-{generation}-{len(added)}"'

    def _feed_xml(self, feed: int, layout: Layout, generation: int,
                  added: Sequence[Added]) -> bytes:
        """Entries generation .. generation+entries-1, newest first (a new generation is one
        new entry and one gone), after the entries added, newest first."""
        base = f"http://127.0.0.1:{self.ports[feed]}"
        now = START + timedelta(days=1)
        items = [_item(a.guid, a.title, f"{base}{a.path}", a.text, now + timedelta(minutes=i))
                 for i, a in reversed(list(enumerate(added)))]
        for n in range(generation + layout.entries - 1, generation - 1, -1):
            published = START + timedelta(minutes=n)
            if layout.pages:
                story = self.article(feed, n)
                items.append(_item(f"f{feed}-e{n}", story.title, f"{base}/news/{n}",
                                   story.teaser, published))
                continue
            text = summary(feed, n, SENTENCES[(feed + n) % len(SENTENCES)], self.words)
            if layout.named and (feed * 7 + n) % ORG_SHARE == 0:
                name = self.names[(feed + n) % len(self.names)]
                text = f"{name} объявил о новых резидентах. {text}"
            items.append(_item(f"f{feed}-e{n}", f"Новость {n} ленты {feed}", f"{base}/news/{n}",
                               text, published))
        language = articles.language_of(feed) if layout.pages else FEED_LANGUAGE
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>Feed {feed}</title><link>{base}/</link>"
                f"<language>{language}</language>{''.join(items)}</channel></rss>").encode()

    # -- HTTP ------------------------------------------------------------------------------

    def _handler(self, feed: int) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                if farm.latency:
                    time.sleep(farm.latency)
                path = urlsplit(self.path).path
                if path == "/feed.xml":
                    body, etag = farm.feed_body(feed)
                    if self.headers.get("If-None-Match") == etag:
                        self.send_response(304)
                        self.send_header("ETag", etag)
                        self.end_headers()
                        return
                    self._send(body, "application/rss+xml; charset=utf-8", etag)
                elif path == "/robots.txt":
                    self._send(ROBOTS, "text/plain; charset=utf-8")
                elif path.startswith("/news/") and path[6:].isdigit() and farm.layout.pages:
                    self._send(farm.page(feed, int(path[6:])), "text/html; charset=utf-8")
                else:
                    self.send_error(404)

            def _send(self, body: bytes, content_type: str, etag: str | None = None) -> None:
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                if etag:
                    self.send_header("ETag", etag)
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def _control_handler(self) -> type[BaseHTTPRequestHandler]:
        farm = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/change":
                    farm.change(float(query["fraction"]))
                self.send_response(204)
                self.end_headers()

        return Handler
