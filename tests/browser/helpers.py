"""Small waits shared by the browser tests (no sleeps: Playwright waits only)."""
from __future__ import annotations

from playwright.sync_api import FrameLocator, Page, expect

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"


def open_dashboard(page: Page, url: str) -> FrameLocator:
    """Open ``url``, wait for the script to finish and the map's markers; return the map frame."""
    page.goto(url)
    wait_idle(page)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container")).to_be_visible(timeout=30_000)
    return frame


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1, timeout=30_000)
