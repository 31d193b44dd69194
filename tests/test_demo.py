"""The demo runs offline: any connection or lookup beyond 127.0.0.1 makes it fail."""

from __future__ import annotations

import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from monitor.cli import cli
from monitor.demo import DEMO_APPLICATION_ID, demo_sources
from monitor.store import Store

from helpers import REPO
from receivers import WebhookReceiver

GUARD = '''
import ipaddress, socket
_connect, _getaddrinfo = socket.socket.connect, socket.getaddrinfo
def _loopback(host):
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return host == "localhost"
def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6) and not _loopback(address[0]):
        raise OSError(f"demo guard: connection to {address[0]} refused")
    return _connect(self, address)
def getaddrinfo(host, *args, **kwargs):
    if host is not None and not _loopback(host):
        raise OSError(f"demo guard: lookup of {host} refused")
    return _getaddrinfo(host, *args, **kwargs)
socket.socket.connect, socket.getaddrinfo = connect, getaddrinfo
'''


def test_demo_works_with_no_network_beyond_loopback(tmp_path: Path) -> None:
    (tmp_path / "sitecustomize.py").write_text(GUARD)
    db = tmp_path / "demo.db"
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run([sys.executable, str(REPO / "run.py"), "demo", "--db", str(db)],
                            cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "demo guard" not in result.stdout + result.stderr
    assert result.stdout.rstrip().splitlines()[-1] == f"  make review DB={db}"
    for name in ("demo-ru", "demo-en", "demo-de"):
        assert f"{name}: " in result.stdout and f"{name}: failed" not in result.stdout
    conn = sqlite3.connect(db)
    by_language = dict(conn.execute(
        "select language, count(*) from hits_view group by language").fetchall())
    metrics_by_language = dict(conn.execute(
        "select language, count(*) from hits_view where kind = 'metric' group by language"))
    assert set(metrics_by_language) == {"ru", "en", "de"}
    extracted = dict(conn.execute(
        "select extracted_from, count(*) from articles group by extracted_from").fetchall())
    conn.close()
    assert set(by_language) == {"ru", "en", "de"} and all(by_language.values())
    assert extracted == {"page": 10}  # every article page was fetched and extracted
    # the guard itself works: a public address is refused in the same environment
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection("
                            "('192.0.2.1', 80), timeout=1)"], env=env, capture_output=True,
                           text=True, timeout=30)
    assert "demo guard" in probe.stderr


def users_rules(tmp_path: Path, webhook_url: str) -> Path:
    """The shipped rules with the user's own alert, health target and mail server added (and
    the registry files they include, copied beside them)."""
    text = (REPO / "rules.yaml").read_text(encoding="utf-8").replace("alerts: []\n", f"""\
alerts:
  - name: my-revenue
    when: {{metric: revenue}}
    targets:
      - webhook: {webhook_url}
      - email: [me@example.org]
health:
  target:
    webhook: {webhook_url}
smtp:
  host: 127.0.0.1
  port: 9
  security: none
  from_address: monitor@example.org
""")
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    return path


def test_demo_uses_only_its_own_alerts_and_replaces_only_its_own_database(
        tmp_path: Path, webhook_receiver: WebhookReceiver) -> None:
    rules, db = users_rules(tmp_path, webhook_receiver.url), tmp_path / "demo.db"
    for _run in range(2):  # the second run replaces the first run's database
        result = CliRunner().invoke(cli, ["demo", "--rules", str(rules), "--db", str(db)])
        assert result.exit_code == 0, result.output
        assert "Alert rule 'big-figures'" in result.output
    assert webhook_receiver.deliveries == []
    conn = sqlite3.connect(db)
    alerts = conn.execute("select alert, count(*) from alerts group by alert").fetchall()
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    assert [name for name, _count in alerts] == ["big-figures"]
    assert articles == 10  # one run's articles, not two


def test_demo_help_gives_one_default_database() -> None:
    result = CliRunner().invoke(cli, ["demo", "--help"])
    assert "[default: db/demo.db]" in result.output
    assert "monitor.db" not in result.output and "--sources" not in result.output


def test_demo_replaces_a_demo_database_of_an_earlier_release(tmp_path: Path) -> None:
    """Before the mark, a demo database was one holding only the demo's sources."""
    db = tmp_path / "demo.db"
    with Store(db) as store:
        store.sync_sources(demo_sources("http://127.0.0.1:9"))
    assert db.read_bytes()[68:72] != DEMO_APPLICATION_ID.to_bytes(4, "big")
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert db.read_bytes()[68:72] == DEMO_APPLICATION_ID.to_bytes(4, "big")


def test_the_review_command_the_demo_ends_with_serves_that_database(tmp_path: Path) -> None:
    """`make review DB=...`, as the demo prints it, runs `browse` on that file (the page
    itself: tests/test_review_page.py)."""
    db = tmp_path / "my demo.db"
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 0, result.output
    command = result.output.rstrip().splitlines()[-1].strip()
    assert command == f"make review DB='{db}'"
    # make's defaults; and not as a sub-make of `make test`, which prints "Leaving directory"
    env = {k: v for k, v in os.environ.items()
           if k not in ("DB", "PORT", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")}
    plan = subprocess.run([*shlex.split(command), "--dry-run"], cwd=REPO, capture_output=True,
                          text=True, timeout=60, env=env)
    assert plan.returncode == 0, plan.stderr
    assert shlex.split(plan.stdout.splitlines()[-1])[1:] == ["browse", "--db", str(db),
                                                             "--port", "8001"]
