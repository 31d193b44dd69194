"""The command line as a user types it: check, status, help."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.store import utcnow

from helpers import REPO, RULES, article_page, invoke, write_config
from httpserver import TestServer

HIT_FIELDS = ["kind", "rule", "organisation", "metric", "value", "unit", "matched", "start",
              "end", "snippet", "qualifier", "year", "mentions"]


@pytest.fixture
def rules(tmp_path: Path) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return str(path)


def test_check_json_on_an_html_file(tmp_path: Path, rules: str) -> None:
    page = tmp_path / "article.html"
    page.write_text(article_page("Новости Сколково", "Резиденты: Технопарк «Якутия» и Skolkovo."),
                    encoding="utf-8")
    result = invoke("check", str(page), "--json", "--rules", rules)
    data = json.loads(result.output)
    assert list(data) == ["language", "title", "hits"]
    assert data["language"] == "ru" and data["title"] == "Новости Сколково"
    assert [list(h) for h in data["hits"]] == [HIT_FIELDS] * 3
    title, yakutia, skolkovo = data["hits"]
    assert (title["matched"], title["snippet"]) == ("Сколково", "Новости Сколково")
    assert yakutia["kind"] == "organisation" and yakutia["rule"] == "technopark-yakutia"
    assert yakutia["metric"] is None and yakutia["value"] is None and yakutia["unit"] is None
    assert yakutia["matched"] == "Технопарк «Якутия»"
    assert yakutia["snippet"] == "Резиденты: Технопарк «Якутия» и Skolkovo."
    assert skolkovo["organisation"] == "skolkovo"


def test_check_text_from_stdin_with_lang(rules: str) -> None:
    result = CliRunner().invoke(cli, ["check", "-", "--json", "--lang", "de", "--rules", rules],
                                input="Der Technopark Jakutien wächst.\n")
    data = json.loads(result.output)
    assert data["language"] == "de" and data["title"] is None
    (hit,) = data["hits"]
    assert (hit["matched"], hit["start"], hit["end"]) == ("Technopark Jakutien", 4, 23)


def test_check_a_url(http_server: TestServer, rules: str) -> None:
    http_server.route("/a.html", article_page("Skolkovo news", "Skolkovo grows.", lang="en"),
                      content_type="text/html; charset=utf-8")
    result = invoke("check", http_server.url("/a.html"), "--rules", rules)
    assert result.exit_code == 0
    assert "language: en" in result.output and "skolkovo" in result.output
    missing = CliRunner().invoke(cli, ["check", http_server.url("/gone"), "--rules", rules])
    assert missing.exit_code == 1 and "HTTP 404" in missing.output


def test_check_no_hits_and_missing_file(tmp_path: Path, rules: str) -> None:
    text = tmp_path / "note.txt"
    text.write_text("Ничего интересного.", encoding="utf-8")
    assert invoke("check", str(text), "--rules", rules).output.endswith("no hits\n")
    result = CliRunner().invoke(cli, ["check", str(tmp_path / "nope.txt"), "--rules", rules])
    assert result.exit_code == 1 and "No such file" in result.output


def test_status_table(tmp_path: Path) -> None:
    opts = write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"},
                                   {"name": "beta", "url": "http://127.0.0.1:9/b",
                                    "enabled": "false"}])
    invoke("poll", *opts)
    lines = invoke("status", *opts).output.splitlines()
    assert lines[0] == "daemon: not running"
    # No daemon, so no "next run": nothing would run then.
    assert lines[1].split() == ["source", "enabled", "last", "success", "last", "error",
                                "failures", "articles"]
    alpha = next(line for line in lines if line.startswith("alpha"))
    assert "never" in alpha and "connection refused" in alpha and alpha.split()[-2:] == ["1", "0"]
    beta = next(line for line in lines if line.startswith("beta"))
    assert beta.split()[1] == "no"
    assert lines[-1] == "alerts: 0 pending, 0 dead"


def test_status_shows_the_running_daemon_and_alert_counts(tmp_path: Path) -> None:
    """A live daemon's row (here: this process, with a fresh heartbeat) shows as running with
    the next runs; a row left by a daemon killed long ago does not. Alerts are counted by
    status, pending and dead always."""
    opts = write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"}])
    invoke("poll", *opts)
    now = utcnow()
    conn = sqlite3.connect(tmp_path / "monitor.db")
    with conn:
        conn.execute("INSERT INTO daemon VALUES (1, ?, ?, ?, ?)",
                     (os.getpid(), socket.gethostname(), "2026-11-27T08:00:00Z", now))
        conn.executemany(
            "INSERT INTO alerts (id, alert, target, kind, status, due, next_attempt, queued, "
            "created) VALUES (?, 'a', 'webhook:x', 'article', ?, ?, ?, ?, ?)",
            [(f"msg_{i}", status, now, now, now, now)
             for i, status in enumerate(["pending", "dead", "dead", "sent"])])
    output = invoke("status", *opts).output
    assert output.startswith(f"daemon: running (pid {os.getpid()} on {socket.gethostname()}, "
                             f"since 2026-11-27T08:00:00Z, last heartbeat {now})\n")
    assert "next run" in output.splitlines()[1]
    assert output.endswith("alerts: 1 pending, 2 dead, 1 sent\n")
    with conn:
        conn.execute("UPDATE daemon SET heartbeat = '2026-01-01T00:00:00Z'")
    conn.close()
    output = invoke("status", *opts).output
    assert output.startswith(f"daemon: not running (last seen: pid {os.getpid()} on ")
    assert "next run" not in output


ALL_PATHS = ("--sources", "--rules", "--db")


@pytest.mark.parametrize("command, options", [
    ("run", ALL_PATHS), ("poll", ALL_PATHS), ("status", ALL_PATHS), ("alerts", ALL_PATHS),
    ("check", ("--rules",)), ("demo", ("--rules", "--db")),
])
def test_every_command_has_help_with_an_example(command: str, options: tuple[str, ...]) -> None:
    """Each command offers exactly the paths it reads: `check` reads only the rules, `demo`
    its own sample sources."""
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example" in result.output and f"technopark-monitor {command}" in result.output
    assert [o for o in ALL_PATHS if o in result.output] == list(options)


def test_check_refuses_options_it_would_not_read(tmp_path: Path, rules: str) -> None:
    for option in ("--sources", "--db"):
        result = CliRunner().invoke(cli, ["check", "-", "--rules", rules, option,
                                          str(tmp_path / "x")], input="Сколково\n")
        assert result.exit_code == 2 and f"No such option '{option}'" in result.output
    assert not (tmp_path / "x").exists()


def test_check_explain_shows_forms(tmp_path: Path, rules: str) -> None:
    result = CliRunner().invoke(cli, ["check", "-", "--explain", "--rules", rules],
                                input="Резиденты технопарка «Якутия» растут.\n")
    assert result.exit_code == 0
    assert "hit 1: organisation technopark-yakutia «технопарка «Якутия»»" in result.output
    assert "words: технопарка→технопарк Якутия→якутия" in result.output
    assert "[1] Резиденты→резидент технопарка→технопарк Якутия→якутия растут→расти" in \
        result.output


@pytest.mark.parametrize("args", [["status"], ["alerts"], ["alerts", "retry", "--dead"]])
def test_read_only_commands_refuse_a_missing_database(tmp_path: Path, args: list[str]) -> None:
    opts = write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"}])
    missing = tmp_path / "typo.db"
    command = [*args[:1], *opts, "--db", str(missing), *args[1:]]
    result = CliRunner().invoke(cli, command)
    assert result.exit_code == 2
    assert f"{missing}: no such database" in result.output
    assert not missing.exists()


def test_run_py_works_from_an_interpreter_without_the_dependencies() -> None:
    """`python run.py` with a Python that lacks the dependencies (here: -S, no site-packages)
    hands over to .venv/bin/python instead of failing with ModuleNotFoundError."""
    if not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in the checkout (make test creates it)")
    result = subprocess.run([sys.executable, "-S", str(REPO / "run.py"), "--version"],
                            capture_output=True, text=True, timeout=60, cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("technopark-monitor, version")


@pytest.mark.parametrize("content", [b"", b"not a database at all\n", "other-sqlite"])
def test_read_only_commands_refuse_a_file_that_is_not_a_monitor_database(
        tmp_path: Path, content: bytes | str) -> None:
    """An empty file, a text file or another program's SQLite database is refused and left
    exactly as it was (found by review: `status` gave an empty file our tables)."""
    opts = write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"}])
    other = tmp_path / "other.db"
    if content == "other-sqlite":
        conn = sqlite3.connect(other)
        conn.execute("CREATE TABLE notes (body TEXT)")
        conn.commit()
        conn.close()
    else:
        other.write_bytes(content)
    before = other.read_bytes()
    for args in (["status"], ["alerts"]):
        result = CliRunner().invoke(cli, [*args, *opts, "--db", str(other)])
        assert result.exit_code == 2, result.output
        assert f"{other}: not a technopark-monitor database" in result.output
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("other")) == \
        ["other.db"]


def test_status_reads_and_does_not_write(tmp_path: Path) -> None:
    """A source added to sources.yaml since the last poll is listed as never polled, and the
    database is not changed by `status` (found by review: it mirrored the sources first)."""
    opts = write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"}])
    invoke("poll", *opts)
    write_config(tmp_path, [{"name": "alpha", "url": "http://127.0.0.1:9/a"},
                            {"name": "beta", "url": "http://127.0.0.1:9/b"}])
    lines = invoke("status", *opts).output.splitlines()
    beta = next(line for line in lines if line.startswith("beta"))
    assert beta.split()[:3] == ["beta", "yes", "never"]
    with sqlite3.connect(tmp_path / "monitor.db") as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sources ORDER BY name")]
    assert names == ["alpha"]


def test_an_argument_that_is_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    """A Latin-1 terminal's "--organisation é" reaches Python as a lone surrogate, which
    SQLite, URLs and ids refuse with a traceback deep inside a command."""
    done = subprocess.run([sys.executable, str(REPO / "run.py"), "export", "--format", "atom",
                           "--organisation", b"caf\xe9", "--db", str(tmp_path / "none.db")],
                          capture_output=True, text=True, timeout=60, cwd=REPO,
                          env={**os.environ, "LC_ALL": "C.UTF-8"})
    assert done.returncode == 2
    assert "not UTF-8 text" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "none.db").exists()
