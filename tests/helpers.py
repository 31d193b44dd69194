"""Shared test helpers: config files on disk and the CLI run as a user runs it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from click.testing import CliRunner, Result

from monitor.cli import cli

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
