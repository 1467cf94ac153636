"""Real-browser fixtures: a Streamlit server on a free port, and a page (in the shared
Chromium of tests/conftest.py) with every non-loopback request blocked and console errors
collected."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

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


@pytest.fixture
def page(browser, watch: PageWatch):
    """A fresh browser context and page; non-loopback requests are blocked and recorded.

    The test fails if the page logged a console error.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.grant_permissions(["clipboard-read", "clipboard-write"])

    def route(route_) -> None:
        url = route_.request.url
        if url.startswith(LOOPBACK_PREFIXES):
            route_.continue_()
            return
        watch.external_requests.append(url)
        if TILE_HOST in url:
            # answer tiles with a blank image: the page logs no error, the attempt is recorded
            route_.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            route_.abort()

    context.route("**/*", route)
    new_page = context.new_page()
    new_page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    new_page.on("pageerror", lambda err: watch.console_errors.append(f"pageerror: {err}"))
    yield new_page
    context.close()
    assert watch.console_errors == [], f"console errors: {watch.console_errors}"
