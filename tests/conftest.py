"""Shared fixtures: one headless Chromium (Debian's package, driven by Playwright) for every
test that needs a real browser, one throwaway PostgreSQL server for the store tests, which run
against both backends (``store_url``), and HAProxy for the tests of ``make cluster``. Under CI
(CI=true) a missing browser, PostgreSQL or HAProxy is a failure, never a skip."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from dashboard.cluster import haproxy_path
from tests.capabilities import require
from tests.harness import CHROMIUM_ARGS, chromium_path
from tests.postgres import PostgresServer, start_postgres


@pytest.fixture(scope="session")
def browser():
    """A headless Chromium (Debian's package) driven by Playwright."""
    path = chromium_path()
    if path is None:
        require("Chromium", "make test installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server of its own (initdb in a temporary folder, a free loopback port),
    stopped and removed after the session."""
    server = start_postgres()
    if server is None:
        require("PostgreSQL (Debian's postgresql package)", "make test installs it")
    assert server is not None
    try:
        yield server
    finally:
        server.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a test's stores live: a new SQLite file, or a new database on the test server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.sqlite'}"
    return request.getfixturevalue("postgres").create_database()


@pytest.fixture(scope="session")
def haproxy() -> str:
    """Debian's HAProxy, the balancer of ``make cluster``."""
    path = haproxy_path()
    if path is None:
        require("HAProxy (Debian's haproxy package)", "make test installs it")
    assert path is not None
    return path
