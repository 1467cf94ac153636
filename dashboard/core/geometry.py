"""Distances, bearings and range rings on the WGS-84 ellipsoid (pure; geopy.distance only).

Points are ``(lat, lon)`` tuples in degrees. Distances use ``geopy.distance.geodesic``
(Karney's algorithm on WGS-84). Bearings use the same algorithm through geographiclib's
``Geodesic``, which geopy.distance imports (geographiclib is a hard dependency of geopy 2).

How rings are drawn (the decision for Leaflet): longitudes are *unwrapped*, so consecutive
points never differ by more than 180 degrees and a ring that crosses the antimeridian runs on
past 180 (e.g. 185 instead of -175) instead of jumping across the world. Leaflet draws such
coordinates continuously in the neighbouring world copy. A ring that encloses a pole (a
6,000 km ring around Gabala encloses the North Pole) sweeps through 360 degrees of longitude;
its filled polygon is closed along that pole's latitude (see :func:`disk` and :func:`band`).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from geopy.distance import ELLIPSOIDS, Geodesic, geodesic

LatLon = tuple[float, float]
Polygon = list[list[LatLon]]  # outer ring first, then holes (folium.Polygon's ``locations``)

_A, _B, _F = ELLIPSOIDS["WGS-84"]
_WGS84 = Geodesic(_A * 1000.0, _F)  # geopy keeps the axes in km, geographiclib wants metres
_MAX_RADIUS_KM = 19_000.0  # beyond this a "circle" is nearly the antipode: refuse it
_NORTH_POLE: LatLon = (90.0, 0.0)
_SOUTH_POLE: LatLon = (-90.0, 0.0)


@dataclass(frozen=True)
class Leg:
    """The geodesic from one site to another: length in km, initial bearing in degrees."""

    from_id: str
    to_id: str
    km: float
    bearing_deg: float


def _check_point(p: LatLon) -> LatLon:
    lat, lon = float(p[0]), float(p[1])
    if not (-90.0 <= lat <= 90.0) or not (-180.0 <= lon <= 180.0):  # also refuses NaN
        raise ValueError(f"not a (lat, lon) point in degrees: {p!r}")
    return lat, lon


def distance_km(a: LatLon, b: LatLon) -> float:
    """Return the WGS-84 geodesic distance between two points, in km.

    Raises ValueError for a point outside [-90, 90] x [-180, 180].
    """
    return float(geodesic(_check_point(a), _check_point(b)).kilometers)


def initial_bearing_deg(a: LatLon, b: LatLon) -> float:
    """Return the initial bearing (forward azimuth) of the geodesic from a to b, in [0, 360).

    0 is north, 90 east. Computed on WGS-84 with geographiclib's ``Geodesic.Inverse``
    (the same solver geopy's ``geodesic`` uses). Raises ValueError for a bad point.
    """
    (lat1, lon1), (lat2, lon2) = _check_point(a), _check_point(b)
    azi1 = _WGS84.Inverse(lat1, lon1, lat2, lon2, Geodesic.AZIMUTH)["azi1"]
    return float(azi1) % 360.0


def distance_table(
    points: Mapping[str, LatLon],
    *,
    pairs: Iterable[tuple[str, str]] | None = None,
    reference: str | None = None,
) -> list[Leg]:
    """Return one :class:`Leg` per requested pair.

    Give exactly one of ``pairs`` (explicit ``(from_id, to_id)`` pairs, kept in order) or
    ``reference`` (every other point to that one, in the mapping's order). Raises ValueError
    when both or neither are given, or when an id is not in ``points``.
    """
    if (pairs is None) == (reference is None):
        raise ValueError("give exactly one of pairs= or reference=")
    if reference is not None:
        if reference not in points:
            raise ValueError(f"unknown reference point id: {reference!r}")
        wanted = [(pid, reference) for pid in points if pid != reference]
    else:
        wanted = list(pairs or ())
    legs = []
    for from_id, to_id in wanted:
        for pid in (from_id, to_id):
            if pid not in points:
                raise ValueError(f"unknown point id: {pid!r}")
        a, b = points[from_id], points[to_id]
        legs.append(Leg(from_id, to_id, distance_km(a, b), initial_bearing_deg(a, b)))
    return legs


def _unwrap(lons: Sequence[float]) -> list[float]:
    """Shift each longitude by multiples of 360 so consecutive values differ by <= 180."""
    out = [lons[0]]
    for lon in lons[1:]:
        prev = out[-1]
        lon += 360.0 * round((prev - lon) / 360.0)
        out.append(lon)
    return out


def _check_radius(radius_km: float) -> float:
    r = float(radius_km)
    if not (0.0 < r <= _MAX_RADIUS_KM):
        raise ValueError(f"radius must be in (0, {_MAX_RADIUS_KM:.0f}] km, got {radius_km!r}")
    return r


def ring(center: LatLon, radius_km: float, n: int = 128) -> list[LatLon]:
    """Return a closed geodesic circle: ``n + 1`` points at ``radius_km`` from ``center``.

    Points are at bearings 0, 360/n, ... 360 (the last repeats the first place). Longitudes
    are unwrapped (may leave [-180, 180]) and shifted by a whole number of turns so the ring
    is centred on the centre's longitude. For a ring that encloses a pole, the last point's
    longitude is the first one's plus or minus 360. Raises ValueError for a bad centre, a
    radius outside (0, 19000] km or ``n < 8``.
    """
    lat0, lon0 = _check_point(center)
    r = _check_radius(radius_km)
    if n < 8:
        raise ValueError(f"a ring needs at least 8 points, got n={n}")
    circle = geodesic(kilometers=r)
    pts = [circle.destination((lat0, lon0), 360.0 * i / n) for i in range(n)]
    lats = [p.latitude for p in pts] + [pts[0].latitude]
    lons = _unwrap([p.longitude for p in pts] + [pts[0].longitude])
    mid = (min(lons) + max(lons)) / 2.0
    shift = 360.0 * round((lon0 - mid) / 360.0)
    return [(lat, lon + shift) for lat, lon in zip(lats, lons)]


def enclosed_poles(center: LatLon, radius_km: float) -> tuple[str, ...]:
    """Return which poles lie inside the circle: ``()``, ``("north",)``, ``("south",)`` or both."""
    c = _check_point(center)
    r = _check_radius(radius_km)
    poles = []
    if distance_km(c, _NORTH_POLE) < r:
        poles.append("north")
    if distance_km(c, _SOUTH_POLE) < r:
        poles.append("south")
    return tuple(poles)


def _area_rings(
    center: LatLon, radius_km: float, n: int
) -> tuple[list[LatLon], list[LatLon] | None]:
    """The disk as (outer ring, hole or None), closed along a pole when it encloses one."""
    line = ring(center, radius_km, n)
    poles = enclosed_poles(center, radius_km)
    if not poles:
        return line, None
    first_lon, last_lon = line[0][1], line[-1][1]
    if len(poles) == 2:
        # The circle goes round the antipode: the disk is the whole world minus that cap,
        # a 360-degree-wide rectangle centred on the cap so the hole lies inside it.
        mid = (min(lon for _, lon in line) + max(lon for _, lon in line)) / 2.0
        west, east = mid - 180.0, mid + 180.0
        world = [(-90.0, west), (90.0, west), (90.0, east), (-90.0, east), (-90.0, west)]
        return world, line
    pole_lat = 90.0 if poles == ("north",) else -90.0
    closed = line + [(pole_lat, last_lon), (pole_lat, first_lon), line[0]]
    return closed, None


def disk(center: LatLon, radius_km: float, n: int = 128) -> Polygon:
    """Return the filled circle as polygon rings (outer first, then holes) for folium.Polygon.

    A disk that encloses one pole is closed along latitude +/-90 (Leaflet clamps it to the
    map's edge); one that encloses both becomes the world minus a hole. Raises like :func:`ring`.
    """
    outer, hole = _area_rings(center, radius_km, n)
    return [outer] if hole is None else [outer, hole]


def band(center: LatLon, min_km: float, max_km: float, n: int = 128) -> Polygon:
    """Return the annulus between ``min_km`` and ``max_km`` as polygon rings (outer, holes).

    Use it for a range given as a band of figures (e.g. 1,300-2,000 km). ``min_km == 0`` gives
    the plain :func:`disk`. Raises ValueError unless ``0 <= min_km < max_km`` (for a single
    figure draw :func:`ring`), or like :func:`ring`.
    """
    lo, hi = float(min_km), float(max_km)
    if not (0.0 <= lo < hi):
        raise ValueError(f"a band needs 0 <= min_km < max_km, got {min_km!r}, {max_km!r}")
    outer, outer_hole = _area_rings(center, hi, n)
    if lo == 0.0:
        return [outer] if outer_hole is None else [outer, outer_hole]
    inner, inner_hole = _area_rings(center, lo, n)
    if inner_hole is not None or outer_hole is not None:
        raise ValueError("bands wider than a hemisphere are not supported")
    return [outer, inner]


def geodesic_path(a: LatLon, b: LatLon, n: int = 64) -> list[LatLon]:
    """Points along the WGS-84 geodesic from a to b (``n`` segments), longitudes unwrapped so
    Leaflet draws the line whole across the antimeridian. Raises ValueError for a bad point."""
    (lat1, lon1), (lat2, lon2) = _check_point(a), _check_point(b)
    line = _WGS84.InverseLine(lat1, lon1, lat2, lon2)
    points = []
    for i in range(n + 1):
        position = line.Position(line.s13 * i / n)
        points.append((float(position["lat2"]), float(position["lon2"])))
    return [(lat, lon) for lat, lon in zip((p[0] for p in points), _unwrap([p[1] for p in points]))]


def mercator_centre(south: float, west: float, north: float, east: float) -> LatLon:
    """The centre of a web-map view given its bounds (degrees): the midpoint in Web Mercator,
    where a map's centre is, not the midpoint of the latitudes (which lies south of it)."""
    def y(lat: float) -> float:
        lat = max(-85.05112878, min(85.05112878, lat))
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    middle = (y(south) + y(north)) / 2
    return (math.degrees(2 * math.atan(math.exp(middle)) - math.pi / 2), (west + east) / 2)
