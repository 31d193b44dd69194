"""Every hit the shipped rules give on the labelled press and the seeds, kept as a golden file.

Speed work on the matcher must not change a single hit; tests/test_golden.py compares the
current output with tests/golden/hits.json. Regenerate (`.venv/bin/python -m bench.golden`)
only when a change of behaviour is meant, and review the diff: a regenerated file is a changed
behaviour. The seeds (../shared/seeds/) are kept in a section of their own, so the press part
is checked even where shared/ is absent.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from monitor.config import load_rules
from monitor.extract import tidy
from monitor.match import Matcher

from .accuracy import PRESS, ROOT, SEEDS
from .scoring import load_expectations

GOLDEN = ROOT / "tests" / "golden" / "hits.json"


def articles(folder: Path, labels: list[Path]) -> list[tuple[str, str, Path]]:
    """(name, language, path) of every labelled article, in file-name order."""
    found = [(e.name, e.language, folder / e.name) for f in labels for e in load_expectations(f)]
    return sorted(found)


def sections() -> dict[str, list[tuple[str, str, Path]]]:
    """The press always; the seeds when shared/ is beside the checkout."""
    out = {"press": articles(PRESS, sorted(PRESS.glob("labels-*.yaml")))}
    if (SEEDS / "expected.yaml").is_file():
        out["seeds"] = articles(SEEDS, [SEEDS / "expected.yaml"])
    return out


def hits(matcher: Matcher, language: str, path: Path) -> list[dict[str, object]]:
    """Every hit and candidate of one article as users see them (`Hit.public`)."""
    analysis = matcher.analyse(tidy(path.read_text(encoding="utf-8")), language)
    return [h.public() for h in analysis.hits + analysis.candidates]


def output(chosen: dict[str, list[tuple[str, str, Path]]]) -> dict[str, dict[str, list]]:
    matcher = Matcher(load_rules(ROOT / "rules.yaml"))
    return {section: {name: hits(matcher, language, path) for name, language, path in found}
            for section, found in chosen.items()}


def main() -> int:
    chosen = sections()
    if "seeds" not in chosen:
        print(f"{SEEDS} not found: refusing to write a golden file without the seeds",
              file=sys.stderr)
        return 1
    GOLDEN.write_text(json.dumps(output(chosen), ensure_ascii=False, indent=1) + "\n",
                      encoding="utf-8")
    print(f"wrote {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
