"""The offline demo: sample feeds and article pages served from 127.0.0.1, polled once.

The sample files (monitor/demo_data/) were written for this project. Links inside them use the
placeholder `{base}`, replaced by the server's real address as each file is served, so the
whole pipeline runs for real (HTTP, conditional GET, extraction) without leaving the machine.
"""

from __future__ import annotations

import email
import email.policy
import mimetypes
import socket
import sqlite3
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path

from aiosmtpd.controller import Controller

from .config import Alert, RulesFile, SmtpSettings, Source
from .errors import NotADemoDatabase

DEMO_FEEDS = (("demo-ru", "feeds/ru.xml"), ("demo-en", "feeds/en.atom"),
              ("demo-de", "feeds/de.json"))
_TYPES = {".xml": "application/rss+xml", ".atom": "application/atom+xml",
          ".json": "application/feed+json", ".html": "text/html"}


def _demo_file(path: str) -> bytes | None:
    root = resources.files("monitor") / "demo_data"
    target = root
    for part in path.strip("/").split("/"):
        if part in ("", ".", "..") or part.startswith("."):
            return None
        target = target / part
    return target.read_bytes() if target.is_file() else None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that hangs up mid-response is the client's business, not a traceback on
        the demo's output; anything else is still reported."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server_version = "technopark-monitor-demo"

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        path = self.path.split("?", 1)[0]
        body = _demo_file(path)
        if body is None:
            self.send_error(404)
            return
        body = body.replace(b"{base}", self.server.base_url.encode())  # type: ignore[attr-defined]
        suffix = "." + path.rsplit(".", 1)[-1] if "." in path else ""
        kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", f"{kind}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        """Quiet: the demo prints its own output."""


@contextmanager
def serve() -> Iterator[str]:
    """Serve the sample files on a free loopback port; yields the base URL."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.base_url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.base_url  # type: ignore[attr-defined]
    finally:
        server.shutdown()
        server.server_close()


def demo_sources(base_url: str) -> list[Source]:
    return [Source(name=name, url=f"{base_url}/{path}", interval=900)
            for name, path in DEMO_FEEDS]


DEMO_SECRET = "whsec_ZGVtby1zZWNyZXQtZm9yLXRoZS1kZW1vLW9ubHk="
DEMO_ALERT = {
    "name": "big-figures",
    "when": {"any": [{"metric": "revenue", "value": ">= 1e9"},
                     {"metric": "investment", "value": ">= 1e9"}]},
}


@dataclass
class Inbox:
    """What the demo's own mail server and webhook receiver on 127.0.0.1 received."""

    emails: list[EmailMessage] = field(default_factory=list)
    webhooks: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    smtp_port: int = 0
    webhook_url: str = ""

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd)
        self.emails.append(email.message_from_bytes(envelope.content,
                                                    policy=email.policy.default))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def receivers() -> Iterator[Inbox]:
    """A real SMTP server and webhook receiver on 127.0.0.1 for the demo's alerts."""
    inbox = Inbox(smtp_port=_free_port())
    mail = Controller(inbox, hostname="127.0.0.1", port=inbox.smtp_port)
    mail.start()

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            inbox.webhooks.append(({k.lower(): v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            """Quiet."""

    hooks = _Server(("127.0.0.1", 0), Receiver)
    inbox.webhook_url = f"http://127.0.0.1:{hooks.server_address[1]}/hook"
    threading.Thread(target=hooks.serve_forever, daemon=True).start()
    try:
        yield inbox
    finally:
        hooks.shutdown()
        hooks.server_close()
        mail.stop()


def with_demo_alert(rules: RulesFile, inbox: Inbox) -> RulesFile:
    """The user's organisations and metrics with the demo's one alert rule, sending only to
    the demo's receivers: the user's own alerts, health target and mail server are dropped,
    so the demo never writes to a real inbox or webhook."""
    alert = Alert.model_validate({**DEMO_ALERT, "targets": [
        {"email": ["analyst@example.org"]},
        {"webhook": inbox.webhook_url, "secret": DEMO_SECRET}]})
    smtp = SmtpSettings(host="127.0.0.1", port=inbox.smtp_port, security="none",
                        from_address="technopark-monitor@example.org")
    return rules.model_copy(update={"alerts": [alert], "smtp": smtp, "health": None})


DEMO_APPLICATION_ID = 0x54504D44  # "TPMD"
"""`PRAGMA application_id` of a database the demo created: only such a file may be replaced."""
_SQLITE_HEADER = b"SQLite format 3\x00"


def is_demo_database(path: Path) -> bool:
    """Marked in the file's header (offset 68, big-endian), or, from a release before the
    mark, holding only the demo's sources. Read without locks or journals (`immutable`), so a
    file that is not ours stays untouched: not even a -wal or -shm appears beside it."""
    try:
        with path.open("rb") as file:
            header = file.read(72)
    except OSError:
        return False
    if not header.startswith(_SQLITE_HEADER) or len(header) < 72:
        return False
    if int.from_bytes(header[68:72], "big") == DEMO_APPLICATION_ID:
        return True
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?immutable=1", uri=True)
    except sqlite3.Error:
        return False
    try:
        names = {row[0] for row in conn.execute("SELECT name FROM sources")}
    except sqlite3.Error:
        return False
    finally:
        conn.close()
    return bool(names) and names <= {name for name, _path in DEMO_FEEDS}


def fresh_demo_database(path: Path) -> None:
    """Replace a previous demo database at `path` by an empty one marked as the demo's;
    refuse (NotADemoDatabase) any other file there."""
    if path.exists() and not is_demo_database(path):
        raise NotADemoDatabase(path)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Marked before the store switches it to WAL, so the mark is in the file's own header.
    conn = sqlite3.connect(path)
    try:
        conn.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
    finally:
        conn.close()
