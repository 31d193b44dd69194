"""Rules against article text: the pure core. No HTTP, no SQL, no scheduler.

This first version finds organisation aliases as written (after normalisation: case, ё/е,
quote styles, dashes and spaces), on word boundaries, and reports offsets and snippets in the
original text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .config import Organisation
from .normalize import normalize

SNIPPET_MAX = 400
_SENTENCE_END = re.compile(r"[.!?…](?=[\s\"»”)]*\s+[\"«„“(]*[A-ZА-ЯЁÄÖÜ0-9])|\n")


@dataclass(frozen=True)
class Hit:
    kind: str
    """'organisation' or 'metric'."""
    rule: str
    """The id of the rule that fired (an organisation id or a metric id)."""
    organisation: str | None
    metric: str | None
    value: float | None
    unit: str | None
    matched: str
    """The exact original text that matched."""
    start: int
    end: int
    snippet: str


def sentence_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around [start, end), as offsets into text."""
    left = 0
    for found in _SENTENCE_END.finditer(text, 0, start):
        left = found.end()
    right_match = _SENTENCE_END.search(text, end)
    right = right_match.end() if right_match else len(text)
    while left < right and text[left].isspace():
        left += 1
    while right > left and text[right - 1].isspace():
        right -= 1
    return left, right


def snippet(text: str, start: int, end: int) -> str:
    left, right = sentence_span(text, start, end)
    if right - left > SNIPPET_MAX:
        half = (SNIPPET_MAX - (end - start)) // 2
        left = max(left, start - max(half, 0))
        right = min(right, end + max(half, 0))
        return ("…" if left > 0 else "") + text[left:right].strip() + "…"
    return text[left:right]


def _pattern(alias: str) -> str:
    words = normalize(alias.strip()).text.split()
    return r"\s+".join(re.escape(word) for word in words)


class Matcher:
    """Compiled once per rules file; `match` is called once per article."""

    def __init__(self, organisations: Sequence[Organisation]):
        self._owners: dict[str, list[str]] = {}
        for org in organisations:
            forms = [org.name, *(a for aliases in org.aliases.values() for a in aliases)]
            for form in forms:
                key = " ".join(normalize(form).text.split())
                owners = self._owners.setdefault(key, [])
                if org.id not in owners:
                    owners.append(org.id)
        alternatives = sorted(self._owners, key=len, reverse=True)
        body = "|".join(_pattern(a) for a in alternatives) or r"(?!x)x"
        self._regex = re.compile(rf"(?<!\w)(?:{body})(?!\w)")

    def match(self, text: str, language: str | None = None) -> list[Hit]:
        normalized = normalize(text)
        hits = []
        for found in self._regex.finditer(normalized.text):
            key = " ".join(found.group().split())
            start, end = normalized.span(found.start(), found.end())
            for org_id in self._owners[key]:
                hits.append(Hit(kind="organisation", rule=org_id, organisation=org_id,
                                metric=None, value=None, unit=None, matched=text[start:end],
                                start=start, end=end, snippet=snippet(text, start, end)))
        return hits
