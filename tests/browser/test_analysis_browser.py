"""The analysis layers in a real browser: the ring toggle draws rings (only where a figure is
published) and the date slider restyles the markers by their status on that date."""
from __future__ import annotations

import pytest
from helpers import open_dashboard, wait_idle
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_ring_toggle_draws_published_ranges_only(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + "/?basemap=offline")
    expect(frame.locator("path.range-ring")).to_have_count(0)
    page.get_by_text("Range rings (approximate, public sources)").click()
    wait_idle(page)
    expect(frame.locator("path.range-ring.range-site-gabala-radar").first).to_be_attached()
    expect(frame.locator("path.range-ring.range-site-czech-radar")).to_have_count(0)  # no public figure
    expect(frame.locator("path.range-no-figure").first).to_be_attached()  # said, not drawn
    assert "rings" in page.url


def test_date_slider_restyles_markers_by_status(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + "/?basemap=offline")
    expect(frame.locator(".site-czech-radar.status-announced")).to_have_count(1)  # 7 June 2007
    slider = page.get_by_role("slider", name="Status of the sites on")
    slider.focus()
    slider.press("End")  # today: the Czech radar plan was cancelled in 2009
    wait_idle(page)
    expect(frame.locator(".site-czech-radar.status-cancelled")).to_have_count(1, timeout=20_000)
    expect(frame.locator(".site-gabala-radar.status-look-ended")).to_have_count(1)
    assert "date=" in page.url
