"""DASHBOARD_OFFLINE=1 is offline from the first process on: the README's ``make run`` (setup,
then the server) and a reader's page, run in a private network namespace that has only loopback
(``unshare -n``), while every Python process it starts records its connections and name lookups.
None may go beyond loopback: Streamlit's start-up banner used to connect to 8.8.8.8 and look up
checkip.amazonaws.com (fixed by ``browser.serverAddress`` in ``.streamlit/config.toml``), and so
did a websocket from another origin (refused first by ``dashboard/web/origins.py``)."""
from __future__ import annotations

import ast
import ipaddress
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.capabilities import require
from tests.harness import chromium_path, free_port

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "tests" / "offline" / "probe.py"
LOCAL_NAMES = {None, "", "localhost", b"localhost"}


def _is_local(event: str, address: object) -> bool:
    """True for a Unix socket, a loopback address, or (for a name lookup) a local name or a bind address."""
    if isinstance(address, (str, bytes)) and event in ("socket.connect", "socket.sendto", "socket.sendmsg"):
        return True  # an AF_UNIX path
    host = address[0] if isinstance(address, tuple) else address
    if host in LOCAL_NAMES:
        return True
    try:
        ip = ipaddress.ip_address(host.decode() if isinstance(host, bytes) else str(host).split("%")[0])
    except ValueError:
        return False  # a name other than localhost: a DNS query
    return ip.is_loopback or (event == "socket.getaddrinfo" and ip.is_unspecified)


def _can_unshare() -> bool:
    if os.geteuid() != 0 or shutil.which("unshare") is None or shutil.which("ip") is None:
        return False
    return subprocess.run(["unshare", "-n", "true"], capture_output=True, check=False).returncode == 0


def test_make_run_offline_connects_to_nothing_beyond_loopback(tmp_path: Path) -> None:
    if not _can_unshare():
        require("a private network namespace (root with unshare -n and ip)",
                "run the tests as root on Linux; this test checks DASHBOARD_OFFLINE=1 at the network level")
    if chromium_path() is None:
        require("Chromium", "make chromium")
    log = tmp_path / "connections.jsonl"
    env = {**os.environ, "DASHBOARD_DATA_DIR": str(tmp_path / "data")}
    done = subprocess.run(["unshare", "-n", sys.executable, str(PROBE), str(free_port()), str(log)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=420, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    started = {event["argv"] for event in events if event["event"] == "python.start"}
    assert any("dashboard/app.py" in argv for argv in started), f"the server was not recorded: {started}"
    assert any("build_gazetteer" in argv for argv in started), f"the set-up was not recorded: {started}"
    leaving = [event for event in events if event["event"] != "python.start"
               and not _is_local(event["event"], ast.literal_eval(event["address"]))]
    assert leaving == []
