"""The records that pass between the stages of a poll: a hit the matcher found, an article read
and ready to store, and the alerts it is to queue. Apart from the matcher and the store, as
`reader` keeps its `types.py`: the reading stage (which may run in a worker process) builds
them without importing SQLite, and the store keeps them without importing the matcher."""

from __future__ import annotations

from dataclasses import dataclass, field

from .stories import Signature

HIT_FIELDS = ("kind", "rule", "organisation", "metric", "value", "unit", "matched", "start",
              "end", "snippet", "qualifier", "year", "mentions")
"""The fields of a hit as users see them (`check --json`, the `hits` table)."""


@dataclass(frozen=True)
class Hit:
    kind: str
    """'organisation', 'metric' or 'candidate' (`candidates.py`)."""
    rule: str
    """The id of the rule that fired (an organisation id or a metric id)."""
    organisation: str | None
    metric: str | None
    value: float | None
    """In base units: rubles, square metres, people, percent."""
    unit: str | None
    matched: str
    """The exact original text of the name or of the value, e.g. '1,5 млрд рублей'."""
    start: int
    end: int
    snippet: str
    qualifier: str | None = None
    """more_than, at_least, almost, about, up_to, less_than; previous for the earlier value
    of a comparison ("from 75.8 to 90 billion")."""
    year: int | None = None
    """The year named nearest the figure in its clause, else the first its sentence names."""
    mentions: int = 1
    """How many times the text states this fact (title and body, repeats)."""
    why: str = field(default="", compare=False, repr=False)
    """For `check --explain`: what gave a figure its metric, unit and role."""
    link: str = field(default="", compare=False, repr=False)
    """For `check --explain`: why a figure got its organisation."""
    sentence: int = field(default=0, compare=False, repr=False)
    token: int = field(default=0, compare=False, repr=False)

    def public(self) -> dict[str, object]:
        return {name: getattr(self, name) for name in HIT_FIELDS}


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
