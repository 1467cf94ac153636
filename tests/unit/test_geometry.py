"""Distances, bearings and range rings (dashboard.core.geometry)."""
from __future__ import annotations

import dataclasses
import math

import pytest

from dashboard.core.geometry import (
    Leg,
    band,
    disk,
    distance_km,
    distance_table,
    enclosed_poles,
    initial_bearing_deg,
    ring,
)

# Coordinates passed in (not read from data/sites.csv, which the lead owns).
GABALA = (40.87, 47.80)
TEHRAN = (35.6892, 51.3890)
BRDY = (49.63522, 13.74794)
REDZIKOWO = (54.47889, 17.10889)
ARMAVIR = (44.925, 40.983)  # approximate, for geometry only


def haversine_km(a: tuple[float, float], b: tuple[float, float], r: float = 6371.0) -> float:
    """Independent great-circle distance on a sphere of radius r (FACTS.md's DERIVED method)."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(h))


def spherical_bearing_deg(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    y = math.sin(lon2 - lon1) * math.cos(lat2)
    x = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(lon2 - lon1)
    return math.degrees(math.atan2(y, x)) % 360


def max_lon_step(points: list[tuple[float, float]]) -> float:
    return max(abs(q[1] - p[1]) for p, q in zip(points, points[1:]))


# --- distances and bearings ------------------------------------------------------------


@pytest.mark.parametrize(
    "a, b",
    [(GABALA, TEHRAN), (BRDY, TEHRAN), (REDZIKOWO, TEHRAN), (BRDY, REDZIKOWO), (BRDY, GABALA)],
)
def test_distance_agrees_with_independent_haversine(a, b):
    expected = haversine_km(a, b)
    assert distance_km(a, b) == pytest.approx(expected, rel=0.005)


def test_gabala_tehran_is_about_655_km():
    # FACTS.md: ~656 km by haversine (R = 6371 km); the WGS-84 geodesic is ~655 km.
    assert 645 < distance_km(GABALA, TEHRAN) < 665


def test_distance_is_symmetric_and_zero_on_itself():
    assert distance_km(GABALA, TEHRAN) == pytest.approx(distance_km(TEHRAN, GABALA))
    assert distance_km(GABALA, GABALA) == 0.0


@pytest.mark.parametrize(
    "b, expected",
    [((10.0, 0.0), 0.0), ((0.0, 10.0), 90.0), ((-10.0, 0.0), 180.0), ((0.0, -10.0), 270.0)],
)
def test_bearing_cardinal_directions_from_the_origin(b, expected):
    got = initial_bearing_deg((0.0, 0.0), b)
    assert min(abs(got - expected), 360 - abs(got - expected)) < 1e-6


def test_bearing_agrees_with_spherical_formula():
    for a, b in [(GABALA, TEHRAN), (BRDY, TEHRAN), (REDZIKOWO, GABALA)]:
        got, expected = initial_bearing_deg(a, b), spherical_bearing_deg(a, b)
        assert abs((got - expected + 180) % 360 - 180) < 0.5
    assert 0.0 <= initial_bearing_deg((0.0, 0.0), (0.0, -10.0)) < 360.0


@pytest.mark.parametrize("bad", [(91.0, 0.0), (0.0, 181.0), (float("nan"), 0.0)])
def test_bad_points_are_refused(bad):
    with pytest.raises(ValueError):
        distance_km(bad, TEHRAN)
    with pytest.raises(ValueError):
        initial_bearing_deg(TEHRAN, bad)


def test_distance_table_to_reference():
    points = {"czech-radar": BRDY, "gabala-radar": GABALA, "tehran": TEHRAN}
    legs = distance_table(points, reference="tehran")
    assert [(leg.from_id, leg.to_id) for leg in legs] == [
        ("czech-radar", "tehran"),
        ("gabala-radar", "tehran"),
    ]
    assert legs[1].km == pytest.approx(distance_km(GABALA, TEHRAN))
    assert legs[1].bearing_deg == pytest.approx(initial_bearing_deg(GABALA, TEHRAN))
    # Gabala is about 2,740 km closer to Tehran than the Czech site (FACTS.md, DERIVED).
    assert legs[0].km - legs[1].km == pytest.approx(2740, abs=30)


def test_distance_table_with_pairs_and_errors():
    points = {"czech-radar": BRDY, "poland-interceptors": REDZIKOWO}
    (leg,) = distance_table(points, pairs=[("czech-radar", "poland-interceptors")])
    assert leg == Leg("czech-radar", "poland-interceptors", leg.km, leg.bearing_deg)
    assert leg.km == pytest.approx(585, abs=5)  # FACTS.md: Brdy–Redzikowo ≈ 585 km
    with pytest.raises(dataclasses.FrozenInstanceError):
        leg.km = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        distance_table(points)
    with pytest.raises(ValueError):
        distance_table(points, pairs=[], reference="czech-radar")
    with pytest.raises(ValueError, match="nowhere"):
        distance_table(points, pairs=[("czech-radar", "nowhere")])
    with pytest.raises(ValueError, match="tehran"):
        distance_table(points, reference="tehran")


# --- rings ------------------------------------------------------------------------------


@pytest.mark.parametrize("center, radius", [(GABALA, 6000.0), (TEHRAN, 1300.0), (ARMAVIR, 4000.0)])
def test_ring_points_are_all_at_the_radius(center, radius):
    points = ring(center, radius, n=64)
    assert len(points) == 65
    for lat, lon in points:
        normalised = (lat, (lon + 180.0) % 360.0 - 180.0)
        assert distance_km(center, normalised) == pytest.approx(radius, rel=0.001)
        # and independently, on a sphere (ellipsoid vs sphere differ by well under 0.5%)
        assert haversine_km(center, normalised) == pytest.approx(radius, rel=0.005)


def test_ring_is_closed_and_drawn_without_jumps():
    points = ring(TEHRAN, 2000.0)
    assert points[0] == pytest.approx(points[-1])
    assert max_lon_step(points) < 10.0
    assert all(abs(lon - TEHRAN[1]) < 90 for _, lon in points)


def test_ring_across_the_antimeridian_is_unwrapped():
    center = (60.0, 170.0)
    points = ring(center, 2000.0)
    lons = [lon for _, lon in points]
    assert max(lons) > 180.0  # runs on past the antimeridian instead of jumping to -180
    assert max_lon_step(points) < 10.0
    assert min(lons) < center[1] < max(lons)
    assert enclosed_poles(center, 2000.0) == ()


def test_ring_across_the_antimeridian_from_the_west():
    points = ring((-20.0, -175.0), 1500.0)
    assert min(lon for _, lon in points) < -180.0
    assert max_lon_step(points) < 10.0


def test_gabala_6000_km_ring_encloses_the_north_pole():
    # Gabala is ~5,460 km from the North Pole, so a 6,000 km ring goes round it.
    assert enclosed_poles(GABALA, 6000.0) == ("north",)
    points = ring(GABALA, 6000.0)
    assert abs(points[-1][1] - points[0][1]) == pytest.approx(360.0)  # one full turn
    assert max_lon_step(points) < 90.0  # no segment across the world
    (outer,) = disk(GABALA, 6000.0)
    assert sum(1 for lat, _ in outer if lat == 90.0) == 2  # closed along the pole's latitude
    assert outer[0] == outer[-1]


def test_small_disk_is_just_the_ring():
    assert disk(TEHRAN, 500.0, n=16) == [ring(TEHRAN, 500.0, n=16)]


def test_disk_enclosing_both_poles_is_world_minus_hole():
    outer, hole = disk((0.0, 0.0), 18_000.0, n=32)
    assert len(outer) == 5 and {lat for lat, _ in outer} == {-90.0, 90.0}
    west, east = min(lon for _, lon in outer), max(lon for _, lon in outer)
    assert east - west == pytest.approx(360.0)
    assert all(west < lon < east for _, lon in hole)


def test_band_has_outer_ring_and_hole():
    outer, inner = band(TEHRAN, 1300.0, 2000.0, n=32)
    assert outer == ring(TEHRAN, 2000.0, n=32)
    assert inner == ring(TEHRAN, 1300.0, n=32)
    assert band(TEHRAN, 0.0, 2000.0, n=32) == disk(TEHRAN, 2000.0, n=32)


def test_band_where_both_edges_enclose_the_pole():
    # Armavir 5,500-6,000 km: both edges go round the North Pole, both are pole-closed.
    outer, inner = band(ARMAVIR, 5500.0, 6000.0, n=32)
    assert any(lat == 90.0 for lat, _ in outer) and any(lat == 90.0 for lat, _ in inner)


@pytest.mark.parametrize("lo, hi", [(2000.0, 1300.0), (1300.0, 1300.0), (-1.0, 100.0)])
def test_band_refuses_bad_bounds(lo, hi):
    with pytest.raises(ValueError):
        band(TEHRAN, lo, hi)


@pytest.mark.parametrize("radius, n", [(0.0, 64), (-5.0, 64), (25_000.0, 64), (100.0, 4)])
def test_ring_refuses_bad_arguments(radius, n):
    with pytest.raises(ValueError):
        ring(TEHRAN, radius, n=n)


def test_a_web_map_centre_is_the_mercator_midpoint_of_its_bounds() -> None:
    from dashboard.core.geometry import mercator_centre

    # a 560 px map centred at 31N at zoom 1 shows 54.8S to 78.4N: the midpoint of those latitudes is 11.8N
    lat, lon = mercator_centre(-54.810959, -100.0, 78.407787, 160.0)
    assert lat == pytest.approx(31.0, abs=0.01) and lon == 30.0
    assert mercator_centre(-10.0, 0.0, 10.0, 20.0) == pytest.approx((0.0, 10.0))
    assert mercator_centre(-90.0, -180.0, 90.0, 180.0)[0] == pytest.approx(0.0)  # clamped at the poles
