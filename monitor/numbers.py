"""Quantities (money, area, percentages, head counts) and years in ru/en/de news text.

A pure module: no I/O, no network, no data loaded at run time. Every figure comes with exact
character offsets into the *unmodified* text it was given, because later stages quote the
figure and link it to a metric by position; nothing here normalises, lowercases or re-spaces
the text before matching.

Why it is built this way:

* Number words ("два миллиона", "ten thousand", "viertausend") are valued by number-parser
  (Russian) and text2num (English, German). Those libraries value a finished span but return
  no offsets, and number-parser costs about half a millisecond per call. So this module finds
  the spans itself -- runs of adjacent tokens from a per-language vocabulary -- and asks the
  library about each distinct run, memoised with ``functools.lru_cache``: once warm, a number
  in words costs a dictionary look-up, not a parse.
* Speed (this runs on every article) comes from never letting ``re`` try a big alternation at
  every position: digits are found by a one-character-class scan, then one master pattern whose
  first alternatives swallow phone numbers, dates and times so their digits never surface as
  quantities; word vocabularies and fixed phrases are compiled as case-sensitive character
  tries (see ``_trie``); and the words *before* a number (qualifiers, currency signs, year
  context) are matched as reversed tries against the reversed text, anchored at the number.
* "1,500" is 1500 in English but 1.5 in Russian and German, so the language decides
  separators; with ``language=None`` it is guessed per stretch of text from the script of the
  words around a number (Cyrillic: ru; Latin: de when German cue words are near, else en).

Decisions (the tests pin each one):

* Ranges "100-200 человек", "от 1 до 2 млрд рублей", "between 5 and 10 million", "zwischen 5
  und 10 Mio.", "von 5 bis 10 Mio." give ONE quantity: the lower bound, with the scale and unit
  written after the upper bound, ``matched`` covering the whole range and qualifier "at_least"
  (``qualifier_start`` at "от/between/zwischen/von", or at the range itself for a dash range)
  unless a qualifier word precedes it; "bis" and "to" need no "von"/"between" ("5.000 bis 6.000
  Menschen", "20 to 25 firms") unless they end in a year or follow "from".
  Ranges of numbers in words ("двух-трёх") are not read.
  A range whose upper bound is more than ten times its lower one ("Flächen von 20 bis 1000 m²")
  is the spread of the sizes of many things, and neither bound is read.
* Changes "с 1,2 до 1,5 млрд рублей", "from 1.2 to 1.5 billion", "von 1,2 auf 1,5 Mrd." are not
  ranges: the numbers are read separately, the first with role "previous" and the scale and
  unit written after the second (1.2e9 RUB), and "до" in a change ("с ... до", "выросла до")
  is "to", not "up_to". Comparisons ("против", "up from", "gegenüber", "годом ранее") and
  parts ("из них", "112 of them", "darunter") are figures too, with role "previous"/"part".
* A bare 1900-2100 integer is a year with year context (see ``find_years``), and anywhere else
  unless a qualifier precedes it or a word that could be what it counts follows it: "Sie haben
  2022 fast ...", "2019 was ..." are years, "более 2000", "2000 компаний" are counts. A scale
  word, unit or currency after it makes it a quantity: "до 2000 человек" is people. "с 2000
  сотрудниками" and "до 2000 рабочих мест" are taken for years.
* Never values (nothing is returned): dates, times, phones, registration numbers ("ФС77-32622",
  "ОГРН ..."), growth factors, per-ruble ratios ("на каждый рубль ... 2,5 рубля"), the amount
  of a change or difference ("выросло на 12", "расширилась на 119,4 гектара", "464 more than
  planned"; a percentage after "на/by/um" stays, as a growth rate; "five more followed" is five
  added ones, a value), counts inside idioms ("одном из двух", "one of the two", "eines von
  drei"), proportions ("9 из 10", "nine out of ten"), fractions ("две трети", "zwei Drittel",
  "1/3"), ranks and ranking sizes ("3 место", "ТОП 20", "Top 10") and age ratings ("18+").
  Caps and eligibility thresholds ("не более 150 млн", "гранты до 5 млн рублей на проект", "с
  выручкой до 800 млн") are returned with qualifier "limit".
* A number written in parts of falling scale is one number: "1 тысяча 45" is 1045, "2 млн 300
  тыс. рублей" 2.3e6 RUB, "1 Million 200.000 Euro" 1.2e6 EUR (see ``_compound``). "Half" glued
  to or before a scale word halves it: "полумиллиарда", "half a billion", "eine halbe
  Milliarde". "с лишним", "с небольшим" and "odd" after a number make it "more_than" and leave
  its scale word and unit to it ("десять с лишним лет" is a duration).
* Approximate words are numbers with a qualifier: "больше сотни" 100 more_than, "сотни" and
  "dozens"/"Dutzende" more_than 100/12, "a hundred", "сотня" about 100. A number before one
  multiplies it: "два десятка", "полтора десятка", "three dozen", "zwei Dutzend" are about 20,
  15, 36, 24. "полтора", "anderthalb", "zweieinhalb" are numbers only before a scale word or
  unit ("полтора млрд рублей", not "полтора часа"). Russian case endings glued to a cardinal
  in digits are read past ("более 5-ти тысяч", "в 3-х корпусах"), ordinal ones are not.
  Plural scale words alone ("тысячи рабочих мест", "millions of") stay unread.
* "350 тысяч метров" and "49 тысяч «квадратов»" are m2 with ``loose_unit`` set; "300 метров"
  without a scale word is a distance and skipped.
* A number followed by a unit outside this module's vocabulary is skipped rather than returned
  as a bare count: durations ("5 лет", "10 years"), lengths, power, mass, other currencies (£,
  ¥, юаней).
* "п.п.", "percentage points" and "Prozentpunkte" are unit "percent".
* An unsupported ``language`` code is treated like None.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import NamedTuple

from number_parser import parse_number
from text_to_num import text2num

from .lazy import once
from .numbers_data import (
    AFTER_PHRASES,
    AGE_RATINGS,
    APPROXIMATE_WORDS,
    BEFORE_PHRASES,
    CHANGE_VERBS,
    DE_NUMBER_PARTS,
    DE_NUMBER_WORDS,
    DIFFERENCE_WORDS,
    DIFFERENCE_WORDS_BEFORE_THAN,
    EN_NUMBER_WORDS,
    GERMAN_CUES,
    LIMIT_CUES,
    MONTH_WORDS,
    OTHER_CURRENCIES,
    PER_RUBLE_CUES,
    PROPORTION_LINKS,
    PROPORTION_TOTALS,
    QUALIFIER_PHRASES,
    REACH_VERBS,
    ROLE_AFTER_PHRASES,
    RU_CASE_ENDINGS,
    RU_CASE_ENDINGS_TWO_TO_FOUR,
    RU_HALF_PREFIXES,
    RU_NUMBER_WORDS,
    SCALES,
    STREET_WORDS_AFTER,
    STREET_WORDS_BEFORE,
    UNITS,
    YEAR_FOLLOWERS,
)


@dataclass(frozen=True)
class Quantity:
    """A figure read from text; ``value`` is in base units (currency units, m2, percent, people).

    ``matched`` is ``text[start:end]``; qualifier words ("более", "about") lie before ``start``,
    from ``qualifier_start`` on. Qualifier "limit" marks a cap or threshold ("не более 150 млн",
    "grants of up to 2 million per project"): a rule the text states, never a reported value.
    """

    value: float
    unit: str | None
    start: int
    end: int
    matched: str
    qualifier: str | None
    qualifier_start: int | None
    role: str | None = None
    """None for a value the sentence reports; "previous" for the earlier value of a comparison
    ("с 75,8 до 90 млрд", "up from 10 billion", "gegenüber 2,1 Mrd."); "part" for a part of a
    total named before it ("из них 33", "112 of them", "darunter 112"). Both are figures of
    their own: the role tells the matcher which of a sentence's values is the current total."""
    loose_unit: bool = False
    """The unit is m2 read from a word that means floor area only in a sentence about area
    ("350 тысяч метров", "49 тысяч «квадратов»"): a matcher should pair it with an area metric
    named in the same sentence and nothing else."""


UNIT_CLASSES: dict[str, set[str | None]] = {
    "RUB": {"RUB"},
    "money": {"RUB", "USD", "EUR", *OTHER_CURRENCIES},
    "count": {None, "people"},
    "m2": {"m2"},
    "percent": {"percent"},
}


def _trie(phrases: Iterable[str]) -> str:
    """An alternation of ``phrases`` as a character trie: "д(?:ва|ве)" rather than "два|две".

    A flat alternation is tried branch by branch at every position, and under re.IGNORECASE re
    cannot skip to positions holding a possible first character; a case-sensitive trie (callers
    add the casings with ``_cased``) gets both. A space in a phrase matches any whitespace.
    """
    root: dict[str, dict] = {}
    for phrase in phrases:
        node = root
        for char in phrase:
            node = node.setdefault(char, {})
        node[""] = {}
    return _trie_node(root)


def _trie_node(node: dict[str, dict]) -> str:
    branches = [
        (r"\s+" if char == " " else re.escape(char)) + _trie_node(child)
        for char, child in sorted(node.items())
        if char
    ]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


def _cased(phrases: Iterable[str]) -> set[str]:
    """Each lowercase phrase as written mid-sentence, at a sentence start and in a headline."""
    return {cased for phrase in phrases for cased in (phrase, phrase.capitalize(), phrase.upper())}


def _glued(char: str) -> bool:
    """True if ``char`` would make a word or number continue through it."""
    return char.isalnum() or char in "-_"


def _normal(words: str) -> str:
    """Lowercase, with any run of whitespace as one space: the key of a phrase."""
    return " ".join(words.lower().split())


class _Phrases:
    """Fixed phrases of given kinds ("более": more_than), found right before or after a spot.

    After: spaces or one hyphen may come between the spot and the phrase ("15 млн", "15млн",
    "20-hectare"). Before: spaces may come between the phrase and the spot ("более 120",
    "$1.5"); this matches a trie of the reversed phrases against the reversed text, so the
    pattern is anchored at the spot instead of being searched for in a window. Either way a
    phrase that starts or ends with a letter must not run into a neighbouring word.
    """

    def __init__(self, kinds: dict[str, Iterable[str]], *, before: bool) -> None:
        kinds_of: dict[str, set[str]] = {}
        variants: set[str] = set()  # as written: "US-Dollar", "kW" are not just capitalised
        for kind, phrases in kinds.items():
            for phrase in phrases:
                kinds_of.setdefault(_normal(phrase), set()).add(kind)
                variants.add(phrase)
        self._kinds = {phrase: frozenset(names) for phrase, names in kinds_of.items()}
        self._before = before
        self._width = max(map(len, self._kinds)) + 8
        variants |= _cased(self._kinds)
        # Most phrases are found as written: a dictionary look-up, not a re-spacing, serves them.
        self._as_written = {variant: self._kinds[_normal(variant)] for variant in variants}

    @cached_property
    def _pattern(self) -> re.Pattern[str]:
        """Compiled on first use: the tables' tries are thousands of characters, and a
        command that reads no figure (`--help`, `status`) should not wait for them."""
        if self._before:
            trie = _trie(variant[::-1] for variant in self._as_written)
            return re.compile(rf"[ \t\u00a0\u202f\u2009]*(?P<words>{trie})")
        return re.compile(rf"(?:{_GAP}|-)(?P<words>{_trie(self._as_written)})")

    def match(self, text: str, pos: int, floor: int = 0) -> tuple[frozenset[str], int] | None:
        """(kinds, where the phrase starts) before ``pos``, or (kinds, where it ends) after it.

        Before ``pos``, nothing before ``floor`` is looked at.
        """
        if self._before:
            found = self._pattern.match(text[max(floor, pos - self._width) : pos][::-1])
            if found is None:
                return None
            words, edge = found.group("words")[::-1], pos - found.end()
            if words[0].isalnum() and edge > 0 and _glued(text[edge - 1]):
                return None
        else:
            found = self._pattern.match(text, pos)
            if found is None:
                return None
            words, edge = found.group("words"), found.end()
            glued = edge < len(text) and (text[edge].isalnum() or text[edge] == "_")
            if words[-1].isalnum() and glued:  # a hyphen may follow: "100-million-ruble"
                return None
        kinds = self._as_written.get(words)
        return (self._kinds[_normal(words)] if kinds is None else kinds), edge


class _WordScan:
    """Finds whole words from a vocabulary pattern, fast (see the comment at _word_scan)."""

    def __init__(self, vocabulary: str, words: Iterable[str]) -> None:
        """``vocabulary`` is the pattern; ``words`` are the words it matches, as written, for
        a look-ahead at their first letters that spares re the pattern at most boundaries."""
        first = "".join(sorted({re.escape(word[0]) for word in words if word}))
        self._after_boundary = re.compile(
            rf"[^\w-](?=[{first}])(?P<word>{vocabulary})(?![\w-])"
        )

    def find(self, text: str) -> Iterator[tuple[int, int]]:
        """(start, end) of each vocabulary word in ``text`` that is a whole word."""
        # A word at the very start has no character before it: the same pattern finds it
        # after a newline put in front, rather than a second pattern of its own (each takes
        # a twentieth of a `check`'s start to compile: the vocabulary is thousands of
        # characters long).
        first = self._after_boundary.match("\n" + text)
        if first is not None:
            yield first.start("word") - 1, first.end("word") - 1
        for match in self._after_boundary.finditer(text):
            yield match.span("word")


_LANGUAGES = frozenset({"ru", "en", "de"})
_SPACE = "[ \u00a0\u202f\u2009]"  # a thousands separator
_GAP = "[ \t\u00a0\u202f\u2009]*"  # between a number and its scale word or unit
_NO_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009")
_NUMBER = rf"[0-9]{{1,3}}(?:{_SPACE}[0-9]{{3}})+(?![0-9])(?:[.,][0-9]+)?|[0-9]+(?:[.,][0-9]+)*"
# "1,500" / "1.500" is 1500 only in this language. Russian writes decimals with a comma, so a
# dot before exactly three digits groups thousands there too ("96.300 квадратных метров").
_GROUPING_MARK = {"en": ",", "de": ".", "ru": "."}
_MAX_INTEGER_DIGITS = 15  # longer digit runs are identifiers (ИНН, ОГРН), not figures

_MONTH = rf"(?:{_trie(_cased(MONTH_WORDS))})(?!\w)\.?"

# Phones, dates, fractions ("1/3") and times come first, so that their digits never surface
# as "num".
_MASTER = re.compile(
    rf"""(?:
    (?P<phone>(?:\+[ ]?7|8(?=[ \u00a0(-]))[ \u00a0-]*\(?[0-9]{{3}}\)?[ \u00a0-]*[0-9]{{3}}
            [ \u00a0-]*[0-9]{{2}}[ \u00a0-]*[0-9]{{2}}
        |\+[0-9]{{1,3}}[ \u00a0-]*\(?[0-9]{{1,4}}\)?(?:[ \u00a0-]*[0-9]{{2,4}}){{2,4}}
        |(?:(?:\+[ ]?7|8)[ \u00a0-]*)?\([0-9]{{3,5}}\)[ \u00a0]*[0-9]{{1,3}}
            [ \u00a0-]*[0-9]{{2}}[ \u00a0-]*[0-9]{{2}}
        |[0-9]{{3}}-[0-9]{{2}}-[0-9]{{2}})(?![0-9])
    |(?P<date>[0-9]{{1,2}}(?P<sep>[./])[0-9]{{1,2}}(?P=sep)(?P<y1>[0-9]{{4}}|[0-9]{{2}})
        |(?P<y2>[0-9]{{4}})-[0-9]{{2}}-[0-9]{{2}}
        |(?P<y4>(?:19|20)[0-9]{{2}})[/-][0-9]{{2}}
        |[0-9]{{1,2}}(?:st|nd|rd|th|-?(?:го|е|ое))?\.?[ \u00a0]+(?:of[ ]+)?{_MONTH}
            (?:,?[ \u00a0]+(?P<y3>(?:19|20)[0-9]{{2}}))?)(?![0-9])
    |(?P<fraction>[0-9]{{1,2}}/[0-9]{{1,2}})(?![0-9/])
    |(?P<time>[0-9]{{1,2}}:[0-9]{{2}}(?::[0-9]{{2}})?
        |[0-9]{{1,2}}(?:\.[0-9]{{2}})?[ \u00a0]*(?:uhr|a\.m\.|p\.m\.|ч\.|час(?:а|ов)?|мск)(?!\w)
        )(?![0-9])
    |(?P<num>{_NUMBER})(?![0-9])
    )""",
    re.I | re.X,
)
# Where _MASTER is worth trying: a digit, "+" or "(" not glued to a word or number before it,
# or a digit glued to a currency code ("RUR4.1 bln"). Starting with a character class lets re
# skip ahead, which _MASTER itself cannot.
_NUMBER_START = re.compile(r"[0-9+(](?:(?<![\w.,].)|(?<=RUR.|RUB.|Rbs.|USD.|EUR.))")
_NUMBER_AT = re.compile(rf"(?:{_NUMBER})(?![0-9])")

# Everything that may follow a number: scale words, units, and words that make it no quantity.
_AFTER = _Phrases(AFTER_PHRASES, before=False)
# "$200m", "€5k": only glued to a number that has a currency sign in front of it.
_SHORT_SCALE = re.compile(r"([kKmM])(?!\w)")
_SHORT_SCALE_LETTERS = frozenset("kKmM")

_QUALIFIER_KINDS = frozenset(QUALIFIER_PHRASES)
_MONEY_KINDS = frozenset({"USD", "EUR", "RUB", "other_money", *OTHER_CURRENCIES})
# Everything that may come right before a number, in one table so that one look-up serves all.
_BEFORE = _Phrases(BEFORE_PHRASES, before=True)
_ROLE_AFTER = _Phrases(ROLE_AFTER_PHRASES, before=False)
# "464 more than planned", "на 12 компаний больше", "12 mehr als": a difference, not a value.
# Not "30 billion and more than 160 billion": there "more than" qualifies the next number.
_DIFFERENCE_AFTER = re.compile(
    rf"""[ \u00a0]+(?!(?:and|or|but|und|oder|и|или|а)[ \u00a0])(?:\w+[ \u00a0]+)?(?:
    (?:{_trie(DIFFERENCE_WORDS)})(?!\w)
    |(?:{_trie(DIFFERENCE_WORDS_BEFORE_THAN)})(?:[ \u00a0]+\w+){{0,2}}?[ \u00a0]+than(?!\w))
    (?![ \u00a0]+(?:than|als|чем)?[ \u00a0]*[0-9])""",
    re.X,
)
# "Three years ago this figure was only 1,500", "год назад их было 20": an earlier value.
# Not across a word for "now": "A year ago the park opened, and now it hosts 300 firms".
_AGO_BEFORE = re.compile(
    r"""(?<!\w)(?:ago|назад|zuvor|vor[ \u00a0]+\w+[ \u00a0]+jahren)(?!\w)
    (?:(?!(?<!\w)(?:now|today|currently|сейчас|сегодня|теперь|ныне|heute|jetzt|nun|aktuell)(?!\w))
    [^,;:.!?\n]){0,60}\Z""",
    re.I | re.X,
)
# "выросла на 12", "rose by 2 billion": the verb of change before "на"/"by".
_CHANGE_VERB_BEFORE = re.compile(
    rf"(?<!\w)(?:{_trie(_cased(CHANGE_VERBS))})\w*(?:[ \u00a0]+\w+)?[ \u00a0]+\Z"
)
# "с 12 до 167", "from 75.8 to 90 billion", "von 1,2 auf 1,5 Mrd.": the link to the new value.
_CHANGE_LINK = re.compile(r"[ \u00a0]+(?:до|to|auf)[ \u00a0]+(?=[0-9])", re.I)
# "выросла до 90 млрд с 75,8 млрд", "rose to 90 billion from 75.8": "from" after the new value.
_TO_NUMBER_BEFORE = re.compile(r"(?<!\w)(?:до|to|auf)[ \u00a0]+[0-9][^.;!?\n]{0,60}\Z", re.I)
# Where a sentence ends, for the cues read from a figure's sentence (caps, per-ruble ratios).
_SENTENCE_BREAK = re.compile(r"[.!?…]+[\"»”)]*[ \u00a0]+(?=[^a-zа-яё0-9 \u00a0])|\n")
_SENTENCE_REACH = 300  # characters looked at on each side of a figure for its sentence
_NEXT_WORD = re.compile(r"[ \u00a0]+(\w+)")
# How far from a figure its cue words may start: right after it (after spaces), one word on
# ("на 12 компаний больше"), or within a clause before it ("Three years ago this figure was").
_ROLE_AFTER_REACH = 24  # to the start of the last word of "im Vorjahreszeitraum"
_DIFFERENCE_REACH = 32
_AGO_REACH = 90


def _cue_kinds() -> dict[str, tuple[str, ...]]:
    """The cue words, each with the kinds it is a cue for: the last word of each ROLE_AFTER
    phrase (single words keep the scan fast), the words of "ago", those of a difference."""
    kinds: dict[str, tuple[str, ...]] = {}
    for word, kind in (
        *((_normal(p).split()[-1], "role_after") for ps in ROLE_AFTER_PHRASES.values() for p in ps),
        *((word, "ago") for word in ("ago", "назад", "zuvor", "jahren")),
        *((word, "difference") for word in (*DIFFERENCE_WORDS, *DIFFERENCE_WORDS_BEFORE_THAN)),
    ):
        kinds[word] = (*kinds.get(word, ()), kind)
    return kinds


_CUE_KINDS = _cue_kinds()
# "до" after a verb of change or after "с <number>" means "to", not "up to".
_CHANGE_BEFORE_DO = re.compile(
    rf"(?:(?<!\w)(?:{_trie((*CHANGE_VERBS, *REACH_VERBS))})\w*|(?<!\w)с\s+[0-9])"
    r"[^.!?;\n]{0,60}\Z",
    re.I,
)
_RU_CASE_ENDING = re.compile(
    rf"-({_trie((*RU_CASE_ENDINGS, *RU_CASE_ENDINGS_TWO_TO_FOUR))})(?![\w-])"
)
_COMPOUND_GAP = re.compile(r"[ \u00a0]+(?=[0-9])")  # "1 тысяча 45": between the parts
_RANGE_LINK = re.compile(
    r"[ \u00a0]*[-–—][ \u00a0]*|[ \u00a0]+(?P<word>до|and|und|bis|to)[ \u00a0]+", re.I
)
_OWN_RANGE_WORDS = frozenset({"bis", "to"})  # a range without "von"/"from" before it
_YEAR_LIST_BEFORE = re.compile(
    r"(?:19|20)[0-9]{2}[ \u00a0]*(?:[-–—/,]|и|and|und|to|по|до|bis)[ \u00a0]*\Z"
)
_MONTH_DAY_BEFORE = re.compile(rf"{_MONTH}[ \u00a0]+[0-9]{{1,2}}(?:st|nd|rd|th)?,?[ \u00a0]*\Z")
_YEAR_AFTER = re.compile(
    r"""(?:[ \u00a0]*(?:год\w*|гг?\.|гг?(?![а-яё])|year(?!s)|jahr\w*)
    |-(?:м|го|й|х|ом|му|е|ый|ого)(?![а-яё])
    |[ \u00a0]*[-–—/][ \u00a0]*(?:(?:19|20)[0-9]{2}|[0-9]{2})(?![0-9]))""",
    re.I | re.X,
)
_STREET_REACH = 60  # characters: a street word, its name and a comma
_TIMES_SIGNS = frozenset("×✕")
# A word with a letter in it, glued to a dash before a number: a model or registration number.
_LABEL_BEFORE_DASH = re.compile(r"(?<![\w])[^\W\d_]\w*\Z")
_STREET_NAME = r"[ \u00a0]+[^\W\d_][\w.«»\"'-]*"
_GERMAN_STREETS = ("straße", "strasse", "str.", "allee", "gasse", "ufer", "chaussee")
# A house number: after a street word, up to three words of its name and a comma ("проспекте
# Комарова, 21", "Baker Street, 221"), or right after a German street ("Hauptstraße 12"); or
# before a name and an English street word ("1 Gayi Street").
_STREET_BEFORE = re.compile(
    rf"""(?:(?<!\w)(?:{"|".join(map(re.escape, STREET_WORDS_BEFORE))})(?:{_STREET_NAME}){{0,3}},
    |(?:{"|".join(map(re.escape, _GERMAN_STREETS))}),?)[ \u00a0]*\Z""",
    re.I | re.X,
)
# What the street part before a house number ends with, spaces aside: a comma or a German
# street word. Checked first, as most numbers have neither and need no search back for a street.
_STREET_BEFORE_ENDS = frozenset(
    {",", *(word[-1] for word in _GERMAN_STREETS), *(word[-1].upper() for word in _GERMAN_STREETS)}
)
_STREET_AFTER = re.compile(
    rf"(?:{_STREET_NAME}){{1,2}}[ \u00a0]+(?i:{'|'.join(map(re.escape, STREET_WORDS_AFTER))})"
    r"(?!\w)")
_DE_ORDINAL_NOUN = re.compile(
    r"\.[ \u00a0]+(?:platz|rang|stelle|mal|quartal|halbjahr|jahrestag|geburtstag|jahrhundert"
    r"|auflage|ausgabe|runde|stufe|etage|stock|obergeschoss|liga|klasse|lesung|woche|tag"
    r"|monat|kapitel|absatz|artikel)(?!\w)",
    re.I,
)
_PROPORTION = re.compile(
    rf"[ \u00a0]+(?:{_trie(PROPORTION_LINKS)})[ \u00a0]+(?:{_trie(PROPORTION_TOTALS)})(?![\w-])",
    re.I,
)
_AGE_RATING_SIGN = re.compile(r"\+(?![0-9])")
_DOT_THEN_WORD = re.compile(r"\.[ \u00a0]+\w")

_WORD_LANGUAGES = ("ru", "en", "de")


# The vocabularies and scans below are built on first use, each for one language: their tries
# run to thousands of characters, and a text is scanned in its own language only.
@once
def _word_pattern(lang: str) -> str:
    if lang == "de":
        return (rf"(?:{_trie(_cased([*DE_NUMBER_PARTS, *DE_NUMBER_WORDS]))})"
                rf"(?:{_trie([*DE_NUMBER_PARTS, 'und'])})*")
    return _trie(_cased(RU_NUMBER_WORDS if lang == "ru" else EN_NUMBER_WORDS))


# A scan consumes the character before a token instead of looking behind at it: a pattern that
# starts with a character class lets re skip ahead, one that starts with a look-behind does not.
# Besides number words it finds approximate words ("сотни") and the cue words of _Cues; all
# words go into one trie, which tests a position's first letter once, not once per list.
_EXTRA_WORDS = [*APPROXIMATE_WORDS, *_CUE_KINDS]
_SCAN_WORDS: dict[str | None, list[str]] = {
    "ru": [*RU_NUMBER_WORDS, *_EXTRA_WORDS],
    "en": [*EN_NUMBER_WORDS, *_EXTRA_WORDS],
    "de": [*DE_NUMBER_PARTS, *DE_NUMBER_WORDS, *_EXTRA_WORDS],
}
_SCAN_WORDS[None] = [*_SCAN_WORDS["ru"], *_SCAN_WORDS["en"], *_SCAN_WORDS["de"]]


@once
def _word_scan(lang: str | None) -> _WordScan:
    if lang == "de":
        pattern = f"{_word_pattern('de')}|{_trie(_cased(_EXTRA_WORDS))}"
    elif lang is None:
        pattern = (f"{_trie(_cased([*RU_NUMBER_WORDS, *EN_NUMBER_WORDS, *_EXTRA_WORDS]))}"
                   f"|{_word_pattern('de')}")
    else:
        pattern = _trie(_cased(_SCAN_WORDS[lang]))
    return _WordScan(pattern, _cased(_SCAN_WORDS[lang]))


@once
def _word_vocabulary(lang: str) -> re.Pattern[str]:
    return re.compile(_word_pattern(lang))


_CONNECTORS = frozenset({"and"})  # "one hundred and five"; never starts or ends a number
_MAX_RUN = 12  # words in one number: "двести пятьдесят три тысячи четыреста двадцать один" is 7
_WORD_GAP = re.compile(r"[ \t\u00a0]+")
_SCALE_WORD = re.compile(
    r"тысяч\w*|миллион\w*|миллиард\w*|триллион\w*|hundred|thousand|million|billion|hundert"
    r"|tausend|millionen|milliarden?"
)
_HALF = frozenset({"полтора", "полторы", "полутора", "anderthalb"})  # one and a half
_DE_AND_A_HALF = "einhalb"  # "zweieinhalb Millionen": 2.5
# A lone scale word is a figure only in the singular ("около миллиона", "тысяча человек", "mehr
# als tausend Firmen"); "тысячи", "миллионы", "Millionen" on their own mean "thousands",
# "millions". But "тысячи" is also the genitive singular that "более", "около", "свыше" take:
# after a qualifier it is a thousand ("более тысячи компаний").
_LONE_SCALE = frozenset(
    f"{stem}{ending}"
    for stem in ("миллион", "миллиард", "триллион")
    for ending in ("", "а", "у", "ом", "е")
) | {"тысяча", "тысячу", "тысячей", "тысячею", "тысяче", "tausend", "hundert"}
_THOUSAND_GENITIVE = "тысячи"
_ASCII_NON_LETTERS = bytes(code for code in range(128) if not chr(code).isalpha())
_BLOCK = 64  # with language=None, numbers in one block of this many characters share a guess


class _Core(NamedTuple):
    """A number before its scale word, unit, currency and qualifier are looked at."""

    start: int
    end: int
    value: float
    lang: str
    digits: str | None  # the digit string; None for a number in words
    approximate: str | None = None  # the qualifier of a word like "сотни", "dozens"


class _Tail(NamedTuple):
    """What follows a number: a scale word and a unit, either possibly absent."""

    end: int
    scale: float  # 1.0 without a scale word
    unit: str | None
    unit_factor: float  # 10_000 for hectares (read as m2), else 1.0
    rejected: bool  # a unit this module does not report (durations, lengths, £ ...)
    loose: bool = False  # m2 from "метров"/"квадратов": area only in an area sentence
    over: bool = False  # "с лишним", "odd" after the number: a bit more than it


@dataclass
class _Cues:
    """Where the rare words of _CUE_KINDS stand in a text, so that the checks for them run at a
    figure only when one is near. The scan for number words finds them in the same pass, which
    costs next to nothing; a regex at each figure would not."""

    starts: dict[str, list[int]] = field(default_factory=dict)  # cue kind -> starts, in order

    def near(self, kind: str, low: int, high: int) -> bool:
        """True if a cue of ``kind`` starts in [low, high]."""
        starts = self.starts.get(kind)
        if not starts:
            return False
        index = bisect_left(starts, low)
        return index < len(starts) and starts[index] <= high

# Before-phrases that may give a role, or make the figure the amount of a change ("на", "by").
_ROLE_KINDS = frozenset({"previous", "part", "from", "by"})
_CAP_QUALIFIERS = frozenset({"up_to", "less_than"})  # a cap when the sentence is about one
_SPREAD = 10.0
"""A range whose upper bound is more than this many times its lower bound gives the spread of
the sizes of many things ("offices of 20 to 1000 m²", "grants from 100 thousand to 20 million
rubles"), not an estimate of one quantity ("100-200 человек", "от 1 до 2 млрд рублей"): neither
bound is a figure."""
_NEVER = "never"
"""The role `_complete` gives a span that is read only so that none of its numbers is read
again on its own; `read_quantities` does not return it."""


class _Range(NamedTuple):
    """"A-B [scale] [unit]" read as its lower bound."""

    end: int
    value: float
    unit: str | None
    rejected: bool  # the shared unit is one this module does not report ("5-10 лет")
    spread: bool  # the bounds are too far apart to estimate one quantity (`_SPREAD`)


def read_quantities(text: str, language: str | None) -> list[Quantity]:
    """Every quantity in ``text``, sorted by start and non-overlapping.

    ``language`` is "ru", "en" or "de"; with None the conventions are guessed per number from
    the script of the surrounding words (Russian conventions when in doubt).
    """
    lang = _normalise_language(language)
    language_at = _language_at(text, lang)
    word_cores, cues = _word_cores(text, lang, language_at)
    cores = sorted(_digit_cores(text, language_at) + word_cores)
    found: list[Quantity] = []
    floor = 0  # nothing of a new quantity may reach back before the end of the previous one
    for core in cores:
        if core.start < floor:
            continue
        quantity = _complete(text, core, floor, cues)
        if quantity is not None:
            if quantity.role != _NEVER:
                found.append(quantity)
            floor = quantity.end  # a never-value's words are not read again either
    return found


def find_years(text: str, language: str | None) -> list[tuple[int, int, int]]:
    """(year, start, end) for each year mentioned: "в 2023 году", "15.03.2026", "in 2024".

    These are the numbers that ``read_quantities`` refuses as years, and the years of dates.
    Year context words of all three languages are recognised whatever ``language`` says.
    """
    years: list[tuple[int, int, int]] = []
    for match in _scan_numbers(text):
        if match.lastgroup == "date":
            for group in ("y1", "y2", "y3", "y4"):
                digits = match.group(group)
                if digits and len(digits) == 4 and 1900 <= int(digits) <= 2100:
                    years.append((int(digits), match.start(group), match.end(group)))
        elif match.lastgroup == "num" and _is_year(text, match.start(), match.end(), None):
            years.append((int(match.group()), match.start(), match.end()))
    return years


def _normalise_language(language: str | None) -> str | None:
    code = language.lower()[:2] if language else None
    return code if code in _LANGUAGES else None


def _language_at(text: str, lang: str | None) -> Callable[[int], str]:
    """The language whose conventions apply at a position: ``lang``, or a memoised guess."""
    if lang is not None:
        return lambda _pos: lang
    guesses: dict[int, str] = {}

    def guess(pos: int) -> str:
        block = pos // _BLOCK
        if block not in guesses:
            guesses[block] = _guess_language(text, (block - 1) * _BLOCK, (block + 2) * _BLOCK)
        return guesses[block]

    return guess


def _guess_language(text: str, lo: int, hi: int) -> str:
    """ru if most letters in ``text[lo:hi]`` are not ASCII; else de if German cues, else en."""
    window = text[max(lo, 0) : hi]
    ascii_only = window.encode("ascii", "ignore")
    if len(window) - len(ascii_only) >= len(ascii_only.translate(None, _ASCII_NON_LETTERS)):
        return "ru"
    window = window.lower()
    return "de" if any(cue in window for cue in GERMAN_CUES) else "en"


@lru_cache(maxsize=1)  # the matcher asks read_quantities, then find_years, about one text
def _scan_numbers(text: str) -> tuple[re.Match[str], ...]:
    """_MASTER matches (phone, date, time or num), left to right, not overlapping."""
    matches = []
    pos = 0
    while candidate := _NUMBER_START.search(text, pos):
        match = _MASTER.match(text, candidate.start())
        if match is None:
            pos = candidate.end()
        else:
            matches.append(match)
            pos = match.end()
    return tuple(matches)


def _digit_cores(text: str, language_at: Callable[[int], str]) -> list[_Core]:
    cores = []
    for match in _scan_numbers(text):
        if match.lastgroup != "num":
            continue
        lang = language_at(match.start())
        value = _digits_value(match.group(), lang)
        if value is not None:
            cores.append(_Core(match.start(), match.end(), value, lang, match.group()))
    return cores


def _digits_value(digits: str, lang: str) -> float | None:
    """Value of a digit string under ``lang``'s separators; None if no language writes it so."""
    if digits.isdigit():
        integer, decimals = digits, ""
    elif digits.translate(_NO_SPACES) != digits:  # space-grouped; the regex checked the groups
        head, _, decimals = _split_last(digits)
        integer = head.translate(_NO_SPACES)
    else:
        marks = [char for char in digits if char in ".,"]
        if len(set(marks)) == 2:  # "1,500.25" / "1.500,25": the last mark is the decimal one
            head, mark, decimals = _split_last(digits)
            thousands = "," if mark == "." else "."
            if mark in head or not _grouped(head, thousands):
                return None
            integer = head.replace(thousands, "")
        elif len(marks) > 1:  # "1.500.000" / "1,500,000": thousands only
            if not _grouped(digits, marks[0]):
                return None
            integer, decimals = digits.replace(marks[0], ""), ""
        else:  # one mark: thousands only where the language groups with it
            head, mark, tail = _split_last(digits)
            if mark == _GROUPING_MARK.get(lang) and len(tail) == 3:
                integer, decimals = head + tail, ""
            else:
                integer, decimals = head, tail
    if len(integer.lstrip("0")) > _MAX_INTEGER_DIGITS:
        return None
    return float(f"{integer}.{decimals}" if decimals else integer)


def _split_last(digits: str) -> tuple[str, str, str]:
    cut = max(digits.rfind("."), digits.rfind(","))
    if cut < 0:
        return digits, "", ""
    return digits[:cut], digits[cut], digits[cut + 1 :]


def _grouped(digits: str, mark: str) -> bool:
    """True for "1,500,000"-style grouping: 1-3 digits, then groups of exactly three."""
    groups = digits.split(mark)
    return 1 <= len(groups[0]) <= 3 and all(len(group) == 3 for group in groups[1:])


def _word_cores(
    text: str, lang: str | None, language_at: Callable[[int], str]
) -> tuple[list[_Core], _Cues]:
    """Numbers in words: the longest runs of adjacent number words a library can value; and,
    from the same scan, which cue words of _Cues the text holds."""
    cores: list[_Core] = []
    run: list[tuple[int, int]] = []
    run_lang = ""
    cues = _Cues()
    for start, end in _word_scan(lang).find(text):
        word = text[start:end].lower()
        if word in _CUE_KINDS:
            for kind in _CUE_KINDS[word]:
                cues.starts.setdefault(kind, []).append(start)
            continue
        if word in APPROXIMATE_WORDS and not _vocabularies(word):  # "сотни", "dozens"
            value, qualifier = APPROXIMATE_WORDS[word]
            times = _times(text, run, run_lang, start)
            if times is not None:  # "два десятка", "three dozen": a multiple, roughly
                value, qualifier, first, run = value * times, "about", run[0][0], []
            else:
                first = start
            cores += _run_cores(text, run, run_lang)
            run = []
            cores.append(_Core(first, end, value, lang or language_at(start), None, qualifier))
            continue
        token_langs = (lang,) if lang else _vocabularies(word)
        if run and run_lang in token_langs and _WORD_GAP.fullmatch(text, run[-1][1], start):
            run.append((start, end))
            continue
        cores += _run_cores(text, run, run_lang)
        run, run_lang = [(start, end)], token_langs[0]
        if len(token_langs) > 1:  # "million" is English or German: as the words around it
            guessed = language_at(start)
            run_lang = guessed if guessed in token_langs else token_langs[0]
    cores += _run_cores(text, run, run_lang)
    return cores, cues


def _times(text: str, run: list[tuple[int, int]], lang: str, pos: int) -> float | None:
    """The value of the number words right before ``pos`` that multiply an approximate word
    there ("два десятка", "полтора десятка", "zwei Dutzend"), or None if there are none."""
    if not run or not _WORD_GAP.fullmatch(text, run[-1][1], pos):
        return None
    words = " ".join(text[start:end].lower() for start, end in run)
    return 1.5 if words in _HALF else _words_value(words, lang)


@lru_cache(maxsize=4096)
def _vocabularies(word: str) -> tuple[str, ...]:
    """The languages whose number-word vocabulary holds the lowercase ``word``."""
    return tuple(lang for lang in _WORD_LANGUAGES if _word_vocabulary(lang).fullmatch(word))


def _run_cores(text: str, run: list[tuple[int, int]], lang: str) -> list[_Core]:
    """Split a run of number words into stretches that have a value, each as long as it goes.

    A stretch grows word by word while the library values it ("сто", "сто двадцать"). It may
    pass one word that has no value yet ("полтора", "one hundred and"), stops at the second
    miss in a row and at _MAX_RUN words, so a long run costs a few library calls per word.
    """
    words = [text[start:end].lower() for start, end in run]
    cores = []
    i = 0
    while i < len(words):
        best: tuple[int, float] | None = None
        misses = 0
        for j in range(i + 1, min(len(words), i + _MAX_RUN) + 1):
            if words[j - 1] in _CONNECTORS:
                continue
            value = _words_value(" ".join(words[i:j]), lang)
            if value is not None:
                best, misses = (j, value), 0
            elif (misses := misses + 1) == 2:
                break
        if best is None:
            i += 1
            continue
        j, value = best
        core = _word_core(text, run[i][0], run[j - 1][1], value, lang, j - i)
        if core is not None:
            cores.append(core)
        i = j
    return cores


def _word_core(
    text: str, start: int, end: int, value: float, lang: str, tokens: int
) -> _Core | None:
    """None for a lone "one"/"один"/"ein" (an article or pronoun) or a lone plural scale word.

    A lone "a hundred" is approximate, as APPROXIMATE_WORDS says. An article before a leading
    scale word belongs to the number ("a million", "eine Million zweihunderttausend"), and so
    does "half a" before a lone one ("half a billion", "eine halbe Milliarde").
    """
    word = text[start:end].split(None, 1)[0].lower()
    approximate = APPROXIMATE_WORDS.get(word, (value, None))[1] if tokens == 1 else None
    if _SCALE_WORD.fullmatch(word):
        before = _BEFORE.match(text, start)
        if tokens == 1 and before is not None and "half" in before[0]:
            start, value = before[1], value / 2
        elif before is not None and "article" in before[0]:
            start = before[1]
        elif tokens == 1 and word not in _LONE_SCALE and not (
            word == _THOUSAND_GENITIVE and before is not None and before[0] & _QUALIFIER_KINDS
        ):
            return None
    elif tokens == 1 and value == 1:
        return None
    elif tokens == 1 and _and_a_half(word, lang) is not None and not _AFTER.match(text, end):
        return None  # "полтора" is a number before a scale word or a unit: "полтора млрд"
    return _Core(start, end, value, lang, None, approximate)


@lru_cache(maxsize=8192)
def _words_value(words: str, lang: str) -> float | None:
    """The value of lowercase number words joined by single spaces, or None."""
    first, _, rest = words.partition(" ")
    half = _and_a_half(first, lang)
    if half is not None:  # "полтора миллиона", "zweieinhalb Millionen": no library has halves
        if not rest:
            return half
        scale = _words_value(rest, lang) if _SCALE_WORD.fullmatch(rest) else None
        return half * scale if scale else None
    if lang == "ru":
        prefix = next((p for p in RU_HALF_PREFIXES if words.startswith(p)), None)
        if prefix is not None:  # "полумиллиарда"
            scale = words[len(prefix) :]
            return 0.5 * _words_value(scale, lang) if _SCALE_WORD.fullmatch(scale) else None
        value = parse_number(words, language="ru")
        return float(value) if isinstance(value, int) else None
    return _text2num(words, lang)


def _and_a_half(word: str, lang: str) -> float | None:
    """1.5 for "полтора", "anderthalb", "eineinhalb"; 2.5 for "zweieinhalb"; else None."""
    if word in _HALF:
        return 1.5
    if lang != "de" or not word.endswith(_DE_AND_A_HALF) or word == _DE_AND_A_HALF:
        return None
    whole = _text2num(word[: -len(_DE_AND_A_HALF)], lang)
    return None if whole is None else whole + 0.5


def _text2num(words: str, lang: str) -> float | None:
    try:
        return float(text2num(words, lang))
    except ValueError:
        return None


def _complete(text: str, core: _Core, floor: int, cues: _Cues) -> Quantity | None:
    """Attach scale, unit, currency, range, qualifier and role to a number, or reject it."""
    start, end = core.start, core.end
    before = _BEFORE.match(text, start, floor)
    kinds = before[0] if before else frozenset()
    if "idiom" in kinds:
        return None  # "в одном из двух комплексов", "one of the two", "eines von drei"
    proportion = _PROPORTION.match(text, end)
    if proportion is not None and not _AFTER.match(text, proportion.end()):
        # "9 из 10 компаний": read as a never-value, so that the 10 is not read either
        return Quantity(core.value, None, start, proportion.end(),
                        text[start : proportion.end()], None, None, _NEVER)
    if core.digits is not None and not _plausible_digits(text, core, kinds):
        return None
    if text[max(0, start - 2) : start].strip()[-1:] in _TIMES_SIGNS:
        return None  # "×3"
    money = next(iter(kinds & _MONEY_KINDS), None)
    if money == "other_money":
        return None
    end = _case_ending_end(text, core)
    tail = _read_tail(text, end, core.lang, short_scale=money is not None)
    if tail.rejected:
        return None
    if tail.end == end and _letter_follows(text, end):
        return None  # "5G", "3rd", "5-летний": a word glued to the number
    value = core.value * tail.scale
    compound = _compound(text, core, tail)
    if compound is not None:
        value, last = compound
        tail = tail._replace(end=last.end, unit=last.unit, unit_factor=last.unit_factor,
                             loose=last.loose)
    value, unit, stop = value * tail.unit_factor, tail.unit, tail.end
    if before is not None and money is not None:
        start, unit = before[1], unit or money
        before = _BEFORE.match(text, start, floor)  # "more than $5": the words before the sign
        kinds = before[0] if before else frozenset()
    qualifier, qualifier_start = _qualifier(text, before)
    if qualifier is None and core.approximate is not None:
        qualifier, qualifier_start = core.approximate, start
    elif qualifier is None and tail.over:
        qualifier, qualifier_start = "more_than", start
    role = None
    span = None if compound else _read_range(text, start, core, tail, before)
    if span is not None:
        if span.rejected:
            return None
        if span.spread:  # "Flächen von 20 bis 1000 m²": the sizes of many things
            return Quantity(span.value, span.unit or unit, start, span.end,
                            text[start : span.end], None, None, _NEVER)
        value, unit, stop = span.value, span.unit or unit, span.end
        if before is not None and "range" in before[0]:
            qualifier, qualifier_start = "at_least", before[1]
        elif qualifier is None:
            qualifier, qualifier_start = "at_least", start
    elif "from" in kinds and (link := _CHANGE_LINK.match(text, stop)):
        # "с 12 до 167", "from 75.8 to 90 billion rubles": the earlier value, with the scale
        # and unit written once, after the new one.
        role = "previous"
        upper = _NUMBER_AT.match(text, link.end())
        new = _read_tail(text, upper.end(), core.lang, short_scale=False) if upper else None
        if new is not None and not new.rejected and unit is None:
            value *= (new.scale if tail.scale == 1.0 else 1.0) * new.unit_factor
            unit = new.unit
    if cues.starts or kinds & _ROLE_KINDS:  # the common figure has neither: skip it all
        word_after = cues.near("difference", stop, stop + _DIFFERENCE_REACH)
        if (word_after or "by" in kinds) and _is_difference(
            text, kinds, before, start, stop, unit, word_after
        ):
            return None
        role_after = cues.near("role_after", stop, stop + _ROLE_AFTER_REACH)
        ago = cues.near("ago", start - _AGO_REACH, start)
        if role is None and (role_after or ago or kinds & _ROLE_KINDS):
            role = _role(text, kinds, before, start, stop, role_after, ago)
    if unit == "RUB" and tail.scale == 1.0 and _sentence_has(text, start, PER_RUBLE_CUES):
        return None  # "на каждый рубль ... возвращается 2,5 рубля": a ratio
    if qualifier in _CAP_QUALIFIERS and _sentence_has(text, start, LIMIT_CUES):
        qualifier = "limit"  # "гранты до 5 млн рублей на проект", "с выручкой до 800 млн"
    return Quantity(value, unit, start, stop, text[start:stop], qualifier, qualifier_start,
                    role, tail.loose)


def _case_ending_end(text: str, core: _Core) -> int:
    """Where a Russian number in digits ends, past a glued case ending of a cardinal: "более
    5-ти тысяч", "в 2-х корпусах" (not an ordinal's "5-й", "2-го", nor a decade's "90-х")."""
    ending = _RU_CASE_ENDING.match(text, core.end) if core.lang == "ru" and core.digits else None
    if ending is None:
        return core.end
    digits = (core.digits or "")[-2:]
    two_to_four = digits[-1] in "234" and digits[:-1] != "1"
    return ending.end() if two_to_four or ending.group(1) in RU_CASE_ENDINGS else core.end


def _compound(text: str, core: _Core, tail: _Tail) -> tuple[float, _Tail] | None:
    """"1 тысяча 45", "2 млн 300 тыс. рублей", "1 Million 200.000 Euro": one number written as
    parts of falling scale. Returns its value before the unit and the tail of its last part,
    or None if no part follows.

    A part follows the scale word after spaces only, is a whole number smaller than that scale
    (so "5 млн 2 млн" and "1 тысяча 2000" stay apart), is no year, and has a scale word of its
    own after a dotted abbreviation, where "36 тыс. 15 компаний" may start a new sentence.
    """
    if tail.unit is not None or tail.scale == 1.0 or core.digits is None:
        return None
    if not core.value.is_integer():
        return None  # "1,5 млн 300" is no way to write a number
    total, limit, last = core.value * tail.scale, tail.scale, tail
    while last.unit is None and limit > 1.0:
        gap = _COMPOUND_GAP.match(text, last.end)
        part = _NUMBER_AT.match(text, gap.end()) if gap else None
        value = _digits_value(part.group(), core.lang) if part else None
        if part is None or value is None or not value.is_integer():
            break
        after = _read_tail(text, part.end(), core.lang, short_scale=False)
        if (
            after.rejected
            or value * after.scale >= limit
            or (after.scale == 1.0 and text[last.end - 1] == ".")
            or (after.end == part.end() and _letter_follows(text, part.end()))
            or _is_year(text, part.start(), part.end(), None)
        ):
            break
        total, limit, last = total + value * after.scale, after.scale, after
    return None if last is tail else (total, last)


def _is_difference(
    text: str,
    kinds: frozenset[str],
    before: tuple[frozenset[str], int] | None,
    start: int,
    stop: int,
    unit: str | None,
    word_after: bool,
) -> bool:
    """True for the amount of a change or a difference: "на 12 больше", "464 more than
    planned", "rose by 2 billion", "um 12 gestiegen". A percentage after "на"/"by"/"um" is a
    growth rate and stays."""
    if word_after and _DIFFERENCE_AFTER.match(text, stop):
        return True
    if "by" not in kinds or before is None or unit == "percent":
        return False
    edge = before[1]
    return text[edge:start].strip().lower() == "um" or bool(
        _CHANGE_VERB_BEFORE.search(text, max(0, edge - 60), edge)
    )


def _role(
    text: str,
    kinds: frozenset[str],
    before: tuple[frozenset[str], int] | None,
    start: int,
    stop: int,
    role_after: bool,
    ago: bool,
) -> str | None:
    """"previous" or "part" from the words around a figure (see Quantity.role), else None."""
    after = _ROLE_AFTER.match(text, stop) if role_after else None
    named = kinds | (after[0] if after else frozenset())
    if "previous" in named:
        return "previous"
    if "part" in named:
        return "part"
    if "from" in kinds and before is not None and _TO_NUMBER_BEFORE.search(
        text, max(0, before[1] - 80), before[1]
    ):
        return "previous"  # "выросла до 90 млрд с 75,8 млрд"
    if ago and _AGO_BEFORE.search(text, max(0, start - _AGO_REACH), start):
        return "previous"
    return None


def _sentence_has(text: str, pos: int, cues: Iterable[str]) -> bool:
    """True if the sentence around ``pos`` contains one of the lowercase ``cues``."""
    low = max(0, pos - _SENTENCE_REACH)
    for found in _SENTENCE_BREAK.finditer(text, low, pos):
        low = found.end()
    end = _SENTENCE_BREAK.search(text, pos, pos + _SENTENCE_REACH)
    sentence = text[low : end.start() if end else pos + _SENTENCE_REACH].lower()
    return any(cue in sentence for cue in cues)


def _plausible_digits(text: str, core: _Core, kinds: frozenset[str]) -> bool:
    """False for digits that are labels, model names, years, days of a month or ordinals."""
    start, end, digits = core.start, core.end, core.digits or ""
    if "label" in kinds:
        return False  # "№ 5", "ИНН 7701234567"
    if text[start - 1 : start] == "-" and _LABEL_BEFORE_DASH.search(text, max(0, start - 12),
                                                                     start - 1):
        return False  # "Су-57", "COVID-19", "ФС77-32622"
    if _is_year(text, start, end, kinds):
        return False
    street_low = max(0, start - _STREET_REACH)
    if (text[street_low:start].rstrip(" \u00a0")[-1:] in _STREET_BEFORE_ENDS
            and _STREET_BEFORE.search(text, street_low, start)) or _STREET_AFTER.match(text, end):
        return False  # "проспект Комарова, 21", "Hauptstraße 12", "1 Gayi Street"
    if "month" in kinds and digits.isdigit() and int(digits) <= 31:
        return False  # "March 15"
    if digits in AGE_RATINGS and _AGE_RATING_SIGN.match(text, end):
        return False  # "18+" in a site's footer
    return not (
        core.lang == "de"
        and digits.isdigit()
        and _DOT_THEN_WORD.match(text, end)
        and (_DE_ORDINAL_NOUN.match(text, end) or "de_article" in kinds)
    )  # "3. Platz", "im 2. Quartal"


def _is_year(text: str, start: int, end: int, kinds: frozenset[str] | None) -> bool:
    """A bare 1900-2100 integer with year context and no scale, unit or currency.

    ``kinds`` are those of the phrase right before the number, None if not looked up yet.
    """
    digits = text[start:end]
    if not (len(digits) == 4 and digits.isdigit() and 1900 <= int(digits) <= 2100):
        return False
    if kinds is None:
        before = _BEFORE.match(text, start)
        kinds = before[0] if before else frozenset()
    if kinds & _MONEY_KINDS:
        return False
    tail = _read_tail(text, end, None, short_scale=False)
    if tail.unit is not None or tail.scale != 1.0:
        return False
    if (
        kinds & {"year", "month"}
        or (text[start - 1 : start] == "(" and text[end : end + 1] == ")")
        or _YEAR_LIST_BEFORE.search(text, max(0, start - 12), start)
        or _MONTH_DAY_BEFORE.search(text, max(0, start - 20), start)
        or _YEAR_AFTER.match(text, end)
    ):
        return True
    if kinds & _QUALIFIER_KINDS:
        return False  # "более 2000 компаний"
    # Anywhere else a bare 1900-2100 number counts something only if a word that could be what
    # it counts follows it: "2000 компаний", but "Sie haben 2022 fast", "2019 was", "2021."
    follower = _NEXT_WORD.match(text, end)
    return follower is None or follower.group(1).lower() in YEAR_FOLLOWERS or (
        follower.group(1).isdigit()
    )


def _read_tail(text: str, pos: int, lang: str | None, short_scale: bool) -> _Tail:
    """The scale word and unit after a number; "m"/"k" glued to it is a scale after a currency
    sign ("$5m", ``short_scale``) or before a currency ("5m rubles"). "с лишним"/"odd" may
    stand before or after the scale word ("10 с лишним млрд", "2 млрд с небольшим рублей")."""
    scale = 1.0
    short = _SHORT_SCALE.match(text, pos) if text[pos : pos + 1] in _SHORT_SCALE_LETTERS else None
    if short is not None and not short_scale:
        currency = _AFTER.match(text, short.end())
        if currency is None or not currency[0] & _MONEY_KINDS:
            short = None
    if short is not None:
        scale, pos = SCALES[short.group(1).lower()], short.end()
    found, after = _after_over(text, pos)
    over, pos = after != pos, after
    if found is not None and short is None:
        (kind,) = found[0]
        if kind in SCALES:
            scale = 1e12 if kind == "billion" and lang == "de" else SCALES[kind]
            scale_end = found[1]
            found, pos = _after_over(text, scale_end)
            over = over or pos != scale_end
    if found is None:
        return _Tail(pos, scale, None, 1.0, False, over=over)
    (kind,) = found[0]
    if kind == "previous":  # "6 390 годом ранее": no unit; the role is read later
        return _Tail(pos, scale, None, 1.0, False, over=over)
    if kind == "reject" or (kind == "metre" and scale == 1.0):
        return _Tail(found[1], scale, None, 1.0, True)
    if kind in ("metre", "m2_loose"):  # "350 тысяч метров", "49 тысяч «квадратов»"
        return _Tail(found[1], scale, "m2", 1.0, False, True, over)
    if kind in SCALES:  # "тысяч миллионов": not a unit; leave it
        return _Tail(pos, scale, None, 1.0, False, over=over)
    name, unit_factor = UNITS[kind]
    return _Tail(found[1], scale, name, unit_factor, False, over=over)


def _after_over(text: str, pos: int) -> tuple[tuple[frozenset[str], int] | None, int]:
    """The phrase after ``pos``, looked up past any "с лишним"/"odd", and where the look-up
    started: ``pos``, or the end of the last such phrase."""
    found = _AFTER.match(text, pos)
    while found is not None and "over" in found[0]:  # "с лишним-odd": any number of them
        pos = found[1]
        found = _AFTER.match(text, pos)
    return found, pos


def _letter_follows(text: str, pos: int) -> bool:
    after = text[pos : pos + 2]
    return bool(after) and (after[0].isalpha() or (after[0] == "-" and after[1:].isalpha()))


def _read_range(
    text: str, start: int, core: _Core, tail: _Tail, before: tuple[frozenset[str], int] | None
) -> _Range | None:
    """"100-200 человек", "от 1 до 2 млрд рублей", "5.000 bis 6.000 Menschen", "10 to 15
    firms": the lower bound with the shared scale/unit. A link word needs "от/between/von"
    before the range, except "bis" and "to", which need only that it is no change ("from 5
    to 6") and does not end in a year ("300 bis 2025")."""
    if core.digits is None or tail.unit is not None:
        return None
    link = _RANGE_LINK.match(text, tail.end)
    kinds = before[0] if before else frozenset()
    word = (link.group("word") or "").lower() if link else ""
    if link is None or (
        word and "range" not in kinds and (word not in _OWN_RANGE_WORDS or "from" in kinds)
    ):
        return None
    upper = _NUMBER_AT.match(text, link.end())
    upper_value = _digits_value(upper.group(), core.lang) if upper else None
    if upper is None or upper_value is None:
        return None
    upper_tail = _read_tail(text, upper.end(), core.lang, short_scale=False)
    if upper_tail.end == upper.end() and _letter_follows(text, upper.end()):
        return None
    if word and "range" not in kinds and _is_year(text, upper.start(), upper.end(), None):
        return None
    scale = tail.scale if tail.scale != 1.0 else upper_tail.scale
    lower = core.value * scale * upper_tail.unit_factor
    if upper_value * upper_tail.scale * upper_tail.unit_factor <= lower:
        return None  # "3-2", "2024-12": not a range
    upper_value *= upper_tail.scale * upper_tail.unit_factor
    return _Range(upper_tail.end, lower, upper_tail.unit, upper_tail.rejected,
                  upper_value > _SPREAD * lower)


def _qualifier(
    text: str, before: tuple[frozenset[str], int] | None
) -> tuple[str | None, int | None]:
    """The qualifier named by the phrase before a number, and where it starts."""
    qualifier = next(iter(before[0] & _QUALIFIER_KINDS), None) if before else None
    if before is None or qualifier is None:
        return None, None
    start = before[1]
    if (
        qualifier == "up_to"
        and text[start : start + 2].lower() == "до"
        and _CHANGE_BEFORE_DO.search(text, max(0, start - 80), start)
    ):
        return None, None  # "выросла до 5 млрд", "с 1 до 2 млрд": "to", not "up to"
    return qualifier, start
