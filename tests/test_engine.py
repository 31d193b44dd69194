"""The polling engine: concurrent across hosts, one request at a time per host with a pause
between two, a bounded pool; seen from the servers' side (when each request arrived).

A host is an origin, host and port: two loopback servers on different ports are two hosts.
"""

from __future__ import annotations

import re
import time
from contextlib import ExitStack
from pathlib import Path

import pytest

from monitor.config import FetchSettings, load, load_sources
from monitor.engine import Engine, interleaved
from monitor.errors import ConfigError
from monitor.match import Matcher
from monitor.pacing import KEPT_HOSTS, Pacer
from monitor.store import Store

from helpers import article_page, db_rows, invoke, open_poller, rss, write_config
from httpserver import TestServer

LATENCY = 0.5
"""Seconds a slow server holds each answer before its body."""


def slow_feed(server: TestServer, path: str, guid: str, link: str = "http://x.invalid/") -> None:
    body = rss([{"guid": guid, "title": f"Технопарк «Якутия»: {guid}", "link": link,
                 "description": "Резиденты Технопарка «Якутия» открыли лабораторию."}]).encode()
    server.slow(path, body, delay=LATENCY, chunk=len(body))


def slow_hosts(stack: ExitStack, count: int) -> list[TestServer]:
    """`count` servers (hosts), each with a slow feed of one entry."""
    servers = [stack.enter_context(TestServer()) for _ in range(count)]
    for n, server in enumerate(servers):
        slow_feed(server, "/feed.xml", f"s{n}")
    return servers


def feeds_of(servers: list[TestServer]) -> list[dict]:
    return [{"name": f"s{n}", "url": server.url("/feed.xml"), "fetch_article": "false"}
            for n, server in enumerate(servers)]


def arrivals(*servers: TestServer) -> list[float]:
    return sorted(r.at for server in servers for r in server.requests)


def poll_all(tmp_path: Path, sources: list[dict], fetch: str = "") -> list:
    opts = write_config(tmp_path, sources)
    if fetch:
        path = Path(opts[1])
        path.write_text(f"fetch:\n{fetch}" + path.read_text(encoding="utf-8"), encoding="utf-8")
    config = load(Path(opts[1]), Path(opts[3]))
    with Store(tmp_path / "monitor.db") as store:
        store.sync_sources(config.sources.sources)
        store.sync_rules(config.rules)
    return Engine(tmp_path / "monitor.db").poll_all(
        config.sources.sources, Matcher(config.rules), config.sources.fetch)


def test_sources_on_different_hosts_are_fetched_at_the_same_time(tmp_path: Path) -> None:
    with TestServer() as a, TestServer() as b:
        slow_feed(a, "/feed.xml", "a1")
        slow_feed(b, "/feed.xml", "b1")
        results = poll_all(tmp_path, [
            {"name": "a", "url": a.url("/feed.xml"), "fetch_article": "false"},
            {"name": "b", "url": b.url("/feed.xml"), "fetch_article": "false"}])
        first, second = arrivals(a, b)
    assert [(r.source, r.ok, r.new) for r in results] == [("a", True, 1), ("b", True, 1)]
    assert second - first < LATENCY, "the second host waited for the first one's answer"


def test_one_request_at_a_time_to_a_host_and_the_delay_between(tmp_path: Path) -> None:
    """Three sources on one server: their requests never overlap, and each starts at least
    `host_delay` (default 1 s) after the previous one ended."""
    with TestServer() as server:
        for name in "abc":
            slow_feed(server, f"/{name}.xml", name)
        results = poll_all(tmp_path, [{"name": name, "url": server.url(f"/{name}.xml"),
                                       "fetch_article": "false"} for name in "abc"])
        times = arrivals(server)
    assert [r.new for r in results] == [1, 1, 1]
    assert len(times) == 3
    gaps = [later - earlier for earlier, later in zip(times, times[1:], strict=False)]
    assert all(gap >= LATENCY + 1.0 - 0.05 for gap in gaps), gaps


def test_a_sources_own_host_delay_spaces_its_article_pages(tmp_path: Path) -> None:
    with TestServer() as server:
        items = [{"guid": f"g{n}", "title": f"Новость {n}", "link": server.url(f"/p{n}"),
                  "description": "Технопарк «Якутия»."} for n in range(2)]
        server.route("/feed.xml", rss(items))
        for n in range(2):
            server.route(f"/p{n}", article_page(f"Новость {n}", "Резиденты Технопарк Якутия "
                                                "открыли новую лабораторию в Якутске."),
                         content_type="text/html; charset=utf-8")
        results = poll_all(tmp_path, [{"name": "news", "url": server.url("/feed.xml"),
                                       "host_delay": "2s"}])
        times = arrivals(server)
    assert results[0].new == 2
    paths = [r.path for r in server.requests]
    assert paths == ["/feed.xml", "/robots.txt", "/p0", "/p1"]  # robots.txt before any page
    spaced = [t for t, path in zip(times, paths, strict=True) if path != "/robots.txt"]
    assert all(later - earlier >= 2 - 0.05
               for earlier, later in zip(spaced, spaced[1:], strict=False)), times
    assert {r["extracted_from"] for r in db_rows(tmp_path, "select * from articles")} == {"page"}


def test_the_pool_is_bounded_by_fetch_workers(tmp_path: Path) -> None:
    """Six hosts, two workers: never more than two requests in flight, and two are."""
    with ExitStack() as stack:
        servers = slow_hosts(stack, 6)
        results = poll_all(tmp_path, feeds_of(servers), fetch="  workers: 2\n")
        times = arrivals(*servers)
    assert [r.new for r in results] == [1] * 6
    assert times[1] - times[0] < LATENCY, "two requests should run at once"
    # A third request can start only when one of the first two has finished.
    assert all(times[i + 2] - times[i] >= LATENCY - 0.05 for i in range(len(times) - 2)), times


def test_poll_over_twenty_slow_sources_takes_about_one_latency(tmp_path: Path) -> None:
    """The `poll` command: twenty hosts that each take LATENCY to answer are polled in about
    one LATENCY, not twenty (the bound is half the serial time, generous on a busy machine)."""
    with ExitStack() as stack:
        opts = write_config(tmp_path, feeds_of(slow_hosts(stack, 20)))
        started = time.monotonic()
        result = invoke("poll", *opts)
        took = time.monotonic() - started
    assert result.exit_code == 0, result.output
    assert result.output.count(": 1 new") == 20
    assert took < 20 * LATENCY / 2, f"{took:.1f}s for 20 sources"


def test_sources_of_one_host_are_spread_through_the_order(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": name, "url": f"http://{host}.example/{name}"}
                                   for name, host in [("a1", "a"), ("a2", "a"), ("a3", "a"),
                                                      ("b1", "b"), ("c1", "c"), ("b2", "b")]])
    config = load(Path(opts[1]), Path(opts[3]))
    assert [s.name for s in interleaved(config.sources.sources)] == [
        "a1", "b1", "c1", "a2", "b2", "a3"]


def test_fetch_workers_and_host_delay_defaults() -> None:
    assert FetchSettings().workers == 16
    assert FetchSettings().host_delay == 1


def test_bad_workers_and_host_delay_are_refused_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("fetch:\n  workers: 0\nsources:\n  - name: a\n    url: http://a.example/\n"
                    "    host_delay: soon\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_sources(path)
    problems = "\n".join(caught.value.problems)
    assert re.search(r"sources.yaml:2: fetch.workers: .*greater than or equal to 1", problems)
    assert re.search(r"sources.yaml:6: sources\[0\].host_delay: expected a duration", problems)


def commits_of_one_poll(tmp_path: Path, server: TestServer, fetch_article: str) -> list[str]:
    tmp_path.mkdir()
    opts = write_config(tmp_path, [{"name": "news", "url": server.url("/feed.xml"),
                                    "fetch_article": fetch_article, "host_delay": "1s"}])
    store, fetcher, poller = open_poller(opts)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        result = poller.poll(load(Path(opts[1]), Path(opts[3])).sources.sources[0])
    finally:
        store.close()
        fetcher.close()
    assert result.new == 3
    return [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")]


def test_entries_of_a_feed_read_alone_are_saved_in_one_transaction(tmp_path: Path,
                                                                   http_server: TestServer) -> None:
    """Three new entries without their pages: one commit for the three, one for the fetch
    record. With their pages each is saved before the next page is asked for."""
    items = [{"guid": f"g{n}", "title": f"Новость {n}", "link": http_server.url(f"/p{n}"),
              "description": "Резиденты Технопарка «Якутия» открыли лабораторию."}
             for n in range(3)]
    http_server.route("/feed.xml", rss(items))
    for n in range(3):
        http_server.route(f"/p{n}", article_page(f"Новость {n}", "Технопарк Якутия открыл "
                                                 "новую лабораторию для резидентов."),
                          content_type="text/html; charset=utf-8")
    assert commits_of_one_poll(tmp_path / "feed", http_server, "false") == [
        "BEGIN IMMEDIATE", "COMMIT"] * 2
    assert commits_of_one_poll(tmp_path / "pages", http_server, "true") == [
        "BEGIN IMMEDIATE", "COMMIT"] * 4


def test_a_database_that_cannot_be_opened_fails_the_polls_without_raising(
        tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "a", "url": "http://127.0.0.1:9/a.xml"},
                                   {"name": "b", "url": "http://127.0.0.1:9/b.xml"}])
    config = load(Path(opts[1]), Path(opts[3]))
    (tmp_path / "a-directory").mkdir()
    results = Engine(tmp_path / "a-directory").poll_all(
        config.sources.sources, Matcher(config.rules), config.sources.fetch)
    assert [(r.source, r.ok) for r in results] == [("a", False), ("b", False)]
    assert all(r.error.startswith("database error: ") for r in results)


def test_a_host_delay_of_zero_is_no_pause(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("fetch:\n  host_delay: 0s\nsources: []\n", encoding="utf-8")
    assert load_sources(path).fetch.host_delay == 0


def test_the_pacer_forgets_idle_hosts_but_not_one_in_its_pause() -> None:
    pacer = Pacer()
    with pacer.turn("slow.example", 3600):  # its next request must wait an hour
        pass
    for n in range(KEPT_HOSTS + 10):
        with pacer.turn(f"host{n}.example", 0):
            pass
    assert len(pacer._hosts) <= KEPT_HOSTS
    assert "slow.example" in pacer._hosts
