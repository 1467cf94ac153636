"""Published snapshots: image render time, snapshot size, time to markers in Chromium against the
minimal st_folium app, and server CPU per snapshot request through ``make cluster``.

    .venv/bin/python bench/publish.py [--rounds N] [--requests N] [--concurrency N] [--skip-browser] [--skip-cluster]

1. Render: the VOA story's default view (offline), CPU time (``time.process_time``) of each image
   format, best and median of ``--renders`` (PNG 1,200 x 675; PNG x2; SVG; PDF), in this process.
2. Size: every file of the snapshot, and the whole, against the standalone HTML export.
3. Time to markers: ``bench/page.py``'s probe and starts (cold context each, every non-loopback
   request blocked): (b) the minimal Streamlit + st_folium app and (s) the snapshot page
   ``/s/<id>/`` served by the dashboard, alternately, after one warm-up round. Goal: s <= b / 2.
4. Server CPU: ``make cluster`` (2 replicas behind HAProxy, DASHBOARD_OFFLINE=1), the snapshot
   published into its store with the CLI, then ``--requests`` GETs of ``/s/<id>/`` at
   ``--concurrency`` at once through the balancer; the replicas' CPU (utime + stime from /proc)
   before and after, divided by the requests. Goal: <= 5 ms a request, 0 errors.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import page as page_bench  # noqa: E402
from bench.load import cpu_seconds  # noqa: E402
from dashboard.config import Settings  # noqa: E402
from dashboard.core.publish.build import default_texts, freeze_view  # noqa: E402
from dashboard.core.publish.page import clip_outlines  # noqa: E402
from dashboard.core.render.basemap import load_basemap  # noqa: E402
from dashboard.core.render.compose import compose_map, roles_of  # noqa: E402
from dashboard.core.render.export import render_export  # noqa: E402
from dashboard.core.render.image import ImageTexts, render_image  # noqa: E402
from dashboard.core.view.state import ViewState  # noqa: E402
from dashboard.services.articles import article_geography, catalogue, file_articles  # noqa: E402
from dashboard.services.static_assets import inline_assets, snapshot_assets  # noqa: E402
from tests.harness import CHROMIUM_ARGS, chromium_path, start_cluster, start_server  # noqa: E402

ARTICLE = page_bench.ARTICLE_ID


def _geo():
    from dashboard.services.gazetteer_file import ensure_gazetteer
    from dashboard.services.geocoding import geocoding_chain_for

    settings = Settings(offline=True)
    return article_geography(file_articles(settings)[ARTICLE], geocoding_chain_for(settings, ensure_gazetteer()), catalogue())


def render_times(renders: int) -> None:
    geo = _geo()
    view = ViewState(article=ARTICLE, basemap="offline")
    day = geo.article.date
    plan = compose_map(geo, view, day)
    texts = default_texts(geo, view, day)
    outlines = load_basemap()
    print(f"## 1. Render ({renders} renders each, CPU seconds in this process)")
    for fmt_name, scale in (("png", 1), ("png", 2), ("svg", 1), ("pdf", 1)):
        times = []
        for _ in range(renders):
            start = time.process_time()
            render_image(plan, fmt_name, texts=ImageTexts(texts.title, texts.caption, texts.credit, "attribution"),
                         roles=roles_of(geo), outlines=outlines, scale=scale)
            times.append(time.process_time() - start)
        print(f"- {fmt_name} x{scale}: median {statistics.median(times) * 1000:,.0f} ms, best {min(times) * 1000:,.0f} ms")
    start = time.process_time()
    snapshot = freeze_view(geo, view, day, texts, outlines=outlines, data_version="bench", assets=snapshot_assets())
    print(f"- the whole snapshot (2 pages, 4 images, GeoJSON, CSV): {(time.process_time() - start) * 1000:,.0f} ms")
    print("\n## 2. Size")
    for f in snapshot.files:
        print(f"- {f.name}: {len(f.body) / 1024:,.0f} KB")
    print(f"- total stored for this snapshot: {snapshot.size / 1024:,.0f} KB; outlines in the page: "
          f"{len(clip_outlines(outlines, plan.frame, plan.overview)['features'])} of {len(outlines['features'])} countries")
    shared = sum(len(a.body) for a in snapshot.assets)
    print(f"- stored once for every snapshot that uses them (content-addressed): {len(snapshot.assets)} assets, "
          f"{shared / 1024:,.0f} KB ({', '.join(f'{a.name} {len(a.body) / 1024:,.0f} KB' for a in snapshot.assets)})")
    export = render_export("html", geo, view, day, outlines=outlines, assets=inline_assets())
    print(f"- for comparison, the standalone HTML export: {len(export.encode()) / 1024:,.0f} KB")


def publish_into(env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "dashboard", "publish", "--article", ARTICLE, "--json"]
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)["id"]


def _untick_in_folded_layer_control(page) -> None:
    """The snapshot's layer control is folded: open it, then untick the filtered proposal."""
    page.locator(".leaflet-control-layers").hover()
    page_bench._untick_in_layer_control(page)


def time_to_markers(rounds: int, work: Path) -> None:
    chromium = chromium_path()
    if chromium is None:
        raise SystemExit("Chromium not installed")
    setup = page_bench.prepare(work)
    data = work / "dashboard" / "data"
    snapshot = publish_into({"DASHBOARD_DATA_DIR": str(data), "DASHBOARD_OFFLINE": "1"})
    geo = _geo()
    plan = compose_map(geo, ViewState(article=ARTICLE, basemap="offline"), geo.article.date)
    snapshot_spec = {**setup.spec, "outline_count": len(clip_outlines(load_basemap(), plan.frame, plan.overview)["features"])}
    servers = []
    try:
        servers.append(start_server(work / "minimal", {page_bench.SPEC_ENV: str(setup.spec_path)},
                                    script=setup.minimal_script))
        servers.append(start_server(work / "dashboard", {"DASHBOARD_DATA_DIR": str(data), "DASHBOARD_OFFLINE": "1"}))
        minimal, dashboard = servers
        variants = [
            (page_bench.minimal_variant(minimal), setup.probe, setup.spec),
            (page_bench.Variant("s", "snapshot page /s/<id>/", f"{dashboard.url}/s/{snapshot}/", page_bench._page_itself,
                                page_bench._settle_static, _untick_in_folded_layer_control),
             page_bench.probe_script(snapshot_spec), snapshot_spec),
        ]
        loads: dict[str, list[float]] = {"b": [], "s": []}
        with page_bench.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            for round_no in range(rounds + 1):
                for variant, probe, spec in variants:
                    start = page_bench.measure_start(browser, variant, probe, spec)
                    print(f"round {round_no} ({variant.key}): markers {start.load_ms:.0f} ms", file=sys.stderr)
                    if round_no:
                        loads[variant.key].append(start.load_ms)
            browser.close()
    finally:
        for server in servers:
            server.stop()
    b, s = statistics.median(loads["b"]), statistics.median(loads["s"])
    print(f"\n## 3. Time to the six site markers ({rounds} rounds, cold context each)")
    print(f"- (b) minimal st_folium app: median {b:,.0f} ms ({min(loads['b']):,.0f}-{max(loads['b']):,.0f})")
    print(f"- (s) snapshot page: median {s:,.0f} ms ({min(loads['s']):,.0f}-{max(loads['s']):,.0f})")
    print(f"- ratio s / b: {s / b:.2f} (goal <= 0.50: {'met' if s / b <= 0.5 else 'NOT met'})")


def _get(url: str) -> tuple[int, int]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, len(response.read())
    except Exception:  # noqa: BLE001  (counted as an error)
        return 0, 0


def server_cpu(requests: int, concurrency: int, work: Path) -> None:
    cluster = start_cluster(work, {"DASHBOARD_OFFLINE": "1"})
    try:
        snapshot = publish_into({"DASHBOARD_DATA_DIR": str(work / "data"), "DASHBOARD_OFFLINE": "1"})
        url = f"{cluster.url}/s/{snapshot}/"
        pids = {name: replica["pid"] for name, replica in cluster.state()["replicas"].items()}
        haproxy = cluster.state()["haproxy"]["pid"]
        for _ in range(4):  # warm-up: each replica opens its store
            _get(url)
        before = {name: cpu_seconds(pid) for name, pid in pids.items()}
        balancer_before = cpu_seconds(haproxy)
        started = time.monotonic()
        with ThreadPoolExecutor(concurrency) as pool:
            results = list(pool.map(_get, [url] * requests))
        wall = time.monotonic() - started
        spent = {name: cpu_seconds(pid) - before[name] for name, pid in pids.items()}
        balancer = cpu_seconds(haproxy) - balancer_before
    finally:
        cluster.stop()
    errors = sum(1 for status, _ in results if status != 200)
    total = sum(spent.values())
    print(f"\n## 4. Server CPU per snapshot request ({requests:,} GETs of /s/<id>/, {concurrency} at once, through HAProxy)")
    print(f"- errors: {errors}; wall time {wall:.1f} s ({requests / wall:,.0f} requests/s); page {results[0][1] / 1024:,.0f} KB")
    print(f"- replicas' CPU: {total:.2f} s = {total / requests * 1000:.2f} ms a request "
          f"({', '.join(f'{n} {v:.2f} s' for n, v in spent.items())}); HAProxy {balancer:.2f} s")
    print(f"- goal <= 5 ms a request, 0 errors: {'met' if total / requests <= 0.005 and not errors else 'NOT met'}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--renders", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument("--skip-cluster", action="store_true")
    args = parser.parse_args()
    print(f"# bench/publish.py (load average {os.getloadavg()[0]:.1f} at the start; the machine is shared: noisy)\n")
    render_times(args.renders)
    if not args.skip_browser:
        time_to_markers(args.rounds, Path(tempfile.mkdtemp(prefix="bench-publish-")))
    if not args.skip_cluster:
        server_cpu(args.requests, args.concurrency, Path(tempfile.mkdtemp(prefix="bench-publish-cluster-")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
