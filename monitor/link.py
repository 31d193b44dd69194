"""Linking figures to organisations: which organisations a text mentions, and which one each
figure is about.

No dependency parser works offline here, so sentence structure is read from what the layout
gives (words, clauses, sentences, paragraphs) and from the habits of news writing:

- A figure's own noun phrase names its owner: "выручка резидентов ОЭЗ «Алабуга»", "the
  residents of Academpark" (`_noun_phrase`).
- A clause about the whole country or a group ("в технопарках России", "bundesweit", "in
  these technoparks") is about no organisation, even when a fund that announces the total is
  named in it. Then a name right before the figure's noun: "Technopark Yakutia residents".
- Otherwise the subject: news sentences put it first, before the verb, so the first
  organisation of the figure's clause owns the figure; a clause that names none but a region,
  place, sector or programme ("regions invested", "the high-tech sector", "в Томской
  области") is about that whole; else the first organisation of the sentence.
- "The technopark's press service said …": a kind word with no name refers back to the
  organisation of that kind the article named last.
- A sentence that speaks of several parks before the figure ("работают 26 технопарков,
  инвесторы вложили в их развитие …") is about the group.
- Otherwise the organisation the paragraph is about: the subject (named first) of its last
  sentence before the figure that names one, never one named only as what a branch belongs
  to ("a branch of the Kazan IT Park"). A paragraph that names none is about the kind word,
  region or sector its last sentence before the figure opens with ("Tatarstan counts …"),
  else continues the paragraph before (a quote: what that one names first), else the
  organisation the article is about (most of the body's mentions). The headline (first line)
  counts only when the body names nobody: a headline often lists a better-known organisation
  first ("Innopolis and …") while the body is about another.

Ministries and associations (`SPEAKER_KINDS`) speak about figures and hand out money; they
own none: "субсидии Минпромторга технопарку «Якутия»" are the technopark's.

Descriptive mentions: "технопарк в Нижнекамске", "the special economic zone … in the Tomsk
Region" name an organisation by kind and place. The rules' places and the kind words
(`linkwords.KIND_WORDS`) go into the matcher's one automaton; the organisations are indexed
by (kind, place) once, so resolving a mention costs the same with 10 or 10,000 organisations.
Once an organisation of the kind is named, a kind word refers back to it unless a place of its
own phrase says otherwise ("a delegation from Nizhny Novgorod visited the park" is the park
named before). A kind word that neither resolves names the one organisation of its kind at
the places of the organisations the article names: "der IT-Park" in an article on Technopark
Jakutien. A kind word also governs the names in quotes listed after it: "шесть технопарков:
«Слава», «Строгино»" names Технопарк «Слава» and Технопарк «Строгино» (the names inside the
rules' "Технопарк «…»" aliases go into the automaton too), though "Слава" alone is a word.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import pairwise
from operator import attrgetter
from typing import TYPE_CHECKING

from .config import RulesFile
from .lazy import cached_property
from .linkwords import (
    ALL_GAP,
    ALL_WORDS,
    AMBIGUOUS_PLURALS,
    BRANCH_WORDS,
    COMPLEMENTISERS,
    COORDINATORS,
    COST_WORDS,
    COUNT_WORDS,
    DISTRIBUTIVE_WORDS,
    FINANCING_GAP,
    FINANCING_WORDS,
    GROUP_NOUNS,
    KIND_ALSO,
    KIND_WORDS,
    LENDER_KINDS,
    LINK_WORDS,
    NICKNAME_GAP,
    NICKNAME_WORDS,
    PLURAL_KIND_WORDS,
    POSSESSIVES,
    REGION_REFERENCES,
    RENAME_WORDS,
    RESIDENT_WORDS,
    SCOPE_WORDS,
    SINGULAR_GENITIVES,
    SOURCE_WORDS,
    SPEAKER_KINDS,
    SUM_PARTNERS,
    SUM_WORDS,
)
from .normalize import QUOTES
from .tokens import SEP, Layout

if TYPE_CHECKING:
    from .match import Found

NOUN_PHRASE_GAP = 4
"""At most this many words between a figure (its keyword or value) and the organisation its
noun phrase names, of which at most `NOUN_PHRASE_CONTENT` are not `LINK_WORDS`: "выручка
резидентов ОЭЗ", "revenue of the residents of the Academpark"."""
NOUN_PHRASE_CONTENT = 2
PLACE_GAP = 4
"""A place this close after a kind word, in its clause, is part of the mention's text
("технопарк в городе Нижнекамске"); so is one right before it, one word apart at most
("в Казани IT-парк", "Tomsk SEZ")."""
BRANCH_GAP = 2
"""At most this many words between a branch word and the organisation it belongs to: "a
branch of the Kazan IT Park" ("of the"), "площадка казанского ИТ-парка" ("казанского" may be
part of the name or not)."""
JOIN_GAP = 6
"""At most this many words from the "и/and/und" that joins a kind word to a plural one up to
that plural: "der SWZ und zehn weiteren Industrie- und Technologieparks"."""
SINGULAR_GAP = 2
"""At most this many words between a singular genitive article and the ambiguous kind word it
makes singular: "des Moskauer Technoparks"."""
OPENING_WORDS = 2
"""At most this many `LINK_WORDS` may open a clause before a region or place that is its
subject: "в Томской области …", "In the Tomsk Region …", "In der Region …"."""

Span = tuple[int, int]

_QUOTED_ALIAS = re.compile(rf"\s*(.+?)\s*[{QUOTES}](.+)[{QUOTES}]\s*")
"""An alias made of a kind word and a name in quotes: "Технопарк «Строгино»"."""
_LISTED = re.compile(rf"(?:[^{QUOTES}.!?;]{{0,40}}?[:—–-]|,)?\s*(?:[{QUOTES}][^,:;]*?"
                     rf"(?:,|\s(?:и|а также|and|as well as|und|sowie))\s*)*")
"""What may stand between a kind word and a quoted name it governs in a list: a comma, or a
colon or a dash (after a few words: "технопарков города:"), and the names before it with
their commas and "и/and/und"."""


@dataclass(frozen=True)
class Link:
    """The organisation a figure is about, and why (`check --explain` prints the reason)."""

    organisation: str | None
    reason: str
    each: tuple[str, ...] = ()
    """Further organisations the same figure belongs to, one figure each: "Ставровский и
    ИКСЭл … Each will receive 500 million rubles"."""


def phrases(rules: RulesFile) -> Iterator[tuple[str, str, str, str | None]]:
    """(pattern kind, rule, phrase, language) for the matcher's automaton: kind words, the
    rules' places (each distinct phrase once: many organisations share "Москва") and scope
    words."""
    for kind, by_language in KIND_WORDS.items():
        for language, words in by_language.items():
            for word in words:
                yield "kind", kind, word, language
    for place in dict.fromkeys(p for org in rules.organisations if org.kind for p in org.place):
        yield "place", place, place, None
    for org in rules.organisations:
        for phrase, language in _quoted_names(org.kind, org.aliases):
            yield "quoted", org.id, phrase, language
    for scope, by_language in SCOPE_WORDS.items():
        for language, words in by_language.items():
            for word in words:
                yield "scope", scope, word, language


def own_phrases() -> Iterator[str]:
    """The phrases of this module's own tables that `phrases` hands the matcher (kind and scope
    words), whatever the rules: their forms are cached with the matcher's other words."""
    for table in (KIND_WORDS, SCOPE_WORDS):
        for by_language in table.values():
            for words in by_language.values():
                yield from words


def _quoted_names(kind: str | None, aliases: dict[str, list[str]]
                  ) -> Iterator[tuple[str, str]]:
    """(name, language) of each alias made of a kind word of the organisation's kind and a
    name, "Технопарк «Строгино»", "Technopark Strogino", "Slava Technopark": the name alone is
    how a list after a kind word writes it ("шесть технопарков: «Слава», «Строгино»", "the
    technoparks "Slava" and "Strogino"")."""
    if kind is None:
        return
    spellings = {word.lower() for words in KIND_WORDS.get(kind, {}).values() for word in words}
    seen = set()
    for language, written in aliases.items():
        for alias in written:
            quoted = _QUOTED_ALIAS.fullmatch(alias)
            head, _, rest = alias.partition(" ")
            before, _, tail = alias.rpartition(" ")
            name = (quoted[2] if quoted and quoted[1].lower() in spellings
                    else rest if language != "ru" and head.lower() in spellings
                    else before if language != "ru" and tail.lower() in spellings else None)
            if name and name not in seen:
                seen.add(name)
                yield name, language


def longest(found: list[Found]) -> list[Found]:
    """Non-overlapping occurrences, longest first; rules sharing one span all stay."""
    if len(found) < 2:
        return list(found)  # most calls: a kind of mention an article has once or not at all
    kept: dict[tuple[str, int, int], Found] = {}
    spans: set[Span] = set()
    taken: set[int] = set()
    for f in sorted(found, key=_longest_first):
        pattern, first, last = f
        span = (first, last)
        if first == last:  # most occurrences are one word
            if first in taken and span not in spans:
                continue
            taken.add(first)
        else:
            if span not in spans and not taken.isdisjoint(range(first, last + 1)):
                continue
            taken.update(range(first, last + 1))
        spans.add(span)
        kept.setdefault((pattern.rule, first, last), f)
    return sorted(kept.values(), key=_FIRST)


def _longest_first(f: Found) -> tuple[int, int]:
    return f.first - f.last, f.first


_FIRST = attrgetter("first")


def by_kind(found: list[Found]) -> defaultdict[str, list[Found]]:
    """The occurrences of each kind of pattern, in their order: one pass, where a list per
    kind asked of all of them would be one pass each."""
    out: defaultdict[str, list[Found]] = defaultdict(list)
    for f in found:
        out[f.pattern.kind].append(f)
    return out


def _overlaps(found: Found, taken: set[int]) -> bool:
    return not taken.isdisjoint(range(found.first, found.last + 1))


def _by_language(table: dict[str, frozenset[str]]) -> dict[str, frozenset[str]]:
    """A word table by language, with all languages' words under "" for an article whose
    language is unknown (worked out once, not per article)."""
    return {**table, "": frozenset().union(*table.values())}


_PLURAL_KIND_WORDS = _by_language(PLURAL_KIND_WORDS)
_AMBIGUOUS_PLURALS = _by_language(AMBIGUOUS_PLURALS)
_BRANCH_WORDS = _by_language(BRANCH_WORDS)
_NICKNAME_WORDS = _by_language(NICKNAME_WORDS)
_REGION_REFERENCES = _by_language(REGION_REFERENCES)
_RENAME_WORDS = _by_language(RENAME_WORDS)
_DISTRIBUTIVE_WORDS = _by_language(DISTRIBUTIVE_WORDS)
_FINANCING_WORDS = _by_language(FINANCING_WORDS)
_COST_WORDS = _by_language(COST_WORDS)


def _for_language(table: dict[str, frozenset[str]], language: str | None) -> frozenset[str]:
    return table.get(language or "") or table[""]


class Linker:
    """Built once with the Matcher: the organisations' kinds and the (kind, place) index."""

    def __init__(self, rules: RulesFile):
        self.kinds = {org.id: org.kind for org in rules.organisations}
        by_place: dict[tuple[str, str], set[str]] = defaultdict(set)
        for org in rules.organisations:
            if org.kind:
                for place in org.place:
                    by_place[(org.kind, place)].add(org.id)
        self._by_place = {key: frozenset(ids) for key, ids in by_place.items()}
        self._places = {org.id: tuple(org.place) for org in rules.organisations}
        # Parks named after their place (Технопарк «Останкино» in Останкино): by place.
        self._named_after = {(org.id, place) for org in rules.organisations
                             for place in org.place
                             if any(place in alias for aliases in org.aliases.values()
                                    for alias in aliases) or place in org.name}

    def article(self, layout: Layout, of_kind: defaultdict[str, list[Found]],
                language: str | None) -> Mentions:
        """Every mention of an organisation in the text, by name or by description, ready to
        say which one owns each figure; `of_kind` holds the matcher's occurrences by the kind
        of their pattern (`by_kind`)."""
        names = longest(of_kind["organisation"])
        excluded = {(f.pattern.rule, layout.token_sentence[f.first])
                    for f in of_kind["exclude"]}
        nicknaming = _for_language(_NICKNAME_WORDS, language)
        names = [f for f in names
                 if (f.pattern.rule, layout.token_sentence[f.first]) not in excluded
                 and not _torn(layout, f) and not _nickname(layout, f, nicknaming)]
        named = {i for f in names for i in range(f.first, f.last + 1)}
        listed = self._listed(layout, [f for f in of_kind["quoted"]
                                       if not _overlaps(f, named)],
                              of_kind["kind"])
        names = sorted(names + [name for name, _kind in listed], key=lambda f: f.first)
        named |= {i for f, _kind in listed for i in range(f.first, f.last + 1)}
        repeated = _repeated(layout, [f for f in of_kind["quoted"]
                                      if not _overlaps(f, named)], names)
        names = sorted(names + repeated, key=lambda f: f.first)
        named |= {i for f in repeated for i in range(f.first, f.last + 1)}
        # The kind word that governs a list names those in it, no one at a place of its own.
        governing = {(kind.first, kind.last) for _name, kind in listed}
        plural_words = _for_language(_PLURAL_KIND_WORDS, language)
        kinds = longest([f for f in of_kind["kind"]
                         if not _overlaps(f, named)])
        ambiguous = _for_language(_AMBIGUOUS_PLURALS, language)
        plural = {(f.first, f.last) for f in kinds
                  if _plural(layout, f, plural_words, ambiguous)}
        plural |= {(f.first, f.last) for before, f in pairwise(kinds)
                   if (before.first, before.last) in plural and _abbreviates(layout, before, f)}
        # "Резиденты площадки …" refers back to a site; "six sites" are parts of one zone.
        kinds = [f for f in kinds if f.pattern.rule != "site" or (f.first, f.last) not in plural]
        places = longest([f for f in of_kind["place"]
                          if not _overlaps(f, named)])
        scopes = [f for f in of_kind["scope"] if not _overlaps(f, named)]
        # "лучший IT-парк в стране", "the best IT park in the country": a rank among the
        # country's parks, not a description of the region's one (unless the country is a
        # place of the registry: "IT-парк в Казахстане").
        place_spans = {(f.first, f.last) for f in places}
        national = {(k.first, k.last) for k in kinds for c in scopes
                    if c.pattern.rule == "country" and (c.first, c.last) not in place_spans
                    and _attached(layout, k.first, k.last, c)}
        own_region = {(k.first, k.last) for k in kinds if _of_the_region(
            layout, k, _for_language(_REGION_REFERENCES, language))}
        described = self._descriptions(layout, kinds, places, plural | governing | national,
                                       names, own_region)
        described += self._coordinated(layout, kinds, places, names, described)
        organisations = sorted(names + described, key=lambda f: f.first)
        named |= {i for f in described for i in range(f.first, f.last + 1)}
        scopes = [f for f in scopes if not _overlaps(f, named)]
        countries, sources = [], []
        for f in sorted((f for f in scopes if f.pattern.rule == "country"),
                        key=lambda f: f.first):
            # "from China and Belarus": a country joined to a source is a source too.
            joined = any(0 < f.first - s.last - 1 <= 1 and layout.norms[s.last + 1]
                         in COORDINATORS for s in sources)
            (sources if joined or _is_source(layout, f) else countries).append(f)
        groups = [f for f in kinds if (f.first, f.last) in plural]
        referring = [f for f in kinds if not _overlaps(f, named)
                     and (f.first, f.last) not in plural]
        scoped = [f for f in scopes if f.pattern.rule != "country"]
        parts = scoped + [f for f in places if not _overlaps(f, named) and _opens_clause(layout, f)]
        owners = [f for f in organisations if self.kinds.get(f.pattern.rule) not in
                  SPEAKER_KINDS]
        branches = _for_language(_BRANCH_WORDS, language)
        parents = frozenset((f.first, f.last) for f in owners
                            if self.kinds.get(f.pattern.rule) != "sez_site"
                            and _after_branch_word(layout, f, branches))
        return Mentions(layout, organisations, owners, self.kinds,
                        *(_by_sentence(layout, f) for f in (owners, countries + groups, groups,
                                                            referring, parts, scoped)),
                        parents=parents, renaming=_for_language(_RENAME_WORDS, language),
                        distributive=_for_language(_DISTRIBUTIVE_WORDS, language),
                        financing=tuple(_for_language(_FINANCING_WORDS, language)),
                        costing=tuple(_for_language(_COST_WORDS, language)))

    def _listed(self, layout: Layout, quoted: list[Found], kinds: list[Found]
                ) -> list[tuple[Found, Found]]:
        """Names in quotes that a kind word of their organisation's kind governs, as in a
        list: "шесть технопарков: «Технополис «Москва», «Слава», «Строгино»", "the
        technoparks "Slava" and "Strogino"". Alone, "Слава" or "Строгино" is a word or a
        district, not a technopark."""
        text = layout.text
        out = []
        for name in quoted:
            if not _in_quotes(layout, name):
                continue
            start = layout.token_starts[name.first]
            kind = self.kinds.get(name.pattern.rule)
            sentence = layout.token_sentence[name.first]
            before = [k for k in kinds if k.last < name.first
                      and layout.token_sentence[k.first] == sentence and kind in _fitting(k)]
            if before and _LISTED.fullmatch(text, layout.token_ends[before[-1].last], start - 1):
                word = before[-1].pattern.written
                out.append((name._replace(pattern=replace(
                    name.pattern, kind="description",
                    written=f"{word} + «{name.pattern.written}»",
                    forms=before[-1].pattern.forms + name.pattern.forms)), before[-1]))
        return out

    def _descriptions(self, layout: Layout, kinds: list[Found], places: list[Found],
                      several: set[Span], names: list[Found], own_region: set[Span]
                      ) -> list[Found]:
        """Kind words resolved by a place or by the article's region; not those in `several`
        (plural, or governing a list of names). Those in `own_region` ("ИТ-парк республики")
        are the park of the place their sentence names, never a park named before."""
        if not kinds:
            return []
        places_by_sentence = _by_sentence(layout, places)
        at_kind_span: dict[Span, list[Found]] = defaultdict(list)
        for kind in kinds:
            at_kind_span[(kind.first, kind.last)].append(kind)
        out = []
        for (first, last), same_span in at_kind_span.items():
            if (first, last) in several or all(f.pattern.rule == "site" for f in same_span):
                continue  # "технопарки Томской области" are several parks, not one
            if _russian_name(layout, first):
                continue  # "с Парком высоких технологий Республики Беларусь": a name
            wanted = {k for f in same_span for k in _fitting(f)}
            sentence_places = places_by_sentence.get(layout.token_sentence[first], [])
            attached = [p for p in sentence_places if _attached(layout, first, last, p)]
            # "The park", once a park is named, is that park unless its own place is close
            # by: "a delegation from the Nizhny Novgorod Region visited the park".
            referring = (first, last) not in own_region and any(
                n.first < first and self.kinds.get(n.pattern.rule) in wanted
                for n in names + out)
            resolved = self._resolve(layout, first, last, wanted,
                                     attached if referring else sentence_places)
            if resolved is not None:
                organisation, place = resolved
                out.append(_description(layout, same_span[0], place.pattern.written,
                                        organisation, place))
            elif not referring:
                regional = self._regional(wanted, names)
                if regional is not None:
                    out.append(_description(layout, same_span[0], *regional))
        return out

    def _coordinated(self, layout: Layout, kinds: list[Found], places: list[Found],
                     names: list[Found], described: list[Found]) -> list[Found]:
        """A place joined by "и/and/und" to a named park, in a sentence with a kind word of
        that park's kind, is the one park of that kind named after the place: "Ostankino and
        Mosmedpark become Moscow technoparks", "статус технопарка получили Останкино и
        Мосмедпарк". Alone, "Останкино" is a district or the television centre."""
        taken = {i for f in described for i in range(f.first, f.last + 1)}
        kinds_by_sentence = _by_sentence(layout, kinds)
        out = []
        for place in places:
            if place.first in taken:
                continue
            sentence = layout.token_sentence[place.first]
            wanted = {k for f in kinds_by_sentence.get(sentence, []) for k in _fitting(f)}
            partners = [n for n in names if self.kinds.get(n.pattern.rule) in wanted
                        and _joined(layout, place, n)]
            fits = {org for n in partners for org in self._by_place.get(
                (self.kinds[n.pattern.rule], place.pattern.rule), ())
                if (org, place.pattern.rule) in self._named_after}
            if len(fits) == 1:
                organisation = next(iter(fits))
                out.append(place._replace(pattern=replace(
                    place.pattern, kind="description", rule=organisation,
                    written=f"{place.pattern.written} + {partners[0].pattern.written}")))
        return out

    def _regional(self, wanted: set[str], names: list[Found]) -> tuple[str, str] | None:
        """(place, organisation) for a kind word that neither a place nor an earlier name
        resolves: the one organisation of its kind at the places of the organisations the
        article names. "Der IT-Park" in an article on Technopark Jakutien is Yakutia's IT
        park; nothing when the region has several of that kind or the article none."""
        fits: dict[str, str] = {}
        for name in names:
            for place in self._places.get(name.pattern.rule, ()):
                for kind in wanted:
                    for org in self._by_place.get((kind, place), ()):
                        fits.setdefault(org, place)
        return next((place, org) for org, place in fits.items()) if len(fits) == 1 else None

    def _resolve(self, layout: Layout, first: int, last: int, wanted: set[str],
                 places: list[Found]) -> tuple[str, Found] | None:
        """The one organisation of a wanted kind at the nearest place that has any (same
        clause first); two or more there is ambiguity, and nothing is resolved."""
        clause = layout.token_clause[first]
        by_span: dict[Span, list[Found]] = defaultdict(list)
        for place in places:
            by_span[(place.first, place.last)].append(place)
        order = sorted(by_span, key=lambda span: (
            layout.token_clause[span[0]] != clause, max(span[0] - last, first - span[1])))
        for span in order:
            fits = {org for place in by_span[span] for kind in wanted
                    for org in self._by_place.get((kind, place.pattern.rule), ())}
            if len(fits) == 1:
                return next(iter(fits)), by_span[span][0]
            if fits:
                return None
        return None


@dataclass(frozen=True)
class Mentions:
    """The organisations one text mentions, and what `owner` needs besides."""

    layout: Layout
    organisations: list[Found]
    """By name or by description, in text order."""
    owners: list[Found]
    """Those that can own a figure by position: not ministries or associations."""
    kinds: dict[str, str | None]
    owning: dict[int, list[Found]]
    """`owners` by sentence; the same for the other lists."""
    countries: dict[int, list[Found]]
    """Country scope words and plural kind words, outside names."""
    groups: dict[int, list[Found]]
    """Plural kind words alone: "в технопарках", "15 Technoparks"."""
    referring: dict[int, list[Found]]
    """Kind words outside names and descriptions: "the technopark" refers back."""
    parts: dict[int, list[Found]]
    """Region, sector and programme words, and places outside names and descriptions that
    open their clause: "в Томской области создано 2 тыс. мест" is the region's figure, while
    "его резиденты из Казани заработали 5 млрд" is still the park's."""
    scopes: dict[int, list[Found]]
    """Region, sector and programme words alone: a paragraph that names one and no
    organisation is about that whole."""
    parents: frozenset[Span]
    """Organisations named as what a branch or site belongs to: "the IT park that opened
    there as a branch of the Kazan IT Park", "вторая площадка казанского ИТ-парка". The
    paragraph and the article are about the branch, not about them."""
    distributive: frozenset[str] = frozenset()
    """`DISTRIBUTIVE_WORDS` of the article's language."""
    renaming: frozenset[str] = frozenset()
    """Phrases (words joined by spaces, each a word's beginning) that say an organisation
    now bears another name: `RENAME_WORDS` of the article's language."""
    financing: tuple[str, ...] = ()
    """`FINANCING_WORDS` of the article's language."""
    costing: tuple[str, ...] = ()
    """`COST_WORDS` of the article's language."""

    def owner(self, value: Span, naming: Sequence[Span]) -> Link:
        """The organisation the figure is about: `value` is the span of its value, `naming`
        those of the words that name it (keyword or counted noun). An organisation the article
        says was renamed is the one it is now called."""
        link = self._lent(self._owner(value, naming), value[0])
        current = self.renamed.get(link.organisation or "")
        if current is None:
            return link
        return Link(current, f"{link.reason}; {link.organisation} is the former name of "
                             f"{current}, as the article says")

    def _lent(self, link: Link, token: int) -> Link:
        """A project's cost ("the total cost of the project", "die Gesamtkosten") that the
        rules gave to a lender (`lenders`) not named in the figure's clause is the project's:
        the borrower's, the organisation the article is about once lenders are set aside,
        else nobody's."""
        layout = self.layout
        if link.organisation not in self.lenders:
            return link
        clause, sentence = layout.token_clause[token], layout.token_sentence[token]
        words = [layout.norms[i] for i in layout.sentence_tokens[sentence]
                 if layout.token_clause[i] == clause]
        named = any(f.pattern.rule == link.organisation
                    and layout.token_clause[f.first] == clause
                    for f in self.owning.get(sentence, ()))
        if named or not any(w.startswith(self.costing) for w in words):
            return link
        rest = Counter(f.pattern.rule for f in self.leading
                       if f.pattern.rule not in self.lenders)
        borrower = rest.most_common(1)[0][0] if rest else None
        return Link(borrower, f"a project's cost: {link.organisation} lends to the project or "
                              f"holds a share of it, so the cost is "
                              + (f"the borrower's, {borrower}" if borrower
                                 else "no organisation's the article names"))

    @cached_property
    def lenders(self) -> frozenset[str]:
        """Organisations of `LENDER_KINDS` the article names at most `FINANCING_GAP` words
        from a financing word in their clause: "Vnesheconombank lends", "der Anteil von
        VEB.RF", "ВЭБ.РФ выдаст кредит"."""
        layout = self.layout
        count = len(layout.norms)
        if not self.financing:
            return frozenset()

        def near(f: Found) -> bool:
            clause = layout.token_clause[f.first]
            around = [*range(max(f.first - FINANCING_GAP, 0), f.first),
                      *range(f.last + 1, min(f.last + FINANCING_GAP + 1, count))]
            return any(layout.token_clause[i] == clause
                       and layout.norms[i].startswith(self.financing) for i in around)

        return frozenset(f.pattern.rule for f in self.owners
                         if self.kinds.get(f.pattern.rule) in LENDER_KINDS and near(f))

    @cached_property
    def renamed(self) -> dict[str, str]:
        """Former name → current name, from sentences that say so: "Seit 2017 trägt sie den
        Namen „Technopolis Moskau“", "зона переименована в «Технополис «Москва»", "the zone
        was renamed Technopolis Moscow". The current name is the organisation named after the
        phrase; the former one is named before it in the sentence, else it is what the
        article is about ("sie", "the zone")."""
        layout, out = self.layout, {}
        phrases = [phrase.split() for phrase in self.renaming]
        opening = tuple(words[0] for words in phrases)
        said: dict[int, int] = {}
        joined = SEP + SEP.join(layout.norms)
        # Only the words that begin like a phrase are looked at: one search finds them all.
        for begins in _beginnings(opening).finditer(joined) if phrases else ():
            i = joined.count(SEP, 0, begins.start())  # it opens with its word's separator
            if any(_begins(layout.norms, i, words) for words in phrases):
                said.setdefault(layout.token_sentence[i], i)
        for sentence, at in said.items():
            named = self.owning.get(sentence, [])
            after = [f for f in named if f.first > at]
            before = [f for f in named if f.last < at]
            if not after:
                continue
            new = after[0].pattern.rule
            old = before[0].pattern.rule if before else self.article.organisation
            if old is not None and old != new:
                out[old] = new
        return out

    def _owner(self, value: Span, naming: Sequence[Span]) -> Link:
        layout = self.layout
        token = value[0]
        sentence = layout.token_sentence[token]
        clause = layout.token_clause[token]

        def in_clause(found: dict[int, list[Found]]) -> list[Found]:
            return [f for f in found.get(sentence, ()) if layout.token_clause[f.first] == clause]

        # "… told the regional government that their number should grow to 11": the region
        # is where it was said, not what the figure is about.
        reported = _reported(layout, token)

        # A keyword in another clause ("выручка …, а по стране — 160 млрд") names no owner.
        naming = [(a, b) for a, b in naming if layout.token_sentence[a] == sentence
                  and layout.token_clause[a] == clause]
        near = self.owning.get(sentence, [])
        by_np = _noun_phrase(layout, near, [value, *naming], after=True)
        if by_np is not None:
            return _link(by_np, "named in the figure's noun phrase")
        listed = self._each(token)
        if listed:
            return Link(listed[0], "«each» of the organisations the sentence before lists",
                        each=tuple(listed[1:]))
        # "In der SWZ und zehn weiteren Technologieparks … 54 Unternehmen": the group.
        referring = in_clause(self.referring)
        joined = next((g for g in in_clause(self.groups) for w in referring
                       if _joins(layout, w, g)), None)
        if joined is not None:
            return Link(None, f"its clause is about a group («{_text(layout, joined)}») that "
                              "a kind word is joined to, naming no organisation")
        # "инвестиции … в технопарк превысят 3 млрд": one park, whatever else the clause says.
        referred = self._referred(referring, token)
        if referred is not None:
            return referred
        # "170 von landesweit 817 Residenten": the scope word is the nearer number's.
        countries = [f for f in in_clause(self.countries)
                     if f.first > reported and not _nearer_number(layout, value, f)]
        if countries:
            word = _text(layout, countries[0])
            return Link(None, f"about the whole country or a group («{word}») → no "
                              "organisation")
        # Only a noun takes a name before it: "dem Akadempark 80 Unternehmen" is no phrase.
        by_np = _noun_phrase(layout, near, naming, after=False)
        if by_np is not None:
            return _link(by_np, "named before the figure's noun")
        subject = _subject(in_clause(self.owning), token)
        if subject is not None:
            return _link(subject, "subject of the figure's clause")
        # "Across the whole country, he estimated, some 20,000 IT specialists work": a country
        # word that opens the sentence frames all of it.
        framing = next((f for f in self.countries.get(sentence, ()) if f.first < token
                        and layout.token_clause[f.first] == layout.token_clause[
                            _sentence_start(layout, f.first)] and _opens_clause(layout, f)
                        and f.first > reported), None)
        if framing is not None:
            return Link(None, f"its sentence opens with the whole country or a group («"
                              f"{_text(layout, framing)}») → no organisation")
        # "two sites with 994.2 ha: the Lyudinovo site in the south of the region …": what a
        # colon after the figure lists says where its parts are, not whose figure it is.
        parts = [f for f in in_clause(self.parts) if f.first > reported
                 and ":" not in layout.text[layout.token_ends[value[1]]:
                                            layout.token_starts[f.first]]]
        if parts:
            return Link(None, f"about a region, place, sector or programme as a whole "
                              f"(«{_text(layout, parts[0])}») → no organisation")
        whole = _all_of(layout, token, reported)
        if whole is not None:
            return Link(None, f"its clause is about all of a group («{whole}») → no "
                              "organisation")
        # "The zone joined Technopolis in 2018, and one of its residents is investing …": a
        # clause joined by ", and" that names an organisation before the figure has its own.
        joined_at = _joined_clause(layout, token)
        own = [f for f in self.owning.get(sentence, []) if joined_at <= f.first < token]
        subject = _subject(own or self.owning.get(sentence, []), token)
        # "The fund and five NTI working groups have picked …": a kind word named first is
        # the sentence's subject.
        first_word = next((w for w in self.referring.get(sentence, []) if w.first < token),
                          None)
        if first_word is not None and (subject is None or first_word.first < subject.first):
            referred = self._referred([first_word], token)
            if referred is not None:
                return referred
        if subject is not None:
            return _link(subject, "subject of the figure's sentence")
        referred = self._referred(self.referring.get(sentence, []), token)
        if referred is not None:
            return referred
        # "Работают 26 технопарков, инвесторы вложили в их развитие 56 млрд": the group.
        groups = [f for f in self.groups.get(sentence, ()) if f.first < token]
        if groups:
            return Link(None, f"its sentence is about a group («{_text(layout, groups[0])}»)"
                              ", naming no organisation")
        paragraph = layout.token_paragraph[token]

        def in_paragraph(found: dict[int, list[Found]]) -> list[Found]:
            return [f for fs in found.values() for f in fs
                    if layout.token_paragraph[f.first] == paragraph]

        owners = sorted((f for f in in_paragraph(self.owning)
                         if (f.first, f.last) not in self.parents), key=lambda f: f.first)
        if not owners:
            referring = sorted(in_paragraph(self.referring), key=lambda f: f.first)
            spoken = [f for f in referring + in_paragraph(self.countries)
                      + in_paragraph(self.parts) if f.first < token]
            return self._unnamed_paragraph(token, spoken, referring)
        # "«Омск Диджитал» разместится … Его площадь составит …": the one named just before.
        if sentence and layout.norms[_sentence_start(layout, token)] in POSSESSIVES:
            before = {f.pattern.rule for f in self.leading
                      if layout.token_sentence[f.first] == sentence - 1
                      and layout.token_paragraph[f.first] == paragraph}
            if len(before) == 1:
                return Link(before.pop(), "a possessive that opens its sentence refers to "
                                          "the one organisation the sentence before names")
        # "The park is being built … the site covers 5.4 hectares … the zone's preferences":
        # a kind word before the figure says what it is about, not a name after it.
        if not any(f.first < token for f in owners):
            referred = self._referred(sorted((f for f in in_paragraph(self.referring)
                                              if f.first < token), key=lambda f: f.first),
                                      token)
            if referred is not None:
                return referred
        # A paragraph on "шесть технопарков: «Слава», «Строгино», …" or on "the city's 48
        # technoparks" is about the group, not about the park it happened to name last.
        wholes = in_paragraph(self.countries)
        if len({f.pattern.rule for f in owners}) == 1 or not wholes:
            preceding = [f for f in owners if f.first < token]
            if preceding:
                last = layout.token_sentence[preceding[-1].first]
                preceding = [f for f in preceding if layout.token_sentence[f.first] == last]
            return _link(preceding[0] if preceding else owners[0],
                         "the organisation its paragraph is about")
        return Link(None, f"its paragraph is about a whole or a group («"
                          f"{_text(layout, wholes[0])}»), naming several organisations")

    def _each(self, token: int) -> list[str]:
        """The organisations listed as joint subjects ("X and Y", "X, Y und Z") of the
        figure's sentence before it, else of the sentence before in its paragraph, when a
        distributive word ("каждый", "each", "jeweils") opens the figure's clause: "The
        Stavrovsky and the IKSEL technoparks came second and third. Each will receive 500
        million rubles" is a figure of both."""
        layout = self.layout
        clause, sentence = layout.token_clause[token], layout.token_sentence[token]
        # Its clause before it (clauses and sentences number the words in ascending order).
        start = max(bisect.bisect_left(layout.token_clause, clause, 0, token),
                    bisect.bisect_left(layout.token_sentence, sentence, 0, token))
        if self.distributive.isdisjoint(layout.norms[start:token]):
            return []
        for where in (sentence, sentence - 1):
            named = [f for f in self.owning.get(where, ()) if f.first < token]
            if where != sentence and (not named or layout.token_paragraph[named[0].first]
                                      != layout.token_paragraph[token]):
                continue
            listed = [named[0]] if named else []
            for f in named[1:]:
                between = layout.norms[listed[-1].last + 1:f.first]
                if len(between) > 2 or not all(w in COORDINATORS or w in LINK_WORDS
                                               for w in between):
                    break
                listed.append(f)
            ids = list(dict.fromkeys(f.pattern.rule for f in listed))
            if len(ids) > 1:
                return ids
        return []

    def _unnamed_paragraph(self, token: int, spoken: list[Found],
                           referring: list[Found]) -> Link:
        """The owner of a figure whose paragraph names no organisation: the subject of the
        paragraph's last sentence before it that names a kind word ("the technopark") or
        opens a clause with a region, sector or place, or the country. "Технопарк стал
        первым институтом развития региона. … 12 резидентов" is the park named before;
        "Tatarstan counts 3.4 thousand IT companies. Their revenue …" is about the whole
        region. With none before the figure, a kind word after it ("… в парке созданы")
        still refers back. A quote or "Their revenue reached …" with neither continues the
        paragraph before; else the organisation the article is about."""
        layout = self.layout
        sentence = layout.token_sentence[token]
        kinds = [f for f in spoken if f.pattern.kind == "kind"]
        # "Für die Moskauer Zone": a place next to a kind word describes it. A region, sector
        # or programme word in the figure's own sentence need not open a clause: "schätzt
        # die Direktinvestitionen, die in die Region geflossen sind, auf 1 Mrd. Dollar".
        reported = _reported(layout, token)
        subjects = kinds + [f for f in spoken if f.pattern.kind != "kind"
                            and not (layout.token_sentence[f.first] == sentence
                                     and f.first < reported)
                            and (_opens_clause(layout, f) or (
                                f.pattern.kind == "scope" and f.pattern.rule != "country"
                                and layout.token_sentence[f.first] == sentence))
                            and not any(k.first == f.last + 1 or k.last == f.first - 1
                                        for k in kinds)]
        if subjects:
            last = max(layout.token_sentence[f.first] for f in subjects)
            # "In Naberezhnye Chelny he will visit the IT park": the place says where; the
            # park (a kind word that refers back) is what the sentence is about.
            subject = min((f for f in subjects if layout.token_sentence[f.first] == last),
                          key=lambda f: (f.pattern.kind != "kind"
                                         or f in self.groups.get(last, ()), f.first))
            if subject.pattern.kind == "kind" and subject not in self.groups.get(last, ()):
                referred = self._referred([subject], token)
                if referred is not None:
                    return referred
            elif not _members(layout, token):
                return Link(None, f"its paragraph is about a whole or a group («"
                                  f"{_text(layout, subject)}»), naming none")
        # "… работают 120 резидентов. Для инвесторов в парке созданы …": a kind word later in
        # the paragraph still says what it is about.
        for word in referring:
            referred = self._referred([word], token)
            if referred is not None:
                return referred
        return self._previous_paragraph(token) or self._article_before(token)

    def _article_before(self, token: int) -> Link:
        """The organisation the article is about, if the text (headline included) has named
        it before the figure: a reader cannot take a figure as the figures of an organisation
        not yet introduced ("… на гранты победителям направят 1,5 млрд рублей. … Отбор ведёт
        Фонд содействия инновациям" is the contest's money, not the fund's). The headline
        sums up the body, so its figures may come before the name."""
        about = self.article
        if about.organisation is None or self.layout.token_paragraph[token] == 0:
            return about
        if any(f.pattern.rule == about.organisation and f.first < token for f in self.owners):
            return about
        return Link(None, f"the organisation the article is about ({about.organisation}) is "
                          "named only after the figure → no organisation")

    def _previous_paragraph(self, token: int) -> Link | None:
        """A body paragraph that names nobody continues the one before it (a quote, "Their
        revenue reached …"): the organisation that paragraph names first, its subject, owns
        the figure; one that names none but refers back with a kind word ("Резиденты
        площадки …") passes on what the word refers to. The headline is no such paragraph."""
        layout = self.layout
        paragraph = layout.token_paragraph[token]
        before = [f for f in self.leading if layout.token_paragraph[f.first] == paragraph - 1]
        if paragraph - 1 == 0:
            return None
        if not before:
            # "Резиденты площадки …": a kind word that refers back says what it is about.
            words = [f for fs in self.referring.values() for f in fs
                     if layout.token_paragraph[f.first] == paragraph - 1]
            return self._referred(sorted(words, key=lambda f: f.first), token)
        first = layout.token_sentence[before[0].first]
        named = [f for f in before if layout.token_sentence[f.first] == first]
        if _coordinated(layout, named):
            return None  # "X and Y will exchange residents": about both alike
        several = list(dict.fromkeys(f.pattern.rule for f in before))
        if len(several) > 1 and _summing(layout, token):
            return Link(None, "a sum over the organisations the paragraph before lists ("
                              + ", ".join(several) + ") → no organisation")
        return _link(named[0], "subject of the paragraph before, which its paragraph continues")

    def _referred(self, words: list[Found], token: int) -> Link | None:
        """"The technopark's press service said …": the organisation of the kind word's kind
        that the article is about, when its paragraph names it before the figure ("Morion
        Digital came second, Technopark X third. The technopark attracted 14 residents" is
        Morion's), else the one named last before the figure; one of a kind it only also fits
        when there is none:
        "the zone" after "its Rudnevo site" is still the zone; one a branch belongs to (a
        parent) only when no other is named: "the park" after "the IT park that opened as a
        branch of the Kazan IT Park" is the branch."""
        for word in words:
            earlier = next((found for named in (self.leading, self.owners)
                            for kinds in ({word.pattern.rule}, _fitting(word))
                            if (found := [o for o in named if o.first < token
                                          and self.kinds.get(o.pattern.rule) in kinds])), [])
            if earlier:
                paragraph = self.layout.token_paragraph[token]
                about = self.article.organisation
                subject = next((o for o in earlier if o.pattern.rule == about
                                and self.layout.token_paragraph[o.first] == paragraph), None)
                if subject is not None:
                    return _link(subject, f"«{_text(self.layout, word)}» refers to the "
                                          f"{word.pattern.rule} the article is about, named "
                                          "in its paragraph")
                return _link(earlier[-1], f"«{_text(self.layout, word)}» refers to the "
                                          f"{word.pattern.rule} named before")
        return None

    @cached_property
    def leading(self) -> list[Found]:
        """`owners` that may be what a paragraph or the article is about: not `parents`."""
        return [f for f in self.owners if (f.first, f.last) not in self.parents]

    @cached_property
    def article(self) -> Link:
        """The organisation with more of the body's mentions than all others together, else
        the first one the body names if none has more mentions (news name their subject
        first); the headline (the first line) counts only when the body names nobody. An
        article about several organisations alike is about none of them."""
        paragraph = self.layout.token_paragraph
        has_title = bool(paragraph) and paragraph[-1] != paragraph[0]
        body = [f for f in self.leading if not has_title or paragraph[f.first] != paragraph[0]]
        where = "body" if body or not has_title else "headline"
        mentions = Counter(f.pattern.rule for f in body or self.leading)
        if not mentions:
            return Link(None, "no organisation it is about")
        ((top, count),) = mentions.most_common(1)
        if 2 * count > sum(mentions.values()):
            return Link(top, f"the organisation the article's {where} is about")
        first = (body or self.leading)[0].pattern.rule
        if mentions[first] == count:
            return Link(first, f"the organisation the article's {where} names first and most")
        return Link(None, "no organisation it is about: the article is about several")


def _russian_name(layout: Layout, first: int) -> bool:
    """A capitalised Russian kind word inside a sentence starts a proper name ("Парк высоких
    технологий Республики Беларусь"), not a description: Russian writes "технопарк в
    Нижнекамске" in lower case. English and German capitalise descriptions too."""
    word = layout.texts[first]
    starts_sentence = first == 0 or layout.token_sentence[first - 1] != \
        layout.token_sentence[first]
    return (not starts_sentence and word[:1].isupper() and word[1:].islower()
            and "а" <= word[1:2].lower() <= "я")


def _repeated(layout: Layout, quoted: list[Found], names: list[Found]) -> list[Found]:
    """Names in quotes whose organisation the text has already named in full: once
    "ОЭЗ «Доброград-1»" is written, "резиденты «Доброграда-1»" are that zone's ("the
    Slava park … "Slava" residents"). Before the full name, a quoted word may be anything."""
    out = []
    for name in quoted:
        if (_in_quotes(layout, name)
                and any(n.pattern.rule == name.pattern.rule and n.last < name.first
                        for n in names)):
            out.append(name._replace(pattern=replace(name.pattern, kind="organisation")))
    return out


def _in_quotes(layout: Layout, found: Found) -> bool:
    """Whether quote marks enclose the occurrence: how the press sets a name apart."""
    start, end = layout.token_starts[found.first], layout.token_ends[found.last]
    return bool(start) and layout.text[start - 1] in QUOTES and end < len(layout.text) \
        and layout.text[end] in QUOTES


def _plural(layout: Layout, kind: Found, plural_words: frozenset[str],
            ambiguous: frozenset[str]) -> bool:
    """A kind word in a plural form, or after a number: "в технопарках", "15 Technoparks",
    "три технопарка"; German "Technoparks", also a genitive singular, unless a singular
    genitive article comes before it ("des Technoparks"): "in den Moskauer Technoparks",
    "für den Ausbau von Technoparks" are plural."""
    last = layout.norms[kind.last]
    if last in plural_words:
        return True
    before = layout.norms[kind.first - 1] if kind.first else ""
    if (before.isdigit() and before != "1") or before in COUNT_WORDS:
        return True
    if last not in ambiguous:
        return False
    clause = layout.token_clause[kind.first]
    return not any(layout.norms[i] in SINGULAR_GENITIVES
                   for i in range(max(kind.first - SINGULAR_GAP - 1, 0), kind.first)
                   if layout.token_clause[i] == clause)


@lru_cache(maxsize=16)
def _beginnings(words: tuple[str, ...]) -> re.Pattern[str]:
    """A word that begins with one of `words`, in words each preceded by `SEP`. The
    separator opens the pattern, so that re looks for it alone and tries the words only
    there, not at every character of the article."""
    return re.compile(f"{SEP}(?:{'|'.join(map(re.escape, words))})")


def _begins(norms: Sequence[str], at: int, words: list[str]) -> bool:
    """Whether the words (`Layout.norms`) from `at` on begin with `words`, one by one."""
    return at + len(words) <= len(norms) and all(
        norms[at + k].startswith(word) for k, word in enumerate(words))


def _torn(layout: Layout, name: Found) -> bool:
    """Whether a name runs across punctuation its alias does not have: "технопарка, лидерами
    рейтинга" is no "Технопарк «Лидер»", "the park; Leader" no "Leader Park". A name is
    written in one piece."""
    text = layout.text[layout.token_ends[name.first]:layout.token_starts[name.last]]
    return any(mark in text and mark not in name.pattern.written for mark in _BREAKS)


_BREAKS = ",;:.!?"


def _nickname(layout: Layout, name: Found, nicknaming: frozenset[str]) -> bool:
    """Whether a naming verb comes at most `NICKNAME_GAP` words before the name in its
    clause: "площадку успели окрестить «челябинским Сколково»", "dubbed the Russian
    Innopolis", "das sogenannte Skolkowo des Urals" compare a place with a famous one; they
    do not mention it."""
    clause = layout.token_clause[name.first]
    verbs = tuple(nicknaming)
    for i in range(name.first - 1, max(name.first - NICKNAME_GAP - 2, -1), -1):
        if layout.token_clause[i] != clause:
            return False
        if layout.norms[i].startswith(verbs):
            return True
    return False


def _abbreviates(layout: Layout, kind: Found, then: Found) -> bool:
    """Whether `then` is `kind` spelled short in parentheses right after it: "особые
    экономические зоны (ОЭЗ)", "Sonderwirtschaftszonen (SWZ)" name the same zones, so the
    abbreviation is plural as well."""
    between = layout.text[layout.token_ends[kind.last]:layout.token_starts[then.first]]
    return between.strip() == "(" and layout.text[layout.token_ends[then.last]:].startswith(")")


def _opens_clause(layout: Layout, found: Found) -> bool:
    """Whether only small words ("в", "in the") come before `found` in its clause."""
    clause, sentence = layout.token_clause[found.first], layout.token_sentence[found.first]
    before = 0
    for i in range(found.first - 1, -1, -1):
        if layout.token_clause[i] != clause or layout.token_sentence[i] != sentence:
            break
        if layout.norms[i] not in LINK_WORDS or before == OPENING_WORDS:
            return False
        before += 1
    return True


def _sentence_start(layout: Layout, token: int) -> int:
    """The first word of `token`'s sentence."""
    return layout.sentence_tokens[layout.token_sentence[token]].start


def _joined_clause(layout: Layout, token: int) -> int:
    """The first token of the clause that ", и", ", and", ", und" opens before the token in
    its sentence, else the sentence's first token."""
    start = _sentence_start(layout, token)
    if COORDINATORS.isdisjoint(layout.norms[start + 1:token]):
        return start
    for i in range(token - 1, start, -1):
        if layout.norms[i] in COORDINATORS and \
                "," in layout.text[layout.token_ends[i - 1]:layout.token_starts[i]]:
            return i
    return start


def _members(layout: Layout, token: int) -> bool:
    """Whether `RESIDENT_WORDS` come before `token` in its clause: "… while the residents
    planned to put 7 billion roubles". Only a park has residents, so a region or budget word
    elsewhere in the paragraph does not make the figure the region's."""
    clause, start = layout.token_clause[token], _sentence_start(layout, token)
    return not RESIDENT_WORDS.isdisjoint(layout.norms[start:token]) and any(
        layout.token_clause[i] == clause and layout.norms[i] in RESIDENT_WORDS
        for i in range(start, token))


def _all_of(layout: Layout, token: int, reported: int) -> str | None:
    """The words "all X" (an `ALL_WORDS` word and one of `GROUP_NOUNS` at most `ALL_GAP`
    words after it) before `token` in its clause after any reporting frame: "на поддержку
    всех центров-победителей направят …", "на создание всех 15 центров …", "all the winning
    universities"."""
    clause, start = layout.token_clause[token], max(_sentence_start(layout, token), reported + 1)
    if ALL_WORDS.isdisjoint(layout.norms[start:token]):
        return None
    for i in range(start, token):
        if layout.token_clause[i] != clause or layout.norms[i] not in ALL_WORDS:
            continue
        noun = next((j for j in range(i + 1, min(i + 1 + ALL_GAP, token))
                     if layout.norms[j].startswith(GROUP_NOUNS)), None)
        if noun is not None:
            return layout.text[layout.token_starts[i]:layout.token_ends[noun]]
    return None


def _summing(layout: Layout, token: int) -> bool:
    """Whether a `SUM_WORDS` word, not "together with", comes before `token` in its clause:
    "Together the newcomers will invest …", "Вместе новые резиденты вложат …"."""
    clause, start = layout.token_clause[token], _sentence_start(layout, token)
    return not SUM_WORDS.isdisjoint(layout.norms[start:token]) and any(
        layout.token_clause[i] == clause and layout.norms[i] in SUM_WORDS
        and layout.norms[i + 1] not in SUM_PARTNERS for i in range(start, token))


def _reported(layout: Layout, token: int) -> int:
    """The last `COMPLEMENTISERS` word of the sentence before `token` ("said that …"), or -1:
    what comes before it is who reported the figure, to whom and where."""
    start = _sentence_start(layout, token)
    if COMPLEMENTISERS.isdisjoint(layout.norms[start:token]):
        return -1  # most sentences: nothing reported
    return next((i for i in range(token - 1, start - 1, -1)
                 if layout.norms[i] in COMPLEMENTISERS), -1)


def _after_branch_word(layout: Layout, found: Found, branches: frozenset[str]) -> bool:
    """Whether a branch word comes at most `BRANCH_GAP` words before `found` in its clause:
    "a branch of the Kazan IT Park", "вторая площадка казанского ИТ-парка". A site named in
    apposition ("площадке «МИЭТ»") is a site itself, so the caller leaves sites out."""
    clause = layout.token_clause[found.first]
    for i in range(found.first - 1, max(found.first - BRANCH_GAP - 2, -1), -1):
        if layout.token_clause[i] != clause:
            return False
        if layout.norms[i] in branches:
            return True
    return False


def _is_source(layout: Layout, found: Found) -> bool:
    """Whether `found` follows a word that makes it where money comes from ("received 2
    billion rubles from the federal budget", "из федерального бюджета", "aus dem
    Bundeshaushalt") with only small words between: a source, not the clause's scope."""
    for i in range(found.first - 1, max(found.first - OPENING_WORDS - 1, -1), -1):
        word = layout.norms[i]
        if word in SOURCE_WORDS:
            return True
        if word not in LINK_WORDS:
            return False
    return False


def _nearer_number(layout: Layout, value: Span, found: Found) -> bool:
    """Whether another number of `found`'s clause stands nearer to it than the figure's value
    does: "170 von landesweit 817 Residenten" puts the scope on 817."""
    def distance(a: int, b: int) -> int:
        return max(found.first - b, a - found.last)

    clause, own = layout.token_clause[found.first], distance(*value)
    return any(layout.norms[i][:1].isdigit() and layout.token_clause[i] == clause
               and not value[0] <= i <= value[1] and distance(i, i) < own
               for i in range(max(found.first - own, 0),
                              min(found.last + own + 1, len(layout.norms))))


def _joins(layout: Layout, word: Found, group: Found) -> bool:
    """Whether a kind word is joined to a plural kind word after it by "и", "and", "und",
    "sowie" (a few words may stand between): "в ОЭЗ и пяти технопарках", "the SEZ and ten other
    parks", "in der SWZ und zehn weiteren Technologieparks" speak of them together."""
    between = layout.norms[word.last + 1:group.first]
    return bool(between) and between[0] in COORDINATORS and len(between) <= JOIN_GAP


def _coordinated(layout: Layout, named: list[Found]) -> bool:
    """Whether the first two organisations named are joined by "и", "and", "und" or a comma
    alone: subjects alike ("Академпарк и IT-парк Казани начнут …")."""
    if len(named) < 2 or named[0].pattern.rule == named[1].pattern.rule:
        return False
    between = layout.norms[named[0].last + 1:named[1].first]
    return len(between) <= 1 and all(w in COORDINATORS for w in between)


def _by_sentence(layout: Layout, found: list[Found]) -> dict[int, list[Found]]:
    out: dict[int, list[Found]] = defaultdict(list)
    for f in found:
        out[layout.token_sentence[f.first]].append(f)
    return out


def _fitting(kind_word: Found) -> set[str]:
    """The organisation kinds a kind word fits."""
    return {kind_word.pattern.rule, *KIND_ALSO.get(kind_word.pattern.rule, ())}


def _text(layout: Layout, found: Found) -> str:
    return layout.text[layout.token_starts[found.first]:layout.token_ends[found.last]]


def _link(found: Found, reason: str) -> Link:
    if found.pattern.kind == "description":
        reason += f", by descriptive mention ({found.pattern.written})"
    return Link(found.pattern.rule, reason)


def _subject(candidates: list[Found], token: int) -> Found | None:
    """The first organisation before the figure (news sentences name the subject first),
    else the nearest after it."""
    before = [f for f in candidates if f.first < token]
    if before:
        return before[0]
    return min(candidates, key=lambda f: f.first, default=None)


def _noun_phrase(layout: Layout, organisations: list[Found], anchors: Sequence[Span],
                 after: bool) -> Found | None:
    """The organisation right after the figure's noun or value in its clause, with only
    genitive-chain words between ("выручка резидентов ОЭЗ", "residents of the Academpark"),
    or (not `after`) right before it ("Technopark Yakutia residents", "Academpark's
    revenue"). Before is weaker: "Laut Innopolis investierten die Regionen bundesweit" puts a
    source there, so a scope word in the clause is checked first."""

    def words_between(a: int, b: int) -> list[str] | None:
        if b - a - 1 > NOUN_PHRASE_GAP or b <= a:
            return None
        if layout.token_clause[a] != layout.token_clause[b]:
            return None
        between = layout.norms[a + 1:b]
        if any(w.isdigit() for w in between):
            return None
        return between

    best: tuple[int, Found] | None = None
    for org in organisations:
        for first, last in anchors:
            between = words_between(last, org.first) if after else \
                words_between(org.last, first)
            if between is None or sum(w not in LINK_WORDS for w in between) > (
                    NOUN_PHRASE_CONTENT if after else 0):
                continue
            distance = len(between)
            if best is None or distance < best[0]:
                best = (distance, org)
    return best[1] if best else None


def _joined(layout: Layout, one: Found, other: Found) -> bool:
    """Whether two mentions are next to each other, joined by "и/and/und" or a comma."""
    first, second = (one, other) if one.last < other.first else (other, one)
    between = layout.norms[first.last + 1:second.first]
    if len(between) > 1 or (between and between[0] not in COORDINATORS):
        return False
    gap = layout.text[layout.token_ends[first.last]:layout.token_starts[second.first]]
    return bool(between) or gap.strip() == ","


def _of_the_region(layout: Layout, kind: Found, references: frozenset[str]) -> bool:
    """Whether one of `references` follows the kind word: "ИТ-парк республики"."""
    after = layout.norms[kind.last + 1:kind.last + 4]
    return any(" ".join(after[:n]) in references for n in range(1, 4))


def _attached(layout: Layout, first: int, last: int, place: Found) -> bool:
    """Whether a place is part of the kind word's own phrase: close after it in its clause
    ("технопарк в городе Нижнекамске", "the zone … in the Tomsk Region") or right before it
    ("Tomsk SEZ", "в Казани IT-парк")."""
    if layout.token_clause[place.first] != layout.token_clause[first]:
        return False
    return 0 < place.first - last <= PLACE_GAP + 1 or 0 < first - place.last <= 2


def _description(layout: Layout, kind: Found, place_written: str, organisation: str,
                 place: Found | None = None) -> Found:
    """A kind word resolved by a place (`place` when the sentence names it, else one of the
    region the article is about), as a mention of `organisation`: its text runs to the place
    when the place follows in the same clause, close by."""
    attached = place is not None and _attached(layout, kind.first, kind.last, place)
    pattern = replace(kind.pattern, kind="description", rule=organisation,
                      written=f"{kind.pattern.written} + {place_written}",
                      forms=kind.pattern.forms + (place.pattern.forms if place else ()))
    before = attached and place.last < kind.first
    return kind._replace(pattern=pattern, first=place.first if before else kind.first,
                   last=place.last if attached and not before else kind.last)
