"""One story, one alert: near-duplicate articles across sources (monitor/stories.py), their
grouping in the database, and the one immediate alert per story, end to end."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from monitor import stories
from monitor.records import Hit
from monitor.store import STORY_WINDOW_DAYS, Article, Outbox, Outgoing, Store, utcnow
from monitor.stories import THRESHOLD, shingles, signature

from helpers import REPO, article_page, db_rows, invoke, rss, webhook_alert_rules, write_config
from httpserver import TestServer
from receivers import WebhookReceiver

PAIRS = {p["id"]: p for p in yaml.safe_load(
    (REPO / "tests" / "data" / "story_pairs.yaml").read_text(encoding="utf-8"))["pairs"]}
COPIES = [p for p in PAIRS.values() if p["same"]]
OTHERS = [p for p in PAIRS.values() if not p["same"]]


def jaccard(a: str, b: str) -> float:
    first, second = shingles(a), shingles(b)
    return len(first & second) / len(first | second)


# --------------------------------------------------------------------------- the pure part


def test_the_pairs_cover_three_languages_both_ways() -> None:
    for group in (COPIES, OTHERS):
        assert {p["id"].split("-")[0] for p in group} == {"ru", "en", "de"}


@pytest.mark.parametrize("pair", COPIES, ids=lambda p: p["id"])
def test_a_release_rewritten_by_another_outlet_is_the_same_story(pair: dict) -> None:
    first, second = signature(pair["a"]), signature(pair["b"])
    assert first is not None and second is not None
    assert first.similarity(second) >= THRESHOLD
    # ...and the index finds it: the two share a band key.
    assert set(first.bands()) & set(second.bands())


@pytest.mark.parametrize("pair", OTHERS, ids=lambda p: p["id"])
def test_two_articles_about_the_same_technopark_are_not(pair: dict) -> None:
    first, second = signature(pair["a"]), signature(pair["b"])
    assert first is not None and second is not None
    assert first.similarity(second) < THRESHOLD


def test_the_threshold_lies_between_the_pairs_true_similarities() -> None:
    """The estimates above could pass by luck of the hash; the true shares of shingles show
    the margin the threshold has on either side."""
    assert min(jaccard(p["a"], p["b"]) for p in COPIES) > THRESHOLD + 0.1
    assert max(jaccard(p["a"], p["b"]) for p in OTHERS) < THRESHOLD - 0.1


def test_no_two_articles_of_the_press_corpus_are_one_story() -> None:
    """bench/press/: 152 different articles on Russia's technoparks in three languages, many
    on the same park, some joining two items about it as round-ups do; 11,476 pairs."""
    signed = [signature(path.read_text(encoding="utf-8"))
              for path in sorted((REPO / "bench" / "press").glob("*.txt"))]
    assert len(signed) > 150 and None not in signed
    highest = max(max(first.similarities(signed[i + 1:]), default=0.0)
                  for i, first in enumerate(signed))
    assert highest < THRESHOLD / 2


def test_typography_an_outlet_changes_changes_no_shingle() -> None:
    assert shingles("Технопарк «Якутия» ЁЛКА—2026 вырос") == \
        shingles('технопарк "Якутия" елка-2026 вырос')


def test_identical_texts_have_identical_signatures_and_bands() -> None:
    text = PAIRS["ru-yakutia-residents"]["a"]
    first, second = signature(text), signature(text)
    assert first == second and first.similarity(second) == 1.0
    assert len(set(first.bands())) == stories.BANDS


def test_a_signature_is_what_the_pinned_rensa_gives() -> None:
    """Stored signatures compare only with signatures hashed the same way: a rensa release
    that hashed otherwise must fail here (and bring a migration that signs again), not
    silently stop finding copies of the articles kept before it."""
    assert signature(PAIRS["en-skolkovo-fund"]["a"]).values.hex()[:48] == \
        "b7f3006046a00c37b9e45c1a6e62602d9b90f23b30544365"  # rensa 0.5.0, seed 1


def test_a_text_too_short_to_tell_a_copy_by_has_no_signature() -> None:
    assert signature("Технопарк «Якутия» открыл новый корпус") is None
    assert signature(PAIRS["ru-yakutia-residents"]["a"]) is not None


def test_signatures_are_the_same_in_another_process() -> None:
    """Stored signatures are compared with those of later runs: no per-process hash seed."""
    text = PAIRS["de-jakutien-labor"]["a"]
    code = ("import sys; from monitor.stories import signature; "
            "sys.stdout.write(signature(sys.stdin.read()).values.hex())")
    other = subprocess.run([sys.executable, "-c", code], input=text, capture_output=True,
                           text=True, cwd=REPO, timeout=60, env={"PYTHONHASHSEED": "123"},
                           check=True).stdout
    assert other == signature(text).values.hex()


# --------------------------------------------------------------------------- the store


def article(source: str, key: str, text: str) -> Article:
    title = text.splitlines()[0]
    return Article(source=source, key=key, url=None, canonical_url=None, guid=key, title=title,
                   published=None, language="ru", text=text, extracted_from="feed",
                   content_hash=str(hash(text)), entry_hash=key, signature=signature(text))


@pytest.fixture
def store(tmp_path: Path):
    with Store(tmp_path / "monitor.db") as opened:
        with opened.transaction() as conn:
            for name in ("source-a", "source-b", "source-c"):
                conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                             "VALUES (?, ?, 'feed', 600, 1)", (name, f"http://{name}/"))
            # The organisations the tests' hits name (hits.organisation is a foreign key).
            conn.executemany("INSERT INTO organisations (id, name, aliases) VALUES (?, ?, '{}')",
                             [("it-park", "IT-парк"), ("yakutia", "Технопарк «Якутия»")])
        yield opened


def story_of(store: Store, article_id: int) -> int:
    return store.query("SELECT story FROM articles WHERE id = ?", (article_id,))[0]["story"]


def test_copies_from_two_sources_share_a_story_and_another_article_does_not(
        store: Store) -> None:
    pair, other = PAIRS["ru-yakutia-residents"], PAIRS["ru-yakutia-two-events"]
    first, _ = store.save_article(article("source-a", "a1", pair["a"]), [])
    copy, _ = store.save_article(article("source-b", "b1", pair["b"]), [])
    different, _ = store.save_article(article("source-b", "b2", other["b"]), [])
    assert story_of(store, first) == story_of(store, copy) != story_of(store, different)
    assert store.query("SELECT title, articles, sources FROM stories ORDER BY id") == [
        {"title": "В технопарк «Якутия» вошли пять новых резидентов", "articles": 2,
         "sources": 2},
        {"title": "Технопарк «Якутия» подвел итоги года", "articles": 1, "sources": 1}]


def test_a_changed_text_keeps_its_story_and_its_new_signature(store: Store) -> None:
    pair = PAIRS["en-skolkovo-fund"]
    first, _ = store.save_article(article("source-a", "a1", pair["a"]), [])
    story = story_of(store, first)
    edited = pair["a"].replace("Tuesday", "Wednesday")
    again, outcome = store.save_article(article("source-a", "a1", edited), [])
    assert (again, outcome, story_of(store, again)) == (first, "updated", story)
    [row] = store.query("SELECT signature FROM story_signatures")
    assert row["signature"] == signature(edited).values
    assert store.query("SELECT count(*) AS n FROM story_bands")[0]["n"] == stories.BANDS


def test_copies_older_than_the_window_are_forgotten(store: Store) -> None:
    pair = PAIRS["de-jakutien-labor"]
    first, _ = store.save_article(article("source-a", "a1", pair["a"]), [])
    old = (datetime.now(UTC) - timedelta(days=STORY_WINDOW_DAYS, hours=1)).isoformat()
    with store.transaction() as conn:
        conn.execute("UPDATE story_signatures SET seen = ?", (old.replace("+00:00", "Z"),))
    copy, _ = store.save_article(article("source-b", "b1", pair["b"]), [])
    assert story_of(store, copy) != story_of(store, first)
    # Only the new article is left in the index.
    assert {r["article_id"] for r in store.query("SELECT article_id FROM story_bands")} == {copy}
    assert [r["article_id"] for r in store.query("SELECT article_id FROM story_signatures")] \
        == [copy]


def test_an_immediate_alert_goes_out_once_per_story_listing_the_other_sources(
        store: Store) -> None:
    pair = PAIRS["ru-itpark-forum"]
    hit = Hit(kind="organisation", rule="it-park", organisation="it-park", metric=None,
              value=None, unit=None, matched="ИТ-парке", start=2, end=10, snippet="ИТ-парке")
    now = utcnow()
    immediate = Outgoing("itpark", ("hook",), "article", now)
    digest = Outgoing("weekly", ("mail",), "digest", now)
    first, _ = store.save_article(article("source-a", "a1", pair["a"]), [hit],
                                  [immediate, digest])
    copy, _ = store.save_article(article("source-b", "b1", pair["b"]), [hit],
                                 [immediate, digest])
    rows = store.query("SELECT alert, target, article_id, story FROM alerts ORDER BY alert, "
                       "article_id")
    story = story_of(store, first)
    assert rows == [
        {"alert": "itpark", "target": "hook", "article_id": first, "story": story},
        {"alert": "weekly", "target": "mail", "article_id": first, "story": story},
        {"alert": "weekly", "target": "mail", "article_id": copy, "story": story}]
    # Both copies keep their hits.
    assert store.query("SELECT count(*) AS n FROM hits")[0]["n"] == 2
    outbox = Outbox(store)
    assert outbox.article(first, 50)[0]["also_in"] == ["source-b"]
    assert outbox.article(copy, 50)[0]["also_in"] == ["source-a"]

    # Sent; a third copy afterwards queues nothing, though its hits are stored.
    [claimed] = outbox.claim("hook", utcnow(), "2999-01-01T00:00:00Z")
    assert outbox.sent([claimed.id], utcnow(), "2999-01-01T00:00:00Z") == 1
    third, _ = store.save_article(article("source-c", "c1", pair["a"] + "\nФото: ИТ-парк."),
                                  [hit], [immediate])
    assert story_of(store, third) == story
    assert store.query("SELECT count(*) AS n FROM alerts WHERE alert = 'itpark'")[0]["n"] == 1
    assert store.query("SELECT count(*) AS n FROM hits WHERE article_id = ?",
                       (third,))[0]["n"] == 1
    # An edit of the alerted article itself that brings a new hit still alerts, as before.
    edited = pair["a"] + "\nВыручка выросла."
    new_hit = Hit(kind="organisation", rule="it-park", organisation="it-park", metric=None,
                  value=None, unit=None, matched="ИТ-парк", start=0, end=7, snippet="ИТ-парк")
    store.save_article(article("source-a", "a1", edited), [hit, new_hit], [immediate])
    assert store.query("SELECT count(*) AS n FROM alerts WHERE alert = 'itpark'")[0]["n"] == 2


# --------------------------------------------------------------------------- end to end


def serve(http_server: TestServer, source: str, articles: list[tuple[str, str]]) -> str:
    """A feed for `source` whose entries link pages on the same server; returns its URL."""
    items = []
    for slug, text in articles:
        title, *paragraphs = text.strip().splitlines()
        http_server.route(f"/{source}/{slug}.html", article_page(title, *paragraphs),
                          content_type="text/html; charset=utf-8")
        items.append({"guid": f"{source}-{slug}", "title": title,
                      "link": http_server.url(f"/{source}/{slug}.html"),
                      "description": paragraphs[0]})
    http_server.route(f"/{source}.xml", rss(items))
    return http_server.url(f"/{source}.xml")


def test_two_sources_carrying_one_story_make_one_webhook_listing_both(
        tmp_path: Path, http_server: TestServer, webhook_receiver: WebhookReceiver) -> None:
    story, other = PAIRS["ru-yakutia-residents"], PAIRS["ru-yakutia-two-events"]
    sources = [
        {"name": "source-a", "url": serve(http_server, "source-a", [("1", story["a"])])},
        {"name": "source-b", "url": serve(http_server, "source-b",
                                          [("1", story["b"]), ("2", other["b"])])},
        {"name": "source-c", "url": serve(http_server, "source-c", [])}]
    opts = write_config(tmp_path, sources, rules=webhook_alert_rules(webhook_receiver.url))

    result = invoke("poll", *opts)
    assert "alerts: 2 sent" in result.output, result.output
    by_title = {d.json()["articles"][0]["title"]: d.json()["articles"][0]
                for d in webhook_receiver.deliveries}
    assert len(by_title) == len(webhook_receiver.deliveries) == 2
    copy = by_title.pop("В технопарк «Якутия» вошли пять новых резидентов", None) \
        or by_title.pop("Пять компаний стали резидентами технопарка")
    assert {copy["source"], *copy["also_in"]} == {"source-a", "source-b"}
    assert len(copy["also_in"]) == 1 and copy["hits"]
    [different] = by_title.values()
    assert (different["title"], different["also_in"]) == (
        "Технопарк «Якутия» подвел итоги года", [])

    # A third outlet's copy, after the alert went out: stored with its hits, no new alert.
    serve(http_server, "source-c", [("1", "Технопарк пополнился резидентами\n"
                                          + "\n".join(story["a"].splitlines()[1:5]))])
    assert "alerts:" not in invoke("poll", *opts).output
    assert len(webhook_receiver.deliveries) == 2
    rows = db_rows(tmp_path, "SELECT articles.source, articles.story, count(hits.id) AS hits "
                             "FROM articles LEFT JOIN hits ON hits.article_id = articles.id "
                             "GROUP BY articles.id ORDER BY articles.id")
    assert all(row["hits"] > 0 for row in rows)
    grouped = {row["source"] for row in rows if row["story"] == rows[0]["story"]}
    assert grouped == {"source-a", "source-b", "source-c"}
    assert db_rows(tmp_path, "SELECT articles, sources FROM stories WHERE sources > 1") == [
        {"articles": 3, "sources": 3}]


def test_copies_within_one_source_are_not_grouped(store: Store) -> None:
    """One outlet's articles share its boilerplate; a story is what several outlets carried."""
    text = PAIRS["en-skolkovo-fund"]["a"]
    first, _ = store.save_article(article("source-a", "a1", text), [])
    again, _ = store.save_article(article("source-a", "a2", text), [])
    elsewhere, _ = store.save_article(article("source-b", "b1", text), [])
    assert story_of(store, first) != story_of(store, again)
    assert story_of(store, elsewhere) == story_of(store, first)  # the oldest alike story


def test_an_email_names_the_other_sources_escaped() -> None:
    from monitor.alert.email import render
    from monitor.alert.message import AlertArticle, AlertMessage

    message = AlertMessage(
        "msg_1", "yakutia", "article", "2026-03-02T10:00:00Z",
        articles=(AlertArticle(1, "https://a.example/1", "Title", "source-a", "ru", None, (),
                               also_in=("source-b", "<b>c</b>")),))
    mail = render(message, "monitor@example.org", ["analyst@example.org"])
    text = mail.get_body(("plain",)).get_content()
    html = mail.get_body(("html",)).get_content()
    assert "Source: source-a\nAlso in: source-b, <b>c</b>\n" in text
    assert "Also in: source-b, &lt;b&gt;c&lt;/b&gt;" in html


def test_a_database_of_the_release_before_gains_stories(tmp_path: Path, monkeypatch) -> None:
    """Articles stored before stories existed have none, and their queued alerts still build;
    a copy of one is a story of its own (there is no signature to find it by); once changed,
    the old article is signed and filed."""
    from monitor import store as store_module

    path = tmp_path / "monitor.db"
    before = store_module.MIGRATIONS[:store_module.MIGRATIONS.index(store_module._V7)]
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", before)
        patch.setattr(store_module, "SCHEMA_VERSION", len(before))
        with Store(path) as old:
            old.conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                             "VALUES ('source-a', 'http://a/', 'feed', 600, 1)")
            old.conn.execute(
                "INSERT INTO articles (id, source, key, title, fetched, text, extracted_from, "
                "content_hash, entry_hash) VALUES (7, 'source-a', 'a1', 'Old', ?, ?, 'feed', "
                "'h', 'e')", (utcnow(), PAIRS["ru-itpark-forum"]["a"]))
            old.conn.execute(
                "INSERT INTO alerts (id, alert, target, kind, article_id, due, next_attempt, "
                "queued, created) VALUES ('msg_old', 'itpark', 'hook', 'article', 7, ?, ?, ?, ?)",
                (utcnow(),) * 4)
    with Store(path) as store:
        assert store.query("SELECT story FROM articles") == [{"story": None}]
        assert Outbox(store).article(7, 50)[0]["also_in"] == []
        store.conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                           "VALUES ('source-b', 'http://b/', 'feed', 600, 1)")
        copy, _ = store.save_article(article("source-b", "b1", PAIRS["ru-itpark-forum"]["b"]),
                                     [])
        edited, outcome = store.save_article(
            article("source-a", "a1", PAIRS["ru-itpark-forum"]["a"] + "\nОбновлено."), [])
        assert (edited, outcome) == (7, "updated")
        # Changed, it is signed and filed: with the copy that came meanwhile.
        assert story_of(store, 7) == story_of(store, copy) is not None


def test_a_database_of_version_7_keeps_finding_copies_of_its_articles(
        tmp_path: Path, monkeypatch) -> None:
    """Version 7 kept datasketch signatures and 64 hashed band keys an article; version 8
    signs with rensa and keys bands otherwise. Its migration signs every kept article again
    from its stored text, so a copy arriving after the upgrade still joins the story of an
    article saved before it, and no old signature or key is left."""
    from monitor import store as store_module

    path = tmp_path / "monitor.db"
    pair = PAIRS["ru-itpark-forum"]
    before = store_module.MIGRATIONS[:store_module.MIGRATIONS.index(store_module._V8)]
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", before)
        patch.setattr(store_module, "SCHEMA_VERSION", len(before))
        patch.setattr(store_module, "_index_lemmas", lambda *args: None)  # no search index yet
        with Store(path) as old:
            for name in ("source-a", "source-b"):
                old.conn.execute("INSERT INTO sources (name, url, kind, interval, enabled) "
                                 "VALUES (?, ?, 'feed', 600, 1)", (name, f"http://{name}/"))
            with old.transaction() as conn:  # what version 7 wrote (in its own columns)
                now = store_module.utcnow()
                story = conn.execute("INSERT INTO stories (first_seen, title) VALUES (?, 'T')",
                                     (now,)).lastrowid
                first = conn.execute(
                    "INSERT INTO articles (source, key, title, fetched, text, extracted_from, "
                    "content_hash, entry_hash, story) VALUES ('source-a', 'a1', 'T', ?, ?, "
                    "'feed', 'h', 'e', ?)", (now, pair["a"], story)).lastrowid
                conn.execute("INSERT INTO story_signatures (article_id, signature, seen) "
                             "VALUES (?, ?, ?)", (first, bytes(512), now))
                conn.executemany("INSERT INTO story_bands (band, article_id) VALUES (?, ?)",
                                 [(-n - 1, first) for n in range(64)])
    with Store(path) as store:
        assert store.query("SELECT signature FROM story_signatures") == [
            {"signature": signature(pair["a"]).values}]
        assert sorted(r["band"] for r in store.query("SELECT band FROM story_bands")) == \
            sorted(signature(pair["a"]).bands())
        copy, _ = store.save_article(article("source-b", "b1", pair["b"]), [])
        assert story_of(store, copy) == story_of(store, first)


def test_a_digest_lists_a_story_once_and_marks_every_copy_sent(
        store: Store, tmp_path: Path, webhook_receiver: WebhookReceiver) -> None:
    from monitor.alert.sender import deliver_due
    from monitor.config import load_rules

    (tmp_path / "rules.yaml").write_text(
        "organisations: []\nalerts:\n  - name: weekly\n    when: {term: технопарк}\n"
        "    mode: daily\n"
        f"    targets:\n      - name: hook\n        webhook: {webhook_receiver.url}\n",
        encoding="utf-8")
    pair, other = PAIRS["ru-yakutia-residents"], PAIRS["ru-yakutia-two-events"]
    hit = Hit(kind="organisation", rule="yakutia", organisation="yakutia", metric=None,
              value=None, unit=None, matched="технопарк", start=0, end=9, snippet="технопарк")
    digest = Outgoing("weekly", ("hook",), "digest", utcnow())
    for source, key, text in (("source-a", "a1", pair["a"]), ("source-b", "b1", pair["b"]),
                              ("source-c", "c1", other["b"])):
        store.save_article(article(source, key, text), [hit], [digest])

    assert deliver_due(store.path, load_rules(tmp_path / "rules.yaml")) == {"sent": 3}
    [delivery] = webhook_receiver.deliveries
    listed = [(a["source"], a["also_in"]) for a in delivery.json()["articles"]]
    assert listed == [("source-a", ["source-b"]), ("source-c", [])]
    assert {r["status"] for r in store.query("SELECT status FROM alerts")} == {"sent"}


def test_finding_earlier_copies_searches_indexes_and_scans_nothing(store: Store) -> None:
    from monitor.store import CANDIDATES

    plan = [row["detail"] for row in store.query(
        f"EXPLAIN QUERY PLAN {CANDIDATES}", [*range(stories.BANDS), "source-a"])]
    assert any("story_bands USING PRIMARY KEY (band=?)" in step for step in plan), plan
    # The buckets' rows (at most BUCKET a key, read by index) are scanned, no table is.
    tables = ("SCAN articles", "SCAN story_bands", "SCAN story_signatures")
    assert not [step for step in plan if step.startswith(tables)], plan


def test_a_copy_is_found_among_many_articles_that_share_a_sentence_with_its_original(
        store: Store) -> None:
    """Thirty later articles of other outlets quote the release's first sentence and go on
    about other things: they share a band key or two with it, its copy shares several, so
    the copy is compared with the release (among the COMPARED sharing most keys) and joins
    its story, while none of the thirty does."""
    import random

    pair = PAIRS["en-skolkovo-fund"]
    words = sorted(set(re.findall(r"[a-z]{4,}", " ".join(p["a"] + p["b"] for p in
                                                           PAIRS.values()))))
    with store.transaction() as conn:
        conn.executemany("INSERT INTO sources (name, url, kind, interval, enabled) "
                         "VALUES (?, ?, 'feed', 600, 1)",
                         [(f"outlet-{n}", f"http://outlet-{n}/") for n in range(31)])
    first, _ = store.save_article(article("source-a", "a1", pair["a"]), [])
    quote = pair["a"].split(". ")[0]
    quoting = [store.save_article(article(f"outlet-{n}", f"q{n}", f"{quote}. " + " ".join(
        random.Random(n).choices(words, k=80))), [])[0] for n in range(30)]
    copy, _ = store.save_article(article("outlet-30", "c", pair["b"]), [])
    assert story_of(store, copy) == story_of(store, first)
    assert story_of(store, first) not in {story_of(store, q) for q in quoting}


def test_a_flood_of_copies_reads_a_bounded_bucket_and_still_finds_its_story(
        store: Store) -> None:
    """One release carried by 40 outlets: each later copy's lookup reads at most BUCKET
    articles per band key, not every earlier copy, and each still joins the story; the
    story counts every article and source once."""
    from monitor.store import CANDIDATES, COMPARED

    text = PAIRS["en-skolkovo-fund"]["a"]
    with store.transaction() as conn:
        conn.executemany("INSERT INTO sources (name, url, kind, interval, enabled) "
                         "VALUES (?, ?, 'feed', 600, 1)",
                         [(f"outlet-{n}", f"http://outlet-{n}/") for n in range(40)])
    ids = [store.save_article(article(f"outlet-{n}", f"k{n}", text), [])[0]
           for n in range(40)]
    store.save_article(article("outlet-0", "k0-again", text + "\nUpdated."), [])
    assert len({story_of(store, i) for i in ids}) == 1
    read = store.query(CANDIDATES, [*signature(text).bands(), "source-a"])
    assert len(read) == COMPARED < len(ids)  # those sharing most keys, not the 41 alike
    assert store.query("SELECT articles, sources FROM stories") == [
        {"articles": 41, "sources": 40}]
