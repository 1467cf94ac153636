"""Reading the article beside the map, with a mouse, a keyboard and a phone (issue 11, items 3
and 7) on the VOA 2007 story, an EPAA story and a pasted story with no curated site: a
highlighted mention selects its place and zooms the map to it; a selected marker highlights its
mentions and scrolls the text to the first; every marker, grey places included, is selectable
and its card says where its coordinates come from; the first sentence is in view at 1,400 ×
1,000, and under the map on a phone; Enter and Space select a focused marker, whose focus is
visible; tooltips stay inside the map.

Every non-loopback request is blocked and any console error fails a test (see conftest)."""
from __future__ import annotations

import re

import pytest
from helpers import (
    MAP_FRAME,
    VOA,
    drawn_markers,
    map_frame,
    map_state,
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

pytestmark = pytest.mark.browser

SELECTION = ".st-key-selection"


def _marker_key(page: Page, selector: str) -> str:
    key = page.frame_locator(MAP_FRAME).locator(selector).first.get_attribute("data-key")
    assert key, selector
    return key


def _zoomed_to(page: Page, key: str) -> bool:
    """Whether the map shows the marker ``key`` at zoom 5 or closer, in its middle half."""
    frame = map_frame(page)
    marker = next((m for m in drawn_markers(frame) if m["key"] == key), None)
    state = map_state(frame)
    return (marker is not None and state["zoom"] >= 5 and abs(marker["x"] - state["width"] / 2) <= state["width"] / 4
            and abs(marker["y"] - state["height"] / 2) <= state["height"] / 4)


def _selected_marks(page: Page) -> list[str]:
    return page.locator(".mention.selected").evaluate_all("(marks) => marks.map((mark) => mark.dataset.key)")


def _first_selected_mark_in_view(page: Page) -> bool:
    """Whether the first highlighted mention is inside the scrolled text box (fully)."""
    return page.locator(".article-text").evaluate(
        """(box) => {
            const mark = box.querySelector('.mention.selected');
            if (!mark) { return false; }
            const outer = box.getBoundingClientRect(), inner = mark.getBoundingClientRect();
            return inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
        }"""
    )


def _page_scroll(page: Page) -> tuple[float, float]:
    """How far the page has scrolled (the window, and Streamlit's main scroll container)."""
    return page.evaluate(
        "[document.scrollingElement.scrollTop, (document.querySelector('[data-testid=stMain]') || {scrollTop: 0}).scrollTop]"
    )


# --- 3. text to map, map to text --------------------------------------------------------------


@pytest.mark.parametrize("story", story_params())
def test_clicking_a_highlighted_mention_selects_it_and_zooms_the_map(page: Page, app_server, request, story: Story) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    wait_for_markers(map_frame(page))
    settle(page)
    mention = page.locator(".mention").filter(has_text=story.mention).first
    key = mention.get_attribute("data-key")
    expect(mention).to_have_attribute("role", "button")
    mention.click()
    assert wait_for_url_param(page, "site") == key
    wait_idle(page)
    expect(page.locator(SELECTION).get_by_text(story.mention_name, exact=True).first).to_be_visible()
    expect(page.frame_locator(MAP_FRAME).locator(f"[data-key='{key}'].selected")).to_have_count(1)
    wait_until(page, lambda: _zoomed_to(page, key), f"the map to zoom to {key}")
    assert set(_selected_marks(page)) == {key}


@pytest.mark.parametrize("story", story_params())
def test_selecting_a_marker_highlights_its_mentions_and_shows_the_first_sentence_in_view(
    page: Page, app_server, request, story: Story
) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    wait_for_markers(map_frame(page))
    settle(page)
    key = _marker_key(page, story.marker)
    page.frame_locator(MAP_FRAME).locator(story.marker).click()
    wait_idle(page)
    assert wait_for_url_param(page, "site") == key
    selection = page.locator(SELECTION)
    expect(selection.get_by_text(story.name, exact=True).first).to_be_visible()
    expect(page.locator(".mention.selected").first).to_be_visible()
    assert set(_selected_marks(page)) == {key}
    assert _first_selected_mark_in_view(page)

    # at 1,400 x 1,000 the first sentence about it is on screen, the page not scrolled
    sentence = selection.get_by_text(story.sentence, exact=False).first
    expect(sentence).to_be_visible()
    box = sentence.bounding_box()
    assert box["y"] >= 0 and box["y"] + box["height"] <= 1000, box
    assert _page_scroll(page) == [0, 0]


def test_a_mention_far_down_the_text_is_scrolled_into_view(page: Page, app_server) -> None:
    # the whole world: Kennebunkport lies outside the story's focus
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline&lat=40&lon=-20&zoom=2")
    settle(page)
    text = page.locator(".article-text")
    expect(text.locator(".mention").first).to_be_visible()
    assert text.evaluate("(box) => box.scrollHeight > box.clientHeight + 100")  # the article is longer than its box
    page.frame_locator(MAP_FRAME).locator(".site-kennebunkport").click()
    wait_idle(page)
    expect(page.locator(".mention.selected").first).to_be_attached()
    wait_until(page, lambda: _first_selected_mark_in_view(page), "the first Kennebunkport mention to scroll into view")
    assert text.evaluate("(box) => box.scrollTop") > 0


@pytest.mark.parametrize("story", story_params())
def test_a_grey_place_marker_is_selectable_and_says_where_its_coordinates_come_from(
    page: Page, app_server, request, story: Story
) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    wait_for_markers(map_frame(page))
    settle(page)
    marker = f".place-marker[aria-label^='{story.place}']"
    key = _marker_key(page, marker)
    page.frame_locator(MAP_FRAME).locator(marker).click()
    wait_idle(page)
    assert wait_for_url_param(page, "site") == key
    card = page.locator(SELECTION)
    name = story.place.rstrip(":")
    expect(card.get_by_text(name, exact=True).first).to_be_visible()
    expect(card).to_contain_text(re.compile(r"Named (once|\d+ times) in the article"))
    expect(card).to_contain_text(re.compile(r"\d+\.\d{4}° [NS], \d+\.\d{4}° [EW]"))
    if len(story.place_words) > 1 or story.place_words != (name,):
        expect(card).to_contain_text(", ".join(f"“{word}”" for word in story.place_words))
    expect(card).to_contain_text("from the embedded GeoNames gazetteer, confidence 0.")
    expect(card).to_contain_text("Mention 1 of")
    expect(page.frame_locator(MAP_FRAME).locator(f"{marker}.selected")).to_have_count(1)
    assert set(_selected_marks(page)) == {key}


# --- 3. on a phone ----------------------------------------------------------------------------


@pytest.mark.parametrize("story", story_params())
def test_on_a_phone_tapping_a_marker_shows_its_sentences_under_the_map(phone: Page, app_server, request, story: Story) -> None:
    open_dashboard(phone, app_server.url + article_query(story, request))
    frame = phone.frame_locator(MAP_FRAME)
    wait_for_markers(map_frame(phone))
    settle(phone)
    assert phone.evaluate("document.scrollingElement.scrollWidth") <= 390
    # at the zoom that fits a whole story on a phone, markers overlap: the reader zooms in on one
    map_frame(phone).evaluate(
        """(key) => { let target = null;
                      window.map.eachLayer((layer) => { if (layer instanceof L.Marker && layer.getElement() && layer.getElement().dataset.key === key) { target = layer; } });
                      window.map.setView(target.getLatLng(), window.map.getZoom() + 3, {animate: false}); }""",
        _marker_key(phone, story.marker),
    )
    wait_idle(phone)
    frame.locator(story.marker).tap()
    wait_idle(phone)
    assert wait_for_url_param(phone, "site") == _marker_key(phone, story.marker)
    sentence = phone.locator(SELECTION).get_by_text(story.sentence, exact=False).first
    sentence.scroll_into_view_if_needed()
    expect(sentence).to_be_visible()
    assert sentence.bounding_box()["y"] >= phone.locator(MAP_FRAME).bounding_box()["y"] + phone.locator(MAP_FRAME).bounding_box()["height"]
    for scroller in ("document.scrollingElement", "document.querySelector('[data-testid=stMain]')"):
        assert phone.evaluate(f"{scroller}.scrollWidth <= {scroller}.clientWidth"), scroller


# --- 7. keyboard ------------------------------------------------------------------------------


def _focus_ring(page: Page, selector: str) -> dict:
    return map_frame(page).locator(selector).first.evaluate(
        """(icon) => { const style = getComputedStyle(icon);
                       return {focused: document.activeElement === icon, visible: icon.matches(':focus-visible'),
                               style: style.outlineStyle, width: parseFloat(style.outlineWidth)}; }"""
    )


@pytest.mark.parametrize("story", story_params())
def test_enter_and_space_on_a_focused_marker_select_it_and_the_focus_is_visible(page: Page, app_server, request, story: Story) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    frame = page.frame_locator(MAP_FRAME)
    wait_for_markers(map_frame(page))
    settle(page)
    assert _focus_ring(page, story.marker)["style"] == "none"
    frame.locator(".leaflet-container:not(.inset-map)").focus()
    page.keyboard.press("Tab")  # from the map to its markers, by keyboard (a closed tooltip fades out)
    frame.locator(story.marker).focus()
    ring = _focus_ring(page, story.marker)
    assert ring["focused"] and ring["visible"] and ring["style"] == "solid" and ring["width"] >= 2, ring
    expect(frame.locator(".leaflet-tooltip").filter(has_text=story.name).last).to_be_visible()  # its name, on focus
    frame.locator(story.marker).press("Enter")
    wait_idle(page)
    assert wait_for_url_param(page, "site") == _marker_key(page, story.marker)
    expect(page.locator(SELECTION).get_by_text(story.name, exact=True).first).to_be_visible()

    place = f".place-marker[aria-label^='{story.place}']"
    frame.locator(place).focus()
    frame.locator(place).press(" ")
    wait_idle(page)
    assert wait_for_url_param(page, "site", lambda site: site == _marker_key(page, place))
    expect(page.locator(SELECTION).get_by_text(story.place.rstrip(":"), exact=True).first).to_be_visible()
    assert query(page.url)["site"] == _marker_key(page, place)


@pytest.mark.parametrize("story", story_params())
def test_tooltips_stay_inside_the_map_near_its_edges(page: Page, app_server, request, story: Story) -> None:
    open_dashboard(page, app_server.url + article_query(story, request))
    frame = map_frame(page)
    wait_for_markers(frame)
    settle(page)
    key = _marker_key(page, story.marker)
    size = map_state(frame)
    for where, (x, y) in {"top": (size["width"] / 2, 14), "top left": (14, 14), "right": (size["width"] - 14, size["height"] / 2),
                          "bottom right": (size["width"] - 14, size["height"] - 14), "left": (14, size["height"] / 2)}.items():
        frame.evaluate(
            """([key, x, y]) => {
                const map = window.map;
                let target = null;
                map.eachLayer((layer) => { if (layer instanceof L.Marker && layer.getElement() && layer.getElement().dataset.key === key) { target = layer; } });
                const at = map.latLngToContainerPoint(target.getLatLng());
                map.panBy([at.x - x, at.y - y], {animate: false});
            }""",
            [key, x, y],
        )
        wait_idle(page)
        marker = page.frame_locator(MAP_FRAME).locator(f"[data-key='{key}']")
        marker.blur()
        marker.focus()
        tooltip = page.frame_locator(MAP_FRAME).locator(".leaflet-tooltip")
        expect(tooltip).to_have_count(1)
        expect(tooltip).to_be_visible()
        inside = frame.evaluate(
            """() => { const box = window.map.getContainer().getBoundingClientRect();
                       const tips = document.querySelectorAll('.leaflet-tooltip');
                       const tip = tips[tips.length - 1].getBoundingClientRect();
                       return [tip.left >= box.left, tip.top >= box.top, tip.right <= box.right, tip.bottom <= box.bottom]; }"""
        )
        assert all(inside), (where, inside)
    if story is PASTED_STORY:
        assert not [m for m in drawn_markers(frame) if "site-marker" in m["classes"]]


def test_enter_on_a_highlighted_mention_selects_it_and_keeps_the_focus(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + f"/?article={VOA}&basemap=offline")
    wait_for_markers(map_frame(page))
    settle(page)
    mention = page.locator(".mention").filter(has_text="Europe").first
    key = mention.get_attribute("data-key")
    mention.focus()
    mention.press("Enter")
    assert wait_for_url_param(page, "site") == key
    wait_idle(page)
    expect(page.locator(SELECTION).get_by_text("Europe", exact=True).first).to_be_visible()
    focused = page.evaluate(
        """() => { let active = document.activeElement;
                   while (active && active.shadowRoot && active.shadowRoot.activeElement) { active = active.shadowRoot.activeElement; }
                   return [active.className, active.dataset.key]; }"""
    )
    assert focused == ["mention mention-place selected", key], focused  # the text was not rebuilt under the reader
