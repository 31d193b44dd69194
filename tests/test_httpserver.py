"""Quick checks of the test HTTP server itself (tests/httpserver.py)."""

import gzip
import threading
import time
import zlib

import pytest
import requests

from httpserver import TestServer, gzip_zeros


def test_route_etag_and_last_modified_revalidation(http_server):
    lm = "Wed, 21 Oct 2015 07:28:00 GMT"
    http_server.route("/feed.xml", "<rss>привет</rss>", etag='"v1"', last_modified=lm)
    url = http_server.url("/feed.xml")

    r = requests.get(url, timeout=5)
    assert r.status_code == 200
    assert r.content == "<rss>привет</rss>".encode()
    assert r.headers["ETag"] == '"v1"'
    assert r.headers["Last-Modified"] == lm
    assert r.headers["Content-Type"] == "application/rss+xml; charset=utf-8"

    r = requests.get(url, headers={"If-None-Match": '"v1"'}, timeout=5)
    assert r.status_code == 304 and r.content == b""
    assert r.headers["ETag"] == '"v1"'
    r = requests.get(url, headers={"If-Modified-Since": lm}, timeout=5)
    assert r.status_code == 304 and r.content == b""
    r = requests.get(url, headers={"If-None-Match": '"old"'}, timeout=5)
    assert r.status_code == 200

    # Re-routing replaces the feed; the old validator no longer matches.
    http_server.route("/feed.xml", b"<rss>v2</rss>", etag='"v2"', headers={"X-Extra": "1"})
    r = requests.get(url, headers={"If-None-Match": '"v1"'}, timeout=5)
    assert r.status_code == 200 and r.content == b"<rss>v2</rss>"
    assert r.headers["X-Extra"] == "1"


def test_status_query_fallback_and_404(http_server):
    http_server.route("/a", "generic")
    http_server.route("/a?page=2", "page two")
    http_server.route("/gone", "bye", status=410, content_type="text/plain")
    assert requests.get(http_server.url("/a?utm=x"), timeout=5).text == "generic"
    assert requests.get(http_server.url("/a?page=2"), timeout=5).text == "page two"
    r = requests.get(http_server.url("/gone"), timeout=5)
    assert (r.status_code, r.text, r.headers["Content-Type"]) == (410, "bye", "text/plain")
    assert requests.get(http_server.url("/nope"), timeout=5).status_code == 404


def test_redirects_and_loop(http_server):
    http_server.route("/final", "done")
    http_server.redirect("/rel", "/final")
    http_server.redirect("/abs", http_server.url("/rel"), status=301)
    r = requests.get(http_server.url("/abs"), timeout=5)
    assert r.text == "done" and r.url == http_server.url("/final")
    assert [h.status_code for h in r.history] == [301, 302]

    http_server.redirect_loop("/loop")
    with requests.Session() as s:
        s.max_redirects = 5
        with pytest.raises(requests.TooManyRedirects):
            s.get(http_server.url("/loop"), timeout=5)
    assert http_server.count("/loop") == 1
    assert http_server.count("/loop/x/x/x") == 1
    r = requests.get(http_server.url("/loop/x"), allow_redirects=False, timeout=5)
    assert r.status_code == 302 and r.headers["Location"] == "/loop/x/x"


def test_count_and_recorded_requests(http_server):
    http_server.route("/c", "x")
    for query in ("", "?a=1", "?a=2"):
        requests.get(http_server.url("/c" + query), headers={"User-Agent": "ua/1"}, timeout=5)
    requests.head(http_server.url("/c"), timeout=5)
    assert http_server.count("/c") == 4
    assert http_server.count("/c?a=1") == 1
    assert http_server.count("/other") == 0
    assert [r.method for r in http_server.requests] == ["GET", "GET", "GET", "HEAD"]
    assert http_server.requests[1].path == "/c?a=1"
    assert http_server.requests[0].headers["user-agent"] == "ua/1"
    assert http_server.requests[0].headers.get("USER-AGENT") == "ua/1"


def test_gzip_bomb_headers_and_prefix(http_server):
    size = 1 << 30  # 1 GiB of zeros
    http_server.gzip_bomb("/bomb.xml", size)
    with requests.get(http_server.url("/bomb.xml"), stream=True, timeout=5) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert r.headers["Content-Type"] == "application/rss+xml"
        compressed_len = int(r.headers["Content-Length"])
        assert compressed_len < 2 * 1024 * 1024
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = b""
        while len(out) < 64 * 1024:
            raw = r.raw.read(4096, decode_content=False)
            assert raw
            out += decomp.decompress(raw, 64 * 1024 - len(out))
    assert out == bytes(64 * 1024)


def test_gzip_zeros_is_valid_gzip():
    for size in (0, 1, (3 << 20) + 12345):
        assert gzip.decompress(gzip_zeros(size)) == bytes(size)  # checks CRC and ISIZE


def test_big_has_no_content_length(http_server):
    http_server.big("/big", 300_000)
    r = requests.get(http_server.url("/big"), timeout=5)
    assert "Content-Length" not in r.headers
    assert r.headers["Connection"] == "close"
    assert len(r.content) == 300_000


@pytest.mark.parametrize("content_length", [True, False])
def test_slow_sends_bytes_gradually(http_server, content_length):
    http_server.slow("/slow", b"abcdef", delay=0.05, chunk=2, content_length=content_length)
    start = time.monotonic()
    with requests.get(http_server.url("/slow"), stream=True, timeout=5) as r:
        headers_at = time.monotonic() - start
        arrivals = []
        got = b""
        while True:
            piece = r.raw.read(1)
            if not piece:
                break
            got += piece
            arrivals.append(time.monotonic() - start)
    assert got == b"abcdef"
    assert ("Content-Length" in r.headers) is content_length
    assert headers_at < 0.05
    # 3 chunks, one per delay: the last byte cannot arrive before ~3 delays.
    assert arrivals[-1] >= 0.14
    assert arrivals[-1] - arrivals[0] >= 0.09


def test_close_interrupts_slow_response():
    server = TestServer()
    server.slow("/slow", b"x" * 1000, delay=1.0)
    errors: list[BaseException] = []

    def client() -> None:
        try:
            with requests.get(server.url("/slow"), stream=True, timeout=5) as r:
                r.raw.read()
        except BaseException as exc:  # noqa: BLE001 - the disconnect is expected
            errors.append(exc)

    t = threading.Thread(target=client, daemon=True)
    t.start()
    while server.count("/slow") == 0:
        time.sleep(0.01)
    start = time.monotonic()
    server.close()
    t.join(timeout=2)
    assert time.monotonic() - start < 1.0
    assert not t.is_alive()
    server.close()  # idempotent
