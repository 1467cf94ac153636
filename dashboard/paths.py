"""The one place that knows where the repository's folders are (``data/``, ``build/``, ``scripts/``).

The pure core never reads a file by itself: callers resolve paths here and pass them in.
"""
from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def data_dir() -> Path:
    """The repository's ``data/`` folder (topics, articles, basemap)."""
    return REPO_ROOT / "data"


def build_dir() -> Path:
    """The repository's ``build/`` folder (the gazetteer built at set-up; not committed)."""
    return REPO_ROOT / "build"


def scripts_dir() -> Path:
    """The repository's ``scripts/`` folder (build scripts)."""
    return REPO_ROOT / "scripts"
