"""HTTP fetching under hard limits.

Nothing from the network is trusted: every request has a connect timeout and a total deadline
(body included, so a server trickling one byte a second cannot hold a poll), redirects are
followed by hand so each hop is counted and checked, and the body is capped after
decompression so a gzip bomb is cut off after `max_bytes`.

Links handed to us by a feed are untrusted too: unless they point at the host the user
configured, they must resolve to public addresses, so a hostile feed cannot make the monitor
request 169.254.169.254 or a router's admin page on the user's network.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from . import __version__
from .config import FetchSettings
from .errors import FetchError

PROJECT_URL = "https://github.com/technopark-monitor/technopark-monitor"
USER_AGENT = f"technopark-monitor/{__version__} (+{PROJECT_URL})"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_CHUNK = 64 * 1024


@dataclass(frozen=True)
class Response:
    url: str
    """The final URL, after redirects."""
    status: int
    headers: CaseInsensitiveDict = field(repr=False)
    body: bytes = field(repr=False)
    elapsed: float

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def content_type(self) -> str | None:
        return self.headers.get("Content-Type")


def check_public(url: str, trusted_hosts: Collection[str] = ()) -> None:
    """Refuse a URL whose host resolves to a loopback, private, link-local or otherwise
    non-global address, unless the host is one the user configured themselves."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        port = parts.port
    except ValueError as exc:  # "http://[::1", "http://host:abc/"
        raise FetchError(url, f"refused: malformed URL ({exc})") from None
    if parts.scheme not in ("http", "https") or not host:
        raise FetchError(url, f"refused: not an http(s) URL ({parts.scheme or 'no scheme'})")
    if host in trusted_hosts:
        return
    try:
        infos = socket.getaddrinfo(host, port or 443, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {host}: {exc}") from None
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise FetchError(url, f"refused: {host} resolves to non-public address {address}")


class _Session(requests.Session):
    """A session that never looks at redirects itself; `Fetcher.get` follows them hop by hop.

    Even with `allow_redirects=False`, `requests.Session.send` walks `resolve_redirects` once to
    prepare `Response.next`, and that reads the whole body of every redirect response
    (`resp.content`) with no size cap and no deadline, so a 302 with a gzip bomb or a trickled
    body would bypass every limit here (and a malformed Location raised a bare ValueError)."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


_deadline = threading.local()
"""The deadline of the request this thread is making, for the connection classes below."""


def _shutdown(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked recv; close() would not
    except OSError:
        pass


class _DeadlineMixin:
    """Bounds the wait for the status line and headers by the request's total deadline.

    The socket read timeout restarts with every byte, so a server sending its headers one byte
    a second would otherwise hold the request indefinitely. A timer shuts the socket down when
    the deadline passes; the body has its own per-read bound in `Fetcher._read_body`."""

    def getresponse(self):  # type: ignore[no-untyped-def]
        deadline = getattr(_deadline, "value", None)
        sock = getattr(self, "sock", None)
        if deadline is None or sock is None:
            return super().getresponse()  # type: ignore[misc]
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), _shutdown, (sock,))
        timer.daemon = True
        timer.start()
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            timer.cancel()


class _HTTPConnection(_DeadlineMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_DeadlineMixin, urllib3.connection.HTTPSConnection):
    pass


class _HTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class Fetcher:
    """One `requests` session for the whole process, with the limits of `FetchSettings`."""

    def __init__(self, settings: FetchSettings | None = None):
        self.settings = settings or FetchSettings()
        self.session: requests.Session = _Session()
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, _Adapter())
        self.session.headers["User-Agent"] = self.settings.user_agent or USER_AGENT
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self.session.max_redirects = self.settings.max_redirects

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            trusted_hosts: Collection[str] | None = None, accept: str | None = None) -> Response:
        """GET with conditional headers. `trusted_hosts=None` means the URL came from the user's
        config and is trusted; a collection means the URL (and every redirect hop) came from the
        network and must be public unless its host is in the collection."""
        started = time.monotonic()
        deadline = started + self.settings.timeout
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        current = url
        for _hop in range(self.settings.max_redirects + 1):
            if trusted_hosts is not None:
                check_public(current, trusted_hosts)
            response = self._request(current, headers, deadline)
            try:
                location = response.headers.get("Location")
                if response.status_code in REDIRECT_STATUSES and location:
                    try:
                        current = urljoin(current, location.strip())
                        scheme = urlsplit(current).scheme
                    except ValueError:  # a hostile Location such as "http://[oops"
                        raise FetchError(url, f"refused: malformed redirect {location!r}") \
                            from None
                    if scheme not in ("http", "https"):
                        raise FetchError(url, f"refused: redirect to non-http URL {current!r}")
                    continue
                if response.status_code == 304:
                    body = b""
                elif response.status_code >= 400:
                    raise FetchError(current, f"HTTP {response.status_code}",
                                     response.status_code)
                else:
                    body = self._read_body(response, current, deadline)
                return Response(url=current, status=response.status_code,
                                headers=response.headers, body=body,
                                elapsed=time.monotonic() - started)
            finally:
                response.close()
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")

    def _request(self, url: str, headers: dict[str, str], deadline: float) -> requests.Response:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded")
        _deadline.value = deadline
        try:
            return self.session.get(
                url, headers=headers, stream=True, allow_redirects=False,
                timeout=(min(self.settings.connect_timeout, remaining), remaining))
        except requests.exceptions.ConnectTimeout:
            raise FetchError(url, "connect timeout") from None
        except requests.exceptions.Timeout:
            raise FetchError(url, f"timed out (deadline {self.settings.timeout:g}s)") from None
        except requests.exceptions.RequestException as exc:
            if time.monotonic() >= deadline:
                raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded "
                                      "while waiting for the response headers") from None
            raise FetchError(url, f"connection failed: {_short(exc)}") from None
        finally:
            _deadline.value = None

    def _read_body(self, response: requests.Response, url: str, deadline: float) -> bytes:
        cap = self.settings.max_bytes
        declared = response.headers.get("Content-Length", "")
        compressed = "Content-Encoding" in response.headers
        if declared.isdigit() and int(declared) > cap and not compressed:
            raise FetchError(url, f"body too large ({declared} bytes > {cap})")
        raw = response.raw
        sock = _socket_of(raw)
        chunks: list[bytes] = []
        size = 0
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded "
                                          f"while reading the body ({size} bytes read)")
                if sock is not None and sock.fileno() != -1:
                    # The read timeout otherwise restarts with every byte received. (An HTTP/1.0
                    # server's socket is closed by urllib3 once the body is in: fileno -1.)
                    sock.settimeout(remaining)
                chunk = raw.read1(_CHUNK, decode_content=True)
                if not chunk:
                    break
                size += len(chunk)
                if size > cap:
                    raise FetchError(url, f"body too large (more than {cap} bytes "
                                          "after decompression)")
                chunks.append(chunk)
        except FetchError:
            raise  # our own deadline / size errors, not a broken body
        except TimeoutError:
            raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded while "
                                  f"reading the body ({size} bytes read)") from None
        except requests.exceptions.RequestException as exc:
            raise FetchError(url, f"connection failed while reading: {_short(exc)}") from None
        except Exception as exc:  # urllib3 wraps socket and zlib errors in its own types
            if "timed out" in str(exc).lower():
                raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded while "
                                      f"reading the body ({size} bytes read)") from None
            raise FetchError(url, f"broken body: {_short(exc)}") from None
        return b"".join(chunks)


_ERRNO = re.compile(r"\[Errno -?\d+\] ([^'\")\]]+)")


def _socket_of(raw: object) -> socket.socket | None:
    """The socket under a streamed urllib3 response, so each read can be bounded by the deadline.

    For a body delimited by closing the connection (no Content-Length, `Connection: close`)
    http.client detaches the socket from the connection before the body is read, so
    `raw.connection.sock` is None; the socket is still reachable through the response's file."""
    sock = getattr(getattr(raw, "connection", None), "sock", None)
    if sock is None:
        fp = getattr(getattr(raw, "_fp", None), "fp", None)  # http.client response -> file
        sock = getattr(getattr(fp, "raw", None), "_sock", None)  # BufferedReader -> SocketIO
    return sock if isinstance(sock, socket.socket) else None


def _short(exc: BaseException) -> str:
    """The operating system's reason when there is one ('Connection refused'), not urllib3's
    three nested exception reprs."""
    text = str(exc) or type(exc).__name__
    errno_reason = _ERRNO.search(text)
    if errno_reason:
        return errno_reason.group(1).strip().lower()
    return text if len(text) <= 200 else text[:197] + "..."
