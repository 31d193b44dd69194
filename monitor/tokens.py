"""Words, sentences and paragraphs of an article, as offsets into its original text.

Words are runs of letters and digits of the normalised text, so quotes, dashes and hyphens
separate words: "ИТ-парк" is two words, and «Якутия» and "Якутия" are the same word.

Sentences end at . ! ? … before a capital letter, a digit or a quote, except after an
abbreviation that is usually followed by more of the sentence: "1,2 Mrd. Rubel", "15 тыс. кв. м
площадей", "Mr. Smith". A general-purpose segmenter (razdel) splits the German cases wrongly,
and figures are exactly what we must keep in one sentence with their keyword.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate, repeat
from typing import NamedTuple

from .lazy import cached_property
from .normalize import normalize

SEP = "\x1f"
"""Joins words into one string for a regular expression or an automaton to search (no word
holds it)."""
_WORD = re.compile(r"[^\W_]+")
_SPLIT = re.compile(r"([^\W_]+)")
_END = re.compile(r"[.!?…]+[\"')\]»”“]*(?=\s|$)")
_CLAUSE_MARK = re.compile("[,;]")
_NEXT = re.compile(r"\s*[\"'(\[«„“]*(\S)")

# Lower-case, without the dot. After these a sentence does not end, whatever follows.
NEVER_ENDS = frozenset("""
тыс млн млрд трлн руб кв м км см мм га т тн им ул пр просп д корп стр обл респ г гг
т.е т.ч т.к т.н т.п т.д др пр см напр проф акад канд доц тел ок
mr mrs ms dr prof st no vs etc inc ltd co corp jr sr approx est fig mln bn sq
mio mrd tsd nr bzw ca vgl z.b u.a d.h usw str gmbh
""".split())
# After these a sentence ends only if a capital letter that is not a noun-like unit follows:
# "в 2023 г. Это" ends, "2023 г. в Москве" does not.
YEAR_MARKS = frozenset({"г", "гг"})


class Token(NamedTuple):
    """One word. A tuple, not a dataclass: one is made for every word of every article, and a
    tuple is made several times faster than a frozen dataclass."""

    text: str
    """The original characters."""
    norm: str
    """Case folded, ё as е."""
    start: int
    end: int


def words(text: str) -> list[Token]:
    norms, written, starts, ends = _words(text)
    return list(map(tuple.__new__, repeat(Token), zip(written, norms, starts, ends, strict=True)))


def _words(text: str) -> tuple[list[str], list[str], list[int], list[int]]:
    """Each word's normalised form, its original characters, its start and its end, as four
    lists (`Layout` keeps them so; no object per word). Made by splitting the text at its words
    and adding up the lengths of the pieces, so that no Python code runs per word: an article
    has hundreds."""
    normalized = normalize(text)
    pieces = _SPLIT.split(normalized.text)  # a separator, a word, …, a word, a separator
    bounds = list(accumulate(map(len, pieces), initial=0))
    starts, ends = bounds[1:-2:2], bounds[2:-1:2]
    if normalized.offsets is not None:  # back to the original text's positions
        offsets = normalized.offsets
        starts = [offsets[start] for start in starts]
        ends = [offsets[end - 1] + 1 for end in ends]
    written = list(map(text.__getitem__, map(slice, starts, ends)))
    return pieces[1::2], written, starts, ends


@lru_cache(maxsize=1 << 18)
def phrase_words(phrase: str) -> tuple[str, ...]:
    """The normalised words of a rule's phrase (`Token.norm` of `words`). Cached: loading
    rules asks for the words of each of 100,000 phrases of a large rules file several times
    (length check, word forms, shared names, one automaton per variant)."""
    return tuple(_WORD.findall(normalize(phrase).text))


def _word_before(text: str, pos: int) -> str:
    """The word (with inner dots, as in 't.e') that ends at pos, lower-cased."""
    start = pos
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        start -= 1
    return text[start:pos].strip(".").lower()


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) of each sentence, whitespace trimmed; newlines always end a sentence."""
    spans = []
    for line_start, line in _lines(text):
        start = 0
        for found in _END.finditer(line):
            following = _NEXT.match(line, found.end())
            if following is None:
                continue  # end of line: the line break ends the sentence
            first = following.group(1)
            if not (first.isupper() or first.isdigit()):
                continue
            before = _word_before(line, found.start())
            if before not in YEAR_MARKS:
                if before in NEVER_ENDS:
                    continue
                if len(before) == 1 and before.isalpha() and found.group() == ".":
                    continue  # an initial: "A. S. Pushkin"
            spans.append((line_start + start, line_start + found.end()))
            start = found.end()
        spans.append((line_start + start, line_start + len(line)))
    return [_trimmed(text, a, b) for a, b in spans if not text[a:b].isspace() and a < b]


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for line in text.split("\n"):
        out.append((pos, line))
        pos += len(line) + 1
    return out


def _trimmed(text: str, a: int, b: int) -> tuple[int, int]:
    """[a, b) without the whitespace at either end (there is more than whitespace)."""
    span = text[a:b]
    return a + len(span) - len(span.lstrip()), b - len(span) + len(span.rstrip())


def _clauses(text: str, written: list[str], starts: list[int], ends: list[int]) -> list[int]:
    """Each word's clause: a comma or semicolon between two words starts a new one, except a
    decimal comma ("1,5"). Looks at the marks, which are far fewer than the words."""
    opening = [0]  # the first word of each clause
    for mark in _CLAUSE_MARK.finditer(text):
        index = bisect.bisect_right(starts, mark.start())  # the word after the mark
        if index == 0 or index == len(written) or index == opening[-1]:
            continue  # before the first word, after the last, or a gap already counted
        decimal = text[ends[index - 1]:starts[index]] == "," and \
            written[index - 1].isdigit() and written[index].isdigit()
        if not decimal:
            opening.append(index)
    return _spans_of(range(len(written)), opening)


def _spans_of(positions: Sequence[int], starts: list[int]) -> list[int]:
    """For each of the ascending ``positions``, the index of the last of the ascending
    ``starts`` at or before it (0 before the first). One search per span, not per word: an
    article has hundreds of words and a few dozen sentences."""
    out: list[int] = []
    for index, start in enumerate(starts[1:]):
        out += [index] * (bisect.bisect_left(positions, start) - len(out))
    out += [max(len(starts) - 1, 0)] * (len(positions) - len(out))
    return out


@dataclass(frozen=True)
class Layout:
    """Where each word sits: its sentence and paragraph. Built once per article."""

    text: str
    norms: list[str]
    """Each word as `Token.norm`. The words are kept as parallel lists, not one object each:
    an article has hundreds, and the figure gates ask whether a stretch of a sentence holds a
    word of a set, which a slice and `isdisjoint` answer at once."""
    texts: list[str]
    """Each word as written (`Token.text`)."""
    token_starts: list[int]
    token_ends: list[int]
    sentences: list[tuple[int, int]]
    token_sentence: list[int]
    token_paragraph: list[int]
    sentence_starts: list[int]
    token_clause: list[int]
    """Clauses are parts of a sentence between commas and semicolons ("1,5" is no comma)."""

    @classmethod
    def of(cls, text: str) -> Layout:
        norms, texts, token_starts, token_ends = _words(text)
        sentences = sentence_spans(text)
        starts = [s for s, _ in sentences]
        paragraph_starts = [0, *(m.end() for m in re.finditer("\n", text))]
        return cls(
            text=text, norms=norms, texts=texts, token_starts=token_starts,
            token_ends=token_ends, sentences=sentences,
            token_sentence=_spans_of(token_starts, starts),
            token_paragraph=_spans_of(token_starts, paragraph_starts),
            sentence_starts=starts, token_clause=_clauses(text, texts, token_starts, token_ends),
        )

    @cached_property
    def sentence_tokens(self) -> list[range]:
        """The words of each sentence, as a range of token indices. Cached: several figure
        gates look at a figure's whole sentence, and a figure's sentence has its words."""
        out = []
        for sentence, start in enumerate(self.sentence_starts):
            low = self.token_at(start)
            worded = low >= 0 and self.token_sentence[low] == sentence  # not marks alone
            high = bisect.bisect_right(self.token_sentence, sentence, low) if worded else low
            out.append(range(low, high))
        return out

    def clause_words(self, clause: int, sentence: int) -> range:
        """The words of `clause` in `sentence` (clauses number the words in text order and
        may run over a sentence's end, so the sentence bounds them)."""
        words = self.sentence_tokens[sentence]
        low = bisect.bisect_left(self.token_clause, clause, words.start, words.stop)
        return range(low, bisect.bisect_right(self.token_clause, clause, low, words.stop))

    def token_at(self, offset: int) -> int:
        """Index of the first word that ends after `offset`."""
        return min(bisect.bisect_right(self.token_ends, offset), len(self.norms) - 1)

    def sentence_of_offset(self, offset: int) -> int:
        return max(bisect.bisect_right(self.sentence_starts, offset) - 1, 0)
