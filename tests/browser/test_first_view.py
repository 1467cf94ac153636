"""The reader's first view in a real browser (issue 11, items 1, 2, 4, 8 and 9) on the VOA 2007
story, an EPAA story and a pasted story with no curated site: the map opens fitted to the story's
focus and keeps a link's or the reader's own view, the legend explains what is drawn (the
same in the HTML export), the date follows the article, a failed basemap switches to the
outlines once, and numbers and dates read the same everywhere.

Every non-loopback request is blocked and any console error fails a test (see conftest)."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import (
    EPAA,
    VOA,
    add_pasted_article,
    article_options,
    assert_framed,
    choose_article,
    drawn_markers,
    leaflet_map,
    map_frame,
    map_state,
    open_add_article,
    open_dashboard,
    query,
    settle,
    wait_for_markers,
    wait_for_url_param,
    wait_idle,
    wait_until,
)
from playwright.sync_api import Page, expect
from stories import PASTED_STORY, Story, article_query, story_params

from dashboard.core.geography import ArticleGeography
from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.places import Place
from dashboard.core.render.export import render_export
from dashboard.core.view.state import ViewState
from dashboard.services.static_assets import ensure_static_assets, inline_assets

pytestmark = pytest.mark.browser

THOUSANDS_KM = re.compile(r"^\d{1,3}(,\d{3})* km$|^\d\.\d km$")


def _legend_rows(frame) -> list[tuple[str, str]]:
    """(section, label) of every legend row, in order (the legend opened first)."""
    legend = frame.locator(".map-legend")
    expect(legend).to_be_attached()
    if legend.get_attribute("open") is None:
        legend.locator("summary").click()
    expect(legend.locator(".legend-row").first).to_be_visible()
    rows = legend.evaluate(
        """(box) => Array.from(box.querySelectorAll('.legend-row')).map((row) => {
            const list = row.closest('ul');
            return [list.previousElementSibling.textContent, row.lastElementChild.textContent];
        })"""
    )
    return [tuple(row) for row in rows]


def _download_export(page: Page) -> str:
    page.get_by_role("tab", name="Export").click()
    wait_idle(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def _open_export(page: Page, html: str) -> tuple[Page, list[str]]:
    """The exported page in a new tab of the same (guarded) context, and its console errors."""
    errors: list[str] = []
    other = page.context.new_page()
    other.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    other.on("pageerror", lambda err: errors.append(str(err)))
    other.set_content(html)
    expect(other.locator(".leaflet-container:not(.inset-map)")).to_be_visible()
    wait_for_markers(other.main_frame)
    return other, errors


def _marker_keys(frame) -> list[str]:
    """The key of every marker the map holds, drawn alone or inside a group."""
    return sorted(frame.evaluate(f"""() => [].concat(...({leaflet_map(frame)})._dashboardGroups.map(
        (group) => group._dashboardMarkers.map((marker) => marker._dashboard.key)))"""))


def _drag_map(page: Page, dx: int, dy: int) -> None:
    """Drag the map by (dx, dy) px with the mouse, as a reader pans."""
    box = page.locator("iframe[title='streamlit_folium.st_folium']").bounding_box()
    x, y = box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.6
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):
        page.mouse.move(x + dx * step / 10, y + dy * step / 10)
        page.wait_for_timeout(30)
    page.mouse.up()


# --- 1. framing -------------------------------------------------------------------------------


@pytest.mark.parametrize("story", story_params())
def test_the_map_opens_fitted_to_the_storys_focus_and_the_export_the_same(page: Page, app_server, request, story: Story) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    frame = map_frame(page)
    wait_for_markers(frame)
    state = assert_framed(page, frame)
    kinds = {"site" if "site-marker" in m["classes"] else "place" for m in drawn_markers(frame)}
    assert kinds == ({"place"} if story is PASTED_STORY else {"site", "place"})
    # every marker of the focus is in the container, not half cut by its edge
    (south, west), (north, east) = state["frame"]
    for marker in drawn_markers(frame):
        if south <= marker["lat"] <= north and west <= marker["lng"] <= east:
            assert 8 <= marker["x"] <= state["width"] - 8 and 8 <= marker["y"] <= state["height"] - 8, marker

    exported, errors = _open_export(page, _download_export(page))
    exported_state = assert_framed(exported, exported.main_frame)
    assert exported_state["frame"] == state["frame"]
    # the same markers (grouped as each map's size needs)
    assert _marker_keys(exported.main_frame) == _marker_keys(map_frame(page))
    assert errors == []
    exported.close()


def test_a_links_own_view_wins_over_the_frame(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&lat=52.5&lon=13.4&zoom=6")
    frame = map_frame(page)
    wait_for_markers(frame)
    page.wait_for_timeout(1000)  # a frame would have been applied by now
    state = map_state(frame)
    assert state["zoom"] == 6 and abs(state["lat"] - 52.5) < 0.01 and abs(state["lng"] - 13.4) < 0.01
    assert query(page.url)["zoom"] == "6"


def test_the_url_holds_the_maps_own_centre(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&lat=52.5&lon=13.4&zoom=3")
    wait_for_markers(map_frame(page))
    page.wait_for_timeout(1000)
    assert abs(map_state(map_frame(page))["lat"] - 52.5) < 0.05  # Leaflet snaps the centre to a whole pixel
    assert abs(float(query(page.url)["lat"]) - 52.5) < 0.05, page.url  # within a pixel at zoom 3


_SITE_BOXES_JS = """() => Array.from(document.querySelectorAll('.site-marker')).map((icon) => {
    const box = icon.getBoundingClientRect();
    return {key: icon.dataset.key, left: box.left, top: box.top, right: box.right, bottom: box.bottom};
})"""

def test_site_markers_never_hide_each_other_and_each_is_one_click_away(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    inside = map_frame(page)
    wait_for_markers(inside)
    assert_framed(page, inside)  # the focus: Brdy, Redzikowo and Heiligendamm apart (zoom 1 made them a blot)
    page.wait_for_timeout(300)
    boxes = inside.evaluate(_SITE_BOXES_JS)
    assert len(boxes) == 6
    for i, one in enumerate(boxes):
        for other in boxes[:i]:
            width = min(one["right"], other["right"]) - max(one["left"], other["left"])
            height = min(one["bottom"], other["bottom"]) - max(one["top"], other["top"])
            assert width <= 0 or height <= 0, (one, other)
    for key in ("poland-interceptors", "czech-radar", "heiligendamm"):  # nothing covers their middle
        hit = inside.evaluate(f"""() => {{
            const icon = document.querySelector('.site-{key}'), box = icon.getBoundingClientRect();
            const top = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
            return Boolean(top && top.closest('.site-{key}'));
        }}""")
        assert hit, key
    frame.locator(".site-heiligendamm").click()  # and a plain click selects
    wait_for_url_param(page, "site", lambda site: site == "heiligendamm")


def test_the_maps_own_framing_is_not_reported_so_a_click_right_after_opening_counts(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    # at once: the map's framing would have run the page again, and that run could swallow the click
    frame.locator(".site-gabala-radar").click()
    wait_for_url_param(page, "site", lambda site: site == "gabala-radar")
    wait_until(page, lambda: map_state(map_frame(page))["zoom"] >= 5, "the zoom to the selection")
    page.wait_for_timeout(1000)  # the component reports a move 250 ms after it
    wait_idle(page)
    # the map's own moves are not in the link: it reopens on the selection, on any screen
    assert not {"lat", "lon", "zoom"} & set(query(page.url)), page.url


def test_a_panned_view_survives_unrelated_reruns_and_a_filter_change_refits(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    frame = map_frame(page)
    wait_for_markers(frame)
    fitted = assert_framed(page, frame)
    _drag_map(page, -160, 60)
    wait_until(page, lambda: abs(map_state(frame)["lng"] - fitted["lng"]) > 5, "the pan")
    wait_for_url_param(page, "lon", lambda lon: abs(float(lon) - fitted["lng"]) > 5)
    wait_idle(page)
    panned = map_state(frame)

    # unrelated reruns: an analysis tab, then the date (which restyles and redraws the markers)
    page.get_by_role("tab", name="Distances").click()
    wait_idle(page)
    slider = page.get_by_role("slider", name="Status of the sites on")
    slider.focus()
    slider.press("End")
    wait_idle(page)
    expect(page.frame_locator("iframe[title='streamlit_folium.st_folium']").locator(".site-czech-radar.status-cancelled")).to_have_count(1)
    page.wait_for_timeout(800)
    kept = map_state(frame)
    assert (kept["zoom"], round(kept["lat"], 3), round(kept["lng"], 3)) == (panned["zoom"], round(panned["lat"], 3), round(panned["lng"], 3))

    # a filter change refits the map on what is now drawn
    page.get_by_role("button", name="Remove Diplomacy").click()
    wait_idle(page)
    expect(page.frame_locator("iframe[title='streamlit_folium.st_folium']").locator(".site-kennebunkport")).to_have_count(0)
    refitted = assert_framed(page, frame)
    assert (refitted["lat"], refitted["lng"]) != (panned["lat"], panned["lng"])
    page.wait_for_timeout(800)
    wait_idle(page)
    assert not {"lat", "lon", "zoom"} & set(query(page.url)), page.url  # the panned view is gone from the link too


# --- 2. the legend ----------------------------------------------------------------------------


def test_the_legend_explains_roles_statuses_rings_and_distances_the_same_in_the_export(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&layers=places,rings,lines")
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    expect(frame.locator("path.range-ring").first).to_be_attached()
    rows = _legend_rows(frame)
    sections = list(dict.fromkeys(section for section, _ in rows))
    assert sections == ["Sites", "Status on 7 Jun 2007", "Ranges", "Distances to Tehran (great circle)"]
    labels = {label for _, label in rows}
    assert {"Radar", "Interceptors", "Threat", "Summit", "Other place named in the article"} <= labels
    assert "No public figure: no ring is drawn" in labels
    assert any(label.startswith("Published range") for label in labels)
    assert any(label.startswith("proposed, offered or in talks") for label in labels)
    assert_framed(page, map_frame(page))  # opening the legend refitted the map (not moved since its frame)
    distances = [label for section, label in rows if section.startswith("Distances")]
    assert "Proposed X-band radar, Brdy (hill 718): 3,407 km" in distances
    assert all(THOUSANDS_KM.match(label.rsplit(": ", 1)[1]) for label in distances), distances

    exported, errors = _open_export(page, _download_export(page))
    assert _legend_rows(exported.main_frame) == rows
    assert errors == []
    exported.close()


@pytest.mark.parametrize("story", story_params()[1:])
def test_the_legend_of_other_stories(page: Page, app_server, request, story: Story) -> None:
    frame = open_dashboard(page, app_server.url + article_query(story, request))
    wait_for_markers(map_frame(page))
    rows = _legend_rows(frame)
    unsure = frame.locator(".place-marker.uncertain")
    section = "Places" if story is PASTED_STORY else "Sites"
    assert ((section, "Place the geoparser is not sure of (dashed)") in rows) == (unsure.count() > 0)
    if story is PASTED_STORY:  # places only: no role, status or range
        assert {row for row in rows if "not sure" not in row[1]} == {("Places", "Place named in the article")}
    else:
        assert ("Sites", "Interceptors") in rows and ("Sites", "Other place named in the article") in rows
        assert ("Status on 7 Jan 2016", "under construction") in rows


def test_clusters_are_explained_in_the_legend_and_framed_in_the_export(page: Page) -> None:
    """More than 150 places are grouped into clusters; the legend says what a cluster is."""
    places = tuple(Place(f"Town {i}", i * 10, i * 10 + 6, 44.0 + (i % 20) * 0.02, 20.0 + (i // 20) * 0.02, "gazetteer", 0.9)
                   for i in range(170))
    geo = ArticleGeography(Article(id="towns", title="Many towns", text="x" * 2000), (), places, (), ())
    ensure_static_assets()
    page.set_content(render_export("html", geo, ViewState(layers=("places",)), None, assets=inline_assets()))
    wait_for_markers(page.main_frame)
    expect(page.locator(".place-cluster.leaflet-marker-icon").first).to_be_visible()
    rows = _legend_rows(page.main_frame)
    assert ("Places", "Several nearby places (the number says how many)") in rows
    assert_framed(page, page.main_frame)


# --- 4. state and metadata --------------------------------------------------------------------


def _slider_day(page: Page) -> str:
    return page.get_by_role("slider", name="Status of the sites on").get_attribute("aria-valuetext")


def test_the_date_follows_the_article_unless_the_link_sets_one(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    settle(page)
    assert _slider_day(page) == "7 Jun 2007"
    choose_article(page, "US, Romania complete construction")
    expect(page.get_by_role("heading", name="US, Romania complete construction on missile defense complex")).to_be_visible()
    wait_for_url_param(page, "article", lambda article: article == EPAA)
    expect(page.get_by_role("slider", name="Status of the sites on")).to_have_attribute("aria-valuetext", "7 Jan 2016")
    assert "date" not in query(page.url)
    frame = map_frame(page)
    expect(page.frame_locator("iframe[title='streamlit_folium.st_folium']").locator(".site-deveselu-aegis-ashore")).to_have_count(1)
    assert_framed(page, frame)  # another article: framed on its markers

    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&date=2010-01-01")
    settle(page)
    assert _slider_day(page) == "1 Jan 2010"
    assert query(page.url)["date"] == "2010-01-01"
    choose_article(page, "US, Romania complete construction")
    expect(page.get_by_role("slider", name="Status of the sites on")).to_have_attribute("aria-valuetext", "7 Jan 2016")
    assert "date" not in query(page.url)


def _upload(page: Page, name: str, html: str, title: str) -> None:
    panel = open_add_article(page)
    panel.get_by_role("tab", name="Upload").click()
    expect(panel.get_by_role("tabpanel", name="Upload")).to_be_visible()
    wait_idle(page)
    form = panel.locator("[data-testid=stForm]").filter(has_text="A .txt, .md or .html file")
    expect(form.locator("input[type=file]")).to_be_attached()
    form.locator("input[type=file]").set_input_files(files=[{"name": name, "mimeType": "text/html", "buffer": html.encode()}])
    expect(form.get_by_text(name)).to_be_visible()
    form.get_by_label("Title").fill(title)
    form.get_by_role("button", name="Add and map").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)
    settle(page)  # the new article's map reports its view: that rerun would reset the form's tabs


def test_no_date_is_taken_from_a_copyright_line_only_from_publication_markup(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    settle(page)
    body = "<p>Ferries to Phu Quoc resumed on Friday after the storm, the port authority in Ho Chi Minh City said.</p>"
    _upload(page, "ferries.html", f"<html><body><article>{body}</article>"
            "<footer>Copyright © 2019 Mekong Wire. All rights reserved.</footer></body></html>", "Ferries resume")
    byline = page.locator("[data-testid=stCaptionContainer]").first
    expect(page.locator("[data-testid=stMain]")).not_to_contain_text("2019")
    assert "2019" not in byline.inner_text()

    _upload(page, "ferries-dated.html", '<html><head><meta property="article:published_time" content="2021-03-04T08:00:00Z">'
            f"</head><body><article>{body} Schools reopened too.</article>"
            "<footer>© 2019 Mekong Wire</footer></body></html>", "Ferries resume, dated")
    expect(page.locator("[data-testid=stMain] [data-testid=stCaptionContainer]").first).to_contain_text("4 Mar 2021")


def test_same_titled_stored_articles_are_told_apart(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    settle(page)
    add_pasted_article(page, "Harbour officials in Haiphong reopened the port on Monday.", "Harbour reopens", "Mekong Wire")
    # the outcome stays on screen after the map's own rerun (it used to last one run, a blink)
    expect(page.locator("[data-testid=stMain]").get_by_text("Added “Harbour reopens” to the library.")).to_be_visible()
    add_pasted_article(page, "Harbour officials in Haiphong said on Monday that the port was open again.", "Harbour reopens",
                       "Delta Ledger")
    options = article_options(page)
    page.keyboard.press("Escape")
    same = [option for option in options if option.startswith("Harbour reopens")]
    assert len(same) == 2 and len(set(same)) == 2, options
    assert any("Mekong Wire" in option and "added" in option for option in same), same
    assert any("Delta Ledger" in option and "added" in option for option in same), same


# --- 8. a basemap that never leaves the reader with grey --------------------------------------


@pytest.mark.parametrize("story", story_params())
def test_failed_tiles_switch_to_the_outlines_and_say_so_once(page: Page, app_server, watch, request, story: Story) -> None:
    aborted: list[str] = []
    page.route("**/tile.openstreetmap.org/**", lambda route: (aborted.append(route.request.url), route.abort()))
    query_ = article_query(story, request).replace("basemap=offline", "basemap=osm")
    frame = open_dashboard(page, app_server.url + query_)
    outlines = frame.locator(".leaflet-tile-pane path, .leaflet-overlay-pane path")
    expect(outlines.nth(150)).to_be_attached(timeout=20_000)
    notice = frame.locator(".map-notice")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text("Map tiles could not be loaded")
    frame.locator(".leaflet-control-zoom-in").click()  # more tiles would be asked for, and fail
    page.wait_for_timeout(800)
    expect(notice).to_have_count(1)
    assert aborted
    # the aborted tiles are the only console errors (Chromium logs each failed image)
    failed = [error for error in watch.console_errors if error == "Failed to load resource: net::ERR_FAILED"]
    assert len(failed) <= len(aborted)
    watch.console_errors[:] = [error for error in watch.console_errors if error not in failed]


# --- 9. one formatter; the timeline ------------------------------------------------------------


@pytest.mark.parametrize("story", story_params()[:2])
def test_the_timeline_names_every_site_in_full_and_draws_events_as_points(page: Page, app_server, request, story: Story) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    page.get_by_role("tab", name="Timeline").click()
    wait_idle(page)
    chart = page.locator("[data-testid=stVegaLiteChart] svg.marks")
    expect(chart).to_be_visible()
    page.wait_for_timeout(500)
    labels = chart.evaluate(
        """(svg) => Array.from(svg.querySelectorAll('.role-axis')).filter((axis) =>
               /y-axis|Y-axis/.test(axis.getAttribute('aria-label') || ''))
           .flatMap((axis) => Array.from(axis.querySelectorAll('.role-axis-label text')))
           .map((text) => [text.textContent, text.getAttribute('opacity')])"""
    )
    assert labels, "no y-axis labels found"
    for text, opacity in labels:
        assert "…" not in text and opacity != "0", labels
    names = {text for text, _ in labels}
    assert story.name in names
    events = chart.locator(".mark-symbol path")
    expect(events.first).to_be_attached()
    listed = page.locator("[data-testid=stMain] li").filter(has_text=re.compile(r"^\d{1,2} \w{3} \d{4} · |^\w{3} \d{4} · |^\d{4} · "))
    assert events.count() >= listed.count() >= 1


def test_the_pasted_story_has_no_timeline_or_comparison_and_says_so(page: Page, app_server, pasted_story) -> None:
    open_dashboard(page, app_server.url + f"/?article={pasted_story}&basemap=offline")
    expect(page.get_by_role("slider", name="Status of the sites on")).to_have_count(0)
    page.get_by_role("tab", name="Timeline").click()
    expect(page.get_by_text("No dated events for this article's sites.")).to_be_visible()
    page.get_by_role("tab", name="Sites (table)").click()
    expect(page.get_by_text("This article refers to no curated site", exact=False)).to_be_visible()


def test_numbers_and_dates_read_the_same_in_tables_comparison_map_and_export(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&layers=places,lines")
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    expect(frame.locator(".distance-label-czech-radar")).to_contain_text("3,407 km")
    main = page.locator("[data-testid=stMain]")
    expect(main.locator("[data-testid=stCaptionContainer]").first).to_contain_text("7 Jun 2007")

    page.get_by_role("tab", name="Distances").click()
    table = main.locator("table").first
    expect(table).to_contain_text("3,407 km")
    cells = table.locator("td:nth-child(3)").all_inner_texts()
    assert cells and all(THOUSANDS_KM.match(cell) for cell in cells), cells
    assert "9,465 km" in cells  # Kennebunkport to Tehran: thousands separated

    page.get_by_role("tab", name="Side by side").click()
    comparison = main.locator("table").first
    expect(comparison).to_contain_text("3,407 km")
    expect(comparison).to_contain_text("radar detection: 6,000 km")
    expect(comparison).to_contain_text("(19 Jan 2007)")

    page.get_by_role("tab", name="Timeline").click()
    expect(main.locator("li").filter(has_text="7 Jun 2007 · ").first).to_be_visible()

    exported, errors = _open_export(page, _download_export(page))
    expect(exported.locator(".distance-label-czech-radar")).to_contain_text("3,407 km")
    expect(exported.locator(".export-view")).to_contain_text("status of the sites on 7 Jun 2007")
    expect(exported.locator(".export-article-meta")).to_contain_text("7 Jun 2007")
    assert errors == []
    exported.close()

