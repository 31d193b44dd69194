"""Rules against article text: the pure core. No HTTP, no SQL, no scheduler.

Every alias, abbreviation, metric keyword and free term of the rules is reduced to a sequence
of word forms (`morph.forms`) and put into one Aho-Corasick automaton, keyed by those forms
joined with a separator. An article's words are reduced the same way and scanned once, so the
cost per article does not grow with the number of organisations. Abbreviations go into a
second automaton over the words as written, because they are matched case-sensitively.

A metric hit is a quantity typed by what it counts: the noun after it that a metric counts
("547 компаний"), else a keyword of the metric in its sentence (nearest pair first; one
quantity serves one hit), else the figure before it when its sentence refers back or it is a
part, else a unit only one metric takes. It is linked to the organisation it is about by
`link` (noun phrase, subject of its clause or sentence, paragraph, or none for a country, a
region or a sector). The same fact stated twice is one hit with its `mentions`.
"""

from __future__ import annotations

import bisect
import re
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from itertools import compress, count
from operator import itemgetter
from typing import NamedTuple

import ahocorasick

from . import candidates as candidate_phrases
from .candidate_words import HEAD_VARIANTS, TAIL_VARIANTS
from .config import RulesFile
from .figurewords import (
    ACTUALLY,
    APPLYING,
    APPROACHING,
    APPROXIMATE_TAILS,
    CAPACITY,
    CLOSING,
    COMPARATIVE_THAN,
    COORDINATORS,
    COUNT_PREPOSITIONS,
    DISTRIBUTIVES,
    ELLIPSIS_DASHES,
    FORMER,
    FUNCTION_WORDS,
    FUNDING,
    GERMAN_LINKS,
    GERMAN_MEASURES,
    LEVIES,
    LEVY_LINKS,
    MAXIMA,
    MORE_AFTER,
    MORE_BEFORE,
    NOT_HOSTS,
    OBJECT_PRONOUNS,
    ONE_FIRM,
    PART_OPENERS,
    PARTITIVES,
    PER_HEAD,
    PER_UNIT,
    PERIODS,
    PLANNED,
    POSSESSIVES,
    PRESENTING,
    PRICE_WORDS,
    PROSPECTS,
    REFERENCES,
    RELATIVE_OPENERS,
    SERVING,
    SUM_PARTS,
    TAKINGS,
    TOWNS,
    TRAINING,
)
from .link import Link, Linker, Mentions, by_kind, own_phrases, phrases
from .link import longest as _longest
from .morph import (
    COMPOUND_PART,
    LATIN_LANGUAGES,
    RuleForms,
    cache_dir,
    compound_part,
    forms,
    is_noun,
    latin_variant,
    modifies,
    oblique_count,
)
from .normalize import QUOTES
from .numbers import UNIT_CLASSES, Quantity, find_years, read_quantities
from .records import Hit
from .tokens import SEP, Layout, words

SNIPPET_MAX = 400
_QUOTE = re.compile(f"[{re.escape(QUOTES)}]")
@dataclass(frozen=True)
class Pattern:
    """One thing the rules look for, as the automaton sees it."""

    kind: str
    """organisation, metric (a keyword), noun (a noun a metric counts), fallback (a word that
    types a figure no keyword types), exclude or term."""
    rule: str
    written: str
    language: str | None
    forms: tuple[str, ...]


class Found(NamedTuple):
    """One occurrence of a pattern in an article. A tuple, not a dataclass: an article has
    dozens, made by every scan and read everywhere the matcher and the linker look."""

    pattern: Pattern
    first: int
    """Index of the first word."""
    last: int


@dataclass
class Analysis:
    """Everything `match` worked out for one text: hits, and what `--explain` and alert
    selection need besides."""

    text: str
    language: str | None
    layout: Layout
    word_forms: list[str]
    hits: list[Hit]
    terms: list[Found]
    fired: list[tuple[Hit, list[Found]]]
    candidates: list[Hit] = field(default_factory=list)
    """Phrases naming an organisation the rules do not know (kind 'candidate'): stored, never
    counted as organisation hits, never selected for alerts."""


def snippet(layout: Layout, sentence: int, start: int, end: int) -> str:
    left, right = layout.sentences[sentence] if layout.sentences else (0, len(layout.text))
    text = layout.text
    if right - left > SNIPPET_MAX:
        half = max((SNIPPET_MAX - (end - start)) // 2, 0)
        left2, right2 = max(left, start - half), min(right, end + half)
        return ("…" if left2 > left else "") + text[left2:right2].strip() + \
            ("…" if right2 < right else "")
    return text[left:right]


def _patterns(rules: RulesFile, terms: Iterable[str], variant: str,
              rule_forms: RuleForms) -> list[Pattern]:
    out = []

    def add(kind: str, rule: str, written: str, language: str | None) -> None:
        word_forms = rule_forms.phrase(written, variant)
        if word_forms:
            out.append(Pattern(kind, rule, written, language, word_forms))

    for org in rules.organisations:
        add("organisation", org.id, org.name, None)
        for language, aliases in org.aliases.items():
            for alias in aliases:
                for written in _head_variants(alias):
                    add("organisation", org.id, written, language)
        for phrase in org.exclude:
            for written in _head_variants(phrase):
                add("exclude", org.id, written, None)
    for metric in rules.metrics:
        for language, keywords in metric.keywords.items():
            for keyword in keywords:
                add("metric", metric.id, keyword, language)
        for language, nouns in metric.nouns.items():
            for noun in nouns:
                add("noun", metric.id, noun, language)
        for language, fallbacks in metric.fallback.items():
            for word in fallbacks:
                add("fallback", metric.id, word, language)
    for term in terms:
        add("term", term, term, None)
    for kind, rule, written, language in phrases(rules):
        add(kind, rule, written, language)
    return out


def _head_variants(alias: str) -> list[str]:
    """The alias and its forms with another head word or country tail the press uses for the
    same body (HEAD_VARIANTS, TAIL_VARIANTS): "Ministry of X" is also named by its "Minister of
    X", a German "Verband der …" is also written "Assoziation der …", "… Российской Федерации"
    is also "… России"."""
    out = [alias]
    for tail, variants in TAIL_VARIANTS.items():
        if alias.endswith(" " + tail):
            out += [alias[: -len(tail)] + variant for variant in variants]
    headed = []
    for written in out:
        head, _, rest = written.partition(" ")
        if rest:
            headed += [f"{variant} {rest}" for variant in HEAD_VARIANTS.get(head.casefold(), ())]
    return out + headed


def _automaton(keyed: dict[str, list[Pattern]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, patterns in keyed.items():
        automaton.add_word(key, (len(patterns[0].forms), tuple(patterns)))
    if keyed:
        automaton.make_automaton()
    return automaton


_WORD = re.compile(r"\w+")
"""A word of an alias, as an abbreviation is written (no lemma: abbreviations match as
written)."""


def _key(parts: Iterable[str]) -> str:
    return SEP + SEP.join(parts) + SEP


@dataclass(frozen=True)
class _Variant:
    """What the matcher compares an article's words with, for one Latin variant."""

    automaton: ahocorasick.Automaton
    vocabulary: frozenset[str]
    """Every form a pattern uses: the forms of an article's word that rules use are picked."""
    longest: int
    """Words in the longest pattern."""
    compound_parts: frozenset[str]
    """The stems of single German keywords and nouns, found inside compounds."""


class Matcher:
    """Compiled once per rules file; `match` is called once per article."""

    def __init__(self, rules: RulesFile, terms: Iterable[str] = ()):
        self.rules = rules
        self.rules_hash = rules.matching_hash()
        """Which rules found the hits this matcher finds (stored as `articles.rules_hash`)."""
        self._linker = Linker(rules)
        self.metrics = {m.id: m for m in rules.metrics}
        self._not_hosts = {o.id for o in rules.organisations if o.kind in NOT_HOSTS}
        """Organisations whose counted nouns are the firms they support (`NOT_HOSTS`)."""
        terms = tuple(sorted({*terms, *(leaf.term for alert in rules.alerts
                                         for leaf in alert.when.leaves() if leaf.term)}))
        self._terms = terms
        self._word_forms = known = rules.word_forms().joined(_own_forms())
        self._variants: dict[str, _Variant] = {}
        """The automaton and vocabulary of each Latin variant, built when an article first
        needs it (`_variant`): a `check` of a Russian text never builds the German one."""
        self._building = threading.RLock()  # building "de" builds "en" too
        self._measures = frozenset(GERMAN_MEASURES)
        takers: dict[str | None, set[str]] = defaultdict(set)
        for metric in rules.metrics:
            for unit in UNIT_CLASSES[metric.unit] - UNIT_CLASSES["count"] - _MONEY:
                takers[unit].add(metric.id)
        self._only_metric = {unit: ids.pop() for unit, ids in takers.items() if len(ids) == 1}
        """Units only one metric takes, other than counts and money (m2: area), so a value
        of that unit is that metric's even without a keyword."""
        self._references = _first_forms(known, REFERENCES)
        self._training = _first_forms(known, TRAINING, APPLYING)
        self._former = _first_forms(known, FORMER)
        self._towns = _first_forms(known, TOWNS)
        self._prospects = _first_forms(known, PROSPECTS)
        self._actually = _first_forms(known, ACTUALLY)
        self._planned = _first_forms(known, PLANNED)
        self._levies = _first_forms(known, LEVIES)
        self._per_unit_words = _first_forms(known, PER_UNIT)
        self._per_unit_nouns = _first_forms(known, PER_HEAD, MAXIMA)
        self._periods = _first_forms(known, PERIODS)
        self._tails = _phrases(tail for listed in APPROXIMATE_TAILS.values() for tail in listed)
        self._part_openers = _phrases(PART_OPENERS)
        self._relatives = _phrases(RELATIVE_OPENERS)
        self._sum_parts = _phrases(SUM_PARTS)
        self._one_firm = _phrases(ONE_FIRM)
        self._one_firm_heads = frozenset(phrase[0] for phrase in self._one_firm)
        self._takings = _first_forms(known, TAKINGS)
        self._partitives = frozenset(word for listed in PARTITIVES.values() for word in listed)
        abbreviations: dict[str, list[Pattern]] = defaultdict(list)
        for org in rules.organisations:
            for abbreviation in org.abbreviations:
                written = tuple(w.text for w in words(abbreviation))
                abbreviations[_key(written)].append(
                    Pattern("organisation", org.id, abbreviation, None, written))
        self._abbreviations = _automaton(abbreviations)
        self._organisations = {org.id: org for org in rules.organisations}
        self._alias_words: dict[str, frozenset[str]] = {}
        """Each organisation's alias words, as written, worked out when first needed (an
        abbreviation found beside its full name) so that start-up does not pay for them."""
        self.languages = sorted({lang for o in rules.organisations for lang in o.aliases}
                                | {lang for m in rules.metrics for lang in m.keywords})
        self._pick_cache: dict[str, dict[str, tuple[str, ...]]] = {
            variant: {} for variant in LATIN_LANGUAGES}
        """Per variant: word -> `_pick`'s answer, so that an article's words cost a look-up."""

    def _variant(self, variant: str) -> _Variant:
        built = self._variants.get(variant)
        if built is None:
            with self._building:  # articles are matched on several threads
                built = self._variants.get(variant)
                if built is None:
                    built = self._variants[variant] = self._build(variant)
        return built

    def _build(self, variant: str) -> _Variant:
        keyed: dict[str, list[Pattern]] = defaultdict(list)
        vocabulary: set[str] = set()
        longest = 1
        compound_parts: set[str] = set()
        for pattern in _patterns(self.rules, self._terms, variant, self._word_forms):
            keyed[_key(pattern.forms)].append(pattern)
            vocabulary.update(pattern.forms)
            longest = max(longest, len(pattern.forms))
            if variant == "de" and pattern.kind in ("metric", "noun", "fallback") and \
                    pattern.language == "de" and len(pattern.forms) == 1:
                compound_parts.add(pattern.forms[0])
        if variant != "en":
            # A German word whose stem only an English rule uses is taken as that stem, not
            # looked for inside compounds. The other way needs nothing: an English or Russian
            # word's forms are the same whichever variant a rule used them in.
            vocabulary |= self._variant("en").vocabulary
        return _Variant(_automaton(keyed), frozenset(vocabulary), longest,
                        frozenset(compound_parts))

    def _pick(self, word: str, variant: str) -> tuple[str, ...]:
        """The forms of a word that the rules use, likeliest first, else its likeliest form.
        Usually one; a word such as "парке" (of "парк" and of "парка") can have two."""
        cache = self._pick_cache[variant]
        picked = cache.get(word)
        if picked is None:
            candidates = forms(word, variant)
            tables = self._variant(variant)
            picked = tuple(f for f in candidates if f in tables.vocabulary)
            if not picked and variant == "de" and len(word) >= 2 * COMPOUND_PART:
                part = compound_part(word, tables.compound_parts, self._measures, GERMAN_LINKS)
                picked = (part,) if part else ()
            picked = picked or candidates[:1]
            if len(cache) < 250_000:
                cache[word] = picked
        return picked

    def match(self, text: str, language: str | None = None) -> list[Hit]:
        return self.analyse(text, language).hits

    def analyse(self, text: str, language: str | None = None) -> Analysis:
        layout = Layout.of(text)
        variant = latin_variant(language)
        picks = list(map(self._pick_cache[variant].get, layout.norms))  # warm: all known
        if None in picks:
            picks = [p or self._pick(norm, variant) for p, norm in zip(picks, layout.norms,
                                                                      strict=True)]
        word_forms = list(map(_FIRST_FORM, picks))
        tables = self._variant(variant)
        found = _scan(tables.automaton, word_forms)
        found += self._alternatives(tables, word_forms, picks)
        found += self._shared(found, _scan(self._abbreviations, layout.texts))
        of_kind = by_kind(found)
        mentions = self._linker.article(layout, of_kind, language)
        organisations = mentions.organisations
        keywords = _longest(of_kind["metric"])
        nouns = _longest(of_kind["noun"])
        fallbacks = _longest(of_kind["fallback"])
        terms = of_kind["term"]
        fired: list[tuple[Hit, list[Found]]] = [
            (self._organisation_hit(layout, f), [f]) for f in organisations]
        metric_hits = self._metric_hits(layout, language, keywords, nouns, mentions,
                                        word_forms, fallbacks)
        fired += metric_hits
        fired.sort(key=lambda pair: (pair[0].start, pair[0].kind != "organisation"))
        hits = [h for h, _ in fired]
        return Analysis(text, language, layout, word_forms, hits, terms, fired,
                        _candidate_hits(layout, word_forms, language, hits))

    def _shared(self, found: list[Found], abbreviated: list[Found]) -> list[Found]:
        """An abbreviation that another organisation's name contains means that organisation
        (of the same kind) when the article names it in full and not the abbreviation's own:
        "ПВТ" is Belarus's Hi-Tech Park, but in an article on the "Парк высоких технологий
        Кыргызской Республики" ("ПВТ Кыргызстана") it is Kyrgyzstan's; "ВЭБ" in the name of a
        fund of VEB's stays VEB's. Costs a look at the few organisations the article names."""
        if not abbreviated:
            return abbreviated
        named = {f.pattern.rule for f in found if f.pattern.kind == "organisation"}
        out = []
        for f in abbreviated:
            own = self._organisations[f.pattern.rule]
            others = [rule for rule in named if self._organisations[rule].kind == own.kind
                      and f.pattern.written in self._words_of(rule)]
            if own.id not in named and len(others) == 1:
                f = f._replace(pattern=replace(f.pattern, rule=others[0]))
            out.append(f)
        return out

    def _words_of(self, organisation: str) -> frozenset[str]:
        cached = self._alias_words.get(organisation)
        if cached is None:
            aliases = self._organisations[organisation].aliases.values()
            cached = frozenset(w for written in aliases for a in written for w in _WORD.findall(a))
            self._alias_words[organisation] = cached
        return cached

    def _alternatives(self, tables: _Variant, word_forms: list[str],
                      picks: list[tuple[str, ...]]) -> list[Found]:
        """Matches that need another of a word's forms: the window around each such word is
        scanned again with that form in place. Rare, so cheap."""
        out: list[Found] = []
        several = list(map(_SEVERAL, picks))
        if not any(several):
            return out  # most articles: every word has one form the rules use
        reach = tables.longest - 1
        for index in compress(count(), several):
            for alternative in picks[index][1:]:
                low = max(index - reach, 0)
                window = word_forms[low:index + reach + 1]
                window[index - low] = alternative
                out += [Found(f.pattern, f.first + low, f.last + low)
                        for f in _scan(tables.automaton, window)
                        if f.first <= index - low <= f.last]
        return out

    # ----------------------------------------------------------------- organisations

    def _organisation_hit(self, layout: Layout, found: Found) -> Hit:
        start, end = _span(layout, found.first, found.last)
        sentence = layout.token_sentence[found.first]
        return Hit(kind="organisation", rule=found.pattern.rule,
                   organisation=found.pattern.rule, metric=None, value=None, unit=None,
                   matched=layout.text[start:end], start=start, end=end,
                   snippet=snippet(layout, sentence, start, end), sentence=sentence,
                   token=found.first)

    # ----------------------------------------------------------------- metrics

    def _metric_hits(self, layout: Layout, language: str | None, keywords: list[Found],
                     nouns: list[Found], mentions: Mentions, word_forms: list[str],
                     fallbacks: list[Found]) -> list[tuple[Hit, list[Found]]]:
        """Every figure of the text, typed in this order of trust: by the noun it counts
        ("547 компаний"), by a keyword of its sentence (nearest first, own clause first), by
        the figure before it when it is a part, its sentence refers back ("их число выросло до
        86") or it took its unit from there ("прогноз — 10,8 млрд"), by a fallback word of its
        sentence ("flossen 203 Millionen Rubel"), else by a unit only one metric takes ("a
        53,000 sq m office building" is an area)."""
        if not layout.norms:
            return []
        text = layout.text
        quantities = read_quantities(text, language)
        quantities = [q for q, before in zip(quantities, [None, *quantities], strict=False)
                      if not _conversion(text, before, q)]
        if not quantities:
            return []
        figures = [self._figure(layout, q) for q in quantities]
        variant = latin_variant(language)
        noun_at: dict[int, list[Found]] = defaultdict(list)  # several metrics may count one
        for noun in nouns:
            noun_at[noun.first].append(noun)
        _imply_rubles(figures, lambda figure: self._counts_a_noun(
            layout, figure, noun_at, variant, keywords, word_forms) or any(
                k.first > figure.last and k.first - figure.last <= _MODIFIERS + 1 and
                layout.token_sentence[k.first] == figure.sentence and
                self.metrics[k.pattern.rule].unit == "count" for k in keywords))
        typed: dict[int, tuple[str, Found | None, str]] = {}
        # quantity index -> (metric id, the words that named it if any, why)
        keyword_at = {i: keyword.first for keyword in keywords
                      for i in range(keyword.first, keyword.last + 1)}
        other_nouns: dict[int, int] = {}  # quantity index -> the word after the noun it counts
        named = {(layout.token_clause[k.first], k.pattern.rule) for k in keywords}
        noun_typed: set[int] = set()
        may = self._gates(set(word_forms), set(layout.norms))
        for index, figure in enumerate(figures):
            noun, other = self._noun_phrase(layout, figure, noun_at, variant, keywords)
            if (may.trainees and self._trainees(layout, figure, word_forms)) or \
                    (may.predecessor and self._predecessor(layout, figure, word_forms)) or \
                    (noun is not None and _possessor_group(layout, figure, noun, variant)) or \
                    (may.unreal and self._unreal(layout, figure, word_forms)) or \
                    (may.per_unit and self._per_unit(layout, figure, word_forms, variant)) or \
                    (may.levy and self._levy(layout, figure, word_forms) and
                     getattr(figure.quantity, "role", None) != "part") or \
                    (may.part_of_none and
                     self._part_of_none(layout, figures, index, other_nouns)) or \
                    (may.share_of_sum and self._share_of_sum(layout, figures, index)) or \
                    (may.one_firms_takings and
                     self._one_firms_takings(layout, figure, word_forms)):
                other_nouns[index] = -1  # people taught, a predecessor's firms, prospects…
            elif noun is not None and (noun.first > figure.last
                                     or (figure.clause, noun.pattern.rule) in named):
                typed[index] = (noun.pattern.rule, noun, f'noun "{noun.pattern.written}"')
                noun_typed.add(index)
            elif noun is not None:
                # "85 thousand people live there": people are counted for many reasons, so
                # the unit word types a figure only with a keyword of its metric in its clause.
                other_nouns[index] = -1
            elif other is None and (whole := self._relative_whole(
                    layout, figure, noun_at, variant, keywords)) is not None:
                typed[index] = (whole.pattern.rule, whole,
                                f'noun "{whole.pattern.written}" before "of which"')
                noun_typed.add(index)
            elif other is not None and other in keyword_at:
                # The noun is (in) a keyword: "80 компаний", "500 рабочих мест".
                other_nouns[index] = keyword_at[other]
            elif other is not None and not is_noun(layout.texts[other], variant):
                # "по 25 … показателям и шести расчётным": a noun left out is the one the
                # figure before counts; when no metric counts that, none counts this one.
                if index and figures[index - 1].sentence == figure.sentence and \
                        other_nouns.get(index - 1) == -1:
                    other_nouns[index] = -1
            elif other is not None:
                after = other + 1  # "51 Einwohner registriert": the verb says what they are
                verb = other == figure.last + 1 and after < len(layout.norms) and \
                    not is_noun(layout.texts[after], variant) and \
                    not self._governed(layout, figure)
                other_nouns[index] = after if verb else -1
        counted = _longest(keywords + [n for n in nouns
                                       if self.metrics[n.pattern.rule].unit == "count"])
        # A part ("Десять из них работают…", "ten of them work…") counts what the figure it
        # is a part of counts: it takes that figure's metric before a keyword of its sentence,
        # which says what the part does; only with nothing to take does the keyword type it.
        parts = frozenset(i for i, f in enumerate(figures)
                          if getattr(f.quantity, "role", None) == "part")
        self._pair_keywords(layout, figures, counted, typed, other_nouns, parts)
        self._inherit(figures, typed, set(other_nouns).difference(typed),
                      self._referring(layout, word_forms, variant, figures,
                                      set(keyword_at) | {i for n in nouns
                                                         for i in range(n.first, n.last + 1)}),
                      {i for i, f in enumerate(figures) if _more_of(layout, f)})
        self._pair_keywords(layout, figures, counted, typed, other_nouns)
        self._pair_keywords(layout, figures, fallbacks, typed, other_nouns,
                            reach=_FALLBACK_REACH)
        _elliptic(layout, figures, typed, set(other_nouns))
        for index, figure in enumerate(figures):
            only = self._only_metric.get(figure.quantity.unit)
            # "350 тысяч метров" is square metres only where an area keyword says so: of a
            # road, a length (numbers.Quantity.loose_unit).
            if index not in typed and only is not None and not figure.quantity.loose_unit:
                typed[index] = (only, None, f"its unit, which only {only} takes")
        years = _years(layout, find_years(text, language))
        out = []
        last_of: dict[str, tuple[Figure, str | None]] = {}  # metric -> its last figure, owner
        for index, figure in enumerate(figures):
            if index not in typed:
                continue
            metric, found, why = typed[index]
            if figure.quantity.unit is None and _looks_like_year(figure.quantity.matched) \
                    and index not in noun_typed:
                continue  # "Sie haben 2022 fast…" (but "2045 новых рабочих мест" are jobs)
            if self._town_land(layout, figure, mentions, word_forms, found is not None):
                continue  # "Der Stadt wurden 1.400 Hektar Land zugewiesen"
            named_by = [(found.first, found.last)] if found else []
            link = mentions.owner((figure.first, figure.last), named_by)
            if index in noun_typed and link.organisation in self._not_hosts:
                continue  # "a fund to support 220 enterprises": firms it supports
            if _possessed(layout, figure) and not any(
                    named.get(sentence) for named in (mentions.owning, mentions.referring)
                    for sentence in (figure.sentence, figure.sentence - 1)):
                continue  # "… ist der Entwickler Improve. Seine 70 Mitarbeiter": the firm's
            link = _whole(layout, mentions, figure, last_of.get(metric)) \
                or _continuing(mentions, figure, last_of.get(metric)) or link
            last_of[metric] = (figure, link.organisation)
            for owner in (link, *(Link(other, link.reason) for other in link.each)):
                out.append((self._metric_hit(layout, figure, metric, owner,
                                             years.year(figure), why), [found] if found else []))
        headline = {f.sentence for f in figures if f.paragraph == 0} \
            if layout.token_paragraph[-1] > 0 else set()
        return _once_per_fact(out, headline)

    def _figure(self, layout: Layout, quantity: Quantity) -> Figure:
        first = layout.token_at(quantity.start)
        sentence = layout.sentence_of_offset(quantity.start)
        opening = layout.sentence_tokens[sentence].start
        opens = opening == 0 or \
            layout.token_paragraph[opening - 1] != layout.token_paragraph[opening]
        last = layout.token_at(max(quantity.end - 1, quantity.start))
        if last > first and layout.token_starts[last] >= quantity.end:
            last -= 1  # the quantity ends in a dot ("1,5 тыс."): its last word is before it
        return Figure(quantity, first, last, sentence, layout.token_paragraph[first],
                      layout.token_clause[first], opens)

    def _gates(self, forms: set[str], norms: set[str]) -> _Gates:
        """Which figure gates can say yes in an article whose words (their forms and
        `Layout.norms`) are `forms` and `norms`: each gate looks for a word of its sets in a
        stretch of a figure's sentence, which it cannot find when the whole article lacks
        them. Of the golden articles' gates six in ten have no word in their article, and
        its figures skip them."""
        return _Gates(
            trainees=not (self._training.isdisjoint(forms) and FUNDING.isdisjoint(norms)
                          and SERVING.isdisjoint(norms) and CLOSING.isdisjoint(norms)),
            predecessor=not self._former.isdisjoint(forms),
            unreal=not (self._prospects.isdisjoint(forms) and PRESENTING.isdisjoint(norms)
                        and APPROACHING.isdisjoint(norms) and CAPACITY.isdisjoint(norms)
                        and (self._planned.isdisjoint(forms)
                             or self._actually.isdisjoint(forms))),
            per_unit=not (DISTRIBUTIVES.isdisjoint(norms)
                          and self._per_unit_nouns.isdisjoint(forms)
                          and self._per_unit_words.isdisjoint(forms)),
            levy=not self._levies.isdisjoint(forms),
            part_of_none=not _heads(self._part_openers).isdisjoint(norms),
            share_of_sum=not _heads(self._sum_parts).isdisjoint(norms),
            one_firms_takings=not (self._takings.isdisjoint(forms)
                                   or self._one_firm_heads.isdisjoint(norms)))

    def _counts_a_noun(self, layout: Layout, figure: Figure, noun_at: dict[int, list[Found]],
                       variant: str, keywords: list[Found], word_forms: list[str]) -> bool:
        """Whether a number counts a noun, a metric's or any other ("110 тысяч рабочих мест",
        "130 тыс. светильников", "250 thousand pumps"), so that it is no sum. Not a period
        ("179 млрд годом ранее") nor a word after a dot ("10,8 млрд. В парке"): the dot of a
        scale word may end the sentence, before a capital ("107 млрд. Основная часть")."""
        noun, other = self._noun_phrase(layout, figure, noun_at, variant, keywords)
        if noun is not None:
            return True
        if other is None or word_forms[other] in self._periods:
            return False
        after = figure.last + 1
        dot = "." in layout.text[figure.quantity.end - 1:layout.token_starts[after]]
        return not (dot and layout.texts[after][:1].isupper())

    def _noun_phrase(self, layout: Layout, figure: Figure, noun_at: dict[int, list[Found]],
                     variant: str, keywords: list[Found]) -> tuple[Found | None, int | None]:
        """What a bare count quantifies: (the noun of a counting metric, None) for "547
        компаний", "167 innovative companies", "200 Hightech-Firmen" or the unit word of "70
        тысяч человек"; (None, its index) for a noun no metric counts ("12 technoparks", "287
        grants", "в 3 регионах"); (None, the index of its last adjective) when a Russian noun
        is left out ("по 25 показателям и шести расчётным"); else (None, None). Words that
        modify the noun may stand between, joined by "и"/"and"/"und", and after the number
        words that make it approximate ("десять с лишним лет"). A German noun is capitalised:
        "2022 beschäftigte" is a verb."""
        if figure.quantity.unit not in UNIT_CLASSES["count"]:
            return None, None
        count, text = len(layout.norms), layout.text
        for index in range(figure.first + 1, figure.last + 1):  # "1,500 people", "70 тысяч человек"
            noun = self._counted(layout, figure, noun_at, index, variant, keywords)
            if noun is not None:
                return noun, None
        index = figure.last + 1 + _tail(layout.norms, figure.last + 1, self._tails)
        budget = _MODIFIERS + 1
        partitives = 0  # "five of the newcomers", "пять из новых резидентов"
        modifier: int | None = None  # the last word seen that modifies the noun
        while index < count and budget > 0:
            # The gap after the figure starts where its text ends: the dot of a scale word
            # is the quantity's ("1,5 тыс. компаний", "2 Tsd. Firmen").
            gap = max(layout.token_ends[index - 1], figure.quantity.end)
            if gap > layout.token_starts[index] or layout.token_sentence[index] != figure.sentence \
                    or not _TIGHT.fullmatch(text, gap, layout.token_starts[index]):
                break  # the next sentence's first word counts nothing of this one
            noun = self._counted(layout, figure, noun_at, index, variant, keywords)
            if noun is not None:
                return noun, None
            written = layout.texts[index]
            if index + 1 < count and _HYPHEN.fullmatch(
                    text, layout.token_ends[index], layout.token_starts[index + 1]):
                budget -= 1  # the first part of a hyphenated noun: "Hightech-Firmen"
            elif modifier is None and partitives < _PARTITIVE_WORDS and \
                    written.lower() in self._partitives:
                partitives += 1
            elif is_noun(written, variant):
                return None, index
            elif modifier is not None and layout.norms[index] in COORDINATORS:
                pass  # "25 абсолютным и относительным показателям": one modifier
            elif modifies(written, variant):
                modifier, budget = index, budget - 1
            else:
                break
            index += 1
        else:
            if budget == 0:
                return None, None  # too many words to say what the number counts
        if modifier is not None and _RUSSIAN.search(layout.texts[modifier]) and \
                not layout.texts[modifier].isupper():
            return None, modifier  # "и шести расчётным": the noun is left out, not a metric's
        return None, None

    def _counted(self, layout: Layout, figure: Figure, noun_at: dict[int, list[Found]],
                 index: int, variant: str, keywords: list[Found]) -> Found | None:
        """The noun of a counting metric that the word at `index` is, if it is one (German
        nouns are capitalised: "2022 beschäftigte" is a verb)."""
        counting = [n for n in noun_at.get(index, ())
                    if self.metrics[n.pattern.rule].unit == "count"]
        if counting and (variant != "de" or layout.texts[index][:1].isupper()):
            return _counted_as(layout, figure, counting, keywords)
        return None

    def _relative_whole(self, layout: Layout, figure: Figure, noun_at: dict[int, list[Found]],
                        variant: str, keywords: list[Found]) -> Found | None:
        """The counted noun a relative part opener refers to when a bare count's clause opens
        with one ("IT companies, of which Kaliningrad has about 2.5 thousand", "ИТ-компаний,
        которых в регионе около 2,5 тысячи", "IT-Firmen, von denen die Stadt 2.500 hat"): the
        count counts that noun, not what a keyword elsewhere in the sentence names."""
        # The first word of its clause (clauses number the words in ascending order).
        opening = bisect.bisect_left(layout.token_clause, figure.clause, 0, figure.first)
        if opening == 0 or not _tail(layout.norms, opening, self._relatives) or \
                layout.token_sentence[opening - 1] != figure.sentence:
            return None
        for first in range(opening - 1, max(opening - 4, -1), -1):  # "IT-Firmen", "ИТ-компаний"
            noun = self._counted(layout, figure, noun_at, first, variant, keywords)
            if noun is not None:
                return noun if noun.last == opening - 1 else None
        return None

    def _pair_keywords(self, layout: Layout, figures: list[Figure], keywords: list[Found],
                       typed: dict[int, tuple[str, Found | None, str]],
                       other_nouns: dict[int, int], skip: frozenset[int] = frozenset(),
                       reach: int | None = None) -> None:
        """Keyword and figure of one sentence, nearest pair first; one figure, one metric. A
        noun a metric counts is its keyword here too ("число работающих предприятий
        приблизится к 20"). A number that counts a noun no metric counts ("287 grants") takes
        only a keyword right after that noun that is no noun itself: the verb that says what
        the noun is ("51 Einwohner registriert"). ``reach`` caps the words between keyword
        and value for every metric (fallback words), as `near` does for one."""
        by_sentence: dict[int, list[Found]] = defaultdict(list)
        for keyword in keywords:
            by_sentence[layout.token_sentence[keyword.first]].append(keyword)
        pairs = []
        for index, figure in enumerate(figures):
            if index in typed or index in skip:
                continue
            for keyword in by_sentence.get(figure.sentence, ()):
                metric = self.metrics[keyword.pattern.rule]
                if figure.quantity.unit not in UNIT_CLASSES[metric.unit]:
                    continue
                if other_nouns.get(index, keyword.first) != keyword.first:
                    continue
                distance = max(keyword.first - figure.last, figure.first - keyword.last, 0)
                # `near` counts the words between keyword and value (a "$" is not a word).
                if keyword.pattern.written in PRICE_WORDS and keyword.last >= figure.first:
                    continue  # "1 billion rubles for two technoparks": what it is for
                near = metric.near if reach is None else reach
                if near is not None and max(distance - 1, 0) > near:
                    continue
                # "выручка составила 1,5 млрд рублей, а инвестиции — 300 млн": a value belongs
                # to the keyword of its own clause before a nearer one across a comma.
                other_clause = figure.clause != layout.token_clause[keyword.first]
                if other_clause and figure.quantity.unit is None:
                    continue  # a bare number counts what its own clause names
                pairs.append(((other_clause, distance), index, keyword))
        pairs.sort(key=lambda p: (p[0], p[1]))
        for _distance, index, keyword in pairs:
            if index not in typed:
                typed[index] = (keyword.pattern.rule, keyword,
                                f'{_KINDS[keyword.pattern.kind]} "{keyword.pattern.written}"')

    def _governed(self, layout: Layout, figure: Figure) -> bool:
        """Whether a preposition stands right before a number or its qualifier ("companies
        from 14 countries", "компании из 14 стран"): the number and its noun then modify
        another word, and are no subject a verb after them could say something of."""
        quantity = figure.quantity
        first = layout.token_at(min(quantity.start, quantity.qualifier_start or quantity.start))
        return first > 0 and layout.token_sentence[first - 1] == figure.sentence and \
            layout.norms[first - 1] in COUNT_PREPOSITIONS

    def _unreal(self, layout: Layout, figure: Figure, word_forms: list[str]) -> bool:
        """Whether a value is no fact an organisation reports: a count of firms in a clause
        about talks, a ranking or a contest (`PROSPECTS`: "verhandelt mit 30 Unternehmen", "в
        рейтинг вошли 40 организаций") or that present their projects (`PRESENTING`: "Drei
        Unternehmen haben ihre Projekte vorgestellt"); a mark approached, not reached
        (`APPROACHING`: "nears 100 residents"); what a site can hold (`CAPACITY`: "could
        hold 40 companies"); or a plan that its sentence goes on to say was
        missed (`ACTUALLY`: "hatte sich 20 vorgenommen, tatsächlich kamen 13")."""
        # Each question is whether a stretch of the sentence holds a word of a set: a slice
        # and `isdisjoint`, not a loop over the words (this runs for every figure).
        norms = layout.norms
        high = layout.sentence_tokens[figure.sentence].stop
        own = layout.clause_words(figure.clause, figure.sentence)
        own_forms = word_forms[own.start:own.stop]
        count = figure.quantity.unit in UNIT_CLASSES["count"]
        if count and (not self._prospects.isdisjoint(own_forms) or not PRESENTING.isdisjoint(
                norms[max(own.start, figure.last + 1):own.stop])):
            return True
        low = layout.sentence_tokens[figure.sentence].start
        before = norms[max(figure.first - _VERB_REACH, low):figure.first]
        if not APPROACHING.isdisjoint(before) or (count and not CAPACITY.isdisjoint(before)):
            return True
        if self._planned.isdisjoint(own_forms):
            return False
        later = bisect.bisect_right(layout.token_clause, figure.clause, figure.last + 1, high)
        return not self._actually.isdisjoint(word_forms[later:high])

    def _levy(self, layout: Layout, figure: Figure, word_forms: list[str]) -> bool:
        """Whether a sum is a levy that is no tax (`LEVIES`), named by the first word after
        it: "56 Milliarden Rubel Zoll", "30 млрд рублей таможенных платежей", "10 billion
        roubles in insurance contributions". Not said of a part ("darunter 100 Millionen an
        Sozialbeiträgen", "в том числе 100 млн страховых взносов"): a share of what was paid
        to the state counts what that total counts."""
        if figure.quantity.unit not in _MONEY:
            return False
        index = figure.last + 1
        while index < len(word_forms) and layout.token_clause[index] == figure.clause and \
                layout.norms[index] in LEVY_LINKS:
            index += 1
        return index < len(word_forms) and layout.token_clause[index] == figure.clause and \
            word_forms[index] in self._levies

    def _per_unit(self, layout: Layout, figure: Figure, word_forms: list[str],
                  variant: str) -> bool:
        """Whether a value is the size of one unit, not a total: a sum in a clause with a
        word of `PER_HEAD` ("$36,000 per capita", "зарплата 120 тысяч рублей") or a word of
        `PER_UNIT` before the noun it distributes over ("each specialist bringing about
        $36,000", "individual awards range from 30 million to 6 billion", "каждому резиденту
        выделят по 5 млн рублей", "je Projekt bis zu 30 Mio. Rubel") -- not before a period
        ("каждый год по 150 млн": a yearly amount) nor standing for the organisations named
        ("Each will receive 500 million": each one's figure); or a count right after a word
        of `DISTRIBUTIVES` ("будут приходить по 10 новых компаний", "je zehn Firmen"), a
        rate; or a sum right after one ("по 1 млн рублей получат 200 студентов"), what each
        gets, unless a period follows in its clause ("по 150 млн рублей в год", "в каждом из
        двух лет") or stands after "каждый" before it ("каждый год по 150 млн"): a yearly
        amount; or a sum in a clause with a word of `MAXIMA`
        ("максимальный размер гранта достигает 3 млн рублей"), a cap."""
        unit = figure.quantity.unit
        start = layout.token_at(min(figure.quantity.start,
                                    figure.quantity.qualifier_start or figure.quantity.start))
        distributed = start > 0 and layout.token_sentence[start - 1] == figure.sentence and \
            layout.norms[start - 1] in DISTRIBUTIVES
        if unit in UNIT_CLASSES["count"]:
            return distributed
        if unit not in _MONEY:
            return False
        words = layout.sentence_tokens[figure.sentence]
        low, high = words.start, words.stop
        own = layout.clause_words(figure.clause, figure.sentence)
        after = figure.last + 1  # its clause after it: "по 150 млн рублей в год"
        rest = bisect.bisect_right(layout.token_clause, figure.clause, after, high)
        if distributed and self._periods.isdisjoint(word_forms[after:rest]) and not (
                start - 3 >= low and word_forms[start - 2] in self._periods and
                word_forms[start - 3] in self._per_unit_words):
            return True
        own_forms = word_forms[own.start:own.stop]
        if not self._per_unit_nouns.isdisjoint(own_forms):
            return True
        return not self._per_unit_words.isdisjoint(own_forms) and any(
            word_forms[i] in self._per_unit_words and i + 1 < high and
            word_forms[i + 1] not in self._periods and
            _names_thing(layout.texts[i + 1], variant) for i in own)

    def _part_of_none(self, layout: Layout, figures: list[Figure], index: int,
                      other_nouns: dict[int, int]) -> bool:
        """Whether a figure is a part ("von denen zehn", "из них десять", "of which ten", "55
        of whom") of the figure before it in its sentence or the sentence before in its
        paragraph ("фонд профинансирует 500 стартапов. Не менее 50 компаний из их числа …"),
        which is no figure (`other_nouns` -1): a part of firms funded is firms funded. The
        opener may stand before the part or after it and the noun it counts ("50 of them",
        "50 компаний из их числа")."""
        figure = figures[index]
        if other_nouns.get(index - 1) != -1 or not _whole_near(figures, index):
            return False
        clause, sentence = layout.token_clause, layout.token_sentence
        opening = _clause_opening(layout, figure)
        after = range(figure.last + 1, min(figure.last + _MODIFIERS + 3, len(layout.norms)))
        return any(_tail(layout.norms, i, self._part_openers)
                   for i in (*range(opening, figure.first), *(
                       i for i in after
                       if clause[i] == figure.clause and sentence[i] == figure.sentence)))

    def _share_of_sum(self, layout: Layout, figures: list[Figure], index: int) -> bool:
        """Whether a sum is a share of the sum before it in its sentence or the sentence
        before in its paragraph, opened by words that name that sum (`SUM_PARTS`: "Из этой
        суммы застройщику перечислили 75 млн") in its clause or at the start of its sentence
        ("Of this sum, 40 million has been paid")."""
        figure = figures[index]
        if not _whole_near(figures, index) or figure.quantity.unit not in _MONEY or \
                figures[index - 1].quantity.unit not in _MONEY:
            return False
        first = layout.sentence_tokens[figure.sentence].start
        return any(_tail(layout.norms, i, self._sum_parts)
                   for i in {first, *range(_clause_opening(layout, figure), figure.first)})

    def _one_firms_takings(self, layout: Layout, figure: Figure, word_forms: list[str]) -> bool:
        """Whether a sum is what one firm takes in: a word of `TAKINGS` in its sentence and a
        word of `ONE_FIRM` before it there ("самый доходный стартап … экспорт приносит ему
        $20 млн", "strebt der Konzern einen Jahresumsatz von 50 Millionen Euro an"): that
        firm's own result, no park's figure."""
        if figure.quantity.unit not in _MONEY:
            return False
        words = layout.sentence_tokens[figure.sentence]
        low, high = words.start, max(words.stop, figure.last + 1)
        if self._takings.isdisjoint(word_forms[low:high]) or \
                self._one_firm_heads.isdisjoint(layout.norms[low:figure.first]):
            return False
        norms = layout.norms
        return any(norms[i] in self._one_firm_heads and _tail(norms, i, self._one_firm)
                   for i in range(low, figure.first))

    def _trainees(self, layout: Layout, figure: Figure, word_forms: list[str]) -> bool:
        """Whether a count is the object of a verb of teaching next to it in its clause ("we
        will graduate 50 such specialists", "подготовили более 300 специалистов", "40
        Fachkräfte ausgebildet"): people taught are not people at work; or the subject of a
        verb of applying ("100 investors applied for space", "заявки подали 40 компаний"):
        applicants are not yet residents; or the object of a verb of funding ("the fund
        will finance 500 startups", `FUNDING`) or of using or serving ("более сотни компаний
        пользовались его услугами", `SERVING`): firms funded or served are clients, not
        residents; or of closing ("закрылись три предприятия", `CLOSING`): firms closed are
        no one's."""
        if figure.quantity.unit not in UNIT_CLASSES["count"]:
            return False
        low = max(figure.first - _VERB_REACH, 0)
        high = min(figure.last + _VERB_REACH + 1, len(word_forms))
        # The words near it in its clause (clauses number the words in ascending order).
        low = bisect.bisect_left(layout.token_clause, figure.clause, low, high)
        high = bisect.bisect_right(layout.token_clause, figure.clause, low, high)
        norms = layout.norms[low:high]
        return not (self._training.isdisjoint(word_forms[low:high]) and FUNDING.isdisjoint(norms)
                    and SERVING.isdisjoint(norms) and CLOSING.isdisjoint(norms))

    def _predecessor(self, layout: Layout, figure: Figure, word_forms: list[str]) -> bool:
        """Whether a word that puts an organisation in the past stands just before a count in
        its clause ("in der damaligen Freihandelszone 13 Unternehmen", "в бывшей промзоне
        работали 12 предприятий"): the count is the predecessor's, no metric's figure."""
        if figure.quantity.unit not in UNIT_CLASSES["count"]:
            return False
        low = bisect.bisect_left(layout.token_clause, figure.clause,
                                 max(figure.first - _FORMER_REACH, 0), figure.first)
        return not self._former.isdisjoint(word_forms[low:figure.first])

    def _town_land(self, layout: Layout, figure: Figure, mentions: Mentions,
                   word_forms: list[str], named: bool) -> bool:
        """Whether an area's clause names a town before it and no organisation, not even by a
        kind word ("Der Stadt wurden 1.400 Hektar Land zugewiesen", "the town was allotted 900
        hectares"), by a town word or by a place that opens the clause ("В Москве насчитывается
        20 тыс. га бывших промышленных территорий", `Mentions.parts`): that land is the town's,
        whatever organisation the paragraph is about. An area a word of its metric `named`
        ("территорий") is the town's only by a place and with no plural kind word in the
        clause: "в Москве площадь технопарков — 500 га" is the city's parks' area."""
        if figure.quantity.unit not in UNIT_CLASSES["m2"]:
            return False
        clause = layout.token_clause

        def in_clause(found: dict[int, list[Found]]) -> bool:
            return any(clause[f.first] == figure.clause for f in found.get(figure.sentence, ()))

        if in_clause(mentions.owning) or in_clause(mentions.referring) or \
                (named and (in_clause(mentions.groups) or in_clause(mentions.countries))):
            return False
        start = layout.sentence_tokens[figure.sentence].start
        return (not named and any(word_forms[i] in self._towns for i in range(start, figure.first)
                                  if clause[i] == figure.clause)) or any(
            clause[f.first] == figure.clause and f.last < figure.first
            for f in mentions.parts.get(figure.sentence, ()))

    def _referring(self, layout: Layout, word_forms: list[str], variant: str,
                   figures: list[Figure], keyworded: set[int]) -> set[int]:
        """The sentences that name their figure by referring back ("их число", "the total").
        Not by a word followed by what it counts, which no metric counts ("die Zahl der
        Sonderwirtschaftszonen", "число индустриальных парков", "the number of SEZs"; "их
        доход" is theirs, not "их 167", `OBJECT_PRONOUNS`; `keyworded`: the words of keywords
        and nouns, as in "the number of jobs", refer back), nor by a pronoun after a
        preposition when a figure stands before it in its sentence ("14 парков, из них
        шесть": a part of that one, `_inherit`)."""
        if self._references.isdisjoint(word_forms):
            return set()  # most articles: nothing to look at word by word
        count, sentence = len(layout.norms), layout.token_sentence
        firsts = {(f.sentence, f.first) for f in figures}
        out = set()
        for i, form in enumerate(word_forms):
            if form not in self._references or sentence[i] in out:
                continue
            if i and sentence[i - 1] == sentence[i] and \
                    layout.norms[i - 1] in COUNT_PREPOSITIONS and \
                    any((sentence[i], j) in firsts
                        for j in range(layout.sentence_tokens[sentence[i]].start, i)):
                continue
            after = i + 1
            if after < count and layout.texts[after].lower() in self._partitives:
                after += 1  # "Zahl der …", "number of …"
            if after < count and sentence[after] == sentence[i] and \
                    (after not in keyworded or layout.norms[i] in OBJECT_PRONOUNS) and \
                    word_forms[after] not in self._references and \
                    (is_noun(layout.texts[after], variant) or layout.texts[after].isupper()):
                continue
            out.add(sentence[i])
        return out

    def _inherit(self, figures: list[Figure], typed: dict[int, tuple[str, Found | None, str]],
                 untyped: set[int], referring: set[int], more: set[int]) -> None:
        """A figure its own words leave untyped takes the metric of another figure: a part
        ("112 of them", "darunter 112", "из них 112"), a figure whose sentence refers back
        ("их число выросло до 86", "12 резидентов, сейчас их 167") or whose unit came from the
        figure before, that of the figure before it of its kind (a count, a sum, an area) in
        its sentence, else of the last such figure ahead of it in its paragraph or the one
        before (`_continues`), as does a bare number that says it is more of the same (`more`:
        "and three more in the second zone", "и ещё три", "und drei weitere"). "Five of the
        newcomers … with projects worth 8.5 billion rubles; five more followed" goes on with
        the newcomers. In text order, so a chain of
        such sentences is followed. The figure before may be one that counts what no metric
        counts (`untyped`: "семь проектов, шесть из них"): then there is nothing to take. A
        part is a part of the figure of its kind before it in its sentence, if any ("14
        индустриальных парков, из них шесть"): when that one has no metric, nor has the part."""
        last: dict[str, int] = {}  # kind of unit -> the last typed or untyped figure so far
        seen: dict[str, int] = {}  # kind of unit -> the last figure so far
        for index, figure in enumerate(figures):
            part = getattr(figure.quantity, "role", None) == "part"
            free = index not in typed and index not in untyped
            kind = _unit_kind(figure.quantity.unit)
            before = last.get(kind)
            whole = seen.get(kind)
            if part and whole is not None and figures[whole].sentence == figure.sentence:
                before = whole  # "14 парков, из них шесть": a part of the count before
            if free and before is not None and before in typed and (
                    part or figure.sentence in referring or figure.implied or index in more):
                source = figures[before]
                if source.sentence == figure.sentence or _continues(source, figure):
                    metric, found, _why = typed[before]
                    same = source.sentence == figure.sentence
                    where = "the figure it is a part of" if part and same else "the figure before"
                    if figure.quantity.unit in UNIT_CLASSES[self.metrics[metric].unit]:
                        typed[index] = (metric, found, f"{where} ({metric})")
            if index in typed or index in untyped:
                last[kind] = index
            seen[kind] = index

    def _metric_hit(self, layout: Layout, figure: Figure, metric: str, link: Link,
                    year: int | None, why: str) -> Hit:
        quantity = figure.quantity
        unit = quantity.unit or "count"
        if self.metrics[metric].unit == "count":
            unit = "count"  # "70 тысяч человек": people are what a count counts
        role = getattr(quantity, "role", None)
        qualifier = "previous" if role == "previous" else quantity.qualifier
        unit_why = "rubles of the figure before" if figure.implied else (
            f'"{quantity.matched}"' if quantity.unit else "a bare number")
        return Hit(kind="metric", rule=metric, organisation=link.organisation,
                   metric=metric, value=float(f"{quantity.value:.12g}"), unit=unit,
                   matched=quantity.matched, start=quantity.start, end=quantity.end,
                   snippet=snippet(layout, figure.sentence, quantity.start, quantity.end),
                   qualifier=qualifier, year=year, sentence=figure.sentence, token=figure.first,
                   why=f"metric by {why}; unit {unit} from {unit_why}; role {role or '-'}",
                   link=link.reason)


_FIRST_FORM = itemgetter(0)
_SEVERAL = itemgetter(slice(1, 2))
"""A word's second form the rules use, if any (empty, false, for most words)."""
_KINDS = {"metric": "keyword", "noun": "noun (as a keyword)",
          "fallback": "fallback word (no keyword typed it)"}
_ROLES = ("previous", "limit")
"""Qualifiers that make a value another fact than the same value stated plainly."""
_MONEY = UNIT_CLASSES["money"]
_MODIFIERS = 2
"""At most this many words between a number and the noun it counts."""
_FALLBACK_REACH = 4
"""At most this many words between a fallback word and the value it types: "flossen bislang
203 Millionen", "направил на эти цели около 52 млн" (a qualifier is a word), not a price word
further back ("Für Löhne und Gehälter wandten sie 3,8 Milliarden auf")."""
_VERB_REACH = 3
"""At most this many words from a count may the verb stand whose object it is: "will graduate
more than 50", "подготовили уже более 300", "40 Fachkräfte ausgebildet"."""
_PARTITIVE_WORDS = 2
"""At most this many words of `PARTITIVES` between a count and its noun: "five of the"."""
_FORMER_REACH = 4
"""At most this many words before a count may the word stand that puts its organisation in the
past: "в бывшей промзоне работали 12", "in der damaligen Freihandelszone 13"."""
_TIGHT = re.compile(r"[\s\-‐‑]*")
"""What may separate the words of one noun phrase: "167 innovative companies", "80 ИТ-компаний"."""
_HYPHEN = re.compile(r"[\-‐‑]")
_RUSSIAN = re.compile(r"[а-яё]", re.IGNORECASE)


class _Gates(NamedTuple):
    """Which of the figure gates of `Matcher._metric_hits` an article's words leave
    possible (`Matcher._gates`); a gate that is not is skipped for all its figures."""

    trainees: bool
    predecessor: bool
    unreal: bool
    per_unit: bool
    levy: bool
    part_of_none: bool
    share_of_sum: bool
    one_firms_takings: bool


@dataclass
class Figure:
    """A quantity where it sits in the text."""

    quantity: Quantity
    first: int
    last: int
    sentence: int
    paragraph: int
    clause: int
    opens: bool
    """Its sentence is the first of its paragraph."""
    implied: bool = False
    """The unit was not written: it is the rubles of the figure before ("… 10,8 млрд")."""


def _elliptic(layout: Layout, figures: list[Figure],
              typed: dict[int, tuple[str, Found | None, str]], counting: set[int]) -> None:
    """A figure right after a dash that its own words leave untyped and that counts no noun
    (`counting`) is an ellipsis: "в 2013 году распределят 1,037 млрд рублей, а в 2014 году —
    1,048 млрд", "revenue reached 2 billion in 2013 and in 2014 – 2.4 billion", "2013 flossen
    1 Mrd. Rubel, 2014 – 1,2 Mrd.". The dash stands for the verb of the clause before, so the
    figure takes the metric of the figure of its kind before it in its sentence. Not a dash
    inside a word ("Covid-19") nor between two numbers (a range); a comma may stand before
    it ("а осенью, после отбора, — 350 млн")."""
    for index, figure in enumerate(figures):
        if index in typed or index in counting:
            continue
        start = min(figure.quantity.start, figure.quantity.qualifier_start or figure.quantity.start)
        previous = layout.token_at(start) - 1
        if previous < 0 or layout.token_sentence[previous] != figure.sentence or \
                layout.texts[previous][-1:].isdigit():
            continue
        gap = layout.text[layout.token_ends[previous]:start].replace(",", " ")
        if gap.strip() not in ELLIPSIS_DASHES or not gap[:1].isspace():
            continue
        kind = _unit_kind(figure.quantity.unit)
        before = next((i for i in range(index - 1, -1, -1)
                       if figures[i].sentence != figure.sentence
                       or _unit_kind(figures[i].quantity.unit) == kind), None)
        if before is not None and before in typed and figures[before].sentence == figure.sentence:
            metric, found, _why = typed[before]
            typed[index] = (metric, found, f"the figure before, whose verb the dash leaves out "
                                           f"({metric})")


def _more_of(layout: Layout, figure: Figure) -> bool:
    """Whether a word of `MORE_AFTER` stands right after a number ("two more", "zwei weitere") or
    of `MORE_BEFORE` right before it ("ещё два", "another two"), and no "than" makes it a
    difference ("464 more than planned")."""
    if figure.quantity.unit is not None:
        return False  # "ещё 900 гектаров" says what it is by its unit
    count, sentence = len(layout.norms), layout.token_sentence
    after, before = figure.last + 1, figure.first - 1
    if after < count and sentence[after] == figure.sentence and \
            layout.norms[after] in MORE_AFTER:
        return not (after + 1 < count and layout.norms[after + 1] in COMPARATIVE_THAN)
    return before >= 0 and sentence[before] == figure.sentence and \
        layout.norms[before] in MORE_BEFORE


def _unit_kind(unit: str | None) -> str:
    """The kind of a quantity's unit: a count, a sum of money in any currency, else the unit."""
    if unit in UNIT_CLASSES["count"]:
        return "count"
    return "money" if unit in _MONEY else str(unit)


_FIRST_FORM_LISTS = (REFERENCES, TRAINING, APPLYING, FORMER, TOWNS, PROSPECTS, ACTUALLY, PLANNED,
                     LEVIES, PER_UNIT, PER_HEAD, MAXIMA, PERIODS, TAKINGS)
"""The word lists the matcher takes by their likeliest forms (`_first_forms`)."""


def _first_forms(known: RuleForms, *lists: dict[str, tuple[str, ...]]) -> frozenset[str]:
    """The likeliest word form of each word of per-language lists, as the matcher reduces a
    text's words."""
    return frozenset(known.form(word.lower(), latin_variant(language)) for table in lists
                     for language, listed in table.items() for word in listed)


def _own_phrases() -> Iterator[str]:
    """The words of the matcher's own tables that it reduces when it is built."""
    yield from own_phrases()
    for variants in (*HEAD_VARIANTS.values(), *TAIL_VARIANTS.values()):
        yield from variants
    for table in _FIRST_FORM_LISTS:
        for listed in table.values():
            yield from listed


@cache
def _own_forms() -> RuleForms:
    """The forms of the matcher's own words, kept on disk beside the rules' (`RuleForms`, one
    file for every rules file): pymorphy3 spent a tenth of a `check` reducing them again at
    every start. Read once a process: the tables are the release's own."""
    return RuleForms.of(_own_phrases(), cache_dir() / "matcher-forms.json")


def _whole(layout: Layout, mentions: Mentions, figure: Figure,
           before: tuple[Figure, str | None] | None) -> Link | None:
    """The owner of the whole a part belongs to ("134 new IT companies were founded in
    Uzbekistan, 50 of them foreign", "в технопарке 80 резидентов, из них 12 …"): the figure
    of its metric before it in its sentence, unless the part's own clause names an
    organisation."""
    if before is None or getattr(figure.quantity, "role", None) != "part":
        return None
    whole, organisation = before
    if whole.sentence != figure.sentence or any(
            layout.token_clause[f.first] == figure.clause
            for f in mentions.owning.get(figure.sentence, ())):
        return None
    return Link(organisation, f"the whole it is a part of, the figure "
                              f"«{whole.quantity.matched}» ({organisation or 'no organisation'})")


def _continuing(mentions: Mentions, figure: Figure,
                before: tuple[Figure, str | None] | None) -> Link | None:
    """The owner of the figure of the same metric in the sentence just before, when the
    figure's own sentence names nothing an owner or a scope could come from ("… im
    Hightech-Park wurden 51 Einwohner registriert. … soll die Bewohnerzahl auf 140 erhöht
    werden"): the text goes on about the same thing, which may not be what the paragraph
    opened with."""
    if before is None or before[1] is None:
        return None
    previous, organisation = before
    if previous.sentence != figure.sentence - 1 or previous.paragraph != figure.paragraph:
        return None
    if any(named.get(figure.sentence) for named in (
            mentions.owning, mentions.referring, mentions.countries, mentions.parts,
            mentions.scopes)):
        return None
    return Link(organisation, "the figure of its metric in the sentence before, which it "
                              "continues")


def _phrases(written: Iterable[str]) -> frozenset[tuple[str, ...]]:
    """Phrases as the sequences of the words the tokenizer makes of them."""
    return frozenset(tuple(t.norm for t in words(phrase)) for phrase in written)


def _whole_near(figures: list[Figure], index: int) -> bool:
    """Whether the figure before `figures[index]` stands in its sentence or in the sentence
    before in its paragraph, near enough to be the whole it is a part or a share of."""
    if index == 0:
        return False
    whole, figure = figures[index - 1], figures[index]
    return whole.sentence == figure.sentence or (
        whole.sentence == figure.sentence - 1 and whole.paragraph == figure.paragraph)


def _clause_opening(layout: Layout, figure: Figure) -> int:
    """The first word of a figure's clause (clauses are numbered within a sentence)."""
    # Clauses and sentences number the words in ascending order.
    return max(bisect.bisect_left(layout.token_clause, figure.clause, 0, figure.first),
               bisect.bisect_left(layout.token_sentence, figure.sentence, 0, figure.first))


def _tail(norms: Sequence[str], index: int, phrases: frozenset[tuple[str, ...]]) -> int:
    """How many words from `index` on (`Layout.norms`) one of `phrases` takes, else 0."""
    for length in _lengths(phrases):
        if tuple(norms[index:index + length]) in phrases:
            return length
    return 0


@lru_cache(maxsize=64)
def _heads(phrases: frozenset[tuple[str, ...]]) -> frozenset[str]:
    """The first words of `phrases`: an article without one holds none of them (`_tail`)."""
    return frozenset(phrase[0] for phrase in phrases)


@lru_cache(maxsize=64)
def _lengths(phrases: frozenset[tuple[str, ...]]) -> tuple[int, ...]:
    """The lengths of `phrases`, longest first. Cached: `_tail` runs for many words of every
    figure's sentence over the same few phrase sets (a frozenset keeps its hash)."""
    return tuple(sorted({len(p) for p in phrases}, reverse=True))


def _counted_as(layout: Layout, figure: Figure, counting: list[Found],
                keywords: list[Found]) -> Found:
    """The metric a noun counts when several metrics list it (`counting`, in the rules'
    order): people are counted at work ("650 specialists work there") and as work newly given
    ("650 specialists have found work", "даст работу тысяче человек", "given jobs to 14
    thousand young people"). The keyword of one of them nearest the figure in its clause
    decides, other than one that is the noun itself; with none, the first listed."""
    if len(counting) == 1:
        return counting[0]
    by_metric = {noun.pattern.rule: noun for noun in reversed(counting)}
    noun = counting[0]
    clause = layout.token_clause
    near = [(max(k.first - figure.last, figure.first - k.last, 0), k.first, k.pattern.rule)
            for k in keywords if k.pattern.rule in by_metric
            and clause[k.first] == figure.clause
            and (k.last < noun.first or k.first > noun.last)]
    return by_metric[min(near)[2]] if near else noun


def _possessed(layout: Layout, figure: Figure) -> bool:
    """Whether a possessive determiner stands right before the figure ("Seine 70 Mitarbeiter",
    "its 25 employees"): it refers to what was just named, so with no organisation named or
    referred to ("die Moskauer Zone … ihre 93 Residentenfirmen") in its sentence or the one
    before, the count is that of something unmonitored (a resident firm), however the
    paragraph's context would link it."""
    before = figure.first - 1
    return before >= 0 and layout.token_sentence[before] == figure.sentence and \
        layout.texts[before].lower() in POSSESSIVES and \
        not layout.text[layout.token_ends[before]:layout.token_starts[figure.first]].strip()


def _possessor_group(layout: Layout, figure: Figure, noun: Found, variant: str) -> bool:
    """Whether a count right after another noun is in an oblique case (`oblique_count`):
    then it is a genitive that qualifies that noun ("отметив разработки 24 резидентов"), and
    says whose those things are, not how many firms the organisation has. A preposition
    before it ("из 24 резидентов") or no noun ("сейчас 24 резидента") leaves it a count."""
    before = figure.first - 1
    quantity = figure.quantity
    return before >= 0 and layout.token_sentence[before] == figure.sentence and \
        quantity.matched.isdigit() and \
        not layout.text[layout.token_ends[before]:quantity.start].strip() and \
        is_noun(layout.texts[before], variant) and \
        oblique_count(int(quantity.value), layout.texts[noun.first])


def _names_thing(written: str, variant: str) -> bool:
    """Whether a word after "each"/"каждый"/"jeder" is the noun it distributes over or a word
    modifying it ("each specialist", "каждому резиденту", "jedes Projekt"), not the verb of
    the organisations it stands for ("each will receive", "каждый получит", "jeder erhält")."""
    if _RUSSIAN.search(written):
        return is_noun(written, variant) or modifies(written, variant)
    if variant == "de":
        return written[:1].isupper()
    word = written.lower()
    return word.isalpha() and word not in FUNCTION_WORDS and not word.endswith("ed")


def _looks_like_year(matched: str) -> bool:
    return len(matched) == 4 and matched.isdigit() and 1900 <= int(matched) <= 2100


def _continues(before: Figure, figure: Figure) -> bool:
    """Whether `figure`'s sentence may leave its metric or unit to `before`, the last figure
    ahead of it: one of the same paragraph or, when none is, of the previous paragraph -- press
    text breaks lines freely ("That is close to the forecast. The annual target stands at 10.8
    billion."), but the headline (paragraph 0) stands alone."""
    return before.paragraph == figure.paragraph or 0 < before.paragraph == figure.paragraph - 1


def _conversion(text: str, before: Quantity | None, quantity: Quantity) -> bool:
    """"147.8 billion rubles ($2.5 billion)": a sum given again in another currency, in
    brackets right after it, is the same fact."""
    return before is not None and before.unit in _MONEY and quantity.unit in _MONEY and \
        text[before.end:quantity.start].strip() == "(" and \
        text[quantity.end:quantity.end + 1] == ")"


def _imply_rubles(figures: list[Figure], counts_noun: Callable[[Figure], bool]) -> None:
    """"Выручка — 9,1 млрд рублей. Годовой прогноз составляет 10,8 млрд": a scaled number with
    no unit, after a ruble figure of its sentence or before it (`_continues`), is rubles too;
    not one that counts the noun after it, a metric's or any other ("вложили 2,7 трлн рублей и
    создали 110 тысяч рабочих мест", "вложит 197 млн рублей и будет выпускать 130 тыс.
    светильников")."""
    last_rubles: Figure | None = None
    for figure in figures:
        quantity = figure.quantity
        scaled = quantity.value >= 1e5 and any(c.isalpha() for c in quantity.matched)
        if quantity.unit is None and scaled and last_rubles is not None and \
                not counts_noun(figure) and (
                last_rubles.sentence == figure.sentence or _continues(last_rubles, figure)):
            figure.quantity = replace(quantity, unit="RUB")
            figure.implied = True
        if figure.quantity.unit == "RUB":
            last_rubles = figure


@dataclass
class _Years:
    """The years a text names, by sentence and clause."""

    by_sentence: dict[int, list[tuple[int, int, int]]]
    """sentence -> (token, clause, year)."""

    def year(self, figure: Figure) -> int | None:
        """The year nearest the figure in its clause ("с 75,8 млрд в 2023 году"), else the
        first its sentence names."""
        named = self.by_sentence.get(figure.sentence)
        if not named:
            return None
        own = [(abs(token - figure.first), year) for token, clause, year in named
               if clause == figure.clause]
        return min(own)[1] if own else named[0][2]


def _years(layout: Layout, years: list[tuple[int, int, int]]) -> _Years:
    by_sentence: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for year, start, _end in years:
        token = layout.token_at(start)
        by_sentence[layout.sentence_of_offset(start)].append(
            (token, layout.token_clause[token], year))
    return _Years(by_sentence)


def _once_per_fact(fired: list[tuple[Hit, list[Found]]],
                   headline: set[int]) -> list[tuple[Hit, list[Found]]]:
    """The same figure of the same organisation, in the title and the body or twice in the
    text, is one fact: its first mention, counting the others. Not twice in one sentence: a
    writer does not repeat a figure within a sentence, so there it is two things of one size
    ("одна вложит 500 млн рублей, другая — свыше полумиллиарда", "two firms with 40 staff
    each, and a third with 40 too"). "RUB 7.7bn" in the title and
    "more than 7.7 billion rubles" in the body are one; the first mention takes the qualifier
    a later one adds. An earlier value or a cap stays a fact of its own.

    A figure of the headline (the sentences in `headline`) that the body states again is that
    fact even where the two are linked to different organisations: the headline is short and
    names what readers know ("в Иннополисе работают 547 компаний"), the body says exactly whose
    figure it is ("в зоне работают 547 компаний") and how it is qualified, so the body's first
    mention decides both -- its organisation unless it names none -- and its metric: the
    headline's verb is loose ("Область вложит 120 млн рублей в технопарк"), the body's exact
    ("правительство выделит 120 млн рублей на инфраструктуру": a grant)."""
    first: dict[tuple, int] = {}
    in_headline: dict[tuple, int] = {}  # a headline sum not yet met in the body -> its index
    out: list[tuple[Hit, list[Found]]] = []
    for hit, found in fired:
        role = hit.qualifier if hit.qualifier in _ROLES else None
        fact = (hit.metric, hit.value, hit.unit, role)
        said = fact[1:]  # the value as stated, whatever metric its sentence gave it
        key = (*fact, hit.organisation)
        if key in first and out[first[key]][0].sentence == hit.sentence:
            first[key] = len(out)  # two things of one size: "500 млн …, а другая — полмиллиарда"
            out.append((hit, found))
        elif key in first:
            if hit.sentence not in headline and in_headline.get(said) == first[key]:
                del in_headline[said]  # met in the body with the headline's organisation
            kept, kept_found = out[first[key]]
            out[first[key]] = (replace(kept, mentions=kept.mentions + 1,
                                       qualifier=kept.qualifier or hit.qualifier), kept_found)
        elif hit.sentence not in headline and said in in_headline:
            index = in_headline.pop(said)
            kept, _kept_found = out[index]
            own = hit if hit.organisation is not None else kept
            out[index] = (replace(kept, rule=hit.rule, metric=hit.metric, why=hit.why,
                                  organisation=own.organisation, link=own.link,
                                  mentions=kept.mentions + 1,
                                  qualifier=hit.qualifier or kept.qualifier), found)
            first[key] = first[(*fact, own.organisation)] = index
        else:
            first[key] = len(out)
            if hit.sentence in headline and said not in in_headline:
                in_headline[said] = len(out)
            out.append((hit, found))
    return out


def _candidate_hits(layout: Layout, word_forms: list[str], language: str | None,
                    hits: list[Hit]) -> list[Hit]:
    taken = [(h.start, h.end) for h in hits if h.kind == "organisation"]
    return [Hit(kind="candidate", rule=c.key, organisation=None, metric=None, value=None,
                unit=None, matched=c.written, start=c.start, end=c.end,
                snippet=snippet(layout, c.sentence, c.start, c.end), sentence=c.sentence,
                token=c.token)
            for c in candidate_phrases.find(layout, word_forms, language, taken)]


def _scan(automaton: ahocorasick.Automaton, parts: Sequence[str]) -> list[Found]:
    """Every occurrence of a pattern key in the word sequence."""
    if not parts or not len(automaton):
        return []
    haystack = _key(parts)
    out = []
    # A match ends at the separator after its last word, and matches come in the order of
    # their ends: counting the separators passed tells that word, without a table of all.
    separators = counted_to = 0
    count, new = haystack.count, tuple.__new__  # a Found without its Python-level __new__
    for end, (length, patterns) in automaton.iter(haystack):
        separators += count(SEP, counted_to, end)
        counted_to = end
        last = separators - 1  # the haystack opens with a separator
        first = last - length + 1
        for pattern in patterns:
            out.append(new(Found, (pattern, first, last)))
    return out


def _span(layout: Layout, first: int, last: int) -> tuple[int, int]:
    """Original-text span of words first..last, taking in a closing quote the span opened."""
    start, end = layout.token_starts[first], layout.token_ends[last]
    quotes = len(_QUOTE.findall(layout.text, start, end))
    if quotes % 2 and end < len(layout.text) and layout.text[end] in QUOTES:
        end += 1
    return start, end
