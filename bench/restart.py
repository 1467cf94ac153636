"""How long `make run` takes to reach a healthy server when nothing changed since the last start.

    .venv/bin/python bench/restart.py [--rounds N] [--makefile PATH]

Each round starts ``make -o .venv/.installed run PORT=<free port>`` in its own process group,
polls ``/_stcore/health`` every 0.1 s, prints the seconds from the start to the first healthy
answer and stops the group. ``-o .venv/.installed`` holds the install step back (a checkout that
shares its virtualenv must not reinstall it); ``--makefile`` times another Makefile (say, an older
one) on the same checkout.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from harness import free_port  # noqa: E402


def healthy(url: str) -> bool:
    """True when the server answers its health check."""
    try:
        with urllib.request.urlopen(url, timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def one_start(makefile: Path, timeout_s: float = 120.0) -> float:
    """Seconds from `make run` to a healthy server; raises RuntimeError after ``timeout_s``."""
    port = free_port()
    health = f"http://127.0.0.1:{port}/_stcore/health"
    started = time.perf_counter()
    process = subprocess.Popen(["make", "-o", ".venv/.installed", "-f", str(makefile), "run", f"PORT={port}"],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        while not healthy(health):
            if time.perf_counter() - started > timeout_s or process.poll() is not None:
                raise RuntimeError(f"no healthy server on port {port}")
            time.sleep(0.1)
        return time.perf_counter() - started
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--makefile", type=Path, default=ROOT / "Makefile")
    args = parser.parse_args()
    one_start(args.makefile)  # brings the gazetteer and the static copies up to date, not counted
    seconds = [one_start(args.makefile) for _ in range(args.rounds)]
    print(f"```\n$ .venv/bin/python bench/restart.py --rounds {args.rounds} --makefile {args.makefile}\n```\n")
    print(f"restart with nothing changed: median {statistics.median(seconds):.2f} s "
          f"(rounds: {', '.join(f'{s:.2f}' for s in seconds)} s; load average {os.getloadavg()[0]:.1f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
