"""deploy/technopark-monitor.service: the unit passes `systemd-analyze verify` and keeps its
hardening, and the daemon speaks the notify protocol the unit relies on (`Type=notify`,
`WatchdogSec=`), checked on a real unix datagram socket standing in for systemd's."""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from monitor.notify import Notifier

from helpers import REPO, rss, start_daemon, stop_daemon, write_config
from httpserver import TestServer

UNIT = REPO / "deploy" / "technopark-monitor.service"
INSTALLED = "/opt/technopark-monitor/.venv/bin/technopark-monitor"
"""The ExecStart binary, where the README installs it."""


def _unit_here(tmp_path: Path, text: str | None = None) -> Path:
    """The unit with ExecStart pointing at this checkout's console script: `verify` checks
    that the binary exists, and /opt/technopark-monitor is not installed on a test machine.
    Nothing else is changed."""
    text = UNIT.read_text(encoding="utf-8") if text is None else text
    assert INSTALLED in text
    here = tmp_path / UNIT.name
    here.write_text(text.replace(INSTALLED, str(Path(sys.executable).parent /
                                                "technopark-monitor")), encoding="utf-8")
    return here


def _analyze(*args: str) -> subprocess.CompletedProcess:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed here (Debian: apt-get install systemd); "
                    "the unit is not verified")
    return subprocess.run(["systemd-analyze", *args], capture_output=True, text=True,
                          timeout=60)


def test_the_unit_verifies_without_a_warning(tmp_path: Path) -> None:
    result = _analyze("verify", "--man=no", str(_unit_here(tmp_path)))
    assert result.returncode == 0 and result.stdout + result.stderr == "", result.stderr


def test_verify_would_catch_a_mistyped_directive(tmp_path: Path) -> None:
    """systemd ignores a key it does not know (a typo in a hardening option silently drops
    it) and exits 0: the test above fails on the warning it prints."""
    text = UNIT.read_text(encoding="utf-8").replace("ProtectSystem=strict", "ProtectSytem=strict")
    result = _analyze("verify", "--man=no", str(_unit_here(tmp_path, text)))
    assert "Unknown key 'ProtectSytem'" in result.stderr


def test_the_unit_keeps_its_hardening(tmp_path: Path) -> None:
    """`systemd-analyze security` rates the unit's exposure from 0 to 10; it is 1.5 now. The
    threshold is ten times the level: above 2.0 the hardening has been weakened."""
    result = _analyze("security", "--offline=yes", "--threshold=20", str(_unit_here(tmp_path)))
    assert result.returncode == 0, result.stdout[-400:]
    assert "Overall exposure level" in result.stdout


def test_the_readmes_installation_matches_the_unit() -> None:
    """The README's steps create the unit's user, put the checkout where ExecStart looks and
    read the database the service writes: the two cannot drift apart."""
    unit = UNIT.read_text(encoding="utf-8")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = readme.split("### Running it under systemd\n", 1)[1].split("```bash\n", 1)[1]
    steps = steps.split("```", 1)[0]
    user = unit.split("\nUser=", 1)[1].split()[0]
    home = unit.split("\nWorkingDirectory=", 1)[1].split()[0]
    state = unit.split("\nStateDirectory=", 1)[1].split()[0]
    assert f"--shell /usr/sbin/nologin {user}\n" in steps
    assert f"-C {home}\n" in steps and f"\nExecStart={home}/.venv/bin/" in unit
    assert f"cp deploy/{UNIT.name} /etc/systemd/system/" in steps
    assert f"sudo -u {user} " in steps and f"--db /var/lib/{state}/monitor.db" in steps
    assert f"--db /var/lib/{state}/monitor.db" in unit


def test_the_readmes_copy_leaves_the_venv_and_the_database_behind(tmp_path: Path) -> None:
    """A copied .venv would still run the checkout it was made in (its scripts and the
    editable install name that path), and `make .venv/.installed` would find it up to date."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    steps = readme.split("### Running it under systemd\n", 1)[1].split("```bash\n", 1)[1]
    [copy] = [line for line in steps.splitlines() if line.startswith("tar ")]
    checkout, home = tmp_path / "checkout", tmp_path / "opt"
    for name in (".venv/bin/technopark-monitor", "db/monitor.db", "monitor/cli.py",
                 "sources.yaml", ".venv-notes.txt"):
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(name, encoding="utf-8")
    home.mkdir()
    command = copy.replace("sudo ", "").replace("/opt/technopark-monitor", str(home))
    subprocess.run(command, shell=True, cwd=checkout, check=True, timeout=60)
    copied = sorted(str(p.relative_to(home)) for p in home.rglob("*") if p.is_file())
    assert copied == [".venv-notes.txt", "monitor/cli.py", "sources.yaml"]


# --------------------------------------------------------------------------- notifications


def _listener(address: str) -> socket.socket:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(address)
    sock.settimeout(20)  # every receive is bounded
    return sock


def test_notifications_reach_a_path_and_an_abstract_socket(tmp_path: Path) -> None:
    for name, bind in ((str(tmp_path / "notify"), str(tmp_path / "notify")),
                       (f"@tpm-test-{os.getpid()}", f"\0tpm-test-{os.getpid()}")):
        with _listener(bind) as sock:
            notifier = Notifier({"NOTIFY_SOCKET": name, "WATCHDOG_USEC": "10000000"})
            notifier.ready("polling 3 sources")
            notifier.watchdog()
            notifier.stopping()
            notifier.close()
            assert [sock.recv(4096) for _ in range(3)] == [
                b"READY=1\nSTATUS=polling 3 sources", b"WATCHDOG=1", b"STOPPING=1"]
    assert notifier.wait_at_most(30) == 5.0 and notifier.wait_at_most(2) == 2


def test_no_systemd_no_watchdog_and_a_lost_socket_are_harmless(tmp_path: Path,
                                                                caplog) -> None:
    outside = Notifier({})
    outside.ready("x")  # no socket: nothing to do, nothing raised
    assert outside.wait_at_most(5) == 5
    other_pid = Notifier({"NOTIFY_SOCKET": str(tmp_path / "n"), "WATCHDOG_USEC": "1000000",
                          "WATCHDOG_PID": "1"})
    assert other_pid.watchdog_seconds is None  # the watchdog watches another process
    with caplog.at_level(logging.WARNING, logger="monitor.notify"):
        gone = Notifier({"NOTIFY_SOCKET": str(tmp_path / "nobody-listens")})
        gone.ready("x")
        gone.stopping()
        gone.close()
    assert [r.getMessage() for r in caplog.records] == ["notify.failed"]


def test_the_daemon_says_ready_pings_the_watchdog_and_says_stopping(
        tmp_path: Path, http_server: TestServer, monkeypatch) -> None:
    http_server.route("/feed.xml", rss([{"guid": "a", "title": "t", "link": "http://x/a"}]))
    opts = write_config(tmp_path, [{"name": "feed", "url": http_server.url("/feed.xml"),
                                    "interval": "1h", "fetch_article": "false"}])
    address = str(tmp_path / "notify")
    with _listener(address) as sock:
        monkeypatch.setenv("NOTIFY_SOCKET", address)
        monkeypatch.setenv("WATCHDOG_USEC", "1000000")  # a ping at least every 0.5 s
        daemon = start_daemon(opts)
        try:
            received = [sock.recv(4096)]
            assert received == [b"READY=1\nSTATUS=polling 1 source"], daemon.pid
            for _ in range(3):
                received.append(sock.recv(4096))
            assert received[1:] == [b"WATCHDOG=1"] * 3
        finally:
            stop_daemon(daemon)
        after = []
        sock.settimeout(0)
        while len(after) < 100:  # what was sent before the exit; bounded
            try:
                after.append(sock.recv(4096))
            except BlockingIOError:
                break
    assert daemon.returncode == 0 and b"STOPPING=1" in after
    assert set(after) <= {b"WATCHDOG=1", b"STOPPING=1"}
