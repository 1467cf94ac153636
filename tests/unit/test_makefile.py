"""`make run` rebuilds the gazetteer and the static copies only when one of their inputs changed.

Runs ``make -n`` (print, do not run) on a copy of the Makefile in a folder of stand-in files whose
modification times the test sets, so nothing is built and the real checkout is not touched.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from dashboard.paths import REPO_ROOT

GAZETTEER_INPUTS = ("scripts/build_gazetteer.py", "dashboard/core/geoparse/gazetteer.py", ".venv/.installed")
STATIC_INPUTS = ("dashboard/services/static_assets.py", ".venv/.installed")
OUTPUTS = ("build/gazetteer.sqlite", "dashboard/static/VERSIONS.txt")
OTHER = (".venv/bin/python", "requirements.txt", "pyproject.toml")


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A folder with the Makefile and every file `make run` looks at, all up to date."""
    if shutil.which("make") is None:
        pytest.fail("make is needed (it is how README's two commands run)")
    shutil.copy(REPO_ROOT / "Makefile", tmp_path / "Makefile")
    for age, names in ((300, OTHER), (200, GAZETTEER_INPUTS + STATIC_INPUTS), (100, OUTPUTS)):
        for name in names:
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            stamp = path.stat().st_mtime - age
            os.utime(path, (stamp, stamp))
    return tmp_path


def planned(checkout: Path) -> str:
    """What `make run` would run there (commands only, nothing executed)."""
    return subprocess.run(["make", "-n", "-C", str(checkout), "run"], check=True, capture_output=True,
                          text=True, timeout=60).stdout


def _touch(checkout: Path, name: str) -> None:
    os.utime(checkout / name)


def test_a_restart_with_nothing_changed_only_starts_the_server(checkout: Path) -> None:
    commands = planned(checkout)
    assert "build_gazetteer" not in commands
    assert "static_assets" not in commands
    assert "streamlit run dashboard/app.py" in commands


@pytest.mark.parametrize("changed", GAZETTEER_INPUTS)
def test_a_changed_input_rebuilds_the_gazetteer(checkout: Path, changed: str) -> None:
    _touch(checkout, changed)
    assert "scripts/build_gazetteer.py" in planned(checkout)


def test_a_missing_gazetteer_is_built(checkout: Path) -> None:
    (checkout / "build/gazetteer.sqlite").unlink()
    assert "scripts/build_gazetteer.py" in planned(checkout)


def test_a_changed_copier_copies_the_static_files_again(checkout: Path) -> None:
    _touch(checkout, "dashboard/services/static_assets.py")
    commands = planned(checkout)
    assert "dashboard.services.static_assets" in commands
    assert "build_gazetteer" not in commands
