"""The form a word is compared by: a Russian lemma, an English or German Snowball stem.

Russian needs lemmas, not stems: a stemmer cuts "Якутия" (the region) and "якуты" (the
people) to the same "якут", while pymorphy3's lemmas keep them apart. English and German
inflect little enough for Snowball stems ("Jakutiens" and "Jakutien" -> "jakuti").

Which stemmer a Latin word gets depends on the article (a German article's Latin words are
German); Cyrillic words always go to pymorphy3. Both sides of a match, rule and article, go
through the same function, so they meet in the same form. Results are cached per word: news
vocabulary repeats, and pymorphy3 is the slowest step of matching.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import pymorphy3
import Stemmer

LATIN_LANGUAGES = ("en", "de")
"""The Latin-script languages with a stemmer; any other language's Latin words use English."""
_STEMMER_NAMES = {"en": "english", "de": "german"}
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-zß-ÿ]")


@lru_cache(maxsize=1)
def _morph() -> pymorphy3.MorphAnalyzer:
    # The dictionaries ship in the pymorphy3-dicts-ru package: nothing is downloaded.
    return pymorphy3.MorphAnalyzer(lang="ru")


@cache
def _stemmer(language: str) -> Stemmer.Stemmer:
    return Stemmer.Stemmer(_STEMMER_NAMES[language])


def latin_variant(language: str | None) -> str:
    return language if language in LATIN_LANGUAGES else "en"


@lru_cache(maxsize=200_000)
def forms(word: str, variant: str = "en") -> tuple[str, ...]:
    """The possible comparison forms of one normalised (case folded) word, likeliest first.

    A Russian word can have several lemmas ("парке" is a form of "парк" and of "парка"), and
    the likeliest is not always the one a rule means; the matcher picks the first form that its
    rules use (`Vocabulary.pick`)."""
    if word.isdigit():
        return (word,)
    if _CYRILLIC.search(word):
        lemmas = (p.normal_form.replace("ё", "е") for p in _morph().parse(word))
        return tuple(dict.fromkeys(lemmas))
    if _LATIN.search(word):
        return (_stemmer(variant).stemWord(word),)
    return (word,)


def form(word: str, variant: str = "en") -> str:
    """The likeliest form: how a rule's own words are reduced."""
    return forms(word, variant)[0]
