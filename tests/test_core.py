"""The pure core: normalisation keeps offsets, matching finds exact forms, identity is stable."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.config import Organisation, RulesFile
from monitor.extract import extract_page
from monitor.identity import article_key, canonical_url
from monitor.language import SAMPLE_CHARS, _identifier, by_script, detect
from monitor.match import Matcher
from monitor.normalize import DASHES, QUOTES, REMOVED, SPACES, normalize
from monitor.tokens import sentence_spans

YAKUTIA = Organisation(id="technopark-yakutia", name="Технопарк «Якутия»",
                       aliases={"ru": ["Технопарк Якутия"], "en": ["Technopark Yakutia"]})
ITPARK = Organisation(id="it-park-yakutia", name="IT-парк Якутии", aliases={"de": ["IT-Park"]})
STRASSE = Organisation(id="strasse", name="Große Straße", aliases={})


def matcher(*orgs: Organisation) -> Matcher:
    return Matcher(RulesFile(organisations=list(orgs)))


def matched(text: str, *orgs: Organisation) -> list[tuple[str, str]]:
    return [(h.organisation, h.matched) for h in matcher(*(orgs or (YAKUTIA, ITPARK))).match(text)]


@pytest.mark.parametrize("text, expected", [
    ("Технопарк «Якутия» открыл набор", [("technopark-yakutia", "Технопарк «Якутия»")]),
    ("ТЕХНОПАРК „ЯКУТИЯ“ открыл", [("technopark-yakutia", "ТЕХНОПАРК „ЯКУТИЯ“")]),
    ('технопарк "Якутия"', [("technopark-yakutia", 'технопарк "Якутия"')]),
    ("Технопарк\u00a0Якутия", [("technopark-yakutia", "Технопарк\u00a0Якутия")]),
    ("Technopark\u2009Yakutia grows", [("technopark-yakutia", "Technopark\u2009Yakutia")]),
    ("Тех\u00adнопарк Якутия", [("technopark-yakutia", "Тех\u00adнопарк Якутия")]),
    ("IT–парк Якутии растёт", [("it-park-yakutia", "IT–парк Якутии")]),
    # inflections match (lemmas, stems); a longer word does not
    ("Технопарк Якутиями", [("technopark-yakutia", "Технопарк Якутиями")]),
    ("the IT-Parks", [("it-park-yakutia", "IT-Parks")]),
    ("СуперТехнопарк Якутия", []),
])
def test_exact_forms(text: str, expected: list[tuple[str, str]]) -> None:
    assert matched(text) == expected


def test_casefold_and_yo() -> None:
    assert matched("GROSSE STRASSE", STRASSE) == [("strasse", "GROSSE STRASSE")]
    org = Organisation(id="yo", name="Ёлкин парк")
    assert matched("в парке: Елкин Парк", org) == [("yo", "Елкин Парк")]


def test_hit_offsets_and_snippet() -> None:
    text = "Первое предложение. Резиденты: Технопарк «Якутия» растёт.\nДругой абзац."
    (hit,) = matcher(YAKUTIA).match(text)
    assert text[hit.start:hit.end] == hit.matched == "Технопарк «Якутия»"
    assert hit.snippet == "Резиденты: Технопарк «Якутия» растёт."
    assert hit.kind == "organisation" and hit.rule == "technopark-yakutia"


def test_longest_alias_wins() -> None:
    short = Organisation(id="yakutia", name="Якутия")
    hits = matched("Технопарк «Якутия» и Якутия", YAKUTIA, short)
    assert hits == [("technopark-yakutia", "Технопарк «Якутия»"), ("yakutia", "Якутия")]


def test_no_organisations_matches_nothing() -> None:
    assert matcher().match("Технопарк «Якутия»") == []


SPECIAL = QUOTES + DASHES + SPACES + REMOVED + "ёЁßİẞﬁ"
texts = st.text(alphabet=st.one_of(st.sampled_from(SPECIAL), st.characters()), max_size=80)


@given(texts)
def test_normalize_offsets_stay_on_original(text: str) -> None:
    norm = normalize(text)
    for i in range(len(norm.text)):
        start, end = norm.span(i, i + 1)
        assert 0 <= start < end <= len(text)
        # the normalised character comes from exactly that original character
        assert norm.text[i] in normalize(text[start:end]).text
    if norm.offsets is not None:
        assert list(norm.offsets) == sorted(norm.offsets)


@given(st.text(max_size=30), st.text(max_size=30), st.sampled_from(["«", "„", '"', "“"]))
def test_match_span_is_original_text(before: str, after: str, quote: str) -> None:
    text = f"{before} Технопарк {quote}Якутия{quote} {after}"
    hits = matcher(YAKUTIA).match(text)
    for hit in hits:
        assert text[hit.start:hit.end] == hit.matched
        assert hit.matched in hit.snippet or len(hit.snippet) < len(hit.matched) + 2
    assert any(h.matched.endswith("Якутия" + quote) for h in hits)


def test_sentences_end_at_stops_and_newlines() -> None:
    text = "A first one. The Second one! Third?\nFourth"
    assert [text[a:b] for a, b in sentence_spans(text)] == [
        "A first one.", "The Second one!", "Third?", "Fourth"]


@pytest.mark.parametrize("text, sentences", [
    ("Выручка составила 1,5 млрд руб. в 2023 г. Это на 20% больше.",
     ["Выручка составила 1,5 млрд руб. в 2023 г.", "Это на 20% больше."]),
    ("В т.ч. 15 тыс. кв. м площадей. Далее.", ["В т.ч. 15 тыс. кв. м площадей.", "Далее."]),
    ("Der Umsatz lag bei 1,2 Mrd. Rubel. Das sind rund 5.000 Quadratmeter.",
     ["Der Umsatz lag bei 1,2 Mrd. Rubel.", "Das sind rund 5.000 Quadratmeter."]),
    ("Mr. Smith met A. S. Popov in the U.S. Then he left.",
     ["Mr. Smith met A. S. Popov in the U.S.", "Then he left."]),
    ("Он сказал: «Растём.» Дальше", ["Он сказал: «Растём.»", "Дальше"]),
])
def test_sentences_keep_abbreviations_and_figures_together(text: str,
                                                           sentences: list[str]) -> None:
    assert [text[a:b] for a, b in sentence_spans(text)] == sentences


@pytest.mark.parametrize("url, canonical", [
    ("HTTPS://Example.ORG:443/a?utm_source=x&id=5#top", "https://example.org/a?id=5"),
    ("http://example.org", "http://example.org/"),
    ("http://example.org:8080/x?fbclid=1&yclid=2", "http://example.org:8080/x"),
    ("https://example.org/x?b=2&a=1", "https://example.org/x?b=2&a=1"),
])
def test_canonical_url(url: str, canonical: str) -> None:
    assert canonical_url(url) == canonical


def test_article_key_order() -> None:
    assert article_key("g1", "http://a/", "h") == "guid:g1"
    assert article_key(None, "http://A/x?utm_medium=y", "h") == "url:http://a/x"
    assert article_key("  ", None, "h") == "hash:h"


_BODY = ("<body><article><h1>Итоги года</h1><p>Резиденты технопарка «Якутия» выпустили "
         "продукцию на два миллиарда рублей, сообщили в пресс-службе.</p><p>Новый корпус "
         "откроется летом следующего года, в нём разместятся ещё сорок компаний.</p>"
         "</article></body></html>")


@pytest.mark.parametrize("head, title, canonical", [
    # og:title is the page's own headline; <title> often carries the site's name after it.
    ('<meta content="Итоги года" property="og:title"><title>Итоги | Sakha News</title>'
     '<link rel="canonical" href="/news/itogi">', "Итоги года", "https://news.example/news/itogi"),
    ("<title>\n  Итоги &amp; планы </title><link rel='Canonical Alternate' "
     "href='https://mirror.example/a'>", "Итоги & планы", "https://mirror.example/a"),
    # A <title> loses the site's name after its last separator, unless the rest is a domain.
    ("<title>Итоги - планы | Sakha News</title>", "Итоги - планы", None),
    ("<title>Sakha.ru — Итоги года</title>", "Итоги года", None),
    # A canonical link to the page itself, or not to the web, adds nothing.
    ('<link rel="canonical" href="https://news.example/a?x=1">', None, None),
    ('<link rel="canonical" href="javascript:alert(1)"><title></title>', None, None),
    # Only the head counts: a <title> inside an SVG in the body is not the page's.
    ("", None, None),
])
def test_page_title_and_canonical_come_from_its_head(head: str, title: str | None,
                                                     canonical: str | None) -> None:
    body = _BODY.replace("<h1>", "<svg><title>x</title></svg><h1>")
    html = f"<html lang='ru'><head>{head}</head>{body}"
    page = extract_page(html.encode(), "https://news.example/a?x=1")
    assert (page.title, page.canonical_url, page.language) == (title, canonical, "ru")
    assert "два миллиарда рублей" in page.text and "Sakha News" not in page.text


def test_page_with_a_mangled_head_still_gives_its_text() -> None:
    """html.parser gives up on a malformed marked section (AssertionError); the page keeps its
    text and the title read before it."""
    html = "<html><head><title>Итоги</title><![bogus[ x ]]><link rel=canonical href=/b>" + _BODY
    page = extract_page(html.encode(), "https://news.example/a")
    assert "сорок компаний" in page.text
    assert (page.title, page.canonical_url) == ("Итоги", None)


PRESS = Path(__file__).resolve().parent.parent / "bench" / "press"


def test_script_decides_only_what_the_model_would_answer() -> None:
    """Every press text the script decides (its first 60, 200 and 3,000 characters) gets the
    answer the model gives, for the shipped rules' languages."""
    languages = frozenset({"ru", "en", "de"})
    decided = 0
    for path in sorted(PRESS.glob("*.txt")):
        for cut in (60, 200, SAMPLE_CHARS):
            sample = path.read_text(encoding="utf-8")[:cut]
            if (by_text := by_script(sample, languages)) is not None:
                decided += 1
                assert by_text == _identifier(languages).classify(sample)[0], (path.name, cut)
    assert decided > 100


@pytest.mark.parametrize("text, languages, expected", [
    ("Выручка Технопарка «Якутия» составила 1,5 млрд рублей (IT, Yandex)", ("ru", "en", "de"),
     "ru"),
    ("Revenue of Technopark Yakutia grew", ("ru", "en"), "en"),
    # Two candidates share the script, or the letters are mixed: the model decides.
    ("Revenue of Technopark Yakutia grew", ("ru", "en", "de"), None),
    ("Yandex Cloud и Sber AI открыли новый центр", ("ru", "en"), None),
    # A language of unknown script is never decided by script.
    ("Выручка выросла", ("ru", "xx"), None),
    ("Vrednost je porasla", ("en", "sr"), None),
    ("Выручка выросла", ("ru", "uk"), None),
])
def test_by_script(text: str, languages: tuple[str, ...], expected: str | None) -> None:
    assert by_script(text, frozenset(languages)) == expected


def test_a_text_the_script_decides_never_loads_the_model() -> None:
    languages = ("ru", "de", "en")
    before = _identifier.cache_info()
    assert detect("Резиденты технопарка выпустили продукцию", languages) == "ru"
    assert _identifier.cache_info() == before
    assert detect("Die Einwohner des Technoparks haben Waren hergestellt", languages) == "de"
    assert detect("The residents of the technopark made goods worth", languages) == "en"
