"""How fast the dashboard's map is against a bare map with the same markers, in a real browser.

    .venv/bin/python bench/page.py [--rounds N] [--quick] [--keep]

Four variants, measured in the same run, start by start in turn (a, b, b', c, a, b, ...), after
one warm-up round that is not counted:

(a) the floor: a static page with a plain Folium map, served by a small HTTP server on 127.0.0.1;
(b) a minimal Streamlit + ``st_folium`` app (``bench/minimal_app.py``) drawing the same map;
(b') the same minimal app fetching the outlines from ``/app/static/`` as the dashboard does
     (information: like-for-like on what travels with every rerun);
(c) the dashboard on the bundled VOA article, ``/?basemap=offline``.

The markers come from the dashboard's own core (the article's geography in the default view):
the six curated site markers (``.site-<id>``) and the article's place markers
(``.place-marker``), on the offline country outlines. (a) and (b) draw them with plain Folium
(``bench/minimal_app.py``): one SVG circle per marker, the outlines as one embedded GeoJSON layer.

Each start opens a new browser context (cold cache, new Streamlit session) in Debian's Chromium;
the servers keep running, so server start-up is not part of any figure. The times come from the
browser's own clock, recorded by MutationObservers in the map's document (so Playwright's polling
adds nothing):

- load: from navigation start until all six site markers are in the map's DOM (the target
  figure); "map complete" also waits for every country outline;
- filter: from pressing the filter until ``.site-gabala-radar`` is gone from the map's DOM while
  the other five site markers are there. (b) and (c): the chip "Remove Russian proposal" of the
  proposal multiselect; (a): unticking "Russian proposal" in the map's layer control
  (client-only, no server).

Every request that tries to leave loopback is blocked; any such attempt, and any console error,
stops the run with an error. Target: the dashboard within 1.3x the minimal app on both times.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import streamlit.config  # noqa: E402
import streamlit.logger  # noqa: E402

# This process imports the apps' modules but runs no app: no "bare mode" warnings. (The config
# is read first, or reading it later would set the log level back.)
streamlit.config.get_option("logger.level")
streamlit.logger.set_log_level("error")

from playwright.sync_api import Browser, FrameLocator, Page, WebSocket, sync_playwright  # noqa: E402
from playwright.sync_api import Error as PlaywrightError  # noqa: E402

from bench.minimal_app import OUTLINES_ENV, SPEC_ENV, floor_map, read_spec  # noqa: E402
from dashboard.config import Settings  # noqa: E402
from dashboard.core.geography import place_markers, visible_places, visible_sites  # noqa: E402
from dashboard.core.render.base import DEFAULT_CENTER, DEFAULT_ZOOM, LOCAL_ASSETS  # noqa: E402
from dashboard.core.render.basemap import DEFAULT_BASEMAP_PATH, load_basemap  # noqa: E402
from dashboard.core.view.state import ViewState  # noqa: E402
from dashboard.services.articles import article_geography, catalogue, file_articles  # noqa: E402
from dashboard.services.gazetteer_file import ensure_gazetteer  # noqa: E402
from dashboard.services.geocoding import geocoding_chain_for  # noqa: E402
from dashboard.services.static_assets import ensure_static_assets  # noqa: E402
from dashboard.ui.mappanel import MAP_HEIGHT  # noqa: E402
from tests.browser.helpers import MAP_FRAME, wait_idle  # noqa: E402
from tests.harness import (  # noqa: E402
    CHROMIUM_ARGS,
    NON_LOOPBACK,
    AppServer,
    PageWatch,
    chromium_path,
    start_server,
)

ARTICLE_ID = "voa-2007-06-07-putin-gabala-offer"
DASHBOARD_QUERY = "/?basemap=offline"
FILTERED_PROPOSAL = "russian-proposal"
FILTERED_LABEL = "Russian proposal"
FILTERED_SITE = "gabala-radar"
VIEWPORT = {"width": 1400, "height": 1000}
TIMEOUT_MS = 60_000
SETTLE_MS = 500  # after the load and after the filter change, before going on (not timed)
FRAME_POLL_MS = 5  # how often the probe looks for a new iframe document
TARGET_RATIO = 1.3
OUTLINE_PATHS = ".leaflet-tile-pane path, .leaflet-overlay-pane path"
MapScope = Page | FrameLocator  # what holds the map's document: the page itself or the map's iframe


class BenchError(RuntimeError):
    """The run cannot give fair figures: a start left loopback, logged a console error, drew the
    wrong markers or timed out, or the set-up is missing something."""


@dataclass(frozen=True)
class Mark:
    """An attribute the probe sets on the map document's root element: a time in epoch ms."""

    attribute: str


SITES_SHOWN = Mark("data-bench-sites-at")
OUTLINES_SHOWN = Mark("data-bench-outlines-at")
FILTERED_GONE = Mark("data-bench-filtered-gone-at")

#: Installed in the top page before its scripts run. It watches the page's own document and,
#: from there, every iframe's current document (an iframe's first document, about:blank, gives
#: way to its page in the same window, where an init script does not run again). It marks when
#: all site markers are in a document, when all outlines are, and when the filtered site is
#: gone while the others are still there; it keeps the time of the last press. All times are
#: the top page's clock (epoch ms).
PROBE_JS = """
(() => {
  if (window.top !== window) return;
  const sites = %(sites)s, filtered = %(filtered)s, outlines = %(outlines)d, paths = %(paths)s;
  const others = sites.filter((id) => id !== filtered);
  const now = () => performance.timeOrigin + performance.now();
  const watched = new WeakSet();
  const watch = (doc) => {
    if (watched.has(doc)) return;
    watched.add(doc);
    const has = (id) => doc.getElementsByClassName("site-" + id).length > 0;
    let allSeen = false, outlinesSeen = false, filteredShown = false;
    const check = () => {
      const root = doc.documentElement;
      if (!root) return;
      if (!allSeen && sites.every(has)) { allSeen = true; root.setAttribute(%(sites_at)s, String(now())); }
      if (!outlinesSeen && doc.querySelectorAll(paths).length >= outlines) {
        outlinesSeen = true; root.setAttribute(%(outlines_at)s, String(now()));
      }
      if (!allSeen) return;
      const shown = has(filtered);
      if (filteredShown && !shown && others.every(has)) root.setAttribute(%(gone_at)s, String(now()));
      filteredShown = shown;
    };
    new MutationObserver(check).observe(doc, {childList: true, subtree: true});
    check();
  };
  addEventListener("pointerdown", () => { window.__benchPressAt = now(); }, true);
  watch(document);
  setInterval(() => {
    for (const frame of document.getElementsByTagName("iframe")) {
      if (frame.contentDocument) watch(frame.contentDocument);
    }
  }, %(poll_ms)d);
})();
"""

#: What the map's document holds once loaded (read after the load, not timed).
DRAWN_JS = """
(root, paths) => ({
  sites: document.querySelectorAll(".site-marker").length,
  places: document.querySelectorAll(".place-marker").length,
  outlines: document.querySelectorAll(paths).length,
  nodes: document.getElementsByTagName("*").length,
})
"""


# --- the markers, from the dashboard's core ---------------------------------------------------


def dashboard_map_spec() -> dict[str, Any]:
    """What the dashboard draws by default for the bundled article, as a plain map spec
    (read by ``bench/minimal_app.py``).

    Raises BenchError if the default view would cluster places (the plain map does not).
    """
    settings = Settings(offline=True)
    gazetteer = ensure_gazetteer()
    chain = geocoding_chain_for(settings, gazetteer)
    topics = catalogue()
    geo = article_geography(file_articles(settings)[ARTICLE_ID], chain, topics)
    view = ViewState(article=ARTICLE_ID, basemap="offline")
    labels = {category.id: category.label for topic in geo.topics for category in topic.categories}
    places = place_markers(visible_places(geo, view))
    if places.clusters:
        raise BenchError("the default view clusters places; the plain map draws single markers only")
    return {
        "center": list(DEFAULT_CENTER),
        "zoom": DEFAULT_ZOOM,
        "height": MAP_HEIGHT,
        "assets": {"js": [list(pair) for pair in LOCAL_ASSETS.js], "css": [list(pair) for pair in LOCAL_ASSETS.css]},
        "proposals": [{"id": category_id, "label": label} for category_id, label in labels.items()],
        "sites": [
            {"id": site.id, "proposal": site.category, "name": site.name, "lat": site.lat, "lon": site.lon,
             "colour": topics.role(site.role).colour}
            for site in visible_sites(geo, view)
        ],
        "places": [
            {"name": group.name, "lat": group.lat, "lon": group.lon, "mentions": group.count}
            for group in places.singles
        ],
        "outlines_path": str(DEFAULT_BASEMAP_PATH),
        "outline_count": len(load_basemap()["features"]),
    }


def probe_script(spec: dict[str, Any]) -> str:
    """The probe (``PROBE_JS``) for the spec's sites and outlines."""
    return PROBE_JS % {
        "sites": json.dumps([site["id"] for site in spec["sites"]]),
        "filtered": json.dumps(FILTERED_SITE),
        "outlines": spec["outline_count"],
        "paths": json.dumps(OUTLINE_PATHS),
        "sites_at": json.dumps(SITES_SHOWN.attribute),
        "outlines_at": json.dumps(OUTLINES_SHOWN.attribute),
        "gone_at": json.dumps(FILTERED_GONE.attribute),
        "poll_ms": FRAME_POLL_MS,
    }


# --- the three variants -----------------------------------------------------------------------


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 (the base class's name)
        pass


@contextmanager
def served_folder(folder: Path) -> Iterator[str]:
    """Serve ``folder`` on 127.0.0.1 from a thread; yield its base URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_QuietHandler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


def write_floor_site(spec_path: Path, folder: Path) -> None:
    """The static page ``index.html`` and its local assets under ``app/static/`` in ``folder``
    (the same URLs as the Streamlit apps')."""
    ensure_static_assets(folder / "app" / "static")
    floor_map(read_spec(spec_path)).save(str(folder / "index.html"))


def minimal_app_copy(folder: Path) -> Path:
    """A copy of ``bench/minimal_app.py`` in ``folder``, next to a ``static/`` with Leaflet and
    jQuery (what Streamlit serves at ``/app/static/``); return the copy's path."""
    ensure_static_assets(folder / "static")
    return Path(shutil.copy2(ROOT / "bench" / "minimal_app.py", folder / "minimal_app.py"))


def _page_itself(page: Page) -> MapScope:
    return page


def _map_frame(page: Page) -> MapScope:
    return page.frame_locator(MAP_FRAME)


def _untick_in_layer_control(page: Page) -> None:
    page.get_by_role("checkbox", name=FILTERED_LABEL).uncheck()


def _remove_multiselect_chip(page: Page) -> None:
    page.get_by_role("button", name=f"Remove {FILTERED_LABEL}").click()


def _settle_streamlit(page: Page) -> None:
    page.wait_for_timeout(SETTLE_MS)
    wait_idle(page)


def _settle_static(page: Page) -> None:
    page.wait_for_timeout(SETTLE_MS)


@dataclass(frozen=True)
class Variant:
    """One thing to measure: where it is, where its map lives, how to settle and filter it."""

    key: str
    title: str
    url: str
    map_scope: Callable[[Page], MapScope]
    settle: Callable[[Page], None]
    change_filter: Callable[[Page], None]


def floor_variant(url: str) -> Variant:
    return Variant("a", "static Folium page (floor)", url + "/index.html", _page_itself, _settle_static,
                   _untick_in_layer_control)


def minimal_variant(server: AppServer) -> Variant:
    return Variant("b", "minimal Streamlit + st_folium app", server.url + "/", _map_frame, _settle_streamlit,
                   _remove_multiselect_chip)


def served_minimal_variant(server: AppServer) -> Variant:
    return Variant("b'", "minimal app, outlines fetched like the dashboard's (information)", server.url + "/",
                   _map_frame, _settle_streamlit, _remove_multiselect_chip)


def dashboard_variant(server: AppServer) -> Variant:
    return Variant("c", "dashboard", server.url + DASHBOARD_QUERY, _map_frame, _settle_streamlit,
                   _remove_multiselect_chip)


# --- one start --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawn:
    """What the map's document held after loading."""

    sites: int
    places: int
    outlines: int
    nodes: int


@dataclass(frozen=True)
class StartTimes:
    """One start of one variant: times in milliseconds, what the app's websocket brought in KB."""

    variant: str
    load_ms: float
    complete_ms: float
    filter_ms: float
    load_kb: float
    filter_kb: float
    drawn: Drawn


class WireCounter:
    """Bytes a page received on its websockets (Streamlit's messages) since the last reset."""

    def __init__(self) -> None:
        self.received = 0

    def attach(self, socket: WebSocket) -> None:
        socket.on("framereceived", self._count)

    def _count(self, payload: str | bytes) -> None:
        self.received += len(payload)

    def take_kb(self) -> float:
        """The KB received since the last call, and start counting again."""
        kb, self.received = self.received / 1024, 0
        return kb


def watched_page(browser: Browser, probe: str, watch: PageWatch, wire: WireCounter) -> Page:
    """A page in a new context: the probe installed, non-loopback requests blocked and
    recorded (websockets too), console errors and page errors recorded, websocket bytes counted."""
    context = browser.new_context(viewport=VIEWPORT)
    context.add_init_script(probe)
    context.route(NON_LOOPBACK, lambda route: route.abort())
    context.on("request", lambda request: watch.external_requests.append(request.url)
               if NON_LOOPBACK.match(request.url) else None)
    page = context.new_page()
    page.on("websocket", lambda socket: watch.external_requests.append(socket.url)
            if NON_LOOPBACK.match(socket.url) else None)
    page.on("websocket", wire.attach)
    page.on("console", lambda message: watch.console_errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: watch.console_errors.append(f"pageerror: {error}"))
    return page


def wait_for_mark(scope: MapScope, mark: Mark) -> float:
    """Wait until the map document's root carries ``mark``; return its time (epoch ms)."""
    marked = scope.locator(f":root[{mark.attribute}]")
    marked.wait_for(state="attached", timeout=TIMEOUT_MS)
    return float(marked.get_attribute(mark.attribute) or "nan")


def _time_start(page: Page, variant: Variant, wire: WireCounter) -> StartTimes:
    page.goto(variant.url, wait_until="commit")
    scope = variant.map_scope(page)
    sites_at = wait_for_mark(scope, SITES_SHOWN)
    outlines_at = wait_for_mark(scope, OUTLINES_SHOWN)
    navigation_start = page.evaluate("performance.timeOrigin")
    root = scope.locator(":root")
    drawn = Drawn(**root.evaluate(DRAWN_JS, OUTLINE_PATHS))
    variant.settle(page)
    load_kb = wire.take_kb()
    root.evaluate("(root, name) => root.removeAttribute(name)", FILTERED_GONE.attribute)
    variant.change_filter(page)
    gone_at = wait_for_mark(scope, FILTERED_GONE)
    filter_ms = gone_at - page.evaluate("window.__benchPressAt")
    variant.settle(page)  # the server finishes this rerun before the next start begins (not timed)
    return StartTimes(variant.key, sites_at - navigation_start, max(sites_at, outlines_at) - navigation_start,
                      filter_ms, load_kb, wire.take_kb(), drawn)


def measure_start(browser: Browser, variant: Variant, probe: str, spec: dict[str, Any]) -> StartTimes:
    """Open ``variant`` in a cold context; time the load and one filter change.

    Raises BenchError on a request off loopback, a console error, other numbers of site and
    place markers than ``spec`` has, or a browser error or time-out.
    """
    watch, wire = PageWatch(), WireCounter()
    page = watched_page(browser, probe, watch, wire)
    try:
        start = _time_start(page, variant, wire)
    except PlaywrightError as err:
        raise BenchError(f"({variant.key}) {variant.title}: {err}") from err
    finally:
        page.context.close()
    problems = [f"request off loopback: {url}" for url in watch.external_requests]
    problems += [f"console error: {text}" for text in watch.console_errors]
    drawn = start.drawn
    if (drawn.sites, drawn.places) != (len(spec["sites"]), len(spec["places"])):
        problems.append(f"drew {drawn.sites} sites and {drawn.places} places, "
                        f"expected {len(spec['sites'])} and {len(spec['places'])}")
    if problems:
        raise BenchError(f"({variant.key}) {variant.title}: " + "; ".join(problems))
    return start


# --- the report -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Spread:
    """Median, minimum and maximum of some milliseconds."""

    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(statistics.median(values), min(values), max(values))

    def __str__(self) -> str:
        return f"{self.median:,.0f} ms ({self.low:,.0f}–{self.high:,.0f})"


@dataclass(frozen=True)
class VariantSummary:
    """All counted starts of one variant."""

    variant: Variant
    starts: int
    load: Spread
    complete: Spread
    filter: Spread
    load_kb: float  # medians
    filter_kb: float
    drawn: Drawn


def summarize(variant: Variant, starts: list[StartTimes]) -> VariantSummary:
    """The spreads of ``variant``'s starts among ``starts``."""
    mine = [start for start in starts if start.variant == variant.key]
    return VariantSummary(
        variant, len(mine), Spread.of([s.load_ms for s in mine]), Spread.of([s.complete_ms for s in mine]),
        Spread.of([s.filter_ms for s in mine]), statistics.median(s.load_kb for s in mine),
        statistics.median(s.filter_kb for s in mine), mine[-1].drawn,
    )


@dataclass(frozen=True)
class RunContext:
    """Where and when the figures were made."""

    command: str
    rounds: int
    tree: str
    load_before: float
    load_after: float


def tree_state() -> str:
    """The commit, and whether dashboard/ has uncommitted changes."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True).stdout.strip()

    dirty = " + uncommitted changes in dashboard/" if git("status", "--porcelain", "--", "dashboard") else ""
    return (git("rev-parse", "--short", "HEAD") or "unknown commit") + dirty


def _verdict(ratio: float, target: float | None) -> str:
    if target is None:
        return f"{ratio:.2f}x"
    return f"{ratio:.2f}x ({'met' if ratio <= target else 'MISSED'})"


def _ratio_row(label: str, top: VariantSummary, bottom: VariantSummary, target: float | None) -> str:
    return (f"| {label} | {_verdict(top.load.median / bottom.load.median, target)} | "
            f"{_verdict(top.filter.median / bottom.filter.median, target)} | "
            f"{top.complete.median / bottom.complete.median:.2f}x |")


WHAT_IS_DRAWN = """\
What each variant draws (no tiles in any):
- (a) and (b), plain Folium (`bench/minimal_app.py`): the site markers as `DivIcon`s (one SVG circle each, classes
  `site-marker site-<id>`, the site's name as tooltip) in one `FeatureGroup` per proposal; the place markers
  (`place-marker`) in one group; the country outlines as one `folium.GeoJson` embedded in the map's script
  (Leaflet's default style, overlay pane); a layer control. (a) is one static page, the layer control open;
  (b) passes the groups to `st_folium` as `feature_group_to_add` (no remount on a filter change, as in the
  dashboard) under a proposal multiselect in the sidebar. (b') is (b) with the outlines fetched by the browser
  from `/app/static/` through the dashboard's own layer, as the dashboard does.
- (c) the dashboard's own map (`dashboard/ui/mappanel.py`, `dashboard/core/render/`): the same markers with
  role-shaped, status-styled SVG icons and escaped tooltips, the outlines the way the dashboard draws them (the
  websocket column shows whether they travel with every rerun), legend, scale, fullscreen, measure and link
  controls; and the rest of the page (sidebar with filters, date slider, site list, excerpts, the add-an-article
  expander, whose form is built only when opened; the open analysis tab, the sites table).
- Not the same: icons and styles, the extra controls, and everything on the dashboard's page besides the map."""


def print_report(context: RunContext, summaries: dict[str, VariantSummary]) -> None:
    """Markdown: the command, the times per variant, what each drew, the ratios and verdict."""
    print(f"```\n$ {context.command}\n```\n")
    print(f"{context.rounds} counted rounds (a, b, b', c in turn, after one warm-up round not counted); every "
          "start a new browser context (cold cache) against servers already running (server start-up not "
          f"included). Browser clock, Debian's Chromium, headless. Tree: {context.tree}. Machine: "
          f"{os.cpu_count()} cores, load average {context.load_before:.1f} at the start and "
          f"{context.load_after:.1f} at the end (1 min).\n")
    print("| variant | starts | load: navigation → 6 site markers in the map DOM | "
          "map complete: markers and every outline | filter change → Gabala gone | "
          "websocket KB received: load / filter change | drawn: sites / places / outline paths / DOM nodes in the map |")
    print("|---|---|---|---|---|---|---|")
    for summary in summaries.values():
        drawn = summary.drawn
        print(f"| ({summary.variant.key}) {summary.variant.title} | {summary.starts} | {summary.load} | "
              f"{summary.complete} | {summary.filter} | {summary.load_kb:,.0f} / {summary.filter_kb:,.0f} | "
              f"{drawn.sites} / {drawn.places} / {drawn.outlines} / {drawn.nodes:,} |")
    print("\nTimes: median (min–max); KB: median.\n")
    print("| ratio of medians | load | filter change | map complete (information) |\n|---|---|---|---|")
    print(_ratio_row(f"(c)/(b) dashboard ÷ minimal app, target ≤ {TARGET_RATIO:g}x", summaries["c"],
                     summaries["b"], TARGET_RATIO))
    print(_ratio_row("(c)/(b') dashboard ÷ minimal app with fetched outlines (information)", summaries["c"],
                     summaries["b'"], None))
    print(_ratio_row("(b)/(a) minimal app ÷ static page (information)", summaries["b"], summaries["a"], None))
    dashboard, minimal = summaries["c"], summaries["b"]
    met = (dashboard.load.median <= TARGET_RATIO * minimal.load.median
           and dashboard.filter.median <= TARGET_RATIO * minimal.filter.median)
    print(f"\nTarget (dashboard within {TARGET_RATIO:g}x the minimal app on both): {'met' if met else 'MISSED'}.\n")
    print(WHAT_IS_DRAWN)


# --- the run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Setup:
    """What the run needs on disk: the map spec, the probe for it, the minimal app's copy and the
    static floor site."""

    spec: dict[str, Any]
    spec_path: Path
    probe: str
    minimal_script: Path
    served_minimal_script: Path
    floor_folder: Path


def prepare(work: Path) -> Setup:
    """Write the map spec, the static floor site and the minimal app's copy under ``work``."""
    spec = dashboard_map_spec()
    spec_path = work / "map-spec.json"
    spec_path.write_text(json.dumps(spec), encoding="utf-8")
    for name in ("floor", "minimal", "minimal-served", "dashboard"):
        (work / name).mkdir()
    write_floor_site(spec_path, work / "floor")
    return Setup(spec, spec_path, probe_script(spec), minimal_app_copy(work / "minimal"),
                 minimal_app_copy(work / "minimal-served"), work / "floor")


def measure_rounds(browser: Browser, variants: list[Variant], rounds: int, setup: Setup) -> list[StartTimes]:
    """One warm-up round (not kept), then ``rounds`` rounds of every variant in turn."""
    starts = []
    for round_no in range(rounds + 1):
        for variant in variants:
            start = measure_start(browser, variant, setup.probe, setup.spec)
            if round_no > 0:
                starts.append(start)
            print(f"round {round_no}{' (warm-up)' if round_no == 0 else ''} ({variant.key}): load "
                  f"{start.load_ms:.0f} ms, complete {start.complete_ms:.0f} ms, filter {start.filter_ms:.0f} ms",
                  file=sys.stderr)
    return starts


def run(rounds: int, work: Path) -> dict[str, VariantSummary]:
    """Start the servers and the browser, measure, summarize per variant."""
    chromium = chromium_path()
    if chromium is None:
        raise BenchError("Chromium not installed (`make test` installs Debian's chromium)")
    setup = prepare(work)
    servers: list[AppServer] = []
    try:
        spec_env = {SPEC_ENV: str(setup.spec_path)}
        servers.append(start_server(work / "minimal", spec_env, script=setup.minimal_script))
        servers.append(start_server(work / "minimal-served", {**spec_env, OUTLINES_ENV: "served"},
                                    script=setup.served_minimal_script))
        servers.append(start_server(work / "dashboard", {}))
        minimal, served_minimal, dashboard = servers
        with served_folder(setup.floor_folder) as floor_url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            variants = [floor_variant(floor_url), minimal_variant(minimal), served_minimal_variant(served_minimal),
                        dashboard_variant(dashboard)]
            starts = measure_rounds(browser, variants, rounds, setup)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    return {variant.key: summarize(variant, starts) for variant in variants}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=7, help="counted rounds (default 7; the issue asks for ≥ 5)")
    parser.add_argument("--quick", action="store_true", help="2 rounds, for development")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (server logs, the static page)")
    args = parser.parse_args()
    rounds = 2 if args.quick else args.rounds
    if rounds < 1:
        parser.error("--rounds must be at least 1")
    command = ".venv/bin/python bench/page.py" + (" --quick" if args.quick else "" if rounds == 7 else f" --rounds {rounds}")
    work = Path(tempfile.mkdtemp(prefix="bench-page-"))
    tree, load_before = tree_state(), os.getloadavg()[0]
    try:
        summaries = run(rounds, work)
    except BenchError as err:
        print(f"bench/page.py FAILED: {err}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"work folder kept: {work}", file=sys.stderr)
        else:
            shutil.rmtree(work, ignore_errors=True)
    print_report(RunContext(command, rounds, tree, load_before, os.getloadavg()[0]), summaries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
