"""Structured logs: one line per event, `key=value` pairs after a timestamp and level, so
`grep source=cnews` and log shippers both work.

    2026-11-22T19:30:00Z info poll.done source=cnews status=200 new=3 updated=0 duration=0.84
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime

_RESERVED = set(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {"message", "asctime"}


def _quote(value: object) -> str:
    text = str(value).replace("\n", " ")
    if not text or any(c in text for c in ' "='):
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


class LogfmtFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        moment = datetime.fromtimestamp(record.created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        fields = {k: v for k, v in vars(record).items() if k not in _RESERVED and v is not None}
        parts = [moment, record.levelname.lower(), record.getMessage()]
        parts += [f"{k}={_quote(v)}" for k, v in fields.items()]
        if record.exc_info:
            parts.append(f"exception={_quote(self.formatException(record.exc_info))}")
        return " ".join(parts)


def setup(level: str = "info") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(LogfmtFormatter())
    root = logging.getLogger("monitor")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


def event(logger: logging.Logger, level: int, name: str, **fields: object) -> None:
    """Log event `name` with fields; the event name is the message, so it greps cleanly."""
    logger.log(level, name, extra=fields)
