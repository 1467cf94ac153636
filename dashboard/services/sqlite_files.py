"""Shared handling of damaged SQLite files (the geocode cache and the article library)."""
from __future__ import annotations

import time
from pathlib import Path

_SIDE_FILES = ("-journal", "-wal", "-shm")


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
