"""Alert delivery by webhook: one signed JSON POST per alert, following Standard Webhooks.

Why Standard Webhooks (https://www.standardwebhooks.com): receivers can check the signature
with an off-the-shelf library in any language instead of code written for this project. Each
POST carries

    webhook-id         the alert's id, the same on every attempt, so a receiver drops repeats
    webhook-timestamp  seconds since the epoch, so a receiver refuses replays of old requests
    webhook-signature  "v1,<base64 HMAC-SHA256>" over "<id>.<timestamp>.<body>", keyed with
                       the target's `whsec_` secret (only when the target has one)

The body is UTF-8 JSON. Its shape:

    {
      "type": "alert.article",          # or "alert.digest" (several articles), "source.health"
      "id": "msg_3f2a...",               # same as webhook-id
      "alert": "big-investments",        # the alert rule's name ("source-health" for health)
      "created": "2025-03-14T09:26:53Z",
      "articles": [                      # empty for "source.health"
        {"id": 17, "url": "https://...", "title": "...", "source": "rbc",
         "language": "ru", "published": "2025-03-14T08:00:00Z",
         "hits": [{"kind": "figure", "organisation": "skolkovo",
                   "organisation_name": "Сколково", "metric": "investment",
                   "metric_name": "Инвестиции", "value": 1500000000.0, "unit": "RUB",
                   "qualifier": null, "year": 2024, "matched": "1,5 млрд рублей",
                   "snippet": "..."}],
         "hits_total": 1,                # all the article's hits; "hits" lists the first 50
         "also_in": ["yakutia-news"]}    # other sources that carried the same story
      ],
      "health": null                     # or {"source": "rbc", "state": "failing" | "stale"
                                         #     | "recovered", "detail": "HTTP 503"}
    }

Text (titles, snippets) is sent as it is, not HTML-escaped: a receiver gets the true text and
escapes it for wherever it shows it. JSON encoding already makes every character safe inside
the body: quotes, backslashes and control characters such as CR/LF are escaped, so nothing in
an article can end the string or add an HTTP header.

Why the response is classified the way it is: a 2xx acknowledges the alert. Redirects are not
followed: a 301/302 turns a POST into a GET, and a signed alert silently sent to another host is
worse than an error the user fixes once by configuring the final URL. 408, 429, 5xx and network
failures are the receiver's passing trouble and are retried (no sooner than its Retry-After);
any other 4xx (410 Gone included) means the request itself is refused, and sending it again
would only be refused again. Only the first 64 KiB of an error response are read, for the
excerpt in the reason: the receiver's answer is not trusted to be small. Nor is it trusted to
be quick: the whole POST, connect to last byte, has one deadline (the target's `timeout`, else
`delivery.webhook_timeout`), enforced by the sender's watchdog on every socket opened here.

`hits` lists at most 50 hits per article (message.MAX_HITS); `hits_total` says how many the
article has, and its `url` leads to the rest.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from .. import fetch
from ..config import Target, redact_url
from ..errors import DeliveryError, FetchError
from ..fetch import USER_AGENT
from .message import AlertArticle, AlertHit, AlertMessage
from .watchdog import track

SECRET_PREFIX = "whsec_"
CONNECT_TIMEOUT = 10.0
MAX_RESPONSE_BYTES = 64 * 1024
MAX_RETRY_AFTER = 24 * 3600.0
EXCERPT_CHARS = 200
_TYPES = {"article": "alert.article", "digest": "alert.digest", "health": "source.health"}


def payload(message: AlertMessage) -> dict[str, Any]:
    """The JSON document for `message` (shape in the module docstring)."""
    try:
        kind = _TYPES[message.kind]
    except KeyError:
        raise ValueError(f"unknown alert kind {message.kind!r}") from None
    health = message.health
    return {
        "type": kind,
        "id": message.id,
        "alert": message.alert,
        "created": message.created,
        "articles": [_article(article) for article in message.articles],
        "health": None if health is None else {
            "source": health.source, "state": health.state, "detail": health.detail},
    }


def _article(article: AlertArticle) -> dict[str, Any]:
    return {
        "id": article.id,
        "url": article.url,
        "title": article.title,
        "source": article.source,
        "language": article.language,
        "published": article.published,
        "hits": [_hit(hit) for hit in article.hits],
        "hits_total": article.total_hits,
        "also_in": list(article.also_in),
    }


def _hit(hit: AlertHit) -> dict[str, Any]:
    return {
        "kind": hit.kind,
        "organisation": hit.organisation,
        "organisation_name": hit.organisation_name,
        "metric": hit.metric,
        "metric_name": hit.metric_name,
        "value": hit.value,
        "unit": hit.unit,
        "qualifier": hit.qualifier,
        "year": hit.year,
        "matched": hit.matched,
        "snippet": hit.snippet,
    }


def body(message: AlertMessage) -> bytes:
    """The exact bytes that are signed and sent: compact UTF-8 JSON."""
    return json.dumps(payload(message), ensure_ascii=False, separators=(",", ":")).encode()


def sign(secret: str, msg_id: str, timestamp: int, body: bytes) -> str:
    """The `webhook-signature` value for one request: "v1," + base64(HMAC-SHA256)."""
    key = base64.b64decode(secret.removeprefix(SECRET_PREFIX))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class _Watched:
    """A connection whose socket is under the sending thread's watchdog (see watchdog.py), from
    the TCP connect on, so the TLS handshake and every read are cut at the send's deadline; a
    pooled connection is put under the guard of each request it carries."""

    def _new_conn(self):  # type: ignore[no-untyped-def]
        sock = super()._new_conn()  # type: ignore[misc]
        track(sock)
        return sock

    def request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if getattr(self, "sock", None) is not None:
            track(self.sock)  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _HTTPConnection(_Watched, fetch._HTTPConnection):
    pass


class _HTTPSConnection(_Watched, fetch._HTTPSConnection):
    pass


class _HTTPPool(fetch._HTTPPool):
    ConnectionCls = _HTTPConnection


class _HTTPSPool(fetch._HTTPSPool):
    ConnectionCls = _HTTPSConnection


class _Adapter(fetch._Adapter):
    def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}


def session() -> requests.Session:
    """A session for webhooks: fetch's connection classes (the headers wait is bounded by the
    request's deadline), with every socket under the sender's watchdog."""
    made = requests.Session()
    for scheme in ("http://", "https://"):
        made.mount(scheme, _Adapter())
    return made


def deliver(message: AlertMessage, target: Target, session: requests.Session,
            timeout: float = 30.0) -> None:
    """POST `message` to the target's webhook within `timeout` seconds in all (use a session
    from `session()`, under a `Watchdog.guard`). Returns on a 2xx; raises DeliveryError
    otherwise, `permanent` when sending it again cannot help. The reason never holds the URL,
    which often carries a secret token."""
    url = target.webhook
    if url is None:
        raise ValueError(f"not a webhook target: {target.name}")
    data = body(message)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "webhook-id": message.id,
        "webhook-timestamp": str(timestamp),
    }
    if target.secret is not None:
        headers["webhook-signature"] = sign(target.secret, message.id, timestamp, data)
    try:
        origin = fetch.Origin.of(url)
    except FetchError as exc:
        raise DeliveryError(_scrub(exc.reason, url), permanent=True) from None
    try:
        # The user configured this URL: its own origin is trusted, private or not.
        with fetch.guarded(url, time.monotonic() + timeout, {origin}, "webhook target"):
            response = session.post(url, data=data, headers=headers, allow_redirects=False,
                                    stream=True, timeout=(min(CONNECT_TIMEOUT, timeout), timeout))
    except requests.exceptions.RequestException as exc:
        raise DeliveryError(_scrub(_network_reason(exc), url), permanent=False) from None
    with response:
        _check(response)


def _scrub(reason: str, url: str) -> str:
    """`reason` without the URL or its path and query (requests' messages quote them)."""
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    reason = reason.replace(url, redact_url(url))
    return reason.replace(target, "/…") if len(target) > 1 else reason


def _check(response: requests.Response) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if 300 <= status < 400:
        # The Location usually repeats the secret path (http -> https): shown redacted.
        location = response.headers.get("Location")
        where = redact_url(_one_line(location)) if location else "(no Location header)"
        raise DeliveryError(f"HTTP {status} redirect to {where}: configure the final URL",
                            permanent=True)
    excerpt = _excerpt(response)
    reason = f"HTTP {status}: {excerpt}" if excerpt else f"HTTP {status}"
    if status in (408, 429) or status >= 500:
        raise DeliveryError(reason, permanent=False,
                            retry_after=_retry_after(response.headers.get("Retry-After")))
    raise DeliveryError(reason, permanent=True)


def _excerpt(response: requests.Response) -> str:
    """The start of the response body; empty if it cannot be read."""
    try:
        data = response.raw.read(MAX_RESPONSE_BYTES, decode_content=True)
    except Exception:  # the status has decided already; the body is only a courtesy
        return ""
    return _one_line(data.decode("utf-8", errors="replace"))


def _one_line(text: str) -> str:
    """Text from the receiver made fit for a log line: no control characters, at most 200."""
    printable = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(printable.split())[:EXCERPT_CHARS]


def _retry_after(value: str | None) -> float | None:
    """Seconds from Retry-After (delta-seconds or HTTP-date), at most a day; None if unusable."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]+", value):
        seconds = float(value)
    else:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:  # "-0000": UTC by RFC 5322
            when = when.replace(tzinfo=UTC)
        seconds = max(0.0, when.timestamp() - time.time())
    return min(seconds, MAX_RETRY_AFTER)


def _network_reason(exc: requests.exceptions.RequestException) -> str:
    """A short, stable reason: "timed out", "connection refused", or the OS's wording."""
    if isinstance(exc, requests.exceptions.Timeout):
        return "timed out"
    causes = _causes(exc)
    if any(isinstance(cause, ConnectionRefusedError) for cause in causes):
        return "connection refused"
    for cause in causes:
        if isinstance(cause, OSError) and cause.strerror:
            return f"connection failed: {cause.strerror.lower()}"
    return f"request failed: {_one_line(str(exc) or type(exc).__name__)}"


def _causes(exc: BaseException) -> list[BaseException]:
    """`exc` and everything it wraps (requests and urllib3 nest three deep)."""
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        reason = getattr(current, "reason", None)  # urllib3's MaxRetryError
        current = (reason if isinstance(reason, BaseException)
                   else current.__cause__ or current.__context__)
    return seen
