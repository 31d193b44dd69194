"""The matcher's hits on the labelled press and the seeds are exactly those of
tests/golden/hits.json (bench/golden.py says how it is made). Speed work must keep every hit;
a difference here is a change of behaviour, not a file to regenerate."""

from __future__ import annotations

import json

import pytest

from bench.golden import GOLDEN, SEEDS, output, sections

STORED = json.loads(GOLDEN.read_text(encoding="utf-8"))


@pytest.mark.parametrize("section", ["press", "seeds"])
def test_hits_are_the_golden_ones(section: str) -> None:
    chosen = sections()
    if section not in chosen:
        pytest.skip(f"the seed articles are not at {SEEDS} (shared/ beside the checkout)")
    current = output({section: chosen[section]})[section]
    assert sorted(current) == sorted(STORED[section])
    changed = [name for name in STORED[section] if current[name] != STORED[section][name]]
    assert not changed, f"hits changed in {changed}"
