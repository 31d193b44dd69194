"""The records that pass between the stages of a poll: an article read and ready to store,
and the alerts it is to queue. Apart from the store, as `reader` keeps its `types.py`, so the
reading stage (which may run in a worker process) builds them without importing SQLite."""

from __future__ import annotations

from dataclasses import dataclass

from .stories import Signature


@dataclass(frozen=True)
class Article:
    source: str
    key: str
    url: str | None
    canonical_url: str | None
    guid: str | None
    title: str
    published: str | None
    language: str | None
    text: str
    extracted_from: str
    """'page' when the article page was fetched and extracted, else 'feed'."""
    content_hash: str
    entry_hash: str
    page_error: str | None = None
    """Why the text came from the feed although the page was wanted: the fetch error ('HTTP
    503', 'refused: ...'), 'no article text in page', or a malformed link."""
    page_attempts: int = 0
    """How often the page of this version of the entry was tried."""
    signature: Signature | None = None
    """The text's MinHash signature (stories.signature); None for a text too short to tell
    a copy by, which then makes a story of its own."""
    rules_hash: str | None = None
    """The rules its hits were found with (`RulesFile.matching_hash`)."""
    lemmas: str | None = None
    """The text as the search index holds it (morph.text_forms of the words the matcher read);
    None when the article was built elsewhere, and the store reduces its text itself."""


@dataclass(frozen=True)
class Outgoing:
    """Alert rows to queue with an article's hits, if the article has hits this alert has not
    been sent for: one row per target."""

    alert: str
    targets: tuple[str, ...]
    kind: str
    """'article' (sent as soon as possible) or 'digest' (sent with others at `due`)."""
    due: str
