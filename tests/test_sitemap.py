"""`kind: sitemap` sources: news sitemaps, plain sitemaps and sitemap indexes, served by a
real HTTP server on 127.0.0.1. The sitemaps are written here, dated relative to the moment
the test runs, since which URLs are entries depends on their age."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor import sitemap
from monitor.errors import FetchError, ParseError
from monitor.fetch import Fetcher, Origin
from monitor.sitemap import MAX_ENTRIES, read_sitemap

from helpers import RULES, article_page, db_rows, invoke, write_config
from httpserver import TestServer

NOW = datetime.now(UTC).replace(microsecond=0)
SINCE = NOW - timedelta(days=2)
NS = ('xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
      'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"')


def ago(**delta: float) -> str:
    return (NOW - timedelta(**delta)).isoformat()


def z(stamp: str) -> str:
    """A date as entries carry it (UTC, 'Z')."""
    return datetime.fromisoformat(stamp).astimezone(UTC).isoformat().replace("+00:00", "Z")


def news_url(loc: str, published: str, title: str, language: str = "ru") -> str:
    return (f"<url><loc>{loc}</loc><news:news><news:publication><news:name>Вести</news:name>"
            f"<news:language>{language}</news:language></news:publication>"
            f"<news:publication_date>{published}</news:publication_date>"
            f"<news:title>{title}</news:title></news:news></url>")


def plain_url(loc: str, lastmod: str | None = None) -> str:
    return f"<url><loc>{loc}</loc>" + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + \
        "</url>"


def urlset(*urls: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset {NS}>{"".join(urls)}</urlset>'


def index(*children: tuple[str, str | None]) -> str:
    body = "".join(f"<sitemap><loc>{loc}</loc>"
                   + (f"<lastmod>{lastmod}</lastmod>" if lastmod else "") + "</sitemap>"
                   for loc, lastmod in children)
    return f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex {NS}>{body}</sitemapindex>'


def fetch_from(server: TestServer):
    fetcher = Fetcher()
    trusted = frozenset({Origin.of(server.base_url)})
    return lambda url: fetcher.get(url, trusted=trusted).body


def read(server: TestServer, path: str):
    return read_sitemap(Fetcher().get(server.url(path)).body, server.url(path),
                        fetch_from(server), SINCE)


def test_a_news_sitemap_gives_its_recent_urls_with_dates_and_titles(
        http_server: TestServer) -> None:
    published = [ago(hours=3), ago(days=1, hours=5), ago(days=3)]
    http_server.route("/sitemap-news.xml", urlset(
        news_url(http_server.url("/news/1"), published[0],
                 "Технопарк «Якутия» открыл новый корпус"),
        news_url("/news/2", published[1], "  Skolkovo   welcomes residents ", "en"),
        news_url(http_server.url("/news/old"), published[2], "Три дня назад")),
        content_type="application/xml")
    feed = read(http_server, "/sitemap-news.xml")
    assert [(e.link, e.title, e.published, e.language) for e in feed.entries] == [
        (http_server.url("/news/1"), "Технопарк «Якутия» открыл новый корпус",
         z(published[0]), "ru"),
        (http_server.url("/news/2"), "Skolkovo welcomes residents", z(published[1]), "en"),
    ]
    assert feed.entries[0].guid == feed.entries[0].link
    assert feed.warning is None


def test_a_plain_sitemap_by_lastmod_skips_undated_urls(http_server: TestServer) -> None:
    http_server.route("/sitemap.xml", urlset(
        plain_url(http_server.url("/a"), ago(days=1)),
        plain_url(http_server.url("/b"), NOW.date().isoformat()),  # today, 00:00 UTC
        plain_url(http_server.url("/about")),
        plain_url(http_server.url("/2019"), "2019-05-01")), content_type="text/xml")
    feed = read(http_server, "/sitemap.xml")
    assert [e.link for e in feed.entries] == [http_server.url("/b"), http_server.url("/a")]
    assert [e.title for e in feed.entries] == ["", ""]  # the page gives the title
    assert feed.warning == "1 URLs without a date were skipped"


def test_an_index_reads_only_children_changed_within_the_bound(
        http_server: TestServer) -> None:
    http_server.route("/index.xml", index(
        (http_server.url("/sitemap-2019-05.xml"), "2019-05-31"),
        (http_server.url("/sitemap-current.xml"), ago(hours=1)),
        (http_server.url("/sitemap-gz.xml.gz"), None),  # no lastmod: read
        (http_server.url("/sitemap-missing.xml"), ago(hours=2)),
    ), content_type="application/xml")
    http_server.route("/sitemap-2019-05.xml", urlset(plain_url(http_server.url("/old"),
                                                               ago(hours=1))))
    http_server.route("/sitemap-current.xml", urlset(plain_url(http_server.url("/new"),
                                                               ago(hours=5))))
    http_server.route("/sitemap-gz.xml.gz", gzip.compress(urlset(
        plain_url(http_server.url("/zipped"), ago(hours=6))).encode()),
        content_type="application/gzip")
    feed = read(http_server, "/index.xml")
    assert [e.link for e in feed.entries] == [http_server.url("/new"),
                                              http_server.url("/zipped")]
    assert http_server.count("/sitemap-2019-05.xml") == 0  # changed long before the bound
    assert feed.warning == (f"1 child sitemaps not read, e.g. "
                            f"{http_server.url('/sitemap-missing.xml')}: HTTP 404")


def test_an_index_reads_its_newest_children_within_count_and_size(
        http_server: TestServer, monkeypatch: pytest.MonkeyPatch) -> None:
    children = [(http_server.url(f"/s{i}.xml"), ago(minutes=i)) for i in range(6)]
    http_server.route("/index.xml", index(*children), content_type="application/xml")
    for i in range(6):
        http_server.route(f"/s{i}.xml", urlset(plain_url(http_server.url(f"/n{i}"),
                                                         ago(hours=i))))
    monkeypatch.setattr(sitemap, "MAX_CHILDREN", 3)
    feed = read(http_server, "/index.xml")
    assert [e.link for e in feed.entries] == [http_server.url(f"/n{i}") for i in range(3)]
    assert [http_server.count(f"/s{i}.xml") for i in range(6)] == [1, 1, 1, 0, 0, 0]
    assert feed.warning == "6 recent child sitemaps: only the newest 3 were read"

    size = len(Fetcher().get(http_server.url("/index.xml")).body) + \
        len(Fetcher().get(http_server.url("/s0.xml")).body)
    monkeypatch.setattr(sitemap, "MAX_TOTAL_BYTES", size + 10)
    feed = read(http_server, "/index.xml")
    assert [e.link for e in feed.entries] == [http_server.url("/n0")]
    assert feed.warning == (
        "6 recent child sitemaps: only the newest 3 were read; 1 child sitemaps not read, "
        f"e.g. {http_server.url('/s1.xml')}: sitemap too large (more than 10 bytes left of "
        f"the {size + 10} a poll may read); 1 more not fetched")
    # s0 was also fetched above to measure it; s2 is not fetched the second time
    assert [http_server.count(f"/s{i}.xml") for i in range(3)] == [3, 2, 1]


def test_an_index_none_of_whose_children_can_be_read_is_a_parse_error(
        http_server: TestServer) -> None:
    http_server.route("/index.xml", index((http_server.url("/gone.xml"), ago(hours=1)),
                                          (http_server.url("/index.xml"), None)))
    with pytest.raises(ParseError) as info:
        read(http_server, "/index.xml")
    assert info.value.reason == ("none of the 2 child sitemaps could be read "
                                 f"({http_server.url('/gone.xml')}: HTTP 404)")
    http_server.route("/outer.xml", index((http_server.url("/index.xml"), None)))
    with pytest.raises(ParseError) as info:
        read(http_server, "/outer.xml")
    assert info.value.reason == ("none of the 1 child sitemaps could be read "
                                 f"({http_server.url('/index.xml')}: an index inside an "
                                 "index is not followed)")


def test_entries_are_bounded_newest_first() -> None:
    urls = [plain_url(f"https://site.example/n{i}", ago(seconds=i))
            for i in range(MAX_ENTRIES + 20)]
    feed = read_sitemap(urlset(*urls).encode(), "https://site.example/sitemap.xml",
                        _no_fetch, SINCE)
    assert len(feed.entries) == MAX_ENTRIES
    assert feed.entries[0].link == "https://site.example/n0"
    assert feed.warning == (f"{MAX_ENTRIES + 20} recent URLs: only the newest {MAX_ENTRIES} "
                            "were read")


def _no_fetch(url: str) -> bytes:
    raise FetchError(url, "not fetched in this test")


@pytest.mark.parametrize("body, reason", [
    (b"", "not a sitemap: Document is empty"),
    (b"<rss><channel/></rss>", "not a sitemap: no <urlset> or <sitemapindex> (<rss>)"),
    (b"\x1f\x8bnot gzip at all", "not a sitemap: broken gzip"),
    (b"not xml", "not a sitemap: no <urlset> or <sitemapindex> (no XML element)"),
])
def test_what_is_not_a_sitemap_is_a_parse_error(body: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        read_sitemap(body, "https://site.example/sitemap.xml", _no_fetch, SINCE)
    assert info.value.reason.startswith(reason)


def test_entities_are_not_expanded_and_files_not_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET", encoding="utf-8")
    body = (f'<?xml version="1.0"?><!DOCTYPE urlset [<!ENTITY x SYSTEM "file://{secret}">'
            f'<!ENTITY l "lol">]><urlset {NS}>'
            + news_url("https://site.example/&x;&l;", ago(hours=1), "&x;&l;") + "</urlset>")
    feed = read_sitemap(body.encode(), "https://site.example/sitemap.xml", _no_fetch, SINCE)
    assert "TOP-SECRET" not in repr(feed) and "lol" not in repr(feed)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000), st.binary(max_size=500))
def test_any_bytes_give_entries_or_a_parse_error(body: bytes, child: bytes) -> None:
    try:
        read_sitemap(body, "https://site.example/sitemap.xml", lambda url: child, SINCE)
    except ParseError:
        pass


PIECES = st.sampled_from([
    f"<urlset {NS}>", "</urlset>", f"<sitemapindex {NS}>", "</sitemapindex>", "<url>", "</url>",
    "<sitemap>", "</sitemap>", "<loc>", "</loc>", "<lastmod>", "</lastmod>", "<news:news>",
    "</news:news>", "<news:publication_date>", "</news:publication_date>", "<news:title>",
    "</news:title>", "https://site.example/a", "http://[oops", "/rel", ago(hours=1),
    "0001-01-01T00:00:00+03:00", "9999-12-31T23:59:59-14:00", "2021-13-45", "&amp;", "&x;",
    "<![CDATA[", "]]>", "\x00", "\udcff", " "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(PIECES, max_size=50), st.lists(PIECES, max_size=30))
def test_any_sitemap_shaped_text_gives_entries_or_a_parse_error(
        parts: list[str], child: list[str]) -> None:
    body = "".join(parts).encode("utf-8", "surrogatepass")
    try:
        feed = read_sitemap(body, "https://site.example/sitemap.xml",
                            lambda url: "".join(child).encode("utf-8", "surrogatepass"), SINCE)
    except ParseError:
        return
    assert all(e.link and e.published and e.published >= z(SINCE.isoformat())
               for e in feed.entries)


def test_poll_of_a_sitemap_source_fetches_its_new_pages(tmp_path: Path,
                                                        http_server: TestServer) -> None:
    http_server.route("/sitemap-news.xml", urlset(
        news_url(http_server.url("/news/1"), ago(hours=2), "Технопарк «Якутия» подвёл итоги"),
        news_url(http_server.url("/news/archive"), ago(days=30), "Старая новость")),
        content_type="application/xml")
    http_server.route("/news/1", article_page(
        "Технопарк «Якутия» подвёл итоги", "Резиденты Технопарк Якутия выпустили продукцию.",
        "Новый корпус откроется летом."), content_type="text/html; charset=utf-8")
    opts = write_config(tmp_path, [{"name": "park", "url": http_server.url("/sitemap-news.xml"),
                                    "kind": "sitemap", "max_age": "2d"}], RULES)
    first = invoke("poll", *opts)
    assert "park: 1 new, 0 updated, 0 unchanged" in first.output, first.output
    assert http_server.count("/news/archive") == 0
    rows = db_rows(tmp_path, "select title, extracted_from, language from articles")
    assert rows == [{"title": "Технопарк «Якутия» подвёл итоги", "extracted_from": "page",
                     "language": "ru"}]
    assert db_rows(tmp_path, "select distinct organisation from hits") == \
        [{"organisation": "technopark-yakutia"}]
    second = invoke("poll", *opts)
    assert "park: 0 new, 0 updated, 1 unchanged" in second.output, second.output
    assert http_server.count("/news/1") == 1
    sitemap_request = next(r for r in http_server.requests if r.path == "/sitemap-news.xml")
    assert sitemap_request.headers["Accept"].startswith("application/xml")


def test_an_index_child_elsewhere_is_fetched_only_from_a_public_address(
        http_server: TestServer) -> None:
    with TestServer() as other:  # another origin, on a private (loopback) address
        other.route("/child.xml", urlset(plain_url(other.url("/n"), ago(hours=1))))
        http_server.route("/index.xml", index((other.url("/child.xml"), None)))
        with pytest.raises(ParseError) as info:
            read(http_server, "/index.xml")
        assert other.count("/child.xml") == 0
    assert info.value.reason.startswith(
        f"none of the 1 child sitemaps could be read ({other.url('/child.xml')}: refused: ")
