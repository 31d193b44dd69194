"""`make bench-accuracy`: how well the shipped rules read press an analyst has labelled.

Three sets of articles, each with what an analyst expects of it (bench/scoring.py says how
they are compared):
- bench/press/: the team's own corpus, written from the facts of real news items (sources in
  the labels), in Russian, English and German, each article labelled by hand before the
  engine first ran on it. The engine was developed against it, so its scores say what the
  engine does on press it was tuned for;
- bench/holdout/ (when there is one): a new set written and labelled the same way by writers
  who never ran the engine, scored as it stands ("held-out": how the engine reads press it was
  not tuned for). Once measured, its misses are fixed by general rules and it joins
  bench/press/; the README's accuracy section keeps each round's held-out scores;
- ../shared/seeds/: the five real articles the product was specified from (skipped, with a
  note, where shared/ is not beside the checkout).

For each language and overall it prints organisation recall and precision, figure recall and
precision, the share of found figures with the right metric and the right organisation, and
the forbidden values read; then PASS or FAIL for each goal of issue 8, and with `--misses`
every miss. It exits 1 when a goal fails.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

from monitor.config import load_rules
from monitor.extract import tidy
from monitor.match import Matcher

from .scoring import Expected, Resolver, Score, load_expectations, ratio, score

ROOT = Path(__file__).resolve().parent.parent
PRESS = ROOT / "bench" / "press"
HOLDOUT = ROOT / "bench" / "holdout"
SEEDS = ROOT.parent / "shared" / "seeds"
SEED_FORBIDDEN = (2012, 2015, 2018, 2024, 2030, 32622, 2.5, 17, 50, 4000)
"""What seeds/expected.yaml says in prose must never come out as a figure: its years, a
registration number, a growth factor and counts that are not about the organisations."""

GOALS = (  # (label, value of a Score total, at least)
    ("figure recall", lambda s: ratio(s.figures_found, s.figures_expected), 0.95),
    ("figure precision", lambda s: ratio(s.figures_found, s.figures_reported), 0.95),
    ("right organisation", lambda s: ratio(s.organisation_right, s.figures_found), 0.95),
    ("organisation recall", lambda s: ratio(s.organisations_found, s.organisations_expected),
     1.0),
    ("organisation precision",
     lambda s: ratio(s.organisations_right, s.organisations_reported), 0.99),
)


def corpus() -> list[tuple[Expected, Path]]:
    found = [(e, folder / e.name) for folder in (PRESS, HOLDOUT)
             for labels in sorted(folder.glob("labels-*.yaml"))
             for e in load_expectations(labels)]
    if SEEDS.is_dir():
        found += [(e, SEEDS / e.name) for e in
                  load_expectations(SEEDS / "expected.yaml", forbidden=SEED_FORBIDDEN)]
    else:
        print(f"note: {SEEDS} not found; the seed articles are left out", file=sys.stderr)
    return found


def _row(label: str, total: Score, articles: int) -> list[str]:
    return [label, str(articles),
            f"{ratio(total.organisations_found, total.organisations_expected):.1%}",
            f"{ratio(total.organisations_right, total.organisations_reported):.1%}",
            f"{ratio(total.figures_found, total.figures_expected):.1%}",
            f"{ratio(total.figures_found, total.figures_reported):.1%}",
            f"{ratio(total.metric_right, total.figures_found):.1%}",
            f"{ratio(total.organisation_right, total.figures_found):.1%}",
            str(total.forbidden_read)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-accuracy", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    options = parser.parse_args(argv)
    matcher = Matcher(load_rules(ROOT / "rules.yaml"))
    resolve = Resolver(matcher)
    by_group: dict[str, list[Score]] = defaultdict(list)
    for expected, path in corpus():
        text = tidy(path.read_text(encoding="utf-8"))
        result = score(expected, matcher.match(text, expected.language), resolve)
        group = {SEEDS: "seeds", HOLDOUT: f"held-out {expected.language}"}.get(
            path.parent, expected.language)
        by_group[group].append(result)
        if options.misses and result.misses:
            print(f"\n{path.parent.name}/{path.name}")
            print("\n".join(f"  {line}" for line in result.misses))
    header = ["articles", "n", "org recall", "org precision", "figure recall",
              "figure precision", "right metric", "right organisation", "forbidden read"]
    rows = [_row(group, sum(scores, Score()), len(scores))
            for group, scores in sorted(by_group.items())]
    for label, chosen in (("development", lambda g: g in ("ru", "en", "de")),
                          ("held-out", lambda g: g.startswith("held-out"))):
        scores = [s for group, scores in by_group.items() if chosen(group) for s in scores]
        if scores:
            rows.append(_row(label, sum(scores, Score()), len(scores)))
    overall = sum((s for scores in by_group.values() for s in scores), Score())
    rows.append(_row("all", overall, sum(len(s) for s in by_group.values())))
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    print()
    for row in [header, *rows]:
        print("  ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)))
    failed = False
    print()
    for label, value, goal in GOALS:
        ok = value(overall) >= goal
        failed |= not ok
        print(f"{'PASS' if ok else 'FAIL'}  {label} {value(overall):.1%} (goal >= {goal:.0%})")
    ok = overall.forbidden_read == 0
    failed |= not ok
    print(f"{'PASS' if ok else 'FAIL'}  forbidden values read: {overall.forbidden_read} "
          "(goal 0)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
