"""systemd's service notifications (sd_notify(3)), for `Type=notify` and `WatchdogSec=` in
deploy/technopark-monitor.service: the daemon says READY=1 once it polls, WATCHDOG=1 from its
main loop, STOPPING=1 when it stops.

Spoken directly rather than through a package: the protocol is one datagram of `KEY=value`
lines to the unix socket systemd names in NOTIFY_SOCKET (a path, or `@name` in the abstract
namespace). Outside systemd NOTIFY_SOCKET is unset and every call does nothing.

The watchdog ping comes from the main loop (heartbeat, signals, reloads), after its heartbeat:
a main thread stuck for WatchdogSec (a deadlock, a hang in C code) stops the pings, and
systemd kills and restarts the service (`Restart=on-failure`). Slow polls do not: they run in
worker threads, under their own deadlines.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

from . import logs

log = logging.getLogger("monitor.notify")


class Notifier:
    def __init__(self, environ: Mapping[str, str] = os.environ):
        address = environ.get("NOTIFY_SOCKET", "")
        self.name = address
        self.address: str | None = None
        """Where to send: a path, or the abstract name with its leading NUL byte."""
        if address.startswith("@"):
            self.address = "\0" + address[1:]
        elif address.startswith("/"):
            self.address = address
        elif address:
            logs.event(log, logging.WARNING, "notify.bad_socket", address=address)
        self.watchdog_seconds: float | None = None
        """How often systemd expects a ping (WatchdogSec=), when this process is watched."""
        usec, pid = environ.get("WATCHDOG_USEC", ""), environ.get("WATCHDOG_PID", "")
        if self.address and usec.isdigit() and int(usec) > 0 and (
                not pid or pid == str(os.getpid())):  # a child of the service is not watched
            self.watchdog_seconds = int(usec) / 1e6
        self._socket: socket.socket | None = None
        self._failed = False

    def wait_at_most(self, seconds: float) -> float:
        """`seconds`, or less when the watchdog needs a ping sooner: half its interval, as
        sd_watchdog_enabled(3) advises, so one late wake-up is not a missed ping."""
        if self.watchdog_seconds is None:
            return seconds
        return min(seconds, self.watchdog_seconds / 2)

    def ready(self, status: str) -> None:
        self.send(f"READY=1\nSTATUS={status}")

    def watchdog(self) -> None:
        if self.watchdog_seconds is not None:
            self.send("WATCHDOG=1")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def send(self, message: str) -> None:
        """Send `message`; a socket that is gone (systemd restarted) is logged once, never
        raised: a notification lost must not stop the daemon."""
        if self.address is None:
            return
        try:
            if self._socket is None:
                self._socket = socket.socket(socket.AF_UNIX,
                                             socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._socket.sendto(message.encode("utf-8"), self.address)
        except OSError as exc:
            if not self._failed:
                logs.event(log, logging.WARNING, "notify.failed", address=self.name,
                           error=str(exc))
            self._failed = True

    def close(self) -> None:
        if self._socket is not None:
            self._socket.close()
            self._socket = None
