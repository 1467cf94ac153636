"""Processes and browsers shared by the browser tests and the benchmarks in ``bench/``: a
Streamlit server on a free loopback port, the cluster of ``make cluster`` (replicas behind
HAProxy), Debian's Chromium with the flags this machine needs, what counts as leaving the
machine, and the resident memory of a process."""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import time
import urllib.request
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.cluster import backend_states, is_healthy

REPO_ROOT = Path(__file__).resolve().parents[1]
DASHBOARD_SCRIPT = REPO_ROOT / "dashboard" / "app.py"

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


LOOPBACK_PREFIXES = ("http://127.0.0.1", "http://localhost", "ws://127.0.0.1", "ws://localhost", "data:", "blob:", "about:")
#: URLs that leave the machine; a compiled pattern, so Playwright matches routes itself and the
#: page's own (loopback) requests never wait for the Python side.
NON_LOOPBACK = re.compile("^(?!" + "|".join(re.escape(prefix) for prefix in LOOPBACK_PREFIXES) + ")")
TILE_HOST = "tile.openstreetmap.org"


def _blank_png() -> bytes:
    """A 1x1 transparent PNG, built here (no binary fixture)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 6, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x00\x00\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


BLANK_PNG = _blank_png()


@dataclass
class PageWatch:
    """What a page did: requests that tried to leave loopback, and console errors."""

    external_requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def chromium_path() -> str | None:
    """Debian's Chromium, if installed (Playwright's own browser download does not work here)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass(frozen=True)
class AppServer:
    """A running Streamlit server."""

    url: str
    process: subprocess.Popen
    log_path: Path

    def stop(self) -> None:
        """Terminate the server and wait for it (killed after 10 s)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def start_server(
    work_dir: Path,
    extra_env: dict[str, str],
    *,
    script: Path = DASHBOARD_SCRIPT,
    options: tuple[str, ...] = (),
    timeout_s: float = 60.0,
) -> AppServer:
    """Start ``streamlit run script`` from the repository root; return once it answers
    ``/_stcore/health``.

    The dashboard's data folder is ``work_dir/data`` unless ``extra_env`` names another, and the
    server's output goes to ``work_dir/streamlit-<port>.log``. ``options`` are extra
    ``--server.*``-style command-line settings. Raises RuntimeError (with the log) when the
    server exits or is not healthy within ``timeout_s``.
    """
    port = free_port()
    log_path = work_dir / f"streamlit-{port}.log"
    env = dict(os.environ)
    env.update({"DASHBOARD_DATA_DIR": str(work_dir / "data"), "PYTHONUNBUFFERED": "1"})
    env.update(extra_env)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
             "--server.address", "127.0.0.1", "--server.headless", "true", *options],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + timeout_s
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


def resident_mb(pid: int) -> float:
    """The resident memory (VmRSS) of process ``pid`` in MB, from /proc (Linux).

    Raises OSError when the process is gone.
    """
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise OSError(f"no VmRSS for process {pid}")


@dataclass(frozen=True)
class ClusterRun:
    """A running ``python -m dashboard.cluster`` (the supervisor behind ``make cluster``)."""

    url: str
    process: subprocess.Popen
    run_dir: Path
    log_path: Path

    def state(self) -> dict:
        """The supervisor's state.json: the balancer's URL, each replica's port, pid and starts."""
        return json.loads((self.run_dir / "state.json").read_text())

    def backend_states(self) -> dict[str, str]:
        """Each replica's state as HAProxy sees it ({} while HAProxy does not answer)."""
        try:
            return backend_states(self.run_dir / "haproxy.sock")
        except OSError:
            return {}

    def all_pids(self) -> set[int]:
        """The pids of every replica and of HAProxy, as the supervisor last started them."""
        state = self.state()
        return {state["haproxy"]["pid"], *(r["pid"] for r in state["replicas"].values())} - {None}

    def stop(self, timeout_s: float = 30.0) -> int:
        """SIGTERM the supervisor and wait for it (killed after ``timeout_s``); its exit code."""
        if self.process.poll() is None:
            self.process.terminate()
        try:
            return self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()


def start_cluster(
    work_dir: Path, extra_env: dict[str, str], *, replicas: int = 2, timeout_s: float = 120.0,
) -> ClusterRun:
    """Start the cluster supervisor on a free loopback port, from the repository root; return once
    the balancer answers ``/_stcore/health`` and HAProxy sees every replica UP.

    The data folder is ``work_dir/data`` unless ``extra_env`` names another; the run folder is
    ``work_dir/run`` and the supervisor's output (its children's included) goes to
    ``work_dir/cluster.log``. Raises RuntimeError (with the log) when the supervisor exits or the
    cluster is not ready within ``timeout_s``.
    """
    port = free_port()
    run_dir, log_path = work_dir / "run", work_dir / "cluster.log"
    env = dict(os.environ)
    env.update({"DASHBOARD_DATA_DIR": str(work_dir / "data"), "PYTHONUNBUFFERED": "1"})
    env.update(extra_env)
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dashboard.cluster", "--replicas", str(replicas), "--port", str(port),
             "--address", "127.0.0.1", "--run-dir", str(run_dir)],
            cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )
    cluster = ClusterRun(f"http://127.0.0.1:{port}", process, run_dir, log_path)
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the cluster supervisor exited early:\n{log_path.read_text()}")
        states = cluster.backend_states()
        if len(states) == replicas and set(states.values()) == {"UP"} and is_healthy(cluster.url):
            return cluster
        time.sleep(0.2)
    cluster.stop()
    raise RuntimeError(f"the cluster was not ready:\n{log_path.read_text()}")
