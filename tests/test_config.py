"""Config validation: every problem is refused with `file:line: field.path: message`.

Each test writes small YAML files into tmp_path (dedented, so the line numbers in the expected
messages can be counted in the test source) and compares ConfigError.problems exactly.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor import morph
from monitor.config import (
    Config,
    FetchSettings,
    Organisation,
    RulesFile,
    Selectors,
    Source,
    SourcesFile,
    format_loc,
    load,
    load_rules,
    load_sources,
    parse_duration,
)
from monitor.errors import ConfigError

from helpers import laughs

VALID_SOURCES = """\
sources:
  - name: technopark
    url: https://technopark.example/rss
"""

VALID_RULES = """\
organisations:
  - id: skolkovo
    name: Skolkovo
"""


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def sources_problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_sources(write(tmp_path, "sources.yaml", text))
    return info.value.problems


def rules_problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_rules(write(tmp_path, "rules.yaml", text))
    return info.value.problems


# --------------------------------------------------------------------------- valid files


def test_minimal_valid_pair_loads_with_defaults(tmp_path):
    sources_path = write(tmp_path, "sources.yaml", VALID_SOURCES)
    rules_path = write(tmp_path, "rules.yaml", VALID_RULES)

    config = load(sources_path, rules_path)

    assert isinstance(config, Config)
    assert config.sources_path == sources_path
    assert config.rules_path == rules_path
    assert isinstance(config.sources, SourcesFile)
    assert isinstance(config.rules, RulesFile)
    assert config.sources.fetch == FetchSettings()
    assert config.sources.fetch.max_bytes == 10 * 1024 * 1024
    assert config.sources.fetch.max_redirects == 5
    assert config.sources.sources == [Source(name="technopark",
                                             url="https://technopark.example/rss")]
    source = config.sources.sources[0]
    assert source.interval == 900
    assert source.fetch_article is True
    assert source.enabled is True
    assert source.kind == "feed"
    assert source.language is None
    assert config.rules.organisations == [Organisation(id="skolkovo", name="Skolkovo")]
    assert config.rules.organisations[0].aliases == {}
    assert config.rules.alerts == []


def test_all_fields_are_read(tmp_path):
    sources = load_sources(write(tmp_path, "sources.yaml", """\
        fetch:
          connect_timeout: 5
          timeout: 12.5
          max_bytes: 1048576
          max_redirects: 0
          user_agent: technopark-monitor/test
        sources:
          - name: it-park.kazan
            url: " https://itpark.example/news.xml "
            language: ru
            interval: 1h30m
            fetch_article: false
            enabled: no
        """))
    assert sources.fetch == FetchSettings(connect_timeout=5, timeout=12.5, max_bytes=1048576,
                                          max_redirects=0, user_agent="technopark-monitor/test")
    assert sources.sources == [Source(name="it-park.kazan", url="https://itpark.example/news.xml",
                                      language="ru", interval=5400, fetch_article=False,
                                      enabled=False)]

    rules = load_rules(write(tmp_path, "rules.yaml", """\
        organisations:
          - id: innopolis
            name: Innopolis
            aliases:
              ru: [Иннополис, "ОЭЗ Иннополис"]
              en: [Innopolis SEZ]
              no: [Innopolis]
        alerts: []
        """))
    # `no:` as a key is the Norwegian language code, not YAML's false.
    assert rules.organisations[0].aliases == {
        "ru": ["Иннополис", "ОЭЗ Иннополис"], "en": ["Innopolis SEZ"], "no": ["Innopolis"]}


# --------------------------------------------------------------------------- unknown keys


def test_unknown_key_in_source(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            fetch_artcle: false
        """) == ["sources.yaml:4: sources[0].fetch_artcle: unknown field"]


def test_unknown_key_in_organisation(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
          - id: b
            name: B
            alias: [Bee]
        """) == ["rules.yaml:6: organisations[1].alias: unknown field"]


def test_unknown_top_level_key(tmp_path):
    assert sources_problems(tmp_path, """\
        sources: []
        source:
          - name: a
        """) == ["sources.yaml:2: source: unknown field"]


# --------------------------------------------------------------------------- wrong types


def test_aliases_given_as_string_is_the_example_from_the_issue(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
          - id: b
            name: B
          - id: c
            name: C
          - id: d
            name: D
            aliases:
              en: [Dee]
              de:
                - Deh
              ru: Ди
        """) == ["rules.yaml:14: organisations[3].aliases.ru: expected a list of strings"]


def test_alias_list_with_empty_string_or_number(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
            aliases:
              ru: [Альфа, ""]
              en: [1]
        """) == [
        "rules.yaml:5: organisations[0].aliases.ru: strings in this list must not be empty",
        "rules.yaml:6: organisations[0].aliases.en: expected a list of strings",
    ]


def test_fetch_article_not_a_boolean(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            fetch_article: yes please
        """) == ["sources.yaml:4: sources[0].fetch_article: expected true or false"]


def test_quoted_values_are_not_coerced(tmp_path):
    # Validation is strict: a string is not a number and "yes" in quotes is not a boolean.
    assert sources_problems(tmp_path, """\
        fetch:
          max_bytes: "10"
          timeout: "30"
        sources:
          - name: a
            url: https://a.example/rss
            enabled: "yes"
        """) == [
        "sources.yaml:2: fetch.max_bytes: expected a whole number",
        "sources.yaml:3: fetch.timeout: expected a number",
        "sources.yaml:7: sources[0].enabled: expected true or false",
    ]


def test_interval_not_a_duration(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            interval: soon
          - name: b
            url: https://b.example/rss
            interval: 0s
          - name: c
            url: https://c.example/rss
            interval: true
        """) == [
        "sources.yaml:4: sources[0].interval: "
        "expected a duration such as 30s, 15m, 1h or 1h30m, got 'soon'",
        "sources.yaml:7: sources[1].interval: must be at least one second",
        "sources.yaml:10: sources[2].interval: expected a duration such as 30s, 15m or 1h",
    ]


def test_fetch_limits_out_of_range(tmp_path):
    assert sources_problems(tmp_path, """\
        fetch:
          timeout: 0
          max_redirects: 50
        sources: []
        """) == [
        "sources.yaml:2: fetch.timeout: must be greater than 0",
        "sources.yaml:3: fetch.max_redirects: must be less than or equal to 20",
    ]


def test_wrong_container_types(tmp_path):
    assert sources_problems(tmp_path, """\
        fetch: 5
        sources:
          name: a
        """) == [
        "sources.yaml:1: fetch: expected a mapping",
        "sources.yaml:2: sources: expected a list",  # the line of the key
    ]


def test_top_level_not_a_mapping(tmp_path):
    assert sources_problems(tmp_path, """\
        - name: a
          url: https://a.example/rss
        """) == ["sources.yaml:1: (top level): expected a mapping"]


def test_unsupported_kind(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/
            kind: page
        """) == ["sources.yaml:4: sources[0].kind: must be 'feed', 'html' or 'sitemap'"]


def test_html_and_sitemap_sources_load(tmp_path):
    sources = load_sources(write(tmp_path, "sources.yaml", """\
        sources:
          - name: ministry
            url: https://minobr.example/news/
            kind: html
            selectors:
              item: div.news-item
              link: a.news-item__link
              title: .news-item__title
              date: span.date
            timezone: Asia/Yakutsk
          - name: park
            url: https://park.example/sitemap.xml
            kind: sitemap
            max_age: 3d
        """)).sources
    assert sources[0].selectors == Selectors(item="div.news-item", link="a.news-item__link",
                                             title=".news-item__title", date="span.date")
    assert sources[0].max_age == 2 * 86400  # the default, unused by kind html
    assert (sources[0].timezone, sources[1].timezone) == ("Asia/Yakutsk", "UTC")
    assert (sources[1].kind, sources[1].max_age, sources[1].selectors) == \
        ("sitemap", 3 * 86400, None)


def test_kind_html_needs_its_selectors(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/
            kind: html
          - name: b
            url: https://b.example/
            kind: html
            selectors: {item: li, link: a}
        """) == [
        "sources.yaml:2: sources[0]: kind html needs `selectors` (item, link, title, date; "
        "optional summary)",
        "sources.yaml:8: sources[1].selectors.title: required field is missing",
        "sources.yaml:8: sources[1].selectors.date: required field is missing"]


def test_fields_of_one_kind_are_refused_for_another(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            selectors: {item: li, link: a, title: a, date: time}
          - name: b
            url: https://b.example/
            kind: sitemap
            selectors: {item: li, link: a, title: a, date: time}
          - name: c
            url: https://c.example/rss
            kind: feed
            max_age: 1d
          - name: d
            url: https://c.example/
            kind: html
            selectors: {item: li, link: a, title: a, date: time}
            max_age: 1d
          - name: e
            url: https://e.example/
            kind: sitemap
            timezone: Europe/Moscow
          - name: f
            url: https://f.example/
            kind: html
            selectors: {item: li, link: a, title: a, date: time}
            timezone: Moscow
        """) == [
        "sources.yaml:4: sources[0].selectors: `selectors` goes with kind html, not feed",
        "sources.yaml:8: sources[1].selectors: `selectors` goes with kind html, not sitemap",
        "sources.yaml:12: sources[2].max_age: `max_age` goes with kind sitemap, not feed",
        "sources.yaml:17: sources[3].max_age: `max_age` goes with kind sitemap, not html",
        "sources.yaml:21: sources[4].timezone: `timezone` goes with kind html, not sitemap",
        "sources.yaml:26: sources[5].timezone: expected a time zone such as 'Europe/Moscow', "
        "got 'Moscow'"]


def test_selectors_must_compile(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/
            kind: html
            selectors:
              item: div..news
              link: "a[href"
              title: "::before"
              date: 18
              summary: " "
        """) == [
        "sources.yaml:6: sources[0].selectors.item: not a CSS selector soupsieve can use: "
        "Malformed class selector at position 3",
        "sources.yaml:7: sources[0].selectors.link: not a CSS selector soupsieve can use: "
        "Malformed attribute selector at position 1",
        "sources.yaml:8: sources[0].selectors.title: not a CSS selector soupsieve can use: "
        "Pseudo-element found at position 0",
        "sources.yaml:9: sources[0].selectors.date: expected a string (put the value in quotes)",
        "sources.yaml:10: sources[0].selectors.summary: must not be empty"]


def test_alert_errors_name_line_and_field(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
        alerts:
          - name: big
            when: {organisation: a}
            targets:
              - email: [not-an-address]
              - webhook: https://hooks.example.org/x
                secret: plain
              - email: [x@example.org]
                webhook: https://hooks.example.org/y
            mode: weekly
            timezone: Mars/Olympus
        """) == [
        "rules.yaml:8: alerts[0].targets[0].email[0]: expected an email address, "
        "got 'not-an-address'",
        "rules.yaml:10: alerts[0].targets[1].secret: expected a Standard Webhooks secret "
        "'whsec_...'",
        "rules.yaml:11: alerts[0].targets[2]: give either `email` or `webhook`",
        "rules.yaml:13: alerts[0].mode: must be 'immediate', 'hourly' or 'daily'",
        "rules.yaml:14: alerts[0].timezone: expected a time zone such as 'Europe/Moscow', "
        "got 'Mars/Olympus'",
    ]


def test_bad_source_name(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: Technopark Moscow
            url: https://a.example/rss
          - name: 2024-01-01
            url: https://b.example/rss
        """) == [
        "sources.yaml:2: sources[0].name: expected lower-case letters, digits, '-', '_' or '.', "
        "starting with a letter or digit, got 'Technopark Moscow'",
        "sources.yaml:4: sources[1].name: expected a string (put the value in quotes)",
    ]


def test_blank_organisation_name(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: "  "
        """) == ["rules.yaml:3: organisations[0].name: must not be empty"]


# --------------------------------------------------------------------------- URLs


@pytest.mark.parametrize("url, shown", [
    ("ftp://files.example/feed.xml", "'ftp://files.example/feed.xml'"),
    ("not a url", "'not a url'"),
    ("https://", "'https://'"),
    ("https:///feed.xml", "'https:///feed.xml'"),
    ("https://a.example:port/rss", "'https://a.example:port/rss'"),
    ("https://a.example/news feed", "'https://a.example/news feed'"),
    ("'http://[::1'", "'http://[::1'"),
])
def test_bad_url(tmp_path, url, shown):
    assert sources_problems(tmp_path, f"""\
        sources:
          - name: a
            url: {url}
        """) == [f"sources.yaml:3: sources[0].url: expected an http:// or https:// URL, "
                 f"got {shown}"]


def test_url_not_a_string(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: [https://a.example/rss]
        """) == ["sources.yaml:3: sources[0].url: expected a URL string"]


# --------------------------------------------------------------------------- duplicates


def test_duplicate_source_name(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
          - name: b
            url: https://b.example/rss
          - url: https://a.example/other
            name: a
        """) == ["sources.yaml:7: sources[2].name: duplicate name 'a' (first used by sources[0])"]


def test_duplicate_organisation_id(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: skolkovo
            name: Skolkovo
          - id: technopolis
            name: Technopolis Moscow
          - id: skolkovo
            name: Skolkovo Foundation
        """) == [
        "rules.yaml:6: organisations[2].id: duplicate id 'skolkovo' "
        "(first used by organisations[0])"
    ]


def test_duplicate_id_is_reported_with_other_problems(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
            colour: red
          - id: a
            name: A again
        """) == [
        "rules.yaml:4: organisations[0].colour: unknown field",
        "rules.yaml:5: organisations[1].id: duplicate id 'a' (first used by organisations[0])",
    ]


def test_duplicate_yaml_key(tmp_path):
    # PyYAML alone would silently keep the second url.
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            url: https://b.example/rss
        """) == ["sources.yaml:4: sources[0].url: duplicate key 'url'"]


def test_duplicate_language_key_in_aliases(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
            aliases:
              ru: [Альфа]
              en: [Alpha]
              ru: [Альфа-парк]
        """) == ["rules.yaml:7: organisations[0].aliases.ru: duplicate key 'ru'"]


# --------------------------------------------------------------------------- YAML syntax


def test_invalid_yaml_syntax(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
           interval: 15m
        """) == [
        "sources.yaml:4: invalid YAML: while parsing a block collection (line 2), "
        "expected <block end>, but found '<block mapping start>'"
    ]


def test_unterminated_quote_names_where_it_started(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: "A
        """) == [
        "rules.yaml:4: invalid YAML: while scanning a quoted scalar (line 3), "
        "found unexpected end of stream"
    ]


def test_tab_indentation(tmp_path):
    assert rules_problems(tmp_path, "organisations:\n\t- id: a\n") == [
        "rules.yaml:2: invalid YAML: found character '\\t' that cannot start any token"
    ]


def test_control_character(tmp_path):
    assert sources_problems(tmp_path, "sources: []\nfetch:\n  user_agent: a\x07b\n") == [
        "sources.yaml:3: invalid YAML: special characters are not allowed (found U+0007)"
    ]


def test_several_documents(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations: []
        ---
        organisations: []
        """) == [
        "rules.yaml:2: invalid YAML: expected a single document in the stream (line 1), "
        "but found another document"
    ]


def test_merge_key_is_refused_clearly(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - &base
            name: a
            url: https://a.example/rss
          - <<: *base
            name: b
        """) == [
        "sources.yaml:5: sources[1]: YAML merge keys (<<) are not supported; write the fields out",
        "sources.yaml:5: sources[1].url: required field is missing",
    ]


def test_self_referencing_alias(tmp_path):
    # Reported at the alias itself.
    assert sources_problems(tmp_path, """\
        sources: &all
          - *all
        """) == [
        "sources.yaml:2: sources[0]: a YAML alias refers to the collection that contains it",
        "sources.yaml:2: sources[0]: expected a mapping",
    ]


def test_not_utf8(tmp_path):
    path = tmp_path / "sources.yaml"
    path.write_bytes("sources:\n  - name: технопарк\n".encode("cp1251"))
    with pytest.raises(ConfigError) as info:
        load_sources(path)
    assert info.value.problems == ["sources.yaml:1: not UTF-8 text (invalid continuation byte)"]


# --------------------------------------------------------------------------- required fields


@pytest.mark.parametrize("present, missing", [
    ("url: https://a.example/rss", "name"),
    ("name: a", "url"),
])
def test_source_missing_required_field(tmp_path, present, missing):
    # A missing field is reported at the first line of its list item.
    assert sources_problems(tmp_path, f"""\
        sources:
          - interval: 1h
            {present}
        """) == [f"sources.yaml:2: sources[0].{missing}: required field is missing"]


def test_organisation_missing_id_and_name(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
          - aliases:
              ru: [Бета]
        """) == [
        "rules.yaml:4: organisations[1].id: required field is missing",
        "rules.yaml:4: organisations[1].name: required field is missing",
    ]


def test_missing_top_level_list(tmp_path):
    assert rules_problems(tmp_path, """\
        alerts: []
        """) == ["rules.yaml:1: organisations: required field is missing"]


# --------------------------------------------------------------------------- languages


def test_bad_language_code(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            language: Russian
          - name: b
            url: https://b.example/rss
            language: no
        """) == [
        "sources.yaml:4: sources[0].language: expected a language code such as ru, en or de",
        "sources.yaml:7: sources[1].language: "
        "expected a language code such as ru, en or de (put codes such as 'no' in quotes)",
    ]


def test_bad_language_code_as_alias_key(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
            aliases:
              russian: [Альфа]
        """) == [
        "rules.yaml:5: organisations[0].aliases.russian: "
        "expected a language code such as ru, en or de"
    ]


# --------------------------------------------------------------------------- files


@pytest.mark.parametrize("text", ["", "# nothing here yet\n"])
def test_empty_file(tmp_path, text):
    assert sources_problems(tmp_path, text) == [
        "sources.yaml:1: sources: required field is missing"]
    assert rules_problems(tmp_path, text) == [
        "rules.yaml:1: organisations: required field is missing"]


def test_missing_file(tmp_path):
    missing = tmp_path / "sources.yaml"
    with pytest.raises(ConfigError) as info:
        load_sources(missing)
    assert info.value.problems == [f"{missing}: file not found"]


def test_directory_instead_of_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_rules(tmp_path)
    assert info.value.problems == [f"{tmp_path}: cannot read: Is a directory"]


def test_load_reports_a_missing_file_with_the_other_files_problems(tmp_path):
    rules_path = write(tmp_path, "rules.yaml", """\
        organisations:
          - id: A
            name: A
        """)
    with pytest.raises(ConfigError) as info:
        load(tmp_path / "sources.yaml", rules_path)
    assert info.value.problems == [
        f"{tmp_path / 'sources.yaml'}: file not found",
        "rules.yaml:2: organisations[0].id: expected lower-case letters, digits, '-', '_' or "
        "'.', starting with a letter or digit, got 'A'",
    ]


def test_load_reports_problems_of_both_files_at_once(tmp_path):
    sources_path = write(tmp_path, "sources.yaml", """\
        sources:
          - name: a
            url: ftp://a.example/rss
          - name: b
            url: https://b.example/rss
            intervl: 15m
        """)
    rules_path = write(tmp_path, "rules.yaml", """\
        organisations:
          - id: a
            name: A
            aliases:
              ru: Альфа
        """)
    with pytest.raises(ConfigError) as info:
        load(sources_path, rules_path)
    problems = [
        "sources.yaml:3: sources[0].url: expected an http:// or https:// URL, "
        "got 'ftp://a.example/rss'",
        "sources.yaml:6: sources[1].intervl: unknown field",
        "rules.yaml:5: organisations[0].aliases.ru: expected a list of strings",
    ]
    assert info.value.problems == problems
    assert str(info.value) == "\n".join(problems)


# --------------------------------------------------------------------------- durations, locs


@pytest.mark.parametrize("text, seconds", [
    ("30s", 30), ("15m", 900), ("1h", 3600), ("1h30m", 5400), ("2d", 172800),
    ("1h 30m", 5400), ("90m", 5400),
])
def test_parse_duration(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "15 minutes", "1.5h", "-5m", "15M", "m"])
def test_parse_duration_refuses(text):
    with pytest.raises(ValueError, match="expected a duration such as 30s, 15m, 1h or 1h30m"):
        parse_duration(text)


def test_every_duration_in_the_files_needs_a_unit(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations: []
        delivery:
          retry_base: 30
          retry_max: "3600"
          give_up_after: 1d
        """) == [
        "rules.yaml:3: delivery.retry_base: 30 has no unit: write 30s, 30m, 30h or 30d",
        "rules.yaml:4: delivery.retry_max: 3600 has no unit: write 3600s, 3600m, 3600h or 3600d",
    ]
    assert sources_problems(tmp_path, """\
        sources:
          - name: a
            url: https://a.example/rss
            stale_after: 2
        """) == ["sources.yaml:4: sources[0].stale_after: 2 has no unit: write 2s, 2m, 2h or 2d"]


def test_fetch_history_is_a_duration_with_a_month_by_default(tmp_path):
    """`fetch.history`: how long `fetches` keeps a source's polls (store.record_fetch)."""
    assert sources_problems(tmp_path, """\
        fetch:
          history: 30
        sources:
          - name: a
            url: https://a.example/rss
        """) == ["sources.yaml:2: fetch.history: 30 has no unit: write 30s, 30m, 30h or 30d"]
    assert sources_problems(tmp_path, """\
        fetch:
          timeout: 5.0
          history: forever
        sources: []
        """) == ["sources.yaml:3: fetch.history: expected a duration such as 30s, 15m, 1h or "
                 "1h30m, got 'forever'"]
    assert FetchSettings().history == 30 * 86400


def test_code_may_give_durations_in_seconds():
    assert Source(name="a", url="https://a.example/rss", interval=90).interval == 90


@given(st.integers(0, 10_000), st.integers(0, 10_000), st.integers(0, 10_000))
def test_parse_duration_adds_up_the_parts(h, m, s):
    assert parse_duration(f"{h}h{m}m{s}s") == h * 3600 + m * 60 + s


def test_format_loc_examples():
    assert format_loc(("organisations", 3, "aliases", "ru")) == "organisations[3].aliases.ru"
    assert format_loc(("sources", 0, "url")) == "sources[0].url"
    assert format_loc(("fetch", "timeout")) == "fetch.timeout"
    assert format_loc(("sources",)) == "sources"
    assert format_loc(()) == "(top level)"


_NAME = st.from_regex(r"[a-z_][a-z0-9_]{0,10}", fullmatch=True)
_LOC_PART = st.one_of(_NAME, st.integers(0, 10_000))


def _parse_loc(text: str) -> tuple[str | int, ...]:
    parts: list[str | int] = []
    for index, name in re.findall(r"\[(\d+)\]|\.?([^.\[\]]+)", text):
        parts.append(int(index) if index else name)
    return tuple(parts)


@given(_NAME, st.lists(_LOC_PART, max_size=8))
def test_format_loc_round_trips(first, rest):
    loc = (first, *rest)
    text = format_loc(loc)
    assert _parse_loc(text) == loc
    assert ".." not in text and ".[" not in text and not text.startswith(".")


def test_metric_errors_name_line_and_field(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: revenue
            name: A
        metrics:
          - id: revenue
            name: Выручка
            keywords:
              ru: выручка
            unit: rubles
            near: 0
        """) == [
        "rules.yaml:5: metrics[0].id: duplicate id 'revenue' (first used by organisations[0])",
        "rules.yaml:8: metrics[0].keywords.ru: expected a list of strings",
        "rules.yaml:9: metrics[0].unit: must be 'RUB', 'money', 'count', 'm2' or 'percent'",
        "rules.yaml:10: metrics[0].near: must be greater than or equal to 1",
    ]


# --------------------------------------------------------------------------- alerts: references


def test_alert_condition_naming_an_unknown_organisation(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: skolkovo
            name: Skolkovo
          - id: innopolis
            name: Innopolis
        alerts:
          - name: news
            when: {organisation: skolkovo-foundation}
            targets:
              - webhook: https://hooks.example.org/x
        """) == [
        "rules.yaml:8: alerts[0].when.organisation: unknown organisation "
        "'skolkovo-foundation' (known: innopolis, skolkovo)"
    ]


def test_unknown_ids_nested_in_all_any_not(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
        metrics:
          - id: revenue
            name: Revenue
            keywords: {en: [revenue]}
            unit: RUB
          - id: area
            name: Area
            keywords: {en: [area]}
            unit: m2
        alerts:
          - name: ok
            when: {metric: revenue}
            targets: [{webhook: https://hooks.example.org/ok}]
          - name: nested
            when:
              all:
                - organisation: a
                - any:
                    - metric: revenu
                      value: ">= 1e9"
                    - term: выручка
                - not:
                    organisation: b
            targets: [{webhook: https://hooks.example.org/x}]
        """) == [
        "rules.yaml:22: alerts[1].when.all[1].any[0].metric: unknown metric 'revenu' "
        "(known: area, revenue)",
        "rules.yaml:26: alerts[1].when.all[2].not.organisation: unknown organisation 'b' "
        "(known: a)",
    ]


def test_unknown_metric_when_none_are_defined_and_long_known_lists(tmp_path):
    organisations = "".join(f"  - id: org{i:02}\n    name: O{i}\n" for i in range(10))
    text = ("organisations:\n" + organisations + "alerts:\n"
            "  - name: x\n"
            "    when: {any: [{organisation: org10}, {metric: jobs}]}\n"
            "    targets: [{webhook: https://hooks.example.org/x}]\n")
    assert rules_problems(tmp_path, text) == [
        "rules.yaml:24: alerts[0].when.any[0].organisation: unknown organisation 'org10' "
        "(known: org00, org01, org02, org03, org04, org05, org06, org07, ... (10 in all))",
        "rules.yaml:24: alerts[0].when.any[1].metric: unknown metric 'jobs' (none are defined)",
    ]


def test_email_targets_need_an_smtp_section(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
        alerts:
          - name: news
            when: {organisation: a}
            targets:
              - webhook: https://hooks.example.org/x
              - email: [team@example.org]
        health:
          target:
            email: [ops@example.org]
        """) == [
        "rules.yaml:9: alerts[0].targets[1].email: email targets need an smtp: section",
        "rules.yaml:12: health.target.email: email targets need an smtp: section",
    ]


def test_duplicate_alert_names_are_reported_with_reference_problems(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
        alerts:
          - name: news
            when: {organisation: a}
            targets: [{webhook: https://hooks.example.org/x}]
          - name: news
            when: {organisation: z}
            targets: [{webhook: https://hooks.example.org/y}]
        """) == [
        "rules.yaml:8: alerts[1].name: duplicate name 'news' (first used by alerts[0])",
        "rules.yaml:9: alerts[1].when.organisation: unknown organisation 'z' (known: a)",
    ]


def test_references_are_checked_only_once_the_file_validates(tmp_path):
    # An unknown id next to a field error would be noise: the error is fixed first.
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: A
        alerts:
          - name: news
            when: {organisation: z}
            targets: [{email: [team@example.org]}]
            mode: weekly
        """) == ["rules.yaml:8: alerts[0].mode: must be 'immediate', 'hourly' or 'daily'"]


def test_valid_alerts_smtp_health_and_delivery(tmp_path):
    rules = load_rules(write(tmp_path, "rules.yaml", """\
        organisations:
          - id: skolkovo
            name: Skolkovo
        metrics:
          - id: investment
            name: Investment
            keywords: {en: [investment]}
            unit: money
        alerts:
          - name: big-investment
            when:
              all:
                - organisation: skolkovo
                - metric: investment
                  value: ">= 1e9"
                - not: {term: rumour}
              same_sentence: true
            sources: [defined-in-sources-yaml]
            languages: [en]
            targets:
              - email: [team@example.org, boss@example.org]
              - webhook: https://hooks.example.org/x
                secret: whsec_c2VjcmV0
            mode: daily
            at: "08:30"
            timezone: Europe/Moscow
        smtp:
          host: mail.example.org
          from_address: monitor@example.org
        health:
          target: {email: [ops@example.org]}
          failures: 5
        delivery:
          retry_base: 1m
          give_up_after: 2d
        """))
    alert = rules.alerts[0]
    assert alert.mode == "daily"
    assert alert.at == "08:30"
    assert alert.sources == ["defined-in-sources-yaml"]
    assert alert.when.all[1].value == (">=", 1e9)
    assert alert.when.all[2].not_.term == "rumour"
    assert [t.describe() for t in alert.targets] == [
        "email:team@example.org,boss@example.org", "webhook:https://hooks.example.org/x"]
    assert rules.smtp.port == 587
    assert rules.health.failures == 5
    assert rules.health.target.describe() == "email:ops@example.org"
    assert rules.delivery.retry_base == 60
    assert rules.delivery.retry_max == 3600
    assert rules.delivery.give_up_after == 172800


# --------------------------------------------------------------------------- YAML aliases


def test_reused_anchor_loads_and_each_use_has_its_values(tmp_path):
    sources = load_sources(write(tmp_path, "sources.yaml", """\
        sources:
          - name: a
            url: &url https://a.example/rss
            interval: &often 5m
          - name: b
            url: *url
            interval: *often
        """))
    assert [(s.url, s.interval) for s in sources.sources] == [
        ("https://a.example/rss", 300), ("https://a.example/rss", 300)]


def test_undefined_and_duplicate_anchors(tmp_path):
    assert sources_problems(tmp_path, """\
        sources:
          - name: *nothing
        """) == ["sources.yaml:2: invalid YAML: found undefined alias 'nothing'"]
    assert sources_problems(tmp_path, """\
        sources:
          - name: &n a
            url: &n https://a.example/rss
        """) == ["sources.yaml:3: invalid YAML: found duplicate anchor 'n' (first at line 2)"]


def test_alias_expansion_within_the_budget_loads(tmp_path):
    # 9 * 9 * 9 * 9 = 6,561 strings through aliases: more than any real file, under the budget.
    assert rules_problems(tmp_path, "organisations: []\n" + laughs(4, "x")) == [
        f"rules.yaml:{line}: {key}: unknown field" for line, key in enumerate("abcd", start=2)]


# --------------------------------------------------------------------------- phrase length


def test_overlong_alias_name_and_term_are_refused_at_their_line(tmp_path):
    long_alias = " ".join(["слово"] * 30_000)
    assert rules_problems(tmp_path, f"""\
        organisations:
          - id: a
            name: {"Очень " * 20}длинное
            aliases:
              ru: [Альфа, {long_alias}]
            abbreviations: [{"A" * 201}]
        alerts:
          - name: x
            when: {{term: {"b " * 21}}}
            targets: [{{webhook: "https://hooks.example/x"}}]
        """) == [
        "rules.yaml:3: organisations[0].name: too long: 21 words (at most 20 words and 200 "
        "characters)",
        "rules.yaml:5: organisations[0].aliases.ru[1]: too long: 30,000 words (at most 20 "
        "words and 200 characters)",
        "rules.yaml:6: organisations[0].abbreviations[0]: too long: 201 characters (at most "
        "20 words and 200 characters)",
        "rules.yaml:9: alerts[0].when.term: too long: 21 words (at most 20 words and 200 "
        "characters)",
    ]


# --------------------------------------------------------------------------- shared names


def test_two_organisations_sharing_an_alias_are_refused_with_both_lines(tmp_path):
    assert rules_problems(tmp_path, """\
        organisations:
          - id: yakutia
            name: Технопарк «Якутия»
            aliases:
              ru: [Технопарк Якутия]
          - id: other
            name: Другой
            aliases:
              ru: [Другой парк, Технопарк Якутия]
        """) == [
        "rules.yaml:9: organisations[1].aliases.ru[1]: alias 'Технопарк Якутия' is also used "
        "by organisations[0] (line 3)",
    ]


def test_shared_names_are_compared_as_the_matcher_compares(tmp_path):
    # Inflection, case, quotes and ё are the same words to the matcher; so is a name written
    # as another organisation's alias. Abbreviations compare as written.
    assert rules_problems(tmp_path, """\
        organisations:
          - id: a
            name: Технопарк «Якутия»
            aliases:
              en: [Yakutia Technopark]
            abbreviations: [ТЯ]
          - id: b
            name: технопарка Якутия
            aliases:
              de: [Yakutia Technoparks]
            abbreviations: [Тя, ТЯ]
          - id: c
            name: Ёлка
          - id: d
            name: ЕЛКА
        """) == [
        "rules.yaml:8: organisations[1].name: name 'технопарка Якутия' is also used by "
        "organisations[0] (line 3)",
        "rules.yaml:10: organisations[1].aliases.de[0]: alias 'Yakutia Technoparks' is also "
        "used by organisations[0] (line 5)",
        "rules.yaml:11: organisations[1].abbreviations[1]: abbreviation 'ТЯ' is also used by "
        "organisations[0] (line 6)",
        "rules.yaml:15: organisations[3].name: name 'ЕЛКА' is also used by organisations[2] "
        "(line 13)",
    ]


def test_an_organisation_may_repeat_its_own_name_as_an_alias(tmp_path):
    rules = load_rules(write(tmp_path, "rules.yaml", """\
        organisations:
          - id: a
            name: Технопарк «Якутия»
            aliases:
              ru: [Технопарк «Якутия», технопарк Якутия]
        """))
    assert rules.organisations[0].id == "a"


# --------------------------------------------------------------------------- word-form cache


@pytest.fixture
def cache_home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "cache-home"
    monkeypatch.setenv("XDG_CACHE_HOME", str(home))
    return home


def cache_files(home: Path) -> list[Path]:
    return sorted((home / "technopark-monitor").glob("forms-*.json"))


def forms_refused(*args):
    raise AssertionError("the word forms were computed, not read from the cache")


def test_word_forms_are_read_from_the_cache_on_the_next_load(tmp_path, cache_home,
                                                               monkeypatch):
    path = write(tmp_path, "rules.yaml", VALID_RULES + "    aliases:\n      ru: [Сколково]\n")
    first = load_rules(path)
    (cached,) = cache_files(cache_home)
    monkeypatch.setattr(morph, "forms", forms_refused)
    again = load_rules(path)
    assert again.word_forms() == first.word_forms()
    assert again.word_forms().table["en"]["сколково"] == ("сколково",)
    assert cache_files(cache_home) == [cached]


def test_word_form_cache_is_rebuilt_when_the_rules_words_change(tmp_path, cache_home):
    path = write(tmp_path, "rules.yaml", VALID_RULES)
    load_rules(path)
    path.write_text(VALID_RULES + "    aliases:\n      ru: [Технопарки]\n", encoding="utf-8")
    rules = load_rules(path)
    assert rules.word_forms().table["en"]["технопарки"] == ("технопарк",)
    (cached,) = cache_files(cache_home)
    assert "технопарки" in json.loads(cached.read_text(encoding="utf-8"))["forms"]["en"]


def test_word_form_cache_is_rebuilt_when_the_morphology_libraries_change(
        tmp_path, cache_home, monkeypatch):
    path = write(tmp_path, "rules.yaml", VALID_RULES)
    load_rules(path)
    monkeypatch.setattr(morph, "_libraries", lambda: "pymorphy3=99")
    computed = []
    monkeypatch.setattr(morph, "forms", lambda word, variant: computed.append(word) or (word,))
    load_rules(path)
    assert computed == ["skolkovo", "skolkovo"]  # one per Latin variant


@pytest.mark.parametrize("garbage", [b"", b"{not json", b'{"key": 1}', b"\xff\xfe",
                                     b'{"key": "KEY", "forms": {"en": {"skolkovo": 5}}}'])
def test_corrupt_word_form_cache_is_ignored_and_rebuilt(tmp_path, cache_home, garbage):
    path = write(tmp_path, "rules.yaml", VALID_RULES)
    load_rules(path)
    (cached,) = cache_files(cache_home)
    key = json.loads(cached.read_text(encoding="utf-8"))["key"]
    cached.write_bytes(garbage.replace(b"KEY", key.encode()))
    rules = load_rules(path)
    assert rules.word_forms().table["de"]["skolkovo"] == ("skolkovo",)
    assert json.loads(cached.read_text(encoding="utf-8"))["key"] == key


def test_unwritable_cache_directory_just_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    rules = load_rules(write(tmp_path, "rules.yaml", VALID_RULES))
    assert rules.word_forms().table["en"]["skolkovo"] == ("skolkovo",)
    assert blocker.read_text(encoding="utf-8") == ""


# --------------------------------------------------------------------------- include


def write_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """Write several files (paths relative to tmp_path); returns the first one's path."""
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        write(tmp_path, name, text)
    return tmp_path / next(iter(files))


def include_problems(tmp_path: Path, files: dict[str, str]) -> list[str]:
    with pytest.raises(ConfigError) as info:
        load_rules(write_tree(tmp_path, files))
    return info.value.problems


PARKS = """\
organisations:
  - id: technopark-idea
    name: Технопарк «Идея»
    kind: technopark
    place: [Казань]
metrics:
  - id: jobs
    name: Рабочие места
    keywords:
      ru: [рабочее место]
    unit: count
"""


def test_included_organisations_and_metrics_join_the_including_files(tmp_path):
    rules = load_rules(write_tree(tmp_path, {
        "rules.yaml": """\
            include: [registry/parks.yaml, registry/more/it.yaml]
            organisations:
              - id: skolkovo
                name: Skolkovo
            """,
        "registry/parks.yaml": PARKS,
        # Paths are relative to the including file; an included file may include too.
        "registry/more/it.yaml": """\
            include: [../../extra.yaml]
            organisations:
              - id: it-park-kazan
                name: IT-парк Казани
            """,
        "extra.yaml": """\
            organisations:
              - id: it-park-chelny
                name: IT-парк Набережных Челнов
            """,
    }))
    assert [o.id for o in rules.organisations] == [
        "skolkovo", "technopark-idea", "it-park-kazan", "it-park-chelny"]
    assert [m.id for m in rules.metrics] == ["jobs"]
    assert rules.organisations[1].place == ["Казань"]
    # The word forms of included rules reach the matcher (and its cache) like the root's.
    assert rules.word_forms().phrase("IT-парк Казани", "en") == ("it", "парк", "казань")


def test_rules_made_only_of_includes_load_and_an_absolute_path_is_taken_as_it_is(tmp_path):
    parks = write_tree(tmp_path, {"registry/parks.yaml": PARKS})
    rules = load_rules(write(tmp_path, "rules.yaml", f"include: ['{parks}']\n"))
    assert [o.id for o in rules.organisations] == ["technopark-idea"]


def test_a_problem_in_an_included_file_names_that_file_and_its_own_positions(tmp_path):
    assert include_problems(tmp_path, {
        "rules.yaml": """\
            include:
              - registry/parks.yaml
            organisations:
              - id: skolkovo
                name: Skolkovo
                aliases:
                  en: Skolkovo Foundation
            """,
        "registry/parks.yaml": """\
            organisations:
              - id: technopark-idea
                name: Технопарк «Идея»
              - id: it-park-kazan
                name: IT-парк Казани
                aliases:
                  en: [IT Park Kazan, ""]
                kind: park
            """,
    }) == [
        "rules.yaml:7: organisations[0].aliases.en: expected a list of strings",
        "registry/parks.yaml:7: organisations[1].aliases.en: strings in this list must not "
        "be empty",
        "registry/parks.yaml:8: organisations[1].kind: must be 'technopark', 'it_park', "
        "'sez', 'sez_site', 'industrial_park', 'innovation_centre', 'science_centre', "
        "'fund', 'development_institution', 'association', 'ministry', 'university' or "
        "'other'",
    ]


def test_ids_and_aliases_shared_across_files_are_refused_naming_both_files(tmp_path):
    assert include_problems(tmp_path, {
        "rules.yaml": """\
            include: [registry/a.yaml, registry/b.yaml]
            organisations:
              - id: technopark-yakutia
                name: Технопарк «Якутия»
            """,
        "registry/a.yaml": """\
            organisations:
              - id: technopark-idea
                name: Технопарк «Идея»
              - id: technopark-yakutia
                name: Якутский технопарк
            """,
        "registry/b.yaml": """\
            organisations:
              - id: yakutia-2
                name: Другой
                aliases:
                  ru: [технопарка Якутия, технопарк Идея]
            """,
    }) == [
        "registry/a.yaml:4: organisations[1].id: duplicate id 'technopark-yakutia' (first "
        "used by organisations[0] in rules.yaml:3)",
        "registry/b.yaml:5: organisations[0].aliases.ru[0]: alias 'технопарка Якутия' is "
        "also used by organisations[0] (rules.yaml:4)",
        "registry/b.yaml:5: organisations[0].aliases.ru[1]: alias 'технопарк Идея' is also "
        "used by organisations[0] (registry/a.yaml:3)",
    ]


def test_missing_twice_included_directory_and_cyclic_includes_are_refused_at_their_line(
        tmp_path):
    assert include_problems(tmp_path, {
        "rules.yaml": """\
            include:
              - registry/a.yaml
              - registry/missing.yaml
              - registry
              - ./registry/a.yaml
            organisations: []
            """,
        "registry/a.yaml": """\
            include: [b.yaml]
            """,
        "registry/b.yaml": """\
            include: [../rules.yaml]
            """,
    }) == [
        f"rules.yaml:3: include[1]: no such file 'registry/missing.yaml' (looked for "
        f"{tmp_path / 'registry' / 'missing.yaml'})",
        f"rules.yaml:4: include[2]: 'registry' is not a file ({tmp_path / 'registry'})",
        "rules.yaml:5: include[3]: './registry/a.yaml' is included twice (also at "
        "rules.yaml:2)",
        "registry/b.yaml:1: include[0]: include cycle: rules.yaml -> registry/a.yaml -> "
        "registry/b.yaml -> rules.yaml",
    ]


def test_an_included_file_holds_only_organisations_metrics_and_includes(tmp_path):
    assert include_problems(tmp_path, {
        "rules.yaml": """\
            include: [registry/a.yaml, registry/b.yaml, 5]
            organisations: []
            """,
        "registry/a.yaml": """\
            organisations: []
            alerts: []
            """,
        "registry/b.yaml": """\
            organisations: {id: x}
            metrics:
              - [not, a, metric]
            """,
    }) == [
        "rules.yaml:1: include[2]: expected a string (put the value in quotes)",
        "registry/a.yaml:2: alerts: unknown field",
        "registry/b.yaml:1: organisations: expected a list",
        "registry/b.yaml:3: metrics[0]: expected a mapping",
    ]


def test_yaml_and_encoding_errors_of_an_included_file_name_it(tmp_path):
    write_tree(tmp_path, {"registry/bad.yaml": "organisations: [\n"})
    (tmp_path / "registry" / "latin1.yaml").write_bytes("name: Gr\xfcn\n".encode("latin-1"))
    problems = include_problems(tmp_path, {"rules.yaml": """\
        include: [registry/bad.yaml, registry/latin1.yaml]
        organisations: []
        """})
    assert [p.split(": ")[0] for p in problems] == ["registry/bad.yaml:2", "registry/latin1.yaml:1"]
    assert "invalid YAML" in problems[0] and "not UTF-8" in problems[1]
