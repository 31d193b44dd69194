"""Sitemaps (`kind: sitemap`) into the `Entry` records feeds give.

A site without a feed often has a sitemap: a Google News sitemap (each URL with its
`news:publication_date` and `news:title`), a plain one (`lastmod`), or an index of sitemaps
(one a month, say). Each URL dated within the source's `max_age` is an entry, dated by its
publication date else its lastmod; older URLs and URLs with no date are not, so a site's
50,000 old pages are never fetched (with no date there is no telling new from old).

Read with lxml rather than ultimate-sitemap-parser: that library fetches the sitemaps (and
robots.txt, and every child of an index, recursively) with its own HTTP client, outside
`Fetcher.get`'s limits and address checks, and reads every URL of a site where we need the
few recent ones. Here the children of an index are fetched through the function the caller
gives (the pipeline hands `Fetcher.get`), newest first, at most MAX_CHILDREN of them and
MAX_TOTAL_BYTES in all; an index inside an index is not followed.

The XML parser resolves no entities and loads no DTD or network resource (no XXE, no entity
expansion); gzip files (`sitemap.xml.gz`) are inflated under the same byte bound.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from lxml import etree

from .errors import FetchError, ParseError
from .parse import Entry, Feed, entry_link, iso_moment, iso_utc, language_code

MAX_CHILDREN = 10
"""Child sitemaps of an index read per poll (the most recently changed)."""
MAX_TOTAL_BYTES = 32 * 1024 * 1024
"""Bytes of sitemap XML read per poll, index and children together, after inflating."""
MAX_ENTRIES = 500
"""Entries per poll, newest first: a site that stamps every URL with today's lastmod would
otherwise hand over its whole site as new."""

_NEVER = datetime.min.replace(tzinfo=UTC)

Fetch = Callable[[str], bytes]
"""A child sitemap's body by its URL; raises FetchError."""


class _TooLarge(ParseError):
    """The sitemaps of this poll have passed MAX_TOTAL_BYTES: no more are read."""


@dataclass(frozen=True)
class _Url:
    loc: str
    published: str
    moment: datetime
    title: str
    language: str | None


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                           recover=True, huge_tree=False, remove_comments=True)


def _local(tag: object) -> str:
    """'{namespace}name' -> 'name'; also 'news:name', the tag lxml's recovering parser gives
    an element whose prefix is not declared. Comments and the like have no name."""
    return tag.rpartition("}")[2].rpartition(":")[2] if isinstance(tag, str) else ""


def _text(element: etree._Element, path: str) -> str | None:
    """The stripped text at `path` ('{*}news/{*}title': any namespace, or none)."""
    text = element.findtext(path)
    return text.strip() or None if text else None


GZIP_MAGIC = b"\x1f\x8b"
"""How a gzip file (sitemap.xml.gz served as a file, not as Content-Encoding) begins."""


def gunzip(body: bytes, cap: int) -> bytes:
    """A gzip file inflated to at most `cap` + 1 bytes: longer than `cap` means it is too large
    (a gzip bomb stops there). Raises zlib.error when the file is broken."""
    return zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(body, cap + 1)


def _root(body: bytes, url: str, budget: int) -> tuple[etree._Element, int]:
    """The document's root element and its size (inflated), within `budget` bytes."""
    if body[:2] == GZIP_MAGIC:
        try:
            body = gunzip(body, budget)
        except zlib.error as exc:
            raise ParseError(url, f"not a sitemap: broken gzip ({exc})") from None
    if len(body) > budget:
        raise _TooLarge(url, f"sitemap too large (more than {budget} bytes left of the "
                             f"{MAX_TOTAL_BYTES} a poll may read)")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise ParseError(url, f"not a sitemap: {exc}") from None
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        found = f"<{_local(root.tag)}>" if root is not None else "no XML element"
        raise ParseError(url, f"not a sitemap: no <urlset> or <sitemapindex> ({found})")
    return root, len(body)


def read_sitemap(body: bytes, url: str, fetch: Fetch, since: datetime) -> Feed:
    """The entries of a sitemap or sitemap index dated `since` (aware) or later. Raises
    ParseError when the document is not a sitemap, or is an index none of whose children
    could be read."""
    root, size = _root(body, url, MAX_TOTAL_BYTES)
    warnings: list[str] = []
    if _local(root.tag) == "urlset":
        roots = [(root, url)]
    else:
        roots = _children(root, url, fetch, since, MAX_TOTAL_BYTES - size, warnings)
    recent: list[_Url] = []
    undated = 0
    for document, base in roots:
        found, missing = _recent_urls(document, base, since)
        recent += found
        undated += missing
    if undated:
        warnings.append(f"{undated} URLs without a date were skipped")
    recent.sort(key=lambda u: u.moment, reverse=True)
    if len(recent) > MAX_ENTRIES:
        warnings.append(f"{len(recent)} recent URLs: only the newest {MAX_ENTRIES} were read")
        recent = recent[:MAX_ENTRIES]
    seen: set[str] = set()
    entries = []
    for item in recent:
        if item.loc not in seen:
            seen.add(item.loc)
            entries.append(Entry(guid=item.loc, link=item.loc, title=item.title,
                                 title_is_html=False, summary_html="", published=item.published,
                                 language=item.language))
    return Feed(title=None, language=None, entries=entries, warning="; ".join(warnings) or None)


def _recent_urls(root: etree._Element, base: str, since: datetime) -> tuple[list[_Url], int]:
    """The URLs of a <urlset> dated `since` or later, and how many have no date. The date is
    read first: of a site's 50,000 URLs most are old, and cost no more than that."""
    urls = []
    undated = 0
    for element in root.iterfind("{*}url"):
        moment = iso_moment(_text(element, "{*}news/{*}publication_date")) or iso_moment(
            _text(element, "{*}lastmod"))
        if moment is None:
            undated += 1
            continue
        if moment < since:
            continue
        loc, _malformed = entry_link(base, _text(element, "{*}loc"))
        if loc is None:
            continue
        title = " ".join((_text(element, "{*}news/{*}title") or "").split())
        language = language_code(_text(element, "{*}news/{*}publication/{*}language"))
        urls.append(_Url(loc, iso_utc(moment), moment, title, language))
    return urls, undated


def _children(root: etree._Element, url: str, fetch: Fetch, since: datetime, budget: int,
              warnings: list[str]) -> list[tuple[etree._Element, str]]:
    """The documents (and their URLs) of an index's children that changed since `since`
    (undated ones too: a child's lastmod is optional), most recently changed first, within
    the bounds."""
    children = []
    for element in root.iterfind("{*}sitemap"):
        loc, _malformed = entry_link(url, _text(element, "{*}loc"))
        changed = iso_moment(_text(element, "{*}lastmod"))
        if loc is not None and (changed is None or changed >= since):
            children.append((changed or _NEVER, loc))
    children.sort(reverse=True)
    if len(children) > MAX_CHILDREN:
        warnings.append(f"{len(children)} recent child sitemaps: only the newest "
                        f"{MAX_CHILDREN} were read")
        children = children[:MAX_CHILDREN]
    documents = []
    failures = []
    for _changed, loc in children:
        try:
            child, size = _root(fetch(loc), loc, budget)
        except (FetchError, ParseError) as exc:
            failures.append(f"{loc}: {exc.reason}")
            if isinstance(exc, _TooLarge):
                break  # the bytes of this poll are spent: the rest is not fetched
            continue
        budget -= size
        if _local(child.tag) == "sitemapindex":
            failures.append(f"{loc}: an index inside an index is not followed")
            continue
        documents.append((child, loc))
    if failures:
        if not documents:
            raise ParseError(url, f"none of the {len(children)} child sitemaps could be read "
                                  f"({failures[0]})")
        left = len(children) - len(documents) - len(failures)
        warnings.append(f"{len(failures)} child sitemaps not read, e.g. {failures[0]}"
                        + (f"; {left} more not fetched" if left else ""))
    return documents
