"""SQLite files in the data folder (the embedded stores): damaged files set aside, and the result
codes that say what went wrong (``store.classify`` reads them)."""
from __future__ import annotations

import sqlite3
import time
from pathlib import Path

_SIDE_FILES = ("-journal", "-wal", "-shm")

# SQLite primary result codes (https://www.sqlite.org/rescode.html).
SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_NOTADB = 5, 6, 8, 11, 13, 26


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
