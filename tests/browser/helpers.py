"""Small waits and probes shared by the browser tests (no sleeps: Playwright waits only)."""
from __future__ import annotations

from collections.abc import Callable
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Frame, FrameLocator, Locator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

MAP_FRAME = "iframe[title='streamlit_folium.st_folium']"
VOA = "voa-2007-06-07-putin-gabala-offer"
EPAA = "usace-2016-01-07-romania-missile-defense-complex"
SIDEBAR = "[data-testid=stSidebar]"
#: "Map your own article", the panel at the top of the page (its expander's key).
ADD_ARTICLE = ".st-key-add_article_open"

#: A short story invented for the tests (no curated site): places in Vietnam and Laos.
PASTED_TITLE = "Floods close schools in Hanoi"
PASTED_TEXT = """Heavy rain closed schools across Hanoi on Tuesday as the Red River rose above its first warning mark, city officials said.

In Ho Chi Minh City, about 1,150 kilometres to the south, the port authority held container ships at anchor for a second day. Forecasters in Da Nang said the storm would weaken before it crossed into Laos.

Vietnam's government said 12,500 people had left low-lying districts near Hanoi and that ferries to Phu Quoc would resume on Friday.
"""

#: Every site and place marker Leaflet draws, with where it is: ``key`` (what it selects),
#: ``classes``, ``lat``/``lng``, ``inBounds`` (inside ``map.getBounds()``) and ``x``/``y`` (its
#: centre in the map's container, px). ``arguments[0]`` is the Leaflet map.
_MARKERS_JS = """
(map) => {
    const bounds = map.getBounds(), out = [];
    map.eachLayer((layer) => {
        if (!(layer instanceof L.Marker) || !layer.getElement()) { return; }
        const element = layer.getElement();
        if (!/\\b(site-marker|place-marker)\\b/.test(element.className)) { return; }
        const at = map.latLngToContainerPoint(layer.getLatLng()), box = element.getBoundingClientRect();
        const top = element.ownerDocument.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2);
        out.push({key: element.dataset.key || "", classes: element.className, label: element.getAttribute("aria-label"),
                  lat: layer.getLatLng().lat, lng: layer.getLatLng().lng,
                  inBounds: bounds.contains(layer.getLatLng()), x: at.x, y: at.y,
                  covered: !(top && (top === element || element.contains(top)))});
    });
    return out;
}
"""

#: How the map frames: its zoom, centre and size, the story's focus (``frame``: the bounds the map
#: fits, see ``core/render/focus``), and the zoom at which ``fitBounds`` with the app's padding
#: (24 px each side, ``FrameView``) would show that focus.
_FRAME_JS = """
(map) => {
    const points = [], focus = window.dashboardMap && window.dashboardMap.state.frameBounds;
    map.eachLayer((layer) => {
        if (layer instanceof L.Marker && layer.getElement() && /\\b(site-marker|place-marker)\\b/.test(layer.getElement().className)) {
            points.push(layer.getLatLng());
        }
    });
    const count = points.length;
    if (focus) { points.length = 0; points.push(L.latLng(focus[0]), L.latLng(focus[1])); }
    const size = map.getSize(), legend = map.getContainer().querySelector(".map-legend[open]");
    // the paddings the frame used to keep the map's controls clear (FrameView); whether it kept
    // them clear is checked apart, by what lies on top of each marker (``covered``)
    const padding = (window.dashboardMap && window.dashboardMap.state.framePadding) || {topLeft: [24, 24], bottomRight: [24, 24]};
    let legendBox = null;
    const padded = padding.topLeft.concat(padding.bottomRight).some((value) => value !== 24);
    if (legend && padded) {
        const box = legend.getBoundingClientRect(), outer = map.getContainer().getBoundingClientRect();
        legendBox = {left: box.left - outer.left, top: box.top - outer.top, right: box.right - outer.left, bottom: box.bottom - outer.top};
    }
    const bounds = points.length ? L.latLngBounds(points) : null;
    const room = L.point(padding.topLeft[0] + padding.bottomRight[0], padding.topLeft[1] + padding.bottomRight[1]);
    return {zoom: map.getZoom(), lat: map.getCenter().lat, lng: map.getCenter().lng, width: size.x, height: size.y,
            markers: count, legend: legendBox, frame: focus || null, padded: padded,
            fitZoom: bounds ? map.getBoundsZoom(bounds, false, room) : null};
}
"""


def open_dashboard(page: Page, url: str) -> FrameLocator:
    """Open ``url``, wait for the script to finish and the map's markers; return the map frame."""
    page.goto(url)
    wait_idle(page)
    frame = page.frame_locator(MAP_FRAME)
    expect(frame.locator(".leaflet-container:not(.inset-map)")).to_be_visible(timeout=30_000)
    return frame


def wait_idle(page: Page) -> None:
    """Wait until Streamlit has finished running the script."""
    page.wait_for_timeout(300)
    expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1, timeout=30_000)


def settle(page: Page) -> None:
    """Wait until the map has reported its first view (it does 250 ms after it moves) and the
    rerun that causes has finished: a click made during that rerun can be lost (Streamlit merges
    the two rerun requests and may drop the click's one-shot trigger)."""
    wait_idle(page)
    page.wait_for_timeout(800)
    wait_idle(page)


def map_frame(page: Page) -> Frame:
    """The map iframe's frame (to evaluate script in it)."""
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame is not None
    return frame


def leaflet_map(frame: Frame) -> str:
    """A JS expression for the Leaflet map of ``frame``: streamlit-folium's ``window.map``, or the
    one ``map_<id>`` variable of a standalone (exported) page."""
    return "(window.map || window[Object.keys(window).find((k) => /^map_[0-9a-f]+$/.test(k))])"


def drawn_markers(frame: Frame) -> list[dict]:
    """Every site and place marker on the map (see ``_MARKERS_JS``)."""
    return frame.evaluate(f"() => ({_MARKERS_JS})({leaflet_map(frame)})")


def map_state(frame: Frame) -> dict:
    """The map's zoom, centre, size, marker count and the zoom that fits every marker."""
    return frame.evaluate(f"() => ({_FRAME_JS})({leaflet_map(frame)})")


def wait_for_markers(frame: Frame, at_least: int = 1) -> None:
    """Wait until the map has drawn ``at_least`` site or place markers."""
    expect(frame.locator(".site-marker, .place-marker").nth(at_least - 1)).to_be_attached(timeout=30_000)


def wait_until(page: Page, condition: Callable[[], bool], what: str, timeout_ms: int = 15_000) -> None:
    """Poll ``condition`` (with Playwright's clock, so the page's routes keep running)."""
    waited = 0
    while not condition():
        if waited >= timeout_ms:
            raise AssertionError(f"timed out waiting for {what}")
        page.wait_for_timeout(200)
        waited += 200


def assert_framed(page: Page, frame: Frame, max_zoom: int = 7) -> dict:
    """Assert that the map shows the story's focus, fitted: every marker inside the focus is inside
    the bounds and none under an open legend, and the zoom is the one ``fitBounds`` picks for the
    focus (capped at ``max_zoom``). Returns the map state."""
    last: list[dict] = []

    def settled() -> bool:  # fitted, and still for two looks in a row (no pan or zoom under way)
        state = map_state(frame)
        still = bool(last) and (last[-1]["lat"], last[-1]["lng"], last[-1]["zoom"]) == (state["lat"], state["lng"], state["zoom"])
        last.append(state)
        return still and state["markers"] > 0 and state["zoom"] == min(max_zoom, state["fitZoom"])

    wait_until(page, settled, "the map to fit its markers")
    state = map_state(frame)
    (south, west), (north, east) = state["frame"]
    markers = [m for m in drawn_markers(frame) if south <= m["lat"] <= north and west <= m["lng"] <= east]
    outside = [m["label"] for m in markers if not m["inBounds"]]
    assert not outside, f"markers outside the map's view: {outside}"
    state = map_state(frame)
    legend = state["legend"]
    if legend:
        hidden = [m["label"] for m in markers
                  if legend["left"] <= m["x"] <= legend["right"] and legend["top"] <= m["y"] <= legend["bottom"]]
        assert not hidden, f"markers under the open legend: {hidden}"
    if state["padded"]:  # unless the map is too small to keep its controls clear
        covered = [m["label"] for m in markers if m["covered"] and "site-marker" in m["classes"]]
        assert not covered, f"sites under a control of the map: {covered}"
    return state


def query(url: str) -> dict[str, str]:
    """The URL's query parameters (last value of each)."""
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query, keep_blank_values=True).items()}


def wait_for_url_param(page: Page, key: str, predicate: Callable[[str], bool] = lambda value: True) -> str:
    """Wait until the page's URL has ``key`` with a value ``predicate`` accepts; return it."""
    for _ in range(60):
        value = query(page.url).get(key)
        if value is not None and predicate(value):
            return value
        page.wait_for_timeout(250)
    raise AssertionError(f"URL never got a matching {key!r}: {page.url}")


def open_add_article(page: Page) -> Locator:
    """Open "Map your own article" at the top of the page (if closed); return its panel."""
    panel = page.locator(ADD_ARTICLE)
    if not panel.get_by_role("tab", name="Paste").is_visible():
        panel.get_by_text("Map your own article").click()
        wait_idle(page)
    expect(panel.get_by_role("tab", name="Paste")).to_be_visible()
    return panel


def add_pasted_article(page: Page, text: str, title: str, outlet: str = "") -> str:
    """Add an article through "Map your own article" → Paste, wait until it is shown and return
    its id (from the URL)."""
    settle(page)  # a click during the map's own rerun can be lost
    before = query(page.url).get("article")
    for attempt in range(3):  # on a slow machine a late rerun of the map can close the panel once
        panel = open_add_article(page)
        try:
            panel.get_by_label("Article text").fill(text, timeout=10_000)
            panel.get_by_label("Title").first.fill(title, timeout=10_000)
            panel.get_by_label("Outlet").first.fill(outlet, timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
            wait_idle(page)
    panel.get_by_role("button", name="Add and map").first.click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible(timeout=30_000)
    article = wait_for_url_param(page, "article", lambda value: value not in (VOA, EPAA, before))
    settle(page)
    return article


def article_options(page: Page) -> list[str]:
    """Open the sidebar's article selector and return the labels it offers (left open)."""
    options = page.get_by_role("option")
    for _ in range(3):  # a click that lands while the page settles may only focus the box
        page.locator(SIDEBAR).get_by_role("combobox", name="Article").click()
        try:
            expect(options.first).to_be_visible(timeout=3_000)
            break
        except AssertionError:
            page.keyboard.press("Escape")
    return options.all_inner_texts()


def choose_article(page: Page, label: str) -> None:
    """Choose an article in the sidebar's selector by (the start of) its label."""
    article_options(page)
    page.get_by_role("option").filter(has_text=label).first.click()
    wait_idle(page)
