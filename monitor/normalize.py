"""Text normalisation that remembers where every character came from.

Matching runs on normalised text (case folded, ё as е, one quote style, one dash, plain spaces)
but users need offsets and snippets from the text they can read, so `Normalized.span` maps a
match back to the original characters exactly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

QUOTES = "«»„“”‟\"‚‘’‛'‹›〝〞＂"
DASHES = "‐‑‒–—―−﹘﹣－"
SPACES = "\u00a0\u1680\u202f\u205f\u3000\t" + "".join(map(chr, range(0x2000, 0x200B)))
REMOVED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
"""Soft hyphens and zero-width characters: invisible, but they split words for a matcher."""

_ONE_TO_ONE = {**{c: '"' for c in QUOTES}, **{c: "-" for c in DASHES},
               **{c: " " for c in SPACES}, "ё": "е", "Ё": "е"}
# Found by a character class rather than str.translate, which looks every character of an
# article up in a dict; re skips the long runs of ordinary letters between these few.
_TO_REPLACE = re.compile(f"[{re.escape(''.join(_ONE_TO_ONE))}]")


@dataclass(frozen=True)
class Normalized:
    original: str
    text: str
    offsets: tuple[int, ...] | None
    """offsets[i] is the index in `original` of normalised character i; None when the two
    strings line up one to one (the common case, kept cheap)."""

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span of the normalised span [start, end)."""
        if self.offsets is None:
            return start, end
        if start >= end:
            pos = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return pos, pos
        return self.offsets[start], self.offsets[end - 1] + 1


def _fold(text: str) -> str:
    return _TO_REPLACE.sub(lambda found: _ONE_TO_ONE[found.group()], text).casefold()


def normalize(text: str) -> Normalized:
    folded = _fold(text)
    if len(folded) == len(text) and not any(c in text for c in REMOVED):
        # casefold can still change a character into another single one; lengths agreeing
        # everywhere means every position maps to itself.
        return Normalized(text, folded, None)
    # Only the few characters removed or folded into several ("ß" -> "ss") break the one to
    # one mapping: the runs between them map position by position, so they are copied whole
    # rather than looked at character by character (a German article has hundreds of words).
    odd = "".join(c for c in set(text) if c in REMOVED or len(c.casefold()) != 1)
    out: list[str] = []
    offsets: list[int] = []
    done = 0
    for found in re.finditer(f"[{re.escape(odd)}]", text):
        index = found.start()
        out.append(_fold(text[done:index]))
        offsets.extend(range(done, index))
        if found.group() not in REMOVED:
            folded_char = _fold(found.group())
            out.append(folded_char)
            offsets.extend([index] * len(folded_char))
        done = index + 1
    out.append(_fold(text[done:]))
    offsets.extend(range(done, len(text)))
    return Normalized(text, "".join(out), tuple(offsets))
