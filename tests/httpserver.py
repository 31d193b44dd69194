"""A real threaded HTTP/1.1 server for tests (no mocks).

Binds 127.0.0.1 on an ephemeral port and serves configurable routes: plain bodies with
ETag / Last-Modified revalidation, redirects, redirect loops, slow drip-fed bodies, gzip
bombs and oversized bodies. Every request is recorded in ``TestServer.requests``.

    server = TestServer()
    server.route("/feed.xml", "<rss>...</rss>", etag='"v1"')
    requests.get(server.url("/feed.xml"))
    server.close()
"""

from __future__ import annotations

import re
import socket
import socketserver
import struct
import threading
import time
import zlib
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["Request", "TestServer", "gzip_zeros"]

DEFAULT_CONTENT_TYPE = "application/rss+xml; charset=utf-8"
SLOW_MAX_SECONDS = 60.0  # a slow response never keeps a server thread busier than this
_WRITE_CHUNK = 64 * 1024
_IDLE_TIMEOUT = 30.0  # idle keep-alive connections are dropped after this many seconds
_DISCONNECT_ERRORS = (BrokenPipeError, ConnectionError, TimeoutError, OSError)


class _Headers(dict[str, str]):
    """Plain dict of request headers (original casing) with case-insensitive lookups."""

    def _key(self, key: object) -> object:
        if isinstance(key, str) and not dict.__contains__(self, key):
            lower = key.lower()
            for existing in self:
                if existing.lower() == lower:
                    return existing
        return key

    def __getitem__(self, key: str) -> str:
        return dict.__getitem__(self, self._key(key))

    def __contains__(self, key: object) -> bool:
        return dict.__contains__(self, self._key(key))

    def get(self, key: str, default: Any = None) -> Any:  # type: ignore[override]
        return dict.get(self, self._key(key), default)


@dataclass
class Request:
    path: str  # request target as sent, including any query string
    method: str
    headers: dict[str, str] = field(default_factory=dict)  # lookups are case-insensitive
    at: float = field(default_factory=time.monotonic)  # when it arrived (time.monotonic)


# --------------------------------------------------------------------------- gzip bombs

_GZIP_BLOCK = 1 << 20
_gzip_cache: dict[int, bytes] = {}
_gzip_lock = threading.Lock()


def _crc32_zeros(n: int) -> int:
    """CRC-32 of ``n`` zero bytes in O(log n), without touching n bytes.

    ``zlib.crc32(b"\\0" * k, state)`` is an affine map of ``state`` over GF(2); we build the
    map for one byte from 33 evaluations and compose it by repeated squaring.
    """

    def affine_of_one_zero() -> tuple[list[int], int]:
        const = zlib.crc32(b"\0", 0)
        return [zlib.crc32(b"\0", 1 << i) ^ const for i in range(32)], const

    def apply_linear(cols: list[int], v: int) -> int:
        out = 0
        i = 0
        while v:
            if v & 1:
                out ^= cols[i]
            v >>= 1
            i += 1
        return out

    def compose(g: tuple[list[int], int], f: tuple[list[int], int]) -> tuple[list[int], int]:
        # (g o f)(s) = Mg (Mf s ^ cf) ^ cg
        g_cols, g_c = g
        f_cols, f_c = f
        return [apply_linear(g_cols, col) for col in f_cols], apply_linear(g_cols, f_c) ^ g_c

    power = affine_of_one_zero()
    state = 0  # crc32 of the empty string
    while n:
        if n & 1:
            state = apply_linear(power[0], state) ^ power[1]
        n >>= 1
        if n:
            power = compose(power, power)
    return state


def gzip_zeros(size: int) -> bytes:
    """A gzip member that decompresses to ``size`` zero bytes (compressed once, cached).

    Built as a raw deflate stream of identical full-flushed 1 MiB blocks (each compresses
    to the same ~1 KB, so it is computed once and repeated), a final remainder block and
    a gzip trailer with the CRC of the zeros. 1 GiB -> ~1 MB in well under a second.
    """
    if size < 0:
        raise ValueError("size must be >= 0")
    with _gzip_lock:
        cached = _gzip_cache.get(size)
        if cached is not None:
            return cached
        blocks, rem = divmod(size, _GZIP_BLOCK)
        parts = [b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"]  # gzip header, mtime 0, XFL max
        if blocks:
            comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
            block = comp.compress(bytes(_GZIP_BLOCK)) + comp.flush(zlib.Z_FULL_FLUSH)
            parts.append(block * blocks)
        comp = zlib.compressobj(9, zlib.DEFLATED, -15, 9, zlib.Z_RLE)
        parts.append(comp.compress(bytes(rem)) + comp.flush(zlib.Z_FINISH))
        parts.append(struct.pack("<II", _crc32_zeros(size), size & 0xFFFFFFFF))
        data = b"".join(parts)
        _gzip_cache[size] = data
        return data


# --------------------------------------------------------------------------- routes


@dataclass
class _Static:
    body: bytes
    status: int
    content_type: str
    headers: dict[str, str]
    etag: str | None
    last_modified: str | None


@dataclass
class _Redirect:
    to: str
    status: int


@dataclass
class _Slow:
    body: bytes
    delay: float
    chunk: int
    content_length: bool


@dataclass
class _GzipBomb:
    size: int


@dataclass
class _Big:
    size: int
    content_type: str


_Route = _Static | _Redirect | _Slow | _GzipBomb | _Big


def _etag_matches(if_none_match: str, etag: str) -> bool:
    def weak(tag: str) -> str:
        tag = tag.strip()
        return tag[2:] if tag.startswith(("W/", "w/")) else tag

    if if_none_match.strip() == "*":
        return True
    wanted = weak(etag)
    return any(weak(candidate) == wanted for candidate in if_none_match.split(","))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "technopark-monitor-test"
    sys_version = ""
    disable_nagle_algorithm = True  # slow() drips single bytes; do not let Nagle batch them
    timeout = _IDLE_TIMEOUT
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_GET(self) -> None:
        self._dispatch()

    def do_HEAD(self) -> None:
        self._dispatch()

    def do_POST(self) -> None:
        self._drain_body()
        self._dispatch()

    do_PUT = do_POST
    do_DELETE = do_POST
    do_PATCH = do_POST

    def do_OPTIONS(self) -> None:
        self._dispatch()

    # -- helpers -----------------------------------------------------------------------

    def _drain_body(self) -> None:
        length = self.headers.get("Content-Length")
        if length and length.isdigit():
            self.rfile.read(int(length))

    def _write(self, data: bytes) -> bool:
        """Write to the client; False once the client has gone or the server is stopping."""
        if self.server.stopping.is_set():
            return False
        try:
            self.wfile.write(data)
            return True
        except _DISCONNECT_ERRORS:
            self.close_connection = True
            return False

    def _start(self, status: int, headers: dict[str, str], *, close: bool = False) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()

    def _send_all(self, body: bytes) -> None:
        if self.command == "HEAD":
            return
        view = memoryview(body)
        for start in range(0, len(view), _WRITE_CHUNK):
            if not self._write(view[start : start + _WRITE_CHUNK]):
                return

    def _dispatch(self) -> None:
        owner = self.server.owner
        owner._record(Request(self.path, self.command, _Headers(self.headers.items())))
        route = owner._lookup(self.path)
        try:
            if route is None:
                body = b"not found\n"
                self._start(
                    404,
                    {"Content-Type": "text/plain; charset=utf-8", "Content-Length": str(len(body))},
                )
                self._send_all(body)
            elif isinstance(route, _Static):
                self._serve_static(route)
            elif isinstance(route, _Redirect):
                self._serve_redirect(route)
            elif isinstance(route, _Slow):
                self._serve_slow(route)
            elif isinstance(route, _GzipBomb):
                self._serve_gzip_bomb(route)
            else:
                self._serve_big(route)
        except _DISCONNECT_ERRORS:
            self.close_connection = True

    def _serve_static(self, route: _Static) -> None:
        headers = {"Content-Type": route.content_type}
        if route.etag is not None:
            headers["ETag"] = route.etag
        if route.last_modified is not None:
            headers["Last-Modified"] = route.last_modified
        extra_names = {name.lower() for name in route.headers}
        headers = {k: v for k, v in headers.items() if k.lower() not in extra_names}
        headers.update(route.headers)

        # RFC 9110 13.2.2: If-None-Match, when present, decides; else If-Modified-Since.
        inm = self.headers.get("If-None-Match")
        ims = self.headers.get("If-Modified-Since")
        if inm is not None:
            not_modified = route.etag is not None and _etag_matches(inm, route.etag)
        else:
            not_modified = (
                route.last_modified is not None and ims is not None
                and ims.strip() == route.last_modified
            )
        if not_modified and self.command in ("GET", "HEAD"):
            keep = {"etag", "last-modified", "cache-control", "expires", "vary", "date"}
            self._start(304, {k: v for k, v in headers.items() if k.lower() in keep})
            return

        headers["Content-Length"] = str(len(route.body))
        self._start(route.status, headers)
        self._send_all(route.body)

    def _serve_redirect(self, route: _Redirect) -> None:
        self._start(route.status, {"Location": route.to, "Content-Length": "0"})

    def _serve_slow(self, route: _Slow) -> None:
        headers = {"Content-Type": DEFAULT_CONTENT_TYPE}
        if route.content_length:
            headers["Content-Length"] = str(len(route.body))
        self._start(200, headers, close=not route.content_length)
        if self.command == "HEAD":
            return
        deadline = time.monotonic() + SLOW_MAX_SECONDS
        stopping = self.server.stopping
        for start in range(0, len(route.body), route.chunk):
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            if stopping.wait(min(route.delay, remaining)):
                break
            if not self._write(route.body[start : start + route.chunk]):
                return
        else:
            return
        # Gave up before the end: make sure the client does not wait for the missing bytes.
        self.close_connection = True

    def _serve_gzip_bomb(self, route: _GzipBomb) -> None:
        data = gzip_zeros(route.size)
        self._start(
            200,
            {
                "Content-Type": "application/rss+xml",
                "Content-Encoding": "gzip",
                "Content-Length": str(len(data)),
            },
        )
        self._send_all(data)

    def _serve_big(self, route: _Big) -> None:
        self._start(200, {"Content-Type": route.content_type}, close=True)
        if self.command == "HEAD":
            return
        chunk = b"x" * _WRITE_CHUNK
        remaining = route.size
        while remaining > 0:
            piece = chunk if remaining >= len(chunk) else chunk[:remaining]
            if not self._write(piece):
                return
            remaining -= len(piece)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, owner: TestServer) -> None:
        self.owner = owner
        self.stopping = threading.Event()
        self._clients: set[socket.socket] = set()
        self._clients_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # Skip HTTPServer.server_bind's getfqdn() (a reverse DNS lookup that can be slow).
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self._clients_lock:
            if self.stopping.is_set():
                self.shutdown_request(request)
                return
            self._clients.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self._clients_lock:
            self._clients.discard(request)
        super().shutdown_request(request)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # never print tracebacks to stderr

    def drop_clients(self) -> None:
        with self._clients_lock:
            clients = list(self._clients)
        for sock in clients:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class TestServer:
    """Threaded HTTP/1.1 server on 127.0.0.1:<ephemeral port> for real-network tests."""

    __test__ = False  # not a pytest test class

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._routes: dict[str, _Route] = {}
        self._loops: list[str] = []
        self.requests: list[Request] = []
        self._server = _Server(self)
        self.port: int = self._server.server_port
        self.base_url: str = f"http://127.0.0.1:{self.port}"
        self._closed = False
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name=f"TestServer:{self.port}",
            daemon=True,
        )
        self._thread.start()

    # -- configuration -------------------------------------------------------------------

    def url(self, path: str) -> str:
        if not path.startswith("/"):
            path = "/" + path
        return self.base_url + path

    def route(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = DEFAULT_CONTENT_TYPE,
        headers: dict[str, str] | None = None,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> None:
        """Serve ``body`` at ``path``; calling again for the same path replaces the route."""
        data = body.encode("utf-8") if isinstance(body, str) else bytes(body)
        self._set(
            path,
            _Static(data, status, content_type, dict(headers or {}), etag, last_modified),
        )

    def redirect(self, path: str, to: str, status: int = 302) -> None:
        """Answer ``path`` with ``status`` and ``Location: to`` (sent verbatim)."""
        self._set(path, _Redirect(to, status))

    def redirect_loop(self, path: str) -> None:
        """``path`` redirects to ``path + "/x"``, which redirects to ``path + "/x/x"``, ..."""
        with self._lock:
            self._routes.pop(path, None)
            if path not in self._loops:
                self._loops.append(path)

    def slow(
        self,
        path: str,
        body: bytes,
        *,
        delay: float = 1.0,
        chunk: int = 1,
        content_length: bool = True,
    ) -> None:
        """Headers at once, then ``chunk`` bytes every ``delay`` s (at most 60 s in total).

        Without ``content_length`` the body is delimited by closing the connection.
        """
        if chunk < 1:
            raise ValueError("chunk must be >= 1")
        self._set(path, _Slow(bytes(body), float(delay), int(chunk), content_length))

    def gzip_bomb(self, path: str, decompressed_size: int) -> None:
        """``Content-Encoding: gzip`` body that inflates to ``decompressed_size`` zero bytes."""
        gzip_zeros(decompressed_size)  # build (or reuse) now, not inside the request
        self._set(path, _GzipBomb(decompressed_size))

    def big(self, path: str, size: int, *, content_type: str = DEFAULT_CONTENT_TYPE) -> None:
        """``size`` bytes of ``b"x"``, no Content-Length, ``Connection: close``."""
        self._set(path, _Big(size, content_type))

    # -- inspection ----------------------------------------------------------------------

    def count(self, path: str) -> int:
        """Requests for ``path`` (a path without query also counts requests with any query)."""
        with self._lock:
            return sum(
                1 for r in self.requests if r.path == path or r.path.split("?", 1)[0] == path
            )

    def close(self) -> None:
        """Stop serving and drop open connections (even mid-response); idempotent."""
        if self._closed:
            return
        self._closed = True
        self._server.stopping.set()
        self._server.shutdown()
        self._server.drop_clients()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> TestServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals -----------------------------------------------------------------------

    def _set(self, path: str, route: _Route) -> None:
        with self._lock:
            self._routes[path] = route
            if path in self._loops:
                self._loops.remove(path)

    def _record(self, request: Request) -> None:
        with self._lock:
            self.requests.append(request)

    def _lookup(self, target: str) -> _Route | None:
        path = target.split("?", 1)[0]
        with self._lock:
            route = self._routes.get(target) or self._routes.get(path)
            if route is not None:
                return route
            for base in self._loops:
                if path == base or re.fullmatch(re.escape(base.rstrip("/")) + r"(/x)+", path):
                    return _Redirect(path.rstrip("/") + "/x", 302)
        return None
