"""The cluster supervisor's pure pieces: HAProxy's configuration, the shared cookie secret, the
replica command line, the restart back-off (the processes are tested in
tests/browser/test_cluster_browser.py)."""
from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest

from dashboard.cluster import (
    COOKIE_SECRET_ENV,
    FIRST_BACKOFF_S,
    MAX_BACKOFF_S,
    STABLE_AFTER_S,
    cookie_secret,
    haproxy_config,
    next_backoff,
    replica_command,
    replica_names,
)
from dashboard.paths import REPO_ROOT

REPLICAS = {"r1": 41001, "r2": 41002}


def config_lines(tmp_path: Path) -> list[str]:
    text = haproxy_config("127.0.0.1", 8501, REPLICAS, tmp_path / "haproxy.sock")
    return [line.strip() for line in text.splitlines()]


def test_haproxy_spreads_sessions_and_keeps_each_on_its_replica(tmp_path: Path) -> None:
    lines = config_lines(tmp_path)
    assert "bind 127.0.0.1:8501" in lines
    assert "balance leastconn" in lines
    assert any(line.startswith("cookie SRV insert indirect nocache") for line in lines)
    assert "server r1 127.0.0.1:41001 cookie r1" in lines
    assert "server r2 127.0.0.1:41002 cookie r2" in lines


def test_haproxy_checks_health_and_keeps_websockets_open(tmp_path: Path) -> None:
    lines = config_lines(tmp_path)
    assert "option httpchk GET /_stcore/health" in lines
    assert any(line.startswith("default-server check") for line in lines)
    assert "timeout check 10s" in lines  # a busy replica answers late: not a dead one
    assert "timeout tunnel 1h" in lines
    assert "option redispatch" in lines
    assert f"stats socket {tmp_path / 'haproxy.sock'} mode 600 level user" in lines


def test_haproxy_accepts_the_configuration(tmp_path: Path, haproxy: str) -> None:
    config = tmp_path / "haproxy.cfg"
    config.write_text(haproxy_config("127.0.0.1", 8501, REPLICAS, tmp_path / "haproxy.sock"))
    check = subprocess.run([haproxy, "-c", "-f", str(config)], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr


def test_replicas_listen_on_loopback_with_xsrf_protection_left_on() -> None:
    command = replica_command(41001, python="python")
    assert command[:5] == ["python", "-m", "streamlit", "run", "dashboard/app.py"]
    assert (REPO_ROOT / command[4]).is_file()
    options = dict(zip(command[5::2], command[6::2]))
    assert options == {"--server.address": "127.0.0.1", "--server.port": "41001", "--server.headless": "true"}
    assert replica_names(3) == ["r1", "r2", "r3"]


def test_the_secret_from_the_environment_wins(tmp_path: Path) -> None:
    assert cookie_secret({COOKIE_SECRET_ENV: "from-env"}, tmp_path) == ("from-env", COOKIE_SECRET_ENV)
    assert not (tmp_path / "cookie-secret").exists()


def test_the_secret_file_is_made_once_and_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first, where = cookie_secret({}, data)
    assert where.endswith("(created)")
    assert len(first) == 64
    assert stat.S_IMODE((data / "cookie-secret").stat().st_mode) == 0o600
    second, where = cookie_secret({COOKIE_SECRET_ENV: "  "}, data)
    assert (second, where) == (first, str(data / "cookie-secret"))


def test_an_empty_secret_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "cookie-secret").write_text("\n")
    with pytest.raises(ValueError, match="empty"):
        cookie_secret({}, tmp_path)


def test_a_replica_that_keeps_dying_waits_longer_and_a_stable_one_does_not() -> None:
    assert next_backoff(0, 0.5) == FIRST_BACKOFF_S
    assert next_backoff(FIRST_BACKOFF_S, 0.5) == 2 * FIRST_BACKOFF_S
    assert next_backoff(MAX_BACKOFF_S, 0.5) == MAX_BACKOFF_S
    assert next_backoff(MAX_BACKOFF_S, STABLE_AFTER_S) == FIRST_BACKOFF_S


def test_make_cluster_runs_the_supervisor_with_its_variables() -> None:
    dry_run = subprocess.run(["make", "-n", "cluster", "REPLICAS=3", "PORT=18999"], cwd=REPO_ROOT,
                             capture_output=True, text=True, check=True)
    assert "-m dashboard.cluster --replicas 3 --port 18999" in dry_run.stdout
