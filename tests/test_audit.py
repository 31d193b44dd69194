"""The outside audit's matrix, one test per hole it found (issue 7), run against real parts:
a loopback HTTP server, real SMTP and webhook receivers, a real SQLite file.

Each section is one family of the audit: bad links, slow targets, slow sources, SSRF forms
(backslash, redirects, DNS rebinding, IPv6), ReDoS, YAML bombs, encodings, full disk and
outbox rows. Every test here failed before its fix.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
from pathlib import Path
from xml.sax.saxutils import escape

import pytest

from monitor.errors import FetchError
from monitor.fetch import Fetcher, Origin

from helpers import article_page, db_rows, invoke, rss, write_config
from httpserver import TestServer

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
        tmp_path, "select guid, extracted_from, text from articles")}
    assert set(stored) == set(links) | {"ok"}
    assert stored["ok"]["extracted_from"] == "page"
    for name in links:
        assert stored[name]["extracted_from"] == "feed", name
        assert f"Text of {name} from the feed." in stored[name]["text"]


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
