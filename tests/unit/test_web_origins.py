"""Offline, a websocket from another origin never makes the server look up its own addresses
(``dashboard/web/origins.py``): Streamlit would ask checkip.amazonaws.com before refusing it."""
from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from dashboard.config import Settings
from dashboard.web.origins import LOCAL_HOSTS, OfflineWebsocketOrigins, admitted_hosts, needs_address_lookup
from dashboard.web.server import middleware
from tests.asgi import run_to_completion

GUARD = partial(OfflineWebsocketOrigins, allowed_hosts=LOCAL_HOSTS)


@pytest.mark.parametrize(("origin", "host", "lookup"), [
    ("https://elsewhere.example", "127.0.0.1:8501", True),  # any page the reader opens
    ("http://192.0.2.7:8501", "127.0.0.1:8501", True),  # admitted online only if it is this machine's address
    ("http://127.0.0.1:8501", "127.0.0.1:8501", False),  # the page itself
    ("https://news.example", "news.example", False),  # same origin behind a proxy that keeps Host
    ("http://localhost:3000", "127.0.0.1:8501", False),  # local: Streamlit admits it without a look-up
    (None, "127.0.0.1:8501", False),  # no Origin: not a browser
])
def test_only_a_foreign_origin_needs_a_lookup(origin: str | None, host: str, lookup: bool) -> None:
    assert needs_address_lookup(origin, host, allowed_hosts=LOCAL_HOSTS) is lookup


def test_an_allow_listed_origin_needs_no_lookup() -> None:
    allowed = admitted_hosts("localhost", "https://newsroom.example", "")
    assert allowed == LOCAL_HOSTS | {"newsroom.example"}
    assert not needs_address_lookup("https://newsroom.example", "127.0.0.1:8501", allowed_hosts=allowed)


def _open_websocket(app: Any, origin: str) -> tuple[bool, list[dict[str, Any]]]:
    """Whether ``app`` handed a websocket from ``origin`` on, and what it sent back itself."""
    reached: list[bool] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        reached.append(True)

    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "websocket.connect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "websocket", "path": "/_stcore/stream", "headers": [
        (b"host", b"127.0.0.1:8501"), (b"origin", origin.encode())]}
    run_to_completion(app(inner)(scope, receive, send))
    return bool(reached), sent


def test_offline_a_foreign_websocket_is_refused_before_streamlit_sees_it() -> None:
    # that Streamlit then looks nothing up is shown end to end by tests/browser/test_offline_start_browser.py
    reached, sent = _open_websocket(GUARD, "https://elsewhere.example")
    assert not reached
    assert sent == [{"type": "websocket.close", "code": 1008}]
    assert _open_websocket(GUARD, "http://127.0.0.1:8501") == (True, [])


def test_the_middleware_guards_only_an_offline_server() -> None:
    def kinds(settings: Settings) -> list[type]:
        return [entry.cls for entry in middleware(settings)]

    assert OfflineWebsocketOrigins in kinds(Settings(offline=True))
    assert OfflineWebsocketOrigins not in kinds(Settings())


def test_a_server_that_admits_every_origin_needs_no_guard() -> None:
    # server.enableCORS = false: Streamlit admits any origin without a look-up
    assert OfflineWebsocketOrigins not in [entry.cls for entry in middleware(Settings(offline=True), origin_hosts=None)]


def test_the_entry_reads_the_hosts_from_streamlits_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit import config

    from dashboard import app
    monkeypatch.setattr(config, "get_option", lambda name: {
        "server.enableCORS": True, "global.developmentMode": False, "browser.serverAddress": "dash.example",
        "server.corsAllowedOrigins": ["https://newsroom.example"]}[name])
    assert app.websocket_origin_hosts() == LOCAL_HOSTS | {"dash.example", "newsroom.example"}
