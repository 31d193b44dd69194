"""`make bench-extraction`: how much of each article's text `monitor.extract.extract_page` keeps.

Why this exists: every article page the service fetches goes through `extract_page`, and only
the text it returns is matched against the rules. Words it drops are mentions nobody sees;
menus, sidebars and "related stories" it keeps are mentions of organisations the article is not
about. The module docstring of `monitor.extract` cites trafilatura's published figure on this
corpus; this benchmark measures our own call (our options, our decoding, our `tidy`) on the
same pages, so a trafilatura upgrade or a change of options shows up as a number, not a hunch.

Corpus: `article-extraction-benchmark` from the shared corpora (see its README), 181 real news
and blog pages with hand-made ground truth, a few of them Russian. It is found next to the
repository (`../shared/corpora/...`); when it is absent the benchmark says so and exits 2.

Score, as the corpus README defines it: both texts lowercased and split on whitespace into
words; the set of overlapping 4-word sequences (shingles) of each; per page precision =
|extracted ∩ truth| / |extracted|, recall = |extracted ∩ truth| / |truth|, and their F1; each
averaged over pages. A text shorter than four words is one shingle of all its words; an empty
extraction scores 0 on all three. Splitting on whitespace keeps punctuation on the words
("said," is not "said"), which costs every extractor a little; when this benchmark was written,
scoring word-character tokens instead put `extract_page` at the published trafilatura figure
(about 0.958 against 0.942 here). So the published figures are for orientation only, not a
pass/fail line.

Baseline: all text of the page (BeautifulSoup `get_text(" ")` after dropping script and style),
what one gets with no extraction at all. Its recall is near perfect by construction; the gap in
precision is what extraction buys. Time per page is wall time of the extractor call alone
(decompression and scoring excluded), from one pass: only a rough guide on a shared machine.
"""

from __future__ import annotations

import gzip
import json
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from statistics import fmean

from bs4 import BeautifulSoup

from monitor.errors import ExtractError
from monitor.extract import extract_page

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "article-extraction-benchmark"
SHINGLE = 4
REFERENCE = "trafilatura 2.0.0 F1 0.958 (published figure, corpus README)"
_CYRILLIC = re.compile(r"[а-яё]", re.IGNORECASE)
_LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Sample:
    id: str
    url: str
    html: bytes
    truth: str
    russian: bool


@dataclass(frozen=True)
class Score:
    precision: float
    recall: float
    f1: float
    empty: bool
    seconds: float


def shingles(text: str) -> set[tuple[str, ...]]:
    """The set of overlapping 4-word sequences of the lowercased text; a shorter non-empty text
    is a single shingle of all its words."""
    words = text.lower().split()
    if not words:
        return set()
    if len(words) < SHINGLE:
        return {tuple(words)}
    return {tuple(words[i:i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


def score(extracted: str, truth: set[tuple[str, ...]], seconds: float) -> Score:
    got = shingles(extracted)
    if not got or not truth:
        return Score(0.0, 0.0, 0.0, empty=not got, seconds=seconds)
    common = len(got & truth)
    precision, recall = common / len(got), common / len(truth)
    f1 = 2 * precision * recall / (precision + recall) if common else 0.0
    return Score(precision, recall, f1, empty=False, seconds=seconds)


def is_russian(text: str) -> bool:
    """Most letters Cyrillic (a page with a few Russian words quoted stays English)."""
    letters = len(_LETTER.findall(text))
    return letters > 0 and len(_CYRILLIC.findall(text)) > letters / 2


def load(corpus: Path) -> list[Sample]:
    truth_file = corpus / "ground-truth.json"
    if not truth_file.is_file():
        _missing(truth_file)
    truth = json.loads(truth_file.read_text(encoding="utf-8"))
    samples = []
    for page_id, entry in sorted(truth.items()):
        path = corpus / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            _missing(path)
        samples.append(Sample(id=page_id, url=entry["url"], html=gzip.decompress(path.read_bytes()),
                              truth=entry["articleBody"], russian=is_russian(entry["articleBody"])))
    return samples


def _missing(path: Path) -> None:
    print(f"bench.extraction: {path} not found.\n"
          f"This benchmark needs the shared corpus article-extraction-benchmark at\n"
          f"  {CORPUS}\n"
          f"(html/<id>.html.gz and ground-truth.json, see shared/corpora/README.md).",
          file=sys.stderr)
    sys.exit(2)


def ours(html: bytes, url: str) -> str:
    try:
        return extract_page(html, url, "text/html; charset=utf-8").text
    except ExtractError:
        return ""


def naive(html: bytes, url: str) -> str:
    soup = BeautifulSoup(html.decode("utf-8", errors="replace"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return soup.get_text(" ")


EXTRACTORS: dict[str, Callable[[bytes, str], str]] = {
    "extract_page (ours)": ours,
    "naive get_text": naive,
}


def run(extractor: Callable[[bytes, str], str], samples: Sequence[Sample],
        truths: dict[str, set[tuple[str, ...]]]) -> dict[str, Score]:
    scores = {}
    for sample in samples:
        start = time.perf_counter()
        text = extractor(sample.html, sample.url)
        seconds = time.perf_counter() - start
        scores[sample.id] = score(text, truths[sample.id], seconds)
    return scores


def table(title: str, results: dict[str, dict[str, Score]], ids: Sequence[str]) -> None:
    print(f"\n{title}: {len(ids)} pages")
    header = f"{'extractor':<22} | {'precision':>9} | {'recall':>6} | {'F1':>5} | " \
             f"{'empty pages':>11} | {'ms/page':>7}"
    print(header)
    print("-" * len(header))
    for name, scores in results.items():
        rows = [scores[i] for i in ids]
        print(f"{name:<22} | {fmean(r.precision for r in rows):>9.3f} | "
              f"{fmean(r.recall for r in rows):>6.3f} | {fmean(r.f1 for r in rows):>5.3f} | "
              f"{sum(r.empty for r in rows):>11} | {1000 * fmean(r.seconds for r in rows):>7.1f}")


def main() -> int:
    samples = load(CORPUS)
    truths = {s.id: shingles(s.truth) for s in samples}
    results = {name: run(extractor, samples, truths) for name, extractor in EXTRACTORS.items()}

    print(f"Article extraction: {len(samples)} pages from {CORPUS}")
    print(f"score: mean per page of {SHINGLE}-word shingle precision, recall and F1; "
          f"an empty extraction scores 0")
    table("All pages", results, [s.id for s in samples])
    russian = [s.id for s in samples if s.russian]
    if russian:
        table("Russian pages (most letters of the ground truth Cyrillic)", results, russian)
    print(f"\nreference: {REFERENCE}")

    mine = results["extract_page (ours)"]
    empty = [i for i in mine if mine[i].empty]
    if empty:
        print("\nno extraction from extract_page:")
        for page_id in empty:
            print(f"  {page_id[:12]}  {next(s.url for s in samples if s.id == page_id)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
