"""Two dashboard servers sharing one store (behind a load balancer, or a second copy a reader
started): one DASHBOARD_DATA_DIR, or one PostgreSQL database through DASHBOARD_DATABASE_URL. An
article uploaded through one opens, by its shared link, on the other, which was already running
and is not restarted."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from helpers import open_add_article, open_dashboard, wait_idle
from playwright.sync_api import Page, expect

from dashboard.services.library import ArticleLibrary
from tests.harness import AppServer, start_server

pytestmark = pytest.mark.browser

ARTICLE_FILE = b"""---
title: Radar talks move to Prague
outlet: Test Wire
---
The radar talks moved to Prague on Monday, where Czech and American negotiators met.

Polish officials said the interceptor base near Warsaw would be discussed in Brussels.
"""


@pytest.fixture(scope="module", params=["data-folder", "postgresql"])
def two_servers(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[AppServer, AppServer]]:
    """Two offline servers, each with its own log, sharing one data folder or one database."""
    shared = {"DASHBOARD_DATA_DIR": str(tmp_path_factory.mktemp("shared-data")), "DASHBOARD_OFFLINE": "1"}
    if request.param == "postgresql":
        shared["DASHBOARD_DATABASE_URL"] = request.getfixturevalue("postgres").create_database()
    first = start_server(tmp_path_factory.mktemp("server-a"), shared)
    try:
        second = start_server(tmp_path_factory.mktemp("server-b"), shared)
    except BaseException:
        first.stop()
        raise
    yield first, second
    second.stop()
    first.stop()
    if "DASHBOARD_DATABASE_URL" in shared:  # the article went to the database, not to the folder
        assert ArticleLibrary(shared["DASHBOARD_DATABASE_URL"]).entries(strict=True)
        assert not list(Path(shared["DASHBOARD_DATA_DIR"]).glob("*.sqlite"))


def test_an_article_added_on_one_server_opens_on_the_other(page: Page, two_servers, watch) -> None:
    server_a, server_b = two_servers
    open_dashboard(page, server_b.url + "/")  # B is running and has read the library, still empty

    open_dashboard(page, server_a.url + "/")
    panel = open_add_article(page)
    panel.get_by_role("tab", name="Upload").click()
    panel.locator("input[type=file]").set_input_files(
        files=[{"name": "radar-talks.md", "mimeType": "text/markdown", "buffer": ARTICLE_FILE}]
    )
    expect(panel.get_by_text("radar-talks.md")).to_be_visible()  # the upload has reached the server
    panel.get_by_role("button", name="Add and map").click()  # the one in the visible tab
    wait_idle(page)
    expect(page.get_by_role("heading", name="Radar talks move to Prague")).to_be_visible(timeout=20_000)
    expect(page).to_have_url(re.compile(r"article=radar-talks-move-to-prague-"))
    (article_id,) = parse_qs(urlparse(page.url).query)["article"]

    open_dashboard(page, f"{server_b.url}/?article={article_id}")
    expect(page.get_by_role("heading", name="Radar talks move to Prague")).to_be_visible()
    expect(page.locator("[data-testid=stAlert]").filter(has_text="ignored")).to_have_count(0)
    assert watch.external_requests == []
