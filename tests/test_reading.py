"""Entries read in worker processes (monitor/reading.py): the same articles and hits as read
in the polling thread, workers started only for a poll with enough to read, and a worker
that dies fails its poll with the reason and loses nothing."""

from __future__ import annotations

import logging
import os
import signal
from pathlib import Path

import pytest

from monitor import reading
from monitor.config import load
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.pipeline import Poller
from monitor.reading import Readers
from monitor.store import Store

from helpers import REPO, article_page, rss, wait_for, write_config
from httpserver import TestServer

SENTENCES = (
    "Резиденты технопарка «Якутия» в 2025 году заработали 1,5 млрд рублей.",
    "Skolkovo said its resident companies created 120 new jobs last year.",
    "Der Technopark Jakutien zählt inzwischen 150 Residenten.",
    "Инвестиции в особую экономическую зону «Технополис Москва» составили 2 млрд рублей.",
)


def serve_many(server: TestServer, entries: int) -> None:
    """One feed of `entries` entries, each with its own page of several paragraphs."""
    items = []
    for n in range(entries):
        items.append({"guid": f"e{n}", "title": f"Новость {n}", "link": server.url(f"/a{n}"),
                      "description": SENTENCES[n % len(SENTENCES)]})
        server.route(f"/a{n}", article_page(
            f"Новость {n}", SENTENCES[n % len(SENTENCES)],
            f"Это заметка номер {n}, и в ней {n + 3} предложения о развитии региона.",
            SENTENCES[(n + 1) % len(SENTENCES)]), content_type="text/html; charset=utf-8")
    server.route("/feed.xml", rss(items))


def poller(tmp_path: Path, name: str, opts: list[str], processes: int) -> Poller:
    config = load(Path(opts[1]), REPO / "rules.yaml")
    store = Store(tmp_path / f"{name}.db")
    store.sync_sources(config.sources.sources)
    store.sync_rules(config.rules)
    matcher = Matcher(config.rules)
    return Poller(store, Fetcher(config.sources.fetch), matcher,
                  readers=Readers(matcher, processes))


def stored(poller: Poller) -> list[tuple]:
    return [tuple(row.values()) for row in poller.store.query(
        "SELECT a.key, a.title, a.language, a.text, a.extracted_from, a.page_error, "
        "h.kind, h.organisation, h.metric, h.value, h.unit, h.start, h.[end], h.qualifier "
        "FROM articles a LEFT JOIN hits h ON h.article_id = a.id ORDER BY a.key, h.start")]


@pytest.fixture
def rules_opts(tmp_path: Path, http_server: TestServer) -> list[str]:
    serve_many(http_server, 12)
    return write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "host_delay": "0s"}])


def test_workers_read_entries_as_the_polling_thread_does(
        tmp_path: Path, rules_opts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reading, "START_AFTER", 0)
    inline = poller(tmp_path, "inline", rules_opts, processes=0)
    workers = poller(tmp_path, "workers", rules_opts, processes=1)
    try:
        assert inline.poll(inline_source(rules_opts)).new == 12
        workers.readers._ready_pool()  # as the first entry read does: starts them
        assert wait_for(lambda: workers.readers.working, timeout=60)
        result = workers.poll(inline_source(rules_opts))
        assert (result.ok, result.new) == (True, 12)
        rows = stored(workers)
        assert rows == stored(inline)
        assert any(row[8] == "revenue" for row in rows)  # the rules' figures were read
    finally:
        for p in (inline, workers):
            p.readers.close()
            p.store.close()
            p.fetcher.close()


def inline_source(opts: list[str]):  # type: ignore[no-untyped-def]
    [source] = load(Path(opts[1]), REPO / "rules.yaml").sources.sources
    return source


def test_a_poll_with_little_to_read_starts_no_worker(
        tmp_path: Path, rules_opts: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Starting workers costs more than a poll with little to read (under START_AFTER seconds
    of reading): it reads in its thread and starts none; one that has read more starts them
    in the background and goes on reading meanwhile."""
    monkeypatch.setattr(reading, "START_AFTER", 5.0)  # more than 12 entries take anywhere
    workers = poller(tmp_path, "workers", rules_opts, processes=2)
    try:
        assert workers.poll(inline_source(rules_opts)).new == 12
        assert 0 < workers.readers._inline < reading.START_AFTER
        assert not workers.readers._starting and not workers.readers.working
        monkeypatch.setattr(reading, "START_AFTER", workers.readers._inline / 2)
        assert workers.readers._ready_pool() is None  # not ready yet: read in the thread
        assert workers.readers._starting or workers.readers.working
    finally:
        workers.readers.close()
        workers.store.close()
        workers.fetcher.close()


def test_a_worker_that_dies_fails_its_poll_and_the_next_poll_saves_every_entry(
        tmp_path: Path, rules_opts: list[str], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setattr(reading, "START_AFTER", 0)
    workers = poller(tmp_path, "workers", rules_opts, processes=1)
    source = inline_source(rules_opts)
    try:
        with caplog.at_level(logging.INFO, logger="monitor.reading"):
            workers.readers._ready_pool()
            assert wait_for(lambda: workers.readers.working, timeout=60)
        [started] = [r for r in caplog.records if r.getMessage() == "readers.started"]
        pids = [int(pid) for pid in started.pids.split(",")]
        for pid in pids:
            os.kill(pid, signal.SIGKILL)  # as the kernel's out-of-memory killer would
        failed = workers.poll(source)
        assert not failed.ok and "worker process reading entries died" in failed.error
        assert workers.store.query("SELECT count(*) AS n FROM articles") == [{"n": 0}]
        again = workers.poll(source)  # read in the thread while new workers start
        assert (again.ok, again.new) == (True, 12)
    finally:
        workers.readers.close()
        workers.store.close()
        workers.fetcher.close()


def test_no_more_threads_read_at_once_than_there_are_cores(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Sixteen poll threads reading at once only held sixteen half-read feeds in memory
    (Python runs one at a time): reads in the threads take turns, as many as there are
    cores."""
    import threading
    import time

    inside, most = 0, 0
    lock = threading.Lock()

    def slow_read(source, items, feed_language, matcher):  # type: ignore[no-untyped-def]
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        return []

    monkeypatch.setattr(reading, "read_all", slow_read)
    readers = Readers(matcher=None, processes=0)  # type: ignore[arg-type]
    threads = [threading.Thread(target=readers.read, args=(None, [object()], None))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most == min(8, os.cpu_count() or 1)
