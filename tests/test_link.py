"""Which organisation each figure is about, and descriptive mentions ("технопарк в
Нижнекамске"), in Russian, English and German, through the real matcher."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import RulesFile
from monitor.explain import explain_analysis
from monitor.match import Matcher

RULES = RulesFile.model_validate({
    "organisations": [
        {"id": "alabuga", "name": "ОЭЗ «Алабуга»",
         "aliases": {"ru": ["ОЭЗ «Алабуга»"], "en": ["Alabuga SEZ"],
                     "de": ["Sonderwirtschaftszone Alabuga"]},
         "kind": "sez", "place": ["Елабуга", "Yelabuga", "Jelabuga"]},
        {"id": "alabuga-north", "name": "Площадка «Алабуга-Север»",
         "aliases": {"en": ["Alabuga-North site"], "de": ["Standort Alabuga-Nord"]},
         "kind": "sez_site"},
        {"id": "tomsk-sez", "name": "ОЭЗ «Томск»", "aliases": {"en": ["Tomsk SEZ"]},
         "kind": "sez",
         "place": ["Томск", "Томская область", "Tomsk", "Tomsk Region", "Gebiet Tomsk"]},
        {"id": "khimgrad", "name": "Технопарк «Химград»", "kind": "technopark",
         "place": ["Казань", "Kazan"]},
        {"id": "idea", "name": "Технопарк «Идея»", "kind": "technopark",
         "place": ["Казань", "Kazan"]},
        {"id": "nizhnekamsk", "name": "Технопарк «Нижнекамский»", "kind": "technopark",
         "place": ["Нижнекамск", "Nizhnekamsk"]},
        {"id": "itpark-kazan", "name": "IT-парк Казани",
         "aliases": {"en": ["Kazan IT Park"], "de": ["IT-Park Kasan"]},
         "kind": "it_park", "place": ["Казань", "Kazan", "Kasan"]},
        {"id": "itpark-chelny", "name": "IT-парк Набережных Челнов",
         "aliases": {"en": ["Chelny IT Park"], "de": ["IT-Park Tschelny"]}, "kind": "it_park",
         "place": ["Набережные Челны", "Naberezhnye Chelny", "Nabereschnyje Tschelny"]},
        {"id": "innopolis", "name": "Иннополис", "aliases": {"en": ["Innopolis"],
                                                            "de": ["Innopolis"]},
         "kind": "sez", "place": ["Иннополис"]},
        {"id": "academpark", "name": "Академпарк", "aliases": {"en": ["Academpark"],
                                                              "de": ["Akadempark"]},
         "kind": "technopark", "place": ["Новосибирск", "Novosibirsk", "Nowosibirsk"]},
        {"id": "noc-tomsk", "name": "Томский научный центр", "kind": "science_centre",
         "place": ["Томск"]},
        {"id": "minprom", "name": "Минпромторг", "aliases": {"en": ["Minpromtorg"],
                                                            "de": ["Industrieministerium"]},
         "kind": "ministry"},
        {"id": "skolkovo", "name": "Фонд «Сколково»", "aliases": {"en": ["Skolkovo Foundation"]},
         "kind": "fund"},
        {"id": "veb", "name": "ВЭБ.РФ", "aliases": {"en": ["VEB.RF"], "de": ["VEB.RF"]},
         "kind": "development_institution"},
        {"id": "leader", "name": "Технопарк «Лидер»",
         "aliases": {"en": ["Leader Technopark"], "de": ["Technopark Leader"]},
         "kind": "technopark", "place": ["Люберцы", "Lyubertsy", "Ljuberzy"]},
    ],
    "metrics": [
        {"id": "residents", "name": "Residents", "unit": "count",
         "keywords": {"ru": ["резидент", "компания"], "en": ["resident", "company"],
                      "de": ["Unternehmen", "Mieter"]}},
        {"id": "revenue", "name": "Revenue", "unit": "RUB",
         "keywords": {"ru": ["выручка"], "en": ["revenue", "earned"], "de": ["Umsatz"]}},
        {"id": "investment", "name": "Investment", "unit": "RUB",
         "keywords": {"ru": ["инвестиции", "вложить", "стоимость"],
                      "en": ["invested", "investment", "cost"],
                      "de": ["investierten", "Investitionen", "Kosten"]}},
        {"id": "jobs", "name": "Jobs", "unit": "count",
         "keywords": {"ru": ["рабочее место"], "en": ["job"], "de": ["Arbeitsplatz"]}},
    ],
})


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(RULES)


def figures(matcher: Matcher, text: str, language: str) -> list[tuple[str, float, str | None]]:
    return [(h.metric, h.value, h.organisation) for h in matcher.match(text, language)
            if h.kind == "metric"]


def mentioned(matcher: Matcher, text: str, language: str) -> list[tuple[str, str]]:
    return [(h.organisation, h.matched) for h in matcher.match(text, language)
            if h.kind == "organisation"]


@pytest.mark.parametrize("text, language, expected", [
    # The figure's noun phrase names its owner, though another organisation opens the clause.
    ("Минпромторг и Фонд «Сколково» сообщили, что выручка резидентов ОЭЗ «Алабуга» "
     "составила 90 млрд рублей.", "ru", [("revenue", 9e10, "alabuga")]),
    ("Kazan IT Park praised the revenue of the residents of Academpark: 20 billion rubles.",
     "en", [("revenue", 2e10, "academpark")]),
    ("Das Industrieministerium meldet, der Umsatz der Mieter im Akadempark lag bei "
     "20 Milliarden Rubel.", "de", [("revenue", 2e10, "academpark")]),
    # Each clause's subject owns the clause's figure.
    ("Академпарк привлёк инвестиции на 3 млрд рублей, а в IT-парке Казани работают "
     "80 компаний.", "ru", [("investment", 3e9, "academpark"), ("residents", 80, "itpark-kazan")]),
    ("Academpark attracted investment of 3 billion rubles, while Kazan IT Park hosts "
     "80 resident companies.", "en",
     [("investment", 3e9, "academpark"), ("residents", 80, "itpark-kazan")]),
    ("Im Akadempark sind 300 Unternehmen tätig, im IT-Park Kasan sind es 80 Unternehmen.",
     "de", [("residents", 300, "academpark"), ("residents", 80, "itpark-kazan")]),
    # The subject comes first; a partner named nearer the figure does not own it.
    ("IT-парк Казани вместе с Академпарком привлёк 80 резидентов.", "ru",
     [("residents", 80, "itpark-kazan")]),
    ("Kazan IT Park together with Academpark attracted 80 resident companies.", "en",
     [("residents", 80, "itpark-kazan")]),
    ("Der IT-Park Kasan hat zusammen mit dem Akadempark 80 Unternehmen angeworben.", "de",
     [("residents", 80, "itpark-kazan")]),
    ("The revenue of Alabuga SEZ residents, Academpark noted in a report, reached "
     "90 billion rubles.", "en", [("revenue", 9e10, "alabuga")]),
])
def test_a_figure_belongs_to_its_noun_phrase_or_clause_subject(
        matcher: Matcher, text: str, language: str, expected: list) -> None:
    assert figures(matcher, text, language) == expected


@pytest.mark.parametrize("text, language", [
    ("Иннополис и IT-парк Казани: чем Иннополис хуже\nIT-парк Казани подвёл итоги года.\n"
     "Его резиденты заработали выручку в 5 млрд рублей. Инвестиции составили 2 млрд "
     "рублей.", "ru"),
    ("Innopolis and Kazan IT Park: what Innopolis can learn\nKazan IT Park summed up the "
     "year.\nIts residents reported revenue of 5 billion rubles. Investment reached "
     "2 billion rubles.", "en"),
    ("Innopolis und IT-Park Kasan: was Innopolis lernen kann\nDer IT-Park Kasan zog "
     "Bilanz.\nDer Umsatz erreichte 5 Milliarden Rubel. Die Investitionen betrugen "
     "2 Milliarden Rubel.", "de"),
])
def test_the_body_wins_over_an_organisation_named_first_in_the_headline(
        matcher: Matcher, text: str, language: str) -> None:
    assert [(m, o) for m, _v, o in figures(matcher, text, language)] == [
        ("revenue", "itpark-kazan"), ("investment", "itpark-kazan")]


def test_the_headline_owns_figures_when_the_body_names_nobody(matcher: Matcher) -> None:
    text = "Академпарк подвёл итоги года\nВыручка резидентов составила 40 млрд рублей."
    assert figures(matcher, text, "ru") == [("revenue", 4e10, "academpark")]


@pytest.mark.parametrize("body, organisation", [
    # Named first and as often as any other: the article's subject.
    ("Академпарк и IT-парк Казани подписали соглашение. Академпарк и IT-парк Казани начнут "
     "обмен резидентами.", "academpark"),
    # Named first, but others more often: about several alike, so about none.
    ("Академпарк, IT-парк Казани и ОЭЗ «Алабуга» подписали соглашение. IT-парк Казани и ОЭЗ "
     "«Алабуга» начнут обмен резидентами.", None),
])
def test_an_unplaced_figure_goes_to_the_article_subject_if_there_is_one(
        matcher: Matcher, body: str, organisation: str | None) -> None:
    text = f"Итоги года\n{body}\nЗа год было создано 500 рабочих мест."
    assert figures(matcher, text, "ru") == [("jobs", 500, organisation)]


@pytest.mark.parametrize("text, language", [
    ("В технопарках России работают более 840 компаний, сообщил Минпромторг.", "ru"),
    ("Минпромторг сообщил, что регионы вложили в технопарки 18 млрд рублей.", "ru"),
    ("По стране резиденты технопарков заработали выручку 160 млрд рублей, отметил "
     "Фонд «Сколково».", "ru"),
    ("Minpromtorg said that regions invested 18 billion rubles in technoparks.", "en"),
    ("The Skolkovo Foundation said nationwide revenue reached 160 billion rubles.", "en"),
    ("More than 840 companies are operating in these technoparks, Minpromtorg said.", "en"),
    ("Laut Industrieministerium investierten die Regionen bundesweit 18 Milliarden Rubel.",
     "de"),
    ("In Yelabuga, 2,000 jobs were created in the high-tech sector.", "en"),
])
def test_national_totals_and_speaking_ministries_give_no_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    found = figures(matcher, text, language)
    assert found and all(organisation is None for _m, _v, organisation in found), found


@pytest.mark.parametrize("text, language, organisation", [
    ("По программе поддержки Фонд «Сколково» вложил 500 млн рублей в стартапы.", "ru",
     "skolkovo"),
    ("Академпарк открыл корпус. По программе поддержки регионы вложили 500 млн рублей в "
     "стартапы.", "ru", None),
    ("Under its programme the Skolkovo Foundation invested 500 million rubles.", "en",
     "skolkovo"),
    ("Academpark opened a building. Companies invested 500 million rubles under the "
     "programme.", "en", None),
])
def test_a_region_sector_or_programme_word_yields_to_an_organisation_in_the_clause(
        matcher: Matcher, text: str, language: str, organisation: str | None) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language, organisation", [
    ("Академпарк вошёл в число лучших. На поддержку всех вузов-победителей конкурса в этом "
     "году выделят инвестиции на 2 млрд рублей.", "ru", None),
    ("Академпарк вошёл в число лучших. На строительство всех 12 центров инвестиции составят "
     "2 млрд рублей.", "ru", None),
    ("Academpark is among the best. All the winning universities will share investment of "
     "2 billion rubles.", "en", None),
    ("Der Akadempark gehört zu den Besten. Alle Siegerzentren erhalten Investitionen von "
     "2 Milliarden Rubel.", "de", None),
    # Not a quantifier over organisations: the park's own figure.
    ("Академпарк вошёл в число лучших. Он всё ещё привлекает инвестиции: 2 млрд рублей.",
     "ru", "academpark"),
    ("Академпарк вошёл в число лучших. Инвестиции в бюджеты всех уровней составили 2 млрд "
     "рублей.", "ru", "academpark"),
    ("Academpark is among the best. Over all these years it invested 2 billion rubles.",
     "en", "academpark"),
    # "All" of a park's residents: the park's figure.
    ("Der Akadempark gehört zu den Besten. Alle Mieter investierten 2 Milliarden Rubel.",
     "de", "academpark"),
    # An organisation named in the clause owns its figure.
    ("Из всех центров больше всех инвестиций привлёк Академпарк — 2 млрд рублей.", "ru",
     "academpark"),
])
def test_a_figure_of_all_of_a_group_of_organisations_is_no_ones(
        matcher: Matcher, text: str, language: str, organisation: str | None) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    ("Итоги года\nОЭЗ «Алабуга» расширяется, в стране таких зон немного. Академпарк переедет "
     "в новый квартал. Его инвестиции составят 2 млрд рублей.", "ru"),
    ("Year in review\nThe Alabuga SEZ grows, and the country has few such zones. Academpark "
     "will move to a new quarter. Its investment will reach 2 billion rubles.", "en"),
    ("Jahresbilanz\nDie Sonderwirtschaftszone Alabuga wächst, im ganzen Land gibt es wenige "
     "solche Zonen. Der Akadempark zieht um. Seine Investitionen betragen 2 Milliarden "
     "Rubel.", "de"),
])
def test_a_possessive_opening_the_sentence_refers_to_the_organisation_named_just_before(
        matcher: Matcher, text: str, language: str) -> None:
    """The paragraph names a zone and the country too: the possessive settles it."""
    assert figures(matcher, text, language) == [("investment", 2e9, "academpark")]


@pytest.mark.parametrize("text, organisation", [
    ("Академпарк подвёл итоги. В Новосибирске за год создано 500 рабочих мест.", None),
    ("Академпарк подвёл итоги. Его резиденты из Новосибирска создали 500 рабочих мест.",
     "academpark"),
])
def test_a_place_that_opens_the_clause_makes_a_regional_figure(
        matcher: Matcher, text: str, organisation: str | None) -> None:
    assert [o for _m, _v, o in figures(matcher, text, "ru")] == [organisation]


@pytest.mark.parametrize("text, language, organisation", [
    ("Минпромторг подвёл итоги.\nВыручка составила 5 млрд рублей.", "ru", None),
    ("Инвестиции Минпромторга в Академпарк составили 5 млрд рублей.", "ru", "academpark"),
    ("Minpromtorg invested 5 billion rubles.", "en", None),
    ("Das Industrieministerium investierte 5 Milliarden Rubel im Akadempark.", "de",
     "academpark"),
])
def test_a_ministry_owns_no_figure(matcher: Matcher, text: str, language: str,
                                   organisation: str | None) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language, organisation, phrase", [
    ("Технопарк в Нижнекамске привлёк 40 резидентов.", "ru", "nizhnekamsk",
     "Технопарк в Нижнекамске"),
    ("Особая экономическая зона технико-внедренческого типа в Томске насчитывает "
     "200 резидентов.", "ru", "tomsk-sez",
     "Особая экономическая зона технико-внедренческого типа в Томске"),
    ("The special economic zone of the technology and innovation type in the Tomsk Region "
     "has 200 resident companies.", "en", "tomsk-sez",
     "special economic zone of the technology and innovation type in the Tomsk Region"),
    ("Die Sonderwirtschaftszone im Gebiet Tomsk zählt 200 Unternehmen.", "de", "tomsk-sez",
     "Sonderwirtschaftszone im Gebiet Tomsk"),
    ("In Kazan, the IT park hosts 200 resident companies.", "en", "itpark-kazan", "IT park"),
    ("The Nizhnekamsk technopark has 40 resident companies.", "en", "nizhnekamsk",
     "Nizhnekamsk technopark"),
    ("Научно-образовательный центр в Томске привлёк 40 резидентов.", "ru", "noc-tomsk",
     "Научно-образовательный центр в Томске"),
])
def test_a_descriptive_mention_resolves_to_the_one_fitting_organisation_and_owns_figures(
        matcher: Matcher, text: str, language: str, organisation: str, phrase: str) -> None:
    assert mentioned(matcher, text, language) == [(organisation, phrase)]
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    ("Технопарк в Казани привлёк 40 резидентов.", "ru"),       # Химград and Идея: ambiguous
    ("Технопарки Томской области привлекли 40 резидентов.", "ru"),  # plural: several parks
    ("A technopark in Moscow has 40 resident companies.", "en"),    # no technopark there
    ("Die Sonderwirtschaftszone zählt 200 Unternehmen.", "de"),     # no place
])
def test_a_descriptive_mention_without_a_unique_fit_is_nobody(
        matcher: Matcher, text: str, language: str) -> None:
    assert mentioned(matcher, text, language) == []


@pytest.mark.parametrize("text, language, organisation", [
    ("В SWZ Jelabuga arbeiten 40 Unternehmen.", "de", "alabuga"),
    ("In der SWZ Jelabuga arbeiten 40 Unternehmen.", "de", "alabuga"),
    ("Die OEZ Tomsk zählt 200 Unternehmen.", "de", "tomsk-sez"),
    ("Die SEZ im Gebiet Tomsk zählt 200 Unternehmen.", "de", "tomsk-sez"),
])
def test_german_abbreviations_of_a_zone_are_kind_words(
        matcher: Matcher, text: str, language: str, organisation: str) -> None:
    """German writes a special economic zone "SWZ", "SEZ" or "OEZ" before its place."""
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    ("Правительство выделит деньги особым экономическим зонам (ОЭЗ) в Томске и Елабуге.",
     "ru"),
    ("The government will set up new special economic zones (SEZ) in Tomsk and Yelabuga.",
     "en"),
    ("Die Regierung schafft neue Sonderwirtschaftszonen (SWZ) in Tomsk und Jelabuga.", "de"),
])
def test_an_abbreviation_in_parentheses_after_a_plural_kind_word_is_plural_too(
        matcher: Matcher, text: str, language: str) -> None:
    """"Sonderwirtschaftszonen (SWZ)" are several zones: the abbreviation names no one zone at
    a place of the sentence."""
    assert mentioned(matcher, text, language) == []


@pytest.mark.parametrize("text, language", [
    ("Он перечислил лучшие технопарки, лидерами стали московские.", "ru"),
    ("It is a leader; technopark staff greeted the visitors.", "en"),
    ("Wir besuchten den Technopark, Leader der Branche kamen auch.", "de"),
])
def test_a_name_does_not_run_across_punctuation(matcher: Matcher, text: str,
                                                 language: str) -> None:
    assert mentioned(matcher, text, language) == []


@pytest.mark.parametrize("text, language, expected", [
    ("Технопарк «Лидер» открыл корпус.", "ru", [("leader", "Технопарк «Лидер»")]),
    ("Leader Technopark opened a building.", "en", [("leader", "Leader Technopark")]),
])
def test_a_name_in_one_piece_is_found(matcher: Matcher, text: str, language: str,
                                      expected: list[tuple[str, str]]) -> None:
    assert mentioned(matcher, text, language) == expected


@pytest.mark.parametrize("text, language", [
    ("Кампус в городе прозвали «сибирским Иннополисом», там 40 резидентов.", "ru"),
    ("Журналисты успели окрестить площадку «уральским Иннополисом».", "ru"),
    ("Locals have dubbed the campus the Siberian Innopolis; it has 40 resident companies.",
     "en"),
    ("Der Campus trägt den Spitznamen „sibirisches Innopolis“.", "de"),
])
def test_a_famous_name_given_as_a_nickname_is_no_mention(
        matcher: Matcher, text: str, language: str) -> None:
    assert mentioned(matcher, text, language) == []
    assert all(o is None for _m, _v, o in figures(matcher, text, language))


def test_a_name_after_an_unrelated_word_beginning_like_a_nickname_word_is_found(
        matcher: Matcher) -> None:
    assert mentioned(matcher, "В окрестностях Иннополиса открыли школу.", "ru") == [
        ("innopolis", "Иннополиса")]


@pytest.mark.parametrize("text, language", [
    ("Итоги года\nТехнопарк «Идея» привлёк 40 резидентов.\nВ 2020 году технопарк "
     "переименовали в IT-парк Казани.", "ru"),
    ("Academpark attracted 40 resident companies.\nIn 2020 Academpark was renamed Kazan IT "
     "Park.", "en"),
    ("Bilanz\nDer Akadempark zählt 40 Mieter.\nSeit 2020 trägt er den Namen IT-Park Kasan.",
     "de"),
])
def test_figures_under_a_former_name_belong_to_the_renamed_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["itpark-kazan"]
    lines = "\n".join(explain_analysis(matcher.analyse(text, language)))
    assert "is the former name of itpark-kazan, as the article says" in lines


def test_an_organisation_named_with_another_is_not_renamed(matcher: Matcher) -> None:
    text = "Academpark attracted 40 resident companies.\nIts director visited Kazan IT Park."
    assert [o for _m, _v, o in figures(matcher, text, "en")] == ["academpark"]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nОЭЗ «Алабуга» привлекла 40 резидентов.\nИнвестиции, которые пришли в регион, "
     "губернатор оценил в 5 млрд рублей.", "ru"),
    ("Review\nAlabuga SEZ attracted 40 resident companies.\nThe investment, which flowed into "
     "the region, reached 5 billion rubles.", "en"),
    ("Bilanz\nDie Sonderwirtschaftszone Alabuga zählt 40 Unternehmen.\nDie Investitionen, die "
     "in die Region flossen, schätzt der Gouverneur auf 5 Milliarden Rubel.", "de"),
])
def test_a_region_word_anywhere_in_the_sentence_of_an_unnamed_paragraph_makes_it_regional(
        matcher: Matcher, text: str, language: str) -> None:
    assert figures(matcher, text, language)[-1][2] is None


@pytest.mark.parametrize("text, language", [
    ("ОЭЗ «Алабуга» расширяется.\nВ ОЭЗ и пяти технопарках работают 300 компаний.", "ru"),
    ("Alabuga SEZ is growing.\nThe zone and five other parks host 300 resident companies.",
     "en"),
    ("Die Sonderwirtschaftszone Alabuga wächst.\nIn der Zone und fünf weiteren Technoparks "
     "arbeiten 300 Unternehmen.", "de"),
])
def test_a_kind_word_joined_to_a_group_of_parks_gives_no_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [None]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nIT-парк Казани растёт.\nВ этом году в Казахстане основали 134 новые компании.",
     "ru"),
    ("Review\nKazan IT Park is growing.\nThis year 134 new companies were founded in "
     "Kazakhstan.", "en"),
    ("Bilanz\nDer IT-Park Kasan wächst.\nIn diesem Jahr wurden in Kasachstan 134 neue "
     "Unternehmen gegründet.", "de"),
])
def test_a_figure_about_a_neighbour_country_gives_no_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [None]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nIT-парк Казани растёт.\nШесть компаний из Китая и Беларуси вложат 60 млрд "
     "рублей.", "ru"),
    ("Review\nKazan IT Park is growing.\nSix companies from China and Belarus plan to invest "
     "60 billion rubles.", "en"),
    ("Bilanz\nDer IT-Park Kasan wächst.\nSechs Firmen aus China und Belarus investierten "
     "60 Milliarden Rubel.", "de"),
])
def test_countries_joined_to_a_source_are_sources_too(
        matcher: Matcher, text: str, language: str) -> None:
    owners = [o for _m, _v, o in figures(matcher, text, language)]
    assert owners and set(owners) == {"itpark-kazan"}


@pytest.mark.parametrize("text, language", [
    ("Итоги\nАкадемпарк открыл новый корпус.\nВ Новосибирске губернатор осмотрел технопарк. "
     "В нём работают 22 компании.", "ru"),
    ("Review\nAcadempark opened a new building.\nIn Novosibirsk the governor toured the "
     "technopark. There are 22 resident companies inside.", "en"),
    ("Bilanz\nDer Akadempark eröffnete ein Gebäude.\nIn Nowosibirsk besuchte der Gouverneur "
     "den Technopark. Dort arbeiten 22 Unternehmen.", "de"),
])
def test_a_kind_word_is_what_an_unnamed_paragraph_is_about_not_the_place_that_opens_it(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["academpark"]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nФонд «Сколково» объявил конкурс.\n«Фонд и пять рабочих групп Академпарка отобрали "
     "130 проектов, и каждый вложит 15 млн рублей», — сказал он.", "ru"),
    ("Review\nThe Skolkovo Foundation announced a contest.\n\"The fund and five Academpark "
     "working groups picked 130 projects, and each invested 15 million rubles,\" he said.",
     "en"),
    ("Bilanz\nDie Skolkovo Foundation schrieb einen Wettbewerb aus.\n„Der Fonds und fünf "
     "Arbeitsgruppen von Akadempark wählten 130 Projekte, und alle investierten 15 Millionen "
     "Rubel“, sagte er.", "de"),
])
def test_a_kind_word_that_opens_the_sentence_is_its_subject(
        matcher: Matcher, text: str, language: str) -> None:
    """"The fund" comes before the organisation named later in the sentence: the fund."""
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["skolkovo"]


@pytest.mark.parametrize("text, language, expected", [
    ("Итоги\nТехнопарк «Химград» и технопарк «Идея» вошли в число победителей. Каждый получит "
     "инвестиции на 500 млн рублей.", "ru", ["khimgrad", "idea"]),
    ("Review\nAcadempark and Kazan IT Park won the contest. Each will receive investment of "
     "500 million rubles.", "en", ["academpark", "itpark-kazan"]),
    ("Bilanz\nDer Akadempark und der IT-Park Kasan gewannen. Jeder erhält Investitionen von "
     "500 Millionen Rubel.", "de", ["academpark", "itpark-kazan"]),
])
def test_each_of_the_listed_organisations_gets_the_figure(
        matcher: Matcher, text: str, language: str, expected: list[str]) -> None:
    assert [(m, v, o) for m, v, o in figures(matcher, text, language)] == [
        ("investment", 5e8, organisation) for organisation in expected]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nОЭЗ «Алабуга» растёт. Там работают 40 компаний: заводы на севере региона и склады "
     "у города.", "ru"),
    ("Review\nAlabuga SEZ is growing. There are 40 resident companies: plants in the north of "
     "the region and warehouses near the city.", "en"),
    ("Bilanz\nDie Sonderwirtschaftszone Alabuga wächst. Dort arbeiten 40 Unternehmen: Werke im "
     "Norden der Region und Lager bei der Stadt.", "de"),
])
def test_a_region_word_in_what_a_colon_after_the_figure_lists_is_no_scope(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["alabuga"]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nРезиденты ОЭЗ «Алабуга», работающие на площадке «Алабуга-Север», нарастили "
     "выпуск.\nРезиденты площадки делают электронику.\n«Выручка компаний достигла 5 млрд "
     "рублей», — сказал он.", "ru"),
    ("Review\nResidents of Alabuga SEZ working at the Alabuga-North site raised output.\nThe "
     "site's residents make electronics.\n\"Revenue reached 5 billion rubles,\" he said.",
     "en"),
    ("Bilanz\nDie Residenten der Sonderwirtschaftszone Alabuga am Standort Alabuga-Nord "
     "steigerten die Produktion.\nDie Firmen am Standort bauen Elektronik.\n„Der Umsatz "
     "erreichte 5 Milliarden Rubel“, sagte er.", "de"),
])
def test_a_site_word_refers_back_to_the_site_and_a_quote_continues_it(
        matcher: Matcher, text: str, language: str) -> None:
    """"Резиденты площадки …" are those of the site named before, and the quote that follows
    a paragraph naming nobody continues what its kind word referred to."""
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["alabuga-north"]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nОЭЗ «Алабуга» растёт.\nНа шести площадках работают 40 компаний.", "ru"),
    ("Review\nAlabuga SEZ is growing.\nIts six sites host 40 resident companies.", "en"),
    ("Bilanz\nDie Sonderwirtschaftszone Alabuga wächst.\nAn sechs Standorten arbeiten 40 "
     "Unternehmen.", "de"),
    ("Итоги\nОЭЗ «Алабуга» растёт.\nПлощадка в Елабуге приняла 40 компаний.", "ru"),
])
def test_site_words_in_the_plural_or_with_a_place_name_no_site_of_their_own(
        matcher: Matcher, text: str, language: str) -> None:
    """Several sites are parts of the zone named before, not a group of parks; a site word
    resolves no organisation by a place."""
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["alabuga"]
    assert {o for o, _t in mentioned(matcher, text, language)} == {"alabuga"}


def test_the_place_in_a_name_is_no_second_mention(matcher: Matcher) -> None:
    assert mentioned(matcher, "IT-парк Казани открыл набор.", "ru") == [
        ("itpark-kazan", "IT-парк Казани")]


def test_a_kind_word_refers_back_to_the_organisation_of_that_kind(matcher: Matcher) -> None:
    text = ("Academpark opened a new building.\nIts director met students from Kazan IT "
            "Park.\nThe technopark's press service said that companies attracted investment "
            "of 60 million rubles.")
    assert figures(matcher, text, "en") == [("investment", 6e7, "academpark")]


@pytest.mark.parametrize("text, language", [
    ("Академпарк в рейтинге\nАкадемпарк занял второе место, обойдя технопарк «Химград»; "
     "третьим стал технопарк «Идея». За год технопарк привлёк 14 новых резидентов.", "ru"),
    ("Academpark in the ranking\nAcadempark came second, ahead of Kazan IT Park. Over the "
     "year the park attracted 14 new resident companies.", "en"),
    ("Akadempark im Ranking\nAkadempark wurde Zweiter vor dem IT-Park Kasan. Im Jahr gewann "
     "der Park 14 neue Mieter.", "de"),
])
def test_a_kind_word_refers_to_the_article_subject_its_paragraph_names(
        matcher: Matcher, text: str, language: str) -> None:
    """Competitors named after the subject in a ranking do not become what "the technopark"
    means."""
    assert [o for _m, _v, o in figures(matcher, text, language)] == ["academpark"]


@pytest.mark.parametrize("text, language, organisation", [
    # "The park" is any park: the IT park named before.
    ("Academpark hosted a forum. Kazan IT Park opened a school.\nThe park's incubator "
     "helped found firms that created over 900 jobs.", "en", "itpark-kazan"),
    # A singular kind word in the figure's clause outweighs a country word there.
    ("Академпарк расширяется.\nС учётом вложений федерального бюджета инвестиции в технопарк "
     "превысят 3 млрд рублей.", "ru", "academpark"),
])
def test_a_kind_word_in_the_clause_names_the_owner(
        matcher: Matcher, text: str, language: str, organisation: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    # A paragraph listing several parks as a group.
    ("Итоги года\nАкадемпарк подвёл итоги.\nВ Татарстане работают три технопарка: IT-парк "
     "Казани, Технопарк «Химград» и Технопарк «Идея». В них создано 900 рабочих мест.", "ru"),
    # A paragraph about the city's parks, naming none.
    ("The year in review\nAcadempark summed up the year.\nThe city now has 48 technoparks. "
     "They house companies that created 900 jobs.", "en"),
    ("Jahresbilanz\nDer Akadempark zog Bilanz.\nDie Stadt zählt 15 Technoparks. Dort "
     "entstanden 900 Arbeitsplätze.", "de"),
])
def test_a_paragraph_about_a_group_of_parks_gives_no_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _m, _v, o in figures(matcher, text, language)] == [None]


@pytest.mark.parametrize("text, language, organisation", [
    # A paragraph naming no organisation, whose sentence before the figure opens with a region
    # or sector, is about that whole, though the article is about one park.
    ("Академпарк открыл третий корпус\nАкадемпарк открыл третий корпус для резидентов.\n"
     "В Томской области растёт число ИТ-компаний. Их выручка за год составила 90 млрд "
     "рублей.", "ru", None),
    ("Academpark opens a third building\nAcadempark has opened a third building.\n"
     "The sector keeps growing fast. Its companies earned 90 billion rubles last year.",
     "en", None),
    ("Akadempark eröffnet Neubau\nDer Akadempark hat ein drittes Gebäude eröffnet.\n"
     "In der Region Tomsk wächst die IT-Branche. Ihr Umsatz lag bei 90 Milliarden Rubel.",
     "de", None),
    # … but one whose sentence speaks of "the technopark" is about the technopark named
    # before, a region named later in that sentence notwithstanding.
    ("ОЭЗ «Алабуга» и Академпарк подписали соглашение\nОЭЗ «Алабуга» подписала соглашение с "
     "Академпарком. ОЭЗ «Алабуга» ждёт его резидентов.\nТехнопарк стал главным "
     "инновационным центром региона. Сейчас у него 300 резидентов.", "ru", "academpark"),
    ("Alabuga SEZ and Academpark sign a deal\nThe Alabuga SEZ signed a deal with Academpark. "
     "The Alabuga SEZ expects its residents.\nThe technopark is the region's main innovation "
     "hub. It now hosts 300 resident companies.", "en", "academpark"),
    # "The zone" refers to the zone, not to a site of it named in between, more often.
    ("Площадка «Алабуга-Север» растёт\nОЭЗ «Алабуга» подвела итоги года.\nБольше всего "
     "новых резидентов выбрали Площадку «Алабуга-Север»: Площадка «Алабуга-Север» почти "
     "заполнена.\nИтоги работы зоны опубликованы в "
     "декабре. Выручка резидентов составила 40 млрд рублей.", "ru", "alabuga"),
])
def test_a_paragraph_naming_no_organisation_is_about_what_it_spoke_of_before(
        matcher: Matcher, text: str, language: str, organisation: str | None) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language, organisation", [
    # A quote paragraph continues the paragraph before: its subject, named first, owns the
    # figure, though the article names another park as often.
    ("ОЭЗ «Алабуга» и Академпарк\nРезиденты Академпарка, работающие в ОЭЗ «Алабуга», "
     "нарастили выпуск.\n«Выручка достигла 20 млрд рублей», — сказал директор.\nОЭЗ "
     "«Алабуга» ждёт новых резидентов.", "ru", "academpark"),
    ("Academpark and Alabuga SEZ\nResidents of Academpark that work in the Alabuga SEZ "
     "produced more.\n\"Their revenue reached 20 billion rubles,\" the director said.\n"
     "The Alabuga SEZ expects new residents.", "en", "academpark"),
    ("Akadempark und Sonderwirtschaftszone Alabuga\nMieter des Akadempark, die in der "
     "Sonderwirtschaftszone Alabuga arbeiten, produzierten mehr.\n„Der Umsatz erreichte 20 "
     "Milliarden Rubel“, sagte der Direktor.\nDie Sonderwirtschaftszone Alabuga erwartet neue "
     "Mieter.", "de", "academpark"),
    # The paragraph before is about what it names first, not about what its last sentence
    # adds.
    ("Итоги конкурса\nАкадемпарк подвёл итоги конкурса. Победителями стали резиденты ОЭЗ "
     "«Алабуга».\nСредняя выручка победителей составила 20 млрд рублей.", "ru", "academpark"),
])
def test_a_paragraph_naming_nobody_continues_the_subject_of_the_one_before(
        matcher: Matcher, text: str, language: str, organisation: str) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    ("ИТ-парк в Набережных Челнах растёт\nИТ-парк в Набережных Челнах открылся в 2012 году как "
     "филиал IT-парка Казани. Здание заполнено наполовину. Сейчас в нём 40 резидентов.", "ru"),
    ("Chelny IT park grows\nThe IT park in Naberezhnye Chelny opened in 2012 as a branch of "
     "the Kazan IT Park. The building is half full. It now hosts 40 resident companies, and "
     "management expects the park to create 900 jobs.", "en"),
    ("IT-Park in Tschelny wächst\nDer IT-Park in Nabereschnyje Tschelny wurde 2012 als "
     "Filiale des IT-Park Kasan eröffnet. Heute sind dort 40 Unternehmen tätig.", "de"),
])
def test_the_organisation_a_branch_belongs_to_is_not_what_the_paragraph_is_about(
        matcher: Matcher, text: str, language: str) -> None:
    assert {o for *_, o in figures(matcher, text, language)} == {"itpark-chelny"}


@pytest.mark.parametrize("text, language, organisation", [
    # A sentence that speaks of several parks before the figure is about them, though the
    # next sentence names one park.
    ("Технопарки Казани\nВ Казани работают 9 технопарков, инвесторы вложили в их развитие "
     "30 млрд рублей. Об этом сообщил технопарк «Химград».", "ru", None),
    ("Kazan technoparks\nKazan has 9 technoparks, and investors have invested 30 billion "
     "rubles in them. Academpark was the model.", "en", None),
    # German "Technoparks" is a plural unless a singular genitive article precedes it.
    ("Technoparks in Kasan\nDer Akadempark ist ein Vorbild. In den Moskauer Technoparks "
     "arbeiten 900 Unternehmen.", "de", None),
    ("Ausbau in Nowosibirsk\nDer Akadempark ist ein Vorbild. Für den Ausbau von Technoparks "
     "stehen 7 Milliarden Rubel an Investitionen bereit.", "de", None),
    ("Ausbau in Nowosibirsk\nDer Akadempark ist ein Vorbild. Die Mieter des Technoparks "
     "setzten 7 Milliarden Rubel Umsatz um.", "de", "academpark"),
    # "Der Park" opens the paragraph's last sentence: a group named later in it is no subject.
    ("Akadempark wächst\nDer Akadempark wurde 2010 eröffnet.\nDer Park entstand im Rahmen "
     "eines Programms zum Bau von Technoparks. Heute sind dort 300 Unternehmen tätig.", "de",
     "academpark"),
])
def test_a_sentence_about_several_parks_gives_no_organisation(
        matcher: Matcher, text: str, language: str, organisation: str | None) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    # The paragraph is about the subject of its last sentence naming an organisation (named
    # first there), not about the one that sentence happened to name last.
    ("Итоги года\nВыручка резидентов Академпарка и IT-парка Казани составила 20 млрд рублей. "
     "За год резиденты привлекли 70 млн рублей инвестиций.", "ru"),
    ("Results\nThe revenue of Academpark residents and of the Kazan IT Park came to 20 billion "
     "rubles. Over the year the residents attracted 70 million rubles of investment.", "en"),
    ("Bilanz\nDer Umsatz der Mieter im Akadempark und im IT-Park Kasan lag bei 20 Milliarden "
     "Rubel. Im Jahr flossen Investitionen von 70 Millionen Rubel.", "de"),
])
def test_a_paragraph_is_about_the_subject_of_its_last_naming_sentence(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == ["academpark", "academpark"]


@pytest.mark.parametrize("text, language, organisation", [
    # The country's budget as the source of money is no scope: the receiver owns the figure.
    ("ОЭЗ «Алабуга» получила из федерального бюджета 3 млрд рублей инвестиций.", "ru",
     "alabuga"),
    ("The Alabuga SEZ received 3 billion rubles of investment from the federal budget.", "en",
     "alabuga"),
    ("Die Sonderwirtschaftszone Alabuga erhielt aus dem Bundeshaushalt Investitionen von 3 "
     "Milliarden Rubel.", "de", "alabuga"),
    # … while a clause spent on the country's budget is about the whole.
    ("ОЭЗ «Алабуга» сообщила, что инвестиции федерального бюджета в технопарки составили 3 "
     "млрд рублей.", "ru", None),
])
def test_the_federal_budget_as_a_source_of_money_is_no_scope(
        matcher: Matcher, text: str, language: str, organisation: str | None) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == [organisation]


@pytest.mark.parametrize("text, language", [
    # A paragraph naming nobody, whose kind word comes only after the figure, is still about
    # the organisation of that kind named before.
    ("Соглашение\nОЭЗ «Алабуга» подписала соглашение с Академпарком.\nСейчас там работают "
     "более 300 резидентов. Для инвесторов в технопарке действуют льготы.", "ru"),
    ("Agreement\nThe Alabuga SEZ signed an agreement with Academpark.\nMore than 300 resident "
     "companies now work there. Investors in the technopark enjoy tax breaks.", "en"),
    ("Abkommen\nDie Sonderwirtschaftszone Alabuga unterzeichnete ein Abkommen mit dem "
     "Akadempark.\nDort arbeiten heute mehr als 300 Unternehmen. Für Investoren bietet der "
     "Technopark Steuervorteile.", "de"),
])
def test_a_kind_word_later_in_an_unnamed_paragraph_says_what_it_is_about(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for *_, o in figures(matcher, text, language)] == ["academpark"]


@pytest.mark.parametrize("text, language", [
    # A country word is the scope of the number nearest it, not of every number in its clause.
    ("В ОЭЗ «Алабуга» работают 60 из 900 резидентов по всей стране.", "ru"),
    ("The Alabuga SEZ hosts 60 of the nationwide 900 resident companies.", "en"),
    ("In der Sonderwirtschaftszone Alabuga sind 60 von landesweit 900 Unternehmen ansässig.",
     "de"),
])
def test_a_country_word_is_the_scope_of_the_number_nearest_it(
        matcher: Matcher, text: str, language: str) -> None:
    owners = {value: o for _, value, o in figures(matcher, text, language)}
    assert owners[60] == "alabuga"
    assert owners.get(900) is None


def test_explain_says_why_each_figure_got_its_organisation(matcher: Matcher) -> None:
    text = ("Технопарк в Нижнекамске привлёк 40 резидентов.\nВыручка резидентов ОЭЗ "
            "«Алабуга» составила 9 млрд рублей, а по стране — 160 млрд рублей.")
    lines = "\n".join(explain_analysis(matcher.analyse(text, "ru")))
    assert "organisation nizhnekamsk (subject of the figure's clause, by descriptive " \
           "mention (технопарк + Нижнекамск))" in lines
    assert "organisation alabuga (named in the figure's noun phrase)" in lines
    assert "organisation - (about the whole country or a group («по стране») → no " \
           "organisation)" in lines


def test_a_capitalised_russian_kind_word_is_a_name_not_a_description(matcher: Matcher) -> None:
    """Nizhnekamsk signs with an unregistered park whose name starts with a kind word: the
    place in the sentence is the town's, not the park's."""
    text = "Нижнекамск договорился о сотрудничестве с Технопарком высоких технологий Минска."
    assert mentioned(matcher, text, "ru") == []
    assert mentioned(matcher, "Технопарк в Нижнекамске открыл набор.", "ru") == [
        ("nizhnekamsk", "Технопарк в Нижнекамске")]


@pytest.mark.parametrize("text, language", [
    ("Академпарк расширяется.\nЗамгубернатора сообщил правительству региона, что к концу "
     "года появятся 900 рабочих мест.", "ru"),
    ("Academpark is expanding.\nThe deputy governor told the regional parliament that "
     "900 jobs will be created by the end of the year.", "en"),
    ("Der Akadempark wächst.\nDer Vizegouverneur sagte vor der Regierung der Region, dass "
     "bis Jahresende 900 Arbeitsplätze entstehen.", "de"),
])
def test_a_region_in_the_reporting_frame_does_not_scope_the_reported_figure(
        matcher: Matcher, text: str, language: str) -> None:
    """Who spoke, to whom and where comes before "что/that/dass"; the figure after it is
    still the park's the article is about."""
    assert figures(matcher, text, language) == [("jobs", 900, "academpark")]


@pytest.mark.parametrize("text, language", [
    ("В Академпарке работают 120 резидентов. По всей стране, по оценке экспертов, создано "
     "40 тысяч рабочих мест.", "ru"),
    ("Academpark hosts 120 residents. Across the whole country, experts say, 40,000 jobs "
     "were created.", "en"),
    ("Im Akadempark arbeiten 120 Unternehmen. Im ganzen Land, so die Experten, entstanden "
     "40.000 Arbeitsplätze.", "de"),
])
def test_a_country_word_that_opens_the_sentence_frames_all_its_clauses(
        matcher: Matcher, text: str, language: str) -> None:
    assert figures(matcher, text, language) == [
        ("residents", 120, "academpark"), ("jobs", 40000, None)]


@pytest.mark.parametrize("text, language", [
    ("Академпарк получил новый участок. Правительство добавило к этой сумме ещё 2 млрд "
     "рублей инвестиций.", "ru"),
    ("Academpark got a new plot. The government added another 2 billion roubles of "
     "investment.", "en"),
    ("Der Akadempark erhielt ein neues Grundstück. Die Regierung stellte weitere "
     "Investitionen von 2 Mrd. Rubel bereit.", "de"),
])
def test_the_governments_money_is_no_organisations_figure(
        matcher: Matcher, text: str, language: str) -> None:
    assert figures(matcher, text, language) == [("investment", 2e9, None)]


@pytest.mark.parametrize("text, language", [
    ("Академпарк открыл вторую очередь.\nДороги в регионе оплатил бюджет, а резиденты "
     "вложили 7 млрд рублей.", "ru"),
    ("Academpark opened its second phase.\nThe regional budget paid for the roads, while the "
     "residents invested 7 billion roubles.", "en"),
    ("Der Akadempark eröffnete die zweite Baustufe.\nDie Straßen in der Region bezahlte der "
     "Haushalt, während die Mieter Investitionen von 7 Mrd. Rubel tätigten.", "de"),
])
def test_residents_with_no_park_named_are_those_of_the_park_the_article_is_about(
        matcher: Matcher, text: str, language: str) -> None:
    assert figures(matcher, text, language) == [("investment", 7e9, "academpark")]


@pytest.mark.parametrize("text, language", [
    ("Новые резиденты\nВ ОЭЗ «Алабуга» пришли три компании, в Академпарк — две.\nВместе "
     "новички вложат 5 млрд рублей.", "ru"),
    ("New residents\nThree companies joined the Alabuga SEZ, two more joined Academpark.\n"
     "Together the newcomers invested 5 billion rubles.", "en"),
    ("Neue Mieter\nDrei Unternehmen zogen in die Sonderwirtschaftszone Alabuga, zwei in den "
     "Akadempark.\nZusammen investierten die Neuen 5 Mrd. Rubel.", "de"),
])
def test_a_sum_over_the_organisations_the_paragraph_before_lists_is_no_ones(
        matcher: Matcher, text: str, language: str) -> None:
    assert [o for _, v, o in figures(matcher, text, language) if v == 5e9] == [None]


@pytest.mark.parametrize("text, language, expected", [
    ("ВЭБ.РФ кредитует Академпарк\nВЭБ.РФ выдаст кредит на 2 млрд рублей на новый корпус "
     "Академпарка. Общая стоимость проекта составит 5 млрд рублей.", "ru", "academpark"),
    ("VEB.RF lends to Academpark\nVEB.RF lends 2 billion roubles for a new building of "
     "Academpark. The total cost of the project will be 5 billion roubles.", "en",
     "academpark"),
    ("VEB.RF finanziert ein Depot\nVEB.RF finanzierte neue Züge. Der Anteil von VEB.RF liegt "
     "bei 2 Mrd. Rubel, die Gesamtkosten werden auf 5 Mrd. Rubel geschätzt.", "de", None),
])
def test_a_lender_owns_no_projects_cost(matcher: Matcher, text: str, language: str,
                                        expected: str | None) -> None:
    """A bank that lends to a project or holds a share of it owns its part, not the
    project's cost: that is the borrower's, else nobody's the registry knows."""
    assert [o for _, v, o in figures(matcher, text, language) if v == 5e9] == [expected]


@pytest.mark.parametrize("text, language", [
    ("Конкурс собрал рекордное число заявок\nВсего победителям направят инвестиции на 300 млн "
     "рублей.\nОтбор проектов ведёт Академпарк.", "ru"),
    ("Contest draws a record number of entries\nThe winners will receive investment of "
     "300 million roubles in all.\nThe selection is run by Academpark.", "en"),
    ("Wettbewerb mit Rekordzahl an Bewerbungen\nDie Sieger erhalten Investitionen von "
     "300 Mio. Rubel.\nDie Auswahl trifft der Akadempark.", "de"),
])
def test_a_body_figure_before_the_article_names_its_organisation_is_no_ones(
        matcher: Matcher, text: str, language: str) -> None:
    assert figures(matcher, text, language) == [("investment", 3e8, None)]


def test_a_headline_figure_may_come_before_the_name(matcher: Matcher) -> None:
    """The headline sums up the body: its figure is the organisation's the body names."""
    text = "Победители получат инвестиции на 300 млн рублей\nОтбор проектов ведёт Академпарк."
    assert figures(matcher, text, "ru") == [("investment", 3e8, "academpark")]


@pytest.mark.parametrize("text, language", [
    ("Академпарк подвёл итоги года.\nВ этом году в России открылись 134 новые компании, из "
     "них 50 иностранных.", "ru"),
    ("Academpark reviewed its year.\nThis year 134 new companies were founded in Russia, 50 "
     "of them foreign.", "en"),
    ("Der Akadempark zog Bilanz.\nIn diesem Jahr entstanden in Russland 134 neue Unternehmen, "
     "darunter 50 ausländische.", "de"),
])
def test_a_part_belongs_to_the_owner_of_its_whole(matcher: Matcher, text: str,
                                                   language: str) -> None:
    """"50 of them" are part of the country's 134, not the park's the article is about."""
    assert figures(matcher, text, language) == [("residents", 134, None),
                                                ("residents", 50, None)]


PIECES = ["Технопарк", "технопарк", "в", "Казани", "Нижнекамске", "Томской области", "ОЭЗ",
          "«Алабуга»", "IT-парк", "Казани", "России", "регионы", "Минпромторг", "Академпарк",
          "резидентов", "выручка", "составила", "1,5 млрд рублей", "80", "компаний", "SEZ",
          "in the Tomsk Region", "special economic zone", "Academpark", "residents of",
          "nationwide", "Technopark", "Sonderwirtschaftszone", "bundesweit", "Unternehmen",
          "Innopolis", "2023", ",", ".", ":", "—", "\n", "the technopark", "invested",
          "5 billion rubles", "Kazan IT Park", "Industrieministerium"]
SPEAKERS = {org.id for org in RULES.organisations if org.kind == "ministry"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=40), st.sampled_from(["ru", "en", "de"]))
def test_any_mix_of_names_kinds_places_and_scopes_links_safely(
        pieces: list[str], language: str) -> None:
    """Any text: no exception, mentions index the text, and no figure goes to a ministry."""
    text = " ".join(pieces)
    hits = Matcher(RULES).match(text, language)
    for hit in hits:
        assert text[hit.start:hit.end] == hit.matched
        if hit.kind == "metric":
            assert hit.organisation not in SPEAKERS
            assert hit.link


@pytest.mark.parametrize("text, language", [
    ("Две зоны\nОЭЗ «Алабуга» открыла новый цех.\nОЭЗ «Томск» строит корпус.\nИнвесторы "
     "«Алабуги» вложат ещё 500 млн рублей.", "ru"),
    ("Two zones\nAlabuga SEZ opened a new plant.\nTomsk SEZ is building an office block.\n"
     "Investors of \"Alabuga\" invested another 500 million rubles.", "en"),
    ("Zwei Zonen\nDie Sonderwirtschaftszone Alabuga eröffnete ein Werk.\nTomsk SEZ baut ein "
     "Bürohaus.\nDie Investoren von „Alabuga“ investierten weitere 500 Millionen Rubel.", "de"),
])
def test_a_quoted_name_after_the_full_name_refers_to_that_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    """The short name in quotes is the organisation named in full before, not the one the
    paragraph before is about."""
    assert figures(matcher, text, language) == [("investment", 5e8, "alabuga")]


@pytest.mark.parametrize("text, language", [
    ("Новости\nВ «Алабуге» инвесторы вложат 500 млн рублей.", "ru"),
    ("News\nInvestors of \"Alabuga\" invested 500 million rubles.", "en"),
])
def test_a_quoted_name_alone_names_no_organisation(
        matcher: Matcher, text: str, language: str) -> None:
    """Without the full name before it, a word in quotes may be a company, a film or a town."""
    assert figures(matcher, text, language) == [("investment", 5e8, None)]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nIT-парк Казани открыл корпус.\nПарк строит частный инвестор. Инвестиции составят "
     "2 млрд рублей. Арендаторы получат льготы ОЭЗ «Алабуга».", "ru"),
    ("Review\nKazan IT Park opened a building.\nThe park is being built by a private investor. "
     "Investment will reach 2 billion rubles. Tenants will use the benefits of Alabuga "
     "SEZ.", "en"),
    ("Bilanz\nDer IT-Park Kasan eröffnete ein Gebäude.\nDen Park baut ein privater Investor. "
     "Die Investitionen erreichen 2 Milliarden Rubel. Die Mieter nutzen die Vorteile der "
     "Sonderwirtschaftszone Alabuga.", "de"),
])
def test_a_kind_word_before_the_figure_beats_a_name_after_it_in_the_paragraph(
        matcher: Matcher, text: str, language: str) -> None:
    """"The park …" before the figure refers to the park named before; the zone the paragraph
    names only after the figure is not what the figure is about."""
    assert figures(matcher, text, language) == [("investment", 2e9, "itpark-kazan")]


@pytest.mark.parametrize("text, language", [
    ("Итоги\nОЭЗ «Алабуга» растёт.\nВ зонах работают 800 компаний.", "ru"),
    ("Review\nAlabuga SEZ is growing.\nThe zones host 800 companies.", "en"),
    ("Bilanz\nDie Sonderwirtschaftszone Alabuga wächst.\nIn den Zonen arbeiten 800 "
     "Unternehmen.", "de"),
])
def test_zones_in_the_plural_are_a_group_not_the_zone_named_before(
        matcher: Matcher, text: str, language: str) -> None:
    """German "Zonen", like "zones" and "зонах", is several zones: no one zone's figure."""
    assert figures(matcher, text, language) == [("residents", 800, None)]


@pytest.mark.parametrize("text, language, expected", [
    ("Итоги\nОЭЗ «Алабуга» открыла цех, и один из резидентов Технопарка «Химград», завод "
     "«Кама», вложит 500 млн рублей.", "ru", "khimgrad"),
    ("Review\nAlabuga SEZ opened a plant, and one of the residents of Kazan IT Park, the Kama "
     "works, invested 500 million rubles.", "en", "itpark-kazan"),
    ("Bilanz\nDie Sonderwirtschaftszone Alabuga eröffnete ein Werk, und ein Mieter des IT-Park "
     "Kasan, das Werk Kama, investierten 500 Millionen Rubel.", "de", "itpark-kazan"),
])
def test_a_clause_joined_by_comma_and_has_its_own_subject(
        matcher: Matcher, text: str, language: str, expected: str) -> None:
    """After ", и" / ", and" / ", und" the organisation the new clause names before the figure
    is its subject, not the one that opens the sentence."""
    assert figures(matcher, text, language) == [("investment", 5e8, expected)]
