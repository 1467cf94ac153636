"""The embedded gazetteer's file: where it is, which build it holds, and building it when missing
(``scripts/build_gazetteer.py``, from installed packages only)."""
from __future__ import annotations

import importlib.util
import sqlite3
from collections.abc import Callable
from pathlib import Path

from dashboard.core.geoparse.gazetteer import (
    GAZETTEER_VERSION,
    Gazetteer,
    GazetteerError,
)
from dashboard.paths import build_dir, scripts_dir


def default_gazetteer_path() -> Path:
    """Return ``build/gazetteer.sqlite`` under the repository root."""
    return build_dir() / "gazetteer.sqlite"


def file_version(path: Path) -> str | None:
    """Return the build version recorded in the file at ``path``, or ``None`` if unreadable."""
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'build_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return row[0] if row else None


def _default_builder() -> Callable[[Path], Path]:
    script = scripts_dir() / "build_gazetteer.py"
    if not script.is_file():
        raise GazetteerError(f"gazetteer missing and no build script at {script}")
    spec = importlib.util.spec_from_file_location("_build_gazetteer", script)
    if spec is None or spec.loader is None:
        raise GazetteerError(f"cannot load {script}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)

    def build(out: Path) -> Path:
        return module.build_gazetteer(out, download=False)

    return build


def ensure_gazetteer(
    path: Path | str | None = None, *, builder: Callable[[Path], Path] | None = None
) -> Gazetteer:
    """Open the gazetteer at ``path`` (default :func:`default_gazetteer_path`), building it first
    when it is missing or was built by another :data:`GAZETTEER_VERSION`.

    The default builder runs ``scripts/build_gazetteer.py`` from installed packages and its
    download cache only (no network). Raises :class:`GazetteerError` if it cannot be built.
    """
    target = Path(path) if path is not None else default_gazetteer_path()
    if file_version(target) != GAZETTEER_VERSION:
        build = builder or _default_builder()
        try:
            build(target)
        except GazetteerError:
            raise
        except Exception as err:  # noqa: BLE001 - any build failure is reported the same way
            raise GazetteerError(f"could not build the gazetteer at {target}: {err}") from err
    return Gazetteer.open(target)
