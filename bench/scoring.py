"""Scoring the matcher against what an analyst expects of an article.

Shared by `make bench-accuracy` (the team's own labelled press corpus, bench/press/) and the
seed test (the five real articles in ../shared/seeds/ with their expected.yaml), so both count
in the same way:

- An expected organisation is named as an analyst writes it (its Russian name, "Технопарк
  «Якутия»"). It is resolved to a rule id by running the rules' own matcher on that name, so a
  label never hard-codes an id, and a name the registry does not know counts as missed.
- An expected figure is found when a figure hit has its value (after scale words) and unit;
  among several such hits the one with the expected metric and organisation is taken, and a hit
  serves one expected figure only. Found figures are then checked for the right metric and the
  right organisation (`None` when the figure is about no organisation).
- Every other figure hit counts against precision, and a hit whose value is listed as
  forbidden (a year, a date, a phone number, a ratio) counts as a forbidden value read. A hit
  with qualifier "limit" is a cap the text states ("revenue does not exceed 1 million
  rubles"), which issue 8 allows at most as such, never as a reported figure: it serves an
  expected figure when one has its value (a grant of "up to 2 million rubles"), and otherwise
  is not counted as a figure at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from monitor.match import Matcher
from monitor.records import Hit

UNIT_OF_HIT = {"people": "count"}
"""Hit units that an analyst's label writes otherwise."""
LIMIT = "limit"
"""The qualifier of a cap or threshold: a rule the text states, not a figure it reports."""


@dataclass(frozen=True)
class ExpectedFigure:
    value: float
    unit: str
    metric: str | None
    organisation: str | None
    """The organisation's name as the label writes it; None for a country, region or sector."""
    qualifier: str | None = None
    text: str = ""


@dataclass(frozen=True)
class Expected:
    """What an analyst expects one article to report."""

    name: str
    language: str
    organisations: tuple[str, ...]
    figures: tuple[ExpectedFigure, ...]
    forbidden: tuple[float, ...] = ()


def _figure(item: dict) -> ExpectedFigure:
    return ExpectedFigure(value=float(item["value"]), unit=str(item["unit"]),
                          metric=item.get("metric"), organisation=item.get("organisation"),
                          qualifier=item.get("qualifier"), text=str(item.get("text", "")))


_WRITTEN = re.compile(r"\s*\((?:written|написано)\b.*\)\s*$")


def load_expectations(path: Path, forbidden: Iterable[float] = ()) -> list[Expected]:
    """A labels file: {file name: {language, organisations, figures, forbidden}}. An
    organisation may carry a note in brackets, as expected.yaml does: "ОЭЗ «Томск» (written
    "the special economic zone ...")"; the note is not part of the name."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out = []
    for name, item in data.items():
        out.append(Expected(
            name=name, language=item["language"],
            organisations=tuple(_WRITTEN.sub("", o) for o in item.get("organisations") or ()),
            figures=tuple(_figure(f) for f in item.get("figures") or ()),
            forbidden=tuple(float(v) for v in [*(item.get("forbidden") or ()), *forbidden])))
    return out


class Resolver:
    """Organisation names as analysts write them, to rule ids, by the rules' own matcher; and
    metric hints to metric ids."""

    def __init__(self, matcher: Matcher):
        self.matcher = matcher
        self._cache: dict[str, str | None] = {}
        self._metrics: dict[str, str] = {}
        for metric in matcher.rules.metrics:
            for words in metric.keywords.values():
                self._metrics.update((word.lower(), metric.id) for word in words)
        for metric in matcher.rules.metrics:
            self._metrics[metric.id.replace("_", " ").lower()] = metric.id

    def metric(self, hint: str | None) -> str | None:
        """The id of the metric a label's hint names: expected.yaml writes the kind of figure
        ("value added", "sales") and leaves the id to the project; a hint names the metric
        whose id it is (with spaces for underscores) or one of whose keywords it is."""
        return None if hint is None else self._metrics.get(hint.lower(), hint)

    def __call__(self, name: str | None) -> str | None:
        if name is None:
            return None
        if name not in self._cache:
            language = "ru" if re.search("[а-яё]", name, re.IGNORECASE) else "en"
            found = {h.organisation for h in self.matcher.match(name, language)
                     if h.kind == "organisation"}
            self._cache[name] = found.pop() if len(found) == 1 else None
        return self._cache[name]


def _same_value(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)


@dataclass
class Score:
    """Counts for one article or a sum of them."""

    organisations_expected: int = 0
    organisations_found: int = 0
    organisations_reported: int = 0
    organisations_right: int = 0
    """Reported organisations that were expected."""
    figures_expected: int = 0
    figures_found: int = 0
    figures_reported: int = 0
    metric_right: int = 0
    organisation_right: int = 0
    forbidden_read: int = 0
    misses: list[str] = field(default_factory=list)
    """What went wrong, one line each, for the report."""

    def __add__(self, other: Score) -> Score:
        total = Score()
        for name in vars(total):
            setattr(total, name, getattr(self, name) + getattr(other, name))
        return total


def score(expected: Expected, hits: Sequence[Hit], resolve: Resolver) -> Score:
    result = Score()
    wanted = {name: resolve(name) for name in expected.organisations}
    reported = {h.organisation for h in hits if h.kind == "organisation"}
    result.organisations_expected = len(wanted)
    result.organisations_reported = len(reported)
    for name, ident in wanted.items():
        if ident is not None and ident in reported:
            result.organisations_found += 1
        else:
            why = "not in the registry" if ident is None else "not found"
            result.misses.append(f"organisation {name}: {why}")
    result.organisations_right = len(reported & set(wanted.values()))
    result.misses += [f"organisation {ident}: not expected"
                      for ident in sorted(reported - set(wanted.values()))]

    figures = [h for h in hits if h.kind == "metric"]
    result.figures_expected = len(expected.figures)
    used: set[int] = set()
    for want in expected.figures:
        owner = resolve(want.organisation)
        metric = resolve.metric(want.metric)
        candidates = [i for i, h in enumerate(figures) if i not in used
                      and h.value is not None and _same_value(h.value, want.value)
                      and UNIT_OF_HIT.get(h.unit or "", h.unit) == want.unit]
        if not candidates:
            result.misses.append(f"figure {want.value:g} {want.unit} ({want.metric}) "
                                 f"«{want.text}»: not found")
            continue
        best = max(candidates, key=lambda i: (figures[i].metric == metric,
                                              figures[i].organisation == owner))
        used.add(best)
        hit = figures[best]
        result.figures_found += 1
        result.metric_right += hit.metric == metric
        result.organisation_right += hit.organisation == owner
        if hit.metric != metric or hit.organisation != owner:
            result.misses.append(f"figure {want.value:g} {want.unit} «{want.text}»: read as "
                                 f"{hit.metric} of {hit.organisation}, expected {metric} "
                                 f"of {owner or want.organisation}")
    limits = {i for i, hit in enumerate(figures) if i not in used and hit.qualifier == LIMIT}
    result.figures_reported = len(figures) - len(limits)
    for i, hit in enumerate(figures):
        if i in used or i in limits:
            continue
        forbidden = any(_same_value(hit.value or 0.0, v) for v in expected.forbidden)
        result.forbidden_read += forbidden
        label = "forbidden value" if forbidden else "not expected"
        result.misses.append(f"figure {hit.value:g} {hit.unit} ({hit.metric}) "
                             f"«{hit.matched}»: {label}")
    return result


def ratio(part: int, whole: int) -> float:
    """part/whole, 1.0 when there is nothing to count (no expected item was missed)."""
    return part / whole if whole else 1.0
