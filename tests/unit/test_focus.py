"""Where the map looks first (dashboard.core.render.focus): the story's sites and its most specific
places, not a country's reference point or a place far from everything else; the rest goes to the
overview map."""
from __future__ import annotations

import datetime as dt

from dashboard.core.render.compose import compose_map
from dashboard.core.render.focus import LINK_KM, SITE_WEIGHT, Focus, FocusPoint, bounds_of, choose_focus
from dashboard.core.view.state import ViewState
from tests.unit.test_mapview import voa  # noqa: F401 (fixture)
from tests.unit.test_mapview import topics  # noqa: F401 (fixture)

BRDY, REDZIKOWO, GABALA = (49.6, 13.7), (54.5, 17.1), (40.9, 47.8)
KENNEBUNKPORT, US, JAPAN = (43.3, -70.5), (39.8, -98.5), (35.7, 139.8)


def site(at: tuple[float, float]) -> FocusPoint:
    return FocusPoint(at[0], at[1], SITE_WEIGHT, True)


def country(at: tuple[float, float], times: int = 1) -> FocusPoint:
    return FocusPoint(at[0], at[1], times, False)


def test_no_point_no_frame() -> None:
    assert choose_focus([]) == Focus(None, None)


def test_a_far_site_and_countries_named_in_a_list_do_not_pull_the_frame_out() -> None:
    points = [site(BRDY), site(REDZIKOWO), site(GABALA), site(KENNEBUNKPORT), country(US, 9), country(JAPAN)]
    focus = choose_focus(points)
    assert focus.frame == bounds_of([BRDY, REDZIKOWO, GABALA])
    assert focus.overview == bounds_of([p[:2] for p in (BRDY, REDZIKOWO, GABALA, KENNEBUNKPORT, US, JAPAN)])


def test_the_heavier_group_wins() -> None:
    # two US sites and a town named five times outweigh one European site
    town = FocusPoint(44.0, -69.0, 5, True)
    focus = choose_focus([site(BRDY), site(KENNEBUNKPORT), site((42.4, -71.1)), town])
    assert focus.frame == bounds_of([KENNEBUNKPORT, (42.4, -71.1), (44.0, -69.0)])


def test_a_story_of_countries_only_is_framed_on_them() -> None:
    focus = choose_focus([country((46.0, 25.0), 3), country((52.0, 20.0))])
    assert focus.frame == bounds_of([(46.0, 25.0), (52.0, 20.0)])  # 790 km apart: one group
    assert focus.overview is None


def test_points_just_outside_the_frame_need_no_overview() -> None:
    # the frame spans 3.4 degrees of longitude: one degree of margin (more than 15 % of it)
    assert choose_focus([site(BRDY), site(REDZIKOWO), country((50.0, 18.0))]).overview is None
    assert choose_focus([site(BRDY), site(REDZIKOWO), country((50.0, 18.2))]).overview is not None


def test_sites_link_into_one_group_below_the_link_distance() -> None:
    # Redzikowo-Gabala is 2,716 km: one group; with a shorter link Gabala would stand alone
    assert choose_focus([site(BRDY), site(REDZIKOWO), site(GABALA)]).frame == bounds_of([BRDY, REDZIKOWO, GABALA])
    assert LINK_KM < 5805  # Heiligendamm-Kennebunkport: never one group


def test_the_voa_story_frames_europe_and_gabala_and_shows_the_rest_in_the_overview(voa) -> None:  # noqa: F811
    plan = compose_map(voa, ViewState(layers=()), dt.date(2007, 6, 7))
    (south, west), (north, east) = plan.frame
    sites = {s.id: s for s in voa.sites}
    for key in ("czech-radar", "poland-interceptors", "heiligendamm", "gabala-radar"):
        assert south <= sites[key].lat <= north and west <= sites[key].lon <= east, key
    assert not west <= sites["kennebunkport"].lon <= east
    assert plan.overview is not None and plan.overview[0][1] <= sites["kennebunkport"].lon
