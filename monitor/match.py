"""Rules against article text: the pure core. No HTTP, no SQL, no scheduler.

Every alias, abbreviation, metric keyword and free term of the rules is reduced to a sequence
of word forms (`morph.forms`) and put into one Aho-Corasick automaton, keyed by those forms
joined with a separator. An article's words are reduced the same way and scanned once, so the
cost per article does not grow with the number of organisations. Abbreviations go into a
second automaton over the words as written, because they are matched case-sensitively.

A metric hit is a keyword of the metric and a quantity of a compatible unit in the same
sentence (nearest pair first; one quantity serves one hit), linked to the organisation
mentioned nearest in the same sentence, else the same paragraph, else the article's most
mentioned organisation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import ahocorasick

from . import candidates as candidate_phrases
from .config import RulesFile
from .morph import LATIN_LANGUAGES, forms, latin_variant
from .normalize import QUOTES
from .numbers import UNIT_CLASSES, Quantity, find_years, read_quantities
from .tokens import Layout, words

SNIPPET_MAX = 400
SEP = "\x1f"
HIT_FIELDS = ("kind", "rule", "organisation", "metric", "value", "unit", "matched", "start",
              "end", "snippet", "qualifier", "year")
"""The fields of a hit as users see them (`check --json`, the `hits` table)."""


@dataclass(frozen=True)
class Hit:
    kind: str
    """'organisation', 'metric' or 'candidate' (`candidates.py`)."""
    rule: str
    """The id of the rule that fired (an organisation id or a metric id)."""
    organisation: str | None
    metric: str | None
    value: float | None
    """In base units: rubles, square metres, people, percent."""
    unit: str | None
    matched: str
    """The exact original text of the name or of the value, e.g. '1,5 млрд рублей'."""
    start: int
    end: int
    snippet: str
    qualifier: str | None = None
    """more_than, at_least, almost, about, up_to, less_than."""
    year: int | None = None
    """The year the sentence names, if any."""
    sentence: int = field(default=0, compare=False, repr=False)
    token: int = field(default=0, compare=False, repr=False)

    def public(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in HIT_FIELDS}


@dataclass(frozen=True)
class Pattern:
    """One thing the rules look for, as the automaton sees it."""

    kind: str
    """organisation, metric, exclude or term."""
    rule: str
    written: str
    language: str | None
    forms: tuple[str, ...]


@dataclass(frozen=True)
class Found:
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


def _patterns(rules: RulesFile, terms: Iterable[str], variant: str) -> list[Pattern]:
    out = []
    rule_forms = rules.word_forms()

    def add(kind: str, rule: str, written: str, language: str | None) -> None:
        word_forms = rule_forms.phrase(written, variant)
        if word_forms:
            out.append(Pattern(kind, rule, written, language, word_forms))

    for org in rules.organisations:
        add("organisation", org.id, org.name, None)
        for language, aliases in org.aliases.items():
            for alias in aliases:
                add("organisation", org.id, alias, language)
        for phrase in org.exclude:
            add("exclude", org.id, phrase, None)
    for metric in rules.metrics:
        for language, keywords in metric.keywords.items():
            for keyword in keywords:
                add("metric", metric.id, keyword, language)
    for term in terms:
        add("term", term, term, None)
    return out


def _automaton(keyed: dict[str, list[Pattern]]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, patterns in keyed.items():
        automaton.add_word(key, (len(patterns[0].forms), tuple(patterns)))
    if keyed:
        automaton.make_automaton()
    return automaton


def _key(parts: Iterable[str]) -> str:
    return SEP + SEP.join(parts) + SEP


class Matcher:
    """Compiled once per rules file; `match` is called once per article."""

    def __init__(self, rules: RulesFile, terms: Iterable[str] = ()):
        self.rules = rules
        self.metrics = {m.id: m for m in rules.metrics}
        terms = tuple(sorted({*terms, *(leaf.term for alert in rules.alerts
                                         for leaf in alert.when.leaves() if leaf.term)}))
        self._automata: dict[str, ahocorasick.Automaton] = {}
        self.vocabulary: set[str] = set()
        self._longest_pattern = 1
        for variant in LATIN_LANGUAGES:
            keyed: dict[str, list[Pattern]] = defaultdict(list)
            for pattern in _patterns(rules, terms, variant):
                keyed[_key(pattern.forms)].append(pattern)
                self.vocabulary.update(pattern.forms)
                self._longest_pattern = max(self._longest_pattern, len(pattern.forms))
            self._automata[variant] = _automaton(keyed)
        abbreviations: dict[str, list[Pattern]] = defaultdict(list)
        for org in rules.organisations:
            for abbreviation in org.abbreviations:
                written = tuple(w.text for w in words(abbreviation))
                abbreviations[_key(written)].append(
                    Pattern("organisation", org.id, abbreviation, None, written))
        self._abbreviations = _automaton(abbreviations)
        self.languages = sorted({lang for o in rules.organisations for lang in o.aliases}
                                | {lang for m in rules.metrics for lang in m.keywords})
        self._pick_cache: dict[tuple[str, str], tuple[str, ...]] = {}

    def _pick(self, word: str, variant: str) -> tuple[str, ...]:
        """The forms of a word that the rules use, likeliest first, else its likeliest form.
        Usually one; a word such as "парке" (of "парк" and of "парка") can have two."""
        key = (word, variant)
        picked = self._pick_cache.get(key)
        if picked is None:
            candidates = forms(word, variant)
            picked = tuple(f for f in candidates if f in self.vocabulary) or candidates[:1]
            if len(self._pick_cache) < 500_000:
                self._pick_cache[key] = picked
        return picked

    def match(self, text: str, language: str | None = None) -> list[Hit]:
        return self.analyse(text, language).hits

    def analyse(self, text: str, language: str | None = None) -> Analysis:
        layout = Layout.of(text)
        variant = latin_variant(language)
        picks = [self._pick(t.norm, variant) for t in layout.tokens]
        word_forms = [p[0] for p in picks]
        found = _scan(self._automata[variant], word_forms)
        found += self._alternatives(self._automata[variant], word_forms, picks)
        found += _scan(self._abbreviations, [t.text for t in layout.tokens])
        organisations = self._organisations(layout, found)
        keywords = _longest([f for f in found if f.pattern.kind == "metric"])
        terms = [f for f in found if f.pattern.kind == "term"]
        fired: list[tuple[Hit, list[Found]]] = [
            (self._organisation_hit(layout, f), [f]) for f in organisations]
        metric_hits = self._metric_hits(layout, language, keywords, organisations)
        fired += metric_hits
        fired.sort(key=lambda pair: (pair[0].start, pair[0].kind != "organisation"))
        hits = [h for h, _ in fired]
        return Analysis(text, language, layout, word_forms, hits, terms, fired,
                        _candidate_hits(layout, word_forms, language, hits))

    def _alternatives(self, automaton: ahocorasick.Automaton, word_forms: list[str],
                      picks: list[tuple[str, ...]]) -> list[Found]:
        """Matches that need another of a word's forms: the window around each such word is
        scanned again with that form in place. Rare, so cheap."""
        out = []
        reach = self._longest_pattern - 1
        for index, choices in enumerate(picks):
            for alternative in choices[1:]:
                low = max(index - reach, 0)
                window = word_forms[low:index + reach + 1]
                window[index - low] = alternative
                out += [Found(f.pattern, f.first + low, f.last + low)
                        for f in _scan(automaton, window)
                        if f.first <= index - low <= f.last]
        return out

    # ----------------------------------------------------------------- organisations

    def _organisations(self, layout: Layout, found: list[Found]) -> list[Found]:
        names = _longest([f for f in found if f.pattern.kind == "organisation"])
        excluded = {(f.pattern.rule, layout.token_sentence[f.first])
                    for f in found if f.pattern.kind == "exclude"}
        return [f for f in names
                if (f.pattern.rule, layout.token_sentence[f.first]) not in excluded]

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
                     organisations: list[Found]) -> list[tuple[Hit, list[Found]]]:
        if not keywords or not layout.tokens:
            return []
        text = layout.text
        by_sentence: dict[int, list[Found]] = defaultdict(list)
        for keyword in keywords:
            by_sentence[layout.token_sentence[keyword.first]].append(keyword)
        quantities = read_quantities(text, language)
        pairs = []
        for index, quantity in enumerate(quantities):
            first = layout.token_at(quantity.start)
            last = layout.token_at(max(quantity.end - 1, quantity.start))
            sentence = layout.sentence_of_offset(quantity.start)
            for keyword in by_sentence.get(sentence, ()):
                metric = self.metrics[keyword.pattern.rule]
                if quantity.unit not in UNIT_CLASSES[metric.unit]:
                    continue
                distance = max(keyword.first - last, first - keyword.last, 0)
                # `near` counts the words between keyword and value (a "$" is not a word).
                if metric.near is not None and max(distance - 1, 0) > metric.near:
                    continue
                # "выручка составила 1,5 млрд рублей, а инвестиции — 300 млн": a value belongs
                # to the keyword of its own clause before a nearer one across a comma.
                other_clause = layout.token_clause[first] != layout.token_clause[keyword.first]
                if other_clause and quantity.unit is None:
                    continue  # a bare number counts what its own clause names
                pairs.append(((other_clause, distance), index, first, sentence, keyword))
        pairs.sort(key=lambda p: (p[0], p[1]))
        years = _years_by_sentence(layout, find_years(text, language))
        mentions = Counter(f.pattern.rule for f in organisations)
        used: set[int] = set()
        out = []
        for _distance, index, first, sentence, keyword in pairs:
            if index in used:
                continue
            used.add(index)
            quantity = quantities[index]
            organisation = _organisation_for(layout, first, sentence, organisations, mentions)
            out.append((self._metric_hit(layout, quantity, keyword, organisation, first,
                                         sentence, years.get(sentence)), [keyword]))
        return out

    def _metric_hit(self, layout: Layout, quantity: Quantity, keyword: Found,
                    organisation: str | None, token: int, sentence: int,
                    year: int | None) -> Hit:
        unit = quantity.unit or "count"
        return Hit(kind="metric", rule=keyword.pattern.rule, organisation=organisation,
                   metric=keyword.pattern.rule, value=quantity.value, unit=unit,
                   matched=quantity.matched, start=quantity.start, end=quantity.end,
                   snippet=snippet(layout, sentence, quantity.start, quantity.end),
                   qualifier=quantity.qualifier, year=year, sentence=sentence, token=token)


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
    word_at_separator = {}
    position = 0
    for index, part in enumerate(parts):
        position += 1 + len(part)
        word_at_separator[position] = index
    out = []
    for end, (length, patterns) in automaton.iter(haystack):
        last = word_at_separator[end]
        for pattern in patterns:
            out.append(Found(pattern, last - length + 1, last))
    return out


def _longest(found: list[Found]) -> list[Found]:
    """Non-overlapping occurrences, longest first; rules sharing one span all stay."""
    kept: dict[tuple[str, int, int], Found] = {}
    spans: set[tuple[int, int]] = set()
    taken: set[int] = set()
    for f in sorted(found, key=lambda f: (f.first - f.last, f.first)):
        span = (f.first, f.last)
        if span not in spans and taken.intersection(range(f.first, f.last + 1)):
            continue
        spans.add(span)
        taken.update(range(f.first, f.last + 1))
        kept.setdefault((f.pattern.rule, *span), f)
    return sorted(kept.values(), key=lambda f: f.first)


def _span(layout: Layout, first: int, last: int) -> tuple[int, int]:
    """Original-text span of words first..last, taking in a closing quote the span opened."""
    start, end = layout.tokens[first].start, layout.tokens[last].end
    quotes = sum(layout.text[start:end].count(q) for q in QUOTES)
    if quotes % 2 and end < len(layout.text) and layout.text[end] in QUOTES:
        end += 1
    return start, end


def _years_by_sentence(layout: Layout, years: list[tuple[int, int, int]]) -> dict[int, int]:
    out: dict[int, int] = {}
    for year, start, _end in years:
        out.setdefault(layout.sentence_of_offset(start), year)
    return out


def _organisation_for(layout: Layout, token: int, sentence: int, organisations: list[Found],
                      mentions: Counter) -> str | None:
    """The organisation a figure is about: nearest in its sentence, else in its paragraph,
    else the article's most mentioned one."""
    paragraph = layout.token_paragraph[token]
    for same in (lambda f: layout.token_sentence[f.first] == sentence,
                 lambda f: layout.token_paragraph[f.first] == paragraph):
        near = [f for f in organisations if same(f)]
        if near:
            return min(near, key=lambda f: (min(abs(f.first - token), abs(f.last - token)),
                                            f.first)).pattern.rule
    if mentions:
        top = max(mentions.values())
        return next(f.pattern.rule for f in organisations if mentions[f.pattern.rule] == top)
    return None
