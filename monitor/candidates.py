"""Organisations the press names that the registry does not know yet: candidate phrases.

A registry falls behind the press: new technoparks open, zones get new sites, funds appear.
Rather than wait for a user to notice, every article is read for phrases that name such an
organisation by the way the press introduces one: a kind word (`candidate_words.KIND_WORDS`)
with a name in quotes ("технопарк «Родина»", "ОЭЗ „Зеленоград“"), a capitalised name after it
("Technopark Dubna") or, in English and German, before it ("the Kalibr technopark"), or a
place after "в/in/im" ("IT-парк в Набережных Челнах"). A phrase that no registered
organisation's hit overlaps is a candidate; `candidates` lists the ones seen most often with a
rules.yaml stanza for each.

A generic mention names nothing and is no candidate: a plural kind word ("технопарки региона",
"IT parks across Russia"), or one with no name ("the technopark", "в технопарке"). The key of a
candidate is its words' forms (lemmas, stems; the kind word as its kind's first spelling), so
"технопарка «Родина»" and "технопарк «Родина»" are one candidate, as they are one alias.

Pure: works on the layout and word forms `Matcher.analyse` already has.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache, lru_cache
from itertools import compress, count
from operator import itemgetter
from typing import Any

from .candidate_words import (
    CLOSING_QUOTES,
    DESCRIBING,
    ENGLISH_KINDS,
    KIND_WORDS,
    NAME_WORDS,
    NAMED_AFTER,
    NOT_NAMES,
    PERSON_TAGS,
    PLACE_ARTICLES,
    PREPOSITIONS,
    QUOTED_WORDS,
)
from .linkwords import SINGULAR_GENITIVES
from .morph import LATIN_LANGUAGES, analyzer, forms, latin_variant
from .tokens import Layout, phrase_words
from .translit import slug, transliterate

_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_PREFIX = 3
"""How many first letters a word's forms share with it (lemma, stem): "технопарке" ->
"технопарк", "ИТ" -> "ит"."""
_BEGINNING = itemgetter(slice(0, _PREFIX))
_WORDS_ONLY = re.compile(r"[\w\s]+")
_APPOSITION = re.compile(r"[»\"”“]?\s*[,(—–-]\s*(?:\w+\s+)?")
"""Between an organisation's name and a phrase that describes it: a comma or a dash, and at
most one word (an article: "der", "the")."""


@dataclass(frozen=True)
class KindWord:
    kind: str
    language: str
    spelling: str
    """As the table writes it, in the nominative singular."""
    forms: tuple[str, ...]
    key: tuple[str, ...]
    """The forms of its kind's first spelling in its language: what the candidate's key
    starts with, so "ИТ-парк" and "IT-парк" give one key."""
    head: int
    """The index of its head noun: "парк" of "парк высоких технологий", "зона" of "особая
    экономическая зона". It and the words before it agree in number; those after do not."""


@dataclass(frozen=True)
class Candidate:
    key: str
    kind: str
    language: str
    """The language of the kind word: ru, en or de."""
    spelling: str
    style: str
    """quoted, named (capitalised words after the kind word), before (capitalised words
    before it) or place (a preposition and a place after it)."""
    name: str
    """The name as written: what the quotes hold, the capitalised words, or the place."""
    preposition: str | None
    start: int
    end: int
    written: str
    """The phrase as written in the article, kind word and name."""
    token: int
    sentence: int


@cache
def _index(variant: str) -> dict[str, tuple[KindWord, ...]]:
    """Kind words by the form of their first word, for one stemmer variant."""
    by_first: dict[str, list[KindWord]] = {}
    for language, kinds in KIND_WORDS.items():
        for kind, spellings in kinds.items():
            key = _forms_of(spellings[0], variant)
            for spelling in spellings:
                reduced = _forms_of(spelling, variant)
                by_first.setdefault(reduced[0], []).append(
                    KindWord(kind, language, spelling, reduced, key, _head(spelling)))
    return {first: tuple(words) for first, words in by_first.items()}


@cache
def _prefixes(variant: str) -> frozenset[str]:
    """The first letters of the first word of every kind word."""
    return frozenset(first[:_PREFIX] for first in _index(variant))


def _head(spelling: str) -> int:
    """The first noun of a spelling (its head), else its last word (a Latin or unknown one)."""
    spelled = phrase_words(spelling)
    return next((i for i, word in enumerate(spelled)
                 if _CYRILLIC.search(word) and "NOUN" in analyzer().parse(word)[0].tag),
                len(spelled) - 1)


def _forms_of(phrase: str, variant: str) -> tuple[str, ...]:
    return tuple(forms(word, variant)[0] for word in phrase_words(phrase))


def find(layout: Layout, word_forms: Sequence[str], language: str | None,
         taken: Sequence[tuple[int, int]]) -> list[Candidate]:
    """The candidate phrases of a text; `word_forms` are its words' forms (as the matcher
    reduced them), `taken` the spans of the organisation hits, which no candidate overlaps."""
    variant = latin_variant(language)
    index, prefixes = _index(variant), _prefixes(variant)
    spans = sorted(taken)
    starts = [start for start, _end in spans]
    out = []
    after = 0
    # A word's forms (lemma, stem) start with its own first letters: only words that start
    # like a kind word are looked at, which keeps the cost per article small.
    starting = map(prefixes.__contains__, map(_BEGINNING, layout.norms))
    for position in list(compress(count(), starting)):
        at = layout.token_starts[position]
        inside = bisect.bisect_right(starts, at) - 1
        if position < after or (inside >= 0 and at < spans[inside][1]):
            continue  # part of a registered organisation's name ("Технопарк «Якутия»")
        kind_word = _kind_at(index, layout, word_forms, position, variant, language)
        if kind_word is None:
            continue
        last = position + len(kind_word.forms) - 1
        candidate = (_named(layout, word_forms, kind_word, position, last)
                     if _singular(layout, kind_word, position, last) else None)
        if candidate is not None and not _known(layout.text, candidate, taken):
            out.append(candidate)
        after = last + 1
    return out


def _known(text: str, candidate: Candidate, taken: Sequence[tuple[int, int]]) -> bool:
    """Whether a registered organisation's hit overlaps the phrase, or the phrase places the
    organisation named just before it ("Der Akadempark, der Technopark im
    Wissenschaftsstädtchen Akademgorodok", "Академпарк — технопарк в Новосибирске"). A name
    after a comma is another organisation: "Технопарк «Якутия», технопарк «Родина»"."""
    return any(candidate.start < end and start < candidate.end
               or (candidate.style == "place" and end <= candidate.start
                   and _APPOSITION.fullmatch(text, end, candidate.start) is not None)
               for start, end in taken)


def read(text: str, language: str | None) -> list[Candidate]:
    """The candidate phrases of a text on its own (a stored candidate's phrase, say)."""
    layout = Layout.of(text)
    variant = latin_variant(language)
    return find(layout, [forms(norm, variant)[0] for norm in layout.norms], language, ())


def _kind_at(index: dict[str, tuple[KindWord, ...]], layout: Layout,
             word_forms: Sequence[str], position: int, variant: str,
             language: str | None) -> KindWord | None:
    """The longest kind word starting at `position`; of equal ones, the article's language.
    A word is compared by every form it may have, not only the one the matcher chose:
    "парке" is a form of "парка" first, of "парк" too."""

    seen: dict[int, tuple[str, ...]] = {}  # the kind words starting here share their words

    def options(i: int) -> tuple[str, ...]:
        found = seen.get(i)
        if found is None:
            found = seen[i] = (word_forms[i], *forms(layout.norms[i], variant))
        return found

    starting = [w for f in options(position) for w in index.get(f, ())]
    # A kind word's first word is one of the options here: that is how it was found.
    room = len(word_forms) - position  # words from here to the end
    fitting = [w for w in starting if len(w.forms) <= room and all(
        form in options(position + k) for k, form in enumerate(w.forms[1:], 1))]
    if not fitting:
        return None
    length = max(len(w.forms) for w in fitting)
    longest = [w for w in fitting if len(w.forms) == length]
    return next((w for w in longest if w.language == language), longest[0])


def _singular(layout: Layout, kind_word: KindWord, first: int, last: int) -> bool:
    """A plural kind word ("технопарки", "IT parks") is a generic mention. A Russian word is
    plural when it can be nothing else; one that has no singular ("ИТ", Pluralia tantum) says
    nothing. Words after the head ("высоких технологий") are not its number."""
    if kind_word.language == "ru":
        return not any(_only_plural(layout.norms[first + k], kind_word.forms[k])
                       for k in range(kind_word.head + 1))
    head = phrase_words(kind_word.spelling)[-1]
    written = layout.norms[last]
    return written == head or (written == head + "s" and first > 0
                               and layout.norms[first - 1] in SINGULAR_GENITIVES)


@lru_cache(maxsize=4096)
def _only_plural(word: str, lemma: str) -> bool:
    """Whether every reading of `word` as a form of `lemma` is plural: "парки" of "парк"
    (of "парка", a parka, it could be singular)."""
    return bool(_CYRILLIC.search(word)) and all(
        p.tag.number == "plur" and "Pltm" not in p.tag for p in analyzer().parse(word)
        if p.normal_form.replace("ё", "е") == lemma)


def _named(layout: Layout, word_forms: Sequence[str], kind_word: KindWord, first: int,
           last: int) -> Candidate | None:
    """The candidate a kind word at first..last heads, if a name goes with it: after it
    (quoted, capitalised, a place), else, in English and German, capitalised before it."""
    found = _after(layout, word_forms, kind_word, first, last)
    if found is None and kind_word.language != "ru":
        return _before(layout, word_forms, kind_word, first, last)
    return found


def _after(layout: Layout, word_forms: Sequence[str], kind_word: KindWord, first: int,
           last: int) -> Candidate | None:
    text = layout.text
    sentence = layout.token_sentence[first]
    after = last + 1
    if after == len(layout.norms) or layout.token_sentence[after] != sentence:
        return None
    gap = text[layout.token_ends[last]:layout.token_starts[after]]
    if gap.strip() in CLOSING_QUOTES and len(gap.strip()) == 1:
        return _quoted(layout, word_forms, kind_word, first, after, gap.strip())
    if not gap.isspace():
        return None
    if (layout.norms[after] in NAMED_AFTER and after + 1 < len(layout.norms)
            and layout.token_sentence[after + 1] == sentence and _capitalised(layout, after + 1)):
        name_last = _run(layout, after + 1, 1)  # "технопарк им. Попова": a person's name
        return _candidate(layout, word_forms, kind_word, "named", first, name_last, after,
                          name_last, None)
    if _capitalised(layout, after):
        if PERSON_TAGS & analyzer().parse(layout.norms[after])[0].tag.grammemes:
            return None  # "директор технополиса Алексей Грушин"
        name_last = _run(layout, after, 1)
        return _candidate(layout, word_forms, kind_word, "named", first, name_last, after,
                          name_last, None)
    if layout.norms[after] not in PREPOSITIONS[kind_word.language] or (
            first > 0 and _describes(layout.norms[first - 1])):
        return None  # "der erste Hightech-Park in Fernost" describes, it does not name
    place = after + 1
    while place < len(layout.norms) and layout.norms[place] in PLACE_ARTICLES:
        place += 1
    if (place < len(layout.norms) and layout.token_sentence[place] == sentence
            and _WORDS_ONLY.fullmatch(text[layout.token_ends[after]:layout.token_starts[place]])
            and _capitalised(layout, place)):
        place_last = _run(layout, place, 1)
        return _candidate(layout, word_forms, kind_word, "place", first, place_last, place,
                          place_last, layout.texts[after])
    return None


def _before(layout: Layout, word_forms: Sequence[str], kind_word: KindWord, first: int,
            last: int) -> Candidate | None:
    text = layout.text
    if (first == 0 or not _capitalised(layout, first - 1)
            or layout.token_sentence[first - 1] != layout.token_sentence[first]
            or text[layout.token_ends[first - 1]:layout.token_starts[first]] not in (" ", "-")):
        return None
    name_first = _run(layout, first - 1, -1)
    return _candidate(layout, word_forms, kind_word, "before", name_first, last, name_first,
                      first - 1, None)


@cache
def _describing(variant: str) -> frozenset[str]:
    return frozenset(form for words in DESCRIBING.values() for word in words
                     for form in _forms_of(word, variant))


def _quoted(layout: Layout, word_forms: Sequence[str], kind_word: KindWord, first: int,
            after: int, opening: str) -> Candidate | None:
    """Kind word, then a name in quotes: the words up to the quote that closes it."""
    text = layout.text
    sentence_end = layout.sentences[layout.token_sentence[first]][1]
    start = layout.token_starts[after]
    closing = [text.find(c, start, sentence_end) for c in CLOSING_QUOTES[opening]]
    close = min((c for c in closing if c >= 0), default=-1)
    if close < layout.token_ends[after]:
        return None  # no closing quote in the sentence, or one inside the first word
    name_last = after
    while name_last + 1 < len(layout.norms) and layout.token_ends[name_last + 1] <= close:
        name_last += 1
    if name_last - after + 1 > QUOTED_WORDS:
        return None  # a quotation, not a name
    candidate = _candidate(layout, word_forms, kind_word, "quoted", first, name_last, after,
                           name_last, None)
    # The phrase takes in the closing quote; the name is all the quotes hold.
    return replace(candidate, name=text[layout.token_starts[after]:close].strip(), end=close + 1,
                   written=text[candidate.start:close + 1])


def _capitalised(layout: Layout, index: int) -> bool:
    return layout.texts[index][:1].isupper() and not _not_name(layout.norms[index])


def _not_name(word: str) -> bool:
    """A word that starts sentences or describes ("The", "Größte", "Первый")."""
    return word in NOT_NAMES or _describes(word)


@lru_cache(maxsize=4096)
def _describes(word: str) -> bool:
    """Whether the word is a form of a DESCRIBING word ("первого", "largest", "größte")."""
    return any(forms(word, variant)[0] in _describing(variant) for variant in LATIN_LANGUAGES)


def _run(layout: Layout, start: int, step: int) -> int:
    """The last index of the capitalised words from `start` on, in direction `step`, joined
    by a space or a hyphen, in one sentence, at most NAME_WORDS of them."""
    text = layout.text
    end = start
    while 0 <= end + step < len(layout.norms) and abs(end + step - start) < NAME_WORDS:
        following = end + step
        left, right = sorted((end, following))
        if (text[layout.token_ends[left]:layout.token_starts[right]] not in (" ", "-")
                or not _capitalised(layout, following)
                or layout.token_sentence[following] != layout.token_sentence[start]):
            break
        end = following
    return end


def _candidate(layout: Layout, word_forms: Sequence[str], kind_word: KindWord, style: str,
               first: int, last: int, name_first: int, name_last: int,
               preposition: str | None) -> Candidate:
    text = layout.text
    start, end = layout.token_starts[first], layout.token_ends[last]
    name_start = layout.token_starts[name_first]
    # "им." and "имени" are one word to the key (their lemmas, "они" and "имя", are not).
    named = ["им" if layout.norms[i] in NAMED_AFTER else word_forms[i]
             for i in range(name_first, name_last + 1)]
    if preposition is not None:
        named.insert(0, preposition.lower())
    return Candidate(
        key=" ".join((*kind_word.key, *named)), kind=kind_word.kind,
        language=kind_word.language, spelling=kind_word.spelling, style=style,
        name=text[name_start:layout.token_ends[name_last]], preposition=preposition,
        start=start, end=end, written=text[start:end], token=first,
        sentence=layout.token_sentence[first])


# --------------------------------------------------------------------------- stanzas


def stanza(candidate: Candidate, taken_ids: set[str]) -> dict[str, Any]:
    """An organisation entry for rules.yaml: the phrase in the nominative as its name and
    alias, a guessed English alias for a Russian phrase ("Rodina Technopark"), its kind, the
    place a phrase such as "IT-парк в Набережных Челнах" names, and an id transliterated from
    the name that no id in `taken_ids` has."""
    if candidate.language == "ru":
        lead = candidate.spelling[:1].upper() + candidate.spelling[1:]
        english = ENGLISH_KINDS[candidate.kind]
        if candidate.style == "quoted":
            name = f"{lead} «{candidate.name}»"
            guessed = f"{_title(transliterate(candidate.name))} {english}"
        elif candidate.style == "place":
            name = f"{lead} {candidate.preposition} {candidate.name}"
            guessed = f"{english} in {_title(transliterate(nominative(candidate.name)))}"
        else:
            name = f"{lead} {candidate.name}"
            person = " ".join(w for w in candidate.name.split()
                              if w.strip(".").lower() not in NAMED_AFTER)
            guessed = f"{_title(transliterate(nominative(person)))} {english}"
        aliases = {"ru": [name], "en": [guessed]}
    else:
        lead = _title(candidate.spelling)
        name = {"before": f"{candidate.name} {lead}",
                "place": f"{lead} {candidate.preposition} {candidate.name}"}.get(
                    candidate.style, f"{lead} {candidate.name}")
        aliases = {candidate.language: [name]}
    entry: dict[str, Any] = {"id": _unique(slug(name), taken_ids), "name": name,
                             "aliases": aliases, "kind": candidate.kind}
    if candidate.style == "place":
        entry["place"] = [nominative(candidate.name)]
    return entry


def _title(phrase: str) -> str:
    """Every word capitalised, as English names are ("Velikiy Kamen"); "IT" stays."""
    return " ".join(w[:1].upper() + w[1:] for w in phrase.split())


def nominative(phrase: str) -> str:
    """A Russian phrase's words in the nominative ("Набережных Челнах" -> "Набережные
    Челны"): a place is named so in English. Latin words are left as they are."""
    out = []
    for word in phrase.split():
        if not _CYRILLIC.search(word):
            out.append(word)
            continue
        parts = []
        for part in word.split("-"):
            parse = analyzer().parse(part.lower())[0]
            inflected = parse.inflect({"nomn"})
            lower = inflected.word if inflected else part.lower()
            parts.append(lower[:1].upper() + lower[1:] if part[:1].isupper() else lower)
        out.append("-".join(parts))
    return " ".join(out)


def _unique(base: str, taken: set[str]) -> str:
    chosen, number = base, 2
    while chosen in taken:
        chosen, number = f"{base}-{number}", number + 1
    return chosen
