"""The range-rings layer (``layers=rings``): a ring or band per published range of a shown site
(``ranges.csv``), their legend, and the ranges with their sources in the export's notes."""
from __future__ import annotations

from collections.abc import Sequence

from dashboard.core.escape import for_html
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.layerkinds.base import OverlayDrawing, OverlayKind, OverlayScene
from dashboard.core.render.legend import LegendEntry
from dashboard.core.render.overlays import APPROXIMATE, range_paths
from dashboard.core.render.paths import PathSpec
from dashboard.core.render.sourcelinks import sources_html
from dashboard.core.topics.ranges import range_label
from dashboard.core.view.layers import layer_kind

LAYER_ID = "rings"
LEGEND_SECTION = "Ranges"
RING_SYMBOL = ('<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><circle cx="12" cy="12" r="9" '
               'fill="none" stroke="#333" stroke-width="2" stroke-dasharray="4 3"/></svg>')
NO_FIGURE_SYMBOL = ('<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true"><circle cx="12" cy="12" r="6" '
                    'fill="none" stroke="#333" stroke-width="2" stroke-dasharray="1.5 3"/></svg>')


def draw_rings(scene: OverlayScene) -> OverlayDrawing:
    """One group (named by the layer's label) of the shown sites' rings and bands, and legend
    entries for a drawn ring and for a range without a figure. Raises ValueError from the
    geometry for a radius it cannot draw."""
    rings = range_paths(scene.sites, scene.geo.ranges, lambda site: scene.roles[site.role].colour)
    group = GroupPlan(layer_kind(LAYER_ID).label, paths=tuple(rings))
    return OverlayDrawing((group,), _legend(rings))


def _legend(rings: Sequence[PathSpec]) -> tuple[LegendEntry, ...]:
    entries = []
    if any(p.kind == "line" for p in rings):
        entries.append(LegendEntry(LEGEND_SECTION, RING_SYMBOL,
                                   "Published range (a band where sources differ; approximate)", "ring"))
    if any(p.kind == "circle" for p in rings):
        entries.append(LegendEntry(LEGEND_SECTION, NO_FIGURE_SYMBOL, "No public figure: no ring is drawn", "no-figure"))
    return tuple(entries)


def range_notes(scene: OverlayScene) -> tuple[str, ...]:
    """"Published ranges": each range of a shown site, with its figure and sources (none when
    no shown site has a range)."""
    names = {site.id: site.name for site in scene.sites}
    items = [
        f"<li>{for_html(names[fact.site_id])} – {for_html(fact.what)}: {for_html(range_label(fact))} "
        f"({APPROXIMATE}): {sources_html(fact.sources)}</li>"
        for fact in scene.geo.ranges
        if fact.site_id in names
    ]
    return ("<h2>Published ranges</h2>", f"<ul>{''.join(items)}</ul>") if items else ()


RINGS = OverlayKind(LAYER_ID, "ring", draw=draw_rings, notes=range_notes)
