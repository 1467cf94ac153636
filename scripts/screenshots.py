"""Take the README's screenshots of the dashboard (headless Chromium, offline basemap).

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

Starts the app on a free port with DASHBOARD_OFFLINE=1, opens a few shared links and saves
PNGs. Needs Debian's chromium and the test requirements (Playwright)."""
from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
VIEWS = {
    "default": "?basemap=offline",
    "filtered-us-plan": "?proposal=us-plan,threat&basemap=offline&layers=places,lines",
    "selected-gabala": "?site=gabala-radar&basemap=offline&layers=places,rings&zoom=4&lat=42&lon=40",
    "timeline-2010": "?date=2010-01-01&basemap=offline&layers=rings&zoom=3&lat=45&lon=30",
}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    port = _free_port()
    env = dict(os.environ, DASHBOARD_OFFLINE="1")
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(base + "_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium",
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            for name, query in VIEWS.items():
                page.goto(base + query)
                page.wait_for_timeout(1000)
                page.locator("[data-test-script-state=notRunning]").wait_for(timeout=60_000)
                frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
                frame.locator(".site-marker").first.wait_for(timeout=30_000)
                page.wait_for_timeout(1500)
                path = args.out / f"{name}.png"
                page.screenshot(path=str(path))
                print(f"wrote {path.relative_to(ROOT)}")
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    return 0


if __name__ == "__main__":
    sys.exit(main())
