"""Structured logs: one line per event, `key=value` pairs after a timestamp and level, so
`grep source=cnews` and log shippers both work.

    2026-11-22T19:30:00Z info poll.done source=cnews status=200 new=3 updated=0 duration=0.84

Records from libraries we run (APScheduler's "Job raised an exception" above all) go through
the same format: their logger's name is the event and their text a `message` field, so a
traceback from a job is one line, not forty.

`--log-format json` writes the same events as one JSON object a line, for log shippers that
read JSON and not logfmt (Loki, Vector, Elasticsearch): `time`, `level`, `event`, then every
field with its own type (numbers stay numbers), and a traceback as `exception`.

    {"time": "2026-11-22T19:30:00Z", "level": "info", "event": "poll.done", "source": "cnews", ...}
"""

from __future__ import annotations

import json
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


class _EventFormatter(logging.Formatter):
    """A record as (time, level, event, fields): what both formats write, each its own way."""

    def event(self, record: logging.LogRecord) -> tuple[str, str, str, dict[str, object]]:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {k: v for k, v in vars(record).items() if k not in _RESERVED and v is not None}
        message = record.getMessage()
        if message and not any(c.isspace() for c in message):
            name = message  # an event name, as logs.event writes it
        else:  # a library's sentence: the logger names the event, the sentence is a field
            name, fields = record.name, {"message": message, **fields}
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return moment, record.levelname.lower(), name, fields


class LogfmtFormatter(_EventFormatter):
    def format(self, record: logging.LogRecord) -> str:
        moment, level, name, fields = self.event(record)
        return " ".join([moment, level, name, *(f"{k}={_quote(v)}" for k, v in fields.items())])


class JsonFormatter(_EventFormatter):
    def format(self, record: logging.LogRecord) -> str:
        moment, level, name, fields = self.event(record)
        # A field named like one of ours keeps its value under a trailing underscore.
        line = {"time": moment, "level": level, "event": name}
        line |= {f"{k}_" if k in line else k: v for k, v in fields.items()}
        # Values JSON has no type for (a path, a datetime) are written as their text: a log
        # line must never fail to be written.
        return json.dumps(line, ensure_ascii=False, default=str)


FORMATS = {"logfmt": LogfmtFormatter, "json": JsonFormatter}
"""`--log-format` choices; logfmt is the default (greppable by eye)."""


def setup(level: str = "info", fmt: str = "logfmt") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(FORMATS[fmt]())
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
