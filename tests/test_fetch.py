"""monitor.fetch against a real HTTP server on 127.0.0.1 (no mocks).

Every limit of the fetcher is exercised over real sockets: the User-Agent, the connect timeout
and the total deadline, the redirect cap, the body cap after decompression, conditional GET,
HTTP errors and the refusal of private addresses for links a feed hands us.
"""

from __future__ import annotations

import ipaddress
import shutil
import socket
import ssl
import subprocess
import sys
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.config import FetchSettings
from monitor.errors import FetchError
from monitor.fetch import PROJECT_URL, USER_AGENT, Fetcher, Origin, Response, check_public

from httpserver import TestServer

MiB = 1024 * 1024
LAST_MODIFIED = "Wed, 21 Oct 2015 07:28:00 GMT"


@pytest.fixture
def fetcher():
    f = Fetcher()
    yield f
    f.close()


def make_fetcher(**limits) -> Fetcher:
    return Fetcher(FetchSettings(**limits))


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --------------------------------------------------------------------------- session, UA


def test_user_agent_names_project_and_url(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/feed.xml", "<rss/>")
    response = fetcher.get(http_server.url("/feed.xml"))

    assert isinstance(response, Response)
    assert response.status == 200
    assert response.body == b"<rss/>"
    assert response.url == http_server.url("/feed.xml")
    seen = http_server.requests[-1].headers["User-Agent"]
    assert seen == USER_AGENT
    assert "technopark-monitor" in seen
    assert PROJECT_URL in seen


def test_one_session_for_all_requests(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/a", "a")
    http_server.route("/b", "b")
    session = fetcher.session
    assert isinstance(session, requests.Session)

    assert fetcher.get(http_server.url("/a")).body == b"a"
    assert fetcher.get(http_server.url("/b")).body == b"b"

    assert fetcher.session is session
    assert [r.headers["User-Agent"] for r in http_server.requests] == [USER_AGENT] * 2


def test_configured_user_agent_is_sent(http_server: TestServer):
    http_server.route("/feed.xml", "<rss/>")
    with_ua = make_fetcher(user_agent="my-monitor/1.0 (+https://example.org)")
    try:
        with_ua.get(http_server.url("/feed.xml"))
    finally:
        with_ua.close()
    assert http_server.requests[-1].headers["User-Agent"] == "my-monitor/1.0 (+https://example.org)"


# --------------------------------------------------------------------------- timeouts


@pytest.mark.parametrize(
    ("delay", "content_length"),
    [(0.2, True), (1.0, True), (1.0, False), (1.2, False)],
    ids=["5-bytes-a-second", "1-byte-a-second", "1-byte-a-second-no-length",
         "byte-every-1.2s-no-length"],
)
def test_slow_body_cannot_outlast_the_deadline(http_server: TestServer, delay: float,
                                               content_length: bool):
    # 100 bytes at this rate would take 20..120 s; each byte arriving resets a plain read
    # timeout, so only a total deadline stops it. Without Content-Length the body ends when the
    # server closes the connection (http.client detaches the socket from the connection then).
    # A byte every 1.2 s lands after the deadline, so a read merely re-checked between bytes
    # would overshoot to 2.4 s; the deadline must bound each read.
    http_server.slow("/slow", b"x" * 100, delay=delay, content_length=content_length)
    deadline = 1.5
    slow_fetcher = make_fetcher(timeout=deadline)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as info:
            slow_fetcher.get(http_server.url("/slow"))
    finally:
        slow_fetcher.close()
    elapsed = time.monotonic() - started

    assert elapsed < deadline + 0.5
    assert elapsed >= deadline - 0.2  # it was the deadline that stopped it, nothing earlier
    assert info.value.reason.startswith("deadline of 1.5s exceeded")
    assert info.value.status is None


def test_slow_but_timely_body_is_read_whole(http_server: TestServer):
    http_server.slow("/drip", b"abcde", delay=0.02, content_length=False)
    drip_fetcher = make_fetcher(timeout=5.0)
    try:
        response = drip_fetcher.get(http_server.url("/drip"))
    finally:
        drip_fetcher.close()
    assert response.body == b"abcde"


@pytest.mark.skipif(sys.platform != "linux", reason="relies on Linux dropping SYNs to a full "
                    "accept queue")
def test_connect_timeout():
    # A listener that never accepts, with its accept queue filled: further SYNs are dropped,
    # so connecting hangs until the connect timeout, well before the total deadline.
    listener = socket.socket()
    fillers: list[socket.socket] = []
    try:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        for _ in range(4):
            filler = socket.socket()
            filler.setblocking(False)
            try:
                filler.connect(("127.0.0.1", port))
            except BlockingIOError:
                pass
            fillers.append(filler)
        time.sleep(0.05)
        slow_connect = make_fetcher(connect_timeout=0.3, timeout=5.0)
        started = time.monotonic()
        try:
            with pytest.raises(FetchError) as info:
                slow_connect.get(f"http://127.0.0.1:{port}/feed.xml")
        finally:
            slow_connect.close()
        elapsed = time.monotonic() - started
    finally:
        for sock in fillers:
            sock.close()
        listener.close()
    assert info.value.reason == "connect timeout"
    assert elapsed < 2.0


def test_connection_refused(fetcher: Fetcher):
    with pytest.raises(FetchError) as info:
        fetcher.get(f"http://127.0.0.1:{closed_port()}/feed.xml")
    assert "connection failed" in info.value.reason
    assert info.value.status is None


# --------------------------------------------------------------------------- redirects


def chain(server: TestServer, name: str, hops: int) -> str:
    """/name0 -> /name1 -> ... -> /name<hops>, which serves a body. Returns the first URL."""
    for i in range(hops):
        server.redirect(f"/{name}{i}", server.url(f"/{name}{i + 1}"),
                        status=(301, 302, 303, 307, 308)[i % 5])
    server.route(f"/{name}{hops}", f"end of {name}")
    return server.url(f"/{name}0")


def test_five_redirects_are_followed(http_server: TestServer, fetcher: Fetcher):
    start = chain(http_server, "r", 5)
    response = fetcher.get(start)
    assert response.status == 200
    assert response.body == b"end of r"
    assert response.url == http_server.url("/r5")
    assert len(http_server.requests) == 6


def test_six_redirects_fail(http_server: TestServer, fetcher: Fetcher):
    start = chain(http_server, "r", 6)
    with pytest.raises(FetchError) as info:
        fetcher.get(start)
    assert "too many redirects" in info.value.reason
    assert "5" in info.value.reason
    assert http_server.count("/r6") == 0  # the sixth hop is never requested
    assert len(http_server.requests) == 6


def test_max_redirects_setting_is_honoured(http_server: TestServer):
    start = chain(http_server, "r", 2)
    one_hop = make_fetcher(max_redirects=1)
    try:
        with pytest.raises(FetchError, match="too many redirects"):
            one_hop.get(start)
        assert one_hop.get(http_server.url("/r1")).url == http_server.url("/r2")
    finally:
        one_hop.close()


def test_redirect_loop_fails(http_server: TestServer, fetcher: Fetcher):
    http_server.redirect_loop("/loop")
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/loop"))
    assert "too many redirects" in info.value.reason
    assert len(http_server.requests) == 6


@pytest.mark.parametrize("location", ["target.xml", "../feeds/target.xml", "/feeds/target.xml",
                                      "?page=2"])
def test_relative_location(http_server: TestServer, fetcher: Fetcher, location: str):
    http_server.redirect("/feeds/start", location)
    http_server.route("/feeds/target.xml", "target")
    http_server.route("/feeds/start?page=2", "page two")
    response = fetcher.get(http_server.url("/feeds/start"))
    expected = "page two" if location.startswith("?") else "target"
    assert response.body == expected.encode()
    expected_url = (http_server.url("/feeds/start?page=2") if location.startswith("?")
                    else http_server.url("/feeds/target.xml"))
    assert response.url == expected_url


@pytest.mark.parametrize("location", ["file:///etc/passwd", "ftp://127.0.0.1/feed.xml",
                                      "gopher://127.0.0.1:70/"])
def test_redirect_to_non_http_is_refused(http_server: TestServer, fetcher: Fetcher,
                                         location: str):
    http_server.redirect("/start", location)
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/start"))
    assert "non-http" in info.value.reason


def test_malformed_redirect_is_a_fetch_error(http_server: TestServer, fetcher: Fetcher):
    http_server.redirect("/start", "http://[oops/feed.xml")
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/start"))
    assert "malformed redirect" in info.value.reason


def one_shot(head: bytes, drip: bytes, seconds: float, interval: float):
    """A one-shot raw server on 127.0.0.1: sends `head` at once, then `drip` one byte every
    `interval` seconds (cycling) for `seconds`, until the client hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(5)

    def serve() -> None:
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            end = time.monotonic() + seconds
            try:
                conn.sendall(head)
                for index in range(10**6):
                    if time.monotonic() >= end:
                        break
                    conn.sendall(drip[index % len(drip):index % len(drip) + 1])
                    time.sleep(interval)
            except OSError:
                pass  # the client hung up, as it should

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    return listener, thread


def trickling_redirect(to: str, seconds: float):
    """Answers `302 Location: to` at once, then drips a body of `x`s for `seconds` (the body
    of a redirect that nobody should read)."""
    head = f"HTTP/1.1 302 Found\r\nLocation: {to}\r\nConnection: close\r\n\r\n".encode()
    return one_shot(head, b"x", seconds, 0.05)


def test_body_of_a_redirect_is_not_read(http_server: TestServer):
    # requests reads a redirect's whole body (uncapped, no deadline) even with
    # allow_redirects=False unless the fetcher stops it; this one would take 4 s.
    http_server.route("/feed.xml", "final")
    listener, thread = trickling_redirect(http_server.url("/feed.xml"), seconds=4.0)
    port = listener.getsockname()[1]
    quick = make_fetcher(timeout=3.0)
    both = {Origin("127.0.0.1", port), Origin("127.0.0.1", http_server.port)}
    started = time.monotonic()
    try:
        response = quick.get(f"http://127.0.0.1:{port}/start", trusted=both)
    finally:
        quick.close()
        listener.close()
    elapsed = time.monotonic() - started
    thread.join(timeout=5)
    assert response.body == b"final"
    assert response.url == http_server.url("/feed.xml")
    assert elapsed < 1.0


def test_deadline_spans_all_redirect_hops(http_server: TestServer):
    http_server.redirect("/start", "/slow")
    http_server.slow("/slow", b"x" * 100, delay=0.1)
    deadline = 1.0
    slow_fetcher = make_fetcher(timeout=deadline)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="deadline"):
            slow_fetcher.get(http_server.url("/start"))
    finally:
        slow_fetcher.close()
    assert time.monotonic() - started < deadline + 1.0


# --------------------------------------------------------------------------- body cap


def test_default_cap_is_ten_mebibytes():
    assert FetchSettings().max_bytes == 10 * MiB
    assert FetchSettings().max_redirects == 5


def test_gzip_bomb_is_cut_off_quickly_without_inflating_it(http_server: TestServer,
                                                           fetcher: Fetcher):
    http_server.gzip_bomb("/bomb.xml", 1 << 30)  # ~1 MB on the wire, 1 GiB inflated
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as info:
            fetcher.get(http_server.url("/bomb.xml"))
        elapsed = time.monotonic() - started
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert info.value.reason.startswith("body too large")
    assert elapsed < 5.0
    # Streaming: memory stays near the 10 MiB cap, nowhere near the 1 GiB bomb.
    assert peak < 64 * MiB


def test_gzip_body_is_counted_after_decompression(http_server: TestServer):
    capped = make_fetcher(max_bytes=100_000)
    try:
        http_server.gzip_bomb("/at-cap.xml", 100_000)
        response = capped.get(http_server.url("/at-cap.xml"))
        assert response.body == bytes(100_000)

        http_server.gzip_bomb("/over-cap.xml", 100_001)  # a few hundred bytes compressed
        with pytest.raises(FetchError, match="too large"):
            capped.get(http_server.url("/over-cap.xml"))
    finally:
        capped.close()


def test_plain_body_over_the_cap_fails(http_server: TestServer):
    http_server.big("/big.xml", size=300_000)  # no Content-Length, read until it is too much
    capped = make_fetcher(max_bytes=100_000)
    try:
        with pytest.raises(FetchError) as info:
            capped.get(http_server.url("/big.xml"))
    finally:
        capped.close()
    assert info.value.reason == "body too large (more than 100000 bytes after decompression)"


@pytest.mark.parametrize("size", [100_000, 99_999, 0])
def test_body_up_to_the_cap_passes(http_server: TestServer, size: int):
    http_server.big("/exact.xml", size=size)
    capped = make_fetcher(max_bytes=100_000)
    try:
        response = capped.get(http_server.url("/exact.xml"))
    finally:
        capped.close()
    assert response.body == b"x" * size


def test_one_byte_over_the_cap_fails(http_server: TestServer):
    http_server.big("/over.xml", size=100_001)
    capped = make_fetcher(max_bytes=100_000)
    try:
        with pytest.raises(FetchError, match="too large"):
            capped.get(http_server.url("/over.xml"))
    finally:
        capped.close()


def test_content_length_over_the_cap_is_refused_early(http_server: TestServer):
    # The body would take 200 000 s to trickle in; refusing on the header returns at once.
    http_server.slow("/declared.xml", b"x" * 200_000, delay=1.0, content_length=True)
    capped = make_fetcher(max_bytes=100_000, timeout=10.0)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError) as info:
            capped.get(http_server.url("/declared.xml"))
    finally:
        capped.close()
    assert time.monotonic() - started < 0.5
    assert "too large" in info.value.reason
    assert "200000" in info.value.reason  # the declared length, not a count of bytes read


# --------------------------------------------------------------------------- conditional GET


def test_conditional_get_round_trip(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/feed.xml", "<rss>v1</rss>", etag='"v1"', last_modified=LAST_MODIFIED)
    url = http_server.url("/feed.xml")

    first = fetcher.get(url)
    assert first.status == 200
    assert not first.not_modified
    assert "If-None-Match" not in http_server.requests[-1].headers
    assert "If-Modified-Since" not in http_server.requests[-1].headers

    second = fetcher.get(url, etag=first.headers["ETag"],
                         last_modified=first.headers["Last-Modified"])
    sent = http_server.requests[-1].headers
    assert sent["If-None-Match"] == '"v1"'
    assert sent["If-Modified-Since"] == LAST_MODIFIED
    assert second.status == 304
    assert second.not_modified
    assert second.body == b""
    assert second.url == url


def test_last_modified_alone_gives_304(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/feed.xml", "<rss/>", last_modified=LAST_MODIFIED)
    response = fetcher.get(http_server.url("/feed.xml"), last_modified=LAST_MODIFIED)
    assert "If-None-Match" not in http_server.requests[-1].headers
    assert response.not_modified
    assert response.body == b""


def test_changed_etag_gives_the_new_body(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/feed.xml", "<rss>v2</rss>", etag='"v2"')
    response = fetcher.get(http_server.url("/feed.xml"), etag='"v1"')
    assert http_server.requests[-1].headers["If-None-Match"] == '"v1"'
    assert not response.not_modified
    assert response.body == b"<rss>v2</rss>"
    assert response.headers["ETag"] == '"v2"'


def test_accept_header_and_content_type(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/feed.json", "{}", content_type="application/feed+json")
    response = fetcher.get(http_server.url("/feed.json"), accept="application/feed+json")
    assert http_server.requests[-1].headers["Accept"] == "application/feed+json"
    assert response.content_type == "application/feed+json"


# --------------------------------------------------------------------------- HTTP errors


@pytest.mark.parametrize("status", [403, 404, 410, 500, 503])
def test_http_errors_carry_the_status(http_server: TestServer, fetcher: Fetcher, status: int):
    if status != 404:
        http_server.route("/feed.xml", "error page", status=status)
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/feed.xml"))
    assert info.value.status == status
    assert str(status) in info.value.reason
    assert info.value.url == http_server.url("/feed.xml")


def test_http_error_after_a_redirect_names_the_final_url(http_server: TestServer,
                                                         fetcher: Fetcher):
    http_server.redirect("/old", "/gone")
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/old"))
    assert info.value.status == 404
    assert info.value.url == http_server.url("/gone")


# --------------------------------------------------------------------------- private addresses


def test_check_public_refuses_loopback_and_names_the_address():
    with pytest.raises(FetchError) as info:
        check_public("http://127.0.0.1:1/x")
    assert "refused" in info.value.reason
    assert "127.0.0.1" in info.value.reason


def test_check_public_allows_trusted_origin():
    check_public("http://127.0.0.1:1/x", trusted={Origin("127.0.0.1", 1)})


@pytest.mark.parametrize("url", ["http://127.0.0.1:2/x", "http://127.0.0.1/x",
                                 "https://127.0.0.1/x"])
def test_trust_is_bound_to_the_port(url: str):
    # The feed is on 127.0.0.1:1; another port of the same host is another service.
    with pytest.raises(FetchError, match="refused: 127.0.0.1 is a loopback address"):
        check_public(url, trusted={Origin("127.0.0.1", 1)})


@pytest.mark.parametrize(("url", "origin"), [
    ("http://Example.ORG/feed", Origin("example.org", 80)),
    ("https://example.org./feed", Origin("example.org", 443)),
    ("http://example.org:8080/feed", Origin("example.org", 8080)),
    ("http://[::1]/feed", Origin("::1", 80)),
    ("https://пример.рф/feed", Origin("xn--e1afmkfd.xn--p1ai", 443)),
    ("http://user@example.org/feed", Origin("example.org", 80)),
])
def test_origin_is_what_the_connection_pool_sees(url: str, origin: Origin):
    assert Origin.of(url) == origin


@pytest.mark.parametrize("url", [
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/admin",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://0.0.0.0/",
    "http://[::1]:8080/",
    "http://[fd00::1]/",
    "http://[::ffff:127.0.0.1]/",
])
def test_check_public_refuses_private_addresses(url: str):
    with pytest.raises(FetchError) as info:
        check_public(url)
    assert info.value.reason.startswith("refused: ")
    assert info.value.reason.endswith(" (link from feed)")


@pytest.mark.parametrize("url", ["http://8.8.8.8/feed.xml", "https://[2001:4860:4860::8888]/"])
def test_check_public_allows_public_addresses(url: str):
    check_public(url)  # IP literals: resolved without DNS, never connected to


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/feed.xml",
                                 "gopher://example.org/", "javascript:alert(1)", "/relative",
                                 "http:///no-host"])
def test_check_public_refuses_non_http_urls(url: str):
    with pytest.raises(FetchError) as info:
        check_public(url, trusted={Origin("example.org", 80)})
    assert "not an http(s) URL" in info.value.reason


@pytest.mark.parametrize("url", ["http://[::1/x", "http://example.org:port/x"])
def test_check_public_refuses_malformed_urls(url: str):
    with pytest.raises(FetchError, match="malformed"):
        check_public(url)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "127.0.0.0/8",
                        "169.254.0.0/16", "100.64.0.0/10"]).flatmap(
    lambda net: st.integers(0, ipaddress.ip_network(net).num_addresses - 1).map(
        lambda i, net=net: ipaddress.ip_network(net)[i])))
def test_check_public_refuses_any_private_ipv4(address: ipaddress.IPv4Address):
    with pytest.raises(FetchError) as info:
        check_public(f"http://{address}/feed.xml")
    assert str(address) in info.value.reason


def test_untrusted_loopback_url_is_refused_before_any_request(http_server: TestServer,
                                                              fetcher: Fetcher):
    http_server.route("/x", "secret")
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/x"), trusted=set())
    assert "127.0.0.1" in info.value.reason
    assert http_server.count("/x") == 0
    assert http_server.requests == []


def test_trusted_host_is_fetched(http_server: TestServer, fetcher: Fetcher):
    http_server.route("/x", "article")
    response = fetcher.get(http_server.url("/x"),
                           trusted={Origin("127.0.0.1", http_server.port)})
    assert response.body == b"article"


def test_redirect_from_trusted_to_untrusted_private_host_is_refused(http_server: TestServer,
                                                                   fetcher: Fetcher):
    # 'localhost' is not in the trusted set and resolves to loopback.
    http_server.redirect("/start", f"http://localhost:{http_server.port}/x")
    http_server.route("/x", "secret")
    with pytest.raises(FetchError) as info:
        fetcher.get(http_server.url("/start"),
                    trusted={Origin("127.0.0.1", http_server.port)})
    assert "refused" in info.value.reason
    assert "localhost" in info.value.reason
    assert http_server.count("/start") == 1
    assert http_server.count("/x") == 0


def test_non_http_url_is_refused_for_untrusted_links(fetcher: Fetcher):
    with pytest.raises(FetchError, match="not an http"):
        fetcher.get("file:///etc/passwd", trusted=set())


def test_http_1_0_server_closing_after_body() -> None:
    """Servers that speak HTTP/1.0 close the connection after the body (the demo server does)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = b"<rss version='2.0'><channel><title>x</title></channel></rss>" * 50
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        fetcher = Fetcher()
        for _ in range(3):
            response = fetcher.get(f"http://127.0.0.1:{server.server_address[1]}/feed")
            assert response.body.count(b"<rss") == 50 and len(response.body) == 3000
        fetcher.close()
    finally:
        server.shutdown()
        server.server_close()


def trickling_headers(seconds: float):
    """Sends the status line and headers one byte at a time, 0.2 s apart, for `seconds`: the
    read timeout alone would never fire."""
    return one_shot(b"", b"HTTP/1.1 200 OK\r\nX-Padding: " + b"a" * 10_000, seconds, 0.2)


def test_slow_headers_cannot_outlast_the_deadline():
    listener, thread = trickling_headers(seconds=8.0)
    fetcher = make_fetcher(timeout=1.5)
    started = time.monotonic()
    try:
        with pytest.raises(FetchError, match="deadline of 1.5s exceeded while waiting for the "
                                             "response headers"):
            fetcher.get(f"http://127.0.0.1:{listener.getsockname()[1]}/feed")
    finally:
        fetcher.close()
        listener.close()
    assert time.monotonic() - started < 2.5
    thread.join(timeout=10)


# --------------------------------------------------------------------------- SSRF forms


def test_refusal_reason_is_short_and_names_the_address(fetcher: Fetcher):
    # The reason is stored with the article (articles.page_error): one line a user can act on.
    with pytest.raises(FetchError) as info:
        fetcher.get("http://10.0.0.5/admin", trusted=set())
    assert info.value.reason == "refused: 10.0.0.5 is a private address (link from feed)"
    assert info.value.url == "http://10.0.0.5/admin"


@pytest.mark.parametrize("url", [
    "http://127.0.0.2:8080\\@example.org/",
    "http://169.254.169.254\\@example.org/latest/meta-data/",
    "http://example.org\\@127.0.0.1/",
    "http://127.0.0.1\t.example.org/",
    "http://127.0.0.1\n@example.org/",
    "http://exa mple.org/",
    'http://127.0.0.1"@example.org/',
    "http://127.0.0.1{@example.org/",
])
def test_ambiguous_authority_is_refused(url: str):
    # urllib.parse ends the host part at '/', urllib3 (which connects) also at '\': the first
    # form was checked as example.org and connected to 127.0.0.2.
    with pytest.raises(FetchError) as info:
        check_public(url, trusted={Origin("example.org", 80)})
    assert info.value.reason.startswith("refused: malformed URL (")
    assert "host part" in info.value.reason or "control character" in info.value.reason


def test_backslash_in_host_part_is_named_plainly():
    with pytest.raises(FetchError) as info:
        check_public("http://127.0.0.2:8080\\@example.org/", trusted={Origin("example.org", 80)})
    assert info.value.reason == "refused: malformed URL (a backslash in the host part)"


@pytest.mark.parametrize("url", ["http://example.org/a\\b", "http://example.org/a b",
                                 "http://user:p%40ss@example.org/", "http://пример.рф/новости"])
def test_unusual_but_unambiguous_urls_pass(url: str):
    check_public(url, trusted={Origin("example.org", 80), Origin("xn--e1afmkfd.xn--p1ai", 80)})


def test_backslash_redirect_never_reaches_the_host_before_it(http_server: TestServer,
                                                             fetcher: Fetcher):
    with TestServer() as other:
        http_server.redirect(
            "/start", f"http://127.0.0.1:{other.port}\\@127.0.0.1:{http_server.port}/x")
        with pytest.raises(FetchError) as info:
            fetcher.get(http_server.url("/start"))
        assert info.value.reason == "refused: malformed URL (a backslash in the host part)"
        assert other.requests == []


def test_redirect_of_a_configured_url_to_another_private_origin_is_refused(
        http_server: TestServer, fetcher: Fetcher):
    # The configured URL's origin is the user's; where it redirects to is the network's word.
    with TestServer() as other:
        other.route("/feed.xml", "<rss/>")
        http_server.redirect("/moved.xml", other.url("/feed.xml"))
        with pytest.raises(FetchError) as info:
            fetcher.get(http_server.url("/moved.xml"))
        assert info.value.reason == ("refused: 127.0.0.1 is a loopback address "
                                     "(redirect of a configured URL)")
        assert other.requests == []


def test_link_to_another_port_of_the_feed_host_is_refused(http_server: TestServer,
                                                          fetcher: Fetcher):
    feed_origin = Origin("127.0.0.1", http_server.port)
    with TestServer() as other:
        other.route("/admin", "another service on the feed's host")
        with pytest.raises(FetchError, match="refused: 127.0.0.1 is a loopback address"):
            fetcher.get(other.url("/admin"), trusted={feed_origin})
        assert other.requests == []


@pytest.mark.parametrize(("host", "verdict"), [
    ("[64:ff9b::a00:5]", "64:ff9b::a00:5 is a NAT64 address of 10.0.0.5, a private address"),
    ("[64:ff9b::127.0.0.1]", "64:ff9b::127.0.0.1 is a NAT64 address of 127.0.0.1, a loopback "
                             "address"),
    ("[64:ff9b:1::808:808]", "64:ff9b:1::808:808 is a local-use NAT64 address"),
    ("[2002:c0a8:101::1]", "2002:c0a8:101::1 is a 6to4 address of 192.168.1.1, a private "
                           "address"),
    ("[::10.0.0.5]", "::10.0.0.5 is an IPv4-compatible address of 10.0.0.5, a private address"),
    ("[::ffff:169.254.169.254]", "::ffff:169.254.169.254 is an IPv4-mapped address of "
                                 "169.254.169.254, a link-local address"),
    ("[2001:0:4136:e378:8000:63bf:f5ff:fffa]", "2001:0:4136:e378:8000:63bf:f5ff:fffa is a "
                                              "Teredo client address of 10.0.0.5, a private "
                                              "address"),
    ("[::]", ":: is the unspecified address"),
    ("0.0.0.0", "0.0.0.0 is the unspecified address"),
    ("100.64.0.1", "100.64.0.1 is a shared (carrier-grade NAT) address"),
])
def test_ipv6_forms_carrying_private_ipv4_are_refused(host: str, verdict: str):
    with pytest.raises(FetchError) as info:
        check_public(f"http://{host}/x")
    assert info.value.reason == f"refused: {verdict} (link from feed)"


@pytest.mark.parametrize("host", ["[64:ff9b::8.8.8.8]", "[2002:808:808::1]",
                                  "[::ffff:8.8.8.8]"])
def test_ipv6_forms_carrying_public_ipv4_pass(host: str):
    check_public(f"http://{host}/x")  # IP literals: no DNS, never connected to


def test_proxies_from_the_environment_are_ignored(http_server: TestServer, fetcher: Fetcher,
                                                  monkeypatch: pytest.MonkeyPatch):
    # A proxy connects on our behalf, to an address no check here would ever see.
    with TestServer() as proxy:
        for name in ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
            monkeypatch.setenv(name, proxy.base_url)
        for name in ("NO_PROXY", "no_proxy"):
            monkeypatch.delenv(name, raising=False)
        http_server.route("/x", "direct")
        assert fetcher.get(http_server.url("/x")).body == b"direct"
        assert proxy.requests == []


@pytest.fixture
def tls_localhost(tmp_path):
    """An HTTPS server on 127.0.0.1 with a self-signed certificate for `localhost`; yields
    (port, certificate path, the SNI names it was sent)."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True,
                   timeout=60)
    server_names: list[str | None] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda sock, name, ctx: server_names.append(name)

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Length", "6")
            self.end_headers()
            self.wfile.write(b"tls ok")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield server.server_address[1], cert, server_names
    finally:
        server.shutdown()
        server.server_close()


def test_tls_is_verified_for_the_host_name_not_the_address(tls_localhost):
    # The connection opens the socket to the address it validated; the certificate and SNI
    # must still be those of the name.
    port, cert, server_names = tls_localhost
    fetcher = Fetcher()
    fetcher.session.verify = str(cert)
    try:
        assert fetcher.get(f"https://localhost:{port}/").body == b"tls ok"
        assert server_names[-1] == "localhost"
        with pytest.raises(FetchError, match="connection failed"):
            fetcher.get(f"https://127.0.0.1:{port}/")  # the certificate names localhost only
    finally:
        fetcher.close()


def test_deadlines_run_in_order_of_deadline_on_one_thread_and_skip_cancelled() -> None:
    """One thread serves every request's deadline: a later-registered earlier deadline runs
    first, a cancelled one never runs, and no thread is started per deadline."""
    from monitor.deadlines import Deadlines

    fired: list[str] = []
    done = threading.Event()
    watch = Deadlines()
    before = threading.active_count()
    now = time.monotonic()
    watch.at(now + 0.6, lambda: (fired.append("late"), done.set()))
    cancelled = watch.at(now + 0.3, lambda: fired.append("cancelled"))
    watch.at(now + 0.1, lambda: fired.append("early"))
    for n in range(50):
        watch.cancel(watch.at(now + 10 + n, lambda: fired.append("never")))
    watch.cancel(cancelled)
    assert threading.active_count() <= before + 1
    assert done.wait(10)
    assert fired == ["early", "late"]


def test_many_fetches_start_no_thread_each(http_server: TestServer) -> None:
    """The total deadline of a request is watched by the process's one deadline thread, not a
    timer thread per request (a thread start cost about a millisecond a request)."""
    http_server.route("/page", "<html><body>ok</body></html>",
                      content_type="text/html; charset=utf-8")
    started: list[str] = []
    real = threading.Thread.start

    def counting_start(self: threading.Thread) -> None:
        started.append(self.name)
        real(self)

    fetcher = Fetcher(FetchSettings())
    threading.Thread.start = counting_start  # type: ignore[method-assign]
    try:
        for _ in range(20):
            fetcher.get(http_server.url("/page"))
    finally:
        threading.Thread.start = real  # type: ignore[method-assign]
        fetcher.close()
    ours = [name for name in started if "process_request" not in name]  # not the server's
    assert len(ours) <= 1, started
