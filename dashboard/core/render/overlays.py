"""The analysis overlays as shapes to draw: range rings and bands from a topic's published
ranges, and geodesic lines from sites to a reference point with their distances.

Every figure drawn comes from a topic's ``ranges.csv`` (published, approximate, sourced): a range
without a figure draws no ring, only a small dashed circle round its site saying "no public
figure". Texts are escaped here, once, for the map.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from dashboard.core import format as fmt
from dashboard.core.escape import for_html
from dashboard.core.geometry import band, geodesic_path, ring
from dashboard.core.render.paths import PathSpec
from dashboard.core.topics.distances import distance_rows
from dashboard.core.topics.model import RangeFact, ReferencePoint, Site
from dashboard.core.topics.ranges import NO_PUBLIC_FIGURE, range_label

APPROXIMATE = "approximate, public sources"
DASHES = ("10 6", "3 6", "14 5 3 5", "6 3")
RING_POINTS = 180
LINE_POINTS = 64
LINE_COLOUR = "#333333"


def _range_text(site: Site, fact: RangeFact) -> str:
    if not fact.has_figure:
        return f"{site.name} – {fact.what}: {NO_PUBLIC_FIGURE} (no ring drawn)"
    return f"{site.name} – {fact.what}: {range_label(fact)} ({APPROXIMATE})"


def range_paths(sites: Sequence[Site], ranges: Iterable[RangeFact], colour_of: Callable[[Site], str]) -> list[PathSpec]:
    """One shape per range of a given site.

    A single figure is a dashed geodesic ring; a band (min < max) is a lightly filled annulus
    (click-through) outlined by two dashed rings; a range without a figure is only a small dashed
    circle round its site whose tooltip says "no public figure". Paths carry the classes
    ``range-ring`` / ``range-band-fill`` / ``range-no-figure`` and ``range-site-<id>``.
    Raises ValueError from :mod:`dashboard.core.geometry` for a radius it cannot draw.
    """
    by_id = {site.id: site for site in sites}
    paths: list[PathSpec] = []
    unfigured: dict[str, int] = {}
    for number, fact in enumerate(f for f in ranges if f.site_id in by_id):
        site = by_id[fact.site_id]
        colour, dash, text = colour_of(site), DASHES[number % len(DASHES)], for_html(_range_text(site, fact))
        centre = (site.lat, site.lon)
        if fact.min_km is None or fact.max_km is None:
            nth = unfigured[site.id] = unfigured.get(site.id, -1) + 1
            style = {"radius": 20 + 6 * nth, "color": colour, "weight": 2, "dashArray": "2 4", "fill": False,
                     "className": f"range-no-figure range-site-{site.id}"}
            paths.append(PathSpec("circle", (centre,), style, text, site=site.id))
            continue
        line_style = {"color": colour, "weight": 2, "opacity": 0.9, "dashArray": dash,
                      "className": f"range-ring range-site-{site.id}"}
        if fact.is_band:
            fill = band(centre, fact.min_km, fact.max_km, n=RING_POINTS)
            paths.append(PathSpec("area", tuple(tuple(r) for r in fill), {
                "stroke": False, "fill": True, "fillColor": colour, "fillOpacity": 0.07,
                "className": f"range-band-fill range-site-{site.id}"}, site=site.id))
            edge = {**line_style, "className": line_style["className"] + " range-band-edge"}
            for radius in (fact.min_km, fact.max_km):
                paths.append(PathSpec("line", tuple(ring(centre, radius, n=RING_POINTS)), edge, text, site=site.id))
        else:
            paths.append(PathSpec("line", tuple(ring(centre, fact.max_km, n=RING_POINTS)), line_style, text, site=site.id))
    return paths


def line_paths(sites: Sequence[Site], from_roles: Sequence[str], reference: ReferencePoint) -> list[PathSpec]:
    """A geodesic line from each site of ``from_roles`` to ``reference``, labelled with its length,
    and a small marker for the reference point (none when no site qualifies).

    Lines carry the classes ``reference-line`` (and ``tehran-line`` for Tehran) and
    ``line-site-<id>``; labels ``distance-label``. Sites in the reference's own country get no line.
    Raises ValueError for a bad coordinate.
    """
    starts = [site for site in sites if site.role in from_roles]
    if not starts:
        return []
    legs = {row.from_id: row for row in distance_rows(starts, reference) if row.kind == "to-reference"}
    paths: list[PathSpec] = []
    for site in starts:
        row = legs.get(site.id)
        if row is None:
            continue
        path = tuple(geodesic_path((site.lat, site.lon), reference.point, n=LINE_POINTS))
        text = (f"{site.name} to {reference.name}: {fmt.km(row.km)} (great circle, WGS-84), "
                f"initial bearing {fmt.bearing(row.bearing_deg)}")
        paths.append(PathSpec("line", path, {
            "color": LINE_COLOUR, "weight": 2, "opacity": 0.85, "dashArray": "1 6",
            "className": f"reference-line {reference.id}-line line-site-{site.id}"}, for_html(text), site=site.id))
        paths.append(PathSpec("label", (path[len(path) // 2],),
                              {"className": f"distance-label distance-label-{site.id}"}, label=for_html(fmt.km(row.km))))
    paths.append(PathSpec("circle", (reference.point,), {
        "radius": 5, "color": "#000000", "weight": 2, "fill": True, "fillColor": "#ffffff", "fillOpacity": 1.0,
        "className": f"reference-point reference-{reference.id}"},
        for_html(f"{reference.name} (reference point; {reference.note})")))
    return paths
