"""The five seed articles (../shared/seeds/, real press the product was specified from) read
with the shipped rules through `check --json`, against what an analyst expects of each
(expected.yaml): every organisation, every figure with its value, unit and organisation, and
no forbidden value.

Each expected item is its own test case. The items the engine does not read yet are listed in
KNOWN_MISSES and marked as strict expected failures: a regression on a passing item fails, and
so does a miss that starts passing, until it is taken off the list. The list only shrinks.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from bench.accuracy import SEED_FORBIDDEN, SEEDS
from bench.scoring import Expected, Resolver, load_expectations, ratio, score
from monitor.cli import cli
from monitor.config import load_rules
from monitor.match import Matcher
from monitor.records import Hit

from helpers import REPO

if not (SEEDS / "expected.yaml").is_file():
    pytest.skip(f"the seed articles are not at {SEEDS} (shared/ beside the checkout); "
                "CI has them", allow_module_level=True)

EXPECTED = {e.name: e for e in load_expectations(SEEDS / "expected.yaml",
                                                 forbidden=SEED_FORBIDDEN)}
KNOWN_MISSES: set[str] = set()


def _cases() -> list:
    cases = []
    for name, expected in EXPECTED.items():
        number = name[:3]
        ids = [f"{number} organisation {o}" for o in expected.organisations]
        ids += [f"{number} figure {f.value:.0f} {f.unit}" for f in expected.figures]
        ids.append(f"{number} no forbidden value")
        for index, case_id in enumerate(ids):
            marks = [pytest.mark.xfail(strict=True, reason="not read yet (issue 8)")] \
                if case_id in KNOWN_MISSES else []
            cases.append(pytest.param(name, index, id=case_id, marks=marks))
    return cases


_checked: dict[str, list[Hit]] = {}


def _hits(name: str) -> list[Hit]:
    """`check --json` on the seed, as a user runs it, once per seed."""
    if name not in _checked:
        expected = EXPECTED[name]
        result = CliRunner().invoke(cli, ["check", str(SEEDS / name), "--json", "--lang",
                                          expected.language, "--rules", str(REPO / "rules.yaml")])
        assert result.exit_code == 0, result.output
        fields = set(Hit.__dataclass_fields__)
        _checked[name] = [Hit(**{k: v for k, v in hit.items() if k in fields})
                          for hit in json.loads(result.output)["hits"]]
    return _checked[name]


@pytest.fixture(scope="module")
def resolve() -> Resolver:
    return Resolver(Matcher(load_rules(REPO / "rules.yaml")))


def _only(expected: Expected, index: int) -> Expected:
    """The expectation narrowed to its index-th item (organisations, figures, then the
    forbidden values), so each item is scored alone."""
    organisations, figures = expected.organisations, expected.figures
    if index < len(organisations):
        return Expected(expected.name, expected.language, (organisations[index],), ())
    index -= len(organisations)
    if index < len(figures):
        return Expected(expected.name, expected.language, (), (figures[index],))
    return Expected(expected.name, expected.language, (), (), expected.forbidden)


@pytest.mark.parametrize("name, index", _cases())
def test_seed_article_item(name: str, index: int, resolve: Resolver) -> None:
    item = _only(EXPECTED[name], index)
    result = score(item, _hits(name), resolve)
    if item.organisations:
        assert result.organisations_found == 1, result.misses
    elif item.figures:
        assert result.figures_found == 1 and result.organisation_right == 1, result.misses
    else:
        assert result.forbidden_read == 0, [m for m in result.misses if "forbidden" in m]


def test_the_seed_scorer_can_fail(resolve: Resolver) -> None:
    """The scorer itself: an article read with no rules finds nothing it expects."""
    expected = next(iter(EXPECTED.values()))
    empty = score(expected, [], resolve)
    assert empty.organisations_found == 0 and empty.figures_found == 0
    assert ratio(0, 0) == 1.0
