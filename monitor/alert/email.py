"""Alerts as email: `render` builds the message, `send` hands it to the configured SMTP server.

Everything an alert shows (titles, snippets, URLs, source and organisation names) was written by
whoever publishes a feed, so it is treated as hostile. In the HTML part every such value goes
through `html.escape`, which also keeps entity-encoded markup (`&lt;script&gt;`) visible as text
rather than live, and a URL becomes a link only when it is http or https: a `javascript:` or
`data:` URL is shown as text. In headers, control characters and line breaks become spaces, so a
title with "\\r\\nBcc: ..." stays one line of the Subject instead of adding a recipient.

The Message-ID is built from the outbox id, which is the same on every attempt, so a message
that reached the server before a retry is recognisably the same message to the mail client.

`send` maps every failure to DeliveryError: replies in the 5xx range and refusals that will not
change on their own (bad credentials, no STARTTLS) are permanent; network failures and 4xx
replies are transient and retried.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import ssl
from collections.abc import Iterable
from contextlib import suppress
from datetime import UTC, datetime
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime
from html import escape
from urllib.parse import urlsplit

from ..config import SmtpSettings
from ..errors import DeliveryError
from ..logs import event
from .message import AlertArticle, AlertHit, AlertMessage, HealthEvent
from .watchdog import track

log = logging.getLogger("monitor.alert.email")

SUBJECT_LIMIT = 150
USERNAME_ENV = "TECHNOPARK_SMTP_USERNAME"
PASSWORD_ENV = "TECHNOPARK_SMTP_PASSWORD"

_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "mn"))
_UNITS = {"m2": "m²", "people": "people"}
"""Units shown other than as stored (currency codes are shown as they are: RUB, USD, EUR)."""
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
"""Replaced by a space in one-line values: the control characters (Unicode category Cc: CR, LF,
TAB, NUL, NEL ...) and the line and paragraph separators U+2028/U+2029."""
_REASON_LIMIT = 200


# --------------------------------------------------------------------------- text helpers


def one_line(text: str) -> str:
    """`text` with control characters and line breaks replaced by spaces, runs of white space
    collapsed: safe as a header value, and tidy in a list line."""
    return " ".join(_LINE_BREAKING.sub(" ", text).split())


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _e(text: str) -> str:
    return escape(one_line(text), quote=True)


def safe_url(url: str | None) -> str | None:
    """`url` if it may be an href: http(s) with a host, and nothing a browser would strip before
    reading the scheme (white space, control characters)."""
    if not url or url != one_line(url) or " " in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def _link(url: str | None, label: str) -> str:
    """An <a> to `url` when it is http(s); otherwise the label, and the URL as escaped text."""
    href = safe_url(url)
    if href:
        return f'<a href="{escape(href, quote=True)}">{_e(label)}</a>'
    if url and one_line(url) != one_line(label):
        return f"{_e(label)} ({_e(url)})"
    return _e(label)


def _number(value: float) -> str:
    for scale, word in _SCALES:
        if abs(value) >= scale:
            return f"{_decimals(value / scale)} {word}"
    if value == int(value):
        return f"{value:,.0f}".replace(",", " ")
    return _decimals(value)


def _decimals(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def format_value(hit: AlertHit) -> str:
    """'more than 1.5 bn RUB (2024)'; the matched text when no value was read."""
    if hit.value is None:
        return one_line(hit.matched)
    number = _number(hit.value)
    if hit.unit == "percent":
        amount = f"{number}%"
    elif hit.unit:
        amount = f"{number} {_UNITS.get(hit.unit, hit.unit)}"
    else:
        amount = number
    qualifier = f"{hit.qualifier.replace('_', ' ')} " if hit.qualifier else ""
    year = f" ({hit.year})" if hit.year else ""
    return one_line(f"{qualifier}{amount}{year}")


def _organisation(hit: AlertHit) -> str | None:
    return hit.organisation_name or hit.organisation


def _unique(values: Iterable[str | None]) -> list[str]:
    return list(dict.fromkeys(one_line(v) for v in values if v and one_line(v)))


def _hit_label(hit: AlertHit) -> str:
    """What a hit says, one line: 'Skolkovo — Выручка: 1.5 bn RUB'."""
    organisation = _organisation(hit)
    if hit.kind == "organisation":
        return f"{organisation} — mentioned as «{hit.matched}»"
    if hit.kind == "metric":
        metric = hit.metric_name or hit.metric or "figure"
        return f"{organisation or 'no organisation'} — {metric}: {format_value(hit)}"
    return f"term «{hit.matched}»"


def _highlight(snippet: str, matched: str) -> str:
    """The snippet, HTML-escaped, with the first occurrence of `matched` in bold."""
    snippet, matched = one_line(snippet), one_line(matched)
    at = snippet.find(matched) if matched else -1
    if at < 0:
        return _e(snippet)
    before, after = snippet[:at], snippet[at + len(matched):]
    return f"{escape(before)}<b>{escape(matched)}</b>{escape(after)}"


# --------------------------------------------------------------------------- subjects


def _subject(message: AlertMessage) -> str:
    if message.kind == "health" and message.health:
        return _health_sentence(message.health)
    if message.kind == "digest":
        count = len(message.articles)
        names = _unique(_organisation(h) for a in message.articles for h in a.hits)
        head = f"Digest: {count} article{'s' if count != 1 else ''}"
        return f"{head} — {', '.join(names)}" if names else head
    if not message.articles:  # the article was deleted before the alert went out
        return f"Alert {message.alert}"
    return headline(message.articles[0]) or message.alert


def headline(article: AlertArticle) -> str:
    """One line naming what an article says before its title: 'Технопарк «Якутия»: revenue
    1.5 bn RUB — <title>'. An alert's subject, and an entry's title in the Atom export, so a
    reader sees the organisation and the figure without opening the article."""
    lead = ", ".join(_unique(_organisation(h) for h in article.hits))
    figures = "; ".join(_unique(f"{h.metric or h.metric_name} {format_value(h)}"
                                for h in article.hits if h.kind == "metric"))
    if figures:
        lead = f"{lead}: {figures}" if lead else figures
    title = one_line(article.title)
    return f"{lead} — {title}" if lead and title else lead or title


def _health_sentence(health: HealthEvent) -> str:
    if health.state == "recovered":
        return f"Source {health.source} recovered"
    detail = f": {health.detail}" if health.detail else ""
    return f"Source {health.source} is {health.state}{detail}"


# --------------------------------------------------------------------------- bodies


def _article_text(article: AlertArticle) -> list[str]:
    lines = [one_line(article.title) or "(untitled)",
             f"Source: {one_line(article.source)}"]
    if article.also_in:
        lines.append(f"Also in: {one_line(', '.join(article.also_in))}")
    if article.published:
        lines.append(f"Published: {one_line(article.published)}")
    if article.url:
        lines.append(f"Link: {one_line(article.url)}")
    for hit in article.hits:
        lines.append(f"  * {one_line(_hit_label(hit))}")
        if hit.snippet:
            lines.append(f"    “{one_line(hit.snippet)}”")
    if article.more_hits:
        link = f": {one_line(article.url)}" if article.url else ""
        lines.append(f"  … {_more_hits(article)}{link}")
    return lines


def _more_hits(article: AlertArticle) -> str:
    """'and 39,951 more hits (40,001 in all) in the article'."""
    more = article.more_hits
    return (f"and {more:,} more hit{'s' if more != 1 else ''} ({article.total_hits:,} in all) "
            "in the article")


def article_html(article: AlertArticle) -> str:
    """The article as an HTML fragment (title, source, link, each hit with its snippet), every
    value from the feed escaped: an email's body, and an entry's content in the Atom export."""
    meta = [f"Source: {_e(article.source)}"]
    if article.also_in:
        meta.append(f"Also in: {_e(', '.join(article.also_in))}")
    if article.published:
        meta.append(f"Published: {_e(article.published)}")
    if article.url:
        meta.append(f"Link: {_link(article.url, article.url)}")
    hits = "".join(
        f"<li>{_e(_hit_label(hit))}"
        + (f"<br><q>{_highlight(hit.snippet, hit.matched)}</q>" if hit.snippet else "")
        + "</li>"
        for hit in article.hits)
    if article.more_hits:
        hits += f"<li>… {_link(article.url, _more_hits(article))}</li>"
    return (f"<h2>{_e(article.title) or '(untitled)'}</h2>\n<p>{' · '.join(meta)}</p>\n"
            + (f"<ul>{hits}</ul>\n" if hits else ""))


def _digest_rows(articles: tuple[AlertArticle, ...]) -> dict[str, list[tuple[str, str,
                                                                             AlertArticle]]]:
    """Organisation -> (metric, value, article) rows: its figures, and a 'mentioned' row for
    each article that names it without a figure."""
    rows: dict[str, list[tuple[str, str, AlertArticle]]] = {}
    for article in articles:
        with_figures = {one_line(_organisation(h) or "") for h in article.hits
                        if h.kind == "metric"}
        mentioned: set[str] = set()
        for hit in article.hits:
            name = one_line(_organisation(hit) or "") or "(no organisation)"
            if hit.kind == "metric":
                metric = one_line(hit.metric_name or hit.metric or "figure")
                rows.setdefault(name, []).append((metric, format_value(hit), article))
            elif (hit.kind == "organisation" and name not in with_figures
                  and name not in mentioned):
                mentioned.add(name)
                rows.setdefault(name, []).append(("—", "mentioned", article))
    return rows


def _digest_text(message: AlertMessage) -> list[str]:
    lines = []
    for name, rows in _digest_rows(message.articles).items():
        lines.append(name)
        lines += [f"  {metric}: {value} — {one_line(article.title)}"
                  + (f" <{one_line(article.url)}>" if article.url else "")
                  for metric, value, article in rows]
    lines += ["", "Articles", ""]
    for article in message.articles:
        lines += [*_article_text(article), ""]
    return lines


def _digest_html(message: AlertMessage) -> str:
    table = ['<table border="1" cellpadding="4" cellspacing="0">',
             "<tr><th>Organisation</th><th>Metric</th><th>Value</th><th>Article</th></tr>"]
    for name, rows in _digest_rows(message.articles).items():
        for i, (metric, value, article) in enumerate(rows):
            head = f'<th rowspan="{len(rows)}" valign="top">{_e(name)}</th>' if i == 0 else ""
            table.append(f"<tr>{head}<td>{_e(metric)}</td><td>{_e(value)}</td>"
                         f"<td>{_link(article.url, article.title or '(untitled)')}</td></tr>")
    table.append("</table>")
    articles = "\n".join(article_html(a) for a in message.articles)
    return "\n".join(table) + "\n<h1>Articles</h1>\n" + articles


def _bodies(message: AlertMessage) -> tuple[str, str]:
    """(plain text, inner HTML) of the message."""
    if message.kind == "health" and message.health:
        health = message.health
        sentence = _health_sentence(health)
        text = [f"{sentence}.", f"State: {health.state}"]
        html = f"<p>{_e(sentence)}.</p>\n<p>State: {_e(health.state)}</p>"
        if health.detail:
            text.append(f"Detail: {one_line(health.detail)}")
            html += f"\n<p>Detail: {_e(health.detail)}</p>"
        return "\n".join(text), html
    if message.kind == "digest":
        return "\n".join(_digest_text(message)), _digest_html(message)
    text = []
    for article in message.articles:
        text += [*_article_text(article), ""]
    return "\n".join(text), "\n".join(article_html(a) for a in message.articles)


def render(message: AlertMessage, sender: str, recipients: list[str]) -> EmailMessage:
    """The alert as a multipart/alternative email (text/plain and text/html, UTF-8)."""
    subject = _truncate(one_line(_subject(message)), SUBJECT_LIMIT)
    text, html = _bodies(message)
    footer = f"Alert: {one_line(message.alert)} · {one_line(message.created)}"
    msg = EmailMessage()
    msg["From"] = one_line(sender)
    msg["To"] = ", ".join(one_line(r) for r in recipients)
    msg["Date"] = format_datetime(_date(message.created))
    msg["Message-ID"] = f"<{one_line(message.id)}@technopark-monitor>"
    msg["Subject"] = subject
    msg.set_content(f"{text.rstrip()}\n\n-- \n{footer}\n", charset="utf-8")
    # Not msg.add_alternative: it builds the part as an EmailMessage, with its own MIME-Version.
    html_part = MIMEPart()
    html_part.set_content(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f"<title>{_e(subject)}</title></head>\n<body>\n{html}\n"
        f"<hr>\n<p><small>{_e(footer)}</small></p>\n</body></html>\n",
        subtype="html", charset="utf-8")
    msg.make_alternative()
    msg.attach(html_part)
    return msg


def _date(created: str) -> datetime:
    """When the alert was written (the same Date on every attempt); now if unreadable."""
    try:
        moment = datetime.fromisoformat(created)
    except ValueError:
        return datetime.now(UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- sending


def _reply(code: int, text: bytes | str) -> str:
    """'550 5.1.1 no such user': the server's reply, one short line."""
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return _truncate(one_line(f"{code} {text}"), _REASON_LIMIT)


class _SMTP(smtplib.SMTP):
    """An SMTP client whose socket is under the sending thread's watchdog (watchdog.py), so
    `smtp.timeout` bounds the whole conversation, not each read: a server trickling its banner
    one byte at a time is cut off at the deadline."""

    def _get_socket(self, host, port, timeout):  # type: ignore[no-untyped-def]
        sock = super()._get_socket(host, port, timeout)
        track(sock)
        return sock


class _SMTPSSL(smtplib.SMTP_SSL, _SMTP):
    """Implicit TLS: the raw socket is tracked (by `_SMTP`) before the handshake starts."""


def send(msg: EmailMessage, smtp: SmtpSettings, recipients: list[str]) -> None:
    """Deliver `msg` to `recipients` (the envelope; the To header is not read).

    Logs in only when both TECHNOPARK_SMTP_USERNAME and TECHNOPARK_SMTP_PASSWORD are set. When
    the server refuses some recipients and accepts others, the message was delivered and is not
    sent again (a retry would duplicate it for those who got it): the refusals are logged and
    the call succeeds. Only when every recipient is refused does it raise, permanent if every
    refusal was a 5xx."""
    username = os.environ.get(USERNAME_ENV)
    password = os.environ.get(PASSWORD_ENV)
    try:
        client = (_SMTPSSL(smtp.host, smtp.port, timeout=smtp.timeout,
                           context=ssl.create_default_context())
                  if smtp.security == "ssl"
                  else _SMTP(smtp.host, smtp.port, timeout=smtp.timeout))
        try:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if username and password:
                client.login(username, password)
            refused = client.send_message(msg, from_addr=smtp.from_address,
                                          to_addrs=recipients)
            # Delivered: a failed goodbye must not turn into a retry (and a duplicate).
            with suppress(smtplib.SMTPException, OSError):
                client.quit()
        finally:
            client.close()
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(_refusals(exc.recipients), permanent=all(
            500 <= code < 600 for code, _ in exc.recipients.values())) from None
    except smtplib.SMTPResponseException as exc:
        # Sender refused, data refused, authentication failed, HELO refused, ...
        raise DeliveryError(_reply(exc.smtp_code, exc.smtp_error),
                            permanent=500 <= exc.smtp_code < 600) from None
    except smtplib.SMTPNotSupportedError as exc:
        # STARTTLS or AUTH configured but not offered: retrying will not change that.
        raise DeliveryError(one_line(str(exc)), permanent=True) from None
    except ConnectionRefusedError:
        raise DeliveryError(f"connection refused by {smtp.host}:{smtp.port}",
                            permanent=False) from None
    except (TimeoutError, smtplib.SMTPServerDisconnected) as exc:
        # smtplib reports a reply that never came as "Connection unexpectedly closed".
        if isinstance(exc, TimeoutError) or isinstance(exc.__context__, TimeoutError):
            reason = f"timed out after {smtp.timeout:g} s talking to {smtp.host}:{smtp.port}"
        else:
            reason = one_line(f"server disconnected: {exc}")
        raise DeliveryError(reason, permanent=False) from None
    except (OSError, smtplib.SMTPException) as exc:
        # Includes TLS failures (ssl.SSLError), unknown hosts and unreachable networks.
        raise DeliveryError(one_line(f"{type(exc).__name__}: {exc}"), permanent=False) from None
    if refused:
        event(log, logging.WARNING, "email.recipients_refused", message_id=msg["Message-ID"],
              refused=_refusals(refused))


def _refusals(refused: dict[str, tuple[int, bytes]]) -> str:
    """'550 5.1.1 no such user (a@example.org, b@example.org)': each reply, with whom it
    refused."""
    by_reply: dict[str, list[str]] = {}
    for address, (code, text) in refused.items():
        by_reply.setdefault(_reply(code, text), []).append(address)
    return _truncate("; ".join(f"{reply} ({', '.join(addresses)})"
                               for reply, addresses in by_reply.items()), _REASON_LIMIT)
