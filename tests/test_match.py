"""The multilingual matching engine on real phrasing, with the shipped starter rules."""

from __future__ import annotations

import dataclasses
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import monitor.match
from monitor.config import Condition, Metric, Organisation, RulesFile, Selection, load_rules
from monitor.explain import explain_analysis
from monitor.language import detect
from monitor.match import Matcher
from monitor.numbers import Quantity, find_years, read_quantities
from monitor.records import HIT_FIELDS
from monitor.selection import occurrences, selects

from helpers import REPO

_STARTER = Matcher(load_rules(REPO / "rules.yaml"))
"""Built once: hypothesis runs a test many times and cannot take a function-scoped fixture."""


@pytest.fixture(scope="module")
def starter() -> Matcher:
    return _STARTER


def organisations(matcher: Matcher, text: str, language: str | None = None) -> list[tuple]:
    return [(h.organisation, h.matched) for h in matcher.match(text, language)
            if h.kind == "organisation"]


def metrics(matcher: Matcher, text: str, language: str | None = None) -> list[tuple]:
    return [(h.metric, h.value, h.unit, h.matched, h.organisation, h.qualifier, h.year)
            for h in matcher.match(text, language) if h.kind == "metric"]


@pytest.mark.parametrize("text, expected", [
    ("Технопарк «Якутия» открыл набор.", "Технопарк «Якутия»"),
    ("Резиденты Технопарка «Якутия» выросли.", "Технопарка «Якутия»"),
    ("Стартапы в технопарке Якутия растут.", "технопарке Якутия"),
    ("С Технопарком «Якутия» подписано соглашение.", "Технопарком «Якутия»"),
    ("ТЕХНОПАРК „ЯКУТИЯ“ — лидер.", "ТЕХНОПАРК „ЯКУТИЯ“"),
    ("Тех\u00adнопарк\u00a0«Якутия» растёт.", "Тех\u00adнопарк\u00a0«Якутия»"),
])
def test_russian_inflected_and_quoted_names(starter: Matcher, text: str, expected: str) -> None:
    assert organisations(starter, text, "ru") == [("technopark-yakutia", expected)]


def test_lemmas_keep_the_region_apart_from_the_people(starter: Matcher) -> None:
    text = "Якуты и жители Якутии отмечают праздник. Республика Якутия готовится."
    assert organisations(starter, text, "ru") == []


def test_hyphenated_names_and_ambiguous_lemmas(starter: Matcher) -> None:
    # "парке" is a form of both "парк" and "парка"; the rules' word wins.
    assert organisations(starter, "В ИТ-парке Якутии открыли лабораторию.", "ru") == [
        ("it-park-yakutia", "ИТ-парке Якутии")]


@pytest.mark.parametrize("text, language, expected", [
    ("Der Technopark Jakutien eröffnet ein Labor.", "de", "Technopark Jakutien"),
    ("Die Mieter des Technoparks Jakutien wachsen.", "de", "Technoparks Jakutien"),
    ("Technopark Yakutia opened a lab.", "en", "Technopark Yakutia"),
    ("Yakutia Technopark's residents grew.", "en", "Yakutia Technopark's"),
])
def test_english_and_german_stems(starter: Matcher, text: str, language: str,
                                  expected: str) -> None:
    hits = organisations(starter, text, language)
    assert hits and hits[0][0] == "technopark-yakutia"
    assert hits[0][1] in expected


def test_abbreviations_are_case_sensitive(starter: Matcher) -> None:
    assert organisations(starter, "Глава АСИ выступил на форуме.", "ru") == [("asi", "АСИ")]
    assert organisations(starter, "Эксперты аси обсудили.", "ru") == []
    assert organisations(starter, "Experts from NTI met in Moscow.", "en") == [
        ("nti-platform", "NTI")]
    assert organisations(starter, "an nti event", "en") == []


def test_exclude_cancels_in_the_same_sentence_only(starter: Matcher) -> None:
    text = "Выпускники бизнес-школы Сколково встретились. Фонд «Сколково» рад."
    hits = organisations(starter, text, "ru")
    assert [h[0] for h in hits] == ["skolkovo"] and hits[0][1] == "Фонд «Сколково»"


def test_longest_name_wins(starter: Matcher) -> None:
    assert organisations(starter, "Технопарк «Сколково» расширяется.", "ru") == [
        ("technopark-skolkovo", "Технопарк «Сколково»")]


@pytest.mark.parametrize("text, language, expected", [
    ("Выручка резидентов Технопарка «Якутия» в 2023 году составила 1,5 млрд рублей.", "ru",
     ("revenue", 1.5e9, "RUB", "1,5 млрд рублей", "technopark-yakutia", None, 2023)),
    ("В Технопарке «Якутия» более 120 резидентов.", "ru",
     ("residents", 120, "count", "120", "technopark-yakutia", "more_than", None)),
    ("За год в ИТ-парке Якутии создано 350 рабочих мест.", "ru",
     ("jobs", 350, "count", "350", "it-park-yakutia", None, None)),
    ("Площадь Академпарка — около 15 тыс. кв. м.", "ru",
     ("area", 15000, "m2", "15 тыс. кв. м", "akadempark", "about", None)),
    ("Фонд содействия инновациям выделит гранты на два миллиона рублей.", "ru",
     ("grants", 2e6, "RUB", "два миллиона рублей", "fasie", None, None)),
    ("Skolkovo residents' revenue reached 1.5 billion rubles in 2024.", "en",
     ("revenue", 1.5e9, "RUB", "1.5 billion rubles", "skolkovo", None, 2024)),
    ("Innopolis created 4,200 jobs.", "en",
     ("jobs", 4200, "count", "4,200", "innopolis", None, None)),
    ("Der Umsatz des Technoparks Jakutien lag bei zwei Millionen Rubel.", "de",
     ("revenue", 2e6, "RUB", "zwei Millionen Rubel", "technopark-yakutia", None, None)),
    ("Technopolis Moskau: Die Nutzfläche beträgt rund 5.000 Quadratmeter.", "de",
     ("area", 5000, "m2", "5.000 Quadratmeter", "technopolis-moscow", "about", None)),
])
def test_metric_values_in_three_languages(starter: Matcher, text: str, language: str,
                                          expected: tuple) -> None:
    assert metrics(starter, text, language) == [expected]


@pytest.mark.parametrize("text, language", [
    ("Технопарк «Якутия» основан в 2012 году, резиденты работают с 15 марта 2026 года.", "ru"),
    ("Выручка технопарка «Якутия» выросла в 2,5 раза.", "ru"),
    ("Skolkovo revenue grew 2.5-fold in 2024.", "en"),
    ("Der Umsatz im Jahr 2023 stieg um 20 Prozent.", "de"),
])
def test_years_dates_and_growth_factors_are_not_values(starter: Matcher, text: str,
                                                       language: str) -> None:
    assert metrics(starter, text, language) == []


def test_one_quantity_serves_one_metric_nearest_first(starter: Matcher) -> None:
    text = ("Выручка резидентов Технопарка «Якутия» составила 1,5 млрд рублей, "
            "а инвестиции — 300 млн рублей.")
    assert [(m[0], m[1]) for m in metrics(starter, text, "ru")] == [
        ("revenue", 1.5e9), ("investment", 3e8)]


def test_organisation_of_a_figure_falls_back_to_paragraph_then_article(starter: Matcher) -> None:
    text = ("Технопарк «Якутия» подвёл итоги. Выручка составила 1,5 млрд рублей.\n"
            "Инвестиции достигли 300 млн рублей.")
    by_metric = {m[0]: m[4] for m in metrics(starter, text, "ru")}
    assert by_metric == {"revenue": "technopark-yakutia", "investment": "technopark-yakutia"}
    assert [m[4] for m in metrics(starter, "Выручка составила 1,5 млрд рублей.", "ru")] == [None]


def test_hits_carry_exactly_the_public_fields(starter: Matcher) -> None:
    (hit,) = [h for h in starter.match("Выручка Технопарка «Якутия» — 1,5 млрд рублей.", "ru")
              if h.kind == "metric"]
    assert tuple(hit.public()) == HIT_FIELDS
    text = "Выручка Технопарка «Якутия» — 1,5 млрд рублей."
    assert text[hit.start:hit.end] == hit.matched and hit.snippet == text


def test_explain_shows_words_forms_and_rules(starter: Matcher) -> None:
    analysis = starter.analyse("Резиденты Технопарка «Якутия» — 120 компаний.", "ru")
    lines = "\n".join(explain_analysis(analysis))
    assert "Технопарка→технопарк" in lines
    assert '"Технопарк «Якутия»" = технопарк якутия' in lines
    assert "Резиденты→резидент" in lines


def test_language_detection_restricted_to_the_rules_languages(starter: Matcher) -> None:
    assert starter.languages == ["de", "en", "ru"]
    assert detect("Выручка резидентов технопарка выросла", starter.languages) == "ru"
    assert detect("Der Umsatz der Unternehmen im Technopark stieg", starter.languages) == "de"
    assert detect("The technopark's residents reported revenue", starter.languages) == "en"
    assert detect("1234 5678", starter.languages) is None


def test_starter_rules_cover_the_field() -> None:
    rules = load_rules(REPO / "rules.yaml")
    assert len(rules.organisations) >= 40
    for org in rules.organisations:
        assert {"ru", "en", "de"} <= set(org.aliases), org.id
    ids = {o.id for o in rules.organisations}
    assert {"skolkovo", "technopark-yakutia", "it-park-yakutia", "akadempark", "innopolis",
            "technopolis-moscow", "zhigulevskaya-dolina", "ankudinovka", "sez-tomsk", "akit",
            "fasie", "asi", "nti-platform", "mintsifry"} <= ids
    assert {m.id for m in rules.metrics} >= {"revenue", "residents", "jobs", "employees",
                                            "investment", "grants", "taxes", "area"}


# ---------------------------------------------------------------- alert selection

RULES = RulesFile(
    organisations=[Organisation(id="yakutia", name="Технопарк «Якутия»"),
                   Organisation(id="skolkovo", name="Сколково", aliases={"en": ["Skolkovo"]})],
    metrics=[Metric(id="revenue", name="Выручка", keywords={"ru": ["выручка"]}, unit="RUB")])


def selection(when: dict, **filters) -> Selection:
    return Selection.model_validate({"when": when, **filters})


@pytest.mark.parametrize("when, expected", [
    ({"organisation": "yakutia"}, True),
    ({"organisation": "skolkovo"}, True),
    ({"metric": "revenue", "value": ">= 1e9"}, True),
    ({"metric": "revenue", "value": "> 2e9"}, False),
    ({"all": [{"organisation": "yakutia"}, {"metric": "revenue", "value": ">= 1e9"}],
      "same_sentence": True}, True),
    ({"all": [{"organisation": "skolkovo"}, {"metric": "revenue"}], "same_sentence": True},
     False),
    ({"all": [{"organisation": "skolkovo"}, {"metric": "revenue"}]}, True),
    ({"all": [{"organisation": "yakutia"}, {"term": "резидент"}], "near": 3}, True),
    ({"all": [{"organisation": "skolkovo"}, {"term": "резидент"}], "near": 3}, False),
    ({"any": [{"term": "налог"}, {"organisation": "skolkovo"}]}, True),
    ({"not": {"term": "налог"}}, True),
    ({"all": [{"organisation": "yakutia"}, {"not": {"term": "партнер"}}],
      "same_sentence": True}, True),
    ({"all": [{"organisation": "skolkovo"}, {"not": {"term": "партнер"}}],
      "same_sentence": True}, False),
])
def test_selection_over_hits_and_terms(when: dict, expected: bool) -> None:
    chosen = selection(when)
    matcher = Matcher(RULES, terms=[leaf.term for leaf in chosen.when.leaves() if leaf.term])
    text = ("Выручка резидентов Технопарка «Якутия» составила 1,5 млрд рублей. "
            "Партнёром выступил фонд Сколково.")
    found = occurrences(matcher.analyse(text, "ru"))
    assert selects(chosen, found, "tass-ru", "ru") is expected


def test_selection_filters_by_source_and_language() -> None:
    chosen = selection({"organisation": "yakutia"}, sources=["tass-ru"], languages=["ru"])
    found = occurrences(Matcher(RULES).analyse("Технопарк «Якутия» растёт.", "ru"))
    assert selects(chosen, found, "tass-ru", "ru")
    assert not selects(chosen, found, "other", "ru")
    assert not selects(chosen, found, "tass-ru", "en")


@pytest.mark.parametrize("when, message", [
    ({}, "give exactly one of organisation, metric, term, all, any, not"),
    ({"organisation": "a", "metric": "b"}, "give exactly one of"),
    ({"organisation": "a", "value": ">= 1"}, "`value` goes with `metric`"),
    ({"metric": "a", "value": "about a billion"}, "expected a comparison such as '>= 1e9'"),
    ({"term": "x", "same_sentence": True}, "`same_sentence` and `near` go with"),
    ({"all": []}, "need at least one part"),
])
def test_selection_errors_are_clear(when: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Condition.model_validate(when)


def test_a_rule_word_that_is_another_words_lemma_breaks_nothing() -> None:
    """"парке" is a form of "парк" and of "парка"; "Парок" is read as "парка" too, so a rule with
    "Парок" must not stop "ИТ-парке" from matching the IT park, and both must be found."""
    rules = RulesFile(organisations=[
        Organisation(id="it-park", name="ИТ-парк Якутии"),
        Organisation(id="parok", name="Кафе «Парок»")])
    matcher = Matcher(rules)
    assert organisations(matcher, "В ИТ-парке Якутии открыли лабораторию.", "ru") == [
        ("it-park", "ИТ-парке Якутии")]
    assert organisations(matcher, "Кафе «Парок» открылось.", "ru") == [
        ("parok", "Кафе «Парок»")]


@pytest.mark.parametrize("text, found", [
    ("The revenue was $5 million.", True),             # one word between: "was" ("$" is none)
    ("The revenue of the park was $5 million.", False),  # four words between
])
def test_metric_near_counts_the_words_between_keyword_and_value(text: str, found: bool) -> None:
    rules = RulesFile.model_validate({"organisations": [], "metrics": [
        {"id": "revenue", "name": "Revenue", "keywords": {"en": ["revenue"]}, "unit": "money",
         "near": 1}]})
    values = [h.value for h in Matcher(rules).match(text, "en") if h.kind == "metric"]
    assert values == ([5_000_000.0] if found else [])


LONGEST = '''
import gc
from monitor.config import PHRASE_MAX_CHARACTERS, PHRASE_MAX_WORDS, RulesFile
from monitor.match import Matcher

alias = " ".join(["технопарк"] * (PHRASE_MAX_WORDS - 1) + ["я" * 10])
assert len(alias) <= PHRASE_MAX_CHARACTERS
rules = RulesFile.model_validate(
    {"organisations": [{"id": "long", "name": alias, "aliases": {"ru": [alias]},
                        "abbreviations": ["A" * PHRASE_MAX_CHARACTERS]}]},
    context={"from_file": True})
matcher = Matcher(rules)
hits = matcher.match("Сегодня " + alias + " и " + "A" * PHRASE_MAX_CHARACTERS + ".", "ru")
assert [h.rule for h in hits] == ["long", "long"], hits
del matcher
gc.collect()
print("freed")
'''


def test_longest_allowed_phrase_builds_and_frees_a_matcher_cleanly() -> None:
    """The process exits normally: pyahocorasick crashed (SIGSEGV) freeing a 30,000-word key,
    so the config bounds phrases; the longest it lets through must be safe."""
    result = subprocess.run([sys.executable, "-c", LONGEST], cwd=REPO, capture_output=True,
                            text=True, timeout=120)
    assert (result.returncode, result.stdout) == (0, "freed\n"), result.stderr


# ---------------------------------------------------------------- figures (issue 8)

def figures(matcher: Matcher, text: str, language: str) -> list[tuple]:
    return [(h.metric, h.value, h.unit, h.qualifier) for h in matcher.match(text, language)
            if h.kind == "metric"]


@pytest.mark.parametrize("text, language, expected", [
    # A counted noun types the number, with no keyword in the sentence.
    ("В Иннополисе сегодня работают 547 компаний.", "ru",
     [("residents", 547, "count", None)]),
    ("Помещения технопарка арендуют 80 организаций.", "ru",
     [("residents", 80, "count", None)]),
    ("Проекты ведут 47 малых инновационных предприятий.", "ru",
     [("residents", 47, "count", None)]),
    ("Отрасль дает работу более чем 2 тыс. человек.", "ru",
     [("employees", 2000, "count", "more_than")]),
    ("The park now hosts 1,642 startups.", "en", [("residents", 1642, "count", None)]),
    ("The programme brought together 330 project participants.", "en",
     [("residents", 330, "count", None)]),
    ("Nearly 19.5 thousand working places were created.", "en",
     [("jobs", 19500, "count", "almost")]),
    ("Im Gebäude arbeiten 38 Untermieter.", "de", [("residents", 38, "count", None)]),
    ("In der Zone haben sich 700 Unternehmen angesiedelt.", "de",
     [("residents", 700, "count", None)]),
    ("Die Firmen beschäftigen 29.000 Menschen.", "de", [("employees", 29000, "count", None)]),
    # The noun decides over a keyword elsewhere in the sentence.
    ("За год 240 компаний создали 1200 рабочих мест.", "ru",
     [("residents", 240, "count", None), ("jobs", 1200, "count", None)]),
    ("Die 26 Unternehmen schufen neue Arbeitsplätze.", "de",
     [("residents", 26, "count", None)]),
    # Two figures of different nouns in one sentence are both read.
    ("В технопарке 33 компании, в которых трудятся около 340 сотрудников.", "ru",
     [("residents", 33, "count", None), ("employees", 340, "count", "about")]),
    ("The park has 120 companies with 4,000 employees.", "en",
     [("residents", 120, "count", None), ("employees", 4000, "count", None)]),
    # Verbs and synonyms name the figure.
    ("Доходы резидентов составили 870 млн руб.", "ru", [("revenue", 8.7e8, "RUB", None)]),
    ("Last year the residents earned 2.9 billion rubles.", "en",
     [("revenue", 2.9e9, "RUB", None)]),
    ("The companies shipped products worth 6 billion rubles.", "en",
     [("revenue", 6e9, "RUB", None)]),
    ("Partners purchased 66 billion rubles worth of local production.", "en",
     [("revenue", 66e9, "RUB", None)]),
    ("Правительство решило направить фонду 5 млрд рублей на поддержку стартапов.", "ru",
     [("grants", 5e9, "RUB", None)]),
    ("Der Staat hat 3 Mrd. Rubel in ihre Entwicklung gesteckt.", "de",
     [("investment", 3e9, "RUB", None)]),
    # German compounds find their parts.
    ("Die Gesamtfläche beträgt 96.000 Quadratmeter.", "de", [("area", 96000, "m2", None)]),
    ("Das Investitionsvolumen liegt bei 2 Mrd. Rubel.", "de",
     [("investment", 2e9, "RUB", None)]),
    ("Die Bewohnerzahl soll auf 140 steigen.", "de", [("residents", 140, "count", None)]),
    ("Die Mitarbeiterzahl stieg auf 900.", "de", [("employees", 900, "count", None)]),
    # Hyphenated nouns, partners, a noun before the number, a count that looks like a year.
    ("In der Zone arbeiten 200 Hightech-Firmen und 50 Start-ups.", "de",
     [("residents", 200, "count", None), ("residents", 50, "count", None)]),
    ("The zone hosts 97 resident companies and 18 partners.", "en",
     [("residents", 97, "count", None), ("residents", 18, "count", None)]),
    ("До конца года число работающих предприятий приблизится к 20.", "ru",
     [("residents", 20, "count", None)]),
    ("Резиденты создали 2045 новых рабочих мест.", "ru", [("jobs", 2045, "count", None)]),
    # People are employees only with a word of work in their clause.
    ("More than 3,500 people work in the sector.", "en",
     [("employees", 3500, "count", "more_than")]),
    ("Численность занятых в отрасли составляет 70 тысяч человек.", "ru",
     [("employees", 70000, "count", None)]),
    # Values as written, without float noise: 64,6 × 10^9.
    ("Ежегодная выручка — 64,6 млрд рублей.", "ru", [("revenue", 64.6e9, "RUB", None)]),
])
def test_every_figure_typed_by_what_it_counts(starter: Matcher, text: str, language: str,
                                              expected: list[tuple]) -> None:
    assert figures(starter, text, language) == expected


@pytest.mark.parametrize("text, language", [
    # Counts of things no metric counts, next to a metric keyword.
    ("The foundation approved 287 grants for its employees.", "en"),
    ("The agency runs 12 technoparks in ten regions for its residents.", "en"),
    ("There are 50 IT schools and 17 IT centres for tenants.", "en"),
    ("В 3 регионах резиденты получили льготы.", "ru"),
    ("Innopolis hat 5.000 Einwohner und eigene Mitarbeiter.", "de"),
    ("About 85 thousand people live there, and the park employs specialists.", "en"),
    ("Программой пользуются более 40 тысяч человек в 180 странах, она работает везде.", "ru"),
    ("Rund 2.500 Menschen waren dort gemeldet.", "de"),
    ("Die Unternehmen haben im Pandemiejahr 2020 um 60 Prozent zugelegt.", "de"),
    ("Anfang 2022 beschäftigte die Zone viele Fachkräfte.", "de"),
    # A year is never a value, with or without year context words.
    ("Резиденты технопарка с 2021 работают в новом здании.", "ru"),
    ("Die Unternehmen sind seit 2019 Residenten.", "de"),
    # A sentence that refers back is read only after a figure of its paragraph.
    ("Технопарк открылся.\nИх число выросло до 86.", "ru"),
])
def test_distractors_give_no_figure(starter: Matcher, text: str, language: str) -> None:
    assert figures(starter, text, language) == []


@pytest.mark.parametrize("text, language, expected", [
    ("В 2021 году резидентов было 50. Их число выросло до 86.", "ru",
     [("residents", 50, "count", None), ("residents", 86, "count", None)]),
    ("Выручка составила 9,1 млрд рублей. Годовой прогноз составляет 10,8 млрд.", "ru",
     [("revenue", 9.1e9, "RUB", None), ("revenue", 10.8e9, "RUB", None)]),
    ("Residents reported revenue of 4 billion rubles. The forecast for the year is 5 billion.",
     "en", [("revenue", 4e9, "RUB", None), ("revenue", 5e9, "RUB", None)]),
    # A unit only one metric takes; a sum given again in brackets in another currency.
    ("A tender for a 53,000 sq m office building is due.", "en", [("area", 53000, "m2", None)]),
    ("The startups earned 147.8 billion rubles ($2.5 billion) in revenue.", "en",
     [("revenue", 147.8e9, "RUB", None)]),
    ("Der Park hat 51 Residenten. Ihre Zahl soll auf 140 steigen.", "de",
     [("residents", 51, "count", None), ("residents", 140, "count", None)]),
])
def test_metric_or_unit_from_the_figure_before_or_the_unit(starter: Matcher, text: str,
                                                           language: str,
                                                           expected: list[tuple]) -> None:
    assert figures(starter, text, language) == expected


def test_the_figure_before_never_the_headline_nor_two_paragraphs_back(starter: Matcher) -> None:
    body = ("Итоги полугодия\nВыручка составила 9,1 млрд рублей.\n"
            "Годовой прогноз составляет 10,8 млрд.")
    assert figures(starter, body, "ru") == [
        ("revenue", 9.1e9, "RUB", None), ("revenue", 10.8e9, "RUB", None)]
    headline = "Выручка составила 9,1 млрд рублей\nГодовой прогноз составляет 10,8 млрд."
    two_back = "Итоги\nВыручка составила 9,1 млрд рублей.\nЗона растёт.\nПрогноз — 10,8 млрд."
    for opens in ("Итоги\nВыручка составила 9,1 млрд рублей. Так сообщили в зоне.\n"
                  "Годовой прогноз составляет 10,8 млрд.",
                  "Итоги\nВыручка составила 9,1 млрд рублей.\n"
                  "Это близко к плану. Годовой прогноз составляет 10,8 млрд."):
        assert figures(starter, opens, "ru") == [
            ("revenue", 9.1e9, "RUB", None), ("revenue", 10.8e9, "RUB", None)]
    for text in (headline, two_back):
        assert figures(starter, text, "ru") == [("revenue", 9.1e9, "RUB", None)]


def test_nothing_to_take_from_a_count_of_something_else(starter: Matcher) -> None:
    text = "В парке работают 9 компаний. Парк подал семь проектов, шесть из них прошли."
    assert figures(starter, text, "ru") == [("residents", 9, "count", None)]


def test_one_hit_per_fact_with_its_mentions(starter: Matcher) -> None:
    text = ("В Иннополисе работают 547 компаний\n"
            "Сегодня в Иннополисе работают 547 компаний. Их выручка — 10 млрд рублей, "
            "а в Иннополисе по-прежнему 547 компаний.")
    hits = [h for h in starter.match(text, "ru") if h.kind == "metric"]
    assert [(h.metric, h.value, h.mentions) for h in hits] == [
        ("residents", 547, 3), ("revenue", 1e10, 1)]
    assert hits[0].start == text.index("547")  # the first mention: the title's
    assert hits[0].public()["mentions"] == 3
    text = ("Dubna residents invest RUB 7.7bn\n"
            "In six months residents invested more than 7.7 billion rubles.")
    hits = [h for h in starter.match(text, "en") if h.kind == "metric"]
    assert [(h.value, h.qualifier, h.mentions, h.matched) for h in hits] == [
        (7.7e9, "more_than", 2, "RUB 7.7bn")]


TRAINEES = [
    ("en", "Technopark Yakutia employs 300 people. By the end of the year we will graduate 50 "
     "such specialists.", [(300, "employees")]),
    ("en", "The academy has trained more than 120 engineers; 300 specialists work at the park.",
     [(300, "employees")]),
    ("ru", "В технопарке «Якутия» работают 300 человек. За год вуз подготовил более 120 "
     "специалистов.", [(300, "employees")]),
    ("ru", "В технопарке обучили 40 сотрудников резидентов, а работают там 300 специалистов.",
     [(300, "employees")]),
    ("de", "Im Technopark Jakutien arbeiten 300 Mitarbeiter. Die Akademie hat 40 Fachkräfte "
     "ausgebildet.", [(300, "employees")]),
    # A verb of producing is no verb of teaching: "11 of them already make products" are firms.
    ("ru", "В зоне зарегистрировано 42 резидента, из них 11 уже выпускают продукцию.",
     [(42, "residents"), (11, "residents")]),
]


POSSESSED = [
    # A possessive refers to what was just named: nothing monitored named just before, the
    # count belongs to something unmonitored (a resident firm), not to the park.
    ("de", "Im Technopark Jakutien arbeiten 300 Mitarbeiter.\nEine der Firmen dort ist der "
     "Entwickler Sofix. Seine 40 Mitarbeiter sitzen im dritten Stock.", [(300, "employees")]),
    ("en", "Technopark Yakutia employs 300 people.\nOne of its tenants is the studio Pixel. "
     "Its 25 employees design games.", [(300, "employees")]),
    ("ru", "В технопарке «Якутия» работают 300 человек.\nОдин из резидентов — студия «Пиксель». "
     "Её 25 сотрудников делают игры.", [(300, "employees")]),
    # Named just before, the possessor is the park itself: its figure.
    ("de", "Der Technopark Jakutien wurde 2012 eröffnet. Seine 40 Residenten arbeiten in der IT.",
     [(40, "residents")]),
    ("de", "Für die Moskauer Zone sprachen ihre 93 Residentenfirmen.", [(93, "residents")]),
]


PREDECESSORS = [
    # A count said of a former organisation is the predecessor's, not today's.
    ("de", "Im Technopark Jakutien arbeiten heute 40 Firmen. Bis 2004 hatten sich in der "
     "damaligen Gewerbezone 12 Unternehmen angesiedelt.", [(40, "residents")]),
    ("ru", "Сегодня в технопарке «Якутия» 40 резидентов. До 2004 года в бывшей промзоне "
     "работали 12 предприятий.", [(40, "residents")]),
    ("en", "Technopark Yakutia now hosts 40 residents. Back in 2004 the former industrial "
     "estate housed 12 companies.", [(40, "residents")]),
]


POSSESSORS = [
    # A count in a genitive that qualifies another noun ("проекты 24 резидентов") says whose
    # those things are: no figure of the counted noun's metric. After a number ending in 2-4
    # the noun would be singular in the nominative ("24 резидента"): the plural shows the case.
    ("ru", "Технопарк «Якутия» объединяет 40 резидентов. Жюри отметило проекты 24 резидентов "
     "технопарка.", [(40, "residents")]),
    ("ru", "В технопарке «Якутия» 40 резидентов. Гранты ушли на разработки 22 компаний.",
     [(40, "residents")]),
    ("ru", "В технопарке «Якутия» сейчас 24 резидента.", [(24, "residents")]),
    ("ru", "Из 24 резидентов технопарка «Якутия» экспортируют продукцию десять.",
     [(24, "residents"), (10, "residents")]),
]


TOWN_LAND = [
    # Land a town is given is the town's territory, not an organisation's area.
    ("de", "Der Technopark Jakutien hat eine Nutzfläche von 20.000 m². Der Stadt wurden "
     "zudem 900 Hektar Land zugewiesen.", [(20000, "area")]),
    ("ru", "Площадь технопарка «Якутия» — 20 тысяч квадратных метров. Городу отвели ещё 900 "
     "гектаров земли.", [(20000, "area")]),
    ("en", "Technopark Yakutia has 20,000 square metres of floor space. The town was allotted "
     "900 hectares of land.", [(20000, "area")]),
    # So is land counted in a clause that a town's name opens.
    ("ru", "Площадь технопарка «Якутия» — 20 тысяч квадратных метров. В Якутске сейчас пустует "
     "около 900 гектаров бывших промзон.", [(20000, "area")]),
    ("en", "Technopark Yakutia has 20,000 square metres of floor space. In Yakutsk some 900 "
     "hectares of former industrial land lie idle.", [(20000, "area")]),
    ("de", "Der Technopark Jakutien hat eine Nutzfläche von 20.000 m². In Jakutsk liegen noch "
     "rund 900 Hektar früheren Industrielands brach.", [(20000, "area")]),
    ("ru", "В Якутске насчитывается около 900 гектаров бывших промышленных территорий.", []),
    # A park in a town keeps its area, and so do a town's parks together.
    ("ru", "В Якутске общая площадь технопарков — 900 гектаров.", [(9000000, "area")]),
    ("de", "Im Technopark Jakutien in der Stadt Jakutsk stehen 20.000 m² zur Verfügung.",
     [(20000, "area")]),
    ("ru", "В Якутске технопарк «Якутия» занимает 900 гектаров.", [(9000000, "area")]),
]


@pytest.mark.parametrize(("language", "text", "expected"),
                         TRAINEES + POSSESSED + PREDECESSORS + POSSESSORS + TOWN_LAND)
def test_values_that_are_no_figure_of_an_organisation(
        starter: Matcher, language: str, text: str, expected: list[tuple]) -> None:
    """People taught, a resident firm's staff, a predecessor's firms, a possessor group, a
    town's land."""
    assert [(h.value, h.metric) for h in starter.match(text, language)
            if h.kind == "metric"] == expected



CONTINUED = [
    # A sentence that names nothing goes on about what the figure of its metric in the
    # sentence before was about, even if the paragraph opened with another organisation.
    ("ru", "Технопарк «Якутия» с 2018 года работает и как IT-парк Якутии. Он привлекает проекты "
     "со всей республики. В IT-парке за полгода зарегистрирован 51 резидент. К 2024 году "
     "число резидентов вырастет до 140."),
    ("en", "Technopark Yakutia has also been the Yakutia IT Park since 2018. It draws projects "
     "from the whole republic. In the IT park, 51 residents registered in six months. By 2024 "
     "their number is to grow to 140."),
    ("de", "Der Technopark Jakutien ist seit 2018 auch der IT-Park Jakutien. Er zieht Projekte "
     "aus der ganzen Republik an. Im IT-Park wurden in sechs Monaten 51 Residenten "
     "registriert. Bis 2024 soll die Residentenzahl auf 140 steigen."),
]


@pytest.mark.parametrize(("language", "text"), CONTINUED)
def test_a_sentence_naming_nothing_continues_the_figure_before(starter: Matcher, language: str,
                                                               text: str) -> None:
    assert [(h.value, h.organisation) for h in starter.match(text, language)
            if h.kind == "metric"] == [(51, "it-park-yakutia"), (140, "it-park-yakutia")]

SUPPORTED_FIRMS = [
    # A fund or a development institution hosts no firms: those counted around it it supports.
    ("en", "The Bortnik Fund will use the money to back at least 300 small innovative companies.",
     []),
    ("ru", "Фонд содействия инновациям поддержит 450 малых предприятий.", []),
    ("de", "Der Bortnik-Fonds unterstützt 120 junge Unternehmen.", []),
    ("ru", "РВК вложила средства в 40 стартапов.", []),
    # An innovation centre has residents, whatever it is called.
    ("ru", "Фонд «Сколково» поддерживает более 2000 стартапов.", [(2000, "skolkovo")]),
    ("de", "Die Stiftung Skolkowo betreut inzwischen 2.000 Start-ups.", [(2000, "skolkovo")]),
]


@pytest.mark.parametrize(("language", "text", "expected"), SUPPORTED_FIRMS)
def test_firms_a_fund_supports_are_not_its_residents(starter: Matcher, language: str,
                                                     text: str, expected: list[tuple]) -> None:
    assert [(h.value, h.organisation) for h in starter.match(text, language)
            if h.kind == "metric"] == expected


HEADLINE_AND_BODY = [
    # The body says whose figure the headline repeats: one fact, the body's organisation.
    ("ru", "Иннополис: уже 310 компаний\n"
     "В особой экономической зоне «Иннополис» сейчас работают 310 компаний.",
     [(310, "sez-innopolis", None, 2)]),
    ("de", "Innopolis zählt 280 Unternehmen\n"
     "In der Sonderwirtschaftszone Innopolis sind inzwischen mehr als 280 Unternehmen "
     "registriert.",
     [(280, "sez-innopolis", "more_than", 2)]),
    ("en", "Technopark Kalibr now hosts 52 companies\n"
     "When it opened, three firms rented space here; today there are 52 companies.",
     [(52, "technopark-kalibr", None, 2), (3, "technopark-kalibr", None, 1)]),
    # Met in the body with the headline's organisation, the headline's fact is taken: the same
    # value of another organisation later in the body is a fact of its own.
    ("ru", "В Иннополисе работают 310 компаний\n"
     "В Иннополисе работают 310 компаний, а в технопарке «Калибр» — 310 компаний.",
     [(310, "innopolis", None, 2), (310, "technopark-kalibr", None, 1)]),
]


@pytest.mark.parametrize(("language", "text", "expected"), HEADLINE_AND_BODY)
def test_a_headline_figure_repeated_in_the_body_is_the_bodys(
        starter: Matcher, language: str, text: str, expected: list[tuple]) -> None:
    hits = [h for h in starter.match(text, language) if h.kind == "metric"]
    assert [(h.value, h.organisation, h.qualifier, h.mentions) for h in hits] == expected


@dataclasses.dataclass(frozen=True)
class Roled(Quantity):
    """A Quantity as the numbers reader of issue 8 returns it, with its `role`."""

    role: str | None = None


def _with_roles(text: str, language: str | None) -> list[Quantity]:
    """The real quantities, with the roles the numbers reader gives: previous after "from",
    "с", "против"; part after "из них", "darunter" and before "of them"; qualifier limit
    after "bis zu"."""
    out = []
    for q in read_quantities(text, language):
        before, after = text[:q.start].rstrip(), text[q.end:]
        role = ("previous" if before.endswith(("from", " с", "против")) else
                "part" if before.endswith(("из них", "darunter")) or after.startswith(" of them")
                else None)
        limit = {"qualifier": "limit"} if before.endswith("bis zu") else {}
        out.append(Roled(**dataclasses.asdict(q) | {"role": role} | limit))
    return out


@pytest.mark.parametrize("text, language, expected", [
    ("В 2024 году выручка выросла до 90 млрд рублей, с 75,8 млрд рублей в 2023 году.", "ru",
     [(9e10, "revenue", None, 2024), (7.58e10, "revenue", "previous", 2023)]),
    ("Revenue reached 90 billion rubles in 2024, up from 75.8 billion rubles.", "en",
     [(9e10, "revenue", None, 2024), (7.58e10, "revenue", "previous", 2024)]),
    ("В технопарке 240 резидентов, из них 112 — иностранные.", "ru",
     [(240, "residents", None, None), (112, "residents", None, None)]),
    ("The park has 300 resident companies, 112 of them foreign.", "en",
     [(300, "residents", None, None), (112, "residents", None, None)]),
    ("Im Park arbeiten 700 Unternehmen, darunter 112 aus dem Ausland.", "de",
     [(700, "residents", None, None), (112, "residents", None, None)]),
    # A cap is at most a figure with qualifier limit.
    ("Die Teilnehmer erhalten als Unterstützung bis zu zwei Millionen Rubel.", "de",
     [(2e6, "grants", "limit", None)]),
])
def test_every_figure_of_a_sentence_with_its_role(monkeypatch: pytest.MonkeyPatch,
                                                  starter: Matcher, text: str, language: str,
                                                  expected: list[tuple]) -> None:
    """The numbers reader marks the earlier value of a comparison and a part with `role` and a
    cap with qualifier limit (its contract with the matcher); the earlier value is reported as
    `qualifier: previous` with its own year, a part as a figure of the metric it is a part of,
    a cap with its qualifier."""
    monkeypatch.setattr(monitor.match, "read_quantities", _with_roles)
    hits = [h for h in starter.match(text, language) if h.kind == "metric"]
    assert [(h.value, h.metric, h.qualifier, h.year) for h in hits] == expected


def test_explain_says_why_each_figure_got_its_metric_unit_and_role(starter: Matcher) -> None:
    analysis = starter.analyse("Выручка составила 9,1 млрд рублей. Годовой прогноз "
                               "составляет 10,8 млрд. В парке 547 компаний.", "ru")
    lines = "\n".join(explain_analysis(analysis))
    assert 'why: metric by keyword "выручка"; unit RUB from "9,1 млрд рублей"; role -' in lines
    assert ("why: metric by the figure before (revenue); unit RUB from rubles of the figure "
            "before; role -") in lines
    assert 'why: metric by noun "компания"; unit count from a bare number; role -' in lines
    assert "noun: компаний→компания" in lines


@pytest.mark.parametrize("word, part", [
    ("gesamtfläche", "flach"), ("nutzflächen", "flach"), ("investitionsvolumen", "investition"),
    ("bewohnerzahl", "bewohn"), ("softwareunternehmen", "unternehm"),
    ("umsatzplanung", None), ("zahlen", None), ("ort", None),
])
def test_german_compounds_split_on_the_rules_stems(word: str, part: str | None) -> None:
    from monitor.figurewords import GERMAN_LINKS, GERMAN_MEASURES
    from monitor.morph import compound_part
    parts = frozenset({"flach", "investition", "bewohn", "unternehm", "umsatz"})
    assert compound_part(word, parts, frozenset(GERMAN_MEASURES), GERMAN_LINKS) == part


PROPERTY_FRAGMENTS = [
    "Выручка ", "резидентов ", "547 компаний ", "в 2021 году ", "составила ", "1,5 млрд рублей",
    ". ", "\n", "Их число выросло до ", "86", "revenue ", "1,642 startups ", "in 2019 ",
    "Die Gesamtfläche ", "96.000 Quadratmeter", "seit 2020 ", "Mitarbeiter ", ", ", "from ",
    "10,8 млрд", "«", "»", "—", " ", "2000", "2,5 раза ", "Bewohnerzahl ", "auf 140 ",
]


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(), st.lists(st.sampled_from(PROPERTY_FRAGMENTS), max_size=30)
                 .map("".join)),
       st.sampled_from(["ru", "en", "de", None]))
def test_figures_on_any_input(text: str, language: str | None) -> None:
    """No exception; every offset indexes the text; a year in context is never a value."""
    years = {start for _year, start, _end in find_years(text, language)}
    for hit in _STARTER.match(text, language):
        assert text[hit.start:hit.end] == hit.matched
        assert hit.mentions >= 1
        assert hit.kind == "organisation" or hit.start not in years, hit
