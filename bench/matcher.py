"""`make bench-matcher`: the matcher's cost per article, now against the code before issue 9.

Issue 9 asks for the per-article cost of `Matcher.analyse` to halve without changing a hit
(tests/test_golden.py pins every hit). The baseline is commit BASELINE, the matcher as it
stood when the golden file was made: `git archive` exports its `monitor`, `rules.yaml` and
`registry` to a temporary directory, and the same timing code (`measure`) runs on both sides,
each in a child process with its own tree first on sys.path, so the two never share a module
or a cache. Where the commit is not in the checkout (a shallow clone) only the current side is
timed, and the output says so.

The articles are those of the golden file: the labelled press (bench/press/) and the seeds
(../shared/seeds/, where present), each tidied as the pipeline does, with its labelled
language. Timing follows the daemon: the matcher is built once, one warm-up pass fills its
caches, then the best of ROUNDS passes counts (the best, because on a shared machine everything
slower is someone else's noise). The sides run in turn, PAIRS times, and each keeps its best,
so a slow moment of the machine does not fall on one side only. Beside the whole of `analyse`
each child times `Layout.of` (words, sentences, paragraphs, clauses: the tokenising of an
article) and `tokens.words` (a list of Token tuples, as the rules' phrases are read; the
baseline's Layout was built on it) alone, to say where the time goes; `--profile` prints the
current side's cProfile instead.

Goal, from issue 9: current time per article at most GOAL times the baseline's. It exits 1 when
the goal is missed or the two sides' hits differ.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .timing import best_time

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "478d49d"
"""The matcher when tests/golden/hits.json was made, before any speed work of issue 9."""
EXPORTED = ("monitor", "rules.yaml", "registry")
ROUNDS = 3
PAIRS = 5
GOAL = 0.5
PROFILE_LINES = 30

Articles = list[tuple[str | None, str]]
"""(language, tidied text) of each article, as `analyse` takes them."""


# --------------------------------------------------------------------------- in each child


def measure(root: Path, articles: Articles, rounds: int) -> dict[str, object]:
    """Seconds of the best of `rounds` passes over `articles` for `analyse`, `Layout.of` and
    `words` of the code under `root`, and a digest of every hit and candidate. Imports
    `monitor` from `root`, so it must run in a process that has not imported it yet."""
    sys.path.insert(0, str(root))
    import monitor
    from monitor.config import load_rules
    from monitor.match import Matcher
    from monitor.tokens import Layout, words

    loaded = Path(monitor.__file__).resolve().parent
    if loaded != (root / "monitor").resolve():
        raise RuntimeError(f"monitor was imported from {loaded}, not from {root}")
    matcher = Matcher(load_rules(root / "rules.yaml"))
    found = [[h.public() for h in a.hits + a.candidates]
             for a in (matcher.analyse(text, language) for language, text in articles)]
    digest = hashlib.sha256(json.dumps(found, ensure_ascii=False, sort_keys=True)
                            .encode()).hexdigest()
    texts = [text for _language, text in articles]
    return {
        "analyse": best_time(lambda: [matcher.analyse(text, language)
                                  for language, text in articles], rounds),
        "layout": best_time(lambda: [Layout.of(text) for text in texts], rounds),
        "words": best_time(lambda: [words(text) for text in texts], rounds),
        "hits": sum(len(hits) for hits in found),
        "digest": digest,
    }


def _child(root: Path, rounds: int) -> int:
    """Read the articles (JSON) on stdin, print `measure`'s result (JSON) on stdout."""
    articles = [(language, text) for language, text in json.load(sys.stdin)]
    print(json.dumps(measure(root, articles, rounds)))
    return 0


# --------------------------------------------------------------------------- in the parent


def corpus() -> tuple[Articles, dict[str, int]]:
    """The golden file's articles, tidied, and how many of each section."""
    from monitor.extract import tidy

    from .golden import sections

    chosen = sections()
    articles = [(language, tidy(path.read_text(encoding="utf-8")))
                for found in chosen.values() for _name, language, path in found]
    return articles, {section: len(found) for section, found in chosen.items()}


def export_baseline(into: Path) -> str | None:
    """Export BASELINE's matcher into `into`; None when done, else why it cannot be."""
    try:
        known = subprocess.run(["git", "cat-file", "-e", f"{BASELINE}^{{commit}}"], cwd=ROOT,
                               capture_output=True, text=True, check=False)
    except OSError as error:
        return f"git cannot be run ({error})"
    if known.returncode != 0:
        return f"commit {BASELINE} is not in this checkout (a shallow clone?)"
    archive = subprocess.run(["git", "archive", BASELINE, *EXPORTED], cwd=ROOT,
                             capture_output=True, check=True).stdout
    (into / "tree").mkdir()
    subprocess.run(["tar", "-x", "-C", str(into / "tree")], input=archive, check=True)
    return None


def run_side(root: Path, articles: Articles, rounds: int) -> dict[str, object]:
    """`measure` in a fresh interpreter, so that `root`'s monitor is the one imported."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.matcher", "--child", str(root), "--rounds", str(rounds)],
        cwd=ROOT, input=json.dumps(articles), capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"timing {root} failed:\n{done.stderr}")
    return json.loads(done.stdout.splitlines()[-1])


def best_of(runs: Sequence[dict[str, object]]) -> dict[str, object]:
    best = dict(runs[0])
    for key in ("analyse", "layout", "words"):
        best[key] = min(float(run[key]) for run in runs)
    return best


def report(sides: dict[str, dict[str, object]], count: int) -> list[str]:
    lines = [f"{'side':<18} | {'articles/s':>10} | {'ms/article':>10} | "
             f"{'Layout.of ms':>12} | {'words() ms':>10} | {'rest ms':>7} | hits"]
    lines.append("-" * len(lines[0]))
    for name, side in sides.items():
        analyse, layout = float(side["analyse"]), float(side["layout"])
        lines.append(f"{name:<18} | {count / analyse:10.1f} | {analyse / count * 1e3:10.2f} | "
                     f"{layout / count * 1e3:12.2f} | "
                     f"{float(side['words']) / count * 1e3:10.2f} | "
                     f"{(analyse - layout) / count * 1e3:7.2f} | {side['hits']}")
    return lines


def profile(articles: Articles) -> None:
    """cProfile of the current side's `analyse` over every article, after a warm-up pass."""
    import cProfile
    import pstats

    from monitor.config import load_rules
    from monitor.match import Matcher

    matcher = Matcher(load_rules(ROOT / "rules.yaml"))
    for language, text in articles:
        matcher.analyse(text, language)
    profiler = cProfile.Profile()
    profiler.enable()
    for language, text in articles:
        matcher.analyse(text, language)
    profiler.disable()
    stats = pstats.Stats(profiler).sort_stats("tottime")
    stats.print_stats(PROFILE_LINES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make bench-matcher", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed passes per run")
    parser.add_argument("--pairs", type=int, default=PAIRS, help="runs of each side, in turn")
    parser.add_argument("--profile", action="store_true",
                        help="print cProfile of the current side instead of timing")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return _child(args.child, args.rounds)
    articles, counts = corpus()
    if args.profile:
        profile(articles)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        missing = export_baseline(Path(tmp))
        roots = {"current": ROOT}
        if missing is None:
            roots[f"baseline {BASELINE}"] = Path(tmp) / "tree"
        runs: dict[str, list[dict[str, object]]] = {name: [] for name in roots}
        for _ in range(args.pairs):
            for name, root in roots.items():
                runs[name].append(run_side(root, articles, args.rounds))
    sides = {name: best_of(found) for name, found in runs.items()}
    sizes = ", ".join(f"{n} {section}" for section, n in counts.items())
    print(f"Matcher.analyse per article: {len(articles)} articles ({sizes}), shipped "
          f"rules.yaml, best of {args.rounds} passes x {args.pairs} runs per side; "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}\n")
    print("\n".join(report(sides, len(articles))))
    if missing is not None:
        print(f"\nno baseline: {missing}; the current side only")
        return 0
    current, baseline = sides["current"], sides[f"baseline {BASELINE}"]
    ratio = float(current["analyse"]) / float(baseline["analyse"])
    same = current["digest"] == baseline["digest"]
    print(f"\ncurrent/baseline time per article: {ratio:.2f} (goal <= {GOAL}) "
          f"{'PASS' if ratio <= GOAL else 'FAIL'}")
    print(f"hits and candidates the same on both sides: {'yes' if same else 'NO'}")
    return 0 if ratio <= GOAL and same else 1


if __name__ == "__main__":
    sys.exit(main())
