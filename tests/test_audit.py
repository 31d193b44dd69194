"""The outside audit's matrix, one test per hole it found (issue 7), run against real parts:
a loopback HTTP server, real SMTP and webhook receivers, a real SQLite file.

Each section is one family of the audit: bad links, slow targets, slow sources, SSRF forms
(backslash, redirects, DNS rebinding, IPv6), ReDoS, YAML bombs, encodings, full disk and
outbox rows. Every test here failed before its fix.
"""

from __future__ import annotations

import re
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

from monitor.cli import cli
from monitor.config import Source, load_rules, load_sources
from monitor.errors import ConfigError
from monitor.store import Store

from helpers import laughs

# ---- configuration and demo ----

LAUGHS = laughs(9)
"""The audit's "billion laughs": 9**9 strings from a few hundred bytes of aliases."""


@pytest.mark.parametrize("name, head", [("rules.yaml", "organisations: []\n"),
                                        ("sources.yaml", "sources: []\n")])
def test_yaml_alias_bomb_is_refused_at_its_alias_with_little_memory(
        tmp_path: Path, name: str, head: str) -> None:
    path = tmp_path / name
    path.write_text(head + LAUGHS, encoding="utf-8")
    load = load_rules if name == "rules.yaml" else load_sources
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError) as info:
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024
    (problem,) = info.value.problems
    assert re.fullmatch(rf"{name}:\d+: [a-i]\[\d\]: the YAML alias \*[a-h] makes the aliases "
                        r"of this file expand to more than 10,000 values .*", problem), problem


def test_bare_interval_is_refused_not_read_as_seconds(tmp_path: Path) -> None:
    path = tmp_path / "sources.yaml"
    path.write_text("sources:\n  - name: a\n    url: https://a.example/rss\n    interval: 5\n",
                    encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.problems == [
        "sources.yaml:4: sources[0].interval: 5 has no unit: write 5s, 5m, 5h or 5d"]


def test_alias_of_30000_words_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text("organisations:\n  - id: a\n    name: A\n    aliases:\n      ru:\n"
                    f"        - {' '.join(['слово'] * 30_000)}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert info.value.problems == [
        "rules.yaml:6: organisations[0].aliases.ru[0]: too long: 30,000 words (at most 20 words "
        "and 200 characters)"]


def test_organisations_sharing_an_alias_are_refused_with_both_lines(tmp_path: Path) -> None:
    entries = [("alpha", "Альфа"), ("yakutia", "Технопарк «Якутия»"), ("beta", "Бета"),
               ("copy", "Копия")]
    text = "organisations:\n" + "".join(
        f"  - id: {ident}\n    name: {name}\n    aliases:\n      ru: [{name}, Другое {i}]\n"
        for i, (ident, name) in enumerate(entries))
    path = tmp_path / "rules.yaml"
    path.write_text(text.replace("Другое 3", "технопарке Якутия"), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(path)
    assert info.value.problems == [
        "rules.yaml:17: organisations[3].aliases.ru[1]: alias 'технопарке Якутия' is also used "
        "by organisations[1] (line 7)"]


def test_demo_refuses_a_users_database_and_leaves_it_untouched(tmp_path: Path) -> None:
    db = tmp_path / "monitor.db"
    with Store(db) as store:
        store.sync_sources([Source(name="mine", url="https://news.example/rss")])
    before = db.read_bytes()
    files = sorted(tmp_path.iterdir())
    result = CliRunner().invoke(cli, ["demo", "--db", str(db)])
    assert result.exit_code == 2
    assert f"Error: {db}: not a demo database; the demo leaves it alone" in result.output
    assert db.read_bytes() == before and sorted(tmp_path.iterdir()) == files
