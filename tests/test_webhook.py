"""Webhook delivery against a real HTTP receiver on 127.0.0.1, checked with the reference
`standardwebhooks` library, as a user's receiver would check it."""

from __future__ import annotations

import base64
import json
import os
import socket
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from monitor.alert.message import AlertArticle, AlertHit, AlertMessage, HealthEvent
from monitor.alert.webhook import body, deliver, payload, sign
from monitor.config import Target, redact_url
from monitor.errors import DeliveryError
from monitor.fetch import USER_AGENT

# --------------------------------------------------------------------------- receiver


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    delay: float = 0.0


@dataclass
class Received:
    method: str
    headers: list[tuple[str, str]]
    """As sent, in order, repeats kept."""
    body: bytes

    def header(self, name: str) -> str | None:
        values = [v for k, v in self.headers if k.lower() == name.lower()]
        assert len(values) <= 1, f"{name} sent {len(values)} times"
        return values[0] if values else None


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 10
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass

    def do_POST(self) -> None:
        data = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        receiver = self.server.receiver
        reply = receiver.record(Received(self.command, list(self.headers.items()), data))
        if reply.delay and receiver.stopping.wait(reply.delay):
            return
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_POST  # recorded too, so a followed redirect would show


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, receiver: Receiver) -> None:
        self.receiver = receiver
        super().__init__(("127.0.0.1", 0), _Handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client that gave up (the timeout test) is expected


class Receiver:
    """Records every POST and answers from a queue of replies (200, empty, when it runs out)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.stopping = threading.Event()
        self._replies: deque[Reply] = deque()
        self._lock = threading.Lock()
        self._server = _Server(self)
        self.url = f"http://127.0.0.1:{self._server.server_port}/hook"
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.01}, daemon=True)
        self._thread.start()

    def reply(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def record(self, received: Received) -> Reply:
        with self._lock:
            self.received.append(received)
            return self._replies.popleft() if self._replies else Reply()

    def close(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    server = Receiver()
    yield server
    server.close()


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        s.trust_env = False  # no proxy from the environment between us and 127.0.0.1
        yield s


# --------------------------------------------------------------------------- messages

SECRET = "whsec_" + base64.b64encode(b"technopark-monitor test key 0123").decode()


def _message(title: str = "Сколково привлёк 1,5 млрд рублей", snippet: str | None = None,
             msg_id: str = "msg_5b0c7e2a9f3d4e1a8c6b2d0f1e3a5c7b") -> AlertMessage:
    hit = AlertHit(
        kind="figure", organisation="skolkovo", organisation_name="Фонд «Сколково»",
        metric="investment", metric_name="Инвестиции", value=1.5e9, unit="RUB",
        qualifier=None, year=2024, matched="1,5 млрд рублей",
        snippet=snippet if snippet is not None
        else "В 2024 году резиденты «Сколково» привлекли 1,5 млрд рублей инвестиций.")
    article = AlertArticle(
        id=17, url="https://example.ru/news/17", title=title, source="example-ru",
        language="ru", published="2025-03-14T08:00:00Z", hits=(hit,))
    return AlertMessage(id=msg_id, alert="big-investments", kind="article",
                        created="2025-03-14T09:26:53Z", articles=(article,))


def _target(receiver: Receiver, secret: str | None = SECRET) -> Target:
    return Target(webhook=receiver.url, secret=secret)


def _fail(receiver: Receiver, session: requests.Session, *replies: Reply,
          timeout: float = 5.0) -> DeliveryError:
    receiver.reply(*replies)
    with pytest.raises(DeliveryError) as info:
        deliver(_message(), _target(receiver), session, timeout=timeout)
    return info.value


# --------------------------------------------------------------------------- success


def test_delivery_is_signed_json_that_standard_webhooks_verifies(receiver, session):
    message = _message()
    before = time.time()
    deliver(message, _target(receiver), session)

    [got] = receiver.received
    headers = dict(got.headers)
    assert got.method == "POST"
    assert got.header("Content-Type") == "application/json"
    assert got.header("User-Agent") == USER_AGENT
    assert got.header("webhook-id") == message.id
    assert before - 1 <= int(got.header("webhook-timestamp")) <= time.time() + 1
    assert got.header("webhook-signature").startswith("v1,")

    document = Webhook(SECRET).verify(got.body, headers)
    assert document == json.loads(got.body) == payload(message)
    assert document == {
        "type": "alert.article",
        "id": message.id,
        "alert": "big-investments",
        "created": "2025-03-14T09:26:53Z",
        "articles": [{
            "id": 17, "url": "https://example.ru/news/17",
            "title": "Сколково привлёк 1,5 млрд рублей", "source": "example-ru",
            "language": "ru", "published": "2025-03-14T08:00:00Z",
            "hits": [{
                "kind": "figure", "organisation": "skolkovo",
                "organisation_name": "Фонд «Сколково»", "metric": "investment",
                "metric_name": "Инвестиции", "value": 1.5e9, "unit": "RUB",
                "qualifier": None, "year": 2024, "matched": "1,5 млрд рублей",
                "snippet": "В 2024 году резиденты «Сколково» привлекли 1,5 млрд рублей "
                           "инвестиций.",
            }],
            "hits_total": 1,
            "also_in": [],
        }],
        "health": None,
    }
    assert "Сколково".encode() in got.body  # UTF-8 as is, not \\u escapes

    with pytest.raises(WebhookVerificationError):
        Webhook(SECRET).verify(got.body.replace(b"1,5", b"9,5"), headers)
    wrong = "whsec_" + base64.b64encode(os.urandom(32)).decode()
    with pytest.raises(WebhookVerificationError):
        Webhook(wrong).verify(got.body, headers)


def test_sign_matches_the_reference_implementation():
    data = body(_message())
    expected = Webhook(SECRET).sign("msg_1", datetime.fromtimestamp(1700000000, UTC),
                                    data.decode())
    assert sign(SECRET, "msg_1", 1700000000, data) == expected


def test_no_secret_no_signature(receiver, session):
    deliver(_message(), _target(receiver, secret=None), session)
    [got] = receiver.received
    assert got.header("webhook-signature") is None
    assert got.header("webhook-id") == _message().id


def test_every_attempt_carries_the_same_webhook_id(receiver, session):
    message = _message()
    receiver.reply(Reply(503))
    with pytest.raises(DeliveryError):
        deliver(message, _target(receiver), session)
    deliver(message, _target(receiver), session)
    assert [r.header("webhook-id") for r in receiver.received] == [message.id, message.id]
    for got in receiver.received:
        Webhook(SECRET).verify(got.body, dict(got.headers))


def test_digest_and_health_payloads():
    digest = AlertMessage(id="msg_d", alert="weekly", kind="digest", created="2025-03-14",
                          articles=_message().articles * 2)
    assert payload(digest)["type"] == "alert.digest"
    assert len(payload(digest)["articles"]) == 2

    health = AlertMessage(id="msg_h", alert="source-health", kind="health", created="2025-03-14",
                          health=HealthEvent(source="rbc", state="failing", detail="HTTP 503"))
    assert payload(health) == {
        "type": "source.health", "id": "msg_h", "alert": "source-health",
        "created": "2025-03-14", "articles": [],
        "health": {"source": "rbc", "state": "failing", "detail": "HTTP 503"},
    }

    with pytest.raises(ValueError, match="unknown alert kind 'bogus'"):
        payload(AlertMessage(id="x", alert="a", kind="bogus", created="c"))


def test_untrusted_text_arrives_exactly_and_adds_no_header(receiver, session):
    title = 'Breaking <script>alert("x")</script>\r\nX-Injected: 1'
    snippet = 'C:\\path\\ "quoted" \'single\' \r\n\r\nX-Injected: 2\u2028end\x00\t&amp;'
    message = _message(title=title, snippet=snippet)
    deliver(message, _target(receiver), session)

    [got] = receiver.received
    names = {name.lower() for name, _ in got.headers}
    assert names == {"host", "user-agent", "accept-encoding", "accept", "connection",
                     "content-type", "content-length", "webhook-id", "webhook-timestamp",
                     "webhook-signature"}
    assert b"\r" not in got.body and b"\n" not in got.body  # escaped as \r \n inside strings
    assert b"<script>" in got.body  # not HTML-escaped: the receiver gets the true text
    document = Webhook(SECRET).verify(got.body, dict(got.headers))
    [article] = document["articles"]
    assert article["title"] == title
    assert article["hits"][0]["snippet"] == snippet


# --------------------------------------------------------------------------- failures


@pytest.mark.parametrize("status", [500, 502, 503, 429, 408])
def test_retryable_statuses_are_transient(receiver, session, status):
    error = _fail(receiver, session, Reply(status, body=b"busy"))
    assert not error.permanent
    assert error.reason == f"HTTP {status}: busy"
    assert error.retry_after is None


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0),
    ("0", 0.0),
    ("9999999", 86400.0),  # capped at a day
    ("soon", None),
    ("-5", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),  # in the past: now
])
def test_retry_after(receiver, session, value, expected):
    error = _fail(receiver, session, Reply(503, headers={"Retry-After": value}))
    assert not error.permanent
    assert error.retry_after == expected


@pytest.mark.parametrize("usegmt", [True, False])  # "... GMT" and "... -0000"
def test_retry_after_http_date(receiver, session, usegmt):
    later = formatdate(time.time() + 90, usegmt=usegmt)
    error = _fail(receiver, session, Reply(429, headers={"Retry-After": later}))
    assert not error.permanent
    assert 85 <= error.retry_after <= 91


@pytest.mark.parametrize("status", [410, 404, 401, 403, 413, 422])
def test_other_4xx_are_permanent(receiver, session, status):
    error = _fail(receiver, session, Reply(status, headers={"Retry-After": "60"}))
    assert error.permanent
    assert error.reason == f"HTTP {status}"


def test_400_reason_has_a_one_line_body_excerpt(receiver, session):
    body_text = "missing field 'alert'\r\n\x1b[31m<b>bad</b>\n" + "x" * (1024 * 1024)
    error = _fail(receiver, session, Reply(400, headers={"Content-Type": "text/plain"},
                                           body=body_text.encode()))
    assert error.permanent
    assert error.reason.startswith("HTTP 400: missing field 'alert' [31m<b>bad</b> xxx")
    assert len(error.reason) == len("HTTP 400: ") + 200


def test_redirect_is_permanent_and_not_followed(receiver, session):
    # The common http -> https misconfiguration: the Location repeats the secret path, which
    # must not reach last_error or the logs (found by review).
    elsewhere = receiver.url.replace("http://", "https://").replace("/hook", "/T000/SECRET")
    error = _fail(receiver, session, Reply(301, headers={"Location": elsewhere}))
    assert error.permanent
    assert error.reason == (f"HTTP 301 redirect to {redact_url(elsewhere)}: configure the "
                            "final URL")
    assert "SECRET" not in error.reason and "/…#" in error.reason
    assert len(receiver.received) == 1


def test_closed_port_is_connection_refused(session):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    target = Target(webhook=f"http://127.0.0.1:{port}/hook")
    with pytest.raises(DeliveryError) as info:
        deliver(_message(), target, session, timeout=2)
    assert not info.value.permanent
    assert info.value.reason == "connection refused"


def test_slow_receiver_times_out(receiver, session):
    started = time.monotonic()
    error = _fail(receiver, session, Reply(200, delay=3), timeout=0.5)
    assert time.monotonic() - started < 2
    assert not error.permanent
    assert error.reason == "timed out"
