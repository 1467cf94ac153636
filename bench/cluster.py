"""Concurrent readers through the balancer of ``make cluster``, and a replica killed mid-run.

    .venv/bin/python bench/cluster.py [--replicas N] [--ttl SECONDS] [--together N,N]
                                      [--kill-sessions N] [--kill-after SECONDS] [--state PATH]

(``make bench-cluster`` runs it with the defaults.) Without ``--state`` it starts the cluster
itself, as ``make cluster`` does (``python -m dashboard.cluster``, REPLICAS replicas behind
HAProxy on a free loopback port, DASHBOARD_OFFLINE=1, a fresh data folder, the
disconnected-session TTL set to ``--ttl`` through the environment), and stops it at the end.
With ``--state`` it measures a cluster already running: the ``state.json`` in the run folder of
``make cluster RUN_DIR=...`` (started with the same TTL in its environment).

1. ``bench/load.py --url <balancer> --state <state.json> --server-only --together 25,100
   --ttl <ttl> --json``: protocol sessions (Streamlit's websocket protocol, no browser) through
   HAProxy: a warm-up per replica, 5 one after another, 25 and then 100 arriving at the same
   instant, the TTL, a second wave; each replica's memory. Its report is printed as it is.
2. The kill run: ``--kill-sessions`` protocol sessions arrive together through the balancer;
   ``--kill-after`` seconds later replica r1 gets SIGKILL while its sessions' runs are in
   flight. Sessions are counted by the replica HAProxy's cookie named; the supervisor must bring
   r1 back (a new pid answering its health check, UP in HAProxy), and a last group of sessions
   arriving together must all succeed, on both replicas again.

Ends with a summary table (the figures of docs/BENCHMARKS.md "Through the balancer") and one
JSON line. Exit code 0 when every session of step 1 succeeded, every session on the replica
that was not killed succeeded and the killed one came back; else 1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import shlex
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import (  # noqa: E402
    LINKS,
    ProtocolSession,
    load_average,
    percentile,
    protocol_session,
)
from dashboard.cluster import backend_states, is_healthy  # noqa: E402
from tests.harness import ClusterRun, start_cluster  # noqa: E402

COME_BACK_TIMEOUT_S = 120.0
AFTER_KILL_SESSIONS = 10


@dataclass(frozen=True)
class KillRun:
    """The kill run: who was killed, the sessions that were running, how long the replica took to
    be UP again, and the sessions that arrived once it was."""

    killed: str
    killed_pid: int
    killed_after_s: float
    finished_before_kill: int
    sessions: tuple[ProtocolSession, ...]
    back_after_s: float | None
    new_pid: int | None
    after: tuple[ProtocolSession, ...]

    def others(self) -> list[ProtocolSession]:
        """Sessions HAProxy's cookie placed on a replica that was not killed (a session whose
        handshake failed names none: HAProxy answers 502 when its replica dies mid-handshake)."""
        return [s for s in self.sessions if s.replica not in (None, self.killed)]

    def on(self, replica: str | None, sessions: tuple[ProtocolSession, ...] | None = None) -> list[ProtocolSession]:
        return [s for s in (self.sessions if sessions is None else sessions) if s.replica == replica]


def read_state(state: Path) -> dict:
    return json.loads(state.read_text())


async def kill_run(url: str, state: Path, count: int, kill_after_s: float, step_timeout_s: float) -> KillRun:
    """``count`` sessions together; ``kill_after_s`` later SIGKILL to r1 (the runs of a burst share
    each replica's interpreter, so they all finish late together: a fixed early moment finds them
    in flight); then wait for r1 to be back (a new pid answering its health check, UP in HAProxy)
    and send AFTER_KILL_SESSIONS together."""
    launched = time.monotonic()
    tasks = [asyncio.create_task(protocol_session(url, LINKS[i % len(LINKS)], step_timeout_s)) for i in range(count)]
    await asyncio.sleep(kill_after_s)
    replicas = read_state(state)["replicas"]
    victim = "r1" if "r1" in replicas else sorted(replicas)[0]
    pid = replicas[victim]["pid"]
    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    finished_before = sum(task.done() for task in tasks)
    sessions = tuple(await asyncio.gather(*tasks))
    back_after_s, new_pid = None, None
    socket_path = Path(read_state(state)["stats_socket"])
    while time.monotonic() - killed_at < COME_BACK_TIMEOUT_S:
        now = read_state(state)["replicas"][victim]
        try:
            up = backend_states(socket_path).get(victim) == "UP"
        except OSError:
            up = False
        if now["pid"] not in (None, pid) and up and is_healthy(f"http://127.0.0.1:{now['port']}"):
            back_after_s, new_pid = time.monotonic() - killed_at, now["pid"]
            break
        await asyncio.sleep(0.2)
    after = tuple(await asyncio.gather(*(protocol_session(url, LINKS[i % len(LINKS)], step_timeout_s)
                                         for i in range(AFTER_KILL_SESSIONS))))
    return KillRun(victim, pid, killed_at - launched, finished_before, sessions, back_after_s, new_pid, after)


def load_command(url: str, state: Path, args: argparse.Namespace) -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "load.py"), "--url", url, "--state", str(state), "--server-only",
            "--together", args.together, "--ttl", str(args.ttl), "--step-timeout", str(args.step_timeout), "--json"]


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def kill_table(run: KillRun, replicas: list[str]) -> str:
    rows = ["| replica | sessions it had | succeeded | failed | p95 to script_finished (succeeded) |",
            "|---|---|---|---|---|"]
    for name in [*replicas, None]:
        on = run.on(name)
        if name is None and not on:
            continue
        done = [s.finished_s for s in on if s.ok and s.finished_s is not None]
        label = f"{name} (killed)" if name == run.killed else (name or "none named (the handshake failed)")
        rows.append(f"| {label} | {len(on)} | {sum(s.ok for s in on)} | {sum(not s.ok for s in on)} "
                    f"| {seconds(percentile(done, 0.95))} |")
    return "\n".join(rows)


def summary_table(load: dict, run: KillRun, loads: tuple[str, str]) -> str:
    phases = {p["name"]: p for p in load["phases"]}
    rows = ["| figure (server only, protocol sessions through HAProxy) | value |", "|---|---|"]
    for name, phase in phases.items():
        rows.append(f"| {name}: succeeded, p50, p95 | {phase['succeeded']} of {phase['sessions']}, "
                    f"{seconds(phase['p50_s'])}, {seconds(phase['p95_s'])} |")
    for replica in load["replicas"]:
        rows.append(f"| memory growth per 50 sessions, {replica['name']} ({replica['sessions']:.0f} sessions) "
                    f"| {replica['growth_per_50_mb']:+.1f} MB |")
    others = run.others()
    unnamed = run.on(None)
    rows += [
        f"| kill run: {len(run.sessions)} together, {run.killed} killed; sessions on the others succeeded "
        f"| {sum(s.ok for s in others)} of {len(others)} |",
        f"| kill run: sessions whose handshake failed, no replica named (HAProxy answers 502 when the replica "
        f"it chose dies mid-handshake) | {len(unnamed)}: "
        + (", ".join(sorted({(s.failure or 'succeeded')[:60] for s in unnamed})) or "none") + " |",
        f"| kill run: killed {run.killed_after_s:.2f} s after the launch, {run.finished_before_kill} sessions "
        f"finished by then | |",
        f"| kill run: {run.killed} back (new pid answering, UP in HAProxy) after | {seconds(run.back_after_s)} |",
        f"| kill run: {len(run.after)} together once it was back: succeeded, replicas "
        f"| {sum(s.ok for s in run.after)} of {len(run.after)}, "
        + ", ".join(f"{name} {len(run.on(name, run.after))}" for name in sorted({s.replica or '?' for s in run.after}))
        + " |",
        f"| load average at the start / end | {loads[0]} / {loads[1]} |",
    ]
    return "\n".join(rows)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicas", type=int, default=2, help="replicas to start (default 2; not with --state)")
    parser.add_argument("--ttl", type=int, default=30,
                        help="the replicas' disconnected-session TTL in seconds (default 30)")
    parser.add_argument("--together", default="25,100", help="simultaneous phase sizes for bench/load.py")
    parser.add_argument("--kill-sessions", type=int, default=100, help="sessions in the kill run (default 100)")
    parser.add_argument("--kill-after", type=float, default=0.3,
                        help="seconds after the kill run's launch that r1 is killed (default 0.3: a run is done in"
                             " about 0.1 s, 100 together take about 1 s)")
    parser.add_argument("--step-timeout", type=float, default=120.0, help="seconds per step before a session fails")
    parser.add_argument("--state", type=Path, help="a running cluster's state.json (make cluster RUN_DIR=...)")
    return parser.parse_args()


def balancer_events(log_path: Path) -> str:
    """HAProxy's lines about replicas going DOWN or UP, and the supervisor's about exits and
    restarts, from the cluster's log."""
    words = ("is DOWN", "is UP", "no server available", "exited", "killed by", "restarted")
    lines = [line for line in log_path.read_text(errors="replace").splitlines() if any(w in line for w in words)]
    return "\n".join(lines) if lines else "none"


def measure(url: str, state: Path, args: argparse.Namespace, log_path: Path | None = None) -> int:
    first_load = load_average()
    command = load_command(url, state, args)
    print(f"$ {' '.join(shlex.quote(part) for part in command)}", flush=True)
    finished = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    print(finished.stdout, flush=True)
    if finished.stderr:
        print(finished.stderr, file=sys.stderr)
    load = json.loads(finished.stdout.strip().splitlines()[-1])
    run = asyncio.run(kill_run(url, state, args.kill_sessions, args.kill_after, args.step_timeout))
    loads = (first_load, load_average())
    replicas = sorted(read_state(state)["replicas"])
    print(f"## Kill run\n\n{args.kill_sessions} protocol sessions arrive together through the balancer; "
          f"{run.killed_after_s:.2f} s later {run.killed} (pid {run.killed_pid}) gets SIGKILL, when "
          f"{run.finished_before_kill} of them had finished.\n\n"
          + kill_table(run, replicas) + "\n")
    failures = sorted({s.failure for s in run.sessions if s.failure})
    if failures:
        print("Failures: " + "; ".join(failures[:5]) + "\n")
    if log_path is not None:
        print(f"## The balancer's and the supervisor's events\n\n```\n{balancer_events(log_path)}\n```\n")
    print(f"## Summary\n\n```\n$ .venv/bin/python bench/cluster.py {' '.join(map(shlex.quote, sys.argv[1:]))}\n```\n\n"
          + summary_table(load, run, loads))
    others = run.others()
    ok = (load["succeeded"] == load["sessions"] and all(s.ok for s in others) and run.back_after_s is not None
          and all(s.ok for s in run.after))
    print(json.dumps({"load": load, "kill": {
        "killed": run.killed, "sessions": len(run.sessions), "on_killed": len(run.on(run.killed)),
        "no_replica_named": len(run.on(None)),
        "others_succeeded": sum(s.ok for s in others), "others": len(others),
        "back_after_s": None if run.back_after_s is None else round(run.back_after_s, 2),
        "after_succeeded": sum(s.ok for s in run.after), "after": len(run.after)},
        "load_average": {"start": loads[0], "end": loads[1]}}))
    return 0 if ok else 1


def main() -> int:
    args = parse_args()
    if args.state:
        return measure(read_state(args.state)["url"], args.state, args)
    with tempfile.TemporaryDirectory(prefix="bench-cluster-") as folder:
        env = {"DASHBOARD_OFFLINE": "1", "STREAMLIT_SERVER_DISCONNECTED_SESSION_TTL": str(args.ttl)}
        cluster: ClusterRun = start_cluster(Path(folder), env, replicas=args.replicas)
        print(f"Cluster: {args.replicas} replicas behind HAProxy at {cluster.url} "
              f"(python -m dashboard.cluster, as make cluster runs it)\n", flush=True)
        try:
            return measure(cluster.url, cluster.run_dir / "state.json", args, cluster.log_path)
        finally:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
