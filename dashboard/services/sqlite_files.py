"""SQLite files in the data folder (the embedded stores): damaged files set aside, and the result
codes that say what went wrong (``store.classify`` reads them).

Several processes (servers, the CLI) may share one data folder. A file is set aside only while
holding ``<name>.lock`` (an exclusive ``flock`` every process takes before renaming), and only when
the path still names the file that failed (:func:`file_identity`): a process whose connection
still points at a file another process already set aside opens the new one instead of renaming it.
"""
from __future__ import annotations

import fcntl
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

_SIDE_FILES = ("-journal", "-wal", "-shm")

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 5, 6, 8, 11, 13, 26


FileIdentity = tuple[int, int]  # (device, inode)


def file_identity(path: Path) -> FileIdentity | None:
    """(device, inode) of the file ``path`` names now, or None when there is none."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return status.st_dev, status.st_ino


@contextmanager
def set_aside_lock(path: Path) -> Iterator[None]:
    """Hold the exclusive lock every process takes before setting ``path`` aside (``<name>.lock``,
    released when the block ends or the process dies). Raises OSError when it cannot be taken."""
    descriptor = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        os.close(descriptor)


def set_aside(path: Path, now: float | None = None) -> Path:
    """Rename ``path`` and its journal files to ``<name>.corrupt-<UTC time>[-n]``; return the new path.

    Nothing is deleted. Raises OSError when a file cannot be renamed.
    """
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(now))
    target = path.with_name(f"{path.name}.corrupt-{stamp}")
    n = 1
    while target.exists():
        target = path.with_name(f"{path.name}.corrupt-{stamp}-{n}")
        n += 1
    if path.exists():
        path.replace(target)
    for suffix in _SIDE_FILES:
        side = path.with_name(path.name + suffix)
        if side.exists():
            side.replace(target.with_name(target.name + suffix))
    return target


def result_code(err: sqlite3.Error) -> int | None:
    """SQLite's primary result code of ``err`` (``SQLITE_FULL`` ...), or None when it has none."""
    code = getattr(err, "sqlite_errorcode", None)
    return code & 0xFF if isinstance(code, int) else None


def full_disk_advice(folder: Path) -> str:
    """What to tell a reader when the disk holding ``folder`` is full."""
    return f"disk holding {folder} is full; free some space there"
