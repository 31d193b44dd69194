"""The outside audit's matrix, one test per hole it found (issue 7), run against real parts:
a loopback HTTP server, real SMTP and webhook receivers, a real SQLite file.

Each section is one family of the audit: bad links, slow targets, slow sources, SSRF forms
(backslash, redirects, DNS rebinding, IPv6), ReDoS, YAML bombs, encodings, full disk and
outbox rows. Every test here failed before its fix.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import tracemalloc
from contextlib import ExitStack
from pathlib import Path
from xml.sax.saxutils import escape

import pytest
from click.testing import CliRunner

from monitor.alert.dispatch import Dispatcher
from monitor.cli import cli
from monitor.config import Source, load, load_rules, load_sources
from monitor.encoding import decode
from monitor.errors import ConfigError, FetchError
from monitor.fetch import Fetcher, Origin
from monitor.parse import parse_feed
from monitor.store import Store

from helpers import (
    REPO,
    alert_rules,
    article_page,
    count,
    db_rows,
    invoke,
    laughs,
    open_poller,
    rss,
    run_cli,
    start_daemon,
    stop_daemon,
    wait_for,
    webhook_alert_rules,
    write_config,
)
from httpserver import TestServer
from receivers import SmtpServer, TrickleServer, WebhookReceiver, free_port

# ---- fetch / SSRF ----


class Canary:
    """A listener nothing may reach: every connection it accepts is counted."""

    def __init__(self, host: str) -> None:
        self.sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.host, self.port = host, self.sock.getsockname()[1]
        self.accepted = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted += 1
            conn.close()

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()


class ConnectGuard:
    """Records every `socket.connect()` and refuses, without sending a packet, any address
    outside 127.0.0.0/8 and ::1: the test never sends traffic beyond this machine."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.attempts: list[tuple[str, int]] = []
        self.refused: list[tuple[str, int]] = []
        original = socket.socket.connect
        guard = self

        def connect(sock: socket.socket, address: tuple) -> None:
            host, port = str(address[0]), int(address[1])
            guard.attempts.append((host, port))
            try:
                ip = ipaddress.ip_address(host.split("%")[0])
            except ValueError:
                ip = None
            if ip is None or not (ip in ipaddress.ip_network("127.0.0.0/8")
                                  or ip == ipaddress.ip_address("::1")):
                guard.refused.append((host, port))
                raise ConnectionRefusedError(f"connect guard: {host} is not loopback")
            original(sock, address)

        def connect_ex(sock: socket.socket, address: tuple) -> int:
            try:
                connect(sock, address)
            except OSError as exc:
                return exc.errno or 111
            return 0

        monkeypatch.setattr(socket.socket, "connect", connect)
        monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)


REBINDING_NAME = "rebind.test"
PUBLIC_ADDRESS = "93.184.215.14"  # global, and never contacted: the guard refuses it


def rebinding_resolver(monkeypatch: pytest.MonkeyPatch, first: list[str], then: str) -> None:
    """`rebind.test` answers the addresses in `first`, one lookup each, and `then` to every
    later lookup, as a DNS rebinding attacker's name with a zero TTL does; other names resolve
    as usual."""
    real = socket.getaddrinfo
    answers = iter(first)

    def getaddrinfo(host, port, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host != REBINDING_NAME:
            return real(host, port, *args, **kwargs)
        return [(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP, "",
                 (next(answers, then), int(port or 80)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def hostile_links(feed: str, canary: Canary, neighbour: Canary) -> dict[str, str]:
    """Every form of the audit, by name: `feed` is the feed's origin (http://127.0.0.1:Q),
    `canary` listens on 127.0.0.2, `neighbour` on another port of the feed's own host."""
    c, n = canary.port, neighbour.port
    return {
        "backslash": f"http://127.0.0.2:{c}\\@{feed[7:]}/x",
        "backslash-metadata": f"http://169.254.169.254\\@{feed[7:]}/latest/meta-data/",
        "backslash-port": f"http://127.0.0.1:{n}\\@{feed[7:]}/x",
        "redirect-canary": f"{feed}/to-canary",
        "redirect-backslash": f"{feed}/to-backslash",
        "redirect-port": f"{feed}/to-neighbour",
        "redirect-metadata": f"{feed}/to-metadata",
        "redirect-nat64": f"{feed}/to-nat64",
        "other-port": f"http://127.0.0.1:{n}/x",
        "mapped": f"http://[::ffff:127.0.0.2]:{c}/x",
        "compatible": f"http://[::127.0.0.2]:{c}/x",
        "nat64": f"http://[64:ff9b::127.0.0.2]:{c}/x",
        "nat64-local": f"http://[64:ff9b:1::7f00:2]:{c}/x",
        "6to4": f"http://[2002:7f00:2::1]:{c}/x",
        "teredo": f"http://[2001:0:4136:e378:8000:63bf:80ff:fffd]:{c}/x",
        "unspecified": f"http://0.0.0.0:{n}/x",
        "unspecified6": f"http://[::]:{n}/x",
        "localhost": f"http://localhost:{n}/x",
        "rebinding": f"http://{REBINDING_NAME}:{c}/x",
        "loopback": f"http://127.0.0.2:{c}/x",
        "private": "http://10.0.0.5/admin",
        "metadata": "http://169.254.169.254/latest/meta-data/",
        "ipv6-loopback": f"http://[::1]:{n}/x",
        "decimal": f"http://2130706434:{c}/x",
        "octal": f"http://0177.0.0.2:{c}/x",
        "hex": f"http://0x7f000002:{c}/x",
    }


def test_no_feed_link_reaches_a_canary(tmp_path: Path, http_server: TestServer,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    canary, neighbour = Canary("127.0.0.2"), Canary("127.0.0.1")
    try:
        feed = http_server.base_url
        links = hostile_links(feed, canary, neighbour)
        http_server.redirect("/to-canary", f"http://127.0.0.2:{canary.port}/x")
        http_server.redirect("/to-backslash", links["backslash"])
        http_server.redirect("/to-neighbour", f"http://127.0.0.1:{neighbour.port}/x")
        http_server.redirect("/to-metadata", "http://169.254.169.254/latest/meta-data/")
        http_server.redirect("/to-nat64", f"http://[64:ff9b::7f00:2]:{canary.port}/x")
        http_server.redirect("/moved.xml", f"http://127.0.0.2:{canary.port}/feed.xml")
        http_server.route("/ok", article_page("Технопарк «Якутия»", "Страница статьи целиком."),
                          content_type="text/html; charset=utf-8")
        items = [{"guid": name, "title": f"Item {name}", "link": escape(link),
                  "description": f"Text of {name} from the feed."}
                 for name, link in links.items()]
        items.append({"guid": "ok", "title": "Item ok", "link": f"{feed}/ok",
                      "description": "Teaser."})
        http_server.route("/feed.xml", rss(items))
        opts = write_config(tmp_path, [{"name": "hostile", "url": f"{feed}/feed.xml"},
                                       {"name": "moved", "url": f"{feed}/moved.xml"}])
        rebinding_resolver(monkeypatch, first=[PUBLIC_ADDRESS], then="127.0.0.2")
        guard = ConnectGuard(monkeypatch)

        result = invoke("poll", *opts)
        monkeypatch.undo()
    finally:
        canary.close()
        neighbour.close()

    assert guard.refused == []
    assert canary.accepted == 0 and neighbour.accepted == 0
    assert not {(canary.host, canary.port), (neighbour.host, neighbour.port)} & set(
        guard.attempts)
    assert "hostile: 27 new" in result.output, result.output
    assert "moved: failed: refused: 127.0.0.2 is a loopback address" in result.output
    stored = {row["guid"]: row for row in db_rows(
        tmp_path, "select guid, extracted_from, page_error, text from articles")}
    assert set(stored) == set(links) | {"ok"}
    assert stored["ok"]["extracted_from"] == "page" and stored["ok"]["page_error"] is None
    for name in links:
        assert stored[name]["extracted_from"] == "feed", name
        assert f"Text of {name} from the feed." in stored[name]["text"]
        # Why the page was not read is stored with the article, for sqlite-utils to show.
        assert stored[name]["page_error"].startswith(("refused: ", "malformed link")), \
            (name, stored[name]["page_error"])
    assert stored["metadata"]["page_error"] == \
        "refused: 169.254.169.254 is a link-local address (link from feed)"


def test_rebinding_name_is_checked_on_the_address_connected(http_server: TestServer,
                                                            monkeypatch: pytest.MonkeyPatch):
    # The first lookup (the early check) sees a public address, the connection's lookup sees
    # loopback: the connection refuses what it was about to connect to.
    http_server.route("/x", "secret")
    rebinding_resolver(monkeypatch, first=[PUBLIC_ADDRESS], then="127.0.0.1")
    guard = ConnectGuard(monkeypatch)
    fetcher = Fetcher()
    try:
        with pytest.raises(FetchError) as info:
            fetcher.get(f"http://{REBINDING_NAME}:{http_server.port}/x", trusted=set())
    finally:
        fetcher.close()
    assert info.value.reason == ("refused: rebind.test resolves to 127.0.0.1, a loopback "
                                 "address (link from feed)")
    assert guard.attempts == []
    assert http_server.requests == []


def test_keep_alive_connection_carries_no_link_across_policies(http_server: TestServer,
                                                               monkeypatch: pytest.MonkeyPatch):
    # A feed the user configured on rebind.test (loopback: trusted) leaves a keep-alive
    # connection in the pool. Another feed's link to the same origin passes the early check
    # (its lookup answers a public address) and must not ride that connection.
    http_server.route("/feed.xml", "<rss/>")
    http_server.route("/secret", "secret")
    rebinding_resolver(monkeypatch, first=["127.0.0.1", PUBLIC_ADDRESS], then="127.0.0.1")
    guard = ConnectGuard(monkeypatch)
    fetcher = Fetcher()
    origin = f"http://{REBINDING_NAME}:{http_server.port}"
    try:
        assert fetcher.get(f"{origin}/feed.xml").body == b"<rss/>"
        with pytest.raises(FetchError) as info:
            fetcher.get(f"{origin}/secret", trusted={Origin("feed.example", 80)})
    finally:
        fetcher.close()
    assert info.value.reason == ("refused: rebind.test resolves to 127.0.0.1, a loopback "
                                 "address (link from feed)")
    assert [r.path for r in http_server.requests] == ["/feed.xml"]
    assert guard.refused == []




# ---- pipeline: bad links, full disk, page retries, ReDoS, encodings ----


def test_bad_links_cost_neither_their_entry_nor_the_poll(tmp_path: Path,
                                                         http_server: TestServer) -> None:
    """A port out of range crashed the entry's own error handler (`exc_info` in LogRecord);
    `http://[oops/x` raised ValueError in parse. Either lost every later entry and source."""
    http_server.route("/feed.xml", rss([
        {"guid": "port", "title": "Порт", "link": "http://127.0.0.1:99999/x",
         "description": "Технопарк Якутия: порт."},
        {"guid": "ipv6", "title": "Скобка", "link": "http://[oops/x",
         "description": "Технопарк Якутия: скобка."},
        {"guid": "good", "title": "Хорошая", "link": http_server.url("/good")}]))
    http_server.route("/good", article_page("Хорошая", "Технопарк Якутия растёт."),
                      content_type="text/html; charset=utf-8")
    http_server.route("/other.xml", rss([{"guid": "o", "title": "Другая", "link": "",
                                          "description": "Сколково."}]))
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")},
                                   {"name": "other", "url": http_server.url("/other.xml")}])
    result = invoke("poll", *opts)
    assert result.exit_code == 0, result.output
    assert "news: 3 new, 0 updated, 0 unchanged" in result.output
    assert "other: 1 new" in result.output
    rows = {r["guid"]: r for r in db_rows(
        tmp_path, "select guid, url, extracted_from, page_error from articles")}
    for guid in ("port", "ipv6"):
        assert rows[guid]["url"] is None and rows[guid]["extracted_from"] == "feed"
        assert rows[guid]["page_error"].startswith("malformed link")
    assert rows["good"]["extracted_from"] == "page" and rows["good"]["page_error"] is None
    hits = db_rows(tmp_path, "select count(*) n from hits where organisation = "
                             "'technopark-yakutia'")
    assert hits == [{"n": 3}]


def test_full_disk_is_a_clear_failure_that_damages_nothing_and_resumes(
        tmp_path: Path, http_server: TestServer, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite's real SQLITE_FULL ("database or disk is full"), made by capping the file's
    pages: the poll fails with that reason instead of a KeyError traceback, nothing is half
    written, fetch rows that cannot be written are kept and written once space returns."""
    long_text = "Резиденты Технопарк Якутия выпустили продукцию. " * 400
    http_server.route("/feed.xml", rss([
        {"guid": f"g{i}", "title": f"Новость {i}", "link": "http://example.invalid/",
         "description": long_text} for i in range(3)]))
    opts = write_config(tmp_path, [
        {"name": "news", "url": http_server.url("/feed.xml"), "fetch_article": "false"},
        {"name": "dead", "url": "http://127.0.0.1:9/feed.xml"}])
    monkeypatch.setattr(logging.getLogger("monitor"), "propagate", True)  # for caplog
    store, fetcher, poller = open_poller(opts)
    news, dead = load(Path(opts[1]), Path(opts[3])).sources.sources
    try:
        pages = store.conn.execute("PRAGMA page_count").fetchone()[0]
        store.conn.execute(f"PRAGMA max_page_count = {pages}")

        result = poller.poll(news)
        assert not result.ok and result.error == "database error: database or disk is full"
        assert any(r.getMessage() == "poll.crashed" and r.source == "news"
                   for r in caplog.records)
        assert store.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
        assert store.query("SELECT count(*) n FROM articles") == [{"n": 0}]
        assert store.query("SELECT source, error FROM fetches") == [
            {"source": "news", "error": "database error: database or disk is full"}]
        assert store.query("SELECT consecutive_failures n FROM sources WHERE name = 'news'") \
            == [{"n": 1}]

        # Fill the last free space with fetch rows until one cannot be written: it is kept.
        polls = 1
        for _ in range(500):
            result = poller.poll(dead)
            polls += 1
            assert not result.ok
            if "poll not recorded" in (result.error or ""):
                break
        assert "database or disk is full" in (result.error or "")
        assert store.query("SELECT count(*) n FROM fetches") == [{"n": polls - 1}]

        store.conn.execute("PRAGMA max_page_count = 1000000")  # space returns
        result = poller.poll(news)
        polls += 1
        assert result.ok and result.new == 3
        assert store.query("SELECT count(*) n FROM fetches") == [{"n": polls}]
        assert store.query("SELECT consecutive_failures n FROM sources WHERE name = 'dead'") \
            == [{"n": polls - 2}]
        assert store.query("PRAGMA integrity_check") == [{"integrity_check": "ok"}]
    finally:
        fetcher.close()
        store.close()


def test_failed_article_page_is_retried_and_rematched(tmp_path: Path, http_server: TestServer,
                                                      webhook_receiver) -> None:
    """A 503 on the article page stored the feed's summary for good: the next poll called the
    entry unchanged (and a 304 hid it anyway)."""
    http_server.route("/feed.xml", rss([{"guid": "p", "title": "Итоги года",
                                         "link": http_server.url("/p"),
                                         "description": "Кратко."}]), etag='"v1"')
    http_server.route("/p", "busy", status=503, content_type="text/plain")
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml")}],
                        rules=webhook_alert_rules(webhook_receiver.url))
    assert "news: 1 new" in invoke("poll", *opts).output
    (row,) = db_rows(tmp_path, "select extracted_from, page_error, page_attempts from articles")
    assert row == {"extracted_from": "feed", "page_error": "HTTP 503", "page_attempts": 1}
    assert db_rows(tmp_path, "select etag from sources") == [{"etag": None}]
    assert db_rows(tmp_path, "select count(*) n from hits") == [{"n": 0}]

    http_server.route("/p", article_page("Итоги года", "Резиденты Технопарк «Якутия» растут."),
                      content_type="text/html; charset=utf-8")
    result = invoke("poll", *opts)
    assert "news: 0 new, 1 updated" in result.output
    assert http_server.requests[-2].headers.get("If-None-Match") is None  # whole feed again
    (row,) = db_rows(tmp_path, "select extracted_from, page_error, page_attempts, text "
                               "from articles")
    assert row["extracted_from"] == "page" and row["page_error"] is None
    assert row["page_attempts"] == 2 and "Технопарк «Якутия»" in row["text"]
    assert db_rows(tmp_path, "select organisation from hits") == [
        {"organisation": "technopark-yakutia"}]
    assert db_rows(tmp_path, "select status from alerts") == [{"status": "sent"}]
    assert len(webhook_receiver.deliveries) == 1
    assert db_rows(tmp_path, "select etag from sources") == [{"etag": '"v1"'}]


def test_huge_author_fields_parse_in_seconds(tmp_path: Path, http_server: TestServer) -> None:
    """feedparser's author-email pattern is quadratic (upstream issue 562): 20 items with
    24 KB authors took 131 s. Now they parse in well under the bound and every entry stays."""
    evil = "a@" + "a." * 12_000 + "!"
    items = "".join(
        f"<item><guid>e{i}</guid><title>Технопарк Якутия {i}</title><author>{evil}</author>"
        f"<dc:creator><![CDATA[{evil}]]></dc:creator><description>x</description></item>"
        for i in range(20))
    http_server.route("/feed.xml", '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" '
                      'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>t</title>'
                      f"{items}</channel></rss>")
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}])
    started = time.monotonic()
    result = invoke("poll", *opts)
    assert time.monotonic() - started < 15
    assert "news: 20 new" in result.output
    titles = [r["title"] for r in db_rows(tmp_path, "select title from articles order by id")]
    assert titles == [f"Технопарк Якутия {i}" for i in range(20)]


@pytest.mark.parametrize("wrap", [
    "<!---->{}", "<?x?>{}", "<!-- a -->{}<!-- b -->{}", "<b>{}</b>{}", "&amp;{}",
    "<![CDATA[a]]>{}",
], ids=["comment", "processing-instruction", "comments", "nested-tag", "entity", "cdata"])
def test_author_guard_holds_whatever_splits_the_text(wrap: str) -> None:
    """The guard bounds the whole element: markup that splits the author's text (the review
    found `<author><!---->` + 24 KB took 7 s for five items) is cut with it."""
    evil = "a@" + "a." * 12_000 + "!"
    author = wrap.format(*[evil] * wrap.count("{}"))
    items = "".join(f"<item><guid>e{i}</guid><title>T{i}</title><author>{author}</author>"
                    f"<description>x</description></item>" for i in range(5))
    unclosed = f"<item><guid>u</guid><title>U</title><author>{author}<description>y" \
               "</description></item>"
    body = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>t'
            f"</title>{items}{unclosed}</channel></rss>").encode()
    started = time.monotonic()
    feed = parse_feed(body, "http://127.0.0.1/feed.xml", "application/rss+xml")
    assert time.monotonic() - started < 5  # before: 7 s for the comment form, growing as n²
    assert [e.title for e in feed.entries][:5] == [f"T{i}" for i in range(5)]


RUSSIAN_TITLE = 'Технопарк "Якутия" подвёл итоги года'
RUSSIAN_TEXT = ("Резиденты Технопарк Якутия выпустили продукцию на два миллиарда рублей. "
                "Новый корпус откроется летом, сообщили в пресс-службе.")


def _russian_feed(declaration: str) -> str:
    return (f"<?xml version=\"1.0\"{declaration}?><rss version=\"2.0\"><channel>"
            f"<title>Новости Якутии</title><item><guid>r1</guid>"
            f"<title>{RUSSIAN_TITLE}</title>"
            f"<description>{RUSSIAN_TEXT}</description></item></channel></rss>")


def _one_bad_byte(feed: str) -> bytes:
    data = feed.encode("utf-8")
    cut = data.index("Новый".encode())
    return data[:cut] + b"\xff" + data[cut:]


@pytest.mark.parametrize("encoding", ["cp1251", "koi8-r"])
@pytest.mark.parametrize("text", ["Сколково", "Сколково растет", "Технопарк \"Якутия\": итоги"])
def test_short_undeclared_russian_text_is_read(encoding: str, text: str) -> None:
    """A detector guesses wrong on a few words (review: «Сколково» came out as «╤ъюыъютю»);
    the letters' byte ranges tell cp1251 and koi8-r apart even then."""
    feed = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item>'
            f"<title>{text}</title><description>{text}</description></item></channel></rss>")
    assert decode(feed.encode(encoding), "text/xml") == feed


@pytest.mark.parametrize("text, encoding", [
    ("Die Gesamtfläche des Technoparks beträgt 5.000 Quadratmeter; Größe zählt.", "latin-1"),
    ("„Größer als geplant“: 38 Mieter im Technologiepark Jakutien.", "cp1252"),
])
def test_undeclared_latin_text_is_not_taken_for_cyrillic(text: str, encoding: str) -> None:
    assert decode(text.encode(encoding), "text/plain") == text


@pytest.mark.parametrize("body, content_type", [
    (_russian_feed(' encoding="utf-8"').encode("utf-8"), "application/rss+xml"),
    (_one_bad_byte(_russian_feed(' encoding="utf-8"')), "application/rss+xml"),
    (_russian_feed(' encoding="windows-1251"').encode("cp1251"), "application/rss+xml"),
    (_russian_feed("").encode("cp1251"), "application/rss+xml"),
    (_russian_feed("").encode("koi8-r"), "text/xml"),
    (_russian_feed("").encode("cp1251"), "application/rss+xml; charset=windows-1251"),
], ids=["utf-8", "utf-8-one-bad-byte", "cp1251-declared", "cp1251-undeclared",
        "koi8-r-undeclared", "cp1251-header"])
def test_russian_feeds_are_read_in_every_encoding(body: bytes, content_type: str,
                                                  tmp_path: Path,
                                                  http_server: TestServer) -> None:
    """One bad UTF-8 byte made feedparser read the feed as iso-8859-2; undeclared cp1251 and
    koi8-r were read as windows-1252: mojibake, no hits."""
    http_server.route("/feed.xml", body, content_type=content_type)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}])
    assert "news: 1 new" in invoke("poll", *opts).output
    (row,) = db_rows(tmp_path, "select title, text from articles")
    assert row["title"] == RUSSIAN_TITLE
    assert "Резиденты Технопарк Якутия выпустили" in row["text"]
    assert "откроется летом" in row["text"]
    organisations = db_rows(tmp_path, "select distinct organisation from hits")
    assert organisations == [{"organisation": "technopark-yakutia"}]




# ---- configuration and demo ----

LAUGHS = laughs(9)
"""The audit's "billion laughs": 9**9 strings from a few hundred bytes of aliases."""


@pytest.mark.parametrize("name, head", [("rules.yaml", "organisations: []\n"),
                                        ("sources.yaml", "sources: []\n")])
def test_yaml_alias_bomb_is_refused_at_its_alias_with_little_memory(
        tmp_path: Path, name: str, head: str) -> None:
    path = tmp_path / name
    path.write_text(head + LAUGHS, encoding="utf-8")
    load = load_rules if name == "rules.yaml" else load_sources
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as info:
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    (problem,) = info.value.problems
    assert re.fullmatch(rf"{name}:\d+: [a-i]\[\d\]: the YAML alias \*[a-h] makes the aliases "
                        r"of this file expand to more than 10,000 values .*", problem), problem


def test_bare_interval_is_refused_not_read_as_seconds(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    url: https://a.example/rss\n    interval: 5\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.problems == [
        "sources.yaml:4: sources[0].interval: 5 has no unit: write 5s, 5m, 5h or 5d"]


def test_alias_of_30000_words_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("organisations:\n  - id: a\n    name: A\n    aliases:\n      ru:\n"
                    f"        - {' '.join(['слово'] * 30_000)}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert info.value.problems == [
        "rules.yaml:6: organisations[0].aliases.ru[0]: too long: 30,000 words (at most 20 words "
        "and 200 characters)"]


def test_organisations_sharing_an_alias_are_refused_with_both_lines(tmp_path: Path) -> None:
    entries = [("alpha", "Альфа"), ("yakutia", "Технопарк «Якутия»"), ("beta", "Бета"),
               ("copy", "Копия")]
    text = "organisations:\n" + "".join(
        f"  - id: {ident}\n    name: {name}\n    aliases:\n      ru: [{name}, Другое {i}]\n"
        for i, (ident, name) in enumerate(entries))
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("Другое 3", "технопарке Якутия"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert info.value.problems == [
        "rules.yaml:17: organisations[3].aliases.ru[1]: alias 'технопарке Якутия' is also used "
        "by organisations[1] (line 7)"]


def test_demo_refuses_a_users_database_and_leaves_it_untouched(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    with Store(db) as store:
        store.sync_sources([Source(name="mine", url="https://news.example/rss")])
    before = db.read_bytes()
    files = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 2
    assert f"Error: {db}: not a demo database; the demo leaves it alone" in result.output
    assert db.read_bytes() == before and sorted(tmp_path.iterdir()) == files

# ---- daemon ----


def test_slow_sources_do_not_starve_a_healthy_one(tmp_path: Path, http_server: TestServer,
                                                  webhook_receiver: WebhookReceiver) -> None:
    """The audit: four sources whose article pages hang filled the four poll workers, and a
    healthy source on a 2 s interval went 66 s unpolled, its alert unsent. Now each source has
    a worker and each poll a time budget (here the 2 s interval): the healthy source is polled
    on time, its alert goes out, the slow polls end at their budget, and SIGTERM still stops
    the daemon within seconds. Each slow source is a site of its own: on one site, requests
    take turns (one at a time per host), and a hanging site rightly slows its own sources."""
    slow = []
    servers = ExitStack()
    for s in range(4):
        site = servers.enter_context(TestServer())
        items = []
        for i in range(30):  # 30 pages x 3 s: a poll without a budget holds a worker 90 s
            page = article_page(f"Статья {s}-{i}", "Текст.").encode()
            site.slow(f"/page{s}-{i}", page, delay=60, chunk=len(page))  # held 60 s
            items.append({"guid": f"{s}-{i}", "title": f"Статья {s}-{i}",
                          "link": site.url(f"/page{s}-{i}")})
        site.route(f"/slow{s}.xml", rss(items))
        slow.append({"name": f"slow{s}", "url": site.url(f"/slow{s}.xml"),
                     "interval": "2s"})
    http_server.route("/healthy.xml", rss([{"guid": "h", "title": "Технопарк «Якутия» растёт",
                                            "link": "http://x.invalid/h"}]))
    healthy = {"name": "healthy", "url": http_server.url("/healthy.xml"), "interval": "2s",
               "fetch_article": "false"}
    # Listed last, so its first poll comes after the slow ones took their workers.
    opts = write_config(tmp_path, [*slow, healthy], rules=webhook_alert_rules(
        webhook_receiver.url))
    sources = tmp_path / "sources.yaml"
    sources.write_text("fetch:\n  timeout: 3\n" + sources.read_text(encoding="utf-8"),
                       encoding="utf-8")
    db, log = tmp_path / "monitor.db", tmp_path / "daemon.log"
    polls = "select count(*) from fetches where source = 'healthy'"
    daemon = start_daemon(opts, log)
    try:
        assert wait_for(lambda: count(db, polls) >= 1), log.read_text()
        first = count(db, polls)
        time.sleep(12)
        assert count(db, polls) - first >= 4, log.read_text()  # one poll every 2 s
        assert webhook_receiver.deliveries, "the healthy source's alert was not sent"
        for s in range(4):
            assert count(db, f"select count(*) from fetches where source = 'slow{s}' and "
                             "warning like 'time budget of 2s spent: % entries left%'") >= 1
        assert daemon.poll() is None
        took = stop_daemon(daemon)
    finally:
        daemon.kill()
        servers.close()
    assert daemon.returncode == 0, log.read_text()
    assert took < 8, f"{took:.1f}s to stop"



# ---- alert outbox and delivery ----

TRICKLED_STATUS = b"HTTP/1.1 200 OK\r\n" + b"X-Slow: " + b"x" * 300 + b"\r\n\r\n"
"""A webhook receiver's answer, sent one byte a second: five minutes for the whole of it."""
TRICKLED_BANNER = b"220 " + b"x" * 300 + b"\r\n"
"""A mail server's greeting, one byte a second."""


def outbox_rules(*targets: str, smtp_port: int | None = None) -> str:
    """rules.yaml with one immediate alert on Технопарк «Якутия» to `targets`, retried after
    a minute (tests move the clock with `make_due`)."""
    smtp = (f"smtp:\n  host: 127.0.0.1\n  port: {smtp_port}\n  security: none\n"
            f"  from_address: monitor@example.org\n  timeout: 2\n" if smtp_port else "")
    return alert_rules(*targets, extra=f"{smtp}delivery:\n  retry_base: 1m\n")


def yakutia_feed(tmp_path: Path, http_server: TestServer, rules: str,
                 count: int = 1) -> list[str]:
    http_server.route("/feed.xml", rss([
        {"guid": f"g{n}", "title": f"Новость {n}", "link": f"http://x.invalid/{n}",
         "description": f"Технопарк «Якутия» растёт ({n})."} for n in range(1, count + 1)]))
    return write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}], rules=rules)


def make_due(tmp_path: Path) -> None:
    """Every unsent alert due now, whatever its backoff (the test's clock moved on)."""
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("update alerts set next_attempt = '2000-01-01T00:00:00Z' "
                     "where status = 'pending'")


def test_poll_cuts_a_trickling_webhook_at_its_deadline(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    """A webhook sending one header byte a second held `poll` for ever; now the send is cut at
    the target's `timeout`, retried later, and the other targets go out at once."""
    slow = TrickleServer(TRICKLED_STATUS)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            f"{{webhook: 'http://127.0.0.1:{slow.port}/hook', timeout: 2s}}",
            f"{{webhook: '{webhook_receiver.url}'}}", "{email: [analyst@example.org]}",
            smtp_port=smtp_server.port))
        started = time.monotonic()
        result = run_cli("poll", *opts, timeout=60)
        assert result.returncode == 0, result.stderr
        assert time.monotonic() - started < 30
    finally:
        slow.close()
    assert slow.connections == 1
    (delivery,) = webhook_receiver.deliveries
    assert delivery.received - started < 20  # not after the slow target's deadline + margin
    assert len(smtp_server.messages) == 1
    rows = {r["target"]: r for r in db_rows(tmp_path, "select * from alerts")}
    assert rows["yakutia-1"]["status"] == "pending" and rows["yakutia-1"]["attempts"] == 1
    assert "took longer than 2 s" in rows["yakutia-1"]["last_error"]
    assert rows["yakutia-2"]["status"] == rows["yakutia-3"]["status"] == "sent"


def test_poll_cuts_a_mail_server_trickling_its_banner(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """smtp.timeout bounded each read, so a banner trickled one byte a second never timed
    out; now it bounds the whole message."""
    slow = TrickleServer(TRICKLED_BANNER)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            "{email: [analyst@example.org]}", f"{{webhook: '{webhook_receiver.url}'}}",
            smtp_port=slow.port))
        result = run_cli("poll", *opts, timeout=60)
        assert result.returncode == 0, result.stderr
    finally:
        slow.close()
    assert len(webhook_receiver.deliveries) == 1
    (mail,) = db_rows(tmp_path, "select * from alerts where target = 'yakutia-1'")
    assert mail["status"] == "pending" and "took longer than 2 s" in mail["last_error"]


def test_daemon_delivery_one_slow_target_costs_only_its_own_alerts(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """The daemon's delivery: each target has its own worker, so a trickling target holds
    none of the others, and stopping cuts its send at once, giving its alert back."""
    port = free_port()
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: 'http://127.0.0.1:{port}/hook'}}",  # default deadline: 30 s
        f"{{webhook: '{webhook_receiver.url}'}}"), count=3)
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)  # queues 3 alerts per target; both targets fail at the first
    assert len(webhook_receiver.deliveries) == 1
    make_due(tmp_path)
    slow = TrickleServer(TRICKLED_STATUS, port=port)
    try:
        dispatcher = Dispatcher(tmp_path / "monitor.db", load_rules(tmp_path / "rules.yaml"))
        dispatcher.start()
        try:
            assert wait_for(lambda: len(webhook_receiver.deliveries) == 4, timeout=15)
            assert wait_for(lambda: slow.connections == 1, timeout=15)  # mid-send now
        finally:
            started = time.monotonic()
            stopped = dispatcher.stop(timeout=10)
            stop_took = time.monotonic() - started
    finally:
        slow.close()
    assert stopped and stop_took < 5
    rows = db_rows(tmp_path, "select target, status, attempts, lease_until from alerts")
    assert sorted((r["target"], r["status"]) for r in rows) == [
        ("yakutia-1", "pending")] * 3 + [("yakutia-2", "sent")] * 3
    # The send cut by stop() is given back: not counted as an attempt, not leased.
    assert all(r["lease_until"] is None for r in rows)
    assert sorted(r["attempts"] for r in rows if r["target"] == "yakutia-1") == [0, 0, 1]


def test_sigterm_stops_the_daemon_mid_send(tmp_path: Path, http_server: TestServer,
                                           webhook_receiver: WebhookReceiver) -> None:
    """SIGTERM was ignored while a webhook trickled its answer; now the send is cut, the
    daemon exits within seconds, and the alert is left to go out next time."""
    slow = TrickleServer(TRICKLED_STATUS)
    try:
        opts = yakutia_feed(tmp_path, http_server, outbox_rules(
            f"{{webhook: 'http://127.0.0.1:{slow.port}/hook'}}",  # default deadline: 30 s
            f"{{webhook: '{webhook_receiver.url}'}}"))
        daemon = subprocess.Popen([sys.executable, str(REPO / "run.py"), "run", *opts],
                                  cwd=REPO, stderr=subprocess.PIPE, text=True)
        try:
            assert wait_for(lambda: slow.connections == 1 and webhook_receiver.deliveries,
                            timeout=30)
            time.sleep(1)  # the slow send is under way
            stopping = time.monotonic()
            daemon.send_signal(signal.SIGTERM)
            _, stderr = daemon.communicate(timeout=30)
            took = time.monotonic() - stopping
        finally:
            daemon.kill()
    finally:
        slow.close()
    assert daemon.returncode == 0, stderr
    assert took < 10, f"stopping took {took:.1f} s"
    (row,) = db_rows(tmp_path, "select status, attempts from alerts where target = 'yakutia-1'")
    assert row == {"status": "pending", "attempts": 0}


def test_an_alert_for_a_deleted_article_is_dead_and_the_others_go_out(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """sqlite-utils deletes without foreign keys: an alert row then points at no article.
    deliver_due raised IndexError for it on every cycle, for every target."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"), count=2)
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:  # foreign keys off, as sqlite-utils
        conn.execute("delete from articles where title = 'Новость 1'")
    http_server.route("/feed.xml", rss([]))  # the feed has moved on
    make_due(tmp_path)
    assert "alerts: 1 dead, 1 sent" in invoke("poll", *opts).output
    rows = {r["status"]: r for r in db_rows(tmp_path, "select * from alerts")}
    assert "no longer exists" in rows["dead"]["last_error"]
    assert webhook_receiver.deliveries[-1].json()["articles"][0]["title"] == "Новость 2"


def test_pending_alerts_follow_a_target_whose_address_is_edited(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """Rows were keyed by the target's description: a new webhook URL or one more address
    sent them to dead for good. Now they are keyed by the target's name."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}?v=1'}}"))
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    (pending,) = db_rows(tmp_path, "select id, status from alerts")
    (tmp_path / "rules.yaml").write_text(outbox_rules(
        f"{{webhook: '{webhook_receiver.url}?v=2'}}"), encoding="utf-8")
    make_due(tmp_path)
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert webhook_receiver.deliveries[-1].headers["webhook-id"] == pending["id"]


def test_pending_email_alerts_follow_a_target_given_one_more_address(
        tmp_path: Path, http_server: TestServer, smtp_server: SmtpServer) -> None:
    """The other half of the audit's case: adding an address to an email target kept its
    alert pending, not dead, and it goes to both addresses."""
    with socket.socket() as probe:  # a loopback port no mail server listens on
        probe.bind(("127.0.0.1", 0))
        dead_port = probe.getsockname()[1]
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        "{email: [a@example.org]}", smtp_port=dead_port))
    invoke("poll", *opts)
    (pending,) = db_rows(tmp_path, "select id, status from alerts")
    assert pending["status"] == "pending"
    (tmp_path / "rules.yaml").write_text(outbox_rules(
        "{email: [a@example.org, b@example.org]}", smtp_port=smtp_server.port),
        encoding="utf-8")
    make_due(tmp_path)
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    (message,) = smtp_server.messages
    assert message["To"] == "a@example.org, b@example.org"
    assert pending["id"] in message["Message-ID"]


def test_rows_of_an_older_release_are_delivered_after_upgrade(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    """Rows queued before target names hold the target's description string."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"))
    webhook_receiver.responses.append((503, {}))
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        conn.execute("update alerts set target = ?", (f"webhook:{webhook_receiver.url}",))
    make_due(tmp_path)
    assert "alerts: 1 sent" in invoke("poll", *opts).output
    assert db_rows(tmp_path, "select target from alerts") == [{"target": "yakutia-1"}]


def test_two_senders_send_a_row_once(tmp_path: Path, http_server: TestServer,
                                     webhook_receiver: WebhookReceiver) -> None:
    """`poll` from cron while another sender is at work: the row is claimed by the first, and
    the second skips it."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}"))
    webhook_receiver.responses.extend([(503, {}), (200, {}, 4.0)])  # the 2nd answers slowly
    invoke("poll", *opts)
    make_due(tmp_path)
    results: list = []
    polls = [threading.Thread(target=lambda: results.append(run_cli("poll", *opts,
                                                                    timeout=60)))
             for _ in range(2)]
    for poll in polls:
        poll.start()
        time.sleep(0.5)
    for poll in polls:
        poll.join(90)
    assert [r.returncode for r in results] == [0, 0], [r.stderr for r in results]
    assert len(webhook_receiver.deliveries) == 2  # the refused attempt, then exactly one
    (row,) = db_rows(tmp_path, "select status, attempts from alerts")
    assert row == {"status": "sent", "attempts": 2}


def test_an_article_with_40001_hits_makes_a_capped_message(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver,
        smtp_server: SmtpServer) -> None:
    """Every hit was listed: a 1 MB article with 40,001 hits made a 21.7 MB email and a
    14.8 MB webhook. A message now carries 50 hits, the total and the article's link."""
    opts = yakutia_feed(tmp_path, http_server, outbox_rules(
        f"{{webhook: '{webhook_receiver.url}'}}", "{email: [analyst@example.org]}",
        smtp_port=smtp_server.port))
    webhook_receiver.responses.append((503, {}))
    smtp_server.mailbox.refuse = "451 4.3.0 busy"
    invoke("poll", *opts)
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        ((article, snippet),) = conn.execute("select article_id, snippet from hits").fetchall()
        conn.executemany(
            "insert into hits (article_id, kind, rule, organisation, matched, start, [end], "
            "snippet, created) values (?, 'organisation', 'technopark-yakutia', "
            "'technopark-yakutia', 'Технопарк «Якутия»', ?, ?, ?, '2026-01-01T00:00:00Z')",
            [(article, n * 25, n * 25 + 18, snippet) for n in range(1, 40001)])
    smtp_server.mailbox.refuse = None
    make_due(tmp_path)
    assert "alerts: 2 sent" in invoke("poll", *opts).output
    delivery = webhook_receiver.deliveries[-1]
    (sent,) = json.loads(delivery.body)["articles"]
    assert len(sent["hits"]) == 50 and sent["hits_total"] == 40001
    assert len(delivery.body) < 64 * 1024
    (mail,) = smtp_server.messages
    assert len(mail.as_bytes()) < 256 * 1024
    text = mail.get_body(preferencelist=("plain",)).get_content()
    html = mail.get_body(preferencelist=("html",)).get_content()
    assert "… and 39,951 more hits (40,001 in all) in the article: http://x.invalid/1" in text
    assert '<a href="http://x.invalid/1">and 39,951 more hits (40,001 in all)' in html
    assert len(mail["Subject"]) <= 150
