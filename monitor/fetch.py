"""HTTP fetching under hard limits.

Nothing from the network is trusted: every request has a connect timeout and a total deadline
(body included, so a server trickling one byte a second cannot hold a poll), redirects are
followed by hand so each hop is counted and checked, and the body is capped after
decompression so a gzip bomb is cut off after `max_bytes`.

Links handed to us by a feed are untrusted too: unless they point at the origin (host and
port) the user configured, they must resolve to public addresses, so a hostile feed cannot make
the monitor request 169.254.169.254 or a router's admin page on the user's network. The check
runs where it cannot be raced: the connection class resolves the name, validates every address
and connects to a validated one, on every hop (a name that answered a public address to an
earlier lookup and a private one now is refused: DNS rebinding). Proxies from the environment
are ignored, since a proxy would connect on our behalf to an address we never see.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import sys
import threading
import time
from collections.abc import Collection, Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from functools import partial
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
import urllib3.connection
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import (
    ConnectTimeoutError,
    LocationParseError,
    NameResolutionError,
    NewConnectionError,
)
from urllib3.util import parse_url
from urllib3.util.connection import allowed_gai_family, create_connection

from . import __version__
from .config import FetchSettings
from .deadlines import deadlines, shutdown_socket
from .errors import FetchError
from .pacing import Pacer

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


@dataclass(frozen=True)
class Origin:
    """Where a request goes: host and port, as the connection pool sees them (host lower-cased,
    IDNA-encoded, without IPv6 brackets or a trailing dot; the scheme's default port made
    explicit). Trust is bound to an origin, not a host, so trusting a feed at host:8080 does not
    open host:22 or host:6379 to the links in it."""

    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin:
        """The origin of an absolute http(s) URL; FetchError for a URL two parsers could read
        differently (see `_authority_problem`)."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError as exc:  # "http://[::1", "http://host:abc/"
            raise FetchError(url, f"refused: malformed URL ({exc})") from None
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(url, "refused: not an http(s) URL "
                                  f"({parts.scheme or 'no scheme'})")
        problem = _authority_problem(url, parts.netloc)
        if problem:
            raise FetchError(url, f"refused: malformed URL ({problem})")
        try:
            host = (parse_url(url).host or "").strip("[]").rstrip(".")
        except LocationParseError as exc:  # e.g. a label over 63 characters
            raise FetchError(url, f"refused: malformed URL ({exc})") from None
        return cls(host, port or (443 if parts.scheme == "https" else 80))


_AUTHORITY = re.compile(r"[A-Za-z0-9\-._~!$&'()*+,;=:@\[\]%]*")
"""RFC 3986 authority characters (unreserved, sub-delims, ':', '@', brackets, '%')."""


def _authority_problem(url: str, netloc: str) -> str | None:
    """Why `url` is ambiguous, or None. urllib.parse ends the host part at '/', '?' or '#' and
    silently drops tabs and newlines; urllib3, which connects, also ends it at a backslash. So
    `http://127.0.0.2:8080\\@feed.example/` was checked as feed.example and connected to
    127.0.0.2. Refusing any character an authority may not contain removes the disagreement
    instead of guessing which reading is right. Non-ASCII letters stay allowed (IDN hosts)."""
    for char in url:
        if ord(char) < 0x20 or ord(char) == 0x7F:
            return f"control character {_describe(char)}"
    for char in netloc:
        if not _AUTHORITY.fullmatch(char) if char.isascii() else not char.isalnum():
            return f"{_describe(char)} in the host part"
    return None


def _describe(char: str) -> str:
    """A character as a user reads it in a stored reason (no doubled escapes)."""
    if char == "\\":
        return "a backslash"
    return f"'{char}'" if char.isprintable() else f"U+{ord(char):04X}"


IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_SHARED = ipaddress.ip_network("100.64.0.0/10")
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


def _kind(address: IPAddress) -> str:
    """What a non-public address is, in the words a user would look up."""
    if address.is_unspecified:
        return "the unspecified address"
    if address.is_loopback:
        return "a loopback address"
    if address.is_link_local:
        return "a link-local address"
    if address.is_multicast:
        return "a multicast address"
    if address.is_private:
        return "a private address"
    if address in _SHARED:
        return "a shared (carrier-grade NAT) address"
    return "not a public address"


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[tuple[str, ipaddress.IPv4Address]]:
    """The IPv4 addresses an IPv6 address carries, with the form that carries them. A NAT64
    gateway, a 6to4 or Teredo relay, or the kernel itself (mapped and compatible forms) turns
    them into IPv4 connections, so `[64:ff9b::7f00:1]` can reach 127.0.0.1 while
    `ipaddress` calls it global."""
    found: list[tuple[str, ipaddress.IPv4Address]] = []
    if address.ipv4_mapped is not None:
        found.append(("an IPv4-mapped", address.ipv4_mapped))
    elif address in _IPV4_COMPATIBLE and int(address) > 1:  # not :: and ::1 themselves
        found.append(("an IPv4-compatible", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    elif address in _NAT64:
        found.append(("a NAT64", ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)))
    elif address.sixtofour is not None:
        found.append(("a 6to4", address.sixtofour))
    elif address.teredo is not None:
        server, client = address.teredo
        found += [("a Teredo server", server), ("a Teredo client", client)]
    return found


def _verdict(address: IPAddress) -> str | None:
    """Why the monitor must not connect to `address` for an untrusted link, or None if it is
    public: e.g. "a loopback address", "a NAT64 address of 10.0.0.5, a private address"."""
    if isinstance(address, ipaddress.IPv6Address):
        if address in _NAT64_LOCAL:  # RFC 8215: local use; the IPv4 part can sit anywhere
            return "a local-use NAT64 address"
        for form, ipv4 in _embedded_ipv4(address):
            if not ipv4.is_global:
                return f"{form} address of {ipv4}, {_kind(ipv4)}"
    if not address.is_global:
        return _kind(address)
    return None


def _literal(host: str) -> IPAddress | None:
    """The address `host` spells in standard notation, or None (names, and the numeric forms
    only the resolver reads, such as 2130706433 or 0x7f.1: they "resolve to" an address)."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None


def _refusal(host: str, addresses: Iterable[str]) -> str | None:
    """The first reason to refuse connecting to `host` at `addresses`, or None when every
    address is public. One private address refuses the name: an attacker's DNS may list a
    public address first and the target second."""
    for text in addresses:
        address = ipaddress.ip_address(text.split("%")[0])
        verdict = _verdict(address)
        if verdict is None:
            continue
        if _literal(host) == address:
            return f"{host} is {verdict}"
        return f"{host} resolves to {text}, {verdict}"
    return None


def check_public(url: str, trusted: Collection[Origin] = (),
                 context: str = "link from feed") -> None:
    """Refuse a URL that is ambiguous, not http(s), or whose host resolves to a loopback,
    private, link-local or otherwise non-public address, unless its origin is one the user
    configured. This early check refuses before any connection is opened or reused; the
    connection classes below check again, on the address they actually connect to."""
    origin = Origin.of(url)
    policy = _Policy(url, float("inf"), frozenset(trusted), context)
    if origin in policy.trusted:
        return
    try:
        infos = socket.getaddrinfo(origin.host, origin.port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(url, f"cannot resolve host {origin.host}: {exc}") from None
    refusal = policy.refusal(origin.host, origin.port, [str(info[4][0]) for info in infos])
    if refusal:
        raise FetchError(url, refusal)


class _Session(requests.Session):
    """A session that never looks at redirects itself; `Fetcher.get` follows them hop by hop.

    Even with `allow_redirects=False`, `requests.Session.send` walks `resolve_redirects` once to
    prepare `Response.next`, and that reads the whole body of every redirect response
    (`resp.content`) with no size cap and no deadline, so a 302 with a gzip bomb or a trickled
    body would bypass every limit here (and a malformed Location raised a bare ValueError)."""

    def get_redirect_target(self, resp: requests.Response) -> str | None:
        return None


@dataclass(frozen=True)
class _Policy:
    """What the request this thread is making may reach, for the connection classes below
    (they are created by urllib3, which knows nothing of our policy)."""

    url: str
    deadline: float
    trusted: frozenset[Origin]
    """Origins the user configured: connected to whatever address they resolve to."""
    context: str
    """Where the URL came from, for the refusal reason ("link from feed")."""

    def refusal(self, host: str, port: int, addresses: Iterable[str]) -> str | None:
        if Origin(host, port) in self.trusted:
            return None
        refusal = _refusal(host, addresses)
        return f"refused: {refusal} ({self.context})" if refusal else None


_OUTSIDE = _Policy("", float("inf"), frozenset(), "request outside Fetcher.get")
"""The session used directly, not through `Fetcher.get`: no deadline, and nothing trusted."""


class _Current(threading.local):
    """The policy of the request this thread is making (urllib3 gives the connection classes
    no way to receive it as an argument)."""

    policy: _Policy = _OUTSIDE


_current = _Current()


@contextmanager
def guarded(url: str, deadline: float, trusted: Collection[Origin],
            context: str) -> Iterator[None]:
    """Requests this thread makes meanwhile, through this module's connection classes, may
    reach only public addresses and `trusted` origins, and wait for response headers no later
    than `deadline` (monotonic). `Fetcher.get` uses it for every hop; senders of their own
    requests (webhooks) use it around theirs."""
    _current.policy = _Policy(url, deadline, frozenset(trusted), context)
    try:
        yield
    finally:
        _current.policy = _OUTSIDE


class _GuardedConnectionMixin:
    """Connects only where the request's policy allows, and bounds the wait for the response
    headers by the request's total deadline.

    `_new_conn` resolves the name once, refuses it if any address is not allowed, and connects
    to the addresses it validated, so no second lookup can answer differently (DNS rebinding).
    TLS still verifies the certificate and sends SNI for the host name: only the socket is
    opened by address.

    The socket read timeout restarts with every byte, so a server sending its headers one byte
    a second would otherwise hold the request indefinitely. The process's `deadlines` shut the
    socket down when the deadline passes; the body has its own per-read bound in
    `Fetcher._read_body`."""

    host: str
    _dns_host: str
    port: int
    timeout: float
    source_address: tuple[str, int] | None
    socket_options: list | None

    def _new_conn(self) -> socket.socket:
        policy = _current.policy
        try:
            infos = socket.getaddrinfo(self._dns_host, self.port, allowed_gai_family(),
                                       socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise NameResolutionError(self.host, self, exc) from exc  # type: ignore[arg-type]
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
        refusal = policy.refusal(self.host, self.port, addresses)
        if refusal:
            raise FetchError(policy.url, refusal)
        error: OSError | None = None
        for address in addresses:
            try:
                sock = create_connection((address, self.port), self.timeout,
                                         source_address=self.source_address,
                                         socket_options=self.socket_options)
            except OSError as exc:
                error = exc
                continue
            sys.audit("http.client.connect", self, self.host, self.port)  # as urllib3 does
            return sock
        if isinstance(error, TimeoutError):
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out. "
                                            f"(connect timeout={self.timeout})") from error
        reason = f"Failed to establish a new connection: {error}"
        raise NewConnectionError(self, reason) from error  # type: ignore[arg-type]

    def getresponse(self):  # type: ignore[no-untyped-def]
        deadline = _current.policy.deadline
        sock = getattr(self, "sock", None)
        if deadline == float("inf") or sock is None:
            return super().getresponse()  # type: ignore[misc]
        key = deadlines.at(deadline, partial(shutdown_socket, sock))
        try:
            return super().getresponse()  # type: ignore[misc]
        finally:
            deadlines.cancel(key)


class _HTTPConnection(_GuardedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _HTTPSConnection(_GuardedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _GuardedPoolMixin:
    """Keep-alive connections are checked again before reuse, against the policy of the request
    about to use them: one opened to a private address for a feed the user configured must not
    carry a link from another feed, which does not trust that origin. Such a connection is
    closed; reconnecting runs the full check in `_new_conn` (and refuses, with the reason)."""

    def _get_conn(self, timeout: float | None = None):  # type: ignore[no-untyped-def]
        conn = super()._get_conn(timeout)  # type: ignore[misc]
        sock = conn.sock
        if sock is not None:
            try:
                peer = str(sock.getpeername()[0])
            except OSError:
                conn.close()
            else:
                if _current.policy.refusal(conn.host, conn.port, [peer]):
                    conn.close()
        return conn


class _HTTPPool(_GuardedPoolMixin, urllib3.HTTPConnectionPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(_GuardedPoolMixin, urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


class Fetcher:
    """One `requests` session for the whole process, with the limits of `FetchSettings`."""

    def __init__(self, settings: FetchSettings | None = None, pacer: Pacer | None = None):
        """`pacer`: the host turns shared by every Fetcher of a poll or daemon, so requests
        from different threads to one host are spaced (see pacing.py); None for one-off
        requests (`check URL`), which go out at once."""
        self.settings = settings or FetchSettings()
        self.pacer = pacer
        self.session: requests.Session = _Session()
        # No HTTP(S)_PROXY, NO_PROXY or .netrc from the environment: a proxy would connect on
        # our behalf to addresses the checks above never see, and .netrc would send the
        # user's passwords to whatever host a feed links to.
        self.session.trust_env = False
        for scheme in ("http://", "https://"):
            self.session.mount(scheme, _Adapter())
        self.session.headers["User-Agent"] = self.user_agent
        self.session.headers["Accept-Encoding"] = "gzip, deflate"
        self.session.max_redirects = self.settings.max_redirects

    @property
    def user_agent(self) -> str:
        """Who we say we are: in every request, and to robots.txt."""
        return self.settings.user_agent or USER_AGENT

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            trusted: Collection[Origin] | None = None, accept: str | None = None,
            host_delay: int | None = None) -> Response:
        """GET with conditional headers. `trusted=None` means the URL came from the user's
        config: its own origin is trusted, and a redirect to any other origin must lead to a
        public address. A collection means the URL came from a feed: it (and every redirect
        hop) must lead to a public address unless its origin is in the collection.

        With a pacer, each hop waits for its host's turn (`host_delay`, else the settings'),
        and the deadline starts once the first hop has it: waiting in line is not the
        server's slowness."""
        started = deadline = 0.0
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        if accept:
            headers["Accept"] = accept
        if trusted is None:
            origins, context = frozenset({Origin.of(url)}), "redirect of a configured URL"
        else:
            origins, context = frozenset(trusted), "link from feed"
        current = url
        for hop in range(self.settings.max_redirects + 1):
            check_public(current, origins, context)
            with self._turn(current, host_delay):
                if hop == 0:
                    started = time.monotonic()
                    deadline = started + self.settings.timeout
                response = self._request(_Policy(current, deadline, origins, context), headers)
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
                                         response.status_code,
                                         retry_after=response.headers.get("Retry-After"))
                    else:
                        body = self._read_body(response, current, deadline)
                    return Response(url=current, status=response.status_code,
                                    headers=response.headers, body=body,
                                    elapsed=time.monotonic() - started)
                finally:
                    response.close()
        raise FetchError(url, f"too many redirects (more than {self.settings.max_redirects})")

    def _turn(self, url: str, host_delay: int | None) -> AbstractContextManager[None]:
        if self.pacer is None:
            return nullcontext()
        delay = self.settings.host_delay if host_delay is None else host_delay
        return self.pacer.turn(Origin.of(url), delay)

    def _request(self, policy: _Policy, headers: dict[str, str]) -> requests.Response:
        url, deadline = policy.url, policy.deadline
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError(url, f"deadline of {self.settings.timeout:g}s exceeded")
        try:
            with guarded(url, deadline, policy.trusted, policy.context):
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
