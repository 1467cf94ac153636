"""A reader adds an article in the browser and shares it: the link opens it in a new page."""
from __future__ import annotations

import pytest
from helpers import open_add_article, open_dashboard, wait_idle
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

TEXT = (
    "The radar talks moved to Prague on Monday, where Czech and American negotiators met. "
    "Polish officials said the interceptor base near Warsaw would be discussed in Brussels."
)


def test_an_added_article_can_be_shared_by_link(page: Page, app_server, watch) -> None:
    open_dashboard(page, app_server.url + "/?basemap=offline")
    panel = open_add_article(page)
    panel.get_by_label("Article text").fill(TEXT)
    panel.get_by_label("Title").first.fill("Radar talks in Prague")
    panel.get_by_role("button", name="Add and map").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name="Radar talks in Prague")).to_be_visible(timeout=20_000)
    frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
    expect(frame.locator(".place-marker").first).to_be_attached()
    for _ in range(20):
        if "article=radar-talks-in-prague-" in page.url:
            break
        page.wait_for_timeout(250)
    link = page.url
    assert "article=radar-talks-in-prague-" in link

    other = page.context.new_page()
    open_dashboard(other, link)
    expect(other.get_by_role("heading", name="Radar talks in Prague")).to_be_visible()
    expect(other.locator("[data-testid=stAlert]").filter(has_text="ignored")).to_have_count(0)
    other.close()
    assert watch.external_requests == []
