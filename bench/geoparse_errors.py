"""The remaining geoparsing errors on a gold JSONL, grouped by kind, most frequent first.

Runs :func:`dashboard.core.geoparse.toponyms.geoparse` in-process on the gold texts, matches
predictions with gold toponyms the way ``../shared/eval/score.py`` does (overlapping spans, largest
overlap first, predictions on ``neutral`` spans ignored) and sorts every error into a kind:

* missed: dropped by a mention rule (which one), not in the gazetteer, or never looked up;
* spurious: a prediction that matches no gold toponym, by the rule that kept it;
* misplaced (more than 161 km off): a namesake chosen while the right place was a candidate
  (in the same country or another), a reference point that differs for the same country or
  first-level area, or the right place missing from the gazetteer.

Prints a Markdown table (kind, count, share of all errors, a few example names), then the ceiling
of acc@161 for text-only rules: a misplaced namesake counts as fixable only when the story holds a
clue to the right place (another gold place within :data:`CLUE_KM` of it, or its first-level area
or, against a foreign namesake, its country named); every other misplaced name stays wrong. Only
counts and place names are printed, never the texts. Usage:
``python bench/geoparse_errors.py [--gold PATH] [--top N]``; exits 0 with a notice when the gold
file is missing.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_GOLD = ROOT.parent / "shared" / "eval" / "dev_lgl.jsonl"
NEAR_KM = 161.0
#: Another place of the story this close to the right one is a clue to it.
CLUE_KM = 250.0


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (the scorer's formula)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0088 * math.asin(min(1.0, math.sqrt(a)))


def _overlap(a0: int, a1: int, b0: int, b1: int) -> int:
    return min(a1, b1) - max(a0, b0)


def _clue_in_story(t: dict, near: list, chosen_country: str | None, gold: list[dict], gazetteer) -> bool:
    """Does the story name a place that points at the right place of gold toponym ``t``
    (``near``: its candidates within :data:`NEAR_KM`)?"""
    from dashboard.core.geoparse.gazetteer import name_key

    areas = {(e.country_code, e.admin1) for e in near if e.admin1}
    countries = {e.country_code for e in near} - {chosen_country}
    for o in gold:
        if o.get("lat") is None or name_key(o["name"]) == name_key(t["name"]):
            continue
        if haversine_km(t["lat"], t["lon"], o["lat"], o["lon"]) <= CLUE_KM:
            return True
        for e in gazetteer.candidates(o["name"]):
            if (e.feature == "admin1" and (e.country_code, e.admin1) in areas) \
                    or (e.feature == "country" and e.country_code in countries):
                return True
    return False


def classify(rows: list[dict], gazetteer) -> tuple[Counter[str], dict[str, Counter[str]], Counter[str]]:
    """Return the count of each error kind, per kind the names it happened to, and the counts of
    ``matched`` gold toponyms and of misplaced namesakes ``with clue`` / ``without clue``."""
    from dashboard.core.geoparse.gazetteer import name_key
    from dashboard.core.geoparse.mentions import explain_mentions
    from dashboard.core.geoparse.toponyms import geoparse

    kinds: Counter[str] = Counter()
    placed: Counter[str] = Counter()
    examples: dict[str, Counter[str]] = defaultdict(Counter)

    def add(kind: str, name: str) -> None:
        kinds[kind] += 1
        examples[kind][name] += 1

    for row in rows:
        text, gold = row["text"], row["toponyms"]
        neutral = [(s, e) for s, e, *_ in row.get("neutral", [])]
        places = geoparse(text, gazetteer)
        judged = explain_mentions(text, gazetteer)
        pairs = sorted((-_overlap(t["start"], t["end"], p.start, p.end), gi, pi)
                       for gi, t in enumerate(gold) for pi, p in enumerate(places)
                       if _overlap(t["start"], t["end"], p.start, p.end) > 0)
        g_used: dict[int, int] = {}
        p_used: set[int] = set()
        for _, gi, pi in pairs:
            if gi not in g_used and pi not in p_used:
                g_used[gi] = pi
                p_used.add(pi)
        for pi, p in enumerate(places):
            if pi in p_used or any(_overlap(s, e, p.start, p.end) > 0 for s, e in neutral):
                continue
            rule = next((j.rule for j in judged if j.kept and j.mention.start == p.start), "?")
            add(f"spurious: kept as '{rule}'", p.name)
        for gi, t in enumerate(gold):
            if gi not in g_used:
                dropped = [j for j in judged if not j.kept and _overlap(t["start"], t["end"], j.mention.start, j.mention.end) > 0]
                if dropped:
                    add(f"missed: dropped as '{dropped[0].rule}'", t["name"])
                elif name_key(t["name"]) in gazetteer.names:
                    add("missed: in the gazetteer, never looked up", t["name"])
                else:
                    add("missed: not in the gazetteer", t["name"])
                continue
            p = places[g_used[gi]]
            placed["matched"] += 1
            if p.lat is None or haversine_km(t["lat"], t["lon"], p.lat, p.lon) <= NEAR_KM:
                continue
            cands = gazetteer.candidates(p.name)
            near = [e for e in cands if haversine_km(t["lat"], t["lon"], e.lat, e.lon) <= NEAR_KM]
            if t.get("country_level") and p.feature == "country":
                add("misplaced: country reference point differs" if any(e.country_code == p.country_code for e in near)
                    or not near else "misplaced: another country chosen", t["name"])
            elif near and p.feature in ("admin1", "region", "continent") and not any(e.feature == "city" for e in near):
                add("misplaced: another area chosen", t["name"])
            elif near:
                same = any(e.country_code == p.country_code for e in near)
                placed["with clue" if _clue_in_story(t, near, p.country_code, gold, gazetteer) else "without clue"] += 1
                add(f"misplaced: namesake in {'the same' if same else 'another'} country chosen", t["name"])
            elif p.feature in ("admin1", "region") and (t.get("fcode") or "").startswith(("ADM1", "RGN")):
                add("misplaced: area reference point differs", t["name"])
            else:
                add("misplaced: the right place is not in the gazetteer", t["name"])
    return kinds, examples, placed


def main(argv: list[str] | None = None) -> int:
    """Print the error table; return the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gold", type=Path, default=DEFAULT_GOLD)
    ap.add_argument("--top", type=int, default=10, help="kinds listed")
    args = ap.parse_args(argv)
    if not args.gold.is_file():
        print(f"gold file not found: {args.gold} -- nothing to measure (the dev sets live in ../shared/eval/)")
        return 0
    from dashboard.services.gazetteer_file import ensure_gazetteer

    rows = [json.loads(line) for line in args.gold.read_text(encoding="utf-8").splitlines() if line.strip()]
    kinds, examples, placed = classify(rows, ensure_gazetteer())
    total = sum(kinds.values())
    print(f"```\n$ python bench/geoparse_errors.py {' '.join(argv if argv is not None else sys.argv[1:])}\n```")
    print(f"{args.gold.name}: {total} errors (missed + spurious + misplaced beyond {NEAR_KM:.0f} km)\n")
    print("| # | kind | count | share | most frequent names |")
    print("|---|---|---|---|---|")
    for n, (kind, count) in enumerate(kinds.most_common(args.top), start=1):
        names = ", ".join(f"{name} ({c})" for name, c in examples[kind].most_common(4))
        print(f"| {n} | {kind} | {count} | {count / total:.0%} | {names} |")
    misplaced = sum(c for k, c in kinds.items() if k.startswith("misplaced"))
    matched = placed["matched"]
    if matched:
        print(f"\nMisplaced: {misplaced} of {matched} matched (acc@161 {1 - misplaced / matched:.3f}); namesakes "
              f"with a clue in the story {placed['with clue']}, without {placed['without clue']}. Ceiling for "
              f"text-only rules with this gazetteer (every namesake with a clue fixed): acc@161 "
              f"{1 - (misplaced - placed['with clue']) / matched:.3f}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
