"""Cutting blocked reads off at a deadline: one thread for the whole process.

Socket timeouts bound each read, not a request or a send, so a peer trickling one byte at a
time holds a thread for ever; shutting the socket down (not closing it) is what wakes a thread
blocked in recv() on it. Fetching (fetch.py) and alert delivery (alert/watchdog.py) both need
that, so it lives apart from either stage.
"""

from __future__ import annotations

import heapq
import socket
import threading
import time
from collections.abc import Callable
from itertools import count


def shutdown_socket(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked recv; close() would not
    except OSError:
        pass


class Deadlines:
    """One thread that runs callbacks at their deadlines (shutting down the socket of a
    request or a send that ran out of time), for the whole process: a timer thread per
    request, as this was first written, cost a thread start of about a millisecond each,
    more than fetching a page over loopback."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        """(deadline on the monotonic clock, key, callback), earliest first (a heap)."""
        self._pending: set[int] = set()
        """Keys neither run nor cancelled: an entry of `_due` whose key is not here is
        skipped, and a key cancelled after its callback ran leaves nothing behind."""
        self._keys = count()
        self._thread: threading.Thread | None = None

    def at(self, deadline: float, callback: Callable[[], None]) -> int:
        """Run `callback` at `deadline` (time.monotonic) unless `cancel(key)` comes first."""
        with self._cond:
            key = next(self._keys)
            heapq.heappush(self._due, (deadline, key, callback))
            self._pending.add(key)
            if self._thread is None or not self._thread.is_alive():  # none yet, or forked
                self._thread = threading.Thread(target=self._run, daemon=True,
                                                name="deadlines")
                self._thread.start()
            elif self._due[0][1] == key:  # earlier than what the thread waits for
                self._cond.notify()
            return key

    def cancel(self, key: int) -> None:
        with self._cond:
            self._pending.discard(key)

    def _run(self) -> None:
        while True:
            with self._cond:
                callback = self._next()
            callback()  # outside the lock: a callback may take locks of its own

    def _next(self) -> Callable[[], None]:
        """The next callback due, once it is (called holding the condition)."""
        while True:
            while self._due and self._due[0][1] not in self._pending:
                heapq.heappop(self._due)
            if not self._due:
                self._cond.wait()
                continue
            wait = self._due[0][0] - time.monotonic()
            if wait > 0:
                self._cond.wait(wait)
                continue
            _deadline, key, callback = heapq.heappop(self._due)
            self._pending.discard(key)
            return callback


deadlines = Deadlines()
"""The process's one: fetches and alert sends alike (monitor/alert/watchdog.py)."""
