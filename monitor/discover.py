"""Finding the feeds a site offers, for `discover URL`: ready-to-paste sources.yaml entries.

The page the user names is fetched like a configured source (its origin trusted); everything
it points at is a link from untrusted content, fetched through `Fetcher.get` with only that
origin trusted, so a hostile page cannot make discovery request a private address. Every
candidate is checked by fetching and parsing it, because pages advertise feeds that are gone,
empty or HTML error pages; and the checking is bounded three ways (at most `limit` requests
after the page, each with a smaller size cap, none started after one total deadline), so a page with
ten thousand feed-looking links costs the same as one with ten.

Order of the search: the page itself (a feed URL typed by the user is a feed), the feeds it
advertises (`<link rel="alternate">`), links that look like feeds (`<a href=".../rss">`), and
only when none of those is a working feed the usual paths (/rss, /feed, ...) and the sitemaps
robots.txt lists: a site that says where its feed is should not receive guesses.
"""

from __future__ import annotations

import logging
import re
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Literal
from urllib.parse import urldefrag, urljoin, urlsplit

import lxml.etree
import lxml.html

from . import logs
from .config import FetchSettings
from .errors import FetchError, ParseError
from .fetch import Fetcher, Origin, Response
from .parse import parse_feed
from .sitemap import GZIP_MAGIC, gunzip
from .translit import slug

log = logging.getLogger(__name__)

CANDIDATE_MAX_BYTES = 4 * 1024 * 1024
"""Cap on one candidate's body: a feed or sitemap bigger than this is no source to poll."""
CANDIDATE_TIMEOUT = 15.0
TOTAL_SECONDS = 60.0
"""No request starts after this many seconds of searching, so `limit` slow candidates cannot
hold the terminal for `limit` times the per-request timeout."""
SITEMAPS_FROM_ROBOTS = 3
WELL_KNOWN_PATHS = ("/rss", "/feed", "/rss.xml", "/atom.xml", "/feed.xml")
INTERVAL = "30m"

FEED_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/feed+json",
                        "application/rdf+xml"})
"""The `type` of a `<link rel="alternate">` that advertises a feed."""
_FEEDISH_PATH = re.compile(
    r"(?:^|[/._-])(?:rss2?|atom|feeds?|rdf)(?:/|\.(?:xml|php|aspx?|rss)|$)|\.(?:rss|atom|rdf)$",
    re.IGNORECASE)
"""A link path that looks like a feed: /rss, /feed/, /news/rss.xml, /export/rss2/index.xml,
/index.atom, /feed.php; not /news/atom-day/ (a nuclear-industry headline)."""
_FEEDISH_TEXT = re.compile(r"^\s*(?:rss|atom)\b", re.IGNORECASE)
_SITEMAP_LINE = re.compile(r"^\s*sitemap\s*:\s*(\S+)", re.IGNORECASE | re.MULTILINE)
_HTML_START = re.compile(rb"(?:\xef\xbb\xbf)?\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html)\b",
                         re.IGNORECASE | re.DOTALL)
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_SITEMAP_ROOTS = {"urlset": "sitemap", "sitemapindex": "sitemap index"}

How = Literal["the URL itself", "advertised by the page", "linked from the page",
              "usual path", "robots.txt"]


@dataclass(frozen=True)
class Found:
    """A candidate that turned out to be a source."""

    url: str
    """Where it was found to be, after redirects: what to poll."""
    kind: Literal["feed", "sitemap"]
    format: str
    """RSS, Atom, JSON Feed, ... or "sitemap" / "sitemap index"."""
    title: str | None
    items: int
    language: str | None
    how: How


@dataclass(frozen=True)
class Rejected:
    url: str
    reason: str


@dataclass
class Discovery:
    """What the search found on one site, and what it checked in vain."""

    page: str
    """The page's final URL."""
    language: str | None
    """The page's declared language (`<html lang>`), if any."""
    found: list[Found] = field(default_factory=list)
    rejected: list[Rejected] = field(default_factory=list)
    unchecked: int = 0
    """Candidates left when the request limit or the deadline was reached."""

    @property
    def feeds(self) -> list[Found]:
        return [f for f in self.found if f.kind == "feed"]


@dataclass(frozen=True)
class _Candidate:
    url: str
    how: How


def discover(url: str, fetcher: Fetcher, *, limit: int,
             candidate_fetcher: Fetcher | None = None) -> Discovery:
    """The feeds (or, failing them, the sitemaps) the site at `url` offers, in at most `limit`
    requests after the page itself (advertised and linked feeds, usual paths, robots.txt and
    sitemaps together). Raises FetchError
    when the page itself cannot be fetched; every later failure is a `Rejected` line."""
    started = time.monotonic()
    if "://" not in url:
        url = f"https://{url}"  # what a user types: example.org
    response = fetcher.get(url)
    trusted = frozenset({Origin.of(url)})
    own = candidate_fetcher or fetcher
    itself = _as_feed(response, "the URL itself")
    if isinstance(itself, _Verdict):
        return Discovery(page=response.url, language=itself.found.language,
                         found=[itself.found])
    document = _html(response.body)
    result = Discovery(page=response.url, language=_page_language(document))
    search = _Search(own, trusted, result, limit, started + TOTAL_SECONDS)
    search.check(_from_page(document, response.url), _as_feed)
    if not result.found:
        base = _site_root(response.url)
        search.check((_Candidate(urljoin(base, p), "usual path") for p in WELL_KNOWN_PATHS),
                     _as_feed)
    if not result.found:
        robots = search.fetch(urljoin(_site_root(response.url), "/robots.txt"))
        if robots is not None:
            search.check(_sitemaps_in(robots), _as_sitemap)
    return result


@dataclass
class _Search:
    """The bounded checking of candidates: each URL at most once, at most `limit` requests,
    nothing after `deadline`, one feed once however many addresses serve it."""

    fetcher: Fetcher
    trusted: frozenset[Origin]
    result: Discovery
    limit: int
    deadline: float
    requests: int = 0
    seen: set[str] = field(default_factory=set)
    fingerprints: set[tuple] = field(default_factory=set)

    def fetch(self, url: str) -> Response | None:
        """The response at `url`, or None (rejected with the reason, or over the bounds)."""
        if self.requests >= self.limit or time.monotonic() >= self.deadline:
            self.result.unchecked += 1
            return None
        self.requests += 1
        try:
            return self.fetcher.get(url, trusted=self.trusted)
        except FetchError as exc:
            self._reject(url, exc.reason)
            return None

    def check(self, candidates: Iterator[_Candidate],
              judge: Callable[[Response, How], _Verdict | str]) -> None:
        for candidate in candidates:
            if candidate.url in self.seen:
                continue
            self.seen.add(candidate.url)
            response = self.fetch(candidate.url)
            if response is None:
                continue
            verdict = judge(response, candidate.how)
            if isinstance(verdict, str):
                self._reject(candidate.url, verdict)
                continue
            if verdict.fingerprint in self.fingerprints:
                continue  # /rss and /rss.xml serving one feed: it is listed once
            self.fingerprints.add(verdict.fingerprint)
            self.result.found.append(verdict.found)
            logs.event(log, logging.INFO, "discover.found", url=response.url,
                       kind=verdict.found.kind, items=verdict.found.items)

    def _reject(self, url: str, reason: str) -> None:
        self.result.rejected.append(Rejected(url, reason))
        logs.event(log, logging.INFO, "discover.rejected", url=url, reason=reason)


@dataclass(frozen=True)
class _Verdict:
    found: Found
    fingerprint: tuple


def _as_feed(response: Response, how: How) -> _Verdict | str:
    """The response as a feed, or why it is not one. An HTML page (a site answering /rss
    with its home page, or the page the user typed) is told apart before feedparser, whose
    lenient parser would spend its time on a large page only to find no feed."""
    if _HTML_START.match(response.body[:1024]):
        return "not a feed: an HTML page"
    try:
        feed = parse_feed(response.body, response.url, response.content_type)
    except ParseError as exc:
        return exc.reason
    found = Found(url=response.url, kind="feed", format=_format(response),
                  title=(feed.title or "").strip() or None, items=len(feed.entries),
                  language=feed.language, how=how)
    return _Verdict(found, ("feed", found.title,
                            tuple(e.guid or e.link for e in feed.entries[:5])))


def _format(response: Response) -> str:
    head = response.body[:2048].lower()
    if b"jsonfeed.org" in head:
        return "JSON Feed"
    if b"<feed" in head:
        return "Atom"
    if b"<rdf:rdf" in head:
        return "RDF"
    return "RSS"


def _as_sitemap(response: Response, how: How) -> _Verdict | str:
    """The response as a sitemap or sitemap index, or why it is not one. Parsed with lxml
    with entities and network access off, so a hostile sitemap cannot expand or fetch."""
    body = response.body
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, CANDIDATE_MAX_BYTES)
            unusable = len(body) > CANDIDATE_MAX_BYTES
        except zlib.error:
            unusable = True
        if unusable:
            return "a gzip file that is broken or larger than " \
                   f"{CANDIDATE_MAX_BYTES // (1024 * 1024)} MiB unpacked"
    parser = lxml.etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False,
                                  recover=False)
    try:
        root = lxml.etree.fromstring(body, parser)
    except lxml.etree.XMLSyntaxError as exc:
        return f"not a sitemap: not well-formed XML ({exc})"
    name = lxml.etree.QName(root).localname
    if name not in _SITEMAP_ROOTS:
        return f"not a sitemap: the document is <{name}>, not <urlset> or <sitemapindex>"
    locations = [el.text.strip() for el in root.iter("{*}loc") if el.text and el.text.strip()]
    found = Found(url=response.url, kind="sitemap", format=_SITEMAP_ROOTS[name], title=None,
                  items=len(locations), language=None, how=how)
    return _Verdict(found, ("sitemap", tuple(locations[:5])))


def _html(body: bytes) -> lxml.html.HtmlElement | None:
    if not body.strip():
        return None
    try:
        return lxml.html.document_fromstring(body)
    except (lxml.etree.ParserError, ValueError):
        return None


def _page_language(document: lxml.html.HtmlElement | None) -> str | None:
    """The language the page declares: `<html lang>`, else Content-Language in a meta tag."""
    if document is None:
        return None
    declared = document.get("lang") or document.get("{http://www.w3.org/XML/1998/namespace}lang")
    if not declared:
        for meta in document.iterfind(".//meta[@http-equiv]"):
            if meta.get("http-equiv", "").lower() == "content-language":
                declared = meta.get("content")
                break
    code = (declared or "").strip().split("-")[0].split("_")[0].lower()
    return code if _LANGUAGE.fullmatch(code) else None


def _from_page(document: lxml.html.HtmlElement | None, page: str) -> Iterator[_Candidate]:
    """Feed URLs the page names: advertised ones first, then links that look like feeds.
    A generator, so a page of ten thousand links is read only as far as the checking goes."""
    if document is None:
        return
    base = _base(document, page)
    for link in document.iterfind(".//link[@href]"):
        rel = {r.lower() for r in (link.get("rel") or "").split()}
        media = (link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" in rel and media in FEED_TYPES:
            url = _absolute(base, link.get("href"))
            if url:
                yield _Candidate(url, "advertised by the page")
    for anchor in document.iterfind(".//a[@href]"):
        href = anchor.get("href") or ""
        media = (anchor.get("type") or "").split(";")[0].strip().lower()
        url = _absolute(base, href)
        if url and (media in FEED_TYPES or _FEEDISH_PATH.search(urlsplit(url).path)
                    or _FEEDISH_TEXT.match(anchor.text_content()[:40])):
            yield _Candidate(url, "linked from the page")


def _base(document: lxml.html.HtmlElement, page: str) -> str:
    base = document.find(".//base[@href]")
    return _absolute(page, base.get("href")) or page if base is not None else page


def _absolute(base: str, href: str | None) -> str | None:
    """`href` resolved against `base`, without its fragment; None unless it is http(s)."""
    if not href or not href.strip():
        return None
    try:
        url = urldefrag(urljoin(base, href.strip()))[0]
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return url if parts.scheme in ("http", "https") and parts.hostname else None


def _site_root(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}/"


def _sitemaps_in(robots: Response) -> Iterator[_Candidate]:
    text = robots.body.decode("utf-8", "replace")
    if "html" in (robots.content_type or "").lower():
        return  # a site answering every path with its home page
    for count, match in enumerate(_SITEMAP_LINE.finditer(text)):
        if count == SITEMAPS_FROM_ROBOTS:
            return
        url = _absolute(robots.url, match.group(1))
        if url:
            yield _Candidate(url, "robots.txt")


def candidate_settings(settings: FetchSettings) -> FetchSettings:
    """The limits for candidates: the user's, with a smaller size cap and deadline."""
    return settings.model_copy(update={"max_bytes": min(settings.max_bytes, CANDIDATE_MAX_BYTES),
                                       "timeout": min(settings.timeout, CANDIDATE_TIMEOUT)})


# --------------------------------------------------------------------------- the output


def source_name(url: str) -> str:
    """A sources.yaml name from the host: www. and the top-level domain dropped, Cyrillic
    (an .рф site) transliterated: www.tass.ru -> tass, sakha.gov.ru -> sakha-gov."""
    host = Origin.of(url).host
    try:
        host = host.encode("ascii").decode("idna")
    except UnicodeError:
        pass
    labels = host.removeprefix("www.").split(".")
    if len(labels) > 1 and not labels[-1].isdigit():
        labels = labels[:-1]
    return slug(" ".join(labels)) or "site"


def entries(result: Discovery) -> str:
    """The search's result as YAML to paste under `sources:`, with comments saying what each
    entry is and what was tried in vain."""
    name = source_name(result.page)
    chosen = result.feeds or result.found
    lines = []
    if chosen:
        what = "feed" if result.feeds else "sitemap"
        lines.append(f"# {len(chosen)} {what}{'s' if len(chosen) != 1 else ''} found for "
                     f"{result.page}. Paste under `sources:` in sources.yaml.")
        for number, found in enumerate(chosen, start=1):
            lines += ["", *_entry(found, f"{name}-{number}" if len(chosen) > 1 else name,
                                  result.language)]
    else:
        lines += _nothing_found(result, name)
    lines += _tried(result)
    return "\n".join(lines) + "\n"


def _entry(found: Found, name: str, page_language: str | None) -> list[str]:
    title = f"«{_one_line(found.title)}», " if found.title else ""
    items = f"{found.items} {'item' if found.kind == 'feed' else 'URL'}" \
            f"{'s' if found.items != 1 else ''}"
    language = page_language or found.language
    return [f"# {title}{found.format}, {items} ({found.how})",
            f"  - name: {name}",
            f"    url: {_quoted(found.url)}",
            f"    kind: {found.kind}",
            f"    language: {language}" if language
            else "    # language: ru    # neither the page nor the feed says; set it",
            f"    interval: {INTERVAL}",
            "    fetch_article: true"]


def _nothing_found(result: Discovery, name: str) -> list[str]:
    language = result.language or "ru"
    return [f"# No feed or sitemap found for {result.page}.",
            "# A news listing page can be read with `kind: html`: fill in the CSS selectors",
            "# (see `kind: html` in sources.yaml's header), then uncomment under `sources:`.",
            "#",
            f"#  - name: {name}",
            f"#    url: {_quoted(result.page)}",
            "#    kind: html",
            f"#    language: {language}",
            f"#    interval: {INTERVAL}",
            "#    fetch_article: true",
            "#    selectors:",
            "#      item: ''     # each news item on the page, e.g. div.news-item",
            "#      link: ''     # within an item: its link, e.g. a.title",
            "#      title: ''    # its headline, e.g. h3",
            "#      date: ''     # its date, e.g. span.date"]


def _tried(result: Discovery) -> list[str]:
    lines = []
    if result.rejected:
        lines += ["", "# Checked, not a source:"]
        lines += [f"#   {r.url}: {_one_line(r.reason)[:160]}" for r in result.rejected]
    if result.unchecked:
        lines += ["", f"# {result.unchecked} more candidate"
                      f"{'s' if result.unchecked != 1 else ''} not checked (limit reached)."]
    return lines


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quoted(url: str) -> str:
    """A URL as a YAML scalar: quoted when YAML would read it otherwise (`#`, `: `)."""
    return url if re.fullmatch(r"[\w\-.~:/?\[\]@!$&()*+,;=%]+", url) and ": " not in url \
        else "'" + url.replace("'", "''") + "'"

