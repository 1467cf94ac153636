"""A developer's view of one text's geoparse: every dictionary hit with the rule that kept or
dropped it, and for each kept name its candidates, their score parts and the rule that decided.

Used by ``python -m dashboard places FILE --explain``; plain text, no colours, so that it can be
pasted into an issue.
"""
from __future__ import annotations

from dashboard.core.geoparse.gazetteer import Gazetteer, GazetteerEntry
from dashboard.core.geoparse.home import StorySource, story_home
from dashboard.core.geoparse.mentions import explain_mentions
from dashboard.core.geoparse.toponyms import Resolution, explain_resolution

#: Candidates listed per name (the best ones).
SHOWN_CANDIDATES = 5


def describe_entry(e: GazetteerEntry) -> str:
    """One line for a gazetteer entry: name, kind, country/area, population and point."""
    where = "/".join(x for x in (e.country_code, e.admin1) if x) or "-"
    return f"{e.name} [{e.feature} {where}] pop {e.population:,} at {e.lat:.4f},{e.lon:.4f}"


def explain_text(text: str, gazetteer: Gazetteer, *, candidates: int = SHOWN_CANDIDATES,
                 source: StorySource | None = None, home_place: str = "") -> str:
    """Return the explanation of ``text``'s geoparse as readable lines.

    First the story's home (from ``source`` or ``home_place``, see :mod:`home`), then the names
    found and dropped (with the mention rule), then per kept name the chosen place, the deciding
    rule, the confidence and the best ``candidates`` candidates with the parts of their scores.
    """
    judged = explain_mentions(text, gazetteer)
    kept = [j.mention for j in judged if j.kept]
    home = story_home(source, gazetteer, home_place)
    where = "none" if home is None else "/".join(x for x in (home.country_code, home.admin1) if x)
    lines = [f"story's home (a prior): {where}" + ("" if home is None else f", from the {home.reason}"), ""]
    lines.append("names found in the text (kept or dropped, and why):")
    for j in judged:
        m = j.mention
        lines.append(f"  {'+' if j.kept else '-'} {m.name!r} {m.start}-{m.end}: {j.rule}")
    lines.append("")
    lines.append("resolution (per kept name: choice, deciding rule, confidence; candidates best first):")
    for r in explain_resolution(text, kept, gazetteer, home):
        lines.extend(_resolution_lines(r, candidates))
    return "\n".join(lines)


def _resolution_lines(r: Resolution, shown: int) -> list[str]:
    m = r.mention
    if r.chosen is None:
        return [f"* {m.name!r} {m.start}-{m.end}: not placed (no gazetteer candidate)"]
    out = [f"* {m.name!r} {m.start}-{m.end} -> {describe_entry(r.chosen)}",
           f"    decided by: {r.rule}; confidence {r.confidence:.2f}; {len(r.candidates)} candidate(s)"]
    for c in r.candidates[:shown]:
        mark = ">" if c.entry.entry_id == r.chosen.entry_id else " "
        parts = ", ".join(f"{name} {value:+.2f}" for name, value in c.parts)
        out.append(f"   {mark} {c.score:6.2f}  {describe_entry(c.entry)}")
        out.append(f"             {parts}")
    if len(r.candidates) > shown:
        out.append(f"     ... {len(r.candidates) - shown} more")
    return out
