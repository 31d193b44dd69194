"""monitor.alert.email against a real SMTP server (aiosmtpd on 127.0.0.1), and its rendering of
hostile feed content: feedparser's sanitizer corpus and hand-written injection attempts."""

from __future__ import annotations

import logging
import socket
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope

from monitor.alert.email import format_value, one_line, render, send
from monitor.alert.message import AlertArticle, AlertHit, AlertMessage, HealthEvent
from monitor.config import SmtpSettings
from monitor.errors import DeliveryError
from monitor.extract import html_to_text
from monitor.parse import parse_feed

SANITIZE = (Path(__file__).parent.parent.parent
            / "shared/corpora/feedparser-tests/wellformed/sanitize")
SENDER = "monitor@example.org"
RECIPIENTS = ["alice@example.org", "bob@example.org"]
TOP_HEADERS = ["From", "To", "Date", "Message-ID", "Subject", "MIME-Version", "Content-Type"]

# What render() itself writes; anything else in the HTML part came from a feed.
OUR_TAGS = {"html", "head", "meta", "title", "body", "h1", "h2", "p", "ul", "li", "a", "b", "q",
            "br", "table", "tr", "th", "td", "hr", "small"}
OUR_ATTRIBUTES = {"href", "charset", "border", "cellpadding", "cellspacing", "rowspan", "valign"}
DANGEROUS_TAGS = {"script", "iframe", "object", "embed", "style"}


# --------------------------------------------------------------------------- records


def hit(kind: str = "metric", *, organisation: str | None = "Технопарк «Якутия»",
        metric: str | None = "revenue", metric_name: str | None = "Выручка",
        value: float | None = 1.5e9, unit: str | None = "RUB", qualifier: str | None = None,
        year: int | None = 2024, matched: str = "1,5 млрд рублей",
        snippet: str = "Выручка резидентов составила 1,5 млрд рублей.") -> AlertHit:
    return AlertHit(kind=kind, organisation="org" if organisation else None,
                    organisation_name=organisation, metric=metric, metric_name=metric_name,
                    value=value, unit=unit, qualifier=qualifier, year=year, matched=matched,
                    snippet=snippet)


def article(*hits: AlertHit, id: int = 1, title: str = "Выручка резидентов выросла",
            url: str | None = "https://ykt.example/news/1", source: str = "ykt",
            published: str | None = "2024-12-01T10:00:00Z") -> AlertArticle:
    return AlertArticle(id=id, url=url, title=title, source=source, language="ru",
                        published=published, hits=hits or (hit(),))


def message(*articles: AlertArticle, kind: str = "article", id: str = "42",
            health: HealthEvent | None = None) -> AlertMessage:
    return AlertMessage(id=id, alert="money", kind=kind, created="2024-12-01T10:05:00Z",
                        articles=articles, health=health)


def settings(port: int, **overrides: object) -> SmtpSettings:
    return SmtpSettings(**{"host": "127.0.0.1", "port": port, "security": "none",
                           "from_address": SENDER, "timeout": 5.0, **overrides})


def parts(msg: EmailMessage) -> tuple[str, str]:
    """(text, html) of a message; lines end in \n also when it went through SMTP (CRLF)."""
    return tuple(msg.get_body((kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))


# --------------------------------------------------------------------------- SMTP server


class Store:
    """Accepts everything and keeps the envelopes."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 2.0.0 OK"

    def received(self) -> EmailMessage:
        (envelope,) = self.envelopes
        return message_from_bytes(envelope.content, policy=policy.default)


class RefuseRecipients(Store):
    def __init__(self, refused: set[str], reply: str = "550 5.1.1 no such user") -> None:
        super().__init__()
        self.refused, self.reply = refused, reply

    async def handle_RCPT(self, server, session, envelope, address,  # noqa: N802
                          rcpt_options) -> str:
        if address in self.refused:
            return self.reply
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"


class RefuseSender(Store):
    async def handle_MAIL(self, server, session, envelope, address,  # noqa: N802
                          mail_options) -> str:
        return "553 5.7.1 sender not allowed"


class Busy(Store):
    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802
        return "451 4.3.0 try again later"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def aiosmtpd_server() -> Iterator[Callable[..., int]]:
    """start(handler, **smtp_options) -> port of a running aiosmtpd server."""
    controllers: list[Controller] = []

    def start(handler: Store, **options: object) -> int:
        port = free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port,
                                server_hostname="localhost", **options)
        controller.start()
        controllers.append(controller)
        return port

    yield start
    for controller in controllers:
        controller.stop()


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TECHNOPARK_SMTP_USERNAME", raising=False)
    monkeypatch.delenv("TECHNOPARK_SMTP_PASSWORD", raising=False)


# --------------------------------------------------------------------------- safety checks


class Audit(HTMLParser):
    """Records what a browser would make of the HTML part: tags, attributes, visible text."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()
        self.text = "".join(self.chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in DANGEROUS_TAGS or tag not in OUR_TAGS:
            self.problems.append(f"tag <{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name not in OUR_ATTRIBUTES:
                self.problems.append(f"attribute {name}={value!r} on <{tag}>")
            if name in ("href", "src"):
                scheme = urlsplit((value or "").strip()).scheme.lower()
                if scheme not in ("http", "https", "mailto"):
                    self.problems.append(f"{name}={value!r}")

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"comment {data!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"declaration {data!r}")


def header_problems(msg: EmailMessage) -> list[str]:
    """Header values with line breaks, and any top-level header render() does not write."""
    problems = [f"{name}: {value!r}" for part in msg.walk() for name, value in part.items()
                if "\r" in value or "\n" in value]
    raw = msg.as_bytes(policy=msg.policy.clone(linesep="\r\n"))
    head = raw.split(b"\r\n\r\n", 1)[0]
    if b"\r" in head.replace(b"\r\n", b"") or b"\n" in head.replace(b"\r\n", b""):
        problems.append("bare CR or LF in the header block")
    names = [line.split(b":", 1)[0].decode() for line in head.split(b"\r\n")
             if line[:1] not in (b" ", b"\t")]
    if names != TOP_HEADERS:
        problems.append(f"headers {names}")
    return problems


def audit(msg: EmailMessage, visible: list[str]) -> list[str]:
    """Every safety problem of a rendered message; `visible` must show up as text, escaped."""
    text, html = parts(msg)
    problems = header_problems(msg)
    if msg.get_content_type() != "multipart/alternative":
        problems.append(msg.get_content_type())
    page = Audit(html)
    problems += page.problems
    for value in visible:
        line = one_line(value)
        if line and (line not in page.text or escape(line, quote=True) not in html):
            problems.append(f"not shown escaped: {line[:80]!r}")
        if line and line not in text:
            problems.append(f"not in the text part: {line[:80]!r}")
    return problems


# --------------------------------------------------------------------------- rendering


def test_article_email_is_delivered_with_stable_id(aiosmtpd_server) -> None:
    store = Store()
    port = aiosmtpd_server(store)
    alert = message(article(hit(qualifier="more_than"),
                            hit("organisation", metric=None, metric_name=None, value=None,
                                unit=None, year=None, matched="Технопарке «Якутия»",
                                snippet="Резиденты в Технопарке «Якутия» работают.")))
    msg = render(alert, SENDER, RECIPIENTS)
    send(msg, settings(port), RECIPIENTS)

    envelope = store.envelopes[0]
    assert envelope.mail_from == SENDER and envelope.rcpt_tos == RECIPIENTS
    received = store.received()
    assert received.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in received.iter_parts()] == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in received.iter_parts())
    assert received["Message-ID"] == "<42@technopark-monitor>"
    assert render(alert, SENDER, RECIPIENTS)["Message-ID"] == received["Message-ID"]
    assert received["Date"] == "Sun, 01 Dec 2024 10:05:00 +0000"
    assert received["To"] == "alice@example.org, bob@example.org"
    assert received["Subject"] == ("Технопарк «Якутия»: revenue more than 1.5 bn RUB (2024) — "
                                   "Выручка резидентов выросла")
    text, html = parts(received)
    for body in (text, html):
        assert "Выручка резидентов выросла" in body and "ykt" in body
        assert "2024-12-01T10:00:00Z" in body
        assert "Технопарк «Якутия» — Выручка: more than 1.5 bn RUB (2024)" in body
        assert "mentioned as «Технопарке «Якутия»»" in body
    assert "Link: https://ykt.example/news/1" in text
    assert "“Выручка резидентов составила 1,5 млрд рублей.”" in text
    assert '<a href="https://ykt.example/news/1">' in html
    assert "<q>Выручка резидентов составила <b>1,5 млрд рублей</b>.</q>" in html
    assert audit(received, []) == []


def test_subject_is_truncated() -> None:
    msg = render(message(article(title="Очень длинный заголовок " * 20)), SENDER, RECIPIENTS)
    assert len(msg["Subject"]) == 150 and msg["Subject"].endswith("…")


def test_subject_without_hits_names_the_title() -> None:
    only_term = hit("term", organisation=None, metric=None, metric_name=None, value=None,
                    unit=None, year=None, matched="резидент")
    msg = render(message(article(only_term, title="Новости")), SENDER, RECIPIENTS)
    assert msg["Subject"] == "Новости"
    assert "term «резидент»" in parts(msg)[0]


def test_alert_without_its_article_still_renders() -> None:
    msg = render(message(), SENDER, RECIPIENTS)
    assert msg["Subject"] == "Alert money"
    assert audit(msg, []) == []


@pytest.mark.parametrize(("fields", "shown"), [
    ({"value": 1.5e9, "unit": "RUB", "qualifier": "more_than", "year": 2024},
     "more than 1.5 bn RUB (2024)"),
    ({"value": 3.2e5, "unit": "USD", "year": None}, "320 000 USD"),
    ({"value": 250e6, "unit": "EUR", "qualifier": "about", "year": None}, "about 250 mn EUR"),
    ({"value": 2e12, "unit": "RUB", "year": None}, "2 tn RUB"),
    ({"value": 12.5, "unit": "percent", "qualifier": "up_to", "year": 2023},
     "up to 12.5% (2023)"),
    ({"value": 40000.0, "unit": "m2", "qualifier": "at_least", "year": None},
     "at least 40 000 m²"),
    ({"value": 3200.0, "unit": "people", "year": None}, "3 200 people"),
    ({"value": 150.0, "unit": None, "year": None}, "150"),
    ({"value": None, "unit": None, "year": None, "matched": "несколько\nмиллиардов"},
     "несколько миллиардов"),
])
def test_format_value(fields: dict, shown: str) -> None:
    assert format_value(hit(**fields)) == shown


class Table(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.links: list[str] = []
        self.inside = False
        self.feed(html[html.index("<table"):html.index("</table>")])

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self.inside = True
        elif tag == "a":
            self.links.append(dict(attrs)["href"])

    def handle_endtag(self, tag: str) -> None:
        self.inside = self.inside and tag not in ("td", "th")

    def handle_data(self, data: str) -> None:
        if self.inside:
            self.rows[-1][-1] += data


def test_digest_groups_values_by_organisation() -> None:
    first = article(hit(organisation="Skolkovo"),
                    hit(organisation="Skolkovo", metric="residents", metric_name="Резиденты",
                        value=3200.0, unit="people", year=None),
                    title="Skolkovo revenue", url="https://a.example/1")
    second = article(hit(organisation="Innopolis", value=2e8, year=2023),
                     hit("organisation", organisation="Skolkovo", metric=None,
                         metric_name=None, value=None, unit=None, year=None,
                         matched="Сколково"),
                     id=2, title="Innopolis and Skolkovo", url="javascript:alert(1)")
    msg = render(message(first, second, kind="digest"), SENDER, RECIPIENTS)
    assert msg["Subject"] == "Digest: 2 articles — Skolkovo, Innopolis"
    text, html = parts(msg)
    table = Table(html)
    unlinked = "Innopolis and Skolkovo (javascript:alert(1))"  # not http(s): shown, not linked
    assert table.rows == [
        ["Organisation", "Metric", "Value", "Article"],
        ["Skolkovo", "Выручка", "1.5 bn RUB (2024)", "Skolkovo revenue"],
        ["Резиденты", "3 200 people", "Skolkovo revenue"],
        ["—", "mentioned", unlinked],
        ["Innopolis", "Выручка", "200 mn RUB (2023)", unlinked],
    ]
    assert table.links == ["https://a.example/1", "https://a.example/1"]
    assert '<th rowspan="3" valign="top">Skolkovo</th>' in html
    # ... then the list of articles.
    assert html.index("<h2>Skolkovo revenue</h2>") < html.index("<h2>Innopolis and Skolkovo")
    assert text.startswith(
        "Skolkovo\n"
        "  Выручка: 1.5 bn RUB (2024) — Skolkovo revenue <https://a.example/1>\n"
        "  Резиденты: 3 200 people — Skolkovo revenue <https://a.example/1>\n"
        "  —: mentioned — Innopolis and Skolkovo <javascript:alert(1)>\n"
        "Innopolis\n"
        "  Выручка: 200 mn RUB (2023) — Innopolis and Skolkovo <javascript:alert(1)>\n")
    assert "\nArticles\n\nSkolkovo revenue\nSource: ykt\n" in text
    assert audit(msg, ["Innopolis and Skolkovo"]) == []


def test_single_article_digest_subject() -> None:
    msg = render(message(article(), kind="digest"), SENDER, RECIPIENTS)
    assert msg["Subject"] == "Digest: 1 article — Технопарк «Якутия»"


@pytest.mark.parametrize(("event", "subject", "detail"), [
    (HealthEvent("cnews", "failing", "HTTP 503"), "Source cnews is failing: HTTP 503",
     "Detail: HTTP 503"),
    (HealthEvent("cnews", "stale", "no new entry for 2 days"),
     "Source cnews is stale: no new entry for 2 days", "Detail: no new entry for 2 days"),
    (HealthEvent("cnews", "recovered", ""), "Source cnews recovered", "State: recovered"),
])
def test_health_email(aiosmtpd_server, event: HealthEvent, subject: str, detail: str) -> None:
    store = Store()
    port = aiosmtpd_server(store)
    alert = AlertMessage(id="7", alert="source-health", kind="health",
                         created="2024-12-01T10:05:00Z", health=event)
    send(render(alert, SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    received = store.received()
    assert received["Subject"] == subject
    assert received["Message-ID"] == "<7@technopark-monitor>"
    text, html = parts(received)
    assert text.startswith(f"{subject}.\n") and detail in text
    assert f"<p>{subject}.</p>" in html and f"<p>{detail}</p>" in html
    assert audit(received, [event.source, event.detail]) == []


# --------------------------------------------------------------------------- delivery errors


def test_all_recipients_refused_is_permanent(aiosmtpd_server) -> None:
    store = RefuseRecipients(set(RECIPIENTS))
    port = aiosmtpd_server(store)
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    assert caught.value.permanent
    assert caught.value.reason == ("550 5.1.1 no such user "
                                   "(alice@example.org, bob@example.org)")
    assert store.envelopes == []


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_some_recipients_refused_is_delivered_to_the_rest(aiosmtpd_server) -> None:
    # A handler of its own: other tests reconfigure the "monitor" loggers (the CLI's logs.setup).
    logger, records = logging.getLogger("monitor.alert.email"), Records()
    logger.addHandler(records)
    store = RefuseRecipients({"bob@example.org"})
    port = aiosmtpd_server(store)
    try:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    finally:
        logger.removeHandler(records)
    assert store.envelopes[0].rcpt_tos == ["alice@example.org"]
    (record,) = records.records
    assert record.getMessage() == "email.recipients_refused"
    assert record.refused == "550 5.1.1 no such user (bob@example.org)"
    assert record.message_id == "<42@technopark-monitor>"


def test_temporary_refusal_of_recipients_is_transient(aiosmtpd_server) -> None:
    port = aiosmtpd_server(RefuseRecipients(set(RECIPIENTS), "451 4.3.0 try again later"))
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    assert not caught.value.permanent
    assert caught.value.reason.startswith("451 4.3.0 try again later")


def test_temporary_failure_after_data_is_transient(aiosmtpd_server) -> None:
    port = aiosmtpd_server(Busy())
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    assert not caught.value.permanent
    assert caught.value.reason == "451 4.3.0 try again later"


def test_refused_sender_is_permanent(aiosmtpd_server) -> None:
    port = aiosmtpd_server(RefuseSender())
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    assert caught.value.permanent
    assert caught.value.reason == "553 5.7.1 sender not allowed"


def test_closed_port_is_transient() -> None:
    port = free_port()
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    assert not caught.value.permanent
    assert caught.value.reason == f"connection refused by 127.0.0.1:{port}"


def test_silent_server_times_out_as_transient() -> None:
    with socket.socket() as silent:  # accepts connections (backlog) but never says hello
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        with pytest.raises(DeliveryError) as caught:
            send(render(message(article()), SENDER, RECIPIENTS),
                 settings(port, timeout=0.3), RECIPIENTS)
    assert not caught.value.permanent
    assert caught.value.reason == f"timed out after 0.3 s talking to 127.0.0.1:{port}"


def test_starttls_not_offered_is_permanent(aiosmtpd_server) -> None:
    port = aiosmtpd_server(Store())
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS),
             settings(port, security="starttls"), RECIPIENTS)
    assert caught.value.permanent and "STARTTLS" in caught.value.reason


def test_ssl_to_a_plain_server_is_transient(aiosmtpd_server) -> None:
    port = aiosmtpd_server(Store())
    with pytest.raises(DeliveryError) as caught:
        send(render(message(article()), SENDER, RECIPIENTS),
             settings(port, security="ssl"), RECIPIENTS)
    assert not caught.value.permanent and "SSL" in caught.value.reason


class Accounts:
    def __init__(self) -> None:
        self.attempts: list[tuple[str, bytes, bytes]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        self.attempts.append((mechanism, auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"monitor", b"s3cret")
        return AuthResult(success=ok, handled=False)


@pytest.mark.parametrize("password", ["s3cret", "wrong", None])
def test_login_uses_the_environment(aiosmtpd_server, monkeypatch, password: str | None) -> None:
    store, accounts = Store(), Accounts()
    port = aiosmtpd_server(store, authenticator=accounts, auth_require_tls=False)
    monkeypatch.setenv("TECHNOPARK_SMTP_USERNAME", "monitor")
    if password:
        monkeypatch.setenv("TECHNOPARK_SMTP_PASSWORD", password)
    msg = render(message(article()), SENDER, RECIPIENTS)
    if password == "wrong":
        with pytest.raises(DeliveryError) as caught:
            send(msg, settings(port), RECIPIENTS)
        assert caught.value.permanent
        assert caught.value.reason == "535 5.7.8 Authentication credentials invalid"
        assert store.envelopes == []
        return
    send(msg, settings(port), RECIPIENTS)
    assert len(store.envelopes) == 1
    # Without a password nothing is tried: the username alone is not a login.
    assert [a[1:] for a in accounts.attempts] == ([(b"monitor", b"s3cret")] if password else [])


# --------------------------------------------------------------------------- hostile content


def hostile(value: str, url: str | None = None) -> AlertMessage:
    """An article alert with `value` in every field that comes from a feed."""
    figure = hit(organisation=value, metric_name=value, matched=value, snippet=value)
    mention = hit("organisation", organisation=value, metric=None, metric_name=None,
                  value=None, unit=None, year=None, matched=value, snippet=f"x {value} y")
    return message(article(figure, mention, title=value, url=url or value, source=value))


INJECTIONS = [
    "<script>alert(1)</script>",
    "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;",
    "&#60;script&#62;alert(1)&#60;/script&#62;",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "<!-- comment --><style>body{display:none}</style>",
    "<iframe src=//evil.example></iframe><object data=x></object><embed src=x>",
    "]]><![CDATA[<script>x</script>",
    "Заголовок\r\nBcc: victim@example.org",
    "title\nSubject: second\r\n\r\nbody",
    "line\u2028separator\u2029and\x85next\x00nul\x1besc\x0bvt",
]
BAD_URLS = [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "vbscript:msgbox(1)",
    "file:///etc/passwd", "//evil.example/x", "https://ok.example/a b",
]


@pytest.mark.parametrize("value", INJECTIONS)
def test_injection_in_every_field_stays_text(value: str) -> None:
    msg = render(hostile(value), SENDER, RECIPIENTS)
    assert audit(msg, [value]) == []
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    for kind in ("digest", "health"):
        other = (message(*hostile(value).articles, kind=kind) if kind == "digest" else
                 message(kind="health", health=HealthEvent(value, "failing", value)))
        assert audit(render(other, SENDER, RECIPIENTS), [value]) == []


def test_entity_encoded_markup_stays_visible() -> None:
    title = "&lt;a href=javascript:alert(1)&gt;x&lt;/a&gt;"
    _, html = parts(render(hostile(title, url="https://ok.example/"), SENDER, RECIPIENTS))
    assert "<h2>&amp;lt;a href=javascript:alert(1)&amp;gt;x&amp;lt;/a&amp;gt;</h2>" in html
    page = Audit(html)
    assert title in page.text  # shown as these characters, not as a link
    assert [attrs["href"] for tag, attrs in page.tags if tag == "a"] == ["https://ok.example/"]


def test_header_injection_reaches_no_one(aiosmtpd_server) -> None:
    store = Store()
    port = aiosmtpd_server(store)
    title = "Выручка\r\nBcc: victim@example.org\r\nX-Injected: yes"
    send(render(hostile(title), SENDER, RECIPIENTS), settings(port), RECIPIENTS)
    envelope = store.envelopes[0]
    assert envelope.rcpt_tos == RECIPIENTS
    received = store.received()
    assert list(received.keys()) == TOP_HEADERS
    assert received["Subject"].endswith("— Выручка Bcc: victim@example.org X-Injected: yes")


@pytest.mark.parametrize("url", BAD_URLS)
def test_only_http_links_become_hrefs(url: str) -> None:
    msg = render(hostile("Заголовок", url=url), SENDER, RECIPIENTS)
    text, html = parts(msg)
    page = Audit(html)
    assert page.problems == []
    assert [tag for tag, _ in page.tags if tag == "a"] == []
    assert f"Link: {escape(one_line(url))}" in html
    assert f"Link: {one_line(url)}" in text


def test_http_link_with_quotes_stays_one_attribute() -> None:
    url = 'https://ok.example/a"onmouseover="alert(1)'
    page = Audit(parts(render(hostile("x", url=url), SENDER, RECIPIENTS))[1])
    assert page.problems == []
    assert [attrs for tag, attrs in page.tags if tag == "a"] == [{"href": url}]


def corpus_files() -> list:
    if not SANITIZE.is_dir():
        return [pytest.param(None, marks=pytest.mark.skip(
            reason=f"feedparser sanitize corpus not found at {SANITIZE}"))]
    return sorted(SANITIZE.glob("*.xml"))


def entry_messages(path: Path) -> list[AlertMessage]:
    """One article alert per entry and form of its title, as the pipeline would build them: the
    title as feedparser gives it and its text; snippets from the summary HTML, raw and as text;
    the feed's title as the source name."""
    feed = parse_feed(path.read_bytes(), "http://example.org/feed", None)
    messages = []
    for i, entry in enumerate(feed.entries):
        titles = list(dict.fromkeys([entry.title, html_to_text(entry.title)]))
        snippets = list(dict.fromkeys([entry.summary_html, html_to_text(entry.summary_html)]))
        hits = tuple(hit(organisation=t, matched=s[:40], snippet=s)
                     for t in titles for s in snippets)
        messages += [message(article(*hits, id=i, title=t, url=entry.link,
                                     source=feed.title or "sanitize")) for t in titles]
    return messages


def raw_payloads() -> list[str]:
    """Every element text and attribute value of the corpus as written, before feedparser's
    sanitizer: the markup, URLs and entities a hostile feed could send."""
    values: dict[str, None] = {}
    for path in sorted(SANITIZE.glob("*.xml")):
        for element in ET.fromstring(path.read_bytes()).iter():
            for value in (element.text or "", element.tail or "", *element.attrib.values()):
                if one_line(value):
                    values[value] = None
    return list(values)


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name if p else "absent")
def test_sanitize_corpus_entries_render_safely(path: Path) -> None:
    problems = []
    for alert in entry_messages(path):
        title = alert.articles[0].title
        problems += [f"{title[:60]!r}: {problem}"
                     for problem in audit(render(alert, SENDER, RECIPIENTS), [title])]
    assert problems == []


def test_sanitize_corpus_raw_payloads_render_safely() -> None:
    if not SANITIZE.is_dir():
        pytest.skip(f"feedparser sanitize corpus not found at {SANITIZE}")
    payloads = raw_payloads()
    assert len(payloads) > 500
    problems = []
    for value in payloads:
        for variant in (hostile(value),
                        message(kind="health", health=HealthEvent(value, "failing", value))):
            problems += [f"{value[:60]!r}: {problem}"
                         for problem in audit(render(variant, SENDER, RECIPIENTS), [value])]
    # Digests in batches of 20 payloads: each payload is in the table and the article list.
    for start in range(0, len(payloads), 20):
        batch = payloads[start:start + 20]
        digest = message(*(hostile(value).articles[0] for value in batch), kind="digest")
        problems += [f"digest of payloads {start}-{start + len(batch) - 1}: {problem}"
                     for problem in audit(render(digest, SENDER, RECIPIENTS), batch)]
    assert problems == []
