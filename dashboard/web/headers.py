"""Security headers on every HTTP answer of the dashboard's server (the page, Streamlit's own
files and endpoints, ``/app/static/``), and the Content-Security-Policy of the page and of the
HTML export.

- ``X-Content-Type-Options: nosniff``: a file is never run as a type it was not served as.
- ``Referrer-Policy: strict-origin-when-cross-origin``: another site (the tile server) learns the
  dashboard's origin, never a link's query (the view a reader shares).
- ``Content-Security-Policy``: scripts, styles, frames and connections only from the dashboard
  itself (Streamlit's frontend and the map's ``srcdoc`` iframe need inline scripts and styles),
  images also from OpenStreetMap's tile server unless offline (then the browser itself refuses
  every other host), no plugins, and ``frame-ancestors 'self'`` plus the origins of
  ``DASHBOARD_FRAME_ANCESTORS``: no other site can frame the live app (clickjacking).

The hook for routes with their own rules (published snapshots, embeddable on purpose): a header a
route sets itself is never replaced, so such a route sends its own ``Content-Security-Policy``
(with its own ``frame-ancestors``) and keeps it.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from dashboard.config import Settings

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Where the online basemap's tiles come from (``core/render/base.OSM_TILES``).
TILE_ORIGINS = ("https://tile.openstreetmap.org",)


def content_security_policy(*, offline: bool, frame_ancestors: Sequence[str] | None = ("'self'",)) -> str:
    """The policy for the dashboard's pages; ``frame_ancestors=None`` leaves that directive out
    (a ``<meta>`` policy cannot carry it)."""
    images = " ".join(("'self'", "data:", "blob:", *(() if offline else TILE_ORIGINS)))
    directives = [
        "default-src 'self'",
        "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",  # Streamlit's components, the map's script
        "style-src 'self' 'unsafe-inline'",
        f"img-src {images}",
        "font-src 'self' data:",
        "connect-src 'self'",
        "frame-src 'self' blob: data:",
        "worker-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    if frame_ancestors is not None:
        directives.append("frame-ancestors " + " ".join(frame_ancestors))
    return "; ".join(directives)


def security_headers(settings: Settings) -> tuple[tuple[str, str], ...]:
    """The headers every answer of the live app carries (names in lower case)."""
    policy = content_security_policy(offline=settings.offline, frame_ancestors=("'self'", *settings.frame_ancestors))
    return (
        ("content-security-policy", policy),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "strict-origin-when-cross-origin"),
    )


class SecurityHeaders:
    """ASGI middleware adding ``headers`` to every HTTP answer that does not set them itself."""

    def __init__(self, app: ASGIApp, *, headers: Sequence[tuple[str, str]]) -> None:
        self.app = app
        self.headers = tuple((name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", ())}
                missing = [(name, value) for name, value in self.headers if name not in present]
                message = {**message, "headers": [*message.get("headers", ()), *missing]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
