"""Real alert receivers on 127.0.0.1: an SMTP server (aiosmtpd) and a webhook endpoint."""

from __future__ import annotations

import email
import email.policy
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Mailbox:
    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse: str | None = None
        """An SMTP reply to give every RCPT instead of accepting, e.g. '451 4.3.0 busy'."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if self.refuse:
            return self.refuse
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content,
                                                      policy=email.policy.default))
        return "250 Message accepted"


class SmtpServer:
    """A real SMTP server; `stop()` and `start()` simulate the mail server going down."""

    def __init__(self) -> None:
        self.port = free_port()
        self.mailbox = _Mailbox()
        self.controller: Controller | None = None
        self.start()

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[EmailMessage]:
        return self.mailbox.messages


@dataclass
class Delivery:
    headers: dict[str, str]
    body: bytes
    received: float = field(default_factory=time.monotonic)

    def json(self) -> dict:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Records every POST; answers from `responses` (status, headers[, delay seconds]), then
    200 at once."""

    responses: deque = field(default_factory=deque)
    deliveries: list[Delivery] = field(default_factory=list)

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                status, headers, *delay = receiver.responses.popleft() \
                    if receiver.responses else (200, {})
                if delay:
                    time.sleep(delay[0])
                receiver.deliveries.append(Delivery(
                    {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        # A sender that times out hangs up mid-response: expected here, not worth a traceback.
        self.server.handle_error = lambda request, address: None
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()



class TrickleServer:
    """A raw TCP server on 127.0.0.1 that answers every connection with `payload`, one byte
    every `interval` seconds: a webhook receiver trickling its status line, or a mail server
    trickling its banner. Each byte restarts a socket's read timeout, so only a total deadline
    ends the wait. Bounded: `payload` is sent once per connection, then the connection closes."""

    def __init__(self, payload: bytes, interval: float = 1.0, port: int = 0) -> None:
        self.payload = payload
        self.interval = interval
        self.connections = 0
        self.closed = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", port))
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.listener.accept()
            except OSError:  # closed
                return
            self.connections += 1
            threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        with conn:
            for byte in self.payload:
                if self.closed.wait(self.interval):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:  # the client gave up
                    return

    def close(self) -> None:
        self.closed.set()
        self.listener.close()
