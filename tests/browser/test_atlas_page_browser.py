"""The atlas page in the browser (``?page=atlas``): every installation on a world map with the
map's labels, filters in the link, each row opening its history and sources."""
from __future__ import annotations

import pytest
from helpers import SIDEBAR, query, wait_for_url_param, wait_idle
from playwright.sync_api import FrameLocator, Page, expect

pytestmark = pytest.mark.browser

ATLAS_MAP = "iframe[srcdoc]"


def open_atlas(page: Page, url: str) -> FrameLocator:
    """Open the atlas page at ``url``; return its map's frame once the map is drawn."""
    page.goto(url)
    wait_idle(page)
    expect(page.get_by_role("heading", name="The missile-defense atlas")).to_be_visible(timeout=30_000)
    frame = page.frame_locator(ATLAS_MAP).first
    expect(frame.locator(".leaflet-container:not(.inset-map)")).to_be_visible(timeout=30_000)
    return frame


def test_the_atlas_page_shows_every_installation_and_filters_by_the_link(page: Page, app_server, watch) -> None:
    frame = open_atlas(page, app_server.url + "/?page=atlas&basemap=offline")
    for installation in ("redzikowo-aegis-ashore", "gabala-radar", "rota-destroyers"):
        expect(frame.locator(f".site-{installation}")).to_have_count(1)
    expect(frame.locator(".marker-label, .site-marker").first).to_be_attached()

    frame = open_atlas(page, app_server.url + "/?page=atlas&country=Romania&basemap=offline")
    expect(frame.locator(".site-deveselu-aegis-ashore")).to_have_count(1)
    expect(frame.locator(".site-gabala-radar")).to_have_count(0)
    page.get_by_text("Aegis Ashore Romania (NSF Deveselu)", exact=False).first.click()
    expect(page.get_by_text("certified for operations", exact=False).first).to_be_visible()
    expect(page.get_by_role("link", name="US Army Corps of Engineers", exact=False).first).to_be_visible()
    assert watch.external_requests == []


def test_a_filter_chosen_on_the_page_goes_into_the_link(page: Page, app_server) -> None:
    open_atlas(page, app_server.url + "/?page=atlas&basemap=offline")
    sidebar = page.locator(SIDEBAR)
    sidebar.get_by_role("combobox").nth(2).click()  # Country, System, Kind, ...
    page.get_by_role("option", name="naval-base").click()
    wait_idle(page)
    assert wait_for_url_param(page, "kind") == "naval-base"
    frame = page.frame_locator(ATLAS_MAP).first
    expect(frame.locator(".site-rota-destroyers")).to_have_count(1)
    expect(frame.locator(".site-gabala-radar")).to_have_count(0)
    assert query(page.url)["page"] == "atlas"


def test_status_on_a_date(page: Page, app_server) -> None:
    # on 1 Jan 2010 Redzikowo's record is the 2010 protocol yet to come: only the operational radars show
    frame = open_atlas(page, app_server.url + "/?page=atlas&status=operational&date=2010-01-01&basemap=offline")
    expect(frame.locator(".site-gabala-radar")).to_have_count(1)
    expect(frame.locator(".site-deveselu-aegis-ashore")).to_have_count(0)


def test_a_system_filter_shows_that_systems_installations(page: Page, app_server) -> None:
    # the atlas data's THAAD batteries (contract ids), and no radar of another system
    frame = open_atlas(page, app_server.url + "/?page=atlas&system=thaad&basemap=offline")
    expect(frame.locator(".site-seongju-thaad")).to_have_count(1)
    expect(frame.locator(".site-andersen-thaad")).to_have_count(1)
    expect(frame.locator(".site-fylingdales-radar")).to_have_count(0)


def test_the_article_page_links_to_the_atlas(page: Page, app_server) -> None:
    page.goto(app_server.url + "/?basemap=offline")
    wait_idle(page)
    link = page.locator(SIDEBAR).get_by_role("link", name="Browse the atlas of installations")
    expect(link).to_have_attribute("href", "?page=atlas")
