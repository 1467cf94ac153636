"""The one definition of a fitted map's window (core/render/frame.py): Leaflet's fitBounds
arithmetic (zoom snapping, padding, the rounded pixel origin) and map.js's fallback for a map too
small for its padding. The browser test in test_publish_browser.py checks it against Leaflet."""
from __future__ import annotations

import math

import pytest

from dashboard.core.render.frame import (
    FALLBACK_MARGIN_PX,
    PUBLISHED_PADDING,
    PUBLISHED_PADDING_WITH_INSET,
    MapWindow,
    Padding,
    bounds_zoom,
    fit_bounds,
    fit_frame,
    inset_window,
    published_padding,
    selection_window,
    window_at,
)
from dashboard.core.render.legend import InsetMap

WORLD = ((-85.0511287798, -180.0), (85.0511287798, 180.0))
EUROPE = ((35.0, -10.0), (60.0, 40.0))


def test_the_whole_world_fits_a_tile_at_zoom_0() -> None:
    window = fit_bounds(WORLD, 256, 256, Padding.even(0))
    assert window.zoom == 0 and (window.left, window.top) == (0, 0)
    assert math.isclose(window.x0, -math.pi) and math.isclose(window.x1, math.pi)
    assert math.isclose(window.y1, math.pi, rel_tol=1e-9) and math.isclose(window.y0, -math.pi, rel_tol=1e-9)


def test_the_zoom_is_a_whole_level_below_the_exact_fit() -> None:
    window = fit_bounds(WORLD, 600, 600, Padding.even(0))  # exactly log2(600 / 256) = 1.23
    assert window.zoom == 1
    assert (window.left, window.top) == (256 - 300, 256 - 300)  # the world is 512 px wide, centred


@pytest.mark.parametrize(("exact", "expected"), [(2.995, 3), (2.98, 2), (3.0, 3), (3.5, 3)])
def test_within_one_percent_of_a_level_snaps_up_as_leaflet_does(exact: float, expected: int) -> None:
    width = 1000
    span = width / 2 ** exact / 256 * 360  # degrees of longitude that fit ``width`` at zoom ``exact``
    bounds = ((0.0, 0.0), (0.001, span))
    assert bounds_zoom(bounds, width, 10_000, 0, 0) == expected


def test_the_frame_sits_inside_its_padding_and_would_not_at_the_next_level() -> None:
    padding = PUBLISHED_PADDING
    window = fit_frame(EUROPE, 1200, 675, padding, max_zoom=7)
    (south, west), (north, east) = EUROPE
    left, top = window.to_pixel(north, west)
    right, bottom = window.to_pixel(south, east)
    assert left >= padding.left - 1 and top >= padding.top - 1
    assert right <= 1200 - padding.right + 1 and bottom <= 675 - padding.bottom + 1
    # centred in the room the padding leaves (within Leaflet's rounding of the pixel origin)
    assert abs((left + right) / 2 - (padding.left + 1200 - padding.right) / 2) <= 0.5
    assert abs((top + bottom) / 2 - (padding.top + 675 - padding.bottom) / 2) <= 0.5
    closer = window_at(window.lat, window.lon, window.zoom + 1, 1200, 675)
    left, top = closer.to_pixel(north, west)
    right, bottom = closer.to_pixel(south, east)
    assert right - left > 1200 - padding.left - padding.right or bottom - top > 675 - padding.top - padding.bottom


def test_the_pixel_origin_is_rounded_and_the_bounds_are_the_corners() -> None:
    window = fit_frame(EUROPE, 1200, 675, PUBLISHED_PADDING, max_zoom=7)
    assert window.left == int(window.left) and window.top == int(window.top)
    (south, west), (north, east) = window.bounds
    assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(window.to_pixel(north, west), (0, 0)))
    assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(window.to_pixel(south, east), (1200, 675)))
    assert window.to_json()["size"] == [1200, 675] and window.to_json()["zoom"] == window.zoom


def test_one_point_is_shown_at_the_closest_zoom_allowed() -> None:
    gabala = ((40.87, 47.8), (40.87, 47.8))
    window = fit_frame(gabala, 1200, 675, PUBLISHED_PADDING, max_zoom=7)
    assert window.zoom == 7
    x, y = window.to_pixel(40.87, 47.8)
    assert abs(x - (300 + 1200 - 40) / 2) <= 0.5 and abs(y - (120 + 675 - 56) / 2) <= 0.5
    with pytest.raises(ValueError, match="single point"):
        fit_bounds(gabala, 1200, 675, PUBLISHED_PADDING)


def test_a_map_too_small_for_its_padding_keeps_24_px_all_round() -> None:
    phone = fit_frame(EUROPE, 390, 500, PUBLISHED_PADDING, max_zoom=7)  # 340 px of padding > half of 390
    assert phone == fit_bounds(EUROPE, 390, 500, Padding.even(FALLBACK_MARGIN_PX), max_zoom=7)
    assert phone != fit_bounds(EUROPE, 390, 500, PUBLISHED_PADDING, max_zoom=7)
    wide = fit_frame(EUROPE, 1200, 675, PUBLISHED_PADDING, max_zoom=7)
    assert wide == fit_bounds(EUROPE, 1200, 675, PUBLISHED_PADDING, max_zoom=7)


def test_the_published_padding_keeps_the_overview_corner_clear() -> None:
    assert published_padding(False) == PUBLISHED_PADDING
    assert published_padding(True).right >= InsetMap.WIDTH_PX + 10 and published_padding(True) == PUBLISHED_PADDING_WITH_INSET
    assert Padding(1, 2, 3, 4).to_js() == {"topLeft": [4, 1], "bottomRight": [2, 3]}


def test_the_overview_holds_its_extent_and_the_main_window() -> None:
    main = fit_frame(EUROPE, 1200, 675, PUBLISHED_PADDING_WITH_INSET, max_zoom=7)
    overview = ((-15.8, -70.0), (43.4, 139.7))  # Brasília to Tokyo
    inset = inset_window(overview, main)
    assert isinstance(inset, MapWindow) and (inset.width, inset.height) == (InsetMap.WIDTH_PX, InsetMap.HEIGHT_PX)
    assert inset.zoom * 4 == int(inset.zoom * 4)  # quarter levels
    (south, west), (north, east) = main.bounds
    for lat, lon in ((north, west), (south, east), overview[0], overview[1]):
        x, y = inset.to_pixel(lat, lon)
        assert -1 <= x <= InsetMap.WIDTH_PX + 1 and -1 <= y <= InsetMap.HEIGHT_PX + 1, (lat, lon, x, y)


def test_a_selected_marker_is_shown_with_its_nearest_site_when_both_fit() -> None:
    brdy, redzikowo = (49.63522, 13.74794), (54.48, 17.1)
    both = selection_window(brdy, redzikowo, 1200, 675, select_zoom=5, start_zoom=3, max_zoom=7)
    assert both.zoom >= 5 and (both.lat, both.lon) == ((brdy[0] + redzikowo[0]) / 2, (brdy[1] + redzikowo[1]) / 2)
    for point in (brdy, redzikowo):
        x, y = both.to_pixel(*point)
        assert 48 <= x <= 1200 - 48 and 48 <= y <= 675 - 48
    alone = selection_window(brdy, (43.36, -70.48), 1200, 675, select_zoom=5, start_zoom=3, max_zoom=7)  # Kennebunkport
    assert alone.zoom == 5 and (alone.lat, alone.lon) == brdy
    assert selection_window(brdy, None, 1200, 675, select_zoom=5, start_zoom=6, max_zoom=7).zoom == 6  # never out
