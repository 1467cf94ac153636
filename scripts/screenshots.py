"""Take the README's screenshots of the dashboard (headless Chromium, offline).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots] [--only NAME ...]

Starts the app on a free loopback port with DASHBOARD_OFFLINE=1 and an empty data folder of its
own, blocks every request that would leave the machine, adds a short invented story through the
"Add an article" form, and saves one PNG per view (palette-reduced, to keep them small). Needs
Debian's chromium and the test requirements (Playwright)."""
from __future__ import annotations

import argparse
import io
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PIL import Image
from playwright.sync_api import Page, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "browser")]

from helpers import (  # the browser tests' own waits and the invented story
    EPAA,
    MAP_FRAME,
    PASTED_TEXT,
    PASTED_TITLE,
    VOA,
    add_pasted_article,
    open_dashboard,
    wait_for_markers,
    wait_for_url_param,
    wait_idle,
)

from tests.harness import CHROMIUM_ARGS, LOOPBACK_PREFIXES, chromium_path, start_server

DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
MAX_BYTES = 250_000


def _settle(page: Page) -> None:
    """Let the map report its first view (a rerun) and the page finish drawing."""
    page.wait_for_timeout(800)
    wait_idle(page)
    page.wait_for_timeout(700)


def _open_legend(page: Page) -> None:
    legend = page.frame_locator(MAP_FRAME).locator(".map-legend")
    if legend.get_attribute("open") is None:
        legend.locator("summary").click()


def _select_marker(page: Page, selector: str) -> None:
    page.frame_locator(MAP_FRAME).locator(selector).click()
    wait_for_url_param(page, "site")
    _settle(page)
    _no_tooltip(page)


def _no_tooltip(page: Page) -> None:
    """Move the pointer off the map and the focus off the marker: no tooltip over the picture."""
    page.mouse.move(2, 2)
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate("() => document.activeElement && document.activeElement.blur()")
    page.wait_for_timeout(400)


def default_view(page: Page, base: str, story: str) -> None:
    open_dashboard(page, f"{base}/?article={VOA}&basemap=offline")
    wait_for_markers(page.locator(MAP_FRAME).element_handle().content_frame(), 24)
    _settle(page)


def selected_gabala(page: Page, base: str, story: str) -> None:
    open_dashboard(page, f"{base}/?article={VOA}&basemap=offline")
    _settle(page)
    _select_marker(page, ".site-gabala-radar")
    expect(page.locator(".st-key-selection").get_by_text("Mention 1 of 4")).to_be_visible()


def epaa(page: Page, base: str, story: str) -> None:
    # a link's selection (the map stays framed), then the legend opened (the map refits around it)
    open_dashboard(page, f"{base}/?article={EPAA}&basemap=offline&layers=places,rings,lines&site=deveselu-aegis-ashore")
    _settle(page)
    _open_legend(page)
    _settle(page)


def pasted_story(page: Page, base: str, story: str) -> None:
    open_dashboard(page, f"{base}/?article={story}&basemap=offline")
    _settle(page)
    key = page.frame_locator(MAP_FRAME).locator(".place-marker[aria-label^='Hanoi:']").get_attribute("data-key")
    open_dashboard(page, f"{base}/?article={story}&basemap=offline&site={key}")  # a link's selection: no pan
    _settle(page)
    _open_legend(page)
    _settle(page)


def timeline(page: Page, base: str, story: str) -> Page | None:
    open_dashboard(page, f"{base}/?article={VOA}&basemap=offline")
    _settle(page)
    page.get_by_role("tab", name="Timeline").click()
    wait_idle(page)
    expect(page.locator("[data-testid=stVegaLiteChart] svg.marks")).to_be_visible()
    page.locator("[data-testid=stTabs]").first.scroll_into_view_if_needed()
    page.evaluate("document.querySelector('[data-testid=stTabs]').scrollIntoView({block: 'start'})")
    page.wait_for_timeout(700)


def phone_selection(page: Page, base: str, story: str) -> None:
    open_dashboard(page, f"{base}/?article={VOA}&basemap=offline")
    _settle(page)
    # the reader zooms in on the Caucasus, then taps the Gabala radar
    page.locator(MAP_FRAME).element_handle().content_frame().evaluate(
        "() => window.map.setView([40.0, 47.0], 4, {animate: false})"
    )
    _settle(page)
    page.frame_locator(MAP_FRAME).locator(".site-gabala-radar").tap()
    wait_for_url_param(page, "site")
    _settle(page)
    _no_tooltip(page)
    # scrolled as a reader reading on: the bottom of the map, then the sentences under it
    page.evaluate(
        """() => { const map = document.querySelector("iframe[title='streamlit_folium.st_folium']");
                   const main = document.querySelector('[data-testid=stMain]');
                   main.scrollTop += map.getBoundingClientRect().bottom - 330; }"""
    )
    page.wait_for_timeout(700)


def atlas(page: Page, base: str, story: str) -> None:
    page.goto(f"{base}/?page=atlas&basemap=offline")
    wait_idle(page)
    expect(page.frame_locator("iframe[srcdoc]").first.locator(".site-marker").first).to_be_attached(timeout=30_000)
    _settle(page)


#: name -> (what the README says, screen, how to get there)
VIEWS: dict[str, tuple[str, dict, Callable]] = {
    "default": ("The VOA story as it opens: framed on every marker", DESKTOP, default_view),
    "selected-gabala": ("Gabala selected: its sentences beside the map, its mentions highlighted", DESKTOP, selected_gabala),
    "epaa": ("The EPAA story: Deveselu selected, rings and lines on, the legend open", DESKTOP, epaa),
    "pasted-story": ("A pasted story with no curated site, framed on its places", DESKTOP, pasted_story),
    "timeline": ("The timeline: each site's status over the years, events as diamonds", DESKTOP, timeline),
    "phone": ("On a phone: a tapped marker's sentences under the map", PHONE, phone_selection),
    "atlas": ("The atlas page: every installation, filters in the sidebar and the link", DESKTOP, atlas),
}


def _save(png: bytes, path: Path) -> int:
    """Save ``png`` with a 256-colour palette (the dashboard has few colours); return its size."""
    image = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    path.write_bytes(out.getvalue())
    return len(out.getvalue())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", nargs="*", choices=list(VIEWS), help="retake only these views")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    executable = chromium_path()
    if executable is None:
        parser.error("needs Debian's chromium (make test installs it)")
    with tempfile.TemporaryDirectory() as work:
        server = start_server(Path(work), {"DASHBOARD_OFFLINE": "1"})
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)

                def new_page(screen: dict) -> Page:
                    phone = screen is PHONE
                    context = browser.new_context(viewport=screen, is_mobile=phone, has_touch=phone,
                                                  device_scale_factor=2 if phone else 1)
                    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(LOOPBACK_PREFIXES)
                                  else route.abort())
                    return context.new_page()

                adding = new_page(DESKTOP)
                open_dashboard(adding, server.url + "/?basemap=offline")
                story = add_pasted_article(adding, PASTED_TEXT, PASTED_TITLE, outlet="Mekong Wire")
                adding.context.close()
                for name, (_, screen, reach) in VIEWS.items():
                    if args.only and name not in args.only:
                        continue
                    page = new_page(screen)
                    reach(page, server.url, story)
                    size = _save(page.screenshot(), args.out / f"{name}.png")
                    page.context.close()
                    print(f"wrote {args.out / f'{name}.png'} ({size / 1000:.0f} kB)"
                          + ("  -- over 250 kB" if size > MAX_BYTES else ""))
                browser.close()
        finally:
            server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
