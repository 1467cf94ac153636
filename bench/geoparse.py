"""Geoparsing quality and speed benchmark over a gold JSONL (TR-News dev set by default).

Runs the batch CLI ``python -m dashboard geoparse --offline`` on the gold texts (or, with
``--in-process``, calls :func:`dashboard.core.geoparse.toponyms.geoparse` directly), scores the
predictions with ``../shared/eval/score.py`` (run as a subprocess) and prints a Markdown
block for docs/BENCHMARKS.md: the command, precision/recall/F1, acc@161, the end-to-end share
and articles per second. Speed is always measured in-process, on one core, over the
geoparse calls only (gazetteer already open, one warm-up pass); the machine's load average is
printed with it, since a shared machine's load changes the figure.

Usage: ``python bench/geoparse.py [--gold PATH] [--in-process] [--profile all] [--repeat N] [--no-source]``.
Each row's ``url`` (and ``outlet``, when present) is passed to the geoparser as the story's source.
Exits 0 with a notice when the gold file is missing.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "dev_trnews.jsonl"
DEFAULT_SCORER = ROOT.parent / "shared" / "eval" / "score.py"


def read_gold(path: Path) -> list[dict]:
    """Return the gold rows (``id`` and ``text`` are used)."""
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _source_fields(row: dict) -> dict:
    """The row's optional ``url`` and ``outlet`` (the story's source, a geoparsing prior)."""
    return {k: row[k] for k in ("url", "outlet") if isinstance(row.get(k), str) and row[k]}


def predict_cli(rows: list[dict]) -> tuple[list[str], float]:
    """Run the batch CLI over ``rows``; return its output lines and wall time (incl. start-up)."""
    stdin = "".join(json.dumps({"id": r["id"], "text": r["text"], **_source_fields(r)}) + "\n" for r in rows)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "dashboard", "geoparse", "--offline"],
        input=stdin, capture_output=True, text=True, cwd=ROOT,
        env={**os.environ, "DASHBOARD_OFFLINE": "1"}, check=False,
    )
    elapsed = time.perf_counter() - started
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"the batch CLI failed with exit status {proc.returncode}")
    return proc.stdout.splitlines(), elapsed


def predict_in_process(rows: list[dict], gazetteer) -> list[str]:
    """Call ``geoparse`` on every row; return CLI-shaped JSON lines."""
    from dashboard.core.geoparse.home import StorySource
    from dashboard.core.geoparse.toponyms import geoparse

    return [json.dumps({"id": r["id"], "places": [p.to_json() for p in geoparse(
        r["text"], gazetteer, source=StorySource(**_source_fields(r)))]}) for r in rows]


def time_geoparse(rows: list[dict], gazetteer, repeat: int) -> float:
    """Return articles per second of in-process ``geoparse`` (best of ``repeat`` passes)."""
    from dashboard.core.geoparse.home import StorySource
    from dashboard.core.geoparse.toponyms import geoparse

    items = [(r["text"], StorySource(**_source_fields(r))) for r in rows]
    for t, source in items:  # warm-up: caches, lazy imports
        geoparse(t, gazetteer, source=source)
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for t, source in items:
            geoparse(t, gazetteer, source=source)
        best = min(best, time.perf_counter() - started)
    return len(items) / best


def score(gold: Path, pred: Path, scorer: Path, profile: str) -> tuple[dict, str]:
    """Run the scorer; return its JSON figures and its text report."""
    base = [sys.executable, str(scorer), str(gold), str(pred), "--profile", profile]
    figures = json.loads(subprocess.run(base + ["--json"], capture_output=True, text=True, check=True).stdout)
    report = subprocess.run(base, capture_output=True, text=True, check=True).stdout
    return figures, report


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--profile", default="all", choices=("all", "noun"))
    ap.add_argument("--in-process", action="store_true", help="call geoparse directly, not the CLI")
    ap.add_argument("--repeat", type=int, default=3, help="timed passes (best is kept)")
    ap.add_argument("--pred", type=Path, default=ROOT / "build" / "bench" / "geoparse-pred.jsonl")
    ap.add_argument("--gazetteer", type=Path, default=None, help="gazetteer file (default: build/)")
    ap.add_argument("--no-source", action="store_true",
                    help="leave out each row's url/outlet (to measure the outlet-home prior)")
    args = ap.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold file not found: {args.gold} -- nothing to measure (the dev set lives in ../shared/eval/)")
        return 0
    if not args.scorer.is_file():
        print(f"scorer not found: {args.scorer} -- nothing to measure")
        return 0
    try:  # one core for the timing, as the target says
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    except (AttributeError, OSError):
        pass

    from dashboard.services.gazetteer_file import ensure_gazetteer

    rows = read_gold(args.gold)
    if args.no_source:
        rows = [{k: v for k, v in r.items() if k not in ("url", "outlet")} for r in rows]
    gazetteer = ensure_gazetteer(args.gazetteer)
    cli_wall = None
    in_process = args.in_process
    if not in_process and not (ROOT / "dashboard" / "__main__.py").is_file():
        print("note: the batch CLI (dashboard/__main__.py) is not there yet: predictions come from "
              "in-process geoparse (as with --in-process)\n")
        in_process = True
    if in_process:
        lines = predict_in_process(rows, gazetteer)
    else:
        lines, cli_wall = predict_cli(rows)
    args.pred.parent.mkdir(parents=True, exist_ok=True)
    args.pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rate = time_geoparse(rows, gazetteer, args.repeat)
    figures, report = score(args.gold, args.pred, args.scorer, args.profile)

    command = "python " + " ".join(shlex.quote(a) for a in ["bench/geoparse.py", *(argv if argv is not None else sys.argv[1:])])
    print(f"```\n$ {command}\n```")
    print(f"gold: {args.gold.name} ({len(rows)} articles, {figures['gold_toponyms']} toponyms), "
          f"profile {args.profile}, predictions via {'in-process geoparse' if in_process else 'python -m dashboard geoparse --offline'}; "
          f"gazetteer {gazetteer.path.name} build {gazetteer.version} "
          f"({gazetteer.path.stat().st_size / 1e6:.1f} MB); Python {platform.python_version()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    print()
    print("| P | R | F1 | acc@161 | acc@161 country / below | AUC | end-to-end | articles/s (1 core) |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {figures['precision']:.3f} | {figures['recall']:.3f} | {figures['f1']:.3f} | {figures['acc161']:.3f} "
          f"| {figures['acc161_country_level']:.3f} / {figures['acc161_below_country']:.3f} | {figures['auc']:.3f} "
          f"| {figures['gold_found_within161']:.3f} | {rate:.0f} |")
    if cli_wall is not None:
        print(f"\nbatch CLI wall time for {len(rows)} articles, start-up and gazetteer load included: {cli_wall:.2f} s")
    print("\nscore.py report:\n```\n" + report.rstrip() + "\n```")
    return 0


if __name__ == "__main__":
    sys.exit(main())
