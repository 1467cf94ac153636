"""Analysis layers for the map: range rings and bands, radar-to-Tehran lines, distance tables
and the sites' status on a date.

Every figure drawn comes from ``data/ranges.csv`` (published, approximate, sourced): a range
without a figure draws no ring, only a small "no public figure" mark at its site. Distances
and bearings are geodesics on WGS-84 (:mod:`dashboard.core.geometry`). Every string that
reaches Folium goes through :func:`dashboard.core.escape.for_html`.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import folium
from geopy.distance import geodesic

from dashboard.core.escape import for_html
from dashboard.core.geometry import LatLon, band, distance_table, ring
from dashboard.core.render.mapview import NOT_YET, ROLE_STYLES
from dashboard.core.topics.ranges import RangeFact
from dashboard.core.topics.sites import Site
from dashboard.core.topics.timeline import Event, status_on

__all__ = [
    "DistanceRow",
    "LINES_LAYER_NAME",
    "NO_PUBLIC_FIGURE",
    "NOT_YET",
    "RANGES_LAYER_NAME",
    "ReferencePoint",
    "TEHRAN",
    "distance_rows",
    "range_label",
    "range_layers",
    "status_map",
    "tehran_lines",
]

RANGES_LAYER_NAME = "Ranges (approximate, public sources)"
LINES_LAYER_NAME = "Radars to Tehran (great-circle distance)"
APPROXIMATE = "approximate, public sources"
NO_PUBLIC_FIGURE = "no public figure"
_DASHES = ("10 6", "3 6", "14 5 3 5", "6 3")
_RING_POINTS = 180
_LINE_POINTS = 64


@dataclass(frozen=True)
class ReferencePoint:
    """A named point that distances are measured to, with the source of its coordinates."""

    id: str
    name: str
    country: str
    lat: float
    lon: float
    source_url: str
    note: str

    @property
    def point(self) -> LatLon:
        """``(lat, lon)`` in degrees."""
        return (self.lat, self.lon)


TEHRAN = ReferencePoint(
    id="tehran",
    name="Tehran",
    country="Iran",
    lat=35.69439,
    lon=51.42151,
    source_url="https://www.geonames.org/112931",
    note="GeoNames 112931, Tehran, capital of Iran (CC BY 4.0).",
)


@dataclass(frozen=True)
class DistanceRow:
    """One leg of the distance table: geodesic length in km and initial bearing in degrees.

    ``kind`` is ``"to-reference"`` (a site to the reference point) or ``"between-sites"``.
    """

    kind: str
    from_id: str
    from_name: str
    to_id: str
    to_name: str
    km: float
    bearing_deg: float


def range_label(fact: RangeFact) -> str:
    """Return the figure as text: ``6,000 km``, ``1,300–2,000 km`` or ``no public figure``."""
    if fact.min_km is None or fact.max_km is None:
        return NO_PUBLIC_FIGURE
    if fact.is_band:
        return f"{fact.min_km:,.0f}–{fact.max_km:,.0f} km"
    return f"{fact.max_km:,.0f} km"


def _range_text(site: Site, fact: RangeFact) -> str:
    if not fact.has_figure:
        return f"{site.name} – {fact.what}: {NO_PUBLIC_FIGURE} (no ring drawn)"
    return f"{site.name} – {fact.what}: {range_label(fact)} ({APPROXIMATE})"


def _ring_line(points: list[LatLon], colour: str, dash: str, classes: str, text: str) -> folium.PolyLine:
    return folium.PolyLine(
        points,
        color=colour,
        weight=2,
        opacity=0.9,
        dash_array=dash,
        class_name=classes,
        tooltip=folium.Tooltip(for_html(text), sticky=True),
    )


def range_layers(sites: Sequence[Site], ranges: Iterable[RangeFact]) -> folium.FeatureGroup:
    """Return the group named ``RANGES_LAYER_NAME`` with one shape per range of a given site.

    A single figure is a dashed geodesic ring; a band of figures (min < max) is a lightly
    filled annulus (non-interactive) outlined by two dashed rings; a range without a figure
    draws only a small dashed circle round its site whose tooltip says "no public figure".
    Paths carry the classes ``range-ring`` / ``range-band-fill`` / ``range-no-figure`` and
    ``range-site-<id>``. Ranges of sites not in ``sites`` are left out.
    Raises ValueError from :mod:`dashboard.core.geometry` for a radius it cannot draw.
    """
    by_id = {site.id: site for site in sites}
    group = folium.FeatureGroup(name=RANGES_LAYER_NAME, show=True)
    unfigured: dict[str, int] = {}
    for number, fact in enumerate(f for f in ranges if f.site_id in by_id):
        site = by_id[fact.site_id]
        colour = ROLE_STYLES[site.role].colour
        dash = _DASHES[number % len(_DASHES)]
        text = _range_text(site, fact)
        centre = (site.lat, site.lon)
        if fact.min_km is None or fact.max_km is None:
            nth = unfigured[site.id] = unfigured.get(site.id, -1) + 1
            folium.CircleMarker(
                centre,
                radius=20 + 6 * nth,  # one circle per range without a figure, nested
                color=colour,
                weight=2,
                dash_array="2 4",
                fill=False,
                class_name=f"range-no-figure range-site-{site.id}",
                tooltip=folium.Tooltip(for_html(text), sticky=True),
            ).add_to(group)
            continue
        classes = f"range-ring range-site-{site.id}"
        if fact.is_band:
            fill = folium.Polygon(
                band(centre, fact.min_km, fact.max_km, n=_RING_POINTS),
                stroke=False,
                fill=True,
                fill_color=colour,
                fill_opacity=0.07,
                class_name=f"range-band-fill range-site-{site.id}",
            )
            fill.options["interactive"] = False  # hovers and clicks fall through to the map
            fill.add_to(group)
            for radius in (fact.min_km, fact.max_km):
                points = ring(centre, radius, n=_RING_POINTS)
                _ring_line(points, colour, dash, classes + " range-band-edge", text).add_to(group)
        else:
            points = ring(centre, fact.max_km, n=_RING_POINTS)
            _ring_line(points, colour, dash, classes, text).add_to(group)
    return group


def distance_rows(sites: Sequence[Site], reference: ReferencePoint = TEHRAN) -> list[DistanceRow]:
    """Return the distance table: each site to ``reference``, then every pair of sites.

    Site-to-reference rows come first, in the sites' order; sites in the reference's own
    country (Iran's country point, for Tehran) are left out of them. Pair rows follow for
    each unordered pair in the sites' order (``from`` is the earlier site). Raises ValueError
    for a site with coordinates out of range or a duplicated site id.
    """
    ids = [site.id for site in sites]
    if len(set(ids)) != len(ids) or reference.id in ids:
        raise ValueError("site ids must be unique and differ from the reference's id")
    names = {site.id: site.name for site in sites} | {reference.id: reference.name}
    points = {site.id: (site.lat, site.lon) for site in sites}
    measured = [s.id for s in sites if s.country != reference.country]
    to_reference = distance_table(
        {**{pid: points[pid] for pid in measured}, reference.id: reference.point}, reference=reference.id
    )
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    between = distance_table(points, pairs=pairs) if pairs else []
    rows = [
        DistanceRow(kind, leg.from_id, names[leg.from_id], leg.to_id, names[leg.to_id], leg.km, leg.bearing_deg)
        for kind, legs in (("to-reference", to_reference), ("between-sites", between))
        for leg in legs
    ]
    return rows


def _geodesic_path(a: LatLon, b: LatLon, km: float, bearing: float, n: int = _LINE_POINTS) -> list[LatLon]:
    """Points along the geodesic from a to b, longitudes unwrapped so Leaflet draws it whole."""
    points = [a]
    for i in range(1, n):
        p = geodesic(kilometers=km * i / n).destination(a, bearing)
        points.append((p.latitude, p.longitude))
    points.append(b)
    out = [points[0]]
    for lat, lon in points[1:]:
        lon += 360.0 * round((out[-1][1] - lon) / 360.0)
        out.append((lat, lon))
    return out


def tehran_lines(sites: Sequence[Site], reference: ReferencePoint = TEHRAN) -> folium.FeatureGroup:
    """Return the group named ``LINES_LAYER_NAME``: a geodesic line from each radar site to
    ``reference`` with its distance as a label, and a small marker for the reference point.

    Only sites whose role is ``radar`` get a line. Lines carry the classes ``tehran-line`` and
    ``line-site-<id>``; labels ``distance-label``. Raises ValueError for a bad coordinate.
    """
    group = folium.FeatureGroup(name=LINES_LAYER_NAME, show=True)
    radars = [site for site in sites if site.role == "radar"]
    if not radars:
        return group
    legs = {row.from_id: row for row in distance_rows(radars, reference) if row.kind == "to-reference"}
    for site in radars:
        row = legs.get(site.id)
        if row is None:  # a radar in the reference's own country: no line
            continue
        start = (site.lat, site.lon)
        path = _geodesic_path(start, reference.point, row.km, row.bearing_deg)
        text = (
            f"{site.name} to {reference.name}: {row.km:,.0f} km (great circle, WGS-84), "
            f"initial bearing {row.bearing_deg:.0f}°"
        )
        folium.PolyLine(
            path,
            color="#333333",
            weight=2,
            opacity=0.85,
            dash_array="1 6",
            class_name=f"tehran-line line-site-{site.id}",
            tooltip=folium.Tooltip(for_html(text), sticky=True),
        ).add_to(group)
        middle = path[len(path) // 2]
        label = f"{row.km:,.0f} km"
        folium.Marker(
            middle,
            icon=folium.DivIcon(
                html=f'<span class="distance-label-text">{for_html(label)}</span>',
                icon_size=(70, 18),
                icon_anchor=(35, 9),
                class_name=f"distance-label distance-label-{site.id}",
            ),
            interactive=False,
            keyboard=False,
        ).add_to(group)
    folium.CircleMarker(
        reference.point,
        radius=5,
        color="#000000",
        weight=2,
        fill=True,
        fill_color="#ffffff",
        fill_opacity=1.0,
        class_name=f"reference-point reference-{reference.id}",
        tooltip=folium.Tooltip(for_html(f"{reference.name} (reference point; {reference.note})"), sticky=True),
    ).add_to(group)
    return group


def status_map(events: Iterable[Event], site_ids: Iterable[str], day: dt.date) -> dict[str, str | None]:
    """Return each site's standing status on ``day`` (see :func:`timeline.status_on`).

    The value is the status (``offered``, ``cancelled`` ...), ``NOT_YET`` for a site whose
    record starts after ``day``, or None for a site with no events at all (its marker keeps
    its usual look).
    """
    events = tuple(events)
    has_record = {event.site_id for event in events}
    statuses: dict[str, str | None] = {}
    for site_id in site_ids:
        event = status_on(events, site_id, day)
        if event is not None:
            statuses[site_id] = event.status
        else:
            statuses[site_id] = NOT_YET if site_id in has_record else None
    return statuses
