"""Real-browser fixtures: a Streamlit server on a free port, and a page (in the shared
Chromium of tests/conftest.py) with every non-loopback request blocked and console errors
collected."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from helpers import PASTED_TEXT, PASTED_TITLE, add_pasted_article, open_dashboard

from tests.harness import (
    BLANK_PNG,
    LOOPBACK_PREFIXES,
    TILE_HOST,
    AppServer,
    PageWatch,
    start_server,
)


@pytest.fixture(scope="module")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """The dashboard with default settings (online basemap allowed, but requests are blocked)."""
    server = start_server(tmp_path_factory.mktemp("app"), {})
    yield server
    server.stop()


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory) -> Iterator[AppServer]:
    """The dashboard with DASHBOARD_OFFLINE=1."""
    server = start_server(tmp_path_factory.mktemp("offline"), {"DASHBOARD_OFFLINE": "1"})
    yield server
    server.stop()


@pytest.fixture
def watch() -> PageWatch:
    return PageWatch()


def guarded_context(browser, watch: PageWatch, **options):
    """A browser context whose non-loopback requests are blocked and recorded in ``watch``
    (OpenStreetMap tiles answered with a blank image: the page logs no error, the attempt is
    recorded). ``options`` go to ``browser.new_context``."""
    context = browser.new_context(**options)

    def route(route_) -> None:
        url = route_.request.url
        if url.startswith(LOOPBACK_PREFIXES):
            route_.continue_()
            return
        watch.external_requests.append(url)
        if TILE_HOST in url:
            route_.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            route_.abort()

    context.route("**/*", route)
    return context


def watched_page(context, watch: PageWatch):
    """A new page of ``context`` whose console errors are collected in ``watch``."""
    new_page = context.new_page()
    new_page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda err: watch.console_errors.append(f"pageerror: {err}"))
    return new_page


@pytest.fixture
def page(browser, watch: PageWatch):
    """A fresh browser context and page (1,400 × 1,000); non-loopback requests are blocked and
    recorded. The test fails if the page logged a console error."""
    context = guarded_context(browser, watch, viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    yield watched_page(context, watch)
    context.close()
    assert watch.console_errors == [], f"console errors: {watch.console_errors}"


@pytest.fixture
def phone(browser, watch: PageWatch):
    """Like ``page``, on a 390 × 844 touch screen (a phone)."""
    context = guarded_context(browser, watch, viewport={"width": 390, "height": 844}, is_mobile=True,
                              has_touch=True, device_scale_factor=2)
    yield watched_page(context, watch)
    context.close()
    assert watch.console_errors == [], f"console errors: {watch.console_errors}"


@pytest.fixture(scope="module")
def pasted_story(browser, app_server: AppServer) -> str:
    """The id of :data:`PASTED_TEXT`, added once per server through the sidebar's Paste form."""
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": 1400, "height": 1000})
    try:
        adding = watched_page(context, watch)
        open_dashboard(adding, app_server.url + "/?basemap=offline")
        article_id = add_pasted_article(adding, PASTED_TEXT, PASTED_TITLE, outlet="Mekong Wire")
    finally:
        context.close()
    assert watch.console_errors == [] and watch.external_requests == []
    return article_id
