"""What `check` and `--help` load and keep from one start to the next (issue 9: `--help` under
0.25 s, `check` under 0.5 s; `make bench-startup` times them). Here: that they import none of
the stages they do not use, that the word forms the matcher needs come from the on-disk caches
(and that a missing or broken cache changes no hit), and that the matcher's tables built when
an article of a language first needs them give the same hits in any order."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from bench.accuracy import PRESS
from bench.golden import GOLDEN, articles
from monitor import match, morph
from monitor.cli import cli
from monitor.config import load_rules
from monitor.extract import tidy
from monitor.match import Matcher
from monitor.numbers import read_quantities

from helpers import REPO

HEAVY = ("numpy", "sqlite_utils", "trafilatura", "lxml", "datasketch", "apscheduler",
         "requests", "py3langid", "bs4", "protego", "aiosmtpd")
"""Modules of stages `check` on a text file does not use (the store, fetching, extraction,
stories, the daemon, language guessing when the script decides)."""
STAGES = ("monitor.config", "monitor.match", "monitor.numbers", "pydantic", "yaml",
          "pymorphy3", "ahocorasick")
"""What `check` needs and `--help` does not."""
RUSSIAN = "Выручка Технопарка «Якутия» составила 1,5 млрд рублей в 2023 году.\n"


def imported(*args: str) -> set[str]:
    """The modules a fresh interpreter has loaded after running the CLI with `args`."""
    code = ("import sys\nfrom monitor.cli import cli\ntry:\n"
            f"    cli({list(args)!r}, prog_name='technopark-monitor')\n"
            "except SystemExit:\n    pass\nprint('\\n'.join(sorted(sys.modules)), file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    return set(done.stderr.split())


def test_check_imports_no_stage_it_does_not_use(tmp_path: Path) -> None:
    small = tmp_path / "small.txt"
    small.write_text(RUSSIAN, encoding="utf-8")
    loaded = imported("check", str(small), "--rules", str(REPO / "rules.yaml"))
    assert "monitor.match" in loaded  # it did check
    assert not loaded & set(HEAVY)


def test_help_imports_neither_the_rules_nor_the_matcher() -> None:
    loaded = imported("--help")
    assert "click" in loaded
    assert not loaded & {*HEAVY, *STAGES}


@pytest.mark.parametrize(("command", "collecting"), [("check", False), ("status", True)])
def test_the_cycle_collector_stays_off_for_check_alone(tmp_path: Path, command: str,
                                                        collecting: bool) -> None:
    """`main` starts the CLI with the cycle collector off; every command but `check` (one
    document, then exit) turns it on again: the daemon and polls run for long."""
    small = tmp_path / "small.txt"
    small.write_text(RUSSIAN, encoding="utf-8")
    args = {"check": ["check", str(small)],
            "status": ["status", "--db", str(tmp_path / "none.db")]}[command]
    gc.disable()  # as `main` leaves it
    try:
        CliRunner().invoke(cli, [*args, "--rules", str(REPO / "rules.yaml")])
        assert gc.isenabled() is collecting
    finally:
        gc.enable()


# --------------------------------------------------------------------------- word-form caches


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    """A cache directory of its own, and the matcher's own forms read from it afresh."""
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    match._own_forms.cache_clear()
    yield home
    match._own_forms.cache_clear()


def refuse(*args):
    raise AssertionError(f"forms{args} was computed, not read from a cache")


def test_a_matcher_built_again_reduces_no_word_itself(cache_home, monkeypatch) -> None:
    """Every word the matcher reduces when it is built (the rules' names, places, fallback
    words; its own kind, scope and list words) comes from the caches the first build wrote."""
    rules_path = REPO / "rules.yaml"
    first = Matcher(load_rules(rules_path))
    first.analyse("", "de")  # builds the tables of both Latin variants
    assert (cache_home / "technopark-monitor" / "matcher-forms.json").is_file()
    match._own_forms.cache_clear()
    monkeypatch.setattr(morph, "forms", refuse)
    again = Matcher(load_rules(rules_path))
    assert again.analyse("", "de").hits == []


GARBAGE = [None, b"", b"{not json", b'{"key": "x", "forms": {"en": {}, "de": {}}}', b"\xff\xfe"]


@pytest.mark.parametrize("garbage", GARBAGE)
def test_a_missing_or_broken_matcher_cache_changes_no_hit(cache_home, garbage) -> None:
    """The matcher's own forms, from a good cache, from none, or from a broken file, give the
    same hits; the file is written anew."""
    rules = load_rules(REPO / "rules.yaml")
    texts = [(language, tidy(path.read_text(encoding="utf-8")))
             for _name, language, path in press_sample()]
    cached = cache_home / "technopark-monitor" / "matcher-forms.json"
    Matcher(rules)
    good = cached.read_bytes()
    expected = [Matcher(rules).analyse(text, language).hits for language, text in texts]
    if garbage is None:
        cached.unlink()
    else:
        cached.write_bytes(garbage)
    match._own_forms.cache_clear()
    morph.forms.cache_clear()
    assert [Matcher(rules).analyse(text, language).hits for language, text in texts] == expected
    assert json.loads(cached.read_bytes()) == json.loads(good)


# --------------------------------------------------------------------------- lazy tables


def press_sample() -> list[tuple[str, str, Path]]:
    """The first three labelled press articles of each language."""
    found = articles(PRESS, sorted(PRESS.glob("labels-*.yaml")))
    return [a for language in ("ru", "en", "de") for a in
            [a for a in found if a[1] == language][:3]]


def test_each_language_on_a_fresh_matcher_gives_the_golden_hits() -> None:
    """A matcher builds a variant's tables when an article first needs them (German ones
    with the English vocabulary): a Russian, English or German article as the first a matcher
    sees gets the hits the golden file holds for it (made by one matcher, German first)."""
    golden = json.loads(GOLDEN.read_text(encoding="utf-8"))["press"]
    rules = load_rules(REPO / "rules.yaml")
    for name, language, path in press_sample():
        analysis = Matcher(rules).analyse(tidy(path.read_text(encoding="utf-8")), language)
        assert [h.public() for h in analysis.hits + analysis.candidates] == golden[name], name


def test_the_analyzer_loads_the_dictionary_pymorphy3_would_find_for_russian() -> None:
    """`morph.analyzer` names its dictionary's path rather than having pymorphy3 look the
    language up among every installed package's entry points: the same dictionary."""
    from pymorphy3.analyzer import lang_dict_path

    analyzer = morph.analyzer()
    assert analyzer.lang == "ru"
    assert Path(analyzer.dictionary.path) == Path(lang_dict_path("ru"))


@pytest.mark.parametrize(("text", "language", "value", "end"), [
    ("Сто двадцать компаний стали резидентами.", "ru", 120, 12),
    ("Twelve companies became residents.", "en", 12, 6),
    ("Zwölf Unternehmen sind Residenten.", "de", 12, 5),
    ("Zweihundert Firmen sind Residenten.", None, 200, 11),
])
def test_a_number_word_at_the_very_start_of_a_text_is_read(text, language, value, end) -> None:
    """The figure reader finds number words at the start of a text with the pattern it uses
    after a word boundary (one large pattern compiled, not two)."""
    (quantity,) = read_quantities(text, language)
    assert (quantity.value, quantity.start, quantity.end) == (value, 0, end)
    (inside,) = read_quantities("Итого: " + text, language)
    assert (inside.value, inside.end - inside.start) == (value, end)


def test_the_console_script_starts_through_main() -> None:
    """`technopark-monitor` enters at `main`, which starts the CLI with the cycle collector
    off, as `python run.py` does; entering at the click group would skip that."""
    import tomllib

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["scripts"]["technopark-monitor"] == "monitor.cli:main"
