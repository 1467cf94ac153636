"""The lines layer (``layers=lines``): for each topic with ``[layers.lines]``, geodesic lines from
its shown sites of ``from_roles`` to its reference point, their distances in the legend, and the
reference points with their sources in the export's notes."""
from __future__ import annotations

from collections.abc import Sequence

from dashboard.core import format as fmt
from dashboard.core.escape import for_html
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.layerkinds.base import OverlayDrawing, OverlayKind, OverlayScene
from dashboard.core.render.legend import LegendEntry
from dashboard.core.render.overlays import line_paths
from dashboard.core.render.sourcelinks import sources_html
from dashboard.core.topics.distances import distance_rows
from dashboard.core.topics.model import ReferencePoint, Site

LAYER_ID = "lines"
LINE_SYMBOL = ('<svg viewBox="0 0 24 12" width="22" height="12" aria-hidden="true"><path d="M1 6H23" stroke="#333" '
               'stroke-width="2" stroke-dasharray="1 4" stroke-linecap="round"/></svg>')


def draw_lines(scene: OverlayScene) -> OverlayDrawing:
    """One group per topic that has lines and a shown site to start them from (``Lines to
    <reference> (great-circle distance)``), and a legend section per group with each line's
    length. Raises ValueError for a bad coordinate."""
    groups: list[GroupPlan] = []
    legend: list[LegendEntry] = []
    for topic in scene.geo.topics:
        reference = topic.reference_point(topic.lines.to) if topic.lines else None
        if topic.lines is None or reference is None:
            continue
        starts = [s for s in scene.sites if s.topic == topic.id and s.role in topic.lines.from_roles]
        lines = line_paths(starts, topic.lines.from_roles, reference)
        if lines:
            groups.append(GroupPlan(f"Lines to {reference.name} (great-circle distance)", paths=tuple(lines)))
            legend += _legend(starts, reference)
    return OverlayDrawing(tuple(groups), tuple(legend))


def _legend(starts: Sequence[Site], reference: ReferencePoint) -> list[LegendEntry]:
    section = f"Distances to {reference.name} (great circle)"
    return [
        LegendEntry(section, LINE_SYMBOL, f"{row.from_name}: {fmt.km(row.km)}", "line")
        for row in distance_rows(starts, reference)
        if row.kind == "to-reference"
    ]


def reference_notes(scene: OverlayScene) -> tuple[str, ...]:
    """"Reference points": each topic's reference point that lines go to, with its point and
    sources (none when no topic has lines)."""
    points = {p.id: p for t in scene.geo.topics if t.lines for p in t.reference_points if p.id == t.lines.to}
    if not points:
        return ()
    return ("<h2>Reference points</h2>", "<ul>" + "".join(
        f"<li>{for_html(p.name)} ({p.lat}, {p.lon}): {sources_html(p.sources)}</li>" for p in points.values()
    ) + "</ul>")


LINES = OverlayKind(LAYER_ID, "line", draw=draw_lines, notes=reference_notes)
