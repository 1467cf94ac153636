"""Where the map looks first: the story's focus, and an overview of what lies outside it.

A story's sites and its most specific places are what it is about; a country's point is only a
reference point (Russia's lies in Siberia), and a place far from everything else (the US summit in
a story about European radars) would pull the frame out to the whole world. So:

1. The candidates are the sites and the places named below country level (towns, districts,
   states); a story that names only countries or continents uses those.
2. Candidates closer than ``LINK_KM`` to each other form one group (single linkage).
3. The focus is the group with the most weight: a site weighs ``SITE_WEIGHT``, a place the number
   of times the story names it.
4. The frame is the focus group's bounding box; every point (candidate or not) that lies outside
   it, beyond a small margin, is shown in the overview (inset) map, whose extent holds them all.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.geometry import distance_km

Bounds = tuple[tuple[float, float], tuple[float, float]]
#: Two candidates this close (great circle) belong to the same group: Redzikowo and Gabala
#: (2,716 km) do, Heiligendamm and Kennebunkport (5,805 km) do not.
LINK_KM = 3000.0
SITE_WEIGHT = 3.0
#: Place features that say where a story happens (a country's point does not).
SPECIFIC_FEATURES = frozenset({"city", "admin2", "admin1", "site", "unknown"})
#: A point this far outside the frame (degrees, or this share of the frame's size) still counts
#: as inside it: the fitted map shows a margin around the frame anyway.
MARGIN_DEG, MARGIN_SHARE = 1.0, 0.15
#: The closest the map frames: one point (or a cluster within a few km) shows its region, not a street.
MAX_FRAME_ZOOM = 7


@dataclass(frozen=True)
class FocusPoint:
    """A drawn point as the focus sees it: ``weight`` (see the module's rules) and whether it is
    ``specific`` (a site, or a place below country level)."""

    lat: float
    lon: float
    weight: float
    specific: bool


@dataclass(frozen=True)
class Focus:
    """The frame of the main map and, when some point lies outside it, the overview's extent."""

    frame: Bounds | None
    overview: Bounds | None


def bounds_of(points: Sequence[tuple[float, float]]) -> Bounds | None:
    """The bounding box ``((south, west), (north, east))`` of ``points``; None for no point."""
    if not points:
        return None
    lats, lons = [p[0] for p in points], [p[1] for p in points]
    return ((min(lats), min(lons)), (max(lats), max(lons)))


def _groups(points: Sequence[FocusPoint]) -> list[list[FocusPoint]]:
    """Single-linkage groups of ``points`` at ``LINK_KM``, in the order their first point comes."""
    parent = list(range(len(points)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, a in enumerate(points):
        for j in range(i):
            b = points[j]
            if root(i) != root(j) and distance_km((a.lat, a.lon), (b.lat, b.lon)) < LINK_KM:
                parent[root(i)] = root(j)
    groups: dict[int, list[FocusPoint]] = {}
    for i, point in enumerate(points):
        groups.setdefault(root(i), []).append(point)
    return list(groups.values())


def _inside(bounds: Bounds, lat: float, lon: float) -> bool:
    (south, west), (north, east) = bounds
    lat_margin = max(MARGIN_DEG, (north - south) * MARGIN_SHARE)
    lon_margin = max(MARGIN_DEG, (east - west) * MARGIN_SHARE)
    return south - lat_margin <= lat <= north + lat_margin and west - lon_margin <= lon <= east + lon_margin


def choose_focus(points: Sequence[FocusPoint]) -> Focus:
    """The frame on the story's focus and the overview of every point (None when the frame
    holds them all); both None for no point."""
    if not points:
        return Focus(None, None)
    candidates = [p for p in points if p.specific] or list(points)
    focus = max(_groups(candidates), key=lambda group: (sum(p.weight for p in group), len(group)))
    frame = bounds_of([(p.lat, p.lon) for p in focus])
    assert frame is not None  # a group has at least one point
    outside = [p for p in points if not _inside(frame, p.lat, p.lon)]
    overview = bounds_of([(p.lat, p.lon) for p in points]) if outside else None
    return Focus(frame, overview)
