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
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from .errors import ConfigError

Loc = tuple[str | int, ...]

# --------------------------------------------------------------------------- field types


def _str_list(value: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise PydanticCustomError("str_list", "expected a list of strings")
    if any(not v.strip() for v in value):
        raise PydanticCustomError("str_list", "strings in this list must not be empty")
    return value


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
    """'15m' -> 900. Accepts s, m, h, d and combinations such as '1h30m'."""
    compact = text.replace(" ", "")
    if not compact or _DURATION.sub("", compact):
        raise ValueError(f"expected a duration such as 30s, 15m, 1h or 1h30m, got {text!r}")
    return sum(int(n) * _UNIT_SECONDS[u] for n, u in _DURATION.findall(compact))


def _duration(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise PydanticCustomError("duration", "expected a duration such as 30s, 15m or 1h")
    try:
        seconds = value if isinstance(value, int) else parse_duration(value)
    except ValueError as exc:
        raise PydanticCustomError("duration", str(exc)) from None
    if seconds < 1:
        raise PydanticCustomError("duration", "must be at least one second")
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


StrList = Annotated[list[str], BeforeValidator(_str_list)]
Url = Annotated[str, BeforeValidator(_url)]
Seconds = Annotated[int, BeforeValidator(_duration)]
Language = Annotated[str, BeforeValidator(_language)]
Ident = Annotated[str, BeforeValidator(_ident)]
Text = Annotated[str, BeforeValidator(_text)]


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


class Source(_Strict):
    name: Ident
    url: Url
    kind: Literal["feed"] = "feed"
    language: Language | None = None
    interval: Seconds = 900
    fetch_article: bool = True
    enabled: bool = True
    stale_after: Seconds | None = None
    """Raise a health alert when no new entry has arrived for this long (e.g. 2d)."""


class SourcesFile(_Strict):
    fetch: FetchSettings = FetchSettings()
    sources: list[Source]


# --------------------------------------------------------------------------- rules.yaml


class Organisation(_Strict):
    id: Ident
    name: Text
    aliases: dict[Language, StrList] = {}
    """Matched by lemma (Russian) or stem (English, German): one form covers the inflections."""
    abbreviations: StrList = []
    """Matched case-sensitively as written (НОЦ, АСИ, NTI): lower-case they are common words."""
    exclude: StrList = []
    """Phrases that cancel a match of this organisation in the same sentence."""


UnitClass = Literal["RUB", "money", "count", "m2", "percent"]


class Metric(_Strict):
    id: Ident
    name: Text
    keywords: dict[Language, StrList]
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
    term: Text | None = None
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


def _timezone(value: Any) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise PydanticCustomError("timezone", "expected a time zone such as 'Europe/Moscow', "
                                  "got {value}", {"value": repr(value)}) from None
    return value


Email = Annotated[str, BeforeValidator(_email)]
Secret = Annotated[str, BeforeValidator(_secret)]
Clock = Annotated[str, BeforeValidator(_clock)]
TimeZone = Annotated[str, BeforeValidator(_timezone)]


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
    organisations: list[Organisation]
    metrics: list[Metric] = []
    alerts: list[Alert] = []
    smtp: SmtpSettings | None = None
    health: HealthSettings | None = None
    delivery: DeliverySettings = DeliverySettings()


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


def _compose(text: str, filename: str) -> tuple[Any, dict[Loc, int], list[Problem]]:
    """Build plain Python data from YAML, remembering the line of every key and item, and
    refusing duplicate keys (PyYAML silently keeps the last one)."""
    lines: dict[Loc, int] = {}
    problems: list[Problem] = []
    building: set[int] = set()  # ids of the collection nodes being built, to catch `&a [*a]`

    def problem(line: int, loc: Loc, message: str) -> None:
        problems.append((line, f"{filename}:{line}: {format_loc(loc)}: {message}"))

    def build(node: yaml.Node, loc: Loc) -> Any:
        line = node.start_mark.line + 1
        lines.setdefault(loc, line)
        if isinstance(node, yaml.ScalarNode):
            try:
                return loader.construct_object(node)
            except (ValueError, OverflowError):  # e.g. 2024-13-45 looks like a date but is not
                return node.value
        if id(node) in building:
            problem(line, loc, "a YAML alias refers to the collection that contains it")
            return None
        building.add(id(node))
        try:
            if isinstance(node, yaml.MappingNode):
                return build_mapping(node, loc)
            return [build(item, (*loc, i)) for i, item in enumerate(node.value)]
        finally:
            building.discard(id(node))

    def build_mapping(node: yaml.MappingNode, loc: Loc) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            line = key_node.start_mark.line + 1
            if key_node.tag == _MERGE_TAG:
                problem(line, loc, "YAML merge keys (<<) are not supported; write the fields out")
                continue
            if not isinstance(key_node, yaml.ScalarNode):
                problem(line, loc, "expected a name as the key, not a list or mapping")
                continue
            # Keys keep their text as written: `no:` is Norwegian, not false; `1:` is "1".
            key = key_node.value
            key_loc = (*loc, key)
            if key in out:
                problem(line, key_loc, f"duplicate key {key!r}")
            lines[key_loc] = line
            out[key] = build(value_node, key_loc)
        return out

    loader: yaml.SafeLoader | None = None
    try:
        loader = yaml.SafeLoader(text)
        node = loader.get_single_node()
        data = build(node, ()) if node is not None else None
    except yaml.YAMLError as exc:
        line, message = _yaml_error(exc, text)
        raise ConfigError([f"{filename}:{line}: invalid YAML: {message}"]) from None
    except RecursionError:
        raise ConfigError([f"{filename}:1: invalid YAML: nested too deeply"]) from None
    finally:
        if loader is not None:
            loader.dispose()
    return data, lines, problems


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


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError([f"{path}: file not found"]) from None
    except UnicodeDecodeError as exc:
        raise ConfigError([f"{path.name}:1: not UTF-8 text ({exc.reason})"]) from None
    except OSError as exc:
        raise ConfigError([f"{path}: cannot read: {exc.strerror or exc}"]) from None


def _duplicates(data: Any, list_keys: tuple[str, ...], attr: str, filename: str,
                lines: dict[Loc, int]) -> list[Problem]:
    """Duplicate ids, checked on the raw data so they are reported with every other problem.
    Ids are unique across all the lists named (an organisation and a metric share the `rule`
    column of hits, so they must not share an id)."""
    seen: dict[str, str] = {}
    problems = []
    for list_key in list_keys:
        items = data.get(list_key) if isinstance(data, dict) else None
        for i, item in enumerate(items if isinstance(items, list) else []):
            value = item.get(attr) if isinstance(item, dict) else None
            if not isinstance(value, str):
                continue
            if value in seen:
                loc = (list_key, i, attr)
                line = _line_for(loc, lines)
                problems.append((line, f"{filename}:{line}: {format_loc(loc)}: duplicate "
                                       f"{attr} {value!r} (first used by {seen[value]})"))
            else:
                seen[value] = f"{list_key}[{i}]"
    return problems


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


def _load_file(model: type[BaseModel], path: Path, unique: dict[str, tuple[str, ...]],
               check: Callable[[Any], list[tuple[Loc, str]]] | None = None) -> Any:
    """Parse and validate one file. `unique` maps an attribute to the lists whose items it must
    tell apart; `check` runs on a file that validated, returning (loc, message) problems."""
    filename = path.name
    data, lines, problems = _compose(_read(path), filename)
    if data is None:  # empty file, or only comments
        data = {}
    parsed = None
    try:
        parsed = model.model_validate(data)
    except ValidationError as exc:
        for error in exc.errors():
            # Drop pydantic's "[key]" marker: a bad dict key is reported at the key itself.
            loc = tuple(part for part in error["loc"] if part != "[key]")
            # A wrong type at a mapping value reports the loc of the value itself; an unknown
            # key reports the key. Both have a line in `lines`.
            line = _line_for(loc, lines)
            problems.append((line, f"{filename}:{line}: {format_loc(loc)}: {_message(error)}"))
    for attr, list_keys in unique.items():
        problems += _duplicates(data, list_keys, attr, filename, lines)
    if parsed is not None and check is not None:
        for loc, message in check(parsed):
            line = _line_for(loc, lines)
            problems.append((line, f"{filename}:{line}: {format_loc(loc)}: {message}"))
    if problems:
        problems.sort(key=lambda p: p[0])  # stable: same-line problems keep their order
        raise ConfigError([text for _, text in problems])
    return parsed


def load_sources(path: Path) -> SourcesFile:
    return _load_file(SourcesFile, path, {"name": ("sources",)})


def load_rules(path: Path) -> RulesFile:
    return _load_file(RulesFile, path, {"id": ("organisations", "metrics"), "name": ("alerts",)},
                      _rules_references)


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
