"""Confidence calibration of the geoparser over a gold JSONL: how often a placed name is right.

Geoparses each row with its ``url`` as the story's source (as ``bench/geoparse.py`` does),
matches each placed name to the gold toponym it overlaps most (as ``../shared/eval/score.py``
does) and prints, as Markdown for docs/BENCHMARKS.md, the share within 161 km of the gold point
per confidence band, and per deciding rule and kind of place (``toponyms.CONFIDENCE_TABLE``'s
keys), so that a table value can be checked against what it claims.

Usage: ``python bench/geoparse_calibration.py [--gold PATH] [--rules]``.
"""
from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.geoparse import DEFAULT_GOLD, _source_fields, read_gold  # noqa: E402
from bench.geoparse_errors import _overlap, haversine_km  # noqa: E402

#: Right within this distance of the gold point (the scorer's acc@161).
RIGHT_KM = 161.0
BANDS = ((0.0, 0.5, "< 0.5"), (0.5, 0.7, "0.5–0.7"), (0.7, 0.8, "0.7–0.8"), (0.8, 0.9, "0.8–0.9"),
         (0.9, 0.95, "0.9–0.95"), (0.95, 1.01, ">= 0.95"), (0.9, 1.01, "**>= 0.9 (`CONFIDENT`)**"))


def judged_choices(rows: list[dict], gazetteer) -> list[tuple[str, str, float, bool]]:
    """Return ``(rule, kind, confidence, right)`` for every placed name that overlaps a gold one."""
    from dashboard.core.geoparse.home import StorySource, story_home
    from dashboard.core.geoparse.mentions import extract_mentions
    from dashboard.core.geoparse.toponyms import _kind_class, explain_resolution

    out = []
    for row in rows:
        text, gold = row["text"], [t for t in row["toponyms"] if t.get("lat") is not None]
        home = story_home(StorySource(**_source_fields(row)), gazetteer)  # as bench/geoparse.py
        for r in explain_resolution(text, extract_mentions(text, gazetteer), gazetteer, home):
            if r.chosen is None:
                continue
            m = r.mention
            best = max(gold, key=lambda t: _overlap(t["start"], t["end"], m.start, m.end), default=None)
            if best is None or _overlap(best["start"], best["end"], m.start, m.end) <= 0:
                continue
            right = haversine_km(best["lat"], best["lon"], r.chosen.lat, r.chosen.lon) <= RIGHT_KM
            out.append((r.rule, _kind_class(r.chosen), r.confidence, right))
    return out


def main(argv: list[str] | None = None) -> int:
    """Print the calibration tables; return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--rules", action="store_true", help="also the share right per (rule, kind)")
    args = ap.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold file not found: {args.gold} -- nothing to measure")
        return 0
    from dashboard.services.gazetteer_file import ensure_gazetteer

    choices = judged_choices(read_gold(args.gold), ensure_gazetteer())
    print(f"```\n$ python bench/geoparse_calibration.py --gold {args.gold.name}{' --rules' if args.rules else ''}\n```")
    print("| confidence | count | share right |\n|---|---|---|")
    for lo, hi, label in BANDS:
        sel = [right for _, _, conf, right in choices if lo <= conf < hi]
        share = f"{sum(sel) / len(sel):.3f}" if sel else "–"
        print(f"| {label} | {len(sel)} | {share} |")
    if args.rules:
        per: dict[tuple[str, str], list[bool]] = defaultdict(list)
        for rule, kind, _, right in choices:
            per[(rule, kind)].append(right)
        print("\n| rule | kind | count | share right |\n|---|---|---|---|")
        for (rule, kind), rights in sorted(per.items(), key=lambda kv: -len(kv[1])):
            print(f"| {rule} | {kind} | {len(rights)} | {sum(rights) / len(rights):.3f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
