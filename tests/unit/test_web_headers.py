"""The server's security headers (``dashboard/web``): what every answer carries, the policy per
setting, that a route's own header is kept (the hook for embeddable published snapshots), and the
DASHBOARD_FRAME_ANCESTORS setting refusing anything that is not an origin."""
from __future__ import annotations

from typing import Any

import pytest
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from dashboard.config import ConfigError, Settings, load_settings
from dashboard.web.headers import SecurityHeaders, content_security_policy, security_headers
from dashboard.web.server import middleware
from tests.asgi import run_to_completion


def _get(settings: Settings, path: str) -> list[tuple[str, str]]:
    """The headers of a GET of ``path`` from a Starlette app with the server's middleware (run
    through ASGI directly): a plain page at ``/``, and ``/s/abc/embed`` setting its own policy."""

    def page(request: Any) -> PlainTextResponse:
        return PlainTextResponse("page")

    def snapshot(request: Any) -> PlainTextResponse:
        return PlainTextResponse("snapshot", headers={"Content-Security-Policy": "frame-ancestors *"})

    app = Starlette(routes=[Route("/", page), Route("/s/abc/embed", snapshot)], middleware=middleware(settings))
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [], "scheme": "http", "server": ("127.0.0.1", 80), "root_path": "", "http_version": "1.1"}
    run_to_completion(app(scope, receive, send))
    start = next(message for message in sent if message["type"] == "http.response.start")
    return [(name.decode(), value.decode()) for name, value in start["headers"]]


def test_every_answer_carries_the_headers() -> None:
    headers = dict(_get(Settings(), "/"))
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = headers["content-security-policy"]
    assert policy.endswith("frame-ancestors 'self'")
    assert "object-src 'none'" in policy and "base-uri 'self'" in policy
    assert "https://tile.openstreetmap.org" in policy


def test_a_header_a_route_sets_itself_is_kept() -> None:
    headers = _get(Settings(), "/s/abc/embed")
    assert [value for name, value in headers if name == "content-security-policy"] == ["frame-ancestors *"]
    assert ("x-content-type-options", "nosniff") in headers


def test_the_named_newsrooms_may_frame_the_app_and_offline_allows_no_tiles() -> None:
    settings = load_settings({"DASHBOARD_FRAME_ANCESTORS": "https://news.example.org https://*.example.com",
                              "DASHBOARD_OFFLINE": "1"})
    policy = dict(security_headers(settings))["content-security-policy"]
    assert policy.endswith("frame-ancestors 'self' https://news.example.org https://*.example.com")
    assert "tile.openstreetmap.org" not in policy
    assert "frame-ancestors" not in content_security_policy(offline=False, frame_ancestors=None)


@pytest.mark.parametrize("value", ["news.example.org", "https://a.org; script-src *", "'none'", "*",
                                   "https://a.org/path", "https://user:pw@a.org", "javascript:alert(1)"])
def test_a_frame_ancestor_that_is_not_an_origin_is_refused(value: str) -> None:
    with pytest.raises(ConfigError, match="DASHBOARD_FRAME_ANCESTORS"):
        load_settings({"DASHBOARD_FRAME_ANCESTORS": value})


def test_websockets_pass_through_untouched() -> None:
    seen: list[str] = []

    async def inner(scope: Any, receive: Any, send: Any) -> None:
        seen.append(scope["type"])

    run_to_completion(SecurityHeaders(inner, headers=[("x-test", "1")])({"type": "websocket"}, None, None))  # type: ignore[arg-type]
    assert seen == ["websocket"]
