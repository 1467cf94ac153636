"""Stories as data, in the browser: a pasted Deveselu article gets the EPAA sites on the map and in
its export, and the VOA article keeps its six 2007 sites and no EPAA site."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import MAP_FRAME, add_pasted_article, open_dashboard, wait_idle
from playwright.sync_api import Page, expect

from dashboard.core.geoparse.article import load_article
from dashboard.services.articles import bundled_articles_dir

pytestmark = pytest.mark.browser

EPAA_SITES = ("deveselu-aegis-ashore", "redzikowo-aegis-ashore", "kurecik-radar", "rota-destroyers", "ramstein-command")
VOA_SITES = ("czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport")


def test_a_pasted_deveselu_article_gets_the_epaa_sites_on_the_map_and_in_the_export(page: Page, app_server, watch) -> None:
    usace = load_article(bundled_articles_dir() / "usace-2016-01-07-romania-missile-defense-complex.md")
    text = usace.text + "\n\nA second Aegis Ashore site, at Redzikowo in Poland, is to follow."
    open_dashboard(page, app_server.url + "/?basemap=offline")
    add_pasted_article(page, text, "Deveselu complete")  # waits for the map's own rerun first
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".site-deveselu-aegis-ashore")).to_have_count(1)
    expect(frame.locator(".site-redzikowo-aegis-ashore")).to_have_count(1)  # the shared name goes to this story
    for site_id in VOA_SITES + ("armavir-radar",):
        expect(frame.locator(f".site-{site_id}")).to_have_count(0)
    expect(page.get_by_text("The European Phased Adaptive Approach and NATO missile defence.", exact=False)).to_be_visible()

    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    assert "site-deveselu-aegis-ashore" in exported and "site-redzikowo-aegis-ashore" in exported
    assert "site-gabala-radar" not in exported and "site-poland-interceptors" not in exported
    assert watch.external_requests == []


def test_the_voa_article_keeps_its_six_sites_and_no_epaa_site(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + "/?basemap=offline")
    for site_id in VOA_SITES:
        expect(frame.locator(f".site-{site_id}")).to_have_count(1)
    for site_id in EPAA_SITES:
        expect(frame.locator(f".site-{site_id}")).to_have_count(0)


def test_old_links_open_the_same_view(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + "/?basemap=offline&proposal=us-plan&site=czech-radar&layers=places,rings")
    expect(frame.locator(".site-czech-radar.selected")).to_have_count(1)
    expect(frame.locator(".site-gabala-radar")).to_have_count(0)
    expect(frame.locator("path.range-no-figure, path.range-ring").first).to_be_attached()
    expect(page.get_by_role("button", name="Remove US plan")).to_be_visible()
    expect(page.locator(".st-key-selection").get_by_text("Proposed X-band radar", exact=False)).to_be_visible()
    expect(page.locator("[data-testid=stAlert]").filter(has_text="ignored")).to_have_count(0)
    wait_idle(page)
