"""`make bench-startup`: how long the CLI takes to answer, against the interpreter's own start.

Goals, from issue 9: `technopark-monitor --help` under 0.25 s and `check` on a small text file
under 0.5 s. Both are wall-clock times of a fresh process, the way a user meets them, so the
interpreter's start (`python -c pass`) is measured in the same run and each time is also given
as a ratio to it: on a loaded machine the seconds grow, the ratios much less.

The three commands run in turn, REPEATS rounds, after one unmeasured round (it fills the rules'
word-form cache, as any earlier run would have, and the page cache); the median counts. They
may write bytecode whatever the caller's environment says (PYTHONDONTWRITEBYTECODE): a user's
installed copy has it (pip compiles on install; a checkout writes it on its first run), and
without it every start compiles the monitor's 13,000 lines again. Then
the modules `check` imports are listed with their cumulative import time (`-X importtime`), the
first place to look when the number goes up.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules.yaml"
REPEATS = 5
GOALS = {"--help": 0.25, "check": 0.5}
SMALL_TEXT = ("Выручка Технопарка «Якутия» составила 1,5 млрд рублей в 2023 году, сообщили в "
              "пресс-службе. Резидентами стали 12 новых компаний.\n")
TOP_IMPORTS = 12


def _cli() -> list[str]:
    """This interpreter running the installed console script next to it (what its #! line
    does), else run.py."""
    script = Path(sys.executable).parent / "technopark-monitor"
    return [sys.executable, str(script if script.exists() else ROOT / "run.py")]


ENVIRONMENT = {name: value for name, value in os.environ.items()
               if name != "PYTHONDONTWRITEBYTECODE"}


def _wall(command: Sequence[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL, env=ENVIRONMENT)
    return time.perf_counter() - started


def _imports(command: Sequence[str]) -> list[tuple[float, str]]:
    """(cumulative seconds, module) of the slowest top-level imports of a Python `command`."""
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                          text=True, env={**ENVIRONMENT, "PYTHONPROFILEIMPORTTIME": "1"},
                          check=True)
    found = []
    for line in done.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            name = parts[2].rstrip()
            if not name.startswith("   "):  # top level: indented by one space only
                found.append((int(parts[1]) / 1e6, name.strip()))
    return sorted(found, reverse=True)[:TOP_IMPORTS]


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        small = Path(tmp) / "small.txt"
        small.write_text(SMALL_TEXT, encoding="utf-8")
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "--help": [*_cli(), "--help"],
            "check": [*_cli(), "check", str(small), "--rules", str(RULES)],
        }
        for command in commands.values():
            _wall(command)
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(REPEATS):
            for name, command in commands.items():
                times[name].append(_wall(command))
        check_imports = _imports(commands["check"])
    medians = {name: statistics.median(values) for name, values in times.items()}
    floor = medians["python -c pass"]
    print(f"CLI start-up, median of {REPEATS} runs each (wall clock, fresh process), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}"
          + ("; bytecode written although PYTHONDONTWRITEBYTECODE is set"
             if "PYTHONDONTWRITEBYTECODE" in os.environ else "") + "\n")
    print(f"{'command':<16} | {'median s':>8} | {'min s':>6} | {'× python -c pass':>16} | goal")
    print("-" * 66)
    failed = False
    for name, median in medians.items():
        goal = GOALS.get(name)
        verdict = ""
        if goal is not None:
            verdict = f"< {goal} s {'PASS' if median < goal else 'FAIL'}"
            failed |= median >= goal
        print(f"{name:<16} | {median:8.3f} | {min(times[name]):6.3f} | {median / floor:16.1f} | "
              f"{verdict}")
    print("\nslowest imports of `check` (cumulative s, one run):")
    for seconds, module in check_imports:
        print(f"  {seconds:6.3f}  {module}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
