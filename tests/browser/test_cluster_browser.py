"""``make cluster`` with two replicas behind HAProxy: a link opens through the balancer, an
uploaded article is stored and opens by its link, and when the replica that served the reader is
killed the page comes back on reload from the other one, with the article, while the supervisor
brings the dead replica back. And the supervisor stops every child on SIGTERM."""
from __future__ import annotations

import os
import re
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest
from helpers import MAP_FRAME, open_add_article, open_dashboard, wait_idle
from playwright.sync_api import Page, expect

from dashboard.cluster import is_healthy
from tests.harness import ClusterRun, start_cluster

ARTICLE_TEXT = (
    b"The radar talks moved to Prague on Monday, where Czech and American negotiators met.\n\n"
    b"Polish officials said the interceptor base near Warsaw would be discussed in Brussels.\n"
)
TITLE = "Radar talks behind the balancer"
#: What a page may log while its replica is dead and before the reload has finished: the
#: browser's own messages about the lost websocket and failed requests, nothing else.
OUTAGE_ERRORS = re.compile(r"WebSocket|websocket|Failed to load resource|net::ERR_|Connection|connection")
WAIT_MS = 250


@pytest.fixture(scope="module")
def cluster(haproxy: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ClusterRun]:
    """Two offline replicas behind HAProxy on a free port, with a fresh data folder."""
    run = start_cluster(tmp_path_factory.mktemp("cluster"), {"DASHBOARD_OFFLINE": "1"}, replicas=2)
    yield run
    run.stop()


def affinity(page: Page) -> str:
    """The replica HAProxy's cookie ties this browser context to."""
    (value,) = [c["value"] for c in page.context.cookies() if c["name"] == "SRV"]
    return value


def upload_article(page: Page) -> str:
    """Add ARTICLE_TEXT as a .txt through "Map your own article" → Upload; return the shared link."""
    panel = open_add_article(page)
    panel.get_by_role("tab", name="Upload").click()
    form = panel.locator("[data-testid=stForm]").filter(has=page.locator("input[type=file]"))
    form.locator("input[type=file]").set_input_files(
        files=[{"name": "radar-talks.txt", "mimeType": "text/plain", "buffer": ARTICLE_TEXT}])
    expect(form.get_by_text("radar-talks.txt")).to_be_visible()  # the PUT has reached the replica
    form.get_by_label("Title").fill(TITLE)
    form.get_by_role("button", name="Add and map").click()
    wait_idle(page)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=20_000)
    expect(page).to_have_url(re.compile(r"article=radar-talks-behind-the-balancer-"))
    return page.url


def wait_until(page: Page, condition: Callable[[], bool], what: str, timeout_ms: int = 60_000) -> None:
    """Poll ``condition`` with Playwright's own waits (the page's routed requests keep flowing)."""
    for _ in range(timeout_ms // WAIT_MS):
        if condition():
            return
        page.wait_for_timeout(WAIT_MS)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.browser
def test_a_link_an_upload_and_a_killed_replica_through_the_balancer(page: Page, cluster: ClusterRun, watch) -> None:
    open_dashboard(page, cluster.url + "/?basemap=offline")
    first = affinity(page)
    link = upload_article(page)
    assert affinity(page) == first  # the websocket and the upload PUT stayed on one replica
    (article_id,) = parse_qs(urlparse(link).query)["article"]

    other = page.context.new_page()
    open_dashboard(other, link)
    expect(other.get_by_role("heading", name=TITLE)).to_be_visible()
    other.close()

    before = cluster.state()["replicas"][first]
    errors_before = len(watch.console_errors)
    os.kill(before["pid"], signal.SIGKILL)
    page.reload()
    wait_idle(page)
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=30_000)
    expect(page.frame_locator(MAP_FRAME).locator(".place-marker").first).to_be_attached(timeout=30_000)
    assert affinity(page) != first  # served by the other replica, from the shared library
    assert f"article={article_id}" in page.url
    expect(page.locator("[data-testid=stAlert]").filter(has_text="ignored")).to_have_count(0)
    outage = watch.console_errors[errors_before:]
    unexpected = [e for e in outage if not OUTAGE_ERRORS.search(e)]
    assert unexpected == [], f"console errors after the kill: {unexpected}"
    del watch.console_errors[errors_before:]

    def replaced() -> bool:
        now = cluster.state()["replicas"][first]
        return (now["pid"] != before["pid"] and is_healthy(f"http://127.0.0.1:{now['port']}")
                and cluster.backend_states().get(first) == "UP")

    wait_until(page, replaced, f"{first} restarted, healthy and UP in HAProxy")
    assert cluster.state()["replicas"][first]["starts"] == before["starts"] + 1
    assert watch.external_requests == []


def test_sigterm_stops_every_child(haproxy: str, tmp_path: Path) -> None:
    """No browser: the supervisor alone, started and stopped."""
    run = start_cluster(tmp_path, {"DASHBOARD_OFFLINE": "1"}, replicas=2)
    children = run.all_pids()
    assert len(children) == 3
    assert run.stop() == 0
    alive = [pid for pid in children if _alive(pid)]
    assert alive == []
    log = run.log_path.read_text()
    assert "SIGTERM received; stopping" in log
    assert log.count(" stopped (pid ") == 3


def _alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie counts as gone: it has exited)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"
