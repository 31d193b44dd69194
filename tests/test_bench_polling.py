"""`make bench-polling`'s own parts on a few feeds: the farm serves what the cases need, the
floor's child process reads every page, and the latency case sees an alert arrive. No timing
is asserted here (bench/ measures it)."""

from __future__ import annotations

import itertools
from pathlib import Path
from urllib.error import HTTPError
from urllib.request import urlopen

import pytest
import trafilatura

from bench.polling import latency, measure
from bench.polling.articles import SITE
from bench.polling.farm import ARTICLES, FEEDS, Farm
from monitor.stories import THRESHOLD, shingles


@pytest.fixture
def farm():
    farm = Farm(4)
    yield farm
    farm.close()


def _get(url: str) -> bytes:
    with urlopen(url, timeout=10) as answer:
        return answer.read()


def test_article_pages_are_news_pages_each_its_own(farm: Farm) -> None:
    farm.reset(0.0, ARTICLES)
    feed = _get(farm.urls[0]).decode()
    assert feed.count("<item>") == ARTICLES.entries
    base = farm.urls[0].removesuffix("/feed.xml")
    assert f"<link>{base}/news/0</link>" in feed  # pages on the feed's own port
    assert _get(f"{base}/robots.txt").startswith(b"User-agent: *")
    page = _get(f"{base}/news/0").decode()
    story = farm.article(0, 0)
    text = trafilatura.extract(page, fast=True, with_metadata=False)
    assert story.paragraphs[0][:80] in text  # the article is found among the boilerplate...
    rights = SITE[story.language]["rights"]
    assert rights in page and rights not in text  # ...and the footer left out
    texts = {(f, e): "\n".join(farm.article(f, e).paragraphs) for f in range(4)
             for e in range(ARTICLES.entries)}
    assert {farm.article(f, 0).language for f in range(4)} == {"ru", "en", "de"}
    assert sum(farm.article(f, e).named is not None for f, e in texts) >= len(texts) // 4
    similar = [pair for pair in itertools.combinations(texts.values(), 2)
               if len(shingles(pair[0]) & shingles(pair[1]))
               / len(shingles(pair[0]) | shingles(pair[1])) >= THRESHOLD]
    assert not similar


def test_feed_only_layout_serves_no_pages(farm: Farm) -> None:
    farm.reset(0.0, FEEDS)
    assert _get(farm.urls[1]).decode().count("<item>") == FEEDS.entries
    with pytest.raises(HTTPError) as refused:
        _get(farm.urls[1].replace("feed.xml", "news/0"))
    assert refused.value.code == 404


def test_floor_and_ours_read_every_page(farm: Farm, tmp_path: Path) -> None:
    for side in ("floor", "ours-articles"):
        done = measure(side, farm, farm.urls[:3], ["articles"], 0.0, ARTICLES, tmp_path)
        assert done["count"] == 3 * ARTICLES.entries
        assert done["articles"] > 0 and done["peak_mb"] > 0


def test_reading_alone_reads_every_entry_and_ours_counts_the_matchers_dictionaries(
        farm: Farm, tmp_path: Path) -> None:
    alone = measure("ours-reading", farm, farm.urls[:2], [], 0.0, FEEDS, tmp_path)
    assert alone["reading"] > 0  # the child exits 1 unless every entry was read
    ours = measure("ours", farm, farm.urls[:2], ["first"], 0.0, FEEDS, tmp_path)
    # The allowance: with the Russian dictionary and the language model loaded, the matcher
    # takes more than the rules' tables alone (a few MB).
    assert ours["base_mb"] - ours["import_mb"] > 15


def test_an_added_entry_reaches_the_webhook(farm: Farm, tmp_path: Path) -> None:
    found = latency.measure(farm, feeds=2, interval=1, samples=2, workdir=tmp_path)
    assert len(found.samples) == 2
    for sample in found.samples:
        assert sample.polled is not None and sample.delivered is not None
        assert sample.added <= sample.polled <= sample.delivered
