"""Labels on a still image (dashboard/core/render/labelplace.py): the browser's rules, in Python."""
from __future__ import annotations

from dashboard.core.render.labelplace import Box, LabelRequest, marker_box, place_labels


def request(key: str, x: float, y: float, *, priority: float = 1, site: bool = True, width: float = 60) -> LabelRequest:
    return LabelRequest(key, x, y, 24, width, 16, priority, site)


def test_a_label_goes_right_of_its_marker_when_there_is_room() -> None:
    placed = place_labels([request("a", 100, 100)], 400, 300, reserved=[], sites=[marker_box(100, 100, 24)], places=[])
    assert placed["a"] == Box(100 + 12 + 3, 92, 100 + 15 + 60, 108)


def test_the_higher_priority_keeps_its_place_and_the_other_moves_or_gives_way() -> None:
    markers = [marker_box(100, 100, 24), marker_box(140, 100, 24)]
    placed = place_labels([request("low", 100, 100, priority=1), request("high", 140, 100, priority=2)], 400, 300,
                          reserved=[], sites=markers, places=[])
    assert placed["high"].left == 155  # right of its marker
    assert placed["low"].right <= 88 or placed["low"].bottom <= 88 or placed["low"].top >= 112  # not over "high" or a marker
    crowded = [marker_box(100 + dx, 100 + dy, 24) for dx in (-40, 0, 40) for dy in (-30, 0, 30)]
    placed = place_labels([request("low", 100, 100, priority=1)], 400, 300, reserved=[], sites=crowded, places=[])
    assert placed == {}  # nowhere to go: left out, as the map leaves it out


def test_no_label_crosses_the_edge_or_a_reserved_box() -> None:
    placed = place_labels([request("edge", 390, 100)], 400, 300, reserved=[], sites=[], places=[])
    assert placed["edge"].right <= 398 and placed["edge"].left < 390  # moved to the left
    legend = Box(0, 0, 400, 95)
    placed = place_labels([request("under", 200, 100)], 400, 300, reserved=[legend], sites=[], places=[])
    assert not placed["under"].overlaps(legend)


def test_a_site_label_may_cover_a_place_marker_but_a_place_label_may_not() -> None:
    place = [marker_box(130, 100, 14)]
    assert place_labels([request("site", 100, 100)], 400, 300, reserved=[], sites=[], places=place)["site"].left == 115
    moved = place_labels([request("place", 100, 100, site=False)], 400, 300, reserved=[], sites=[], places=place)["place"]
    assert not moved.overlaps(place[0])
