"""`make bench-stories`: what grouping near-duplicates (monitor/stories.py) costs per stored
article, what the band index saves over comparing a new article with every article of the
window, and how many copies it finds.

Why these articles: the window must hold thousands of unrelated articles that read like the
press the product meets, so that the band index sees realistic word runs. Each is made of
12 to 20 sentences drawn at random from the 157 articles of bench/press/ (seeded: every run
reads the same text); two such articles share a sentence now and then, as articles on one
topic do. Then come `probes`: half of them copies of a stored article in another source
(its own headline, one paragraph of four rewritten, a boilerplate line), half new articles.

Both databases of a run get the same articles: the baseline saves them without signatures
(the store as it was before stories: no band keys, no lookup); the other with them. Times
are wall time on a shared machine: compare the ratio, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from monitor.store import Article, Store
from monitor.stories import THRESHOLD, Signature, signature

PRESS = Path(__file__).resolve().parent / "press"
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-ZА-ЯЁÄÖÜ«\"])")


def sentences() -> list[str]:
    pool = []
    for path in sorted(PRESS.glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines()[1:]:
            pool += [s for s in _SENTENCE.split(line.strip()) if len(s.split()) >= 6]
    return pool


def made_up(pool: Sequence[str], rng: random.Random) -> str:
    """A headline and four paragraphs of sentences drawn from `pool`."""
    drawn = rng.sample(pool, rng.randint(12, 20))
    size = len(drawn) // 4
    paragraphs = [" ".join(drawn[i * size:(i + 1) * size if i < 3 else None])
                  for i in range(4)]
    return "\n".join([" ".join(drawn[0].split()[:8]), *paragraphs])


def rewritten(text: str, pool: Sequence[str], rng: random.Random) -> str:
    """Another outlet's copy: its own headline, one paragraph replaced, a boilerplate line."""
    headline, *paragraphs = text.split("\n")
    paragraphs[rng.randrange(len(paragraphs))] = " ".join(rng.sample(pool, 3))
    return "\n".join([" ".join(rng.choice(pool).split()[:8]), *paragraphs,
                      "Подписывайтесь на наш канал, чтобы первыми узнавать новости."])


def article(number: int, source: str, text: str, signed: bool) -> Article:
    return Article(source=source, key=f"k{number}", url=None, canonical_url=None, guid=None,
                   title=text.split("\n", 1)[0], published=None, language="ru", text=text,
                   extracted_from="feed", content_hash=str(number), entry_hash=str(number),
                   signature=signature(text) if signed else None)


def fill(path: Path, sources: int, articles: Sequence[Article]) -> tuple[Store, float]:
    """A store holding `articles`; returns it and the seconds their saves took."""
    store = Store(path)
    with store.transaction() as conn:
        conn.executemany("INSERT INTO sources (name, url, kind, interval, enabled) "
                         "VALUES (?, ?, 'feed', 600, 1)",
                         [(f"s{i}", f"http://s{i}.example/") for i in range(sources)])
    started = time.perf_counter()
    for item in articles:
        store.save_article(item, [])
    return store, time.perf_counter() - started


def scan(store: Store, probe: Signature) -> int | None:
    """What the band index replaces: every signature of the window read and compared."""
    best = None
    for row in store.conn.execute(
            "SELECT story_signatures.signature, articles.story FROM story_signatures "
            "JOIN articles ON articles.id = story_signatures.article_id"):
        alike = Signature(row[0]).similarity(probe)
        if alike >= THRESHOLD and (best is None or alike > best[0]):
            best = (alike, row[1])
    return best[1] if best else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--window", type=int, default=5_000,
                        help="articles already stored (default 5,000)")
    parser.add_argument("--probes", type=int, default=200,
                        help="new articles saved and timed, half of them copies (default 200)")
    parser.add_argument("--sources", type=int, default=100)
    args = parser.parse_args()
    rng = random.Random(7)
    pool = sentences()
    texts = [made_up(pool, rng) for _ in range(args.window)]
    copies = {i: rng.randrange(args.window) for i in range(0, args.probes, 2)}
    probes = [rewritten(texts[copies[i]], pool, rng) if i in copies else made_up(pool, rng)
              for i in range(args.probes)]
    print(f"{len(pool):,} sentences from {PRESS}; {args.window:,} stored articles in "
          f"{args.sources} sources, {args.probes} probes ({len(copies)} copies)")

    signature(probes[0])  # rensa imported, as after the first
    started = time.perf_counter()
    for text in probes:
        signature(text)
    signing = (time.perf_counter() - started) / len(probes)

    def stored(signed: bool) -> list[Article]:
        return [article(i, f"s{i % args.sources}", text, signed) for i, text in enumerate(texts)]

    def probed(signed: bool) -> list[Article]:
        # A copy comes from another source than its original.
        return [article(args.window + i, f"s{(copies.get(i, i) + 1) % args.sources}", text,
                        signed) for i, text in enumerate(probes)]

    with tempfile.TemporaryDirectory() as tmp:
        rows = []
        for signed in (False, True):
            store, fill_seconds = fill(Path(tmp) / f"{signed}.db", args.sources,
                                       stored(signed))
            with store:
                items = probed(signed)
                started, cpu = time.perf_counter(), time.process_time()
                ids = [store.save_article(item, [])[0] for item in items]
                probe_seconds = time.perf_counter() - started
                probe_cpu = time.process_time() - cpu
                stories = [r[0] for r in store.conn.execute(
                    f"SELECT story FROM articles WHERE id IN ({','.join('?' * len(ids))}) "
                    "ORDER BY id", ids)]
                originals = {r[0]: r[1] for r in store.conn.execute(
                    "SELECT key, story FROM articles")}
                found = sum(stories[i] == originals[f"k{copies[i]}"] for i in copies)
                sizes = {r[0]: r[1] for r in store.conn.execute(
                    "SELECT id, articles FROM stories")}
                wrong = sum(sizes[stories[i]] > 1 for i in range(args.probes)
                            if i not in copies)
                scanning = None
                if signed:
                    started = time.perf_counter()
                    for item in items[:20]:
                        scan(store, item.signature)
                    scanning = (time.perf_counter() - started) / 20
            rows.append((fill_seconds / args.window, probe_seconds / args.probes,
                         probe_cpu / args.probes, found, wrong, scanning))
    (base_fill, base_probe, base_cpu, *_), (fill_each, probe_each, cpu_each, found, wrong,
                                            scanning) = rows
    print(f"\nsignature of one article: {signing * 1000:.2f} ms")
    print("| store | save ms (filling) | save ms (window full) | of which CPU ms "
          "| copies grouped | new articles grouped |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    print(f"| without stories (baseline) | {base_fill * 1000:.2f} | {base_probe * 1000:.2f} "
          f"| {base_cpu * 1000:.2f} | – | – |")
    print(f"| with stories | {fill_each * 1000:.2f} | {probe_each * 1000:.2f} | "
          f"{cpu_each * 1000:.2f} | {found}/{len(copies)} | "
          f"{wrong}/{args.probes - len(copies)} |")
    print(f"\nwith stories / baseline, per save with the window full: "
          f"{probe_each / base_probe:.2f}× wall, {cpu_each / base_cpu:.2f}× CPU")
    print(f"comparing a probe with every stored signature instead of the band index: "
          f"{scanning * 1000:.1f} ms per article, {scanning / probe_each:.0f}× a whole save")


if __name__ == "__main__":
    main()
