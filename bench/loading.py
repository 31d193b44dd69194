"""Start-up time of a large rules file: `load_rules` and the `Matcher` built from it.

Why this exists: the daemon, `poll` and `check` all start by loading rules.yaml, and a
10,000-organisation file once took 18.5 s and 338 MB to load (issue 7). The goal: under 3 s
with the word-form cache warm.

Each measurement runs in a fresh process, as a start does: in this one the generator has
already reduced every name, and `monitor.morph` would answer from memory. Three kinds of start:

baseline: what one writes first: `yaml.safe_load` (PyYAML's own parser), pydantic, and a
          matcher that reduces every word of the rules with pymorphy3 and Snowball.
cold:     `load_rules` with an empty cache directory: all checks, forms computed and cached.
warm:     `load_rules` again, the forms read from that cache (best of three starts).

Seconds count from after the imports (the same for all three) to a built matcher; memory is
the process's peak resident size.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from .corpus import GeneratedOrganisation

LOAD_GOAL_SECONDS = 3.0
WARM_REPEATS = 3
ROOT = Path(__file__).resolve().parent.parent

_START = """
import json, resource, sys, time
from pathlib import Path
from monitor.config import RulesFile, load_rules
from monitor.match import Matcher
import yaml
path, kind = Path(sys.argv[1]), sys.argv[2]
started = time.perf_counter()
if kind == "baseline":
    rules = RulesFile.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
else:
    rules = load_rules(path)
loaded = time.perf_counter()
Matcher(rules)
built = time.perf_counter()
print(json.dumps({"load": loaded - started, "build": built - loaded,
                  "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


@dataclass(frozen=True)
class Start:
    kind: str
    load: float
    """Reading and checking the file, seconds."""
    build: float
    """Building the matcher, seconds."""
    rss_mb: float

    @property
    def total(self) -> float:
        return self.load + self.build


def write_rules(orgs: Sequence[GeneratedOrganisation], path: Path) -> None:
    data = {"organisations": [o.rules.model_dump(exclude_defaults=True) for o in orgs]}
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def start(kind: str, rules: Path, cache_home: Path) -> Start:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    result = subprocess.run([sys.executable, "-c", _START, str(rules), kind], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return Start(kind, **json.loads(result.stdout))


def measure(orgs: Sequence[GeneratedOrganisation]) -> list[Start]:
    """Baseline, cold and the best warm start of `orgs` written as a rules file."""
    with tempfile.TemporaryDirectory() as tmp:
        rules, cache_home = Path(tmp) / "rules.yaml", Path(tmp) / "cache"
        write_rules(orgs, rules)
        baseline = start("baseline", rules, cache_home)
        cold = start("cold", rules, cache_home)
        warm = min((start("warm", rules, cache_home) for _ in range(WARM_REPEATS)),
                   key=lambda s: s.total)
    return [baseline, cold, warm]


def report(organisations: int, starts: list[Start]) -> bool:
    """Print the table and the goal; True when the warm start meets it."""
    baseline = starts[0]
    print(f"\nLoading a rules file of {organisations:,} organisations (fresh process each):\n")
    header = (f"{'start':>8} | {'load s':>6} | {'build s':>7} | {'total s':>7} | "
              f"{'vs baseline':>11} | {'peak MB':>7}")
    print(header)
    print("-" * len(header))
    for s in starts:
        print(f"{s.kind:>8} | {s.load:>6.2f} | {s.build:>7.2f} | {s.total:>7.2f} | "
              f"{baseline.total / s.total:>10.1f}x | {s.rss_mb:>7.0f}")
    warm = starts[-1]
    passed = warm.total < LOAD_GOAL_SECONDS
    print(f"\nwarm start of {organisations:,} organisations: {warm.total:.2f} s "
          f"(goal < {LOAD_GOAL_SECONDS:g} s)  {'PASS' if passed else 'FAIL'}")
    return passed
