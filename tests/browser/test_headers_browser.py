"""The server's security headers in Chromium: the page, the map and the exports work under the
Content-Security-Policy (any violation is a console error, and the ``page`` fixture fails on
one), another site cannot frame the live app unless DASHBOARD_FRAME_ANCESTORS names it, and the
exported HTML carries its own policy."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import guarded_context, watched_page
from helpers import map_frame, wait_for_markers, wait_idle
from playwright.sync_api import Page, expect

from tests.harness import AppServer, PageWatch, start_server

NEWSROOM_HOST = "localhost"  # another origin than the app's 127.0.0.1, still on loopback


@pytest.fixture(scope="module")
def newsroom() -> Iterator[tuple[str, dict[str, str]]]:
    """A page on another origin (``http://localhost:<port>``) whose ``/frame?src=...`` frames a URL."""
    pages: dict[str, str] = {}

    class Newsroom(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path, "<p>nothing</p>").encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Newsroom)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://{NEWSROOM_HOST}:{server.server_address[1]}", pages
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def embeddable_server(tmp_path_factory, newsroom) -> Iterator[AppServer]:
    """The dashboard with the newsroom's origin in DASHBOARD_FRAME_ANCESTORS."""
    origin, _ = newsroom
    server = start_server(tmp_path_factory.mktemp("embeddable"), {"DASHBOARD_FRAME_ANCESTORS": origin})
    yield server
    server.stop()


def test_the_page_map_and_exports_work_under_the_policy(page: Page, app_server: AppServer) -> None:
    response = page.goto(app_server.url + "/?site=gabala-radar")
    assert response is not None
    headers = response.headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    wait_idle(page)
    frame = map_frame(page)
    wait_for_markers(frame, at_least=3)
    # the selection the link names shows its sentences (clicks on the map are in test_flows.py, under the same policy)
    assert page.get_by_text("radar station in Azerbaijan").first.is_visible()
    page.get_by_role("tab", name="Export").click()
    wait_idle(page)
    with page.expect_download() as standalone:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    html = Path(standalone.value.path()).read_text(encoding="utf-8")
    with page.expect_download() as geojson:
        page.get_by_role("button", name="GeoJSON", exact=True).click()
    assert '"FeatureCollection"' in Path(geojson.value.path()).read_text(encoding="utf-8")
    head = html.split("<head>", 1)[1].split("<script", 1)[0]
    assert '<meta http-equiv="Content-Security-Policy"' in head, "the policy must come before any script"
    exported = page.context.new_page()
    errors: list[str] = []
    exported.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    exported.set_content(html)
    wait_for_markers(exported.main_frame, at_least=3)
    assert errors == []
    # the export's own policy is in force: a script it did not bring cannot load or connect
    blocked = exported.evaluate("""() => new Promise((done) => {
        document.addEventListener('securitypolicyviolation', (e) => done(e.violatedDirective));
        fetch('http://127.0.0.1:9/x').catch(() => {});
    })""")
    assert blocked.startswith("connect-src")
    exported.close()


def _frame_the_app(browser, newsroom, app_url: str) -> tuple[str, list[str]]:
    """Open the newsroom's page framing ``app_url``; return the frame's text and console errors."""
    origin, pages = newsroom
    pages["/frame"] = f'<iframe title="dashboard" src="{app_url}/" width="1000" height="700"></iframe>'
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": 1200, "height": 900})
    try:
        framing = watched_page(context, watch)
        framing.goto(origin + "/frame")
        frame = framing.frame_locator("iframe[title=dashboard]")
        try:
            expect(frame.locator("[data-test-script-state=notRunning]")).to_have_count(1, timeout=20_000)
            text = frame.locator("body").inner_text()
        except AssertionError:
            text = ""
        framing.wait_for_timeout(500)
    finally:
        context.close()
    return text, watch.console_errors


def test_another_site_cannot_frame_the_live_app(browser, newsroom, app_server: AppServer) -> None:
    text, errors = _frame_the_app(browser, newsroom, app_server.url)
    assert "Gabala" not in text
    assert any("frame-ancestors" in error for error in errors), errors


def test_a_newsroom_named_in_the_setting_may_frame_it(browser, newsroom, embeddable_server: AppServer) -> None:
    text, errors = _frame_the_app(browser, newsroom, embeddable_server.url)
    assert "Putin" in text
    assert not any("frame-ancestors" in error or "Content Security Policy" in error for error in errors), errors
