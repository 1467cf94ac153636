"""What a test needs from the machine: without it the test is skipped here, and fails under CI
(CI=true), where every test must run."""
from __future__ import annotations

import os

import pytest


def require(capability: str, how: str) -> None:
    """Skip for lack of ``capability``, or fail under CI; ``how`` says how to get it (or why it is missing)."""
    if os.environ.get("CI"):
        pytest.fail(f"{capability} is required in CI ({how})")
    pytest.skip(f"{capability} is missing here ({how})")
