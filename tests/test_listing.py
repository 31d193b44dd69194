"""`kind: html` sources: news listing pages read with CSS selectors, served by a real HTTP
server on 127.0.0.1. The pages in tests/data/listing were written for these tests, after the
layouts of Russian, English and German news pages (the Russian one in windows-1251)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import Selectors
from monitor.errors import ParseError
from monitor.fetch import Fetcher
from monitor.listing import MAX_ITEMS, parse_listing, read_date

from helpers import RULES, article_page, db_rows, invoke, write_config
from httpserver import TestServer

PAGES = Path(__file__).parent / "data" / "listing"
NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)
RU = Selectors(item="div.news-item", link="a.news-item__link", title=".news-item__title",
               date=".news-item__date", summary=".news-item__lead")
EN = Selectors(item="article.card", link="h3 a", title="h3", date=".meta")
DE = Selectors(item="li.teaser", link=":scope > a", title=":scope > a", date=".datum",
               summary=".text")


def serve(server: TestServer, path: str, page: str, content_type: str = "text/html") -> str:
    server.route(path, (PAGES / page).read_bytes(), content_type=content_type)
    return server.url(path)


def listing(server: TestServer, path: str, page: str, selectors: Selectors,
            content_type: str = "text/html"):
    url = serve(server, path, page, content_type)
    response = Fetcher().get(url)
    return parse_listing(response.body, response.url, selectors, response.content_type, NOW)


def test_russian_listing_in_windows_1251(http_server: TestServer) -> None:
    feed = listing(http_server, "/news/", "ru.html", RU)
    base = http_server.base_url
    assert [(e.link, e.title, e.published) for e in feed.entries] == [
        (f"{base}/news/2021/11/18/tehnopark-yakutiya-rezidenty/",
         "Технопарк «Якутия» принял пять новых резидентов", "2021-11-18T00:00:00Z"),
        # "../news/..." from /news/ and a label before the date
        (f"{base}/news/2021/11/17/forum/", "В Якутске прошёл форум «Цифровая Арктика»",
         "2021-11-17T00:00:00Z"),
        # an absolute link, a relative date
        ("https://sakha.example/news/granty/", "Минцифры объявило приём заявок на гранты",
         "2026-11-26T14:30:00Z"),
    ]
    first = feed.entries[0]
    assert first.guid == first.link and first.language == "ru" and not first.title_is_html
    assert first.summary_html == ("Экспертный совет технопарка одобрил проекты в области IT и "
                                  "биотехнологий.")
    assert feed.entries[2].summary_html == ""  # no lead: the summary selector is optional
    assert feed.title == "Новости — Министерство инноваций Республики Саха (Якутия)"
    assert feed.warning == "1 items without a link or title were skipped"  # the banner


def test_english_listing(http_server: TestServer) -> None:
    feed = listing(http_server, "/press/", "en.html", EN, "text/html; charset=utf-8")
    base = http_server.base_url
    assert [(e.link, e.published) for e in feed.entries] == [
        (f"{base}/press/press/2021-11-18-new-residents", "2021-11-18T00:00:00Z"),
        (f"{base}/press/2021-11-17-skolkovo", "2021-11-17T00:00:00Z"),
        # the <time datetime> inside the date element, not its text "Tuesday"
        (f"{base}/press/2021-11-16-report", "2021-11-16T06:00:00Z"),
        (f"{base}/press/just-in", "2026-11-27T10:00:00Z"),  # "2 hours ago"
        (f"{base}/press/undated", None),
    ]
    assert feed.entries[1].title == "Skolkovo and Innopolis sign a cooperation agreement"
    assert feed.warning == "1 dates not understood, e.g. 'Share this'"


def test_german_listing_resolves_links_against_its_base(http_server: TestServer) -> None:
    feed = listing(http_server, "/de/", "de.html", DE)
    assert [(e.link, e.title, e.published) for e in feed.entries] == [
        ("https://ahk.example/aktuell/technopark-jakutien",
         "Technopark Jakutien eröffnet ein Büro in Moskau", "2021-11-18T00:00:00Z"),
        ("https://ahk.example/meldungen/skolkowo", "Skolkowo meldet Rekordzahl an Start-ups",
         "2021-11-17T00:00:00Z"),
        ("https://ahk.example/aktuell/sonderwirtschaftszone",
         "Sonderwirtschaftszone Alabuga zieht Investoren an", "2026-11-27T09:15:00Z"),
    ]
    assert feed.entries[0].summary_html == \
        "<p>Der <b>Technopark Jakutien</b> baut seine Kontakte aus.</p>"
    assert feed.language == "de" and feed.warning is None


@pytest.mark.parametrize("written, expected", [
    ("18 ноября 2021", "2021-11-18T00:00:00Z"),
    ("18 ноября 2021 г., 10:15", "2021-11-18T10:15:00Z"),
    ("Четверг, 18 ноября 2021, 10:15", "2021-11-18T10:15:00Z"),
    ("18.11.2021", "2021-11-18T00:00:00Z"),
    ("18.11.21 14:30", "2021-11-18T14:30:00Z"),
    ("18. November 2021", "2021-11-18T00:00:00Z"),
    ("18. November 2021 um 14:30 Uhr", "2021-11-18T14:30:00Z"),
    ("Nov 18, 2021", "2021-11-18T00:00:00Z"),
    ("18 Nov 2021", "2021-11-18T00:00:00Z"),
    ("2021-11-18", "2021-11-18T00:00:00Z"),
    ("2021-11-18T10:00:00+03:00", "2021-11-18T07:00:00Z"),
    ("Datum: 18.11.2021", "2021-11-18T00:00:00Z"),
    ("сегодня, 14:30", "2026-11-27T14:30:00Z"),
    ("вчера, 14:30", "2026-11-26T14:30:00Z"),
    ("3 дня назад", "2026-11-24T12:00:00Z"),
    ("today", "2026-11-27T12:00:00Z"),
    ("2 hours ago", "2026-11-27T10:00:00Z"),
    ("gestern", "2026-11-26T12:00:00Z"),
    ("vor 2 Stunden", "2026-11-27T10:00:00Z"),
    ("18 ноября", "2026-11-18T00:00:00Z"),  # no year: the latest that is not in the future
    ("Share this", None),
    ("", None),
])
def test_dates_as_sites_write_them(written: str, expected: str | None) -> None:
    assert read_date(written, NOW) == expected


@pytest.mark.parametrize("written, expected", [
    ("18 ноября 2021, 10:15", "2021-11-18T01:15:00Z"),
    ("вчера, 14:30", "2026-11-26T05:30:00Z"),  # Yakutsk, 21:00 on the 27th: the 26th
    ("2 hours ago", "2026-11-27T10:00:00Z"),  # the same moment in any zone
    ("2021-11-18T10:00:00", "2021-11-18T01:00:00Z"),
    ("2021-11-18T10:00:00+03:00", "2021-11-18T07:00:00Z"),  # its own zone wins
])
def test_times_without_a_zone_are_in_the_sites(written: str, expected: str) -> None:
    assert read_date(written, NOW, "Asia/Yakutsk") == expected


def test_an_item_selector_that_matches_nothing_fails_the_poll() -> None:
    page = b"<html><body><div class='news'><a href='/a'>A</a></div></body></html>"
    wrong = Selectors(item="div.news-item", link="a", title="a", date="span")
    with pytest.raises(ParseError) as info:
        parse_listing(page, "http://127.0.0.1/", wrong)
    assert info.value.reason == "selector 'div.news-item' (item) matched nothing"


@pytest.mark.parametrize("field, selectors", [
    ("link", Selectors(item="div.news", link="a.more", title="h2", date="span")),
    ("title", Selectors(item="div.news", link="a", title="h3", date="span")),
    ("date", Selectors(item="div.news", link="a", title="h2", date="time")),
])
def test_a_field_selector_that_matches_in_no_item_fails_the_poll(
        field: str, selectors: Selectors) -> None:
    page = ("<div class='news'><h2>A</h2><a href='/a'>A</a><span>18.11.2021</span></div>"
            "<div class='news'><h2>B</h2><a href='/b'>B</a><span>17.11.2021</span></div>")
    with pytest.raises(ParseError) as info:
        parse_listing(page.encode(), "http://127.0.0.1/", selectors)
    assert info.value.reason == (f"selector {getattr(selectors, field)!r} ({field}) matched "
                                 "nothing in any of the 2 items")


def test_items_without_a_link_or_title_are_not_entries() -> None:
    page = b"<div class='n'><a>no href</a><span>1.1.2021</span></div>"
    with pytest.raises(ParseError) as info:
        parse_listing(page, "http://127.0.0.1/", Selectors(item=".n", link="a", title="a",
                                                            date="span"))
    assert info.value.reason == "none of the 1 items has both a link and a title"


def test_the_same_link_twice_is_one_entry_and_items_are_bounded() -> None:
    items = "".join(f"<p><a href='/n{i % (MAX_ITEMS + 50)}'>News {i}</a><i>2021-11-18</i></p>"
                    for i in range(MAX_ITEMS + 100))
    feed = parse_listing(f"<p><a href='/n0'>Lead</a><i>2021-11-19</i></p>{items}".encode(),
                         "http://127.0.0.1/", Selectors(item="p", link="a", title="a",
                                                        date="i"))
    assert len(feed.entries) == MAX_ITEMS - 1  # the lead repeats /n0; the rest are cut
    assert feed.entries[0].title == "Lead" and feed.entries[0].published == \
        "2021-11-19T00:00:00Z"
    assert feed.warning == f"only the first {MAX_ITEMS} items were read"


def test_an_item_that_is_itself_the_link() -> None:
    page = ("<a class='card' href='/n1'><h2>Технопарк открылся</h2><time>18.11.2021</time></a>"
            "<a class='card' href='/n2'><h2>IT-парк вырос</h2><time>17.11.2021</time></a>")
    feed = parse_listing(page.encode(), "http://127.0.0.1/news/",
                         Selectors(item="a.card", link=":scope", title="h2", date="time"))
    assert [(e.link, e.title, e.published) for e in feed.entries] == [
        ("http://127.0.0.1/n1", "Технопарк открылся", "2021-11-18T00:00:00Z"),
        ("http://127.0.0.1/n2", "IT-парк вырос", "2021-11-17T00:00:00Z")]


def test_a_malformed_link_keeps_its_entry_without_the_link_or_is_skipped() -> None:
    page = (b"<div class='n'><a href='http://[oops/x'>Broken</a><i>2021-11-18</i></div>"
            b"<div class='n'><a href='/ok'>Fine</a><i>2021-11-18</i></div>")
    feed = parse_listing(page, "http://127.0.0.1/", Selectors(item=".n", link="a", title="a",
                                                              date="i"))
    assert [e.link for e in feed.entries] == ["http://127.0.0.1/ok"]
    assert feed.warning == "1 items without a link or title were skipped"


ANY_SELECTORS = Selectors(item="div, li, p", link="a, [href]", title="a, h2", date="span, time",
                          summary="p")
FRAGMENTS = st.sampled_from([
    "<div>", "</div>", "<li class='x'>", "<p>", "<a href='", "/n1", "http://[oops", "'>",
    "</a>", "<h2>", "<span>", "18 ноября 2021", "вчера", "99.99.9999", "<time datetime='",
    "0001-01-01T00:00+03:00", "9999-12-31T23:59:59-14:00", "<base href='", "javascript:x",
    "\x00", "\udcff", "&#0;", "&#xFFFFFFFF;", "<!--", "<![CDATA[", "<meta charset='utf-7'>",
    "+ADw-", "<html lang='", "zz-ZZ", "'", '"', " ", "x" * 200])


def _only_parse_errors(body: bytes) -> None:
    try:
        feed = parse_listing(body, "http://127.0.0.1/news/", ANY_SELECTORS, "text/html", NOW)
    except ParseError:
        return
    assert feed.entries and all(e.title and e.link for e in feed.entries)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_any_bytes_give_entries_or_a_parse_error(body: bytes) -> None:
    _only_parse_errors(body)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(FRAGMENTS, max_size=60))
def test_any_markup_gives_entries_or_a_parse_error(parts: list[str]) -> None:
    _only_parse_errors("".join(parts).encode("utf-8", "surrogatepass"))


def _html_source(server: TestServer, path: str) -> dict:
    return {"name": "ministry", "url": server.url(path), "kind": "html", "language": "ru",
            "timezone": "Asia/Yakutsk",
            "selectors": "{item: div.news-item, link: a.news-item__link, "
                         "title: .news-item__title, date: .news-item__date, "
                         "summary: .news-item__lead}"}


def test_poll_of_a_listing_stores_its_news_with_their_pages(tmp_path: Path,
                                                            http_server: TestServer) -> None:
    # every link on the loopback server: the page's absolute link made one of ours
    page = (PAGES / "ru.html").read_bytes().replace(b"https://sakha.example",
                                                    http_server.base_url.encode())
    http_server.route("/news/", page, content_type="text/html")
    http_server.route("/news/2021/11/18/tehnopark-yakutiya-rezidenty/", (
        "<html lang='ru'><body><article><h1>Технопарк «Якутия» принял пять новых резидентов"
        "</h1><p>Экспертный совет Технопарк Якутия одобрил пять проектов резидентов в области "
        "информационных технологий и биотехнологий.</p></article></body></html>"),
        content_type="text/html; charset=utf-8")
    opts = write_config(tmp_path, [_html_source(http_server, "/news/")], RULES)
    first = invoke("poll", *opts)
    assert "ministry: 3 new, 0 updated, 0 unchanged" in first.output, first.output
    rows = db_rows(tmp_path, "select url, title, published, extracted_from from articles "
                             "order by published desc")
    assert rows[0]["published"].endswith("T05:30:00Z")  # "вчера, 14:30" in Yakutsk
    assert [(r["title"], r["published"], r["extracted_from"]) for r in rows[1:]] == [
        ("Технопарк «Якутия» принял пять новых резидентов", "2021-11-17T15:00:00Z", "page"),
        ("В Якутске прошёл форум «Цифровая Арктика»", "2021-11-16T15:00:00Z", "feed"),
    ]
    assert [(r["title"], r["extracted_from"]) for r in rows[:1]] == [
        ("Минцифры объявило приём заявок на гранты", "feed")]  # its page is not there (404)
    hits = db_rows(tmp_path, "select organisation, title from hits_view")
    assert {h["organisation"] for h in hits} == {"technopark-yakutia"}
    second = invoke("poll", *opts)
    assert "ministry: 0 new, 0 updated, 3 unchanged" in second.output, second.output
    listing_requests = [r for r in http_server.requests if r.path == "/news/"]
    assert listing_requests[0].headers["Accept"].startswith("text/html")


def test_a_relative_date_that_moves_between_polls_is_no_update(
        tmp_path: Path, http_server: TestServer) -> None:
    page = ("<div class='news-item'><a class='news-item__link' href='/n1'><span "
            "class='news-item__title'>Технопарк «Якутия» открыл корпус</span></a>"
            "<span class='news-item__date'>{}</span></div>")
    http_server.route("/news/", page.format("2 минуты назад"), content_type="text/html")
    http_server.route("/n1", article_page("Технопарк «Якутия» открыл корпус",
                                          "Технопарк Якутия открыл новый корпус."),
                      content_type="text/html; charset=utf-8")
    opts = write_config(tmp_path, [_html_source(http_server, "/news/")], RULES)
    assert "ministry: 1 new" in invoke("poll", *opts).output
    http_server.route("/news/", page.format("3 минуты назад"), content_type="text/html")
    second = invoke("poll", *opts)
    assert "ministry: 0 new, 0 updated, 1 unchanged" in second.output, second.output
    assert http_server.count("/n1") == 1


def test_a_listing_whose_layout_changed_is_a_failed_poll_with_the_reason(
        tmp_path: Path, http_server: TestServer) -> None:
    http_server.route("/news/", "<html><body><ul><li><a href='/x'>Новость</a></li></ul>"
                                "</body></html>", content_type="text/html")
    opts = write_config(tmp_path, [_html_source(http_server, "/news/")], RULES)
    result = invoke("poll", *opts)
    assert result.exit_code == 1
    errors = db_rows(tmp_path, "select error from fetches")
    assert errors == [{"error": "selector 'div.news-item' (item) matched nothing"}]


DATE_WORDS = st.sampled_from(["18", "ноября", "2021", "г.", ",", "14:30", "вчера", "сегодня",
                              "назад", "дня", "Nov", "November", "18.", "um", "Uhr", "vor",
                              "Stunden", "ago", "hours", "today", "99999999999", "-", ":",
                              "T", "+03:00", "Z", "0", "31.02.2021", "\x00", " "])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=150), st.lists(DATE_WORDS, max_size=12).map(" ".join)))
def test_any_date_text_is_a_date_or_none(text: str) -> None:
    date = read_date(text, NOW)
    assert date is None or datetime.fromisoformat(date.replace("Z", "+00:00")).tzinfo == UTC
