"""Which place a descriptive mention takes, the one organisation of a kind in the region an
article is about, and names a kind word governs in a list: "a delegation from Nizhnekamsk
toured the technopark" (named before) is not the Nizhnekamsk technopark; "der IT-Park" in an
article on Novosibirsk's Academpark is Novosibirsk's IT park; "два технопарка: «Заря» и
«Орбита»". Through the real matcher, in Russian, English and German."""

from __future__ import annotations

import pytest

from monitor.config import RulesFile
from monitor.match import Matcher

RULES = RulesFile.model_validate({
    "organisations": [
        {"id": "academpark", "name": "Академпарк", "aliases": {"en": ["Academpark"],
                                                              "de": ["Akadempark"]},
         "kind": "technopark", "place": ["Новосибирск", "Novosibirsk", "Nowosibirsk"]},
        {"id": "nsk-itpark", "name": "IT-парк Новосибирска", "kind": "it_park",
         "place": ["Новосибирск", "Novosibirsk", "Nowosibirsk"]},
        {"id": "nizhnekamsk", "name": "Технопарк «Нижнекамский»", "kind": "technopark",
         "place": ["Нижнекамск", "Nizhnekamsk", "Nischnekamsk"]},
        {"id": "itpark-kazan", "name": "IT-парк Казани",
         "aliases": {"en": ["Kazan IT Park"], "de": ["IT-Park Kasan"]},
         "kind": "it_park", "place": ["Казань", "Kazan", "Kasan"]},
        {"id": "khimgrad", "name": "Технопарк «Химград»", "kind": "technopark",
         "place": ["Казань", "Kazan", "Kasan"]},
        {"id": "idea", "name": "Технопарк «Идея»", "kind": "technopark",
         "place": ["Казань", "Kazan", "Kasan"]},
        {"id": "zarya", "name": "Технопарк «Заря»",
         "aliases": {"ru": ["Технопарк «Заря»"], "en": ["Zarya Technopark"],
                     "de": ["Technopark Sarja"]},
         "kind": "technopark", "place": ["Томск", "Tomsk"]},
        {"id": "orbita", "name": "Технопарк «Орбита»",
         "aliases": {"ru": ["Технопарк «Орбита»"], "en": ["Technopark Orbita"],
                     "de": ["Technopark Orbita"]},
         "kind": "technopark", "place": ["Томск", "Tomsk"]},
        {"id": "orbita-sez", "name": "ОЭЗ «Орбита»", "aliases": {"ru": ["ОЭЗ «Орбита»"]},
         "kind": "sez", "place": ["Омск"]},
    ],
    "metrics": [
        {"id": "residents", "name": "Residents", "unit": "count",
         "keywords": {"ru": ["резидент", "компания"], "en": ["resident", "company"],
                      "de": ["Unternehmen"]}},
    ],
})


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(RULES)


def organisations(matcher: Matcher, text: str, language: str) -> list[str | None]:
    return [h.organisation for h in matcher.match(text, language) if h.kind == "organisation"]


def owners(matcher: Matcher, text: str, language: str) -> list[str | None]:
    return [h.organisation for h in matcher.match(text, language) if h.kind == "metric"]


@pytest.mark.parametrize("text, language", [
    ("Академпарк принял гостей. Делегация из Нижнекамска две недели назад осмотрела "
     "технопарк.", "ru"),
    ("Academpark welcomed guests. A delegation from Nizhnekamsk toured the technopark "
     "last week.", "en"),
    ("Der Akadempark empfing Gäste. Eine Delegation aus Nischnekamsk besichtigte gestern "
     "den Technopark.", "de"),
])
def test_a_place_away_from_a_kind_word_that_refers_back_names_nobody_new(
        matcher: Matcher, text: str, language: str) -> None:
    assert organisations(matcher, text, language) == ["academpark"]


@pytest.mark.parametrize("text, language", [
    ("Академпарк построил новый корпус. Технопарк, который готовит кадры и в Нижнекамске, "
     "насчитывает 40 резидентов.", "ru"),
    ("Academpark opened a new building. The technopark, which also trains staff in "
     "Nizhnekamsk, hosts 40 resident companies.", "en"),
])
def test_a_place_in_a_relative_clause_is_not_the_kind_words_place(
        matcher: Matcher, text: str, language: str) -> None:
    assert organisations(matcher, text, language) == ["academpark"]
    assert owners(matcher, text, language) == ["academpark"]


@pytest.mark.parametrize("text, language", [
    ("Академпарк принял гостей. Делегация из Нижнекамска осмотрела местный технопарк в "
     "Нижнекамске.", "ru"),
    ("Academpark welcomed guests. They later toured the technopark in Nizhnekamsk.", "en"),
])
def test_a_place_of_the_kind_words_own_phrase_still_resolves_after_a_name(
        matcher: Matcher, text: str, language: str) -> None:
    assert organisations(matcher, text, language) == ["academpark", "nizhnekamsk"]


@pytest.mark.parametrize("text, language", [
    ("Академпарк подвёл итоги года.\nВ IT-парке сейчас работают 60 компаний.", "ru"),
    ("Academpark summed up its year.\nThe IT park now hosts 60 resident companies.", "en"),
    ("Der Akadempark zog Bilanz.\nIm IT-Park sind inzwischen 60 Unternehmen tätig.", "de"),
])
def test_a_bare_kind_word_is_the_one_organisation_of_that_kind_in_the_articles_region(
        matcher: Matcher, text: str, language: str) -> None:
    assert organisations(matcher, text, language) == ["academpark", "nsk-itpark"]
    assert owners(matcher, text, language) == ["nsk-itpark"]


@pytest.mark.parametrize("text, language", [
    # Kazan has two technoparks: the region does not tell which one.
    ("IT-парк Казани подвёл итоги года.\nВ технопарке сейчас работают 60 компаний.", "ru"),
    # Plural: several parks.
    ("Academpark summed up its year.\nIT parks now host 60 resident companies.", "en"),
    # No organisation named, so no region.
    ("Im IT-Park sind inzwischen 60 Unternehmen tätig.", "de"),
])
def test_a_bare_kind_word_without_one_fitting_organisation_in_the_region_is_nobody(
        matcher: Matcher, text: str, language: str) -> None:
    found = organisations(matcher, text, language)
    assert "nsk-itpark" not in found and "khimgrad" not in found and "idea" not in found


@pytest.mark.parametrize("text, language", [
    ("В Томске работают два технопарка: «Заря» и «Орбита».", "ru"),
    ("Томские технопарки — «Заря», «Орбита» — расширяются.", "ru"),
    ("Two technoparks, \"Zarya\" and \"Orbita\", opened in Tomsk.", "en"),
    ("Die Technoparks „Sarja“ und „Orbita“ wachsen.", "de"),
])
def test_quoted_names_a_kind_word_governs_in_a_list_are_its_organisations(
        matcher: Matcher, text: str, language: str) -> None:
    assert sorted(organisations(matcher, text, language)) == ["orbita", "zarya"]


@pytest.mark.parametrize("text, language", [
    ("Спортсмены «Зари» и «Орбиты» сыграли вничью.", "ru"),          # no kind word
    ("В Томске работают два технопарка. Вчера «Заря» и «Орбита» сыграли вничью.", "ru"),
    ("В технопарке выступили ансамбли Заря и Орбита.", "ru"),           # not in quotes
    ("Two technoparks opened, said the director of \"Zarya\" hotel.", "en"),
])
def test_a_park_name_without_its_kind_word_governing_it_in_quotes_is_nobody(
        matcher: Matcher, text: str, language: str) -> None:
    assert "zarya" not in organisations(matcher, text, language)


def test_a_kind_word_governs_only_names_of_its_kind(matcher: Matcher) -> None:
    assert organisations(matcher, "В Омске создана ОЭЗ: «Орбита».", "ru") == ["orbita-sez"]
    assert organisations(matcher, "Две особые экономические зоны: «Заря» и «Орбита».",
                         "ru") == ["orbita-sez"]
