"""An editor in the browser, at 1,400 × 1,000 and on a 390 × 844 phone, offline: "Map your own
article" is the first thing on the page; a wrong pin is removed from the map, listed under it
with an undo, and the link keeps it removed; the date is typed and stepped from event to event."""
from __future__ import annotations

import pytest
from helpers import MAP_FRAME, open_add_article, open_dashboard, query, settle, wait_for_url_param, wait_idle
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

CANADA = "place-6251999"
CANADA_MARKER = ".place-marker[aria-label^='Canada']"
SCREENS = ["page", "phone"]


@pytest.mark.parametrize("screen", SCREENS)
def test_map_your_own_article_is_the_first_thing_on_the_page(screen: str, request, app_server) -> None:
    page: Page = request.getfixturevalue(screen)
    open_dashboard(page, app_server.url + "/?basemap=offline")
    action = page.get_by_text("Map your own article")
    expect(action).to_be_in_viewport()  # no scrolling, no sidebar to open (a phone's is closed)
    title = page.get_by_role("heading", level=1).first
    assert action.bounding_box()["y"] < title.bounding_box()["y"]  # above the article's title
    panel = open_add_article(page)
    expect(panel.get_by_label("Article text")).to_be_visible()


@pytest.mark.parametrize("screen", SCREENS)
def test_a_wrong_pin_is_removed_listed_with_an_undo_and_kept_out_by_the_link(screen: str, request, app_server) -> None:
    page: Page = request.getfixturevalue(screen)
    frame = open_dashboard(page, app_server.url + f"/?basemap=offline&site={CANADA}")
    settle(page)
    expect(frame.locator(CANADA_MARKER)).to_have_count(1)
    page.get_by_role("button", name="Remove from map").click()
    wait_idle(page)
    expect(frame.locator(CANADA_MARKER)).to_have_count(0)
    assert wait_for_url_param(page, "hide") == CANADA and "site" not in query(page.url)
    undo = page.get_by_role("button", name="Undo: Canada")
    expect(undo).to_be_visible()

    shared = page.context.new_page()  # the link opens with the pin still removed
    shared_frame = open_dashboard(shared, page.url)
    expect(shared_frame.locator(".place-marker").first).to_be_attached()
    expect(shared_frame.locator(CANADA_MARKER)).to_have_count(0)
    expect(shared.get_by_role("button", name="Undo: Canada")).to_be_visible()
    shared.close()

    undo.click()
    wait_idle(page)
    expect(frame.locator(CANADA_MARKER)).to_have_count(1)
    expect(page.get_by_role("button", name="Undo: Canada")).to_have_count(0)
    for _ in range(20):
        if "hide" not in query(page.url):
            break
        page.wait_for_timeout(250)
    assert "hide" not in query(page.url)


def test_the_date_is_typed_and_stepped_from_event_to_event(page: Page, app_server) -> None:
    open_dashboard(page, app_server.url + "/?basemap=offline")
    settle(page)
    slider = page.get_by_role("slider", name="Status of the sites on")
    for part, value in (("year", "2010"), ("month", "01"), ("day", "01")):  # typed, field by field
        page.get_by_role("spinbutton", name=f"{part}, Or type a date").click()
        page.keyboard.type(value)
    page.get_by_role("heading", level=1).first.click()  # the box takes the date when it loses focus
    wait_idle(page)
    assert wait_for_url_param(page, "date", lambda value: value == "2010-01-01")
    expect(slider).to_have_attribute("aria-valuetext", "1 Jan 2010")
    typed = page.get_by_role("group", name="Or type a date")
    page.get_by_role("button", name="Next event").click()
    wait_idle(page)
    stepped = wait_for_url_param(page, "date", lambda value: value != "2010-01-01")
    assert stepped > "2010-01-01"
    year, month, day = stepped.split("-")
    expect(typed.get_by_role("spinbutton", name="year, Or type a date")).to_have_attribute("aria-valuenow", str(int(year)))
    expect(typed.get_by_role("spinbutton", name="month, Or type a date")).to_have_attribute("aria-valuenow", str(int(month)))
    expect(typed.get_by_role("spinbutton", name="day, Or type a date")).to_have_attribute("aria-valuenow", str(int(day)))
    page.get_by_role("button", name="Previous event").click()
    wait_idle(page)
    assert wait_for_url_param(page, "date", lambda value: value != stepped) < "2010-01-01"
    expect(page.frame_locator(MAP_FRAME).locator(".site-czech-radar")).to_have_count(1)
