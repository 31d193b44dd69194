"""The documentation cannot drift from the code: every command-line option and every config
field the code defines is documented, and every default the README or the YAML files' comments
state is the code's own default.

What is compared with what:
- README "## Commands": one table row per command (subcommands included). Each row names every
  option of its command and no other; an option with a default shows it as "(default X)".
- README ```yaml blocks: each is validated against the model of `sources.yaml` or `rules.yaml`.
  A key whose comment says "default" must hold the field's default; a mapping whose comment
  says "defaults" must hold defaults in all its fields. Every field of every model is a key in
  some block, so an option added to the code without documentation fails here.
- sources.yaml and rules.yaml: their commented reference blocks (lines "# key: value" under a
  comment "# <section>:") follow the same rule, and every field is named in the comments.
"""

from __future__ import annotations

import re
import types
import typing
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from pydantic import BaseModel

from monitor.cli import cli
from monitor.config import RulesFile, SourcesFile

from helpers import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
ROOTS: dict[str, type[BaseModel]] = {"sources.yaml": SourcesFile, "rules.yaml": RulesFile}


# --------------------------------------------------------------------------- the CLI


def _commands(group: click.Group, prefix: str = "") -> dict[str, click.Command]:
    found: dict[str, click.Command] = {}
    for name, command in group.commands.items():
        found[prefix + name] = command
        if isinstance(command, click.Group):
            found.update(_commands(command, f"{prefix}{name} "))
    return found


COMMANDS = _commands(cli)


def _commands_table() -> dict[str, str]:
    """{command: its row} from the README's Commands section."""
    assert "\n## Commands\n" in README, "the README has no Commands section"
    section = README.split("\n## Commands\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"\|\s*`([a-z][a-z ]*)`\s*\|", line)
        if match:
            rows[match.group(1)] = line
    return rows


def _options(command: click.Command) -> dict[str, click.Option]:
    return {max(o.opts, key=len): o for o in command.params
            if isinstance(o, click.Option) and o.name != "help"}


def _shown_default(option: click.Option) -> str | None:
    if option.is_flag or option.multiple or option.default in (None, ()):
        return None
    if not isinstance(option.default, str | int | float | Path):
        return None  # click's "no default" sentinel
    return str(option.default)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_and_option_is_in_the_readme_with_its_default(name: str) -> None:
    rows = _commands_table()
    assert name in rows, f"README's Commands table has no row for `{name}`"
    row = rows[name]
    options = _options(COMMANDS[name])
    documented = set(re.findall(r"(?<![\w-])--[a-z][a-z-]*", row))
    assert documented == set(options), f"`{name}`: README lists {sorted(documented)}, " \
                                       f"the command has {sorted(options)}"
    for flag, option in options.items():
        default = _shown_default(option)
        shown = re.search(rf"`{flag}(?![\w-])[^`]*`\s*\(default `([^`]*)`\)", row)
        if default is None:
            assert shown is None, f"`{name} {flag}` has no default, the README shows one"
        else:
            assert shown and shown.group(1) == default, \
                f"`{name} {flag}`: the README must show (default `{default}`)"


def test_the_readme_table_has_no_command_the_cli_lacks() -> None:
    assert set(_commands_table()) <= set(COMMANDS)


# --------------------------------------------------------------------------- config models


def _unwrap(annotation: Any) -> Any:
    """The model or element type inside Optional/list/dict/Annotated annotations."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            if arg is not type(None):
                inner = _unwrap(arg)
                if isinstance(inner, type) and issubclass(inner, BaseModel):
                    return inner
        return None
    if origin in (list, tuple):
        return _unwrap(typing.get_args(annotation)[0])
    return annotation


def _model_fields(model: type[BaseModel], seen: set | None = None) -> set[tuple[str, str]]:
    """(model name, field alias or name) for a model and every model below it."""
    seen = set() if seen is None else seen
    if model in seen:
        return set()
    seen.add(model)
    out = set()
    for name, field in model.model_fields.items():
        out.add((model.__name__, field.alias or name))
        inner = _unwrap(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            out |= _model_fields(inner, seen)
    return out


def _field_at(root: type[BaseModel], path: tuple) -> tuple[type[BaseModel], str] | None:
    """The model and field a YAML path names (list indices skipped)."""
    model: Any = root
    keys = [p for p in path if isinstance(p, str)]
    for i, key in enumerate(keys):
        fields = {f.alias or n: (n, f) for n, f in model.model_fields.items()}
        if key not in fields:
            return None
        if i == len(keys) - 1:
            return model, fields[key][0]
        model = _unwrap(fields[key][1].annotation)
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None
    return None


def _walk(data: Any, path: tuple = ()):
    yield path, data
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _walk(value, (*path, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _walk(value, (*path, i))


def _lines_of_keys(text: str) -> dict[tuple, int]:
    """Line number (0-based) of every mapping key, by path."""
    lines: dict[tuple, int] = {}

    def visit(node: yaml.Node, path: tuple) -> None:
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                lines[(*path, key.value)] = key.start_mark.line
                visit(value, (*path, key.value))
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                visit(item, (*path, i))

    visit(yaml.compose(text), ())
    return lines


def _value_at(instance: Any, path: tuple) -> Any:
    for part in path:
        if isinstance(part, int):
            instance = instance[part]
        else:
            fields = {f.alias or n: n for n, f in type(instance).model_fields.items()}
            instance = getattr(instance, fields[part])
    return instance


def _check_block(text: str, root: type[BaseModel], where: str) -> set[tuple[str, str]]:
    """Validate a YAML block against its file's model and compare every default it claims.
    Returns the (model, field) pairs the block names."""
    data = yaml.safe_load(text)
    data.setdefault("organisations" if root is RulesFile else "sources", [])
    instance = root.model_validate(data)
    source_lines = text.splitlines()
    key_lines = _lines_of_keys(text)
    named = set()
    defaults_below: list[tuple] = []
    opaque: list[tuple] = []  # fields whose value is data (aliases by language), not a model
    for path, _value in _walk(data):
        if (path not in key_lines or isinstance(path[-1], int)
                or any(path[:len(p)] == p for p in opaque)):
            continue
        found = _field_at(root, path)
        assert found, f"{where}: `{'.'.join(map(str, path))}` is not a field the code knows"
        model, field_name = found
        field = model.model_fields[field_name]
        named.add((model.__name__, field.alias or field_name))
        inner = _unwrap(field.annotation)
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            opaque.append(path)
        comment = source_lines[key_lines[path]].partition("#")[2].lower()
        if re.search(r"\bdefaults\b", comment):
            defaults_below.append(path)
        claims = re.search(r"\bdefault\b", comment) or any(
            path[:len(p)] == p and len(path) > len(p) for p in defaults_below)
        if claims and not isinstance(_value_at(instance, path), BaseModel):
            assert not field.is_required(), f"{where}: `{path[-1]}` is required, no default"
            assert _value_at(instance, path) == field.get_default(call_default_factory=True), \
                f"{where}: `{'.'.join(map(str, path))}` is documented as the default " \
                f"{_value_at(instance, path)!r}; the code's default is {field.default!r}"
    return named


def _readme_blocks() -> list[tuple[str, type[BaseModel]]]:
    blocks = []
    for block in re.findall(r"```yaml\n(.*?)```", README, re.DOTALL):
        keys = set(yaml.safe_load(block) or {})
        root = SourcesFile if keys & {"sources", "fetch"} else RulesFile
        blocks.append((block, root))
    return blocks


def test_readme_yaml_blocks_validate_and_state_true_defaults() -> None:
    named: set[tuple[str, str]] = set()
    for i, (block, root) in enumerate(_readme_blocks()):
        named |= _check_block(block, root, f"README yaml block {i + 1}")
    missing = (_model_fields(SourcesFile) | _model_fields(RulesFile)) - named
    assert not missing, f"fields the README's yaml blocks never show: {sorted(missing)}"


def _commented_blocks(text: str) -> list[str]:
    """Reference blocks in a YAML file's comments: a line '# key:' followed by more-indented
    comment lines, uncommented."""
    blocks, current = [], None
    for line in text.splitlines():
        match = re.match(r"^# ([a-z_]+):\s*(#.*)?$", line)
        if match:
            current = [line[2:]]
            blocks.append(current)
        elif current is not None and re.match(r"^#\s{3,}\S", line):
            current.append(line[2:])
        else:
            current = None
    return ["\n".join(b) for b in blocks if len(b) > 1]


@pytest.mark.parametrize("filename", sorted(ROOTS))
def test_yaml_file_comments_state_true_defaults_and_name_every_field(filename: str) -> None:
    text = (REPO / filename).read_text(encoding="utf-8")
    root = ROOTS[filename]
    for block in _commented_blocks(text):
        _check_block(block, root, f"{filename} comment block {block.splitlines()[0]!r}")
    comments = "\n".join(line for line in text.splitlines() if line.lstrip().startswith("#"))
    missing = sorted(field for model, field in _model_fields(root)
                     if not re.search(rf"(?<![\w-]){re.escape(field)}\b", comments))
    assert not missing, f"{filename}'s comments never name: {missing}"


# --------------------------------------------------------------------------- the schema


def _schema_rows(heading: str) -> dict[str, str]:
    section = README.split("\n## The database\n", 1)[1].split("\n## ", 1)[0]
    table = section.split(f"| {heading} |", 1)[1].split("\n\n", 1)[0]
    rows = {}
    for line in table.splitlines():
        match = re.match(r"\|\s*`(\w+)`\s*\|(?:[^|]*\|)?(.*)\|\s*$", line)
        if match:
            rows[match.group(1)] = match.group(2)
    return rows


def test_readme_schema_lists_every_table_column_and_view(tmp_path: Path) -> None:
    from monitor.store import Store

    with Store(tmp_path / "monitor.db") as store:
        # FTS5 indexes are documented in the section's notes; their shadow tables not at all.
        indexes = [row["name"] for row in store.query(
            "SELECT name FROM sqlite_master WHERE sql LIKE 'CREATE VIRTUAL TABLE%'")]
        objects = [o for o in store.query("SELECT name, type FROM sqlite_master WHERE type IN "
                                          "('table', 'view') AND name NOT LIKE 'sqlite_%'")
                   if not o["name"].startswith(tuple(f"{name}_" for name in indexes))
                   and o["name"] not in indexes]
        # table_xinfo, not table_info: a generated column (articles.date) is a column a user
        # queries like any other; `hidden = 1` is a virtual table's own hidden column.
        columns = {o["name"]: [c["name"] for c in store.query(
                       f"PRAGMA table_xinfo([{o['name']}])") if c["hidden"] != 1]
                   for o in objects}
    tables = _schema_rows("table")
    assert set(tables) == {o["name"] for o in objects if o["type"] == "table"}
    for name, cell in tables.items():
        documented = re.findall(r"`(\w+)`", re.sub(r"\([^)]*\)", "", cell))
        assert sorted(documented) == sorted(columns[name]), \
            f"README's `{name}` row: {documented}, the database: {columns[name]}"
    assert set(_schema_rows("view")) == {o["name"] for o in objects if o["type"] == "view"}
    notes = README.split("\n## The database\n", 1)[1].split("\n## ", 1)[0]
    assert indexes and all(f"- `{name}`" in notes for name in indexes)


def test_every_module_is_in_the_readme_table_of_modules() -> None:
    """"How it is built" names every module, so a new one cannot hide from readers."""
    section = README.split("\n## How it is built\n", 1)[1].split("\n## ", 1)[0]
    named = set()
    for row in section.splitlines():
        files = re.findall(r"`(?:monitor/)?([\w/]+\.py)`", row.split("|")[1] if "|" in row
                           else "")
        folder = files[0].rpartition("/")[0] if files else ""
        # "`monitor/alert/sender.py`, `dispatch.py`": later names share the first one's folder
        named |= {files[0], *(f"{folder}/{f}" if folder and "/" not in f else f
                              for f in files[1:])} if files else set()
    modules = {str(p.relative_to(REPO / "monitor")) for p in (REPO / "monitor").rglob("*.py")
               if p.name != "__init__.py"}
    assert not modules - named, f"modules missing from the README: {sorted(modules - named)}"


@pytest.mark.parametrize("filename, untrue", [
    ("README.md", "is not yet found"),               # inflection is matched
    ("README.md", "alert rules arrive with alert delivery"),  # they have arrived
    ("rules.yaml", "must stay empty"),               # alert rules are delivered
])
def test_statements_the_audit_found_untrue_stay_gone(filename: str, untrue: str) -> None:
    assert untrue not in (REPO / filename).read_text(encoding="utf-8")
