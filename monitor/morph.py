"""The form a word is compared by: a Russian lemma, an English or German Snowball stem.

Russian needs lemmas, not stems: a stemmer cuts "Якутия" (the region) and "якуты" (the
people) to the same "якут", while pymorphy3's lemmas keep them apart. English and German
inflect little enough for Snowball stems ("Jakutiens" and "Jakutien" -> "jakuti").

Which stemmer a Latin word gets depends on the article (a German article's Latin words are
German); Cyrillic words always go to pymorphy3. Both sides of a match, rule and article, go
through the same function, so they meet in the same form. Results are cached per word: news
vocabulary repeats, and pymorphy3 is the slowest step of matching.

The forms of the rules' own words (`RuleForms`) are also kept on disk between runs: reducing
the 47,000 words of 10,000 organisations took pymorphy3 most of the 10 s a start took.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

import Stemmer

from . import logs
from .figurewords import FUNCTION_WORDS, NOT_PLURALS
from .tokens import phrase_words

if TYPE_CHECKING:
    import pymorphy3

log = logging.getLogger(__name__)

LATIN_LANGUAGES = ("en", "de")
"""The Latin-script languages with a stemmer; any other language's Latin words use English."""
_STEMMER_NAMES = {"en": "english", "de": "german"}
_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-zß-ÿ]")


@lru_cache(maxsize=1)
def analyzer() -> pymorphy3.MorphAnalyzer:
    import pymorphy3  # with its dictionary's modules: only when a Russian word is reduced
    import pymorphy3_dicts_ru

    # The dictionaries ship in the pymorphy3-dicts-ru package: nothing is downloaded. Its path
    # is given, not looked up by language: that reads the entry points of every installed
    # package, 15 ms of a `check` (a twentieth).
    return pymorphy3.MorphAnalyzer(path=pymorphy3_dicts_ru.get_path())


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
        lemmas = (p.normal_form.replace("ё", "е") for p in analyzer().parse(word))
        return tuple(dict.fromkeys(lemmas))
    if _LATIN.search(word):
        return (_stemmer(variant).stemWord(word),)
    return (word,)


def form(word: str, variant: str = "en") -> str:
    """The likeliest form: how a rule's own words are reduced."""
    return forms(word, variant)[0]


def text_forms(norms: Sequence[str], variant: str) -> str:
    """A text as the search index holds it (`articles_lemmas`): the likeliest form of each of
    its normalised words (`Layout.norms`), one space apart, so the n-th form is the n-th word.

    The likeliest form, not the form the matcher picked for the rules (`Matcher._pick`): what
    the index holds must not change when rules.yaml does, and a query is reduced without
    loading the rules. The forms come from the cache the matcher filled for the same words,
    through a dict of first forms: asking `forms` for each word of an article cost a twentieth
    of matching it."""
    known = _first_forms[variant]
    picked = list(map(known.get, norms))
    if None in picked:
        for index in [i for i, form in enumerate(picked) if form is None]:
            norm = norms[index]
            picked[index] = first = forms(norm, variant)[0]
            if len(known) < FIRST_FORMS:
                known[norm] = first
    return " ".join(picked)


FIRST_FORMS = 250_000
"""Words whose first form `text_forms` keeps per variant (as many as the matcher's cache)."""
_first_forms: dict[str, dict[str, str]] = {variant: {} for variant in LATIN_LANGUAGES}


def query_forms(word: str) -> tuple[str, ...]:
    """The forms of the index (`text_forms`) that a normalised query word matches, likeliest
    first: in Russian the likeliest form of every inflection of every lemma of the word, since
    the index holds one form per word and an inflection's likeliest one can be another lemma's
    ("парке" is indexed as "парка", so "парк" must find "парка" too); in Latin script the
    English and the German stem, since a query has no language."""
    if _CYRILLIC.search(word):
        found = dict.fromkeys(forms(word))
        for parse in analyzer().parse(word):
            found.update(dict.fromkeys(forms(inflected.word.replace("ё", "е"))[0]
                                       for inflected in parse.lexeme))
        return tuple(found)
    return tuple(dict.fromkeys(forms(word, variant)[0] for variant in LATIN_LANGUAGES))


_CACHE_FORMAT = 1
"""Raise when the cache file's layout changes, so older files are rebuilt."""


def _libraries() -> str:
    """The versions whose change can change a word's forms."""
    names = ("pymorphy3", "pymorphy3-dicts-ru", "PyStemmer")
    return ";".join(f"{name}={metadata.version(name)}" for name in names)


def cache_dir() -> Path:
    """Where the rules' word forms are kept: $XDG_CACHE_HOME/technopark-monitor, else
    ~/.cache/technopark-monitor. A server where that is not writable just runs uncached."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "technopark-monitor"


@dataclass(frozen=True)
class RuleForms:
    """The forms of every word of the rules, for each Latin variant (`forms(word, variant)`).

    Kept in one cache file per rules file, keyed by the hash of the rules' words and the
    versions of the morphology libraries: a changed alias, or a new pymorphy3 dictionary,
    rebuilds it; a changed alert or delivery setting does not. A file that cannot be read,
    written or parsed is ignored: the forms are then computed as without a cache."""

    table: dict[str, dict[str, tuple[str, ...]]]
    """variant -> normalised word -> its forms, likeliest first."""
    _phrases: dict[tuple[str, str], tuple[str, ...]] = field(
        default_factory=dict, compare=False, repr=False)
    """Phrases already reduced: the config's checks and the matcher both ask for each."""

    def form(self, word: str, variant: str) -> str:
        known = self.table.get(variant, {}).get(word)
        return known[0] if known else form(word, variant)

    def phrase(self, phrase: str, variant: str) -> tuple[str, ...]:
        """A phrase as the matcher compares it: the likeliest form of each of its words."""
        key = (phrase, variant)
        reduced = self._phrases.get(key)
        if reduced is None:
            reduced = self._phrases[key] = tuple(self.form(word, variant)
                                                 for word in phrase_words(phrase))
        return reduced

    def joined(self, other: RuleForms) -> RuleForms:
        """These forms and `other`'s in one table (the rules' words and the matcher's own), with
        the phrases already reduced: a word's forms are the same whichever table holds them."""
        table = {variant: {**other.table.get(variant, {}), **self.table.get(variant, {})}
                 for variant in LATIN_LANGUAGES}
        return RuleForms(table, self._phrases)

    @classmethod
    def compute(cls, vocabulary: Iterable[str]) -> RuleForms:
        unique = sorted(set(vocabulary))
        return cls({variant: {w: forms(w, variant) for w in unique}
                    for variant in LATIN_LANGUAGES})

    @classmethod
    def of(cls, phrases: Iterable[str], cache_file: Path | None) -> RuleForms:
        """The forms of the phrases' words, from `cache_file` when it holds exactly them."""
        vocabulary = sorted({word for phrase in phrases for word in phrase_words(phrase)})
        if cache_file is None:
            return cls.compute(vocabulary)
        key = hashlib.sha256("\n".join([f"format={_CACHE_FORMAT}", _libraries(), *vocabulary])
                             .encode()).hexdigest()
        cached = _read_cache(cache_file, key, vocabulary)
        if cached is not None:
            logs.event(log, logging.DEBUG, "forms.cache_hit", path=str(cache_file),
                       words=len(vocabulary))
            return cached
        fresh = cls.compute(vocabulary)
        _write_cache(cache_file, key, fresh)
        return fresh


def _read_cache(path: Path, key: str, vocabulary: list[str]) -> RuleForms | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing, unreadable or not JSON: rebuilt
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    table = data.get("forms")
    if not isinstance(table, dict) or set(table) != set(LATIN_LANGUAGES):
        return None
    out = {}
    for variant, by_word in table.items():
        if not isinstance(by_word, dict) or sorted(by_word) != vocabulary or not all(
                isinstance(f, list) and f and all(isinstance(x, str) for x in f)
                for f in by_word.values()):
            return None
        out[variant] = {word: tuple(f) for word, f in by_word.items()}
    return RuleForms(out)


def _write_cache(path: Path, key: str, rule_forms: RuleForms) -> None:
    """Write atomically (a reader never sees half a file); any failure just leaves no cache."""
    text = json.dumps({"key": key, "forms": rule_forms.table}, ensure_ascii=False)
    temporary: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        temporary = Path(name)
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
        os.replace(temporary, path)
    except OSError as exc:
        logs.event(log, logging.DEBUG, "forms.cache_unwritable", path=str(path), error=str(exc))
        if temporary is not None:
            with contextlib.suppress(OSError):
                temporary.unlink()


COMPOUND_PART = 4
"""The shortest part of a German compound looked for: shorter parts are too often pieces of
unrelated words ("Ort", "Tag"); a shorter word is not split at all."""


@lru_cache(maxsize=100_000)
def compound_part(word: str, parts: frozenset[str], measures: frozenset[str],
                  links: tuple[str, ...]) -> str | None:
    """The stem of the rule word a German compound is built on, or None.

    A rule of our own rather than a splitter from PyPI: the dictionary-based ones
    (compound-split, CharSplit) score every split of every word against a large n-gram table,
    and we need only one question answered -- does this word end in a rule's word
    ("Gesamtfläche" is a "Fläche"), or start with one before a measure word
    ("Investitionsvolumen", "Bewohnerzahl")? -- which a suffix test against the rules' own
    stems answers exactly, with nothing to load. The head (last part) is tried first, longest
    first, because it decides what a German compound is; `parts` are the stems to find and
    `measures` the normalised second parts that make a first part count."""
    for cut in range(COMPOUND_PART - 1, len(word) - COMPOUND_PART + 1):
        head = form(word[cut:], "de")
        if head in parts:
            return head
    for cut in range(len(word) - COMPOUND_PART, COMPOUND_PART - 1, -1):
        if word[cut:] not in measures:
            continue
        for link in links:
            first = word[:cut]
            if link and not first.endswith(link):
                continue
            stem = form(first[:len(first) - len(link)], "de")
            if stem in parts:
                return stem
    return None


_MODIFIER_TAGS = frozenset({"ADJF", "PRTF", "NUMR"})


@lru_cache(maxsize=100_000)
def is_noun(written: str, variant: str) -> bool:
    """Whether a word right after a number is a noun it counts ("287 grants", "в 3 регионах",
    "12 Technoparks"): in Russian a noun by pymorphy3's likeliest reading, in German a
    capitalised word, in English a plural (a lowercase word in -s that is not one of the
    common words that merely end so). Only asked about words after a bare number."""
    if written.isupper():
        return False  # an abbreviation modifies: "50 IT schools"
    word = written.lower()
    if _CYRILLIC.search(word):
        return analyzer().parse(word)[0].tag.POS == "NOUN"
    if variant == "de":
        return written[:1].isupper() and written.isalpha()
    return written.isalpha() and written.islower() and word.endswith("s") \
        and word not in NOT_PLURALS


def oblique_count(number: int, written: str) -> bool:
    """Whether a Russian noun after a cardinal shows a case other than the nominative or
    accusative the cardinal takes: after a number ending in 1-4 (not 11-14) that noun is
    singular ("24 резидента", "21 компания"), so a plural there ("разработки 24
    резидентов", "гранты 22 компаниям") marks a genitive, dative or other case. After other
    numbers the noun is a genitive plural in every case, so they tell nothing (False)."""
    if number % 10 not in (1, 2, 3, 4) or number % 100 in (11, 12, 13, 14):
        return False
    parses = analyzer().parse(written.lower())
    return all("plur" in p.tag for p in parses if p.tag.POS == "NOUN") and \
        any(p.tag.POS == "NOUN" for p in parses)


@lru_cache(maxsize=100_000)
def modifies(written: str, variant: str) -> bool:
    """Whether a word may stand between a number and the noun it counts ("167 innovative
    companies", "120 инновационных компаний", "150 neue Unternehmen"): in Russian an adjective
    or participle by pymorphy3's likeliest reading, in German a word not capitalised (nouns
    are), an abbreviation ("80 ИТ-компаний"), and in English any word, since nouns modify nouns
    there ("330 project participants"); in both, no function word ("for", "und")."""
    if written.isupper() and len(written) <= 5:
        return True
    word = written.lower()
    if _CYRILLIC.search(word):
        return analyzer().parse(word)[0].tag.POS in _MODIFIER_TAGS
    if word in FUNCTION_WORDS:
        return False
    if variant == "de":
        return not written[:1].isupper()
    return bool(_LATIN.search(word))
