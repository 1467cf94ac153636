"""Shared fixtures: one headless Chromium (Debian's package, driven by Playwright) for every
test that needs a real browser, and HAProxy for the tests of ``make cluster``. Under CI
(CI=true) a missing browser or HAProxy is a failure, never a skip."""
from __future__ import annotations

import os

import pytest

from dashboard.cluster import haproxy_path
from tests.harness import CHROMIUM_ARGS, chromium_path


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


@pytest.fixture(scope="session")
def haproxy() -> str:
    """Debian's HAProxy, the balancer of ``make cluster``."""
    path = haproxy_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("HAProxy is required for the cluster tests in CI (make test installs it)")
        pytest.skip("HAProxy not installed (run `make test`, which installs it)")
    return path
