"""Which language an article is in, when neither the feed nor the page says.

py3langid ships its model inside the package (nothing is downloaded) and is restricted to the
languages the rules use, so a short Russian text is not called Bulgarian or Serbian.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

SAMPLE_CHARS = 3000
"""Enough text to decide; the rest of a long article only costs time."""


@lru_cache(maxsize=32)
def _identifier(languages: frozenset[str]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    supported = sorted(code for code in languages if code in identifier.nb_classes)
    if supported:
        identifier.set_languages(supported)
    return identifier


def detect(text: str, languages: Iterable[str]) -> str | None:
    """The most likely of `languages` (all known languages when empty), or None for a text with
    no letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    return _identifier(frozenset(languages)).classify(sample)[0]
