"""Polite polling: robots.txt for article pages, the server's Retry-After and max-age, and
exponential back-off of a failing source, against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import signal
import threading
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from monitor.backoff import (
    BACKOFF_CAP,
    HINT_CAP,
    Delay,
    next_delay,
    parse_max_age,
    parse_retry_after,
    span,
)
from monitor.fetch import USER_AGENT, Fetcher, Origin
from monitor.moments import parse_iso
from monitor.reading import PAGE_ATTEMPTS
from monitor.robots import DISALLOWED, UNREACHABLE_TTL, RobotsCache

from helpers import (
    article_page,
    db_rows,
    invoke,
    open_poller,
    rss,
    start_daemon,
    wait_for,
    write_config,
)
from httpserver import TestServer

NOW = datetime(2026, 11, 27, 12, 0, tzinfo=UTC)


# ---------------------------------------------------------------------------- the policy


def test_back_off_doubles_from_the_second_failure_and_is_capped() -> None:
    assert next_delay(600, 1, "HTTP 503") == Delay(600)  # the first failure: the interval
    assert next_delay(600, 2, "HTTP 503") == Delay(1200, "backing off 20m after 2 failures: "
                                                         "HTTP 503")
    assert next_delay(600, 3, "HTTP 503") == Delay(2400, "backing off 40m after 3 failures: "
                                                         "HTTP 503")
    assert next_delay(600, 7, "HTTP 503").seconds == BACKOFF_CAP == 6 * 3600
    assert next_delay(600, 10_000, "x").seconds == BACKOFF_CAP  # no overflow after months
    # An interval longer than the cap is kept: backing off never polls more often.
    assert next_delay(86400, 5, "x") == Delay(86400)


def test_success_resets_to_the_interval() -> None:
    assert next_delay(900, 0) == Delay(900)
    assert next_delay(900, 0, max_age=60) == Delay(900)  # max-age never shortens it


def test_retry_after_and_max_age_stretch_the_wait_within_a_day() -> None:
    assert next_delay(900, 1, "HTTP 429", retry_after=3600) == \
        Delay(3600, "Retry-After 1h: HTTP 429")
    assert next_delay(900, 1, "HTTP 429", retry_after=10) == Delay(900)
    # A Retry-After shorter than the back-off does not cut it short.
    assert next_delay(600, 3, "HTTP 503", retry_after=60).seconds == 2400
    assert next_delay(900, 1, "HTTP 503", retry_after=10**9).seconds == HINT_CAP
    assert next_delay(900, 0, max_age=7200) == Delay(7200, "Cache-Control max-age 2h")
    assert next_delay(900, 0, max_age=10**9).seconds == HINT_CAP


@given(interval=st.integers(1, 7 * 86400), failures=st.integers(0, 200),
       retry_after=st.one_of(st.none(), st.floats(0, 1e12)),
       max_age=st.one_of(st.none(), st.floats(0, 1e12)))
def test_the_wait_is_never_below_the_interval_nor_above_the_caps(
        interval: int, failures: int, retry_after: float | None,
        max_age: float | None) -> None:
    delay = next_delay(interval, failures, "e", retry_after=retry_after, max_age=max_age)
    assert interval <= delay.seconds <= max(interval, BACKOFF_CAP, HINT_CAP)
    assert (delay.reason is None) == (delay.seconds == interval)


def test_retry_after_in_seconds_or_as_an_http_date() -> None:
    assert parse_retry_after("120", NOW) == 120
    assert parse_retry_after(format_datetime(NOW + timedelta(hours=2), usegmt=True),
                             NOW) == 7200
    assert parse_retry_after("Fri, 27 Nov 2026 11:00:00 GMT", NOW) == 0  # in the past
    for unreadable in (None, "", "soon", "-5", "1.5", "Fri, 27 Nov 2026 11:00:00"):
        assert parse_retry_after(unreadable, NOW) is None, unreadable


def test_max_age_of_cache_control() -> None:
    assert parse_max_age("public, max-age=3600") == 3600
    assert parse_max_age('max-age="60", must-revalidate') == 60
    assert parse_max_age("MAX-AGE=5") == 5
    for none in (None, "", "no-cache", "s-maxage=600", "max-age=abc", "xmax-age=5"):
        assert parse_max_age(none) is None, none


def test_span() -> None:
    assert [span(s) for s in (45, 60, 2400, 3600, 5400, 86400 + 6 * 3600)] == \
        ["45s", "1m", "40m", "1h", "1h30m", "1d6h"]


# ---------------------------------------------------------------------------- robots.txt


def serve_two_pages(server: TestServer, robots: str | None = None) -> None:
    """A feed with an article under /private/ and one under /public/, and `robots` as the
    site's robots.txt (None: no robots.txt, 404)."""
    if robots is not None:
        server.route("/robots.txt", robots, content_type="text/plain")
    server.route("/feed.xml", rss([
        {"guid": "a", "title": "Закрытая", "link": server.url("/private/a"),
         "description": "Текст из ленты."},
        {"guid": "b", "title": "Открытая", "link": server.url("/public/b"),
         "description": "Текст из ленты."},
    ]))
    for path in ("/private/a", "/public/b"):
        server.route(path, article_page("Статья", "Технопарк «Якутия» открыл новый корпус "
                                        "для резидентов в этом году."),
                     content_type="text/html; charset=utf-8")


def poll_twice(opts: list[str], robots: RobotsCache | None = None) -> None:
    store, fetcher, poller = open_poller(opts)
    if robots is not None:
        poller.robots = robots
    try:
        source = _source(opts)
        poller.poll(source)
        poller.poll(source)
    finally:
        fetcher.close()
        store.close()


def _source(opts: list[str]):
    from monitor.config import load

    return load(Path(opts[1]), Path(opts[3])).sources.sources[0]


def pages(tmp_path: Path) -> dict[str, dict]:
    return {r["guid"]: r for r in db_rows(
        tmp_path, "SELECT guid, extracted_from, page_error, page_attempts FROM articles")}


def feed_config(tmp_path: Path, server: TestServer, **extra: str) -> list[str]:
    return write_config(tmp_path, [{"name": "news", "url": server.url("/feed.xml"), **extra}])


def test_robots_disallow_keeps_the_feed_text_and_is_final(tmp_path: Path,
                                                          http_server: TestServer) -> None:
    serve_two_pages(http_server, "User-agent: technopark-monitor\nDisallow: /private/\n\n"
                                 "User-agent: *\nDisallow: /public/\n")
    opts = feed_config(tmp_path, http_server)
    poll_twice(opts)
    found = pages(tmp_path)
    assert found["a"]["extracted_from"] == "feed"
    assert found["a"]["page_error"] == DISALLOWED == "disallowed by robots.txt"
    assert found["a"]["page_attempts"] == PAGE_ATTEMPTS  # final: not tried again
    # Our own group applies, not the catch-all one.
    assert found["b"]["extracted_from"] == "page" and found["b"]["page_error"] is None
    assert http_server.count("/private/a") == 0
    assert http_server.count("/robots.txt") == 1  # cached for the second poll
    robots_request = next(r for r in http_server.requests if r.path == "/robots.txt")
    assert robots_request.headers["User-Agent"] == USER_AGENT
    # The feed itself is not subject to robots.txt: it was fetched both times.
    assert http_server.count("/feed.xml") == 2


def test_robots_for_everyone_and_our_configured_user_agent(tmp_path: Path,
                                                           http_server: TestServer) -> None:
    serve_two_pages(http_server, "User-agent: other-bot\nDisallow: /\n\n"
                                 "User-agent: my-monitor\nDisallow: /public/\n")
    opts = feed_config(tmp_path, http_server)
    sources = (tmp_path / "sources.yaml").read_text(encoding="utf-8")
    (tmp_path / "sources.yaml").write_text(
        "fetch:\n  user_agent: my-monitor/1.0 (+https://example.org)\n" + sources,
        encoding="utf-8")
    poll_twice(opts)
    found = pages(tmp_path)
    assert found["a"]["extracted_from"] == "page"  # other-bot's rules are not ours
    assert found["b"]["page_error"] == DISALLOWED
    assert http_server.count("/public/b") == 0


def test_missing_robots_allows_everything(tmp_path: Path, http_server: TestServer) -> None:
    serve_two_pages(http_server)  # no /robots.txt route: 404
    opts = feed_config(tmp_path, http_server)
    poll_twice(opts)
    assert {r["extracted_from"] for r in pages(tmp_path).values()} == {"page"}
    assert http_server.count("/robots.txt") == 1


def test_unreachable_robots_disallows_for_a_while_then_asks_again(
        tmp_path: Path, http_server: TestServer) -> None:
    """RFC 9309: a 5xx robots.txt means the rules are unknown, so nothing is crawled; the page
    is not given up, and once robots.txt answers again it is fetched."""
    serve_two_pages(http_server)
    http_server.route("/robots.txt", "busy", status=503, content_type="text/plain")
    now = [1000.0]
    robots = RobotsCache(clock=lambda: now[0])
    opts = feed_config(tmp_path, http_server)
    store, fetcher, poller = open_poller(opts)
    poller.robots = robots
    try:
        source = _source(opts)
        poller.poll(source)
        found = pages(tmp_path)
        assert found["a"]["page_error"] == ("robots.txt unreachable (HTTP 503): "
                                            "assuming disallow")
        assert found["a"]["page_attempts"] == 1 < PAGE_ATTEMPTS  # tried again later
        assert http_server.count("/private/a") == 0
        http_server.route("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        poller.poll(source)  # still within UNREACHABLE_TTL: not asked again
        assert http_server.count("/robots.txt") == 1
        assert pages(tmp_path)["a"]["extracted_from"] == "feed"
        now[0] += UNREACHABLE_TTL
        poller.poll(source)
    finally:
        fetcher.close()
        store.close()
    assert http_server.count("/robots.txt") == 2
    assert {r["extracted_from"] for r in pages(tmp_path).values()} == {"page"}


def test_robots_cache_is_bounded_and_expires(http_server: TestServer) -> None:
    other = TestServer()
    try:
        for server in (http_server, other):
            server.route("/robots.txt", "User-agent: *\nDisallow: /no\n",
                         content_type="text/plain")
        now = [0.0]
        robots = RobotsCache(clock=lambda: now[0], max_sites=1)
        fetcher = Fetcher()
        trusted = {Origin.of(http_server.url("/")), Origin.of(other.url("/"))}
        try:
            assert robots.check(fetcher, http_server.url("/no/1"), trusted).reason == DISALLOWED
            assert robots.check(fetcher, http_server.url("/yes"), trusted) is None
            assert http_server.count("/robots.txt") == 1
            assert robots.check(fetcher, other.url("/no/2"), trusted).final
            robots.check(fetcher, http_server.url("/yes"), trusted)  # evicted: asked again
            assert http_server.count("/robots.txt") == 2
            now[0] += 24 * 3600  # a day later the rules are read again
            robots.check(fetcher, http_server.url("/yes"), trusted)
            assert http_server.count("/robots.txt") == 3
        finally:
            fetcher.close()
    finally:
        other.close()


def test_robots_of_a_private_address_refuses_like_the_page(tmp_path: Path,
                                                           http_server: TestServer) -> None:
    """A link to a private address from a feed: robots.txt there is not fetched either, and
    the refusal is the page's, final."""
    http_server.route("/feed.xml", rss([{"guid": "x", "title": "t",
                                         "link": "http://10.255.255.1/article"}]))
    opts = feed_config(tmp_path, http_server)
    poll_twice(opts)
    row = pages(tmp_path)["x"]
    assert row["page_error"].startswith("refused: ") and "private address" in row["page_error"]
    assert row["page_attempts"] == PAGE_ATTEMPTS


# ---------------------------------------------------------------------------- delays


def poll_once(opts: list[str]):
    store, fetcher, poller = open_poller(opts)
    try:
        return poller.poll(_source(opts))
    finally:
        fetcher.close()
        store.close()


def source_row(tmp_path: Path) -> dict:
    return db_rows(tmp_path, "SELECT last_polled, consecutive_failures, next_poll, "
                             "next_poll_reason FROM sources")[0]


def waited(row: dict) -> float:
    return (parse_iso(row["next_poll"]) - parse_iso(row["last_polled"])).total_seconds()


def test_429_with_retry_after_delays_the_next_poll(tmp_path: Path,
                                                   http_server: TestServer) -> None:
    http_server.route("/feed.xml", "slow down", status=429, content_type="text/plain",
                      headers={"Retry-After": "3600"})
    opts = feed_config(tmp_path, http_server, interval="15m", fetch_article="false")
    result = poll_once(opts)
    assert not result.ok and result.delay_reason == "Retry-After 1h: HTTP 429"
    row = source_row(tmp_path)
    assert waited(row) == 3600 and row["next_poll_reason"] == "Retry-After 1h: HTTP 429"
    # An HTTP date on a 503 works the same way.
    later = datetime.now(UTC) + timedelta(hours=3)
    http_server.route("/feed.xml", "down", status=503, content_type="text/plain",
                      headers={"Retry-After": format_datetime(later, usegmt=True)})
    poll_once(opts)
    assert 3 * 3600 - 5 <= waited(source_row(tmp_path)) <= 3 * 3600
    # A Retry-After on a 404 is not the server asking for a pause: ignored.
    http_server.route("/feed.xml", "gone", status=404, content_type="text/plain",
                      headers={"Retry-After": "86400"})
    poll_once(opts)
    assert source_row(tmp_path)["next_poll_reason"].startswith("backing off 1h after 3 ")


def test_max_age_on_200_and_304_delays_the_next_poll(tmp_path: Path,
                                                     http_server: TestServer) -> None:
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]),
                      etag='"v1"', headers={"Cache-Control": "public, max-age=7200"})
    opts = feed_config(tmp_path, http_server, interval="15m", fetch_article="false")
    assert poll_once(opts).delay_reason == "Cache-Control max-age 2h"
    assert waited(source_row(tmp_path)) == 7200
    result = poll_once(opts)
    assert result.status == 304 and result.delay_reason == "Cache-Control max-age 2h"
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]),
                      headers={"Cache-Control": "max-age=60"})
    poll_once(opts)
    row = source_row(tmp_path)
    assert waited(row) == 900 and row["next_poll_reason"] is None


def test_back_off_grows_is_capped_and_resets_on_success(tmp_path: Path,
                                                        http_server: TestServer) -> None:
    http_server.route("/feed.xml", "down", status=503, content_type="text/plain")
    opts = feed_config(tmp_path, http_server, interval="10m", fetch_article="false")
    waits = []
    for _ in range(8):
        poll_once(opts)
        waits.append(waited(source_row(tmp_path)))
    assert waits == [600, 1200, 2400, 4800, 9600, 19200, 21600, 21600]
    assert source_row(tmp_path)["next_poll_reason"] == \
        "backing off 6h after 8 failures: HTTP 503"
    lines = invoke("status", *opts).output.splitlines()
    assert lines[1].split()[-1] == "waiting"
    news = next(line for line in lines if line.startswith("news"))
    assert "backing off 6h after 8 failures: HTTP 503 (until " in news
    # Never disabled: polled again when due, and one success resets everything.
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]))
    assert poll_once(opts).ok
    row = source_row(tmp_path)
    assert (row["consecutive_failures"], waited(row), row["next_poll_reason"]) == (0, 600, None)
    assert "waiting" not in invoke("status", *opts).output


def test_poll_polls_a_waiting_source_anyway_and_says_so(tmp_path: Path,
                                                        http_server: TestServer) -> None:
    http_server.route("/feed.xml", "slow down", status=429, content_type="text/plain",
                      headers={"Retry-After": "7200"})
    opts = feed_config(tmp_path, http_server, interval="15m", fetch_article="false")
    first = invoke("poll", *opts).output
    assert "news: failed: HTTP 429 (next poll not before " in first
    assert ": Retry-After 2h: HTTP 429)" in first
    second = invoke("poll", *opts).output
    assert "news: polled now, although not due before " in second
    assert "(Retry-After 2h: HTTP 429)" in second
    assert http_server.count("/feed.xml") == 2


def test_daemon_waits_for_retry_after_and_so_does_a_restarted_one(
        tmp_path: Path, http_server: TestServer) -> None:
    """A one-second source answered with Retry-After: 1h is polled once, by this daemon, by
    the next one on the same database, and after a reload that changes its interval."""
    http_server.route("/feed.xml", "slow down", status=429, content_type="text/plain",
                      headers={"Retry-After": "3600"})
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "interval": "1s", "fetch_article": "false"}])
    for run in range(2):
        log = tmp_path / f"daemon{run}.log"
        daemon = start_daemon(opts, log=log)
        try:
            assert wait_for(lambda path=log: "daemon.delayed" in path.read_text(encoding="utf-8"))
            time.sleep(3)  # three intervals
            if run:  # a new interval is a new trigger: it must not cut the wait short
                write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                         "interval": "2s", "fetch_article": "false"}])
                daemon.send_signal(signal.SIGHUP)
                assert wait_for(lambda path=log: "daemon.reloaded" in
                                path.read_text(encoding="utf-8"))
                time.sleep(3)
            daemon.send_signal(signal.SIGTERM)
            daemon.communicate(timeout=30)
        finally:
            daemon.kill()
        assert daemon.returncode == 0, log.read_text(encoding="utf-8")
        assert http_server.count("/feed.xml") == 1
    assert "reason=\"Retry-After 1h: HTTP 429\"" in log.read_text(encoding="utf-8")


def test_concurrent_polls_fetch_a_sites_robots_once(http_server: TestServer) -> None:
    """Polls of several sources linking to one site ask its robots.txt once between them: the
    others wait for that answer instead of sending their own request."""
    http_server.slow("/robots.txt", b"User-agent: *\nDisallow: /no\n", delay=0.05, chunk=4)
    robots = RobotsCache()
    trusted = {Origin.of(http_server.url("/"))}
    verdicts: list[object] = []

    def check(path: str) -> None:
        fetcher = Fetcher()
        try:
            verdicts.append(robots.check(fetcher, http_server.url(path), trusted))
        finally:
            fetcher.close()

    threads = [threading.Thread(target=check, args=(f"/{p}/{i}",))
               for i in range(3) for p in ("no", "yes")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert http_server.count("/robots.txt") == 1
    assert sorted(str(v) for v in verdicts).count("None") == 3
    assert sum(1 for v in verdicts if v is not None and v.reason == DISALLOWED) == 3


def test_robots_txt_is_asked_with_the_sources_own_pause(tmp_path: Path,
                                                        http_server: TestServer) -> None:
    """robots.txt goes to the host of the source's pages: a source that keeps no pause with
    its host (`host_delay: 0s`, say its own intranet) keeps none after robots.txt either,
    and one that keeps the default second keeps it."""
    serve_two_pages(http_server, "User-agent: *\nAllow: /\n")
    for delay, at_least, below in (("0s", 0.0, 0.5), ("1s", 1.0, None)):
        http_server.requests.clear()
        db = tmp_path / delay
        db.mkdir()
        assert invoke("poll", *feed_config(db, http_server, host_delay=delay)).exit_code == 0
        [robots] = [r.at for r in http_server.requests if r.path == "/robots.txt"]
        first_page = min(r.at for r in http_server.requests if r.path.startswith(("/private",
                                                                                 "/public")))
        assert first_page - robots >= at_least
        if below is not None:
            assert first_page - robots < below
