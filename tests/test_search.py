"""`search`: inflected words find each other, through articles polled from a real HTTP server
on 127.0.0.1 into a real SQLite file (the reading stage lemmatises, the store indexes)."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.config import Source, load_rules
from monitor.errors import SearchError
from monitor.match import Matcher
from monitor.morph import form, query_forms
from monitor.parse import Entry
from monitor.reading import Gathered, read
from monitor.search import search
from monitor.store import _V11, AFTER_MIGRATION, MIGRATIONS, Store, _lemmas, _statements

from helpers import RULES, invoke, rss, write_config
from httpserver import TestServer

RU = [
    {"guid": "ru1", "title": "Выручка резидентов выросла",
     "description": "Технопарку в Якутии передали новый корпус. Резиденты довольны.",
     "pubDate": "Mon, 02 Mar 2026 10:00:00 +0000"},
    {"guid": "ru2", "title": "Форум в Казани",
     "description": "В Казани прошёл форум; технопарки Татарстана показали разработки.",
     "pubDate": "Tue, 03 Mar 2026 10:00:00 +0000"},
]
EN = [
    {"guid": "en1", "title": "Two technoparks open in Siberia",
     "description": "The new technoparks will host 40 residents.",
     "pubDate": "Wed, 04 Mar 2026 10:00:00 +0000"},
]
DE = [
    {"guid": "de1", "title": "Neue Technologieparks in Jakutiens Norden",
     "description": "Die Region baut zwei Technologieparks.",
     "pubDate": "Thu, 05 Mar 2026 10:00:00 +0000"},
]
FEEDS = {"ru-news": (RU, "ru"), "en-news": (EN, "en"), "de-news": (DE, "de")}


def _serve(server: TestServer, feeds: dict[str, tuple[list[dict], str]]) -> list[dict]:
    sources = []
    for name, (items, language) in feeds.items():
        server.route(f"/{name}.xml", rss([{**item, "link": server.url(f"/{item['guid']}")}
                                          for item in items], language=language))
        sources.append({"name": name, "url": server.url(f"/{name}.xml"),
                        "fetch_article": "false"})
    return sources


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The database after one poll of the three feeds (read-only for the tests using it)."""
    folder = tmp_path_factory.mktemp("archive")
    server = TestServer()
    try:
        opts = write_config(folder, _serve(server, FEEDS))
        result = invoke("poll", *opts)
    finally:
        server.close()
    assert "ru-news: 2 new" in result.output, result.output
    return folder / "monitor.db"


def _search(db: Path, *args: str) -> list[dict]:
    result = invoke("search", *args, "--json", "--db", str(db))
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def _titles(db: Path, *args: str) -> list[str]:
    return [found["title"] for found in _search(db, *args)]


def test_an_inflected_russian_query_finds_the_article_and_marks_the_original_words(
        archive: Path) -> None:
    (found,) = _search(archive, "технопарков Якутии")
    assert found["title"] == "Выручка резидентов выросла"
    assert found["source"] == "ru-news" and found["date"] == "2026-03-02T10:00:00Z"
    assert found["url"].endswith("/ru1") and isinstance(found["id"], int)
    # The snippet is the article's own text, its words as written, the matched ones marked.
    assert "**Технопарку** в **Якутии** передали новый корпус." in found["snippet"]
    assert sorted(_titles(archive, "технопарк")) == ["Выручка резидентов выросла",
                                                     "Форум в Казани"]
    assert _titles(archive, "Татарстан") == ["Форум в Казани"]


def test_a_query_word_stands_for_every_form_its_inflections_are_indexed_as() -> None:
    """The index keeps one form a word, its likeliest: "парке" is kept as "парка" (of
    "парка", a parka), so "парк" must look for that form too."""
    assert form("парке") == "парка"
    assert {"парк", "парка"} <= set(query_forms("парк"))
    assert set(query_forms("Jakutiens".lower())) == {form("jakutiens", "en"),
                                                     form("jakutiens", "de")}


def test_english_plural_and_singular_find_each_other(archive: Path) -> None:
    assert _titles(archive, "technopark") == ["Two technoparks open in Siberia"]
    assert _titles(archive, "Resident") == ["Two technoparks open in Siberia"]
    (found,) = _search(archive, "technopark")
    assert "**technoparks**" in found["snippet"]


def test_german_inflections_find_each_other(archive: Path) -> None:
    (found,) = _search(archive, "Technologiepark Jakutien")
    assert found["title"] == "Neue Technologieparks in Jakutiens Norden"
    assert "**Technologieparks** in **Jakutiens** Norden" in found["snippet"]


def test_quoted_phrases_keep_their_order_and_operators_work(archive: Path) -> None:
    assert _titles(archive, '"технопарк в Якутии"') == ["Выручка резидентов выросла"]
    assert _titles(archive, '"Якутии технопарк"') == []
    assert _titles(archive, "технопарк NOT Якутия") == ["Форум в Казани"]
    assert sorted(_titles(archive, "Казань OR Siberia")) == ["Two technoparks open in Siberia",
                                                             "Форум в Казани"]
    assert sorted(_titles(archive, "технопарк*")) == ["Выручка резидентов выросла",
                                                      "Форум в Казани"]
    assert _titles(archive, "NEAR(технопарк Татарстана, 3)") == ["Форум в Казани"]


def test_source_since_limit_and_newest(archive: Path) -> None:
    both = ["Выручка резидентов выросла", "Форум в Казани"]
    # Three of the words in the older article, one in the newer: best match first by default.
    assert _titles(archive, "технопарк OR резидент") == both
    assert _titles(archive, "технопарк OR резидент", "--newest") == both[::-1]
    assert _titles(archive, "технопарк", "--since", "2026-03-03") == ["Форум в Казани"]
    assert _titles(archive, "technopark OR технопарк", "--source", "en-news") == [
        "Two technoparks open in Siberia"]
    assert len(_search(archive, "technopark OR технопарк OR Technologiepark",
                       "--limit", "2")) == 2


def test_the_text_output_names_each_article_and_the_order(archive: Path) -> None:
    result = invoke("search", "технопарков Якутии", "--db", str(archive))
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].endswith("2026-03-02  ru-news  Выручка резидентов выросла")
    assert lines[0].startswith("#")
    assert "**Технопарку** в **Якутии**" in result.output
    assert lines[-1] == "1 article, best match first"
    assert invoke("search", "Марс", "--db", str(archive)).output == "no article found\n"


@pytest.mark.parametrize("query, reason", [
    ('"технопарк', "a quote (\") is not closed"),
    ("AND технопарк", "fts5: syntax error"),
    ("(технопарк", "fts5: syntax error"),
    ("—", "no word to look for"),
    ("технопарк -Якутия", "write NOT before it"),  # not silently "технопарк AND якутия"
])
def test_a_query_fts5_cannot_read_is_a_clear_error(archive: Path, query: str,
                                                   reason: str) -> None:
    result = invoke("search", query, "--db", str(archive))
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: cannot search for {query!r}: ")
    assert reason in result.output and "Traceback" not in result.output


def test_a_bad_date_is_a_usage_error(archive: Path) -> None:
    result = invoke("search", "технопарк", "--since", "March", "--db", str(archive))
    assert result.exit_code == 2 and "'March' is not a date" in result.output


def test_plain_sqlite_utils_search_on_the_raw_text_still_works(archive: Path) -> None:
    tool = Path(sys.executable).parent / "sqlite-utils"
    out = subprocess.run([str(tool), "search", str(archive), "articles", "технопарку",
                          "-c", "title", "--csv"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["title", "Выручка резидентов выросла"]
    # The raw index has the word only as written: the lemmas are the other table's.
    out = subprocess.run([str(tool), "search", str(archive), "articles", "технопарков",
                          "-c", "title", "--csv"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and out.stdout.splitlines() == ["title"]


def test_an_updated_article_is_indexed_again_and_a_deleted_one_leaves(
        tmp_path: Path, http_server: TestServer) -> None:
    opts = write_config(tmp_path, _serve(http_server, {"ru-news": (RU, "ru")}))
    invoke("poll", *opts)
    db = tmp_path / "monitor.db"
    assert _titles(db, "Якутия") == ["Выручка резидентов выросла"]
    edited = {**RU[0], "description": "Технопарку в Мордовии передали новый корпус."}
    http_server.route("/ru-news.xml", rss([{**item, "link": http_server.url(f"/{item['guid']}")}
                                           for item in (edited, RU[1])]), etag='"v2"')
    assert "1 updated" in invoke("poll", *opts).output
    assert _titles(db, "Якутия") == []
    (found,) = _search(db, "Мордовия")
    assert "**Мордовии**" in found["snippet"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM articles_lemmas").fetchone()[0] == 2
        conn.execute("DELETE FROM articles WHERE id = ?", (found["id"],))
    assert _titles(db, "Мордовия") == []
    assert _titles(db, "технопарк") == ["Форум в Казани"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT rowid FROM articles_lemmas").fetchall() == [
            (_search(db, "Казань")[0]["id"],)]


def test_the_migration_indexes_articles_stored_before_it(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    conn = sqlite3.connect(db, isolation_level=None)
    for number, script in enumerate(MIGRATIONS[:MIGRATIONS.index(_V11)]):
        for statement in _statements(script):
            conn.execute(statement)
        if number in AFTER_MIGRATION:
            AFTER_MIGRATION[number](conn)
    conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                 "VALUES ('s', 'http://a/', 'feed', 900, 1)")
    conn.execute("INSERT INTO articles (source, key, title, fetched, language, text, "
                 "extracted_from, content_hash, entry_hash) VALUES ('s', 'k', 'Старое', "
                 "'2026-01-01T00:00:00Z', 'ru', 'Резиденты технопарков Мордовии.', 'feed', "
                 "'h', 'e')")
    conn.execute(f"PRAGMA user_version = {MIGRATIONS.index(_V11)}")
    conn.close()
    with Store(db) as store:
        (found,) = search(store.conn, "технопарк Мордовия")
    assert found.title == "Старое"
    assert found.snippet == "Резиденты **технопарков** **Мордовии**."


def test_the_reading_stage_carries_the_forms_the_store_would_reduce(tmp_path: Path) -> None:
    """The poll's reading stage reduces the words the matcher read (`Article.lemmas`); the
    store reduces a text itself only for articles built elsewhere and in the migration. Both
    must give the same forms, one per word of the text."""
    (tmp_path / "rules.yaml").write_text(RULES, encoding="utf-8")
    entry = Entry(guid="g", link=None, title="Технопарку в Якутии передали корпус",
                  title_is_html=False, summary_html="", published=None, language="ru")
    ready = read(Source(name="s", url="http://a.example/"),
                 Gathered(entry, "k", "e", "Резиденты довольны.", None, 0), None,
                 Matcher(load_rules(tmp_path / "rules.yaml")))
    lemmas = ready.article.lemmas
    assert lemmas is not None and lemmas == _lemmas(ready.article.text, "ru")
    assert lemmas.split(" ") == ["технопарк", "в", "якутия", "передать", "корпус", "резидент",
                                 "довольный"]


QUERY_PARTS = st.sampled_from(['"', "(", ")", "*", "^", "+", ":", ",", "-", " ", "AND", "OR",
                               "NOT", "NEAR", "NEAR(", "технопарк", "Якутии", "Siberia", "5",
                               "lemmas", "''", "ё", "\x00"])


@settings(max_examples=300, deadline=None)
@given(query=st.text(max_size=30) | st.lists(QUERY_PARTS, max_size=12).map("".join))
def test_any_query_gives_results_or_a_clean_error(archive: Path, query: str) -> None:
    with Store.existing(archive) as store:
        try:
            results = search(store.conn, query, limit=5)
        except SearchError as exc:
            assert exc.reason and exc.query == query
            return
    assert len(results) <= 5
    assert all(result.snippet for result in results)
