""""Show the whole story" in the browser: the EPAA article that names only Deveselu shows
Redzikowo, Kürecik, Rota and Ramstein on demand, apart and labelled, and the link keeps it."""
from __future__ import annotations

import pytest
from helpers import EPAA, SIDEBAR, open_dashboard, settle, wait_for_url_param, wait_idle
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

OTHERS = ("redzikowo-aegis-ashore", "kurecik-radar", "rota-destroyers", "ramstein-command")


def test_the_whole_story_is_off_by_default_and_on_in_the_link(page: Page, app_server) -> None:
    frame = open_dashboard(page, f"{app_server.url}/?article={EPAA}&basemap=offline")
    expect(frame.locator(".site-deveselu-aegis-ashore")).to_have_count(1)
    for site_id in OTHERS:
        expect(frame.locator(f".site-{site_id}")).to_have_count(0)
    settle(page)
    page.locator(SIDEBAR).get_by_text("Show the whole story", exact=False).click()
    wait_idle(page)
    assert "story" in wait_for_url_param(page, "layers", lambda value: "story" in value).split(",")
    for site_id in OTHERS:
        expect(frame.locator(f".site-{site_id}.not-named")).to_have_count(1)
    expect(frame.locator(".site-deveselu-aegis-ashore.not-named")).to_have_count(0)
    label = frame.locator(".site-kurecik-radar").first.get_attribute("aria-label") or ""
    assert "not named in this article" in label

    frame = open_dashboard(page, f"{app_server.url}/?article={EPAA}&basemap=offline&layers=places,story")
    for site_id in OTHERS:
        expect(frame.locator(f".site-{site_id}.not-named")).to_have_count(1)
