"""The repository's ``.streamlit/config.toml`` as Streamlit reads it when it serves the dashboard:
uploads capped just above the intake limit, and error details hidden from readers unless a
deployment turns them on."""
from __future__ import annotations

import tomllib
import os
import subprocess
import sys
from pathlib import Path

from dashboard.core.geoparse.intake import MAX_TEXT_BYTES

ROOT = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024


def _streamlit_options(*names: str, **environ: str) -> dict[str, object]:
    """The options as ``python -m streamlit`` from the repository root sees them (its own
    ``config show``: the config file, then ``STREAMLIT_...`` variables), as TOML values."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("STREAMLIT_")}
    done = subprocess.run([sys.executable, "-m", "streamlit", "config", "show"], cwd=ROOT, env={**env, **environ},
                          capture_output=True, text=True, timeout=60, check=True)
    section, found = "", {}
    for line in done.stdout.splitlines():
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1]
        elif "=" in line and not line.startswith("#"):
            key, value = (part.strip() for part in line.split("=", 1))
            if f"{section}.{key}" in names:
                found[f"{section}.{key}"] = tomllib.loads(f"v = {value}")["v"]
    return found


def test_uploads_are_capped_just_above_the_intake_limit() -> None:
    (cap_mib,) = _streamlit_options("server.maxUploadSize").values()
    assert isinstance(cap_mib, int)
    assert MAX_TEXT_BYTES <= cap_mib * MIB <= MAX_TEXT_BYTES + 2 * MIB, "Streamlit's default is 200 MiB"


def test_readers_see_no_error_details_unless_the_deployment_asks() -> None:
    assert _streamlit_options("client.showErrorDetails") == {"client.showErrorDetails": "none"}
    turned_on = _streamlit_options("client.showErrorDetails", STREAMLIT_CLIENT_SHOW_ERROR_DETAILS="full")
    assert turned_on == {"client.showErrorDetails": "full"}
