"""Candidate organisations: phrases that name a technopark, IT park, zone or fund the rules do
not know. Detected on real text, stored by a real poll of a loopback feed, listed by the
`candidates` command, and the stanza it prints loads as rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.candidates import read, stanza
from monitor.config import RulesFile, load_rules
from monitor.match import Matcher
from monitor.store import Outbox, Store

from helpers import RULES, db_rows, invoke, rss, write_config
from httpserver import TestServer
from receivers import WebhookReceiver

DETECTED = [
    # language, text, the phrase as written, its key
    ("ru", "Резиденты технопарка «Родина» получили гранты.", "технопарка «Родина»",
     "технопарк родина"),
    ("ru", "Вчера открылся IT-парк в Набережных Челнах.", "IT-парк в Набережных Челнах",
     "it парк в набережный челны"),
    ("ru", "В ИТ-парке «Университетский» прошла встреча.", "ИТ-парке «Университетский»",
     "it парк университетский"),
    ("ru", "ОЭЗ „Зеленоград“ получила новый статус.", "ОЭЗ „Зеленоград“", "оэз зеленоград"),
    ("ru", 'Глава индустриального парка "Великий камень" выступил.',
     'индустриального парка "Великий камень"', "индустриальный парк великий камень"),
    ("ru", "Резиденты особой экономической зоны «Зеленоград» растут.",
     "особой экономической зоны «Зеленоград»", "оэз зеленоград"),
    ("ru", "Фонд «Импульс» выделил деньги.", "Фонд «Импульс»", "фонд импульс"),
    ("ru", 'Проекты НОЦ "Север" обсудили.', 'НОЦ "Север"', "ноц север"),
    ("ru", "В технопарке Кванториум прошла выставка.", "технопарке Кванториум",
     "технопарк кванториум"),
    ("ru", "В технопарке им. Попова открыли лабораторию.", "технопарке им. Попова",
     "технопарк им попов"),
    ("ru", "Соглашение с Парком высоких технологий Республики Беларусь подписано.",
     "Парком высоких технологий Республики Беларусь",
     "it парк республика беларусь"),
    ("en", "The Belarus High Technologies Park grew.", "Belarus High Technologies Park",
     "it park belarus"),
    ("en", "Technopark Dubna opened a laboratory.", "Technopark Dubna", "technopark dubna"),
    ("en", "Residents of the Kalibr technopark grew.", "Kalibr technopark",
     "technopark kalibr"),
    ("en", "A new IT park in Kazan opened.", "IT park in Kazan", "it park in kazan"),
    ("en", "The Bortnikov Fund backs startups.", "Bortnikov Fund", "fund bortnikov"),
    ("en", "Institutions such as Bortnikov Fund, and others.", "Bortnikov Fund",
     "fund bortnikov"),
    ("ru", "Новый технопарк в Казани открылся.", "технопарк в Казани", "технопарк в казань"),
    ("de", "Der Technologiepark Jakutien wächst.", "Technologiepark Jakutien",
     "technopark jakuti"),
    ("de", "Die Mieter des Technoparks Dubna zahlen wenig.", "Technoparks Dubna",
     "technopark dubna"),
    ("de", "Die Sonderwirtschaftszone Alabuga lockt Investoren.",
     "Sonderwirtschaftszone Alabuga", "sonderwirtschaftszon alabuga"),
]

NOT_DETECTED = [
    ("ru", "Технопарки региона выросли на треть."),
    ("ru", "Резиденты технопарков получили гранты."),
    ("ru", "Особые экономические зоны «Алабуга» и «Томск» растут."),
    ("ru", "В технопарке работают 40 компаний."),
    ("ru", "Новый технопарк в регионе откроют летом."),
    ("ru", "Фонд оплаты труда вырос."),
    ("ru", "Там построят технопарк. Родина ждёт."),
    ("en", "The technopark said revenue grew."),
    ("en", "IT parks across Russia report growth."),
    ("en", "The Russian technopark grew."),
    ("en", "Russia's technoparks in the regions grew."),
    ("de", "Die Technologieparks Russlands wachsen."),
    ("de", "Der Technopark wächst."),
    ("de", "Er ist der erste Hightech-Park in Fernost."),
    ("ru", "Это крупнейший технопарк в Сибири."),
    ("en", "It was the first technopark in Russia."),
    ("ru", "Директор технополиса Алексей Грушин выступил."),
    ("ru", "Резиденты ОЭЗ ТВТ растут."),
    ("en", "The SEZ in Russia grew."),
    ("en", "A new fund in March backed them."),
    ("de", "Die größte Sonderwirtschaftszone Russlands wächst."),
    ("de", "Größte Sonderwirtschaftszone bleibt Alabuga."),
    ("ru", "Первый технопарк открылся."),
    ("ru", "Парки высоких технологий Беларуси растут."),
]


@pytest.mark.parametrize(("language", "text", "written", "key"), DETECTED)
def test_detects_phrases_that_name_an_organisation(language: str, text: str, written: str,
                                                   key: str) -> None:
    (candidate,) = read(text, language)
    assert candidate.written == written
    assert text[candidate.start:candidate.end] == written
    assert candidate.key == key


@pytest.mark.parametrize(("language", "text"), NOT_DETECTED)
def test_generic_mentions_are_no_candidates(language: str, text: str) -> None:
    assert read(text, language) == []


def test_inflected_repeats_share_one_key() -> None:
    keys = {c.key for text in ("Технопарк «Родина» открыт.", "Резиденты технопарка «Родина».",
                               "В технопарке «Родина» прошёл форум.",
                               "Соглашение с технопарком \"Родина\".")
            for c in read(text, "ru")}
    assert keys == {"технопарк родина"}
    assert {c.key for text in ("Технопарк им. Попова.", "Технопарк имени Попова.")
            for c in read(text, "ru")} == {"технопарк им попов"}
    assert {c.key for text in ("Kalibr technopark grew.", "Technopark Kalibr grew.")
            for c in read(text, "en")} == {"technopark kalibr"}


def test_registered_organisations_are_no_candidates(tmp_path: Path) -> None:
    matcher = Matcher(load_rules_text(RULES, tmp_path))
    analysis = matcher.analyse("Технопарк «Якутия» и технопарк «Родина» подписали соглашение. "
                               "Сколково стало партнёром IT-парка в Якутске.", "ru")
    assert [h.matched for h in analysis.candidates] == ["технопарк «Родина»",
                                                        "IT-парка в Якутске"]
    assert all(h.kind == "candidate" and h.organisation is None for h in analysis.candidates)
    assert "candidate" not in {h.kind for h in analysis.hits}
    # A phrase that says where a registered organisation is describes it: nothing new.
    described = matcher.analyse("Der Technopark Jakutien, der Technopark in Jakutsk, wächst.",
                                "de")
    assert described.candidates == []


def test_stanza_loads_as_rules(tmp_path: Path) -> None:
    (candidate,) = read("Резиденты технопарка «Родина» получили гранты.", "ru")
    entry = stanza(candidate, {"tekhnopark-rodina"})
    assert entry == {"id": "tekhnopark-rodina-2", "name": "Технопарк «Родина»",
                     "aliases": {"ru": ["Технопарк «Родина»"], "en": ["Rodina Technopark"]},
                     "kind": "technopark"}
    (place,) = read("Вчера открылся IT-парк в Набережных Челнах.", "ru")
    assert stanza(place, set()) == {
        "id": "it-park-v-naberezhnykh-chelnakh", "name": "IT-парк в Набережных Челнах",
        "aliases": {"ru": ["IT-парк в Набережных Челнах"], "en": ["IT Park in Naberezhnye Chelny"]},
        "kind": "it_park", "place": ["Набережные Челны"]}
    (person,) = read("В технопарке имени Попова открыли лабораторию.", "ru")
    assert stanza(person, set())["aliases"] == {"ru": ["Технопарк имени Попова"],
                                                "en": ["Popov Technopark"]}
    (english,) = read("Residents of the Kalibr technopark grew.", "en")
    assert stanza(english, set()) == {"id": "kalibr-technopark", "name": "Kalibr Technopark",
                                      "aliases": {"en": ["Kalibr Technopark"]},
                                      "kind": "technopark"}
    text = yaml.safe_dump({"organisations": [entry, stanza(place, set())]}, allow_unicode=True)
    rules = load_rules_text(text, tmp_path)
    found = Matcher(rules).analyse("В технопарке «Родина» и в Rodina Technopark.", "ru")
    assert [h.organisation for h in found.hits] == ["tekhnopark-rodina-2"] * 2


PIECES = ["технопарк", "технопарка", "Технопарки", "ОЭЗ", "IT-парке", "особой", "экономической",
          "зоны", "«", "»", '"', "„", "“", "в", "in", "im", "the", "Dubna", "Родина", "Набережных",
          "Челнах", "Kalibr", "technopark", "Fund", "Technoparks", "des", "Алексей", "первый",
          ".", ",", "—", "(", "\n", "2024"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=3)), max_size=30),
       st.lists(st.sampled_from(["", " ", "  ", "-"]), min_size=30, max_size=30),
       st.sampled_from(["ru", "en", "de", None]))
def test_any_text_gives_phrases_that_index_it(pieces: list[str], gaps: list[str],
                                              language: str | None) -> None:
    text = "".join(piece + gap for piece, gap in zip(pieces, gaps, strict=False))
    for candidate in read(text, language):
        assert 0 <= candidate.start < candidate.end <= len(text)
        assert text[candidate.start:candidate.end] == candidate.written
        assert candidate.key and candidate.name
        entry = stanza(candidate, set())
        assert entry["id"] and entry["name"].strip()


# --------------------------------------------------------------------------- stored, listed

ALERT_RULES = RULES.replace("alerts: []\n", """\
alerts:
  - name: yakutia
    when: {organisation: technopark-yakutia}
    targets:
      - webhook: WEBHOOK
""")


def feed(server: TestServer, extra: str = "") -> None:
    server.route("/feed.xml", rss([
        {"guid": "a1", "title": "Технопарк «Родина» открыл корпус", "link": "http://x.invalid/1",
         "description": "Резиденты технопарка «Родина» выпустили продукцию. "
                        "Вчера открылся IT-парк в Набережных Челнах."},
        {"guid": "a2", "title": "Гранты", "link": "http://x.invalid/2",
         "description": "В технопарке «Родина» прошёл форум." + extra},
        {"guid": "a3", "title": "Якутия", "link": "http://x.invalid/3",
         "description": "Технопарк «Якутия» подписал соглашение с технопарком «Родина»."},
    ]))


@pytest.fixture
def polled(tmp_path: Path, http_server: TestServer,
           webhook_receiver: WebhookReceiver) -> list[str]:
    feed(http_server)
    opts = write_config(tmp_path, [{"name": "news", "url": http_server.url("/feed.xml"),
                                    "fetch_article": "false"}],
                        rules=ALERT_RULES.replace("WEBHOOK", webhook_receiver.url))
    result = invoke("poll", *opts)
    assert "news: 3 new" in result.output, result.output
    return opts


def test_poll_stores_candidates_that_never_alert(polled: list[str], tmp_path: Path,
                                                 http_server: TestServer,
                                                 webhook_receiver: WebhookReceiver) -> None:
    rows = db_rows(tmp_path, "select a.guid, h.rule, h.organisation, h.matched, h.snippet "
                             "from hits h join articles a on a.id = h.article_id "
                             "where h.kind = 'candidate' order by h.id")
    assert [(r["guid"], r["rule"], r["matched"]) for r in rows] == [
        ("a1", "технопарк родина", "Технопарк «Родина»"),
        ("a1", "технопарк родина", "технопарка «Родина»"),
        ("a1", "it парк в набережный челны", "IT-парк в Набережных Челнах"),
        ("a2", "технопарк родина", "технопарке «Родина»"),
        ("a3", "технопарк родина", "технопарком «Родина»")]
    assert {r["organisation"] for r in rows} == {None}
    assert rows[1]["snippet"] == "Резиденты технопарка «Родина» выпустили продукцию."
    # Only the article that names a registered organisation alerted, listing only its hits.
    alerts = db_rows(tmp_path, "select a.article_id, r.guid from alerts a "
                               "join articles r on r.id = a.article_id")
    assert [a["guid"] for a in alerts] == ["a3"]
    (delivery,) = webhook_receiver.deliveries
    (article,) = delivery.json()["articles"]
    assert [h["kind"] for h in article["hits"]] == ["organisation"]
    assert article["hits_total"] == 1
    with Store(tmp_path / "monitor.db") as store:
        _article, hits, total = Outbox(store).article(alerts[0]["article_id"], 50)
    assert [h["kind"] for h in hits] == ["organisation"] and total == 1
    # An edit that adds only a candidate alerts nobody.
    http_server.route("/feed.xml", rss([
        {"guid": "a3", "title": "Якутия", "link": "http://x.invalid/3",
         "description": "Технопарк «Якутия» подписал соглашение с технопарком «Родина» "
                        "и ОЭЗ «Зеленоград»."}]))
    assert "news: 0 new, 1 updated" in invoke("poll", *polled).output
    assert len(db_rows(tmp_path, "select * from alerts")) == 1


def test_candidates_command_lists_them_with_stanzas_that_load(polled: list[str],
                                                             tmp_path: Path) -> None:
    db = ["--db", str(tmp_path / "monitor.db"), "--rules", str(tmp_path / "rules.yaml")]
    result = invoke("candidates", *db)
    assert result.exit_code == 0, result.output
    assert "# Технопарк «Родина»: 3 articles, first seen 2026-03-02, last seen 2026-03-02" \
        in result.output
    assert "Набережных" not in result.output  # one article only: below --min 2
    everything = invoke("candidates", *db, "--min", "1").output
    assert everything.index("Технопарк «Родина»") < everything.index("IT-парк в Набережных")
    assert "#   «Технопарк «Якутия» подписал соглашение с технопарком «Родина».»" in everything
    assert invoke("candidates", *db, "--min", "1", "--limit", "1").output.count("- id:") == 1
    # The whole output, pasted under `organisations:`, is valid rules.
    rules_file = tmp_path / "rules.yaml"
    pasted = rules_file.read_text(encoding="utf-8").replace(
        "organisations:\n", "organisations:\n" + everything, 1)
    rules_file.write_text(pasted, encoding="utf-8")
    rules = load_rules(rules_file)
    assert {o.id: o.kind for o in rules.organisations} == {
        "technopark-yakutia": None, "skolkovo": None, "tekhnopark-rodina": "technopark",
        "it-park-v-naberezhnykh-chelnakh": "it_park"}
    # Now the rules know them: nothing left to suggest.
    assert invoke("candidates", *db, "--min", "1").output.startswith("no candidates")


def test_candidates_command_refuses_a_missing_database(tmp_path: Path) -> None:
    write_config(tmp_path, [])
    result = invoke("candidates", "--db", str(tmp_path / "none.db"), "--rules",
                    str(tmp_path / "rules.yaml"))
    assert result.exit_code == 2 and "none.db" in result.output


def load_rules_text(text: str, directory: Path) -> RulesFile:
    """Rules from YAML text, through `load_rules` as a user's file goes."""
    path = directory / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return load_rules(path)
