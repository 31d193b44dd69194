"""Politeness per host: one request at a time to an origin, and a pause between two.

Polls run many requests at once, but a publisher should see us as one careful reader: never
two connections from us at the same time, and at least `host_delay` between the end of one
request and the start of the next. A host is an origin (host and port, as in fetch.Origin):
two servers on one machine behind different ports are two hosts, as they are for the
connection pool and for trust.

The pause runs from the end of a request, not its start, so a slow server is asked less often
than a fast one: its slowness is the one signal of load we get.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

KEPT_HOSTS = 1024
"""Hosts remembered before idle ones are forgotten."""


@dataclass
class _Host:
    turn: threading.Lock = field(default_factory=threading.Lock)
    """Held for the whole of a request to the host."""
    free_at: float = 0.0
    """Monotonic time before which the next request must not start."""
    users: int = 0
    """Requests waiting for or holding the turn (counted under the Pacer's lock)."""


class Pacer:
    """The turns of every host this process talks to; shared by all poll threads."""

    def __init__(self) -> None:
        self._hosts: dict[Hashable, _Host] = {}
        self._lock = threading.Lock()

    def _enter(self, origin: Hashable) -> _Host:
        with self._lock:
            if origin not in self._hosts and len(self._hosts) >= KEPT_HOSTS:
                self._forget_idle()
            host = self._hosts.setdefault(origin, _Host())
            host.users += 1
            return host

    def _leave(self, host: _Host) -> None:
        with self._lock:
            host.users -= 1

    def _forget_idle(self) -> None:
        """Drop hosts with no request in hand and their pause over: a daemon follows links to
        ever new hosts for months, and what such a host would remember has no effect."""
        now = time.monotonic()
        for origin, host in list(self._hosts.items()):
            if host.free_at <= now and not host.users:
                del self._hosts[origin]

    @contextmanager
    def turn(self, origin: Hashable, delay: float) -> Iterator[None]:
        """Wait until `origin` is free and its pause is over, hold it for the block, then make
        the next request wait `delay` seconds. Requests queued for a host start in no
        particular order; the pool bounds how many threads wait at all."""
        host = self._enter(origin)
        try:
            with host.turn:
                wait = host.free_at - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                try:
                    yield
                finally:
                    host.free_at = time.monotonic() + delay
        finally:
            self._leave(host)
