"""Structured logs: one line per event, `key=value` pairs after a timestamp and level, so
`grep source=cnews` and log shippers both work.

    2026-11-22T19:30:00Z info poll.done source=cnews status=200 new=3 updated=0 duration=0.84

Records from libraries we run (APScheduler's "Job raised an exception" above all) go through
the same format: their logger's name is the event and their text a `message` field, so a
traceback from a job is one line, not forty.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}
_LIBRARIES = ("apscheduler",)
"""Loggers of libraries whose records we format too (they would go to stderr unformatted)."""


def _quote(value: object) -> str:
    text = str(value).replace("\n", " ")
    if not text or any(c in text for c in ' "='):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {k: v for k, v in vars(record).items() if k not in _RESERVED and v is not None}
        message = record.getMessage()
        parts = [moment, record.levelname.lower()]
        if message and not any(c.isspace() for c in message):
            parts.append(message)  # an event name, as logs.event writes it
        else:  # a library's sentence: the logger names the event, the sentence is a field
            parts += [record.name, f"message={_quote(message)}"]
        parts += [f"{k}={_quote(v)}" for k, v in fields.items()]
        if record.exc_info:
            parts.append(f"exception={_quote(self.formatException(record.exc_info))}")
        return " ".join(parts)


def setup(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    for name in ("monitor", *_LIBRARIES):
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.propagate = False
    logging.getLogger("monitor").setLevel(level.upper())
    # Libraries tell us only what went wrong; their info lines ("Added job ...") are noise.
    for name in _LIBRARIES:
        logging.getLogger(name).setLevel(max(logging.WARNING, logging.getLevelName(
            level.upper())))


def event(logger: logging.Logger, level: int, name: str, /, *, exc_info: bool = False,
          **fields: object) -> None:
    """Log event `name` with fields; the event name is the message, so it greps cleanly.

    `exc_info=True` attaches the exception being handled. A field whose name LogRecord keeps
    for itself (`name`, `args`, `module`, ...) is written with a trailing underscore, so a
    log call can never raise: a failing log line in an error handler would turn one bad entry
    into a lost poll."""
    extra = {f"{key}_" if key in _RESERVED else key: value for key, value in fields.items()}
    logger.log(level, name, exc_info=exc_info, extra=extra)
