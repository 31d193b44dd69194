"""Near-duplicate articles: one press release reaching us through ten outlets is one story.

Why MinHash over word shingles (rensa) rather than SimHash: an outlet's copy keeps most of
the release's sentences word for word and changes a headline, a paragraph and its boilerplate,
so the share of three-word runs two texts have in common (their Jaccard similarity) is what
tells a copy from another article about the same technopark, which shares names and topic
words but few runs of three. MinHash estimates exactly that share, and its signature splits
into bands (LSH) that can be stored and looked up in an index, so finding a new article's
earlier copies reads a few index rows instead of comparing it with every article. SimHash
estimates an angle between word-weight vectors, which drifts with length and boilerplate,
and its near-neighbour lookup needs several permuted tables.

Why rensa (MIT, a MinHash in Rust) and not datasketch, which this module used first: importing
datasketch loads scipy for its LSH parameter search, 57 MB of a poll's memory and 0.37 s of
its start for a class we use one method of; rensa loads in a millisecond, adds 1 MB and signs
a text faster. It downloads nothing. Its values depend on its version's hashing, so the range
is pinned and tests/test_stories.py pins one text's signature: a release that hashed
otherwise would fail it before stored signatures stopped comparing. The LSH bands are ours,
not rensa's, because they live in SQLite (store.py) where every process sees them.

Pure: shingles of the normalised text, a signature, band keys and a similarity. Where
signatures and bands are kept is the store's business.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Sequence
from dataclasses import dataclass
from operator import eq

from .normalize import normalize

SHINGLE_WORDS = 3
"""Words per shingle. Three: single words and pairs are shared by any two articles about the
same park ("технопарк якутия", "резидентов технопарка"); runs of three are mostly sentences
copied from one release."""
NUM_PERM = 128
BANDS = 32
"""32 bands of two values each (the signature's first 64 of 128): two articles of similarity
s share a band with probability 1 - (1 - s^2)^32, for 0.41 (the least alike copies of
tests/data/story_pairs.yaml) 0.997, for 0.3 0.95, and for 0.1 (an article quoting one
sentence of another) 0.28; a copy shares about five, the articles that only quote it one at
most, so the store compares a new article with the few that share most bands, and then
against THRESHOLD with all 128 values. Why 32: each band is a row every article writes to
a random place of an index, and 64 made saving an article cost ten times what it costs
without stories; bands of one value (16 of them) are cheap to write but let every article
that shares a sentence or a boilerplate line with another be its candidate (36 a save on
bench-polling's feeds), and ranked no copy above them."""
THRESHOLD = 0.25
"""Estimated Jaccard similarity from which two articles are one story. Tuned on the pairs in
tests/data/story_pairs.yaml (ru, en, de): copies rewritten by another outlet (other headline,
boilerplate and one paragraph of five) share 0.41 to 0.44 of their shingles, different
articles on the same park 0 to 0.11 (estimated: 0.36 to 0.42, and at most 0.09). With 128
values an estimate strays by about 0.04 at 0.4 and 0.03 at 0.1, so 0.25 leaves both sides
more than two and a half such strays away."""
MIN_SHINGLES = 8
"""Texts with fewer shingles (a headline and a line of summary) are too short to tell a copy
from a coincidence: they get a story of their own."""
SEED = 1
"""Fixed, so signatures stored by one run compare with those of the next."""

_WORD = re.compile(r"[^\W_]+")


def shingles(text: str) -> set[str]:
    """Runs of SHINGLE_WORDS consecutive words of the normalised text (case folded, ё as е,
    one quote and dash style), so typography an outlet changes changes no shingle."""
    words = _WORD.findall(normalize(text).text)
    runs = zip(*(words[i:] for i in range(SHINGLE_WORDS)), strict=False)  # shorter tails
    return {" ".join(run) for run in runs}


@dataclass(frozen=True)
class Signature:
    """A MinHash signature: NUM_PERM 32-bit values."""

    values: bytes
    """NUM_PERM little-endian uint32, as stored."""

    def similarity(self, other: Signature) -> float:
        """Estimated Jaccard similarity of the two shingle sets: the share of equal values."""
        return self.similarities([other])[0]

    def similarities(self, others: Sequence[Signature]) -> list[float]:
        """`similarity` with each of `others`. Plain Python (5 µs a candidate, a lookup reads
        at most a few hundred): numpy would be 40 times faster at it and cost a poll 25 MB
        of memory to import."""
        mine = memoryview(self.values).cast("I")
        return [sum(map(eq, mine, memoryview(other.values).cast("I"))) / NUM_PERM
                for other in others]

    def bands(self) -> list[int]:
        """One key per band: articles that share a key are candidates. A key is the band's
        two values read as one signed 64-bit integer (it fits an SQLite INTEGER), mixed with
        the band's number so that equal values in two bands are two keys."""
        return [value ^ salt for value, salt in
                zip(struct.unpack_from(f"<{BANDS}q", self.values), _SALTS, strict=True)]


_SALTS = [struct.unpack("<q", struct.pack("<Q", band * 0x9E3779B97F4A7C15 % 2**64))[0]
          for band in range(BANDS)]
"""Band b's key is its values XOR b times the 64-bit golden ratio: distinct per band."""


def signature(text: str) -> Signature | None:
    """The text's signature; None when it has fewer than MIN_SHINGLES shingles."""
    found = shingles(text)
    if len(found) < MIN_SHINGLES:
        return None
    from rensa import RMinHash

    minhash = RMinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update(sorted(found))
    return Signature(struct.pack(f"<{NUM_PERM}I", *minhash.digest()))
