"""Shared fixtures: one headless Chromium (Debian's package, driven by Playwright) for every
test that needs a real browser. Under CI (CI=true) a missing browser is a failure, never a skip."""
from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed (Playwright's own browser download does not work here)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Debian's package) driven by Playwright."""
    path = chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required for the browser tests in CI (make test installs it)")
        pytest.skip("Chromium not installed (run `make test`, which installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


