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


@dataclass
class _Host:
    turn: threading.Lock = field(default_factory=threading.Lock)
    """Held for the whole of a request to the host."""
    free_at: float = 0.0
    """Monotonic time before which the next request must not start."""


class Pacer:
    """The turns of every host this process talks to; shared by all poll threads."""

    def __init__(self) -> None:
        self._hosts: dict[Hashable, _Host] = {}
        self._lock = threading.Lock()

    def _host(self, origin: Hashable) -> _Host:
        with self._lock:
            return self._hosts.setdefault(origin, _Host())

    @contextmanager
    def turn(self, origin: Hashable, delay: float) -> Iterator[None]:
        """Wait until `origin` is free and its pause is over, hold it for the block, then make
        the next request wait `delay` seconds. Requests queued for a host start in no
        particular order; the pool bounds how many threads wait at all."""
        host = self._host(origin)
        with host.turn:
            wait = host.free_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                host.free_at = time.monotonic() + delay
