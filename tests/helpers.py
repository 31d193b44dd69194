"""Shared test helpers: config files on disk and the CLI run as a user runs it."""

from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import cli
from monitor.config import load
from monitor.fetch import Fetcher
from monitor.match import Matcher
from monitor.pipeline import Poller
from monitor.store import Store

REPO = Path(__file__).resolve().parent.parent

RULES = """\
organisations:
  - id: technopark-yakutia
    name: Технопарк «Якутия»
    aliases:
      ru: [Технопарк Якутия]
      en: [Technopark Yakutia]
      de: [Technopark Jakutien]
  - id: skolkovo
    name: Сколково
    aliases:
      en: [Skolkovo]
      de: [Skolkowo]
alerts: []
"""


def rss(items: list[dict], language: str = "ru") -> str:
    """A small RSS 2.0 document; each item dict has guid, title, link, description."""
    body = "".join(
        f"<item><guid>{i['guid']}</guid><title>{i['title']}</title><link>{i['link']}</link>"
        f"<description>{i.get('description', '')}</description>"
        f"<pubDate>{i.get('pubDate', 'Mon, 02 Mar 2026 10:00:00 +0000')}</pubDate></item>"
        for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>Test feed</title><language>{language}</language>{body}</channel></rss>")


def article_page(title: str, *paragraphs: str, lang: str = "ru") -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html lang="{lang}"><head><title>{title}</title></head><body>'
            "<nav><a href='/'>Главная</a> <a href='/news'>Новости</a></nav>"
            f"<article><h1>{title}</h1>{body}</article>"
            "<footer>© 2026 Sample News. All rights reserved.</footer></body></html>")


def webhook_alert_rules(url: str, extra: str = "") -> str:
    """rules.yaml with one organisation and an immediate alert on it to a webhook."""
    return alert_rules(f"webhook: {url}", extra=extra)


def alert_rules(*targets: str, extra: str = "") -> str:
    """rules.yaml with one organisation and an immediate alert `yakutia` on it to `targets`
    (each a YAML flow mapping or `key: value` line), then `extra` sections."""
    listed = "".join(f"\n      - {target}" for target in targets)
    return f"""\
organisations:
  - id: technopark-yakutia
    name: Технопарк «Якутия»
alerts:
  - name: yakutia
    when: {{organisation: technopark-yakutia}}
    targets:{listed}
{extra}"""


def write_config(tmp_path: Path, sources: list[dict], rules: str = RULES) -> list[str]:
    """Write sources.yaml and rules.yaml into tmp_path; returns the CLI path options."""
    lines = ["sources:"]
    for s in sources:
        lines.append(f"  - name: {s['name']}")
        lines += [f"    {k}: {v}" for k, v in s.items() if k != "name"]
    (tmp_path / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "rules.yaml").write_text(textwrap.dedent(rules), encoding="utf-8")
    return ["--sources", str(tmp_path / "sources.yaml"), "--rules", str(tmp_path / "rules.yaml"),
            "--db", str(tmp_path / "monitor.db")]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def run_cli(*args: str, cwd: Path = REPO, timeout: float = 120,
            **kwargs) -> subprocess.CompletedProcess:
    """The CLI in a child process, exactly as `python run.py ...`."""
    return subprocess.run([sys.executable, str(REPO / "run.py"), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, **kwargs)


def db_rows(tmp_path: Path, sql: str) -> list[dict]:
    """Rows of a query on the test's database, as a user would see them."""
    conn = sqlite3.connect(tmp_path / "monitor.db")
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql)]
    finally:
        conn.close()


def wait_for(predicate, timeout: float = 20.0) -> bool:
    """Poll `predicate` until it holds or `timeout` seconds pass (a bounded loop)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def open_poller(opts: list[str]) -> tuple[Store, Fetcher, Poller]:
    """The store, fetcher and poller `poll` would use for the config `write_config` wrote, for
    tests that need the store's own connection (to cap its size, say). Close both after."""
    config = load(Path(opts[1]), Path(opts[3]))
    store = Store(opts[5])
    store.sync_sources(config.sources.sources)
    store.sync_rules(config.rules)
    fetcher = Fetcher(config.sources.fetch)
    return store, fetcher, Poller(store, fetcher, Matcher(config.rules))


def laughs(levels: int, item: str = "lol") -> str:
    """A "billion laughs" YAML mapping: keys a, b, ... each a list of nine of the one before
    (as aliases), so the last holds 9**levels copies of `item`."""
    names = "abcdefghijklmnopqrstuvwxyz"[:levels]
    out = [f"a: &a [{','.join([item] * 9)}]\n"]
    out += [f"{b}: &{b} [{','.join([f'*{a}'] * 9)}]\n" for a, b in
            zip(names, names[1:], strict=False)]
    return "".join(out)


def count(db: Path, sql: str) -> int:
    """One number from the database; 0 while the file or its tables do not exist yet."""
    if not db.exists():
        return 0
    conn = sqlite3.connect(db, timeout=10)
    try:
        return conn.execute(sql).fetchone()[0]
    except sqlite3.OperationalError:  # tables not created yet
        return 0
    finally:
        conn.close()


def start_daemon(opts: list[str], log: Path | None = None) -> subprocess.Popen:
    """`run` in a child process; its stderr goes to `log` when given, so a test can read the
    log while the daemon runs."""
    stderr = log.open("w", encoding="utf-8") if log else subprocess.PIPE
    try:
        return subprocess.Popen([sys.executable, str(REPO / "run.py"), "run", *opts], cwd=REPO,
                                stdout=subprocess.PIPE, stderr=stderr, text=True)
    finally:
        if log:
            stderr.close()


def stop_daemon(daemon: subprocess.Popen, within: float = 30) -> float:
    """SIGTERM, then wait for the exit; returns the seconds it took."""
    daemon.send_signal(signal.SIGTERM)
    started = time.monotonic()
    daemon.communicate(timeout=within)
    return time.monotonic() - started
