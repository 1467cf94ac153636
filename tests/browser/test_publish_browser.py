"""Publishing from the page, in a real browser: the snapshot's page opens in a fresh context with
every non-loopback request blocked and loads its scripts from content-addressed paths, its map
shows the same window as its PNG (and the same overview), an embed in a page of another origin
follows its height, and the images and oEmbed answer; all offline."""
from __future__ import annotations

import http.server
import io
import json
import re
import struct
import threading
from collections.abc import Iterator
from urllib.parse import quote

import pytest
from conftest import guarded_context, watched_page
from helpers import VOA, open_dashboard, wait_idle
from playwright.sync_api import expect

from dashboard.core.render.focus import MAX_FRAME_ZOOM
from dashboard.core.render.frame import fit_frame, published_padding, window_at
from dashboard.core.render.image import FRAME_METADATA_KEY, HEIGHT_PX, WIDTH_PX
from tests.harness import AppServer, PageWatch, free_port


@pytest.fixture
def published(offline_server: AppServer, page) -> tuple[str, str]:
    """Publish the VOA story's view from the page's Publish form; returns (snapshot id, embed code)."""
    open_dashboard(page, f"{offline_server.url}/?article={VOA}&proposal=us-plan,russian-proposal")
    page.get_by_text("Publish this view").click()
    wait_idle(page)
    title = page.get_by_label("Title")
    expect(title).to_have_value(re.compile("Putin"))
    expect(page.get_by_label("Alt text (for readers who cannot see the map)")).to_have_value(re.compile(r"^Map of \w+ sites: "))
    title.fill("Radars offered in 2007")
    page.get_by_role("button", name="Publish", exact=True).click()
    wait_idle(page)
    link = page.locator("a[href*='/s/']").first
    expect(link).to_be_visible(timeout=30_000)
    snapshot = re.search(r"/s/([0-9a-f]{20})/", link.get_attribute("href") or "").group(1)
    code = page.locator("[data-testid=stCode] code").inner_text()
    assert f"{offline_server.url}/s/{snapshot}/embed" in code
    return snapshot, code


def test_the_published_page_stands_alone_offline(browser, offline_server: AppServer, published) -> None:
    snapshot, _ = published
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": 1200, "height": 900})
    reader = watched_page(context, watch)
    response = reader.goto(f"{offline_server.url}/s/{snapshot}/")
    assert response is not None and response.status == 200
    assert "immutable" in response.headers["cache-control"] and response.headers["etag"]
    assert "script-src 'self'" in response.headers["content-security-policy"]
    for site in ("czech-radar", "poland-interceptors", "gabala-radar"):
        expect(reader.locator(f".site-{site}")).to_have_count(1, timeout=30_000)
    expect(reader.locator(".site-iran")).to_have_count(0)  # the view showed two proposals only
    expect(reader.locator(".site-gabala-radar")).to_have_attribute("title", re.compile("Gabala"))
    expect(reader.locator(".map-legend")).to_be_visible()
    expect(reader.locator("h1")).to_have_text("Radars offered in 2007")
    og_image = reader.locator('meta[property="og:image"]').get_attribute("content")
    assert og_image == f"{offline_server.url}/s/{snapshot}/map.png"
    assert reader.locator('meta[name="twitter:card"]').get_attribute("content") == "summary_large_image"
    oembed = reader.locator('link[type="application/json+oembed"]').get_attribute("href")
    assert oembed.startswith(f"{offline_server.url}/oembed?url=")
    expect(reader.locator(".snapshot-sources li").first).to_be_attached()
    sources = reader.eval_on_selector_all("script[src], link[rel=stylesheet]", "els => els.map(e => e.src || e.href)")
    assert len(sources) == 4 and all(re.fullmatch(rf"{offline_server.url}/s/assets/[0-9a-f]{{64}}\.(js|css)", url)
                                     for url in sources), sources  # frozen: nothing from /app/static
    reader.wait_for_timeout(300)
    context.close()
    assert watch.external_requests == [] and watch.console_errors == []


#: Resizes the page's Leaflet map (not the overview's), lets it refit, and reads its view back.
LEAFLET_VIEW_AT = """([width, height]) => {
    const map = Object.values(window).find(v => v instanceof L.Map && v.getContainer().classList.contains("folium-map"));
    const box = map.getContainer();
    box.style.setProperty("width", width + "px", "important");
    box.style.setProperty("height", height + "px", "important");
    map.invalidateSize({animate: false});
    const bounds = map.getBounds(), size = map.getSize();
    const inset = box.querySelector(".inset-map"), extent = box.querySelector(".inset-extent");
    const outer = inset && inset.getBoundingClientRect(), shown = extent && extent.getBoundingClientRect();
    return {zoom: map.getZoom(), size: [size.x, size.y], north: bounds.getNorth(), west: bounds.getWest(),
            south: bounds.getSouth(), east: bounds.getEast(), frame: window.dashboardMap.state.frameBounds,
            extent: shown ? [shown.left - outer.left - inset.clientLeft, shown.top - outer.top - inset.clientTop,
                             shown.right - outer.left - inset.clientLeft, shown.bottom - outer.top - inset.clientTop] : null};
}"""


def test_the_published_map_shows_the_window_of_its_png(browser, offline_server: AppServer, published) -> None:
    from PIL import Image

    snapshot, _ = published
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": WIDTH_PX, "height": HEIGHT_PX})
    reader = watched_page(context, watch)
    reader.goto(f"{offline_server.url}/s/{snapshot}/")
    expect(reader.locator(".site-czech-radar")).to_have_count(1, timeout=30_000)
    expect(reader.locator(".inset-map .inset-extent")).to_have_count(1, timeout=15_000)
    reader.wait_for_function("() => window.dashboardMap.state.framed !== null")
    png = reader.request.get(f"{offline_server.url}/s/{snapshot}/map.png").body()
    drawn = json.loads(Image.open(io.BytesIO(png)).text[FRAME_METADATA_KEY])
    assert drawn["inset"] is not None  # the story's far places: the image has the overview too

    seen = reader.evaluate(LEAFLET_VIEW_AT, [WIDTH_PX, HEIGHT_PX])  # the image's size
    assert seen["size"] == [WIDTH_PX, HEIGHT_PX] and seen["zoom"] == drawn["map"]["zoom"], (seen, drawn)
    image = window_at(*drawn["map"]["center"], drawn["map"]["zoom"], WIDTH_PX, HEIGHT_PX)
    for (lat, lon), corner in (((seen["north"], seen["west"]), (0, 0)), ((seen["south"], seen["east"]), (WIDTH_PX, HEIGHT_PX))):
        x, y = image.to_pixel(lat, lon)
        assert abs(x - corner[0]) <= 1 and abs(y - corner[1]) <= 1, (x, y, corner)
    # the overview: the main map's extent outlined where the image outlines it
    inset = window_at(*drawn["inset"]["center"], drawn["inset"]["zoom"], *drawn["inset"]["size"])
    (left, top), (right, bottom) = inset.to_pixel(seen["north"], seen["west"]), inset.to_pixel(seen["south"], seen["east"])
    assert all(abs(a - b) <= 2.5 for a, b in zip(seen["extent"], (left, top, right, bottom))), (seen["extent"], left, top)

    # a phone-sized map: the padding gives way to 24 px all round, by the same rule
    frame = tuple(tuple(corner) for corner in seen["frame"])
    phone = reader.evaluate(LEAFLET_VIEW_AT, [390, 500])
    expected = fit_frame(frame, 390, 500, published_padding(True), max_zoom=MAX_FRAME_ZOOM)
    assert phone["zoom"] == expected.zoom, (phone, expected)
    for (lat, lon), corner in (((phone["north"], phone["west"]), (0, 0)), ((phone["south"], phone["east"]), (390, 500))):
        x, y = expected.to_pixel(lat, lon)
        assert abs(x - corner[0]) <= 1 and abs(y - corner[1]) <= 1, (x, y, corner)
    context.close()
    assert watch.external_requests == [] and watch.console_errors == []


@pytest.fixture
def other_origin() -> Iterator[dict[str, str]]:
    """A page server on another loopback port (another origin); put HTML under ``"/"`` in the dict."""
    pages: dict[str, str] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = pages.get(self.path, "").encode("utf-8")
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    port = free_port()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pages["origin"] = f"http://127.0.0.1:{port}"
    yield pages
    server.shutdown()


def test_an_embed_on_another_site_follows_its_height(browser, offline_server: AppServer, published, other_origin) -> None:
    snapshot, code = published
    other_origin["/"] = f'<!DOCTYPE html><html><body><div id="story" style="width: 900px">{code}</div></body></html>'
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": 1000, "height": 800})
    story = watched_page(context, watch)
    story.goto(other_origin["origin"] + "/")
    frame = story.frame_locator("iframe.dashboard-snapshot")
    expect(frame.locator(".site-czech-radar")).to_have_count(1, timeout=30_000)

    def iframe_height() -> float:
        return story.locator("iframe.dashboard-snapshot").evaluate("f => f.getBoundingClientRect().height")

    story.wait_for_function("() => document.querySelector('iframe.dashboard-snapshot').style.height !== '640px'",
                            timeout=15_000)
    wide = iframe_height()
    assert 400 < wide < 1500, wide
    story.locator("#story").evaluate("box => box.style.width = '320px'")  # a phone-wide column: texts wrap
    story.wait_for_function(f"() => document.querySelector('iframe.dashboard-snapshot').getBoundingClientRect().height > {wide + 20}",
                            timeout=15_000)
    narrow = iframe_height()
    inner = frame.locator("html").evaluate("html => Math.ceil(html.getBoundingClientRect().height)")
    assert abs(narrow - inner) <= 2, (narrow, inner)
    context.close()
    assert watch.external_requests == [] and watch.console_errors == []


def test_images_and_oembed_are_served(offline_server: AppServer, published, page) -> None:
    snapshot, _ = published
    base = f"{offline_server.url}/s/{snapshot}"
    png = page.request.get(f"{base}/map.png")
    assert png.status == 200 and png.headers["content-type"] == "image/png"
    assert struct.unpack(">II", png.body()[16:24]) == (1200, 675)
    print_png = page.request.get(f"{base}/map.png?scale=2")
    assert struct.unpack(">II", print_png.body()[16:24]) == (2400, 1350)
    svg = page.request.get(f"{base}/map.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "Radars offered in 2007" in svg.text()
    pdf = page.request.get(f"{base}/map.pdf")
    assert pdf.headers["content-type"] == "application/pdf" and pdf.body().startswith(b"%PDF")
    answer = page.request.get(f"{offline_server.url}/oembed?url={quote(base + '/', safe='')}&format=json").json()
    assert answer["type"] == "rich" and answer["version"] == "1.0" and f"{base}/embed" in answer["html"]
    assert page.request.get(f"{offline_server.url}/oembed?url={quote('https://example.org/s/' + snapshot + '/')}").status == 404
    missing = page.request.get(f"{offline_server.url}/s/{'0' * 20}/")
    assert missing.status == 404 and "Snapshot not found" in missing.text()


def test_the_published_pages_are_accessible(browser, offline_server: AppServer, published) -> None:
    from test_accessibility_browser import assert_accessible, describe

    snapshot, _ = published
    watch = PageWatch()
    context = guarded_context(browser, watch, viewport={"width": 1200, "height": 900})
    reader = watched_page(context, watch)
    for path in (f"/s/{snapshot}/", f"/s/{snapshot}/embed"):
        reader.goto(offline_server.url + path)
        expect(reader.locator(".site-czech-radar")).to_have_count(1, timeout=30_000)
        assert reader.locator("html").get_attribute("lang") == "en"
        violations = assert_accessible(reader, path)
        assert violations == [], describe(violations)  # not even a moderate one
    context.close()
    assert watch.external_requests == [] and watch.console_errors == []
