"""What each geoparsing rule of issue 20 changes, on each development set separately.

For every rule, the rule is removed (its constant or helper monkeypatched away, as the unit
tests do) and both development sets are geoparsed in process with and without it; the scorer
(``../shared/eval/score.py``) gives P, R, acc@161 and end-to-end, and the share of names at
confidence >= 0.9 that lie within 161 km of the gold point is computed here. Prints a Markdown
table for docs/BENCHMARKS.md. A rule that helps one set and hurts the other is suspect.

Usage: ``python bench/geoparse_rules.py [--gold PATH ...]`` (default: both dev sets).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.geoparse import DEFAULT_SCORER, predict_in_process, read_gold, score  # noqa: E402
from bench.geoparse_errors import _overlap, haversine_km  # noqa: E402

EVAL = ROOT.parent / "shared" / "eval"
DEFAULT_GOLDS = (EVAL / "dev_trnews.jsonl", EVAL / "dev_lgl.jsonl")


def _never(*_args, **_kwargs) -> None:
    return None


def _rules() -> list[tuple[str, list[tuple[object, str, object]]]]:
    """(rule, [(module, attribute, value with the rule removed)])."""
    import re

    from dashboard.core.geoparse import home as H
    from dashboard.core.geoparse import mentions as M
    from dashboard.core.geoparse import toponyms as T

    return [
        ("area with its type word", [(M, "_with_area_type", lambda text, tokens, hit: hit)]),
        ("facility after (X air base)", [(M, "FACILITY_AFTER", ())]),
        ("facility before (Naval Station X)", [(M, "_FACILITY_BEFORE_RE", re.compile(r"(?!)"))]),
        ("fort or camp the gazetteer knows", [(M, "_FACILITY_PREFIXES", ())]),
        ("'Naval' is an adjective", [(M, "MOSTLY_NOT_PLACES", M.MOSTLY_NOT_PLACES - {"naval"})]),
        ("international story: sure countries and capitals", [(T, "INTERNATIONAL_COUNTRIES", 99)]),
        ("... unless a big namesake is pointed at", [(T, "_big_namesake_pointed", lambda ctx, i, e: False)]),
        ("a capital inside the area named after it is no rival", [(T, "_within_namesake_area", lambda city, area: False)]),
        ("'X, Y' settles it", [(T, "SETTLED_BY_CONTAINER", False)]),
        ("outlet home: a domain label", [(H, "_home_in_domain", _never)]),
        ("outlet home: the country domain", [(H, "_home_of_tld", _never)]),
        ("outlet home: the whole prior", [(T, "HOME_COUNTRY_BONUS", 0.0), (T, "HOME_ADMIN1_BONUS", 0.0)]),
    ]


def confident_share(rows: list[dict], lines: list[str], threshold: float = 0.9) -> tuple[int, float]:
    """Return how many matched names have ``confidence >= threshold`` and the share of them within
    161 km of their gold point."""
    import json

    right = total = 0
    for row, line in zip(rows, lines):
        gold = [t for t in row["toponyms"] if t.get("lat") is not None]
        for p in json.loads(line)["places"]:
            if p["lat"] is None or p["confidence"] < threshold:
                continue
            best = max(gold, key=lambda t: _overlap(t["start"], t["end"], p["start"], p["end"]), default=None)
            if best is None or _overlap(best["start"], best["end"], p["start"], p["end"]) <= 0:
                continue
            total += 1
            right += haversine_km(best["lat"], best["lon"], p["lat"], p["lon"]) <= 161.0
    return total, (right / total if total else 0.0)


def measure(rows: list[dict], gold: Path, gazetteer, scorer: Path) -> str:
    """Score in-process predictions; return "P / R / acc@161 / e2e / n>=0.9 (share)"."""
    lines = predict_in_process(rows, gazetteer)
    with tempfile.TemporaryDirectory() as tmp:
        pred = Path(tmp) / "pred.jsonl"
        pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
        f, _ = score(gold, pred, scorer, "all")
    n, share = confident_share(rows, lines)
    return (f"{f['precision']:.3f} / {f['recall']:.3f} / {f['acc161']:.3f} / {f['gold_found_within161']:.3f}"
            f" / {n} ({share:.3f})")


def main(argv: list[str] | None = None) -> int:
    """Print the table; return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, nargs="*", default=list(DEFAULT_GOLDS))
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    args = ap.parse_args(argv)
    golds = [g for g in args.gold if g.is_file()]
    if not golds or not args.scorer.is_file():
        print("development sets or scorer not found -- nothing to measure")
        return 0
    from dashboard.services.gazetteer_file import ensure_gazetteer

    gazetteer = ensure_gazetteer()
    data = [(g, read_gold(g)) for g in golds]
    names = " | ".join(g.stem for g in golds)
    print("```\n$ python bench/geoparse_rules.py\n```")
    print("Each cell: P / R / acc@161 / end-to-end / names at confidence >= 0.9 (share right).\n")
    print(f"| rule removed | {names} |\n|---|{'---|' * len(golds)}")
    print("| (none: all rules) | " + " | ".join(measure(r, g, gazetteer, args.scorer) for g, r in data) + " |")
    for label, patches in _rules():
        with ExitStack() as stack:
            for module, attr, value in patches:
                stack.enter_context(mock.patch.object(module, attr, value))
            cells = [measure(r, g, gazetteer, args.scorer) for g, r in data]
        print(f"| {label} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
