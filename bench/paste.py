"""How long a reader waits between pasting a long article and seeing its map.

    .venv/bin/python bench/paste.py [--size BYTES] [--rounds N] [--no-browser]

The text is synthetic (``bench/intake.synthetic_text``: seeded sentences from a fixed word list
and place names; never dev-set text), 2 MB by default.

In process, each stage an added article goes through, once per round: intake (cleaning, the
id), saving to a fresh library, the geography (geoparse with the embedded gazetteer, then the
topics' sites), composing the map, drawing its groups, and the reader's highlighted text.

In the browser (Debian's Chromium, every non-loopback request blocked, a fresh offline server per
round): open the page, open "Map your own article", fill the Paste form, press "Add and map";
the figure is the time from that press until the page shows the article's title and the map its
first place marker (Playwright's polling, so within about 0.1 s).
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "browser"))

import streamlit.logger  # noqa: E402

streamlit.logger.get_logger("streamlit").setLevel("ERROR")  # this process runs no app

from bench.intake import synthetic_text  # noqa: E402
from dashboard.config import Settings  # noqa: E402
from dashboard.core.geoparse.intake import ArticleFields, article_from_text  # noqa: E402
from dashboard.core.geography import visible_places, visible_sites  # noqa: E402
from dashboard.core.reading import Mark, paragraph_runs  # noqa: E402
from dashboard.core.render.compose import compose_map, draw_groups  # noqa: E402
from dashboard.core.view.state import ViewState  # noqa: E402
from dashboard.services.articles import article_geography, catalogue  # noqa: E402
from dashboard.services.gazetteer_file import ensure_gazetteer  # noqa: E402
from dashboard.services.geocoding import geocoding_chain_for  # noqa: E402
from dashboard.services.library import ArticleLibrary  # noqa: E402

TITLE = "A very long pasted story"
#: Puts text into a React text area as one paste would: the value at once, then one input event.
PASTE_JS = """(box, text) => {
    Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, "value").set.call(box, text);
    box.dispatchEvent(new Event("input", { bubbles: true }));
}"""


def stages(text: str) -> dict[str, tuple[float, float]]:
    """(wall-clock, CPU) seconds per in-process stage of adding ``text``."""
    times: dict[str, tuple[float, float]] = {}
    clock = _Clock()
    chain = geocoding_chain_for(Settings(offline=True), ensure_gazetteer())
    topics = catalogue()
    with tempfile.TemporaryDirectory() as folder:
        library = ArticleLibrary.in_dir(Path(folder))
        try:
            clock.start()
            article = article_from_text(text, ArticleFields(TITLE, "", "", ""))
            times["intake"] = clock.lap()
            clock.start()
            library.add(article)
            times["save"] = clock.lap()
        finally:
            library.close()
    clock.start()
    geo = article_geography(article, chain, topics)
    times["geography (geoparse + sites)"] = clock.lap()
    view = ViewState(article=article.id)
    clock.start()
    plan = compose_map(geo, view, dt.date.today())
    times["compose"] = clock.lap()
    clock.start()
    draw_groups(plan)
    times["draw groups"] = clock.lap()
    clock.start()
    marks = [Mark(p.start, p.end, g.key, "#666666", "place", g.name) for g in visible_places(geo, view) for p in g.mentions]
    marks += [Mark(m.start, m.end, m.site_id, "#000000", "site", m.site_id) for m in geo.site_mentions
              if m.site_id in {s.id for s in visible_sites(geo, view)}]
    paragraph_runs(geo.article.text, geo.sentences, marks)
    times["reader's text runs"] = clock.lap()
    times["places"] = (len(geo.places), 0.0)
    return times


class _Clock:
    """Wall-clock and this process's CPU time since :meth:`start`."""

    def start(self) -> None:
        self._wall, self._cpu = time.perf_counter(), time.process_time()

    def lap(self) -> tuple[float, float]:
        return time.perf_counter() - self._wall, time.process_time() - self._cpu


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _wait_for_place_marker(page, timeout_s: float) -> None:  # noqa: ANN001 - a Playwright Page
    """Wait until a map frame holds a place marker (while the page reruns, the old map's frame
    can still be there beside the new one). Raises TimeoutError."""
    from playwright.sync_api import Error as PlaywrightError

    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        for frame in page.frames:
            try:
                if "st_folium" in frame.url and frame.locator(".place-marker").count():
                    return
            except PlaywrightError:  # the old map's frame went away while it was looked at
                continue
        page.wait_for_timeout(50)
    raise TimeoutError("no place marker on the map")


def browser_round(text: str) -> tuple[float, float]:
    """Seconds from pressing "Add and map" until the title and a place marker show, and the CPU
    seconds the server spent meanwhile (what a quiet machine would take, near enough)."""
    from harness import CHROMIUM_ARGS, NON_LOOPBACK, chromium_path, start_server
    from helpers import open_add_article, open_dashboard, settle
    from playwright.sync_api import expect, sync_playwright

    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Chromium is needed for the browser figure (or pass --no-browser)")
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder), {"DASHBOARD_OFFLINE": "1"})
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.route(NON_LOOPBACK, lambda route: route.abort())
                page = context.new_page()
                open_dashboard(page, server.url + "/")
                settle(page)
                panel = open_add_article(page)
                # as a paste does: the whole text at once (Playwright's fill types it in, minutes for 2 MB)
                panel.get_by_label("Article text").evaluate(PASTE_JS, text)
                panel.get_by_label("Title").first.fill(TITLE)
                page.wait_for_timeout(500)
                started, server_cpu = time.perf_counter(), _cpu_seconds(server.process.pid)
                panel.get_by_role("button", name="Add and map").first.click()
                expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=300_000)
                _wait_for_place_marker(page, timeout_s=300)
                elapsed = time.perf_counter() - started, _cpu_seconds(server.process.pid) - server_cpu
                browser.close()
        finally:
            server.stop()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=2_000_000, help="bytes of pasted text (default 2 MB)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-browser", action="store_true", help="only the in-process stages")
    args = parser.parse_args()
    text = synthetic_text(args.size)
    command = "$ .venv/bin/python bench/paste.py" + ("" if args.size == 2_000_000 else f" --size {args.size}") + \
        ("" if args.rounds == 3 else f" --rounds {args.rounds}") + (" --no-browser" if args.no_browser else "")
    print(f"```\n{command}\n```\n")
    runs = [stages(text) for _ in range(args.rounds)]
    load = os.getloadavg()[0]
    print(f"| {len(text) / 1e6:.1f} MB paste ({int(runs[0]['places'][0]):,} place mentions), stage "
          f"| wall clock, median of {args.rounds} | CPU, median |")
    print("|---|---|---|")
    for name in runs[0]:
        if name != "places":
            print(f"| {name} | {statistics.median(run[name][0] for run in runs):.2f} s "
                  f"| {statistics.median(run[name][1] for run in runs):.2f} s |")
    if not args.no_browser:
        rounds = [browser_round(text) for _ in range(args.rounds)]
        print(f"\nIn Chromium, from pressing \"Add and map\" to the title and the map's first place marker: "
              f"median {statistics.median(r[0] for r in rounds):.1f} s wall clock "
              f"(rounds: {', '.join(f'{r[0]:.1f}' for r in rounds)} s); the server spent "
              f"{statistics.median(r[1] for r in rounds):.1f} s of CPU meanwhile.")
    print(f"\nLoad average at the start: {load:.1f} on {os.cpu_count()} cores.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
