"""Hostile text in a real browser: an article whose title, outlet, body and place names carry
script, template-literal, Jinja and Markdown payloads; hostile links. Nothing may run."""
from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import AppServer, _start_server
from helpers import MAP_FRAME, open_dashboard, wait_idle
from playwright.sync_api import Page, expect

from tests.hostile_payloads import PAYLOADS

pytestmark = pytest.mark.browser

BODY_LINES = [f"Officials met in Prague on Monday; a note said: {payload}" for _, payload in PAYLOADS]
ARTICLE = "\n".join(
    [
        "---",
        "id: hostile-article",
        "title: Radar <script>window.__pwned=1</script> ${window.__pwned=4} {{ 'EXEC' ~ 'UTED' }}",
        "outlet: <img src=x onerror=\"window.__pwned=3\"> :red[Outlet]",
        "url: javascript:window.__pwned=7",
        "---",
        "The radar base in Azerbaijan and Warsaw`${window.__pwned=5}` were discussed in Brussels.",
        "",
        "\n\n".join(BODY_LINES),
        "",
        "Interceptor missiles in Poland: [click](javascript:window.__pwned=6) $x^2$ \u202eevil.",
    ]
)


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator[AppServer]:
    folder = tmp_path_factory.mktemp("hostile-articles")
    (folder / "hostile.md").write_text(ARTICLE, encoding="utf-8")
    server = _start_server(tmp_path_factory.mktemp("hostile"), {"DASHBOARD_ARTICLES_DIR": str(folder)})
    yield server
    server.process.terminate()
    server.process.wait(timeout=10)


def _not_pwned(page: Page) -> None:
    assert page.evaluate("typeof window.__pwned") == "undefined"
    frame = page.locator(MAP_FRAME).element_handle().content_frame()
    assert frame.evaluate("typeof window.__pwned") == "undefined"


def test_hostile_article_reads_as_text_and_runs_nothing(page: Page, hostile_server, watch) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame = open_dashboard(page, hostile_server.url + "/?article=hostile-article&basemap=offline")
    expect(frame.locator(".site-gabala-radar")).to_have_count(1)
    expect(page.get_by_text("${window.__pwned=4}", exact=False).first).to_be_visible()
    expect(page.get_by_text("EXECUTED")).to_have_count(0)
    frame.locator(".site-gabala-radar").click()
    wait_idle(page)
    expect(page.locator("[data-testid=stSidebar]").get_by_text("radar base in Azerbaijan", exact=False).first).to_be_visible()
    for tab in ("Timeline", "US plan vs Russian proposal", "Export", "Distances"):
        page.get_by_role("tab", name=tab).click()
    page.get_by_role("tab", name="Export").click()
    for marker in frame.locator(".place-marker").all()[:5]:
        marker.dispatch_event("mouseover")
    page.wait_for_timeout(300)
    _not_pwned(page)
    assert dialogs == []
    assert page.get_by_role("link", name="Read the original article").count() == 0
    assert watch.external_requests == []


@pytest.mark.parametrize(
    "query",
    [
        "?site=<script>window.__pwned=1</script>",
        "?proposal=${window.__pwned=2}&role=`x`",
        "?article=%7B%7B7*7%7D%7D&zoom=NaN&lat=1e999&lon=-1e999",
        "?layers=" + "x," * 300 + "&date=2007-13-45",
        "?basemap=javascript:alert(1)&unknown=%3Cimg%20src=x%20onerror=alert(1)%3E",
    ],
)
def test_hostile_links_give_one_notice_and_a_working_map(page: Page, hostile_server, query: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    frame = open_dashboard(page, hostile_server.url + "/" + query)
    expect(frame.locator(".site-marker").first).to_be_attached()
    expect(page.locator("[data-testid=stAlert]").filter(has_text="ignored")).to_have_count(1)
    _not_pwned(page)
    assert dialogs == []
