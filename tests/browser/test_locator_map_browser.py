"""The locator map an editor would publish (issue 22, items 1 to 4), at 1,400 × 1,000 and on a
390 × 844 phone, offline: framed on the story's focus with an overview map, visible labels that
never collide or leave the map, overlapping markers drawn as one group with a count (each marker
within 24 px of its point), and a selection that zooms, with a link that is exactly the view.
The same frame, overview and labels in the HTML export."""
from __future__ import annotations

import pytest
from helpers import (
    MAP_FRAME,
    VOA,
    leaflet_map,
    map_frame,
    map_state,
    open_dashboard,
    query,
    wait_for_markers,
    wait_for_url_param,
    wait_idle,
    wait_until,
)
from playwright.sync_api import Frame, Page, expect

from dashboard.core.geography import build_geography
from dashboard.core.geoparse.article import load_article
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.core.render.export import render_export
from dashboard.core.view.state import ViewState
from dashboard.services.articles import bundled_articles_dir, catalogue
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.static_assets import inline_assets

pytestmark = pytest.mark.browser

SCREENS = ("page", "phone")
FOCUS_SITES = ("czech-radar", "poland-interceptors", "heiligendamm", "gabala-radar")

#: Each drawn site marker (key) and whether it lies inside the map's view; and the visible labels:
#: their boxes in the map's container (px), the key of their marker, and the container's size.
_VIEW_JS = """(map) => {
    const outer = map.getContainer().getBoundingClientRect(), bounds = map.getBounds(), sites = {};
    map.eachLayer((layer) => {
        const element = layer.getElement && layer.getElement();
        if (element && layer._dashboard && /\\bsite-marker\\b/.test(element.className)) {
            sites[layer._dashboard.key] = bounds.contains(layer.getLatLng());
        }
    });
    const labels = Array.from(map.getContainer().querySelectorAll('.marker-label')).filter((l) => !l.hidden).map((l) => {
        const box = l.getBoundingClientRect();
        return {key: l.parentElement.dataset.key, text: l.textContent, left: box.left - outer.left, top: box.top - outer.top,
                right: box.right - outer.left, bottom: box.bottom - outer.top};
    });
    return {sites, labels, width: outer.width, height: outer.height, zoom: map.getZoom()};
}"""

#: Every cluster: its classes, its count, and how far (px) each of its markers' true points is from it.
_CLUSTERS_JS = """(map) => {
    const out = [];
    if (!map._dashboardClusters) { return out; }
    map._dashboardClusters.eachLayer((cluster) => {
        const at = map.latLngToContainerPoint(cluster.getLatLng());
        out.push({classes: cluster.getElement().className, count: cluster.getElement().textContent,
                  keys: cluster._dashboardCluster.map((m) => m._dashboard.key),
                  distances: cluster._dashboardCluster.map((m) => at.distanceTo(map.latLngToContainerPoint(m.getLatLng())))});
    });
    return out;
}"""


def _view(frame: Frame) -> dict:
    return frame.evaluate(f"() => ({_VIEW_JS})({leaflet_map(frame)})")


def _clusters(frame: Frame) -> list[dict]:
    return frame.evaluate(f"() => ({_CLUSTERS_JS})({leaflet_map(frame)})")


def _screen(request: pytest.FixtureRequest, name: str) -> Page:
    return request.getfixturevalue(name)


def _assert_labels_tidy(view: dict) -> None:
    """No two visible labels overlap, and none is cut by the map's edge."""
    labels = view["labels"]
    for i, one in enumerate(labels):
        assert one["left"] >= 0 and one["top"] >= 0 and one["right"] <= view["width"] and one["bottom"] <= view["height"], one
        for other in labels[:i]:
            apart = (one["right"] <= other["left"] or other["right"] <= one["left"]
                     or one["bottom"] <= other["top"] or other["bottom"] <= one["top"])
            assert apart, (one, other)


def _wait_settled(page: Page, frame: Frame) -> dict:
    """The map's view once it has stopped moving (two looks in a row the same)."""
    last: list[dict] = []

    def still() -> bool:
        state = map_state(frame)
        same = bool(last) and (last[-1]["lat"], last[-1]["lng"], last[-1]["zoom"]) == (state["lat"], state["lng"], state["zoom"])
        last.append(state)
        return same

    wait_until(page, still, "the map to stand still")
    page.wait_for_timeout(100)  # the layout (clusters, labels) runs just after a move
    return last[-1]


def _pixel(state: dict) -> float:
    """Degrees of longitude in one pixel at the map's zoom (at most that of latitude, in Mercator)."""
    return 360 / (256 * 2 ** state["zoom"])


def _voa_export() -> str:
    article = load_article(bundled_articles_dir() / f"{VOA}.md")
    geo = build_geography(article, geoparse(article.text, ensure_gazetteer()), catalogue())
    return render_export("html", geo, ViewState(article=VOA), None, outlines=None, assets=inline_assets())


# --- 1. framed on the story's focus, with an overview ------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
def test_the_voa_story_opens_on_its_focus_with_the_rest_in_an_overview(request, app_server, screen: str) -> None:
    page = _screen(request, screen)
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(page)
    wait_for_markers(frame)
    state = _wait_settled(page, frame)
    assert state["zoom"] >= 3, state
    view = _view(frame)
    inside = {key for key, shown in view["sites"].items() if shown}
    assert set(FOCUS_SITES) <= inside and "kennebunkport" not in inside, view["sites"]
    inset = frame.locator(".inset-map")
    expect(inset).to_be_visible()
    assert inset.get_attribute("aria-label")
    assert inset.locator("path").count() >= 8  # the main map's extent and a dot per marker
    # the outlined extent follows the main map
    before = inset.locator("path.inset-extent").get_attribute("d")
    frame.locator(".leaflet-control-zoom-in").click()
    wait_until(page, lambda: inset.locator("path.inset-extent").get_attribute("d") != before, "the extent to follow")


def test_the_export_has_the_same_frame_overview_and_labels(page: Page) -> None:
    page.set_content(_voa_export())
    frame = page.main_frame
    wait_for_markers(frame)
    _wait_settled(page, frame)
    view = _view(frame)
    assert {key for key, shown in view["sites"].items() if shown} >= set(FOCUS_SITES)
    assert not view["sites"].get("kennebunkport"), view["sites"]
    expect(page.locator(".inset-map")).to_be_visible()
    assert {label["key"] for label in view["labels"]} >= set(FOCUS_SITES)
    _assert_labels_tidy(view)


def test_a_story_about_one_point_is_not_opened_at_street_level(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&role=radar&proposal=us-plan&layers=")
    frame = map_frame(page)
    wait_for_markers(frame)
    state = _wait_settled(page, frame)
    assert _view(frame)["sites"] == {"czech-radar": True}
    assert 5 <= state["zoom"] <= 7, state
    expect(frame.locator(".inset-map")).to_have_count(0)  # nothing outside the frame: no overview


# --- 2. labels --------------------------------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
def test_sites_are_labelled_and_labels_never_collide_or_leave_the_map(request, app_server, screen: str) -> None:
    page = _screen(request, screen)
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(page)
    wait_for_markers(frame)
    _wait_settled(page, frame)
    view = _view(frame)
    labelled = {label["key"]: label["text"] for label in view["labels"]}
    assert labelled.get("czech-radar") == "Brdy radar" and labelled.get("gabala-radar") == "Gabala radar", labelled
    # where labels would collide, lower ones give way: most sites keep theirs even so
    assert len(set(FOCUS_SITES) & set(labelled)) >= (3 if screen == "page" else 2), labelled
    _assert_labels_tidy(view)
    label = map_frame(page).locator(".site-czech-radar .marker-label")
    assert label.get_attribute("aria-hidden") == "true"  # the marker's own name says it to screen readers
    for zoom in range(2):  # and after zooming out (more crowded): still tidy
        map_frame(page).locator(".leaflet-control-zoom-out").click()
        _wait_settled(page, frame)
        _assert_labels_tidy(_view(frame))


def test_labels_follow_the_selection_and_the_date(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&date=2007-06-07&site=czech-radar")
    frame = map_frame(page)
    wait_for_markers(frame)
    _wait_settled(page, frame)
    selected = frame.locator(".site-czech-radar.selected .marker-label")
    expect(selected).to_be_visible()
    assert selected.evaluate("(l) => getComputedStyle(l).fontWeight") == "700"
    # on 7 June 2007 the radar was proposed: the planned look, in the label too
    assert selected.evaluate("(l) => getComputedStyle(l).fontStyle") == "italic"
    other = frame.locator(".site-heiligendamm .marker-label")
    assert other.evaluate("(l) => getComputedStyle(l).fontWeight") != "700"


# --- 3. markers where they are: clusters ------------------------------------------------------


@pytest.mark.parametrize("screen", SCREENS)
def test_overlapping_sites_become_one_group_with_a_count_that_opens_on_click(request, app_server, screen: str) -> None:
    page = _screen(request, screen)
    # zoom 1: Brdy, Redzikowo and Heiligendamm are a few pixels apart
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&lat=50&lon=20&zoom=1")
    frame = map_frame(page)
    wait_for_markers(frame)
    _wait_settled(page, frame)
    clusters = _clusters(frame)
    europe = [c for c in clusters if "czech-radar" in c["keys"]]
    assert europe, clusters
    (group,) = europe
    assert {"czech-radar", "heiligendamm"} <= set(group["keys"])
    assert group["count"] == str(len(group["keys"]))
    for key in group["keys"]:
        assert f"site-{key}" in group["classes"].split(), group  # links, tests and screen readers find it
    for cluster in clusters:
        assert max(cluster["distances"]) <= 24, cluster  # no marker drawn far from its point
    for key in group["keys"]:
        expect(frame.locator(f".site-{key}")).to_have_count(1)  # the group alone stands for them
    element = frame.locator(".marker-cluster.site-czech-radar")
    assert "zoom in" in element.get_attribute("aria-label")
    element.click()
    wait_until(page, lambda: map_state(frame)["zoom"] > 1, "the group to open")
    _wait_settled(page, frame)
    assert "czech-radar" not in [k for c in _clusters(frame) for k in c["keys"]] or map_state(frame)["zoom"] > 2


def test_every_marker_is_drawn_at_its_point(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(page)
    wait_for_markers(frame)
    _wait_settled(page, frame)
    offsets = frame.evaluate(f"""() => {{
        const map = {leaflet_map(frame)}, out = [];
        map.eachLayer((layer) => {{
            const icon = layer._icon;
            if (!icon || !layer._dashboard) {{ return; }}
            const box = icon.getBoundingClientRect(), outer = map.getContainer().getBoundingClientRect();
            const at = map.latLngToContainerPoint(layer.getLatLng());
            out.push(Math.hypot(box.left + box.width / 2 - outer.left - at.x, box.top + box.height / 2 - outer.top - at.y));
        }});
        return out;
    }}""")
    assert offsets and max(offsets) <= 1, offsets


# --- 4. selection zooms, and the link is the view ---------------------------------------------


def test_selecting_a_site_zooms_to_it_and_the_link_reopens_that_view(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(page)
    wait_for_markers(frame)
    _wait_settled(page, frame)
    frame.locator(".site-gabala-radar").click()
    wait_for_url_param(page, "site", lambda site: site == "gabala-radar")
    wait_until(page, lambda: map_state(frame)["zoom"] >= 5, "the zoom to the selection")
    zoomed = _wait_settled(page, frame)
    assert _view(frame)["sites"]["gabala-radar"] is True
    page.wait_for_timeout(800)  # the component would report a move 250 ms after it
    wait_idle(page)
    assert not {"lat", "lon", "zoom"} & set(query(page.url)), page.url  # not the map's view: left out
    link = page.url
    page.goto("about:blank")
    open_dashboard(page, link)
    frame = map_frame(page)
    wait_for_markers(frame)
    wait_until(page, lambda: map_state(frame)["zoom"] >= 5, "the link's selection zoom")
    reopened = _wait_settled(page, frame)
    assert reopened["zoom"] == zoomed["zoom"]
    assert abs(reopened["lat"] - zoomed["lat"]) < _pixel(zoomed) and abs(reopened["lng"] - zoomed["lng"]) < _pixel(zoomed)


def test_after_a_pan_the_link_holds_exactly_the_maps_view(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&site=gabala-radar")
    frame = map_frame(page)
    wait_for_markers(frame)
    wait_until(page, lambda: map_state(frame)["zoom"] >= 5, "the selection zoom")
    _wait_settled(page, frame)
    frame.locator(".leaflet-control-zoom-out").click()
    wait_for_url_param(page, "zoom")
    wait_idle(page)
    state = _wait_settled(page, frame)
    link = query(page.url)
    assert int(link["zoom"]) == state["zoom"]
    # the same to the pixel (Leaflet snaps a centre to a whole pixel; the link keeps 4 decimals)
    assert abs(float(link["lat"]) - state["lat"]) < _pixel(state), (link, state)
    assert abs(float(link["lon"]) - state["lng"]) < _pixel(state), (link, state)


def test_on_a_phone_choosing_a_name_in_the_article_zooms_and_scrolls_the_map_into_view(phone: Page, app_server) -> None:
    open_dashboard(phone, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(phone)
    wait_for_markers(frame)
    _wait_settled(phone, frame)
    mention = phone.locator(".mention").filter(has_text="radar station in Azerbaijan").first
    mention.scroll_into_view_if_needed()
    assert phone.locator(MAP_FRAME).bounding_box()["y"] + 100 < 0  # the map is scrolled away
    mention.click()
    wait_for_url_param(phone, "site")
    wait_until(phone, lambda: map_state(frame)["zoom"] >= 5, "the zoom to the selection")
    wait_until(phone, lambda: phone.locator(MAP_FRAME).bounding_box()["y"] > -200, "the map to come into view")
