"""Loading and validating `sources.yaml` and `rules.yaml`.

Validation is strict (unknown keys, wrong types, duplicate ids and bad URLs are refused) because a
typo in a monitoring config fails silently otherwise: a misspelt `fetch_artcle: false` would be
ignored and the user would never learn why articles are still fetched. Every problem is reported
as `file:line: field.path: message`, all of them at once.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import ConfigError
from .morph import LATIN_LANGUAGES, RuleForms, cache_dir
from .tokens import phrase_words, words

Loc = tuple[str | int, ...]

# --------------------------------------------------------------------------- field types


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PydanticCustomError("str_list", "expected a list of strings")
    if any(not v.strip() for v in value):
        raise PydanticCustomError("str_list", "strings in this list must not be empty")
    return value


PHRASE_MAX_WORDS = 20
PHRASE_MAX_CHARACTERS = 200
"""The longest name, alias, abbreviation, exclude phrase, keyword or term. The longest real
names ("Федеральное государственное бюджетное учреждение ... имени ...") stay under it, and
an alias of 30,000 words crashed the process (SIGSEGV in pyahocorasick when the matcher was
freed): a phrase this long is a paste error, not a name."""


def _phrase(value: Any) -> str:
    if not isinstance(value, str):
        return value  # the type error is reported by the field itself
    count = len(phrase_words(value))
    if count > PHRASE_MAX_WORDS:
        size = f"{count:,} words"
    elif len(value) > PHRASE_MAX_CHARACTERS:
        size = f"{len(value):,} characters"
    else:
        return value
    raise PydanticCustomError(
        "phrase", "too long: {size} (at most {words} words and {characters} characters)",
        {"size": size, "words": PHRASE_MAX_WORDS, "characters": PHRASE_MAX_CHARACTERS})


def _url(value: Any) -> str:
    if not isinstance(value, str):
        raise PydanticCustomError("url", "expected a URL string")
    text = value.strip()
    # Error templates substitute plain {name} only (a `{value!r}` is printed as is), so the
    # messages below pass repr(value) in the context.
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if (parts is None or parts.scheme not in ("http", "https") or not parts.hostname
            or re.search(r"\s", text)):
        raise PydanticCustomError("url", "expected an http:// or https:// URL, got {value}",
                                  {"value": repr(value)})
    return text


_DURATION = re.compile(r"(\d+)\s*([smhd])")
_UNIT_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> int:
    """'15m' -> 900. Accepts s, m, h, d and combinations such as '1h30m'. A bare number is
    refused: `interval: 5` read as five seconds polls a publisher 180 times more often than the
    five minutes its writer probably meant."""
    compact = text.replace(" ", "")
    if compact.isdigit():
        raise ValueError(f"{text} has no unit: write {compact}s, {compact}m, {compact}h or "
                         f"{compact}d")
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"expected a duration such as 30s, 15m, 1h or 1h30m, got {text!r}")
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(compact))


FROM_FILE = {"from_file": True}
"""Validation context of values read from sources.yaml and rules.yaml (see `_duration`)."""


def _pause(value: Any, info: ValidationInfo) -> int:
    """A duration that may be zero: a pause that can be left out (0s)."""
    return _duration(value, info, minimum=0)


def _duration(value: Any, info: ValidationInfo, minimum: int = 1) -> int:
    """Seconds. In a file every duration needs its unit; code may pass whole seconds."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("duration", "expected a duration such as 30s, 15m or 1h")
    from_file = bool(info.context and info.context.get("from_file"))
    try:
        seconds = parse_duration(str(value)) if from_file or isinstance(value, str) else value
    except ValueError as exc:
        raise PydanticCustomError("duration", str(exc)) from None
    if seconds < minimum:
        raise PydanticCustomError("duration", "must be at least one second" if minimum == 1
                                  else "must not be negative")
    return seconds


def _language(value: Any) -> str:
    if isinstance(value, bool):
        # `no` (Norwegian) is read by YAML as false. Mapping keys keep their text, values don't.
        raise PydanticCustomError("language", "expected a language code such as ru, en or de "
                                  "(put codes such as 'no' in quotes)")
    if not isinstance(value, str) or not re.fullmatch(r"[a-z]{2,3}", value):
        raise PydanticCustomError("language", "expected a language code such as ru, en or de")
    return value


def _expected_string(value: Any) -> PydanticCustomError:
    # YAML reads 1520 as a number, yes as true and 2024-01-01 as a date (bool is an int).
    if isinstance(value, int | float | date):
        return PydanticCustomError("not_string", "expected a string (put the value in quotes)")
    return PydanticCustomError("not_string", "expected a string")


def _ident(value: Any) -> str:
    if not isinstance(value, str):
        raise _expected_string(value)
    if not re.fullmatch(r"[a-z0-9][a-z0-9_.-]*", value):
        raise PydanticCustomError(
            "ident", "expected lower-case letters, digits, '-', '_' or '.', starting with a "
            "letter or digit, got {value}", {"value": repr(value)})
    return value


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise _expected_string(value)
    if not value.strip():
        raise PydanticCustomError("text", "must not be empty")
    return value


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PydanticCustomError("timezone", "expected a time zone such as 'Europe/Moscow', "
                                  "got {value}", {"value": repr(value)}) from None
    return value


Phrase = Annotated[str, BeforeValidator(_phrase)]
"""Something the matcher looks for; bounded in length."""
StrList = Annotated[list[Phrase], BeforeValidator(_str_list)]
Url = Annotated[str, BeforeValidator(_url)]
Seconds = Annotated[int, BeforeValidator(_duration)]
Pause = Annotated[int, BeforeValidator(_pause)]
Language = Annotated[str, BeforeValidator(_language)]
Ident = Annotated[str, BeforeValidator(_ident)]
Text = Annotated[str, BeforeValidator(_text)]
PhraseText = Annotated[Text, BeforeValidator(_phrase)]
TimeZone = Annotated[str, BeforeValidator(_timezone)]


class _Strict(BaseModel):
    # strict: "10" is not a number and "yes" is not a boolean; YAML already types plain values.
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


# --------------------------------------------------------------------------- sources.yaml


class FetchSettings(_Strict):
    """Limits for every request. Defaults suit public news sites; lower them for slow links."""

    connect_timeout: float = Field(10.0, gt=0)
    timeout: float = Field(30.0, gt=0, description="total deadline per request, body included")
    max_bytes: int = Field(10 * 1024 * 1024, gt=0, description="cap after decompression")
    max_redirects: int = Field(5, ge=0, le=20)
    user_agent: str | None = None
    poll_budget: Seconds = 120
    """Total time one poll of a source may spend on its entries (never more than the source's
    interval): entries left when it is spent are picked up by the next poll. A source whose
    article pages all hang then holds a poll worker for about this long plus one `timeout`,
    not for `timeout` times its entries (30 entries x 30 s is a quarter of an hour). Two
    minutes is four times what a poll of 30 new entries with 1 s pages needs."""
    workers: int = Field(16, ge=1, le=256)
    """Requests in flight at once, across hosts (`poll` and the daemon alike)."""
    processes: int = Field(0, ge=0, le=64)
    """Worker processes that read entries (parse feeds, extract pages, match), so a poll of
    many sources uses more than one core (monitor/reading.py); 0 reads in the polling
    threads. Each worker holds its own matcher: on `make bench-polling`'s 200 feeds two
    workers made the first poll about a fifth faster and cost 320 MB more, so they are for a
    machine with cores and memory to spare."""
    host_delay: Pause = 1
    """Least time between the end of one request to a host and the start of the next (a host
    is a host and port: an origin). Requests to one host never overlap either."""
    history: Seconds = 30 * 86400
    """How long each source's polls are kept in `fetches`: older rows are deleted as the
    source is polled. A month shows a source's pattern of failures, and `source_health` and
    the health alerts read `sources`, not this log."""


def _selector(value: Any) -> str:
    """A CSS selector, compiled here so that a typo is a config error at its line, not a
    failed poll hours later. soupsieve is what BeautifulSoup's `select` runs; imported here
    because only `kind: html` sources need it."""
    if not isinstance(value, str):
        raise _expected_string(value)
    if not value.strip():
        raise PydanticCustomError("selector", "must not be empty")
    import soupsieve

    try:
        soupsieve.compile(value)
    except (soupsieve.SelectorSyntaxError, NotImplementedError, ValueError) as exc:
        raise PydanticCustomError("selector", "not a CSS selector soupsieve can use: {reason}",
                                  {"reason": str(exc).splitlines()[0]}) from None
    return value


Selector = Annotated[str, BeforeValidator(_selector)]


class Selectors(_Strict):
    """Where a `kind: html` listing page keeps its news: `item` selects each news item on the
    page; the others are looked for inside each item (the first match counts)."""

    item: Selector
    link: Selector
    """The element whose href (or the first link inside it) is the article's address."""
    title: Selector
    date: Selector
    """Its `datetime` attribute (a <time> element) or its text, in the site's own words."""
    summary: Selector | None = None
    """A teaser to match when the article page is not fetched."""


KIND_FIELDS = {"selectors": "html", "timezone": "html", "max_age": "sitemap"}
"""Fields that only one kind of source reads: given to another kind they would do nothing,
silently, so they are refused."""


class Source(_Strict):
    name: Ident
    url: Url
    kind: Literal["feed", "html", "sitemap"] = "feed"
    language: Language | None = None
    interval: Seconds = 900
    fetch_article: bool = True
    enabled: bool = True
    stale_after: Seconds | None = None
    """Raise a health alert when no new entry has arrived for this long (e.g. 2d)."""
    selectors: Selectors | None = None
    """`kind: html` only (and required there): where the listing page keeps its news."""
    max_age: Seconds = 2 * 86400
    """`kind: sitemap` only: URLs dated longer ago than this are not entries, so a site's
    50,000 old URLs are never fetched; URLs with no date at all are skipped too."""
    timezone: TimeZone = "UTC"
    """`kind: html` only: the zone of the times a listing page gives without one (a Yakutsk
    site's "вчера, 14:30" is 05:30 UTC)."""

    @field_validator("selectors", "timezone", "max_age")
    @classmethod
    def _for_its_kind(cls, value: Any, info: ValidationInfo) -> Any:
        kind = info.data.get("kind")  # absent when `kind` itself was invalid
        wanted = KIND_FIELDS[str(info.field_name)]
        if kind is not None and kind != wanted:
            raise PydanticCustomError("kind_field", "`{field}` goes with kind {wanted}, not "
                                      "{kind}", {"field": info.field_name, "wanted": wanted,
                                                 "kind": kind})
        return value

    @model_validator(mode="after")
    def _html_has_selectors(self) -> Source:
        if self.kind == "html" and self.selectors is None:
            raise PydanticCustomError("selectors", "kind html needs `selectors` (item, link, "
                                      "title, date; optional summary)")
        return self
    host_delay: Pause | None = None
    """This source's own `fetch.host_delay`, for its feed and its article pages."""


class SourcesFile(_Strict):
    fetch: FetchSettings = FetchSettings()
    sources: list[Source]


# --------------------------------------------------------------------------- rules.yaml


OrganisationKind = Literal["technopark", "it_park", "sez", "sez_site", "industrial_park",
                           "innovation_centre", "science_centre", "fund",
                           "development_institution", "association", "ministry", "university",
                           "other"]
"""sez: a special economic zone; sez_site: one site of a zone (Технополис «Москва»'s Руднево);
science_centre: a world-class scientific-educational centre (НОЦ)."""


class Organisation(_Strict):
    id: Ident
    name: PhraseText
    aliases: dict[Language, StrList] = {}
    """Matched by lemma (Russian) or stem (English, German): one form covers the inflections."""
    abbreviations: StrList = []
    """Matched case-sensitively as written (НОЦ, АСИ, NTI): lower-case they are common words."""
    exclude: StrList = []
    """Phrases that cancel a match of this organisation in the same sentence."""
    kind: OrganisationKind | None = None
    """What it is: with `place`, a descriptive mention ("the special economic zone in the
    Tomsk Region", "технопарк в Нижнекамске") resolves to the one registered organisation of
    that kind and place."""
    place: StrList = []
    """The city or region it is in, as the press writes it (matched like aliases)."""


UnitClass = Literal["RUB", "money", "count", "m2", "percent"]


class Metric(_Strict):
    id: Ident
    name: Text
    keywords: dict[Language, StrList]
    """Words that name the figure, nouns or verbs ("выручка", "earned", "gesteckt")."""
    nouns: dict[Language, StrList] = {}
    """The nouns this metric counts: a number that quantifies one of them is this metric's
    figure without a keyword ("547 компаний", "19.5 thousand working places")."""
    fallback: dict[Language, StrList] = {}
    """Words that type a figure as this metric only when no keyword or noun of any metric
    types it: verbs that say money moved ("flossen", "распределят", "commit") without saying
    as what, so that a named metric ("An Steuern flossen …") always wins over them."""
    unit: UnitClass
    """What the value must be: RUB (rubles only), money (any currency), count (a bare number or
    people), m2 (area), percent."""
    near: int | None = Field(None, ge=1)
    """At most this many words between keyword and value; default: anywhere in the sentence."""


_THRESHOLD = re.compile(r"^\s*(>=|<=|>|<|==)\s*([0-9][0-9_]*(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)\s*$")


def _threshold(value: Any) -> tuple[str, float]:
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise PydanticCustomError("threshold", "expected a comparison such as '>= 1e9'")
    match = _THRESHOLD.match(str(value) if isinstance(value, str) else f">= {value}")
    if not match:
        raise PydanticCustomError("threshold", "expected a comparison such as '>= 1e9' or "
                                  "'< 500', got {value}", {"value": repr(value)})
    return match.group(1), float(match.group(2).replace("_", ""))


Threshold = Annotated[tuple[str, float], BeforeValidator(_threshold)]
_CONDITION_KINDS = ("organisation", "metric", "term", "all", "any", "not_")


class Condition(_Strict):
    """One node of an alert's selection: a leaf (an organisation, a metric, optionally with a
    value threshold, or a free term) or a combination (all, any, not). `same_sentence` and
    `near` on `all`/`any` require their parts to occur together."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, populate_by_name=True)

    organisation: Ident | None = None
    metric: Ident | None = None
    value: Threshold | None = None
    term: PhraseText | None = None
    all: list[Condition] | None = None
    any: list[Condition] | None = None
    not_: Condition | None = Field(None, alias="not")
    same_sentence: bool = False
    near: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _one_kind(self) -> Condition:
        given = [k for k in _CONDITION_KINDS if getattr(self, k) is not None]
        if len(given) != 1:
            raise PydanticCustomError(
                "condition", "give exactly one of organisation, metric, term, all, any, not")
        if self.value is not None and self.metric is None:
            raise PydanticCustomError("condition", "`value` goes with `metric`")
        if (self.same_sentence or self.near) and self.all is None and self.any is None:
            raise PydanticCustomError("condition", "`same_sentence` and `near` go with "
                                      "`all` or `any`")
        if (self.all is not None and not self.all) or (self.any is not None and not self.any):
            raise PydanticCustomError("condition", "`all` and `any` need at least one part")
        return self

    def leaves(self) -> list[Condition]:
        parts = self.all or self.any or ([self.not_] if self.not_ else [])
        return [leaf for part in parts for leaf in part.leaves()] if parts else [self]


class Selection(_Strict):
    """Which articles an alert fires for: a condition over the article's hits, narrowed to some
    sources and languages."""

    when: Condition
    sources: list[Ident] = []
    languages: list[Language] = []


_EMAIL = re.compile(r"^[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+$")


def _email(value: Any) -> str:
    if not isinstance(value, str) or not _EMAIL.match(value.strip()):
        raise PydanticCustomError("email", "expected an email address, got {value}",
                                  {"value": repr(value)})
    return value.strip()


def _secret(value: Any) -> str:
    if not isinstance(value, str) or not value.startswith("whsec_"):
        raise PydanticCustomError("secret", "expected a Standard Webhooks secret 'whsec_...'")
    try:
        base64.b64decode(value[len("whsec_"):], validate=True)
    except (binascii.Error, ValueError):
        raise PydanticCustomError("secret", "the part after 'whsec_' must be base64") from None
    return value


def _clock(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d", value):
        raise PydanticCustomError("clock", "expected a time of day such as '09:00'")
    return value


Email = Annotated[str, BeforeValidator(_email)]
Secret = Annotated[str, BeforeValidator(_secret)]
Clock = Annotated[str, BeforeValidator(_clock)]


class Target(_Strict):
    """Where an alert goes: `email: [addresses]`, or `webhook: URL` with an optional secret.

    `name` is what the `alerts` table records, so pending alerts follow the target when its
    address changes (a new webhook URL, one more recipient). Left out, it is
    `<alert name>-<position>` (from 1) for an alert's targets and `health` for the health
    target."""

    name: Ident = ""
    """Filled in while validating the alert or health section it belongs to."""
    email: list[Email] | None = None
    webhook: Url | None = None
    secret: Secret | None = None
    timeout: Seconds | None = None
    """Webhook only: the total time one POST may take; default `delivery.webhook_timeout`."""

    @model_validator(mode="after")
    def _one_kind(self) -> Target:
        if (self.email is None) == (self.webhook is None):
            raise PydanticCustomError("target", "give either `email` or `webhook`")
        if self.email is not None and not self.email:
            raise PydanticCustomError("target", "`email` needs at least one address")
        if self.secret is not None and self.webhook is None:
            raise PydanticCustomError("target", "`secret` goes with `webhook`")
        if self.timeout is not None and self.webhook is None:
            raise PydanticCustomError("target", "`timeout` goes with `webhook` (an email "
                                      "target uses `smtp.timeout`)")
        return self

    def describe(self) -> str:
        """How releases before target names keyed the target in the `alerts` table (it holds
        the webhook URL, so it is never shown or logged: see `label`)."""
        return f"webhook:{self.webhook}" if self.webhook else "email:" + ",".join(self.email)

    def label(self) -> str:
        """The target for logs and the CLI: its name, and the webhook's host and a short hash
        of its URL (webhook URLs often carry a secret token), or the email addresses."""
        where = redact_url(self.webhook) if self.webhook else ",".join(self.email or [])
        return f"{self.name} ({where})"


def redact_url(url: str) -> str:
    """'https://hooks.example.org/…#3f2a9c1e': enough to tell URLs apart, nothing of a token
    in their path or query."""
    parts = urlsplit(url)
    digest = hashlib.sha256(url.encode()).hexdigest()[:8]
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/…#{digest}"


def _named(targets: list[Target], prefix: str) -> list[Target]:
    return [t if t.name else t.model_copy(update={"name": f"{prefix}-{i}"})
            for i, t in enumerate(targets, 1)]


class Alert(Selection):
    name: Ident
    targets: list[Target] = Field(min_length=1)
    mode: Literal["immediate", "hourly", "daily"] = "immediate"
    at: Clock = "09:00"
    """For `daily`: when the digest goes out, in `timezone`."""
    timezone: TimeZone = "UTC"

    @model_validator(mode="after")
    def _default_target_names(self) -> Alert:
        # Frozen model: the default names are filled in once, here, while validating.
        object.__setattr__(self, "targets", _named(self.targets, self.name))
        return self


class SmtpSettings(_Strict):
    """The mail server. The username and password come only from the environment
    (TECHNOPARK_SMTP_USERNAME, TECHNOPARK_SMTP_PASSWORD), never from this file."""

    host: Text
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    from_address: Email
    timeout: float = Field(30.0, gt=0)
    """Seconds one message may take in all: connect, TLS, login and sending."""


class HealthSettings(_Strict):
    """Where a source's health alerts go, and after how many failed polls in a row."""

    target: Target
    failures: int = Field(3, ge=1)

    @model_validator(mode="after")
    def _default_target_name(self) -> HealthSettings:
        if not self.target.name:
            object.__setattr__(self, "target", self.target.model_copy(update={"name": "health"}))
        return self


class DeliverySettings(_Strict):
    """Retries: exponential backoff from `retry_base`, never longer than `retry_max` between
    attempts, and given up (status dead) once `give_up_after` has passed since the first.
    `webhook_timeout` bounds one webhook POST from connect to the end of the response (an
    email's bound is `smtp.timeout`), so a receiver trickling its answer cannot hold delivery."""

    retry_base: Seconds = 30
    retry_max: Seconds = 3600
    give_up_after: Seconds = 86400
    webhook_timeout: Seconds = 30


class RulesFile(_Strict):
    include: list[Text] = []
    """Files whose `organisations` and `metrics` join this file's (paths relative to it): the
    starter registry ships as such files, so a user extends it by adding a file and replaces
    part of it by dropping a line. After loading, `organisations` and `metrics` hold them all."""
    organisations: list[Organisation]
    metrics: list[Metric] = []
    alerts: list[Alert] = []
    smtp: SmtpSettings | None = None
    health: HealthSettings | None = None
    delivery: DeliverySettings = DeliverySettings()
    _forms: RuleForms | None = PrivateAttr(None)

    def phrases(self) -> Iterator[str]:
        """Everything the matcher compares by word forms (abbreviations are compared as
        written): what `word_forms` reduces, and what its cache holds."""
        for org in self.organisations:
            yield org.name
            for aliases in org.aliases.values():
                yield from aliases
            yield from org.exclude
            yield from org.place
        for metric in self.metrics:
            for keywords in (*metric.keywords.values(), *metric.nouns.values(),
                             *metric.fallback.values()):
                yield from keywords
        for alert in self.alerts:
            yield from (leaf.term for leaf in alert.when.leaves() if leaf.term)

    def matching_hash(self) -> str:
        """A hash of what decides an article's hits: the organisations, the metrics and the
        alerts' terms (whose words join the vocabulary the matcher reads words with), not
        where or when alerts go. Stored with every article's hits (`articles.rules_hash`),
        so hits found with other rules can be told apart and matched again (`rematch`).
        Computed on each call: the Matcher keeps it (`Matcher.rules_hash`)."""
        terms = sorted({leaf.term for alert in self.alerts for leaf in alert.when.leaves()
                        if leaf.term})
        matching = {"organisations": [o.model_dump(mode="json") for o in self.organisations],
                    "metrics": [m.model_dump(mode="json") for m in self.metrics],
                    "terms": terms}
        return hashlib.sha256(json.dumps(matching, ensure_ascii=False, sort_keys=True)
                              .encode()).hexdigest()[:16]

    def word_forms(self) -> RuleForms:
        """The forms of the rules' words: from `load_rules` (and its cache), else computed."""
        if self._forms is None:
            self._forms = RuleForms.of(self.phrases(), None)
        return self._forms


# --------------------------------------------------------------------------- loading


@dataclass(frozen=True)
class Config:
    sources: SourcesFile
    rules: RulesFile
    sources_path: Path
    rules_path: Path


Problem = tuple[int, str]  # (line, "file:line: field.path: message"), sorted by line for output

_MERGE_TAG = "tag:yaml.org,2002:merge"


def _yaml_error(exc: yaml.YAMLError, text: str) -> tuple[int, str]:
    """(line, message) for a YAML syntax error, without PyYAML's "in <unicode string>" noise."""
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, max(exc.position, 0)) + 1
        char = exc.character
        found = f"U+{char:04X}" if isinstance(char, int) else repr(char)
        return line, f"{exc.reason} (found {found})"
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problem = exc.problem or str(exc)
        if exc.context and exc.context_mark:
            context_line = exc.context_mark.line + 1
            where = f" (line {context_line})" if context_line != line else ""
            problem = f"{exc.context}{where}, {problem}"
        return line, problem
    return 1, str(exc)


_ALIAS_BUDGET = 10_000
"""How many values YAML aliases may add to a file in all. An anchor reused for a list of targets
or a few settings adds dozens; a "billion laughs" file of 534 bytes adds 10**9 and would take
gigabytes to build, so it is refused at the alias that crosses this line."""

_STR_TAG = "tag:yaml.org,2002:str"
_FAST_PARSER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
"""libyaml's parser when PyYAML was built with it (the wheels are); PyYAML's own otherwise."""


@dataclass
class _Anchored:
    value: Any
    size: int
    """Values (scalars and collections) it holds, counting what its own aliases brought in."""
    line: int


class _Builder:
    """Plain Python data from YAML parser events, remembering the line of every key and item,
    refusing duplicate keys (PyYAML silently keeps the last one) and counting what aliases
    expand to.

    Built from events rather than from PyYAML's node graph: an alias then reuses the value
    built at its anchor instead of rebuilding it (a YAML bomb is refused at the alias that
    pushes the expansion past `_ALIAS_BUDGET`, before it costs memory), and libyaml's events
    with this builder read a 10,000-organisation file in a fraction of PyYAML's time."""

    def __init__(self, parser: Any, filename: str):
        self.parser = parser
        self.filename = filename
        self.lines: dict[Loc, int] = {}
        self.problems: list[Problem] = []
        self.anchors: dict[str, _Anchored] = {}
        self.open: set[str] = set()  # anchors of the collections being built, to catch `&a [*a]`
        self.expanded = 0
        self.resolver = yaml.resolver.Resolver()
        self.constructor = yaml.constructor.SafeConstructor()

    def problem(self, line: int, loc: Loc, message: str) -> None:
        self.problems.append((line, f"{self.filename}:{line}: {format_loc(loc)}: {message}"))

    def document(self) -> Any:
        parser = self.parser
        parser.get_event()  # StreamStartEvent
        if parser.check_event(yaml.StreamEndEvent):
            return None
        start = parser.get_event()  # DocumentStartEvent
        data, _size = self.value(())
        parser.get_event()  # DocumentEndEvent
        if not parser.check_event(yaml.StreamEndEvent):
            raise yaml.composer.ComposerError(
                "expected a single document in the stream", start.start_mark,
                "but found another document", parser.get_event().start_mark)
        return data

    def value(self, loc: Loc) -> tuple[Any, int]:
        """The value the next event starts, and its size in values."""
        event = self.parser.get_event()
        line = event.start_mark.line + 1
        self.lines.setdefault(loc, line)
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event, loc, line)
        anchor = event.anchor
        if anchor is not None and anchor in self.anchors:
            raise yaml.composer.ComposerError(
                None, None, f"found duplicate anchor {anchor!r} (first at line "
                f"{self.anchors[anchor].line})", event.start_mark)
        if isinstance(event, yaml.ScalarEvent):
            value, size = self.scalar(event), 1
        else:
            if anchor is not None:
                self.open.add(anchor)
            if isinstance(event, yaml.MappingStartEvent):
                value, size = self.mapping(loc)
            else:
                value, size = self.sequence(loc)
            self.open.discard(anchor)
        if anchor is not None:
            self.anchors[anchor] = _Anchored(value, size, line)
        return value, size

    def alias(self, event: yaml.AliasEvent, loc: Loc, line: int) -> tuple[Any, int]:
        name = event.anchor
        if name in self.open:
            self.problem(line, loc, "a YAML alias refers to the collection that contains it")
            return None, 1
        anchored = self.anchors.get(name)
        if anchored is None:
            raise yaml.composer.ComposerError(None, None, f"found undefined alias {name!r}",
                                              event.start_mark)
        self.expanded += anchored.size
        if self.expanded > _ALIAS_BUDGET:
            raise ConfigError([
                f"{self.filename}:{line}: {format_loc(loc)}: the YAML alias *{name} makes "
                f"the aliases of this file expand to more than {_ALIAS_BUDGET:,} values "
                "(a YAML bomb?); write the values out or reuse fewer of them"])
        return anchored.value, anchored.size

    def scalar(self, event: yaml.ScalarEvent) -> Any:
        tag = event.tag
        if tag is None or tag == "!":
            tag = self.resolver.resolve(yaml.ScalarNode, event.value, event.implicit)
        if tag == _STR_TAG:
            return event.value
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return self.constructor.construct_object(node)
        except (ValueError, OverflowError):  # e.g. 2024-13-45 looks like a date but is not
            return event.value

    def sequence(self, loc: Loc) -> tuple[list[Any], int]:
        out, size = [], 1
        while not self.parser.check_event(yaml.SequenceEndEvent):
            item, item_size = self.value((*loc, len(out)))
            out.append(item)
            size += item_size
        self.parser.get_event()
        return out, size

    def mapping(self, loc: Loc) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        size = 1
        while not self.parser.check_event(yaml.MappingEndEvent):
            key_event = self.parser.peek_event()
            line = key_event.start_mark.line + 1
            if not isinstance(key_event, yaml.ScalarEvent):
                self.problem(line, loc, "expected a name as the key, not a list or mapping")
                self.value(loc)  # the key, skipped
                size += self.value(loc)[1]
                continue
            self.parser.get_event()
            # Keys keep their text as written: `no:` is Norwegian, not false; `1:` is "1".
            key = key_event.value
            if (key_event.tag is None and key_event.implicit[0]
                    and self.resolver.resolve(yaml.ScalarNode, key, (True, False)) == _MERGE_TAG):
                self.problem(line, loc,
                             "YAML merge keys (<<) are not supported; write the fields out")
                size += self.value(loc)[1]
                continue
            key_loc = (*loc, key)
            if key in out:
                self.problem(line, key_loc, f"duplicate key {key!r}")
            self.lines[key_loc] = line
            out[key], value_size = self.value(key_loc)
            size += value_size
        self.parser.get_event()
        return out, size


def _compose(text: str, filename: str) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Build plain Python data from YAML (see `_Builder`). libyaml reads the file; when it
    finds a syntax error, PyYAML's own parser reads it again for its clearer messages."""
    try:
        builder = _Builder(_FAST_PARSER(text), filename)
        return builder.document(), builder.lines, builder.problems
    except yaml.YAMLError:
        pass
    except RecursionError:
        raise ConfigError([f"{filename}:1: invalid YAML: nested too deeply"]) from None
    try:
        builder = _Builder(yaml.SafeLoader(text), filename)
        return builder.document(), builder.lines, builder.problems
    except yaml.YAMLError as exc:
        line, message = _yaml_error(exc, text)
        raise ConfigError([f"{filename}:{line}: invalid YAML: {message}"]) from None
    except RecursionError:
        raise ConfigError([f"{filename}:1: invalid YAML: nested too deeply"]) from None


def format_loc(loc: Iterable[str | int]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int:
    while loc not in lines and loc:
        loc = loc[:-1]
    return lines.get(loc, 1)


_MESSAGES = {
    "missing": "required field is missing",
    "extra_forbidden": "unknown field",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "string_type": "expected a string",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "list_type": "expected a list",
    "dict_type": "expected a mapping",
    "model_type": "expected a mapping",
    "model_attributes_type": "expected a mapping",
}


def _message(error: dict[str, Any]) -> str:
    # Fallback for constraints such as gt/le/Literal: "Input should be greater than 0".
    return _MESSAGES.get(error["type"]) or error["msg"].replace("Input should be", "must be")


def _walk(condition: Condition, loc: Loc) -> Iterator[tuple[Condition, Loc]]:
    """Every node of a condition with its location (`not` as written in the file)."""
    yield condition, loc
    for key in ("all", "any"):
        for i, part in enumerate(getattr(condition, key) or []):
            yield from _walk(part, (*loc, key, i))
    if condition.not_ is not None:
        yield from _walk(condition.not_, (*loc, "not"))


def _unknown(kind: str, value: str, known: list[str]) -> str:
    if not known:
        return f"unknown {kind} {value!r} (none are defined)"
    shown = sorted(known)
    more = f", ... ({len(shown)} in all)" if len(shown) > 8 else ""
    return f"unknown {kind} {value!r} (known: {', '.join(shown[:8])}{more})"


def _rules_references(rules: RulesFile) -> list[tuple[Loc, str]]:
    """What the model alone cannot see: conditions naming ids the file does not define, and
    email targets without a mail server."""
    known = {"organisation": [o.id for o in rules.organisations],
             "metric": [m.id for m in rules.metrics]}
    problems: list[tuple[Loc, str]] = []
    for a, alert in enumerate(rules.alerts):
        for node, loc in _walk(alert.when, ("alerts", a, "when")):
            for kind, ids in known.items():
                value = getattr(node, kind)
                if value is not None and value not in ids:
                    problems.append(((*loc, kind), _unknown(kind, value, ids)))
    targets = [(("alerts", a, "targets", t), target) for a, alert in enumerate(rules.alerts)
               for t, target in enumerate(alert.targets)]
    if rules.health is not None:
        targets.append((("health", "target"), rules.health.target))
    if rules.smtp is None:
        problems += [((*loc, "email"), "email targets need an smtp: section")
                     for loc, target in targets if target.email is not None]
    # Two default names clash only when two alerts share a name, which is reported already.
    defaulted = {("alerts", a, "targets", t) for a, alert in enumerate(rules.alerts)
                 for t, target in enumerate(alert.targets)
                 if target.name == f"{alert.name}-{t + 1}"}
    first: dict[str, Loc] = {}
    for loc, target in targets:
        if target.name not in first:
            first[target.name] = loc
        elif loc not in defaulted or first[target.name] not in defaulted:
            problems.append(((*loc, "name"), f"duplicate target name {target.name!r} (first "
                             f"used by {format_loc(first[target.name])}; target names must be "
                             "unique, the alerts table keys on them)"))
    return problems


def _read(path: Path, name: str | None = None) -> str:
    """The file's text; `name` is how messages call it (an included file by its path from
    rules.yaml's folder)."""
    name = name or path.name
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{name}:1: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from None


@dataclass
class _File:
    """One file of the configuration as read: its name in messages, its data, and the line of
    every key and item."""

    name: str
    path: Path
    data: Any
    lines: dict[Loc, int]


_Sorted = tuple[tuple[int, int], str]
"""((file number, line), message): problems are printed file by file, line by line."""

_MERGED = ("organisations", "metrics")
"""The lists an included file adds to: items of several files become one list."""


class _Places:
    """Where each value of the merged configuration was written. The organisations and metrics
    of included files are appended to the including file's lists and validated together, so the
    matcher sees one registry; a problem found there is reported at the file, line and position
    (`organisations[3]`) its writer sees, not at an index of the merged list."""

    def __init__(self, root: _File):
        self.files = [root]
        self.items: dict[str, list[tuple[int, int]]] = {}
        """merged list -> (file number, index in that file) of each of its items."""

    def place(self, loc: Loc) -> tuple[int, Loc, int]:
        """(file number, the loc in that file, its line)."""
        items = self.items.get(str(loc[0])) if loc else None
        if items and len(loc) > 1 and isinstance(loc[1], int) and loc[1] < len(items):
            number, index = items[loc[1]]
            local: Loc = (loc[0], index, *loc[2:])
        else:
            number, local = 0, loc
        return number, local, _line_for(local, self.files[number].lines)

    def problem(self, loc: Loc, message: str) -> _Sorted:
        number, local, line = self.place(loc)
        return (number, line), f"{self.files[number].name}:{line}: {format_loc(local)}: {message}"

    def reference(self, loc: Loc, seen_from: Loc) -> tuple[str, str]:
        """How a problem at `seen_from` names the item holding `loc`: (`organisations[3]` as
        in its file, and `loc`'s line: 'line 3' in the same file, 'registry/it-parks.yaml:3'
        in another)."""
        number, local, line = self.place(loc)
        where = f"line {line}" if number == self.place(seen_from)[0] else \
            f"{self.files[number].name}:{line}"
        return format_loc(local[:2]), where


def _duplicates(data: Any, list_keys: tuple[str, ...], attr: str, places: _Places
                ) -> list[_Sorted]:
    """Duplicate ids, checked on the raw data so they are reported with every other problem.
    Ids are unique across all the lists named (an organisation and a metric share the `rule`
    column of hits, so they must not share an id) and across included files."""
    seen: dict[str, Loc] = {}
    problems = []
    for list_key in list_keys:
        items = data.get(list_key) if isinstance(data, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            value = item.get(attr) if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            loc = (list_key, i, attr)
            if value in seen:
                first, where = places.reference(seen[value], loc)
                elsewhere = "" if where.startswith("line ") else f" in {where}"
                problems.append(places.problem(
                    loc, f"duplicate {attr} {value!r} (first used by {first}{elsewhere})"))
            else:
                seen[value] = loc
    return problems


def _validation_problems(model: type[BaseModel], data: Any, places: _Places
                         ) -> tuple[Any, list[_Sorted]]:
    """The validated model (None if invalid) and its problems, each at the file and line of
    the value at fault."""
    try:
        return model.model_validate(data, context=FROM_FILE), []
    except ValidationError as exc:
        # Drop pydantic's "[key]" marker: a bad dict key is reported at the key itself. A wrong
        # type at a mapping value reports the loc of the value itself; an unknown key reports
        # the key. Both have a line.
        return None, [places.problem(tuple(part for part in error["loc"] if part != "[key]"),
                                     _message(error)) for error in exc.errors()]


def _raise(problems: list[_Sorted]) -> None:
    if problems:
        problems.sort(key=lambda p: p[0])  # stable: same-line problems keep their order
        raise ConfigError([text for _, text in problems])


def _compose_file(path: Path, name: str) -> tuple[_File, list[_Sorted]]:
    """Read and parse one file; its YAML problems carry file number 0 (see `_renumber`)."""
    data, lines, problems = _compose(_read(path, name), name)
    return _File(name, path, {} if data is None else data, lines), \
        [((0, line), text) for line, text in problems]


def _renumber(problems: list[_Sorted], number: int) -> list[_Sorted]:
    return [((number, line), text) for (_, line), text in problems]


Check = Callable[[Any, _Places], list[tuple[Loc, str]]]


def _load_file(model: type[BaseModel], path: Path, unique: dict[str, tuple[str, ...]],
               check: Check | None = None, include: bool = False) -> Any:
    """Parse and validate one file, and with `include` the files it includes (see `_include`).
    `unique` maps an attribute to the lists whose items it must tell apart; `check` runs on
    a configuration that validated (with the places of its values), returning (loc, message)
    problems."""
    root, problems = _compose_file(path, path.name)
    places = _Places(root)
    data = _include(places, problems) if include else root.data
    parsed, invalid = _validation_problems(model, data, places)
    problems += invalid
    for attr, list_keys in unique.items():
        problems += _duplicates(data, list_keys, attr, places)
    if parsed is not None and check is not None:
        problems += [places.problem(loc, message) for loc, message in check(parsed, places)]
    _raise(problems)
    return parsed


class _IncludedFile(_Strict):
    """What an included file may hold. Alerts and settings stay in the including rules.yaml: a
    registry file is swapped or shared, and must not change where alerts go."""

    include: list[Text] = []
    organisations: list[Any] = []
    metrics: list[Any] = []


def _display_name(path: Path, root: Path) -> str:
    """An included file's name in messages: its path from the root file's folder, so two
    `companies.yaml` in different folders are told apart."""
    try:
        return path.relative_to(root.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def _include(places: _Places, problems: list[_Sorted]) -> Any:
    """Read the files the root file includes (and those they include, depth first) into
    `places`, and return the root's data with their organisations and metrics appended.

    Paths are relative to the including file (an absolute path is taken as it is). A missing
    file, a file included twice and an include cycle are refused at the `include` line that
    names them; the problems of every file read are reported together."""
    root = places.files[0]
    names = {root.path.resolve(): root.name}  # every file read (resolved): its name in messages
    included_at: dict[Path, str] = {}  # every included file: the file:line that includes it

    def visit(number: int, chain: tuple[Path, ...]) -> None:
        file = places.files[number]
        entries = file.data.get("include") if isinstance(file.data, dict) else None
        for i, entry in enumerate(entries if isinstance(entries, list) else []):
            if not isinstance(entry, str) or not entry.strip():
                continue  # reported by validation
            loc = ("include", i)
            line = _line_for(loc, file.lines)
            path = (file.path.parent / entry).resolve()
            refused = None
            if path in chain:
                cycle = [names[p] for p in chain[chain.index(path):]]
                refused = f"include cycle: {' -> '.join([*cycle, names[path]])}"
            elif path in names:
                refused = f"{entry!r} is included twice (also at {included_at[path]})"
            elif not path.exists():
                refused = f"no such file {entry!r} (looked for {path})"
            elif not path.is_file():
                refused = f"{entry!r} is not a file ({path})"
            if refused:
                problems.append(((number, line),
                                 f"{file.name}:{line}: {format_loc(loc)}: {refused}"))
                continue
            names[path] = _display_name(path, root.path)
            included_at[path] = f"{file.name}:{line}"
            child_number = len(places.files)
            try:
                child, child_problems = _compose_file(path, names[path])
            except ConfigError as exc:  # not UTF-8, or not YAML
                problems.extend(((child_number, 1), text) for text in exc.problems)
                continue
            places.files.append(child)
            problems.extend(_renumber(child_problems, child_number))
            shape = _validation_problems(_IncludedFile, child.data, _Places(child))[1]
            problems.extend(_renumber(shape, child_number))
            visit(child_number, (*chain, path))

    visit(0, (root.path.resolve(),))
    if not isinstance(root.data, dict):
        return root.data  # reported by validation
    merged = dict(root.data)
    for key in _MERGED:
        if key in merged and not isinstance(merged[key], list):
            continue  # the root's own list is malformed: reported by validation
        lists = [(number, file.data[key]) for number, file in enumerate(places.files)
                 if isinstance(file.data, dict) and isinstance(file.data.get(key), list)]
        if lists:
            merged[key] = [item for _, items in lists for item in items]
            places.items[key] = [(number, i) for number, items in lists
                                 for i in range(len(items))]
    return merged


def load_sources(path: Path) -> SourcesFile:
    return _load_file(SourcesFile, path, {"name": ("sources",)})


def _shared_names(rules: RulesFile, places: _Places) -> list[tuple[Loc, str]]:
    """Names, aliases and abbreviations that two organisations share: a text mentioning one
    would be credited to both, or to the wrong one. Names and aliases are compared as the
    matcher compares them (the forms of their words, in every Latin variant), so "Технопарк
    «Якутия»" and "технопарка Якутия" clash; abbreviations as written. Included files count:
    a registry file may not claim an alias of rules.yaml or of another registry file."""
    rule_forms = rules.word_forms()
    seen: dict[tuple[str, tuple[str, ...]], tuple[int, Loc]] = {}
    problems: list[tuple[Loc, str]] = []
    for o, org in enumerate(rules.organisations):
        phrases = [(("organisations", o, "name"), "name", org.name, LATIN_LANGUAGES)]
        phrases += [(("organisations", o, "aliases", language, a), "alias", alias,
                     LATIN_LANGUAGES)
                    for language, aliases in org.aliases.items()
                    for a, alias in enumerate(aliases)]
        phrases += [(("organisations", o, "abbreviations", a), "abbreviation", abbreviation,
                     ("as written",)) for a, abbreviation in enumerate(org.abbreviations)]
        for loc, kind, text, variants in phrases:
            keys = [(variant, tuple(w.text for w in words(text)) if kind == "abbreviation"
                     else rule_forms.phrase(text, variant)) for variant in variants]
            other = next((seen[k] for k in keys if k in seen and seen[k][0] != o), None)
            if other is not None:
                where, line = places.reference(other[1], loc)
                problems.append((loc, f"{kind} {text!r} is also used by {where} ({line})"))
            for k in keys:
                seen.setdefault(k, (o, loc))
    return problems


def _rule_forms_file(path: Path) -> Path:
    """One cache file per rules file (by its absolute path), replaced when its words change."""
    digest = hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]
    return cache_dir() / f"forms-{digest}.json"


def load_rules(path: Path) -> RulesFile:
    """Load and check rules.yaml and the files it includes; the word forms of their rules
    come from the cache when they are there (`RuleForms`), and travel with the result to the
    matcher."""

    def check(rules: RulesFile, places: _Places) -> list[tuple[Loc, str]]:
        rules._forms = RuleForms.of(rules.phrases(), _rule_forms_file(path))
        return _rules_references(rules) + _shared_names(rules, places)

    return _load_file(RulesFile, path, {"id": ("organisations", "metrics"), "name": ("alerts",)},
                      check, include=True)


def load(sources_path: Path, rules_path: Path) -> Config:
    """Load both files, reporting the problems of both before giving up."""
    problems: list[str] = []
    sources = rules = None
    try:
        sources = load_sources(sources_path)
    except ConfigError as exc:
        problems += exc.problems
    try:
        rules = load_rules(rules_path)
    except ConfigError as exc:
        problems += exc.problems
    if problems:
        raise ConfigError(problems)
    return Config(sources=sources, rules=rules, sources_path=sources_path, rules_path=rules_path)
