"""Real-browser fixtures: a Streamlit server on a free port, and a page (in the shared
Chromium of tests/conftest.py) with every non-loopback request blocked and console errors
collected."""
from __future__ import annotations

import os
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LOOPBACK_PREFIXES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:", "about:")
TILE_HOST = "tile.openstreetmap.org"


def _blank_png() -> bytes:
    """A 1x1 transparent PNG, built here (no binary fixture)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


BLANK_PNG = _blank_png()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class AppServer:
    """A running dashboard server."""

    url: str
    process: subprocess.Popen
    log_path: Path


def _start_server(tmp_path: Path, extra_env: dict[str, str]) -> AppServer:
    port = _free_port()
    log_path = tmp_path / f"streamlit-{port}.log"
    env = dict(os.environ)
    env.update({"DASHBOARD_DATA_DIR": str(tmp_path / "data"), "PYTHONUNBUFFERED": "1"})
    env.update(extra_env)
    log = log_path.open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true"],
        cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited early:\n{log_path.read_text()}")
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as response:
                if response.status == 200:
                    return AppServer(url, process, log_path)
        except OSError:
            time.sleep(0.2)
    process.terminate()
    raise RuntimeError(f"streamlit did not become healthy:\n{log_path.read_text()}")


@pytest.fixture(scope="module")
def app_server(tmp_path_factory) -> Iterator[AppServer]:
    """The dashboard with default settings (online basemap allowed, but requests are blocked)."""
    server = _start_server(tmp_path_factory.mktemp("app"), {})
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@pytest.fixture(scope="module")
def offline_server(tmp_path_factory) -> Iterator[AppServer]:
    """The dashboard with DASHBOARD_OFFLINE=1."""
    server = _start_server(tmp_path_factory.mktemp("offline"), {"DASHBOARD_OFFLINE": "1"})
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


@dataclass
class PageWatch:
    """What a page did: requests that tried to leave loopback, and console errors."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


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
