"""Russian-aware search of stored articles (`search`): inflected words find each other.

`articles_fts` indexes the raw text, so "технопарков" does not find "технопарк", nor
"Technologieparks" "Technologiepark". `articles_lemmas` (written by the store) holds each
article's words as their likeliest forms (`morph.text_forms`), and a query is reduced here the
same way before SQLite's FTS5 searches it: each word becomes the forms it may be indexed as
(`morph.query_forms`), a quoted phrase stays a phrase, and the operators (AND, OR, NOT,
NEAR, parentheses, `*` for a prefix) keep their FTS5 meaning.

The snippet of a result is cut from the original text, not from the forms: the n-th form of
`articles_lemmas` is the n-th word of `tokens.words(text)`, so the words whose forms the
query asked for are marked where they stand in the article, as written.
"""

from __future__ import annotations

import bisect
import itertools
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass

from .errors import SearchError
from .morph import query_forms
from .tokens import phrase_words, words

OPERATORS = frozenset({"AND", "OR", "NOT"})
_SYNTAX = set('"()^+*')
"""Characters that end a bare word of a query (FTS5 syntax); `,` too inside NEAR(...)."""
MAX_PHRASES = 32
"""How many phrases a quoted phrase may become (the product of its words' forms) before only
each word's likeliest form is used: a long phrase of ambiguous words would otherwise make an
expression of thousands."""
SNIPPET_WORDS = 30
"""Words in a snippet; it starts a few words before the stretch with the most matched words."""
LEAD = 6
MARK = "**"


@dataclass(frozen=True)
class Query:
    """A user's query as FTS5 searches `articles_lemmas`, and what a snippet marks."""

    text: str
    expression: str
    forms: frozenset[str]
    """Every form a word of the query stands for."""
    prefixes: tuple[str, ...]
    """Forms a prefix query (`технопарк*`) matches the start of."""

    def marks(self, form: str) -> bool:
        return form in self.forms or form.startswith(self.prefixes)


@dataclass(frozen=True)
class Result:
    id: int
    date: str
    """When it was published, else when it was fetched."""
    source: str
    title: str
    url: str | None
    snippet: str


def parse(text: str) -> Query:
    """The FTS5 expression of a user's query. Raises SearchError for an unclosed quote or a
    query without a word to look for; other syntax is left for FTS5 to judge (`search`)."""
    out: list[tuple[str, bool]] = []  # each item of the expression, and whether in NEAR()
    forms: set[str] = set()
    prefixes: list[str] = []
    single = "^" in text or "+" in text  # FTS5 wants a phrase there, not (a OR b)
    near = False  # inside NEAR( ... ): phrases only, and a distance after a comma
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        if char == "\"":
            phrase, i = _quoted(text, i)
            prefix = i < n and text[i] == "*"
            i += prefix
            found = phrase_words(phrase)
        elif char in _SYNTAX or (near and char == ","):
            out.append((char, near))
            near = near and char != ")"
            i += 1
            continue
        else:
            end = i
            while end < n and not text[end].isspace() and text[end] not in _SYNTAX and not (
                    near and text[end] == ","):
                end += 1
            chunk, i = text[i:end], end
            if chunk.startswith("-") and phrase_words(chunk):
                raise SearchError(text, f"{chunk!r}: FTS5 has no minus; to leave a word out, "
                                        f"write NOT before it (технопарк NOT {chunk[1:]})")
            if chunk in OPERATORS or (near and chunk.isdigit() and out[-1:] == [(",", True)]):
                out.append((chunk, near))
                continue
            if chunk == "NEAR" and text[i:].lstrip().startswith("("):
                out.append((chunk, near))
                near = True
                continue
            prefix = i < n and text[i] == "*"
            i += prefix
            found = phrase_words(chunk)
        if not found:
            continue  # a dash, a quote of punctuation: nothing FTS5 would index either
        out.append((_phrase(found, prefix, single or near, forms, prefixes), near))
    if not forms and not prefixes:
        raise SearchError(text, "the query has no word to look for")
    return Query(text, _joined(out), frozenset(forms), tuple(prefixes))


_NOT_AFTER = OPERATORS | {"(", ",", "+", "^", "NEAR"}
_NOT_BEFORE = OPERATORS | {")", ",", "+", "*"}


def _joined(items: list[tuple[str, bool]]) -> str:
    """The expression, with AND written between two terms side by side: FTS5 (before 3.44)
    reads "a b" as both, but not "a (b OR c)", which a word of several forms becomes. Not
    inside NEAR(...), whose phrases stand side by side."""
    out: list[str] = []
    for item, near in items:
        if out and not near and out[-1] not in _NOT_AFTER and item not in _NOT_BEFORE:
            out.append("AND")
        out.append(item)
    return " ".join(out)


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The phrase of the quoted string at `start` ("" inside it is a quote, as in FTS5) and
    where it ends."""
    phrase, i = "", start + 1
    while True:
        close = text.find("\"", i)
        if close < 0:
            raise SearchError(text, "a quote (\") is not closed")
        phrase += text[i:close]
        if text.startswith("\"\"", close):
            phrase, i = phrase + "\"", close + 2
            continue
        return phrase, close + 1


def _phrase(found: Sequence[str], prefix: bool, single: bool, forms: set[str],
            prefixes: list[str]) -> str:
    """One word or phrase of the query as FTS5 phrases of forms: the OR of every combination
    of its words' forms, or (`single`, or too many) the phrase of their likeliest forms. The
    last word of a prefix query is kept as written: a word cut short has no lemma."""
    alternatives = [query_forms(word) for word in found[:-1]]
    last = found[-1]
    alternatives.append((last,) if prefix else query_forms(last))
    for word_forms in alternatives[:-1] if prefix else alternatives:
        forms.update(word_forms)
    if prefix:
        prefixes.append(last)
    count = 1
    for word_forms in alternatives:
        count *= len(word_forms)
    if single or count > MAX_PHRASES:
        combinations = [tuple(word_forms[0] for word_forms in alternatives)]
    else:
        combinations = list(itertools.product(*alternatives))
    star = "*" if prefix else ""
    phrases = [f"\"{' '.join(combination)}\"{star}" for combination in combinations]
    return phrases[0] if len(phrases) == 1 else f"({' OR '.join(phrases)})"


def search(conn: sqlite3.Connection, text: str, *, sources: Sequence[str] = (),
           since: str | None = None, limit: int = 20, newest: bool = False) -> list[Result]:
    """The stored articles that match a query, best match first (FTS5's bm25 rank), or
    newest first; `since` is an ISO 8601 time the article's date is not before. Raises
    SearchError for a query FTS5 cannot read."""
    query = parse(text)
    where = ["articles_lemmas MATCH ?"]
    params: list[object] = [query.expression]
    if sources:
        where.append(f"a.source IN ({','.join('?' * len(sources))})")
        params += sources
    if since is not None:
        where.append("a.date >= ?")
        params.append(since)
    order = "date DESC" if newest else "articles_lemmas.rank"
    try:
        rows = conn.execute(
            "SELECT a.id, a.date, a.source, a.title, a.url, "
            "a.text, articles_lemmas.lemmas FROM articles_lemmas JOIN articles a ON a.id = "
            f"articles_lemmas.rowid WHERE {' AND '.join(where)} ORDER BY {order}, a.id DESC "
            "LIMIT ?", [*params, limit]).fetchall()
    except sqlite3.OperationalError as exc:
        if not str(exc).startswith(("fts5:", "no such column", "unknown special query")):
            raise  # the database's trouble (locked, corrupt), not the query's
        raise SearchError(text, f"{exc} (quote a word that is AND, OR, NOT or NEAR, close "
                                "every parenthesis, and put * right after a word)") from None
    return [Result(row[0], row[1], row[2], row[3], row[4], snippet(row[5], row[6], query))
            for row in rows]


def snippet(text: str, lemmas: str, query: Query, width: int = SNIPPET_WORDS) -> str:
    """About `width` words of the original text around the most matched words, each matched
    word between MARK; "…" where the text goes on. Unmarked, from the start, if the forms do
    not line up with the words (a text changed by hand and not saved again)."""
    tokens = words(text)
    if not tokens:
        return " ".join(text.split())
    forms = lemmas.split(" ")
    marked = [i for i, form in enumerate(forms) if query.marks(form)] \
        if len(forms) == len(tokens) else []
    low = 0
    if marked:
        best = max(marked, key=lambda m: (bisect.bisect_left(marked, m - LEAD + width)
                                          - bisect.bisect_left(marked, m - LEAD), -m))
        low = max(0, min(best - LEAD, len(tokens) - width))
    high = min(len(tokens), low + width)
    spans: list[list[int]] = []  # [start, end] of each marked stretch: "**ИТ-парке**"
    previous = -2
    for index in marked[bisect.bisect_left(marked, low):bisect.bisect_left(marked, high)]:
        token = tokens[index]
        if index == previous + 1 and not any(map(str.isspace, text[spans[-1][1]:token.start])):
            spans[-1][1] = token.end
        else:
            spans.append([token.start, token.end])
        previous = index
    # From the text's start and to its end when the snippet reaches them: a quote or a full
    # stop is part of it.
    pieces, at = [], tokens[low].start if low else 0
    for start, end in spans:
        pieces += [text[at:start], MARK, text[start:end], MARK]
        at = end
    pieces.append(text[at:tokens[high - 1].end if high < len(tokens) else len(text)])
    out = " ".join("".join(pieces).split())
    return ("…" if low else "") + out + ("…" if high < len(tokens) else "")
