"""Which language an article is in, when neither the feed nor the page says.

py3langid ships its model inside the package (nothing is downloaded) and is restricted to the
languages the rules use, so a short Russian text is not called Bulgarian or Serbian.

The model takes half a second to load (an lzma-packed table), more than all the rest of a
`check`. So when the script alone decides (the text's letters are Cyrillic and Russian is the
only Cyrillic language the rules use, say) the model is not consulted: it could only answer
with that language. It is loaded the first time two candidates share the text's script.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from py3langid.langid import LanguageIdentifier

SAMPLE_CHARS = 3000
"""Enough text to decide; the rest of a long article only costs time."""
SCRIPT_SHARE = 0.8
"""The share of a text's letters that must be in one script for the script to decide. A
Russian article quoting English names (IT, Yandex, Skolkovo Foundation) stays well above it;
a text half in each goes to the model."""
CYRILLIC_LANGUAGES = frozenset({"ru", "uk", "be", "bg", "sr", "mk", "kk", "ky", "tg", "mn"})
LATIN_LANGUAGES = frozenset({
    "en", "de", "fr", "es", "it", "pt", "nl", "pl", "cs", "sk", "sl", "hr", "fi", "sv", "da",
    "no", "nb", "et", "lv", "lt", "hu", "ro", "tr", "az", "uz", "id", "ms", "vi", "sr"})
"""The languages each script decides for (Serbian is written in both). A candidate in
neither list may be written in any script, so its presence leaves the choice to the model."""


@lru_cache(maxsize=32)
def _identifier(languages: frozenset[str]) -> LanguageIdentifier:
    # numpy and the packed model: loaded only when a language must be guessed.
    from py3langid.langid import MODEL_DIR, MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_modelpath(MODEL_DIR / MODEL_FILE)
    supported = sorted(code for code in languages if code in identifier.nb_classes)
    if supported:
        identifier.set_languages(supported)
    return identifier


def by_script(sample: str, languages: frozenset[str]) -> str | None:
    """The one language of `languages` written in the script of nearly all of the sample's
    letters, or None when the script does not decide (several candidates share it, none
    does, a candidate's script is unknown, or the letters are mixed)."""
    if languages - CYRILLIC_LANGUAGES - LATIN_LANGUAGES:
        return None
    letters = cyrillic = latin = 0
    for ch in sample:
        if ch.isalpha():
            letters += 1
            if "\u0400" <= ch <= "\u04ff":
                cyrillic += 1
            elif ch.isascii() or "\u00c0" <= ch <= "\u024f":
                latin += 1
    for count, script in ((cyrillic, CYRILLIC_LANGUAGES), (latin, LATIN_LANGUAGES)):
        if count >= SCRIPT_SHARE * letters:
            candidates = languages & script
            return next(iter(candidates)) if len(candidates) == 1 else None
    return None


def detect(text: str, languages: Iterable[str]) -> str | None:
    """The most likely of `languages` (all known languages when empty), or None for a text with
    no letters."""
    sample = text[:SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return None
    candidates = frozenset(languages)
    if candidates and (decided := by_script(sample, candidates)) is not None:
        return decided
    return _identifier(candidates).classify(sample)[0]
