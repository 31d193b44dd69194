"""Does an article satisfy an alert's selection? Pure: works on what `Matcher.analyse` found.

Conditions are evaluated over a scope of occurrences (organisation hits, metric hits with their
values, free terms). `all`/`any` with `same_sentence` narrow the scope to one sentence at a
time, and with `near: N` to the words within N of some occurrence, so "Skolkovo and revenue
over 1e9 in the same sentence" means exactly that, and `not` inside such a group means "not in
that sentence".
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .config import Condition, Selection
from .match import Analysis

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq}


@dataclass(frozen=True)
class Occurrence:
    kind: str
    """organisation, metric or term."""
    rule: str
    value: float | None
    sentence: int
    token: int


def occurrences(analysis: Analysis) -> list[Occurrence]:
    found = [Occurrence(h.kind, h.rule, h.value, h.sentence, h.token) for h in analysis.hits]
    sentence_of = analysis.layout.token_sentence
    found += [Occurrence("term", t.pattern.rule, None, sentence_of[t.first], t.first)
              for t in analysis.terms]
    return found


def _leaf(condition: Condition, occurrence: Occurrence) -> bool:
    if condition.organisation is not None:
        return occurrence.kind == "organisation" and occurrence.rule == condition.organisation
    if condition.term is not None:
        return occurrence.kind == "term" and occurrence.rule == condition.term
    if occurrence.kind != "metric" or occurrence.rule != condition.metric:
        return False
    if condition.value is None:
        return True
    op, threshold = condition.value
    return occurrence.value is not None and _COMPARE[op](occurrence.value, threshold)


def holds(condition: Condition, scope: Sequence[Occurrence]) -> bool:
    if condition.not_ is not None:
        return not holds(condition.not_, scope)
    parts = condition.all if condition.all is not None else condition.any
    if parts is None:
        return any(_leaf(condition, o) for o in scope)
    combine = all if condition.all is not None else any

    def satisfied(window: Sequence[Occurrence]) -> bool:
        return combine(holds(part, window) for part in parts)

    if condition.same_sentence:
        return any(satisfied([o for o in scope if o.sentence == sentence])
                   for sentence in sorted({o.sentence for o in scope}))
    if condition.near is not None:
        near = condition.near
        return any(satisfied([o for o in scope if abs(o.token - anchor.token) <= near])
                   for anchor in scope)
    return satisfied(scope)


def selects(selection: Selection, found: Sequence[Occurrence], source: str,
            language: str | None) -> bool:
    if selection.sources and source not in selection.sources:
        return False
    if selection.languages and language not in selection.languages:
        return False
    return holds(selection.when, found)

