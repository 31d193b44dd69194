"""News listing pages (`kind: html`) into the `Entry` records feeds give.

Many regional sites (a ministry's press page, a technopark's news page) have no feed; their
news page lists items with a link, a title and a date. The source's CSS selectors (see
`config.Selectors`) say where: `item` on the page, the others inside each item. The result is
a `Feed` like `parse.parse_feed`'s, so the rest of the pipeline does not know the difference.

A selector that matches nothing is a ParseError with that reason, not an empty success: the
site changed its layout, and a poll that "finds no news" for weeks would hide it.

Dates are read with dateparser, in the words sites write them ("18 ноября 2021", "18. November
2021", "Nov 18, 2021", "вчера, 14:30", "vor 2 Stunden"): it keeps the month names and relative
phrases of every language we read, and it already comes with trafilatura (htmldate uses it).
It takes ~0.1 s to load its language data, so it is imported when a date in words is first
read (an ISO date, as a <time datetime> gives, is read without it).
A site's times without a zone are in the source's `timezone` (UTC unless it says).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

from bs4 import BeautifulSoup, Tag

from .encoding import decode
from .errors import ParseError
from .parse import Entry, Feed, entry_link, iso_date, iso_utc, language_code

if TYPE_CHECKING:
    from .config import Selectors

MAX_ITEMS = 200
"""Items read from one page. A listing shows 10 to 50; a hostile page of 100,000 `div`s would
otherwise cost 100,000 date parses per poll."""
DATE_MAX_CHARS = 120
"""Longest date text handed to dateparser; a date selector that picked the whole item is
cut, not parsed for seconds."""
DATE_LANGUAGES = ["ru", "en", "de"]
_LABEL = re.compile(r"^[^\d:]{1,40}:\s*")
"""A label before the date ("Опубликовано: 18 ноября 2021", "Datum: 18.11.2021")."""


def parse_listing(body: bytes, url: str, selectors: Selectors,
                  content_type: str | None = None, now: datetime | None = None,
                  zone: str = "UTC") -> Feed:
    """The entries of a listing page. Raises ParseError when a selector matches nothing, or
    when no item has both a link and a title. `now` is what relative dates count from;
    `zone` is the site's, for the times it gives without one."""
    html = decode(body, content_type, html=True)
    # Text without a tag has no items (and bs4 would warn that "/news/1" looks like a URL it
    # was meant to fetch).
    soup = BeautifulSoup(html, "lxml") if "<" in html else None
    items = soup.select(selectors.item, limit=MAX_ITEMS + 1) if soup else []
    if soup is None or not items:
        raise ParseError(url, f"selector {selectors.item!r} (item) matched nothing")
    warnings = []
    if len(items) > MAX_ITEMS:
        items = items[:MAX_ITEMS]
        warnings.append(f"only the first {MAX_ITEMS} items were read")
    base = _base(soup, url)
    found = [_Item.of(item, selectors) for item in items]
    for field in ("link", "title", "date"):
        if all(getattr(f, field) is None for f in found):
            raise ParseError(url, f"selector {getattr(selectors, field)!r} ({field}) matched "
                                  f"nothing in any of the {len(found)} items")
    language = language_code(soup.html.get("lang") if soup.html else None)
    moment = now or datetime.now(UTC)
    entries: list[Entry] = []
    seen: set[str] = set()
    incomplete = 0
    undated: list[str] = []
    dates: dict[str, str | None] = {}  # a page's items share few dates; each costs ~1 ms
    for item in found:
        link, _malformed = entry_link(base, item.href())  # counted as an item without one
        title = " ".join(item.title.get_text(" ").split()) if item.title else ""
        if link is None or not title:
            incomplete += 1
            continue
        if link in seen:
            continue  # the same news twice on a page (a lead story and the list)
        seen.add(link)
        published = None
        if item.date is not None:
            written = item.date_text()
            if written not in dates:
                dates[written] = read_date(written, moment, zone)
            published = dates[written]
            if published is None:
                undated.append(written)
        entries.append(Entry(guid=link, link=link, title=title, title_is_html=False,
                             summary_html=item.summary.decode_contents() if item.summary
                             else "", published=published, language=language))
    if not entries:
        raise ParseError(url, f"none of the {len(found)} items has both a link and a title")
    if incomplete:
        warnings.append(f"{incomplete} items without a link or title were skipped")
    if undated:
        warnings.append(f"{len(undated)} dates not understood, e.g. {undated[0][:80]!r}")
    title = " ".join(soup.title.get_text().split()) if soup.title else None
    return Feed(title=title or None, language=language, entries=entries,
                warning="; ".join(warnings) or None)


@dataclass(frozen=True)
class _Item:
    """What the selectors found inside one item (each the first match, or None)."""

    link: Tag | None
    title: Tag | None
    date: Tag | None
    summary: Tag | None

    @classmethod
    def of(cls, item: Tag, selectors: Selectors) -> _Item:
        return cls(_within(item, selectors.link), _within(item, selectors.title),
                   _within(item, selectors.date),
                   _within(item, selectors.summary) if selectors.summary else None)

    def href(self) -> str | None:
        """The link element's href, else the first link inside it."""
        if self.link is None:
            return None
        anchor = self.link if self.link.has_attr("href") else self.link.find(href=True)
        return _attribute(anchor, "href") if isinstance(anchor, Tag) else None

    def date_text(self) -> str:
        """The machine-readable `datetime` of the date element or of a <time> inside it
        (whose text may be "Tuesday"), else the element's text."""
        assert self.date is not None
        stamped = self.date if self.date.has_attr("datetime") else \
            self.date.find(attrs={"datetime": True})
        machine = _attribute(stamped, "datetime") if isinstance(stamped, Tag) else None
        return (machine or self.date.get_text(" ")).strip()


def _within(item: Tag, selector: str) -> Tag | None:
    """The first element inside the item the selector matches, else the item itself when it
    matches (an item that is itself the link: `item: a.card`, `link: a.card` or `:scope`)."""
    found = item.select_one(selector)
    return found if found is not None else (item if item.css.match(selector) else None)


def _attribute(tag: Tag, name: str) -> str | None:
    value: Any = tag.get(name)
    if isinstance(value, list):  # bs4 splits multi-valued attributes
        value = " ".join(value)
    return value.strip() or None if isinstance(value, str) else None


def _base(soup: BeautifulSoup, url: str) -> str:
    """What relative links are relative to: the page's <base href>, else its own address."""
    tag = soup.find("base", href=True)
    href = _attribute(tag, "href") if isinstance(tag, Tag) else None
    if not href:
        return url
    try:
        return urljoin(url, href)
    except ValueError:  # a malformed base (http://[oops) leaves links relative to the page
        return url


def read_date(text: str, now: datetime, zone: str = "UTC") -> str | None:
    """ISO 8601 UTC for a date as a site writes it, or None when it is not one. `now` is
    what relative dates ("вчера, 14:30", "2 hours ago") count from; a time without a zone
    is in `zone` (a name such as 'Asia/Yakutsk')."""
    text = " ".join(text.split())[:DATE_MAX_CHARS]
    machine = iso_date(text, ZoneInfo(zone))  # a <time datetime>: no dateparser needed
    if not text or machine:
        return machine
    import dateparser  # slow to load: only dates in words need it

    # The base is the site's wall-clock time: dateparser reads it in TIMEZONE.
    settings = {"RELATIVE_BASE": now.astimezone(ZoneInfo(zone)).replace(tzinfo=None),
                "TIMEZONE": zone,
                "TO_TIMEZONE": "UTC", "RETURN_AS_TIMEZONE_AWARE": True,
                "PREFER_DATES_FROM": "past", "DATE_ORDER": "DMY"}
    for candidate in dict.fromkeys((text, _LABEL.sub("", text))):
        try:
            moment = dateparser.parse(candidate, languages=DATE_LANGUAGES, settings=settings)
        except (ValueError, OverflowError, TypeError, ArithmeticError):
            moment = None  # dateparser raises these for out-of-range parts it did pick out
        if moment is not None:
            return iso_utc(moment)
    return None
