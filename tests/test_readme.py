"""Every ```console block in docs/demo.md and README.md is run, in that order (the demo
first: the README's blocks read its database), and must print what it shows; the README's
excerpt of the demo output must be lines the demo really prints.

`UPDATE_README=1 pytest tests/test_readme.py` rewrites the outputs after a deliberate change.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from helpers import REPO

README = REPO / "README.md"
DOCUMENTS = [REPO / "docs" / "demo.md", README]
"""Run in this order."""
BLOCK = re.compile(r"```console\n(.*?)```", re.DOTALL)
BIN = Path(sys.executable).parent


def argv(command: str) -> list[str]:
    """The README's commands, run with this interpreter: `make demo` is the demo command."""
    words = shlex.split(command)
    if words == ["make", "demo"]:
        return [sys.executable, str(REPO / "run.py"), "demo"]
    if words[0] == ".venv/bin/technopark-monitor":
        return [sys.executable, str(REPO / "run.py"), *words[1:]]
    if words[0] == ".venv/bin/sqlite-utils":
        return [str(BIN / "sqlite-utils"), *words[1:]]
    raise AssertionError(f"README runs a command the test does not know: {command}")


VOLATILE = [  # what differs from run to run: ids, ports, clocks, signatures
    (re.compile(r"msg_[0-9a-f]{32}"), "msg_…"),
    (re.compile(r"127\.0\.0\.1:\d+"), "127.0.0.1:…"),
    (re.compile(r"v1,[A-Za-z0-9+/=]+"), "v1,…"),
    (re.compile(r"(webhook-timestamp: )\d+"), r"\1…"),
    (re.compile(r"^(Date: ).*$", re.MULTILINE), r"\1…"),
    (re.compile(r'("created": ")[^"]+'), r"\1…"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"), "…"),
]


def stable(text: str) -> str:
    for pattern, replacement in VOLATILE:
        text = pattern.sub(replacement, text)
    return text


def run(command: str) -> str:
    result = subprocess.run(argv(command), cwd=REPO, capture_output=True, text=True,
                            timeout=120, env={**os.environ, "COLUMNS": "200"})
    return (result.stdout + result.stderr).rstrip("\n")


def commands(block: str) -> list[tuple[str, str]]:
    """[(command, expected output)] of one console block."""
    pairs: list[tuple[str, list[str]]] = []
    for line in block.rstrip("\n").split("\n"):
        if line.startswith("$ "):
            pairs.append((line[2:], []))
        else:
            pairs[-1][1].append(line)
    return [(command, "\n".join(output)) for command, output in pairs]


def test_readme_console_blocks_print_what_they_show() -> None:
    mismatches = []
    demo_output = None
    for document in DOCUMENTS:
        text = document.read_text(encoding="utf-8")
        blocks = BLOCK.findall(text)
        updated = text
        for block in blocks:
            new_block = ""
            for command, expected in commands(block):
                actual = run(command)
                if command == "make demo":
                    demo_output = actual
                new_block += f"$ {command}\n{actual}\n"
                if stable(actual) != stable(expected):
                    mismatches.append(f"{document.name}: $ {command}\n--- documented\n"
                                      f"{expected}\n--- actual\n{actual}")
            updated = updated.replace(f"```console\n{block}```", f"```console\n{new_block}```",
                                      1)
        if mismatches and os.environ.get("UPDATE_README"):
            document.write_text(updated, encoding="utf-8")
    assert demo_output is not None, "docs/demo.md must start with the `make demo` block"
    if not os.environ.get("UPDATE_README"):
        assert not mismatches, "\n\n".join(mismatches)
    excerpt = README.read_text(encoding="utf-8").split("## Quick start", 1)[1]
    excerpt = re.search(r"```text\n(.*?)```", excerpt, re.DOTALL).group(1).splitlines()
    shown = stable(demo_output).splitlines()
    missing = [line for line in excerpt if stable(line) not in shown]
    assert not missing, f"the README's demo excerpt has lines the demo does not print: {missing}"
    assert len(README.read_text(encoding="utf-8").split("## Running it for real")[0]
               .splitlines()) < 45, "keep the README's first screen short"


def test_quick_start_is_two_make_commands() -> None:
    text = README.read_text(encoding="utf-8")
    quick = text.split("## Quick start", 1)[1].split("##", 1)[0]
    assert "make demo" in quick and "make test" in quick
    ci = (REPO / ".ci" / "run").read_text()
    assert re.search(r"^make test$", ci, re.MULTILINE), ".ci/run must run the README's command"
