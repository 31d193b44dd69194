"""The starter registry: rules.yaml and the registry files it includes load, cover the field and
find the parks as the press writes them.

The files under registry/ are data a user extends or replaces, so the checks here are about
what every entry must carry (a Russian name, an English form, kind and place) and about the
loader refusing what would make mentions ambiguous (an alias two organisations share)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from monitor.config import load_rules
from monitor.errors import ConfigError
from monitor.match import Matcher

from helpers import REPO

REGISTRY = ("registry/technoparks.yaml", "registry/it-parks.yaml")
MINIMUM = {"registry/technoparks.yaml": 70, "registry/it-parks.yaml": 16}
"""At least this many organisations per file: what was established from public reporting when
the file was written. A merge that drops entries fails here."""

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def own_ids(filename: str) -> list[str]:
    """The ids a registry file defines, read without the loader."""
    data = yaml.safe_load((REPO / filename).read_text(encoding="utf-8"))
    return [org["id"] for org in data["organisations"]]


@pytest.fixture(scope="module")
def rules():
    return load_rules(REPO / "rules.yaml")


@pytest.fixture(scope="module")
def matcher(rules) -> Matcher:
    return Matcher(rules)


def test_the_shipped_rules_include_every_registry_file_and_load_them_all(rules) -> None:
    ids = [org.id for org in rules.organisations]
    assert set(REGISTRY) <= set(rules.include)
    for filename in REGISTRY:
        assert set(own_ids(filename)) <= set(ids), filename
    assert len(ids) == len(set(ids))


def test_the_starter_registry_covers_the_field(rules) -> None:
    """Issue 8: at least 250 organisations, rules.yaml's own and the files it includes."""
    assert len(rules.organisations) >= 250


@pytest.mark.parametrize("filename", REGISTRY)
def test_each_registry_file_keeps_its_organisations(filename: str) -> None:
    assert len(own_ids(filename)) >= MINIMUM[filename]


@pytest.mark.parametrize("filename", REGISTRY)
def test_every_registry_organisation_has_a_russian_name_an_english_form_kind_and_place(
        rules, filename: str) -> None:
    by_id = {org.id: org for org in rules.organisations}
    for org_id in own_ids(filename):
        org = by_id[org_id]
        assert CYRILLIC.search(org.name), f"{org_id}: the name is not Russian"
        assert org.aliases.get("ru"), f"{org_id}: no Russian alias"
        assert org.aliases.get("en"), f"{org_id}: no English alias"
        assert org.aliases.get("de"), f"{org_id}: no German alias"
        assert org.kind in ("technopark", "it_park", "industrial_park", "innovation_centre"), org_id
        assert org.place and any(CYRILLIC.search(p) for p in org.place), org_id
        assert any(not CYRILLIC.search(p) for p in org.place), f"{org_id}: no Latin place"


def test_every_park_of_the_shipped_rules_says_where_it_is(rules) -> None:
    # A park without a place can never be found by a descriptive mention ("IT-парк в Омске").
    parks = [org for org in rules.organisations if org.kind in ("technopark", "it_park")]
    assert len(parks) > sum(MINIMUM.values())
    assert [org.id for org in parks if not org.place] == []


def test_every_organisation_named_a_technopark_is_of_that_kind_and_says_where_it_is(
        rules) -> None:
    # Without a kind, "шесть технопарков: «Слава», «Строгино»" cannot name it in a list, and
    # "технопарк в Москве" cannot describe it.
    named = [org for org in rules.organisations if org.name.startswith("Технопарк")]
    assert len(named) > 50
    assert [org.id for org in named
            if org.kind not in ("technopark", "it_park") or not org.place] == []


@pytest.mark.parametrize("text, language, expected", [
    ("В столице уже работают четыре технопарка: «Слава», «Строгино», «Калибр» и «Сапфир».",
     "ru", {"technopark-slava", "technopark-strogino", "technopark-kalibr",
            "technopark-sapfir"}),
    ("Moscow's technoparks \"Slava\" and \"Strogino\" added new tenants.", "en",
     {"technopark-slava", "technopark-strogino"}),
    ("Die Technoparks „Slawa“ und „Strogino“ erweitern ihre Flächen.", "de",
     {"technopark-slava", "technopark-strogino"}),
])
def test_quoted_names_in_a_list_after_a_kind_word_are_found(
        matcher: Matcher, text: str, language: str, expected: set[str]) -> None:
    found = {h.organisation for h in matcher.match(text, language) if h.kind == "organisation"}
    assert found == expected


@pytest.mark.parametrize("text, language", [
    ("Болельщики скандировали «Слава» у стадиона в Строгино.", "ru"),
    ("Жители Строгино открыли технопарк для детей.", "ru"),
])
def test_a_registered_park_name_without_its_kind_word_or_quotes_is_no_mention(
        matcher: Matcher, text: str, language: str) -> None:
    assert [h.organisation for h in matcher.match(text, language)
            if h.kind == "organisation"] == []


@pytest.mark.parametrize("text, language, expected", [
    ("Резиденты Тюменского технопарка запустили 12 проектов.", "ru", "technopark-tyumen"),
    ("В Кузбасском технопарке открыли лабораторию.", "ru", "kuzbass-technopark"),
    ("Технопарк «Рамеев» принял новых резидентов.", "ru", "technopark-rameev"),
    ("В Челнинском IT-парке заполнено 99 % площадей.", "ru", "it-park-chelny"),
    ("Омский ИТ-парк откроется завтра.", "ru", "it-park-omsk"),
    ("The Kuzbass Technopark signed an agreement.", "en", "kuzbass-technopark"),
    ("Residents of the Tyumen Technopark grew.", "en", "technopark-tyumen"),
    ("Der IT-Park Almetjewsk wächst.", "de", "it-park-almetyevsk"),
    ("Die Mieter des Technoparks Tjumen zahlen weniger.", "de", "technopark-tyumen"),
    ("Статус получил IT-технопарк «Семёновский».", "ru", "technopark-semenovsky"),
    ("Лучшим стал технопарк «Семеновский».", "ru", "technopark-semenovsky"),
])
def test_registry_parks_are_found_as_the_press_writes_them(
        matcher: Matcher, text: str, language: str, expected: str) -> None:
    found = {h.organisation for h in matcher.match(text, language) if h.kind == "organisation"}
    assert found == {expected}


@pytest.mark.parametrize("text, language", [
    ("Жители Тюмени и Кемерова вышли на субботник.", "ru"),
    ("Энергия ветра и приборостроение растут.", "ru"),
    ("Vologda and Yaroslavl signed a road agreement.", "en"),
    ("Die Stadt Tomsk und das Kusbass wachsen.", "de"),
])
def test_a_place_or_a_common_word_alone_is_no_mention(
        matcher: Matcher, text: str, language: str) -> None:
    assert [h for h in matcher.match(text, language) if h.kind == "organisation"] == []


def test_a_shared_alias_across_the_registry_is_refused_naming_both_files(tmp_path: Path) -> None:
    shutil.copy(REPO / "rules.yaml", tmp_path / "rules.yaml")
    shutil.copytree(REPO / "registry", tmp_path / "registry")
    assert load_rules(tmp_path / "rules.yaml").organisations  # the untouched copy loads
    it_parks = tmp_path / "registry" / "it-parks.yaml"
    text = it_parks.read_text(encoding="utf-8")
    edited = text.replace("ru: [IT-парк Вологды,", "ru: [Тюменский технопарк, IT-парк Вологды,", 1)
    assert edited != text
    it_parks.write_text(edited, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_rules(tmp_path / "rules.yaml")
    (problem,) = info.value.problems
    assert problem.startswith("registry/it-parks.yaml:")
    assert "alias 'Тюменский технопарк' is also used by organisations[" in problem
    assert "(registry/technoparks.yaml:" in problem
