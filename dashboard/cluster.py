"""Run the dashboard as N Streamlit processes behind HAProxy, in the foreground (``make cluster``).

    python -m dashboard.cluster [--replicas N] [--port PORT] [--address ADDRESS] [--run-dir DIR]

What it does (docs/DEPLOY.md says why each piece is there):

- picks N free loopback ports and starts one replica on each, from the repository root:
  ``python -m streamlit run dashboard/app.py --server.address 127.0.0.1 --server.port P
  --server.headless true``, with this process's environment passed through unchanged (so
  ``DASHBOARD_DATA_DIR``, ``DASHBOARD_DATABASE_URL`` and the other settings reach every replica)
  plus one shared ``STREAMLIT_SERVER_COOKIE_SECRET``: the variable's value if set, else a secret
  created once, mode 0600, in ``DASHBOARD_DATA_DIR/cookie-secret``. XSRF protection and CORS keep
  Streamlit's defaults (on): behind the balancer every request is same-origin;
- writes an HAProxy configuration into the run folder and, once every replica answers its health
  check, runs ``haproxy -db -f`` as a child on ADDRESS:PORT: ``balance leastconn``, affinity by
  an inserted cookie (``SRV``: a session's websocket and its upload requests must reach the
  process that holds the session), health checks on ``/_stcore/health``, one-hour websocket
  tunnels, redispatch when a replica is gone;
- restarts a child that exits (replica or HAProxy), after 1 s, doubling up to 30 s while it
  keeps dying within 30 s of its start; a child that dies before the cluster was first ready
  stops everything (exit 1: a configuration problem, not a crash);
- on SIGINT, SIGTERM or SIGHUP stops HAProxy, then every replica (SIGTERM, SIGKILL after 10 s),
  and exits 0.

One line per event goes to stdout, and every child's output is relayed with its name in front.
The run folder holds ``haproxy.cfg``, HAProxy's stats socket (``haproxy.sock``, ``show stat``)
and ``state.json`` (the balancer's URL and each replica's port and current pid), rewritten on
every start. Linux only (it asks the kernel to stop the children if this process is killed).

This module never imports Streamlit.
"""
from __future__ import annotations

import argparse
import csv
import ctypes
import io
import json
import logging
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from dashboard.config import ConfigError, load_settings
from dashboard.paths import REPO_ROOT

COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"
COOKIE_SECRET_FILE = "cookie-secret"
AFFINITY_COOKIE = "SRV"
BACKEND = "replicas"
HEALTH_PATH = "/_stcore/health"
POLL_S = 0.2
HEALTH_EVERY_S = 0.5
FIRST_BACKOFF_S = 1.0
MAX_BACKOFF_S = 30.0
#: A child that ran at least this long before exiting is restarted after FIRST_BACKOFF_S again.
STABLE_AFTER_S = 30.0
STOP_TIMEOUT_S = 10.0
#: How long the replicas and the balancer have to answer their health checks at start-up.
READY_TIMEOUT_S = 120.0

log = logging.getLogger("cluster")


# --- pure pieces ------------------------------------------------------------------------------


def replica_names(count: int) -> list[str]:
    """``r1`` .. ``rN``: the replicas' names in logs, in HAProxy and in the affinity cookie."""
    return [f"r{i}" for i in range(1, count + 1)]


def replica_command(port: int, python: str = sys.executable) -> list[str]:
    """The command line of one replica, run from the repository root."""
    return [python, "-m", "streamlit", "run", "dashboard/app.py", "--server.address", "127.0.0.1",
            "--server.port", str(port), "--server.headless", "true"]


def haproxy_config(address: str, port: int, replicas: Mapping[str, int], stats_socket: Path) -> str:
    """An HAProxy configuration: a frontend on ``address:port`` balancing over ``replicas``
    (name -> loopback port) with cookie affinity, health checks and long websocket tunnels."""
    servers = "\n".join(f"    server {name} 127.0.0.1:{replica_port} cookie {name}"
                        for name, replica_port in replicas.items())
    return f"""\
# Written by dashboard/cluster.py; rewritten on every start.
global
    maxconn 4096
    stats socket {stats_socket} mode 600 level user

defaults
    mode http
    maxconn 4096
    timeout connect 5s
    # an HTTP request or response may be idle this long; a websocket, once upgraded, an hour
    timeout client 60s
    timeout server 60s
    timeout tunnel 1h
    timeout client-fin 10s
    timeout http-request 15s
    timeout http-keep-alive 15s
    # a connection refused by a replica that just died is retried on another one
    retries 2
    option redispatch

frontend dashboard
    bind {address}:{port}
    default_backend {BACKEND}

backend {BACKEND}
    # a reader's first request goes to the replica with the fewest connections (websockets are
    # long connections, so this spreads sessions); the inserted cookie keeps the reader there:
    # Streamlit's upload PUTs must reach the process that holds the websocket's session
    balance leastconn
    cookie {AFFINITY_COOKIE} insert indirect nocache httponly attr "SameSite=Lax"
    # a replica busy with a queue of script runs answers its health check late (its event loop
    # waits for the interpreter lock): allow 10 s before a check fails, 3 failures before DOWN,
    # or a burst of readers marks every replica DOWN and the next readers get 503; a dead
    # replica refuses the connection at once (and requests to it are redispatched meanwhile)
    option httpchk GET {HEALTH_PATH}
    http-check expect status 200
    timeout check 10s
    default-server check inter 2s fastinter 1s downinter 1s fall 3 rise 2
{servers}
"""


def cookie_secret(environ: Mapping[str, str], data_dir: Path) -> tuple[str, str]:
    """The cookie secret every replica gets, and where it came from.

    ``STREAMLIT_SERVER_COOKIE_SECRET`` if set; else ``data_dir/cookie-secret``, created once
    with mode 0600 (a second supervisor on the same folder reads the same file). Raises
    OSError when the file cannot be created or read, ValueError when it is empty.
    """
    given = environ.get(COOKIE_SECRET_ENV, "").strip()
    if given:
        return given, COOKIE_SECRET_ENV
    path = data_dir / COOKIE_SECRET_FILE
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        secret = path.read_text(encoding="ascii").strip()
        if not secret:
            raise ValueError(f"{path} is empty; delete it to have a new secret made") from None
        return secret, str(path)
    secret = secrets.token_hex(32)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(secret + "\n")
    return secret, f"{path} (created)"


def free_loopback_ports(count: int) -> list[int]:
    """``count`` distinct TCP ports on 127.0.0.1 that nothing listens on right now."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket()
            sock.bind(("127.0.0.1", 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def next_backoff(previous_s: float, ran_s: float) -> float:
    """The wait before restarting a child that ran ``ran_s`` seconds; ``previous_s`` was the last
    wait (0 for a first exit)."""
    if ran_s >= STABLE_AFTER_S or previous_s <= 0:
        return FIRST_BACKOFF_S
    return min(previous_s * 2, MAX_BACKOFF_S)


def is_healthy(url: str, timeout_s: float = 1.0) -> bool:
    """Whether ``url`` + ``/_stcore/health`` answers 200 (never raises)."""
    try:
        with urllib.request.urlopen(url + HEALTH_PATH, timeout=timeout_s) as response:
            return response.status == 200
    except OSError:
        return False


def backend_states(stats_socket: Path, timeout_s: float = 2.0) -> dict[str, str]:
    """Each replica's state as HAProxy sees it (``UP``, ``DOWN``, ``UP 1/2``...), read from its
    stats socket. Raises OSError when HAProxy does not answer."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout_s)
        sock.connect(str(stats_socket))
        sock.sendall(b"show stat\n")
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    text = b"".join(chunks).decode().removeprefix("# ")
    return {row["svname"]: row["status"] for row in csv.DictReader(io.StringIO(text))
            if row.get("pxname") == BACKEND and row.get("svname") not in ("FRONTEND", "BACKEND")}


def haproxy_path() -> str | None:
    """Debian's ``haproxy`` (in /usr/sbin, which is not on every user's PATH)."""
    found = shutil.which("haproxy")
    if found:
        return found
    return "/usr/sbin/haproxy" if os.access("/usr/sbin/haproxy", os.X_OK) else None


# --- children ---------------------------------------------------------------------------------


try:
    _PRCTL = ctypes.CDLL(None, use_errno=True).prctl  # looked up before any fork
except (OSError, AttributeError):  # not Linux: children outlive a killed supervisor
    _PRCTL = None
PR_SET_PDEATHSIG = 1


def _stop_with_parent() -> None:
    """In the child, before exec: the kernel sends SIGTERM if the supervisor dies (even killed)."""
    _PRCTL(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


@dataclass
class Child:
    """One supervised process: a replica or HAProxy."""

    name: str
    argv: list[str]
    port: int
    process: subprocess.Popen | None = None
    started_at: float = 0.0
    starts: int = 0
    backoff_s: float = 0.0
    restart_at: float | None = None
    healthy: bool = False
    relay: threading.Thread | None = field(default=None, repr=False)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _relay(name: str, stream: io.TextIOBase, lock: threading.Lock) -> None:
    """Copy a child's output to stdout, each line prefixed with the child's name."""
    for line in stream:
        with lock:
            sys.stdout.write(f"[{name}] {line}" if line.endswith("\n") else f"[{name}] {line}\n")
            sys.stdout.flush()
    stream.close()


def _exit_text(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exited with code {code}"


class Supervisor:
    """Starts, watches, restarts and stops the replicas and HAProxy (see the module docstring)."""

    def __init__(self, *, replicas: int, port: int, address: str, run_dir: Path,
                 environ: Mapping[str, str], haproxy: str) -> None:
        self.address = address
        self.port = port
        self.run_dir = run_dir
        self.environ = dict(environ)
        self.stop_requested = threading.Event()
        self.stop_signal: str | None = None
        self.output_lock = threading.Lock()
        self.ready = False
        names = replica_names(replicas)
        ports = free_loopback_ports(replicas)
        self.replicas = [Child(name, replica_command(p), p) for name, p in zip(names, ports)]
        self.config_path = run_dir / "haproxy.cfg"
        self.stats_socket = run_dir / "haproxy.sock"
        self.balancer = Child("haproxy", [haproxy, "-db", "-f", str(self.config_path)], port)

    @property
    def url(self) -> str:
        """The balancer's URL as seen from this machine."""
        host = "127.0.0.1" if self.address in ("0.0.0.0", "*", "") else self.address
        return f"http://{host}:{self.port}"

    @property
    def children(self) -> list[Child]:
        return [*self.replicas, self.balancer]

    # -- start-up

    def write_config(self) -> None:
        """Write haproxy.cfg and have HAProxy check it (raises RuntimeError with its message)."""
        self.config_path.write_text(haproxy_config(
            self.address, self.port, {c.name: c.port for c in self.replicas}, self.stats_socket))
        check = subprocess.run([self.balancer.argv[0], "-c", "-q", "-f", str(self.config_path)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"HAProxy rejects {self.config_path}:\n{check.stdout}{check.stderr}")

    def start(self, child: Child) -> None:
        """Start (or restart) ``child`` and relay its output."""
        child.process = subprocess.Popen(
            child.argv, cwd=REPO_ROOT, env=self.environ, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8", errors="replace",
            bufsize=1,
            start_new_session=True,  # Ctrl-C reaches the supervisor only; it stops the children in order
            preexec_fn=_stop_with_parent if _PRCTL else None,
        )
        child.started_at = time.monotonic()
        child.starts += 1
        child.restart_at = None
        child.healthy = False
        child.relay = threading.Thread(target=_relay, args=(child.name, child.process.stdout, self.output_lock),
                                       daemon=True)
        child.relay.start()
        what = "started" if child.starts == 1 else f"restarted (start {child.starts})"
        log.info("%s %s: pid %d, port %d", child.name, what, child.pid, child.port)
        self.write_state()

    def write_state(self) -> None:
        """Write state.json (atomically): the balancer's URL, each child's port, pid and starts."""
        state = {
            "url": self.url,
            "stats_socket": str(self.stats_socket),
            "supervisor_pid": os.getpid(),
            "haproxy": {"pid": self.balancer.pid, "port": self.port, "starts": self.balancer.starts},
            "replicas": {c.name: {"pid": c.pid, "port": c.port, "starts": c.starts} for c in self.replicas},
        }
        temporary = self.run_dir / "state.json.tmp"
        temporary.write_text(json.dumps(state, indent=2) + "\n")
        temporary.replace(self.run_dir / "state.json")

    # -- the watch loop

    def run(self) -> int:
        """Start everything, watch until asked to stop, stop everything. Returns the exit code:
        0 after a requested stop, 1 when the cluster could not start."""
        self.write_config()
        for replica in self.replicas:
            self.start(replica)
        deadline = time.monotonic() + READY_TIMEOUT_S
        next_health = 0.0
        failed = False
        while not self.stop_requested.wait(POLL_S):
            now = time.monotonic()
            if not self._watch_exits(now):
                failed = True
                break
            if now >= next_health:
                next_health = now + HEALTH_EVERY_S
                self._check_health()
            if not self.ready and now > deadline:
                log.error("not ready after %.0f s; stopping", READY_TIMEOUT_S)
                failed = True
                break
        if self.stop_signal:
            log.info("%s received; stopping", self.stop_signal)
        self.stop()
        return 1 if failed else 0

    def _watch_exits(self, now: float) -> bool:
        """Restart children that exited, when their wait is over. False when a child died before
        the cluster was first ready (the caller stops everything)."""
        for child in self.children:
            if child.process is not None and child.restart_at is None:
                code = child.process.poll()
                if code is None:
                    continue
                if not self.ready:
                    log.error("%s (pid %d) %s before the cluster was ready; stopping",
                              child.name, child.pid, _exit_text(code))
                    return False
                child.backoff_s = next_backoff(child.backoff_s, now - child.started_at)
                child.restart_at = now + child.backoff_s
                child.healthy = False
                log.warning("%s (pid %d) %s after %.0f s; restarting in %.0f s", child.name, child.pid,
                            _exit_text(code), now - child.started_at, child.backoff_s)
            elif child.restart_at is not None and now >= child.restart_at:
                self.start(child)
        return True

    def _check_health(self) -> None:
        """Note replicas that answer their health check since their last start; start HAProxy once
        every replica answers; log readiness once the balancer answers too."""
        for replica in self.replicas:
            if replica.running and not replica.healthy and is_healthy(f"http://127.0.0.1:{replica.port}"):
                replica.healthy = True
                log.info("%s healthy: pid %d, http://127.0.0.1:%d", replica.name, replica.pid, replica.port)
        if self.balancer.process is None and all(r.healthy for r in self.replicas):
            self.start(self.balancer)  # once every replica answers: HAProxy starts with all of them up
            return
        if not self.ready and all(r.healthy for r in self.replicas) and is_healthy(self.url):
            self.ready = True
            log.info("ready: %s (%d replicas behind HAProxy; run folder %s)", self.url, len(self.replicas),
                     self.run_dir)

    # -- shut-down

    def request_stop(self, signum: int, _frame: object = None) -> None:
        """The signal handler: the watch loop notices within POLL_S (nothing is logged here, as
        the handler may interrupt a write to stdout)."""
        self.stop_signal = self.stop_signal or signal.Signals(signum).name
        self.stop_requested.set()

    def stop(self) -> None:
        """Stop HAProxy first (no new requests), then every replica; SIGKILL after STOP_TIMEOUT_S."""
        for group in ([self.balancer], self.replicas):
            running = [c for c in group if c.running]
            for child in running:
                child.process.terminate()
            deadline = time.monotonic() + STOP_TIMEOUT_S
            for child in running:
                try:
                    child.process.wait(timeout=max(deadline - time.monotonic(), 0.1))
                except subprocess.TimeoutExpired:
                    log.warning("%s (pid %d) did not stop in %.0f s; killing it", child.name, child.pid,
                                STOP_TIMEOUT_S)
                    child.process.kill()
                    child.process.wait()
                log.info("%s stopped (pid %d)", child.name, child.pid)
        for child in self.children:
            if child.relay is not None:
                child.relay.join(timeout=2)


# --- command line -----------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m dashboard.cluster",
                                     description="N dashboard replicas behind HAProxy, in the foreground.")
    parser.add_argument("--replicas", type=int, default=os.cpu_count() or 1,
                        help="Streamlit processes (default: the number of cores)")
    parser.add_argument("--port", type=int, default=8501, help="HAProxy's port (default 8501)")
    parser.add_argument("--address", default="0.0.0.0",
                        help="HAProxy's address (default 0.0.0.0, every interface, like `make run`)")
    parser.add_argument("--run-dir", type=Path,
                        help="folder for haproxy.cfg, its stats socket and state.json "
                             "(default: a new temporary folder, removed on exit)")
    args = parser.parse_args(argv)
    if args.replicas < 1:
        parser.error("--replicas must be at least 1")
    if not 0 < args.port < 65536:
        parser.error("--port must be a TCP port number")
    return args


@contextmanager
def _run_dir(given: Path | None) -> Iterator[Path]:
    """``given`` (created if missing, kept), or a new temporary folder removed afterwards."""
    if given is not None:
        given.mkdir(parents=True, exist_ok=True)
        yield given.resolve()
        return
    folder = Path(tempfile.mkdtemp(prefix="dashboard-cluster-"))
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the cluster until SIGINT/SIGTERM/SIGHUP; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, stream=sys.stdout,
                        format="%(asctime)s cluster: %(message)s", datefmt="%H:%M:%S")
    args = parse_args(argv)
    haproxy = haproxy_path()
    if haproxy is None:
        log.error("haproxy not found (Debian: apt-get install haproxy; `make cluster` installs it as root)")
        return 2
    try:
        settings = load_settings()
        secret, source = cookie_secret(os.environ, settings.data_dir)
    except (ConfigError, OSError, ValueError) as err:
        log.error("%s", err)
        return 2
    environ = {**os.environ, COOKIE_SECRET_ENV: secret, "PYTHONUNBUFFERED": "1"}
    log.info("cookie secret from %s; data folder %s", source, settings.data_dir)
    with _run_dir(args.run_dir) as run_dir:
        supervisor = Supervisor(replicas=args.replicas, port=args.port, address=args.address,
                                run_dir=run_dir, environ=environ, haproxy=haproxy)
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, supervisor.request_stop)
        try:
            code = supervisor.run()
        except RuntimeError as err:
            log.error("%s", err)
            supervisor.stop()
            return 2
        except BaseException:
            supervisor.stop()
            raise
    log.info("stopped")
    return code


if __name__ == "__main__":
    sys.exit(main())
