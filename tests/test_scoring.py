"""The scorer of `make bench-accuracy` and the seed test (bench/scoring.py) on hand-made hits."""

from __future__ import annotations

import pytest

from bench.scoring import Expected, ExpectedFigure, Resolver, score
from monitor.config import load_rules
from monitor.match import Matcher
from monitor.records import Hit

from helpers import REPO


def _figure(value: float, qualifier: str | None = None) -> Hit:
    return Hit(kind="metric", rule="revenue", organisation=None, metric="revenue", value=value,
               unit="RUB", matched=f"{value:g}", start=0, end=1, snippet="",
               qualifier=qualifier)


@pytest.fixture(scope="module")
def resolve() -> Resolver:
    return Resolver(Matcher(load_rules(REPO / "rules.yaml")))


@pytest.mark.parametrize(("hits", "reported", "found", "forbidden"), [
    # A cap the text states is neither a reported figure nor a forbidden value read ...
    ([_figure(1e6, "limit")], 0, 0, 0),
    # ... while the same value stated plainly is both.
    ([_figure(1e6)], 1, 0, 1),
    ([_figure(1e6, "more_than")], 1, 0, 1),
    # A cap an analyst expects ("a grant of up to 2 million rubles") is found and counted.
    ([_figure(2e6, "limit")], 1, 1, 0),
    ([_figure(2e6, "limit"), _figure(1e6, "limit")], 1, 1, 0),
])
def test_limits_are_not_reported_figures(resolve: Resolver, hits: list[Hit], reported: int,
                                         found: int, forbidden: int) -> None:
    expected = Expected("a.txt", "en", (), (ExpectedFigure(2e6, "RUB", "revenue", None),),
                        forbidden=(1e6,))
    result = score(expected, hits, resolve)
    assert (result.figures_reported, result.figures_found, result.forbidden_read) == \
        (reported, found, forbidden)


@pytest.mark.parametrize(("hint", "metric"), [
    ("revenue", "revenue"),            # an id
    ("value added", "value_added"),    # an id, spaces for underscores
    ("sales", "revenue"),              # a keyword of the metric
    ("Umsatz", "revenue"),
    ("dividends", "dividends"),        # names no metric: compared as written
    (None, None),
])
def test_a_metric_hint_names_the_metric_of_that_id_or_keyword(
        resolve: Resolver, hint: str | None, metric: str | None) -> None:
    assert resolve.metric(hint) == metric
