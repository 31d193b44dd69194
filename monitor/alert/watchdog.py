"""Cutting a send off: at its total deadline, or at once when the sender stops.

Socket timeouts bound each read, not a send: a webhook receiver sending one header byte every
10 s, or a mail server trickling its banner, restarts the timeout with every byte and holds the
sender for ever. So every send runs under a `Watchdog.guard(seconds)`: the connection classes
of the webhook and SMTP clients register each socket they open with the guard of their thread
(`track`), and the process's one deadline thread (monitor/deadlines.py) shuts those sockets down
when the deadline passes. The blocked read then returns at once and the client raises; the
sender sees `Watchdog.cut` and records a transient failure (retried later). `Watchdog.stop`
does the same at once, for a daemon that is stopping: the message's rows are then given back
unsent, never lost.

Shutting a socket down (not closing it) is what wakes a thread blocked in recv() on it; the
owning thread still closes it.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial

from ..deadlines import deadlines, shutdown_socket

_current = threading.local()
"""The guard of the send this thread is making, for `track`."""


class Watchdog:
    """One per sending thread; `stop` may be called from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sockets: list[socket.socket] = []
        self._cut: str | None = None
        self._stopping = False

    @property
    def cut(self) -> str | None:
        """Why the current (or last) send was cut off: 'deadline' or 'stopping'; None if not."""
        return self._cut

    @property
    def stopping(self) -> bool:
        return self._stopping

    @contextmanager
    def guard(self, seconds: float) -> Iterator[None]:
        """Cut off whatever this thread sends inside the block after `seconds`."""
        with self._lock:
            self._sockets = []
            self._cut = "stopping" if self._stopping else None
        _current.value = self
        key = deadlines.at(time.monotonic() + seconds, partial(self._shut, "deadline"))
        try:
            yield
        finally:
            deadlines.cancel(key)
            _current.value = None
            with self._lock:
                self._sockets = []

    def stop(self) -> None:
        """Cut the send in flight now, and every later one before it starts."""
        self._stopping = True
        self._shut("stopping")

    def _shut(self, reason: str) -> None:
        with self._lock:
            self._cut = self._cut or reason
            sockets = list(self._sockets)
        for sock in sockets:
            shutdown_socket(sock)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            cut = self._cut
        if cut is not None:  # cut while this socket was connecting
            shutdown_socket(sock)


def track(sock: socket.socket) -> None:
    """Put `sock` under the guard of the send this thread is making (if any)."""
    watchdog: Watchdog | None = getattr(_current, "value", None)
    if watchdog is not None:
        watchdog._track(sock)
