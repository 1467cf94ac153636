"""Run inside a private network namespace (``unshare -n``) by the offline start-up test: bring up
loopback, start the README's ``make run`` with ``DASHBOARD_OFFLINE=1`` (every Python process it
starts records its connections through ``sitecustomize.py`` here), wait until it answers, open
the page in Chromium (this namespace has no other network) until the map is drawn, try the
websocket another site's page could open (it must be refused without a look-up), then stop it.

Usage: ``python tests/offline/probe.py PORT LOG``; exit status 0 when the page was shown."""
from __future__ import annotations

import base64
import http.client
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import expect, sync_playwright

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(ROOT))
from tests.harness import CHROMIUM_ARGS, chromium_path  # noqa: E402


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


def _websocket_from_another_origin(port: int) -> int:
    """The status of a websocket handshake that another site's page would make; online, Streamlit
    would look up this machine's addresses (checkip.amazonaws.com) before refusing it."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", "/_stcore/stream", headers={
        "Origin": "https://elsewhere.example", "Upgrade": "websocket", "Connection": "Upgrade",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(), "Sec-WebSocket-Version": "13"})
    status = connection.getresponse().status
    connection.close()
    return status


def main(port: int, log: Path) -> int:
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    env = {**os.environ, "DASHBOARD_OFFLINE": "1", "CONNECT_LOG": str(log),
           "PYTHONPATH": os.pathsep.join([str(HERE), *filter(None, [os.environ.get("PYTHONPATH")])])}
    env.pop("DASHBOARD_DATABASE_URL", None)
    # -o: the installation step (pip, a package registry) is done already; `make run` is the rest.
    # -W: the set-up's inputs count as changed, so its steps (static copies, gazetteer) run here too,
    # offline, instead of being skipped as up to date.
    server = subprocess.Popen(["make", "-o", ".venv/.installed", "-W", "scripts/build_gazetteer.py",
                               "-W", "dashboard/services/static_assets.py", "run", f"PORT={port}"], cwd=ROOT, env=env,
                              start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        started = time.monotonic()
        while not _healthy(url):
            if server.poll() is not None or time.monotonic() - started > 180:
                print("make run did not start", file=sys.stderr)
                return 1
            time.sleep(0.5)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page()
            page.goto(url + "/")
            expect(page.locator("[data-test-script-state=notRunning]")).to_have_count(1, timeout=60_000)
            frame = page.frame_locator("iframe[title='streamlit_folium.st_folium']")
            expect(frame.locator(".site-marker, .place-marker").first).to_be_attached(timeout=60_000)
            browser.close()
        status = _websocket_from_another_origin(port)
        if status != 403:
            print(f"a websocket from another origin got HTTP {status}, not 403", file=sys.stderr)
            return 1
        return 0
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]), Path(sys.argv[2])))
