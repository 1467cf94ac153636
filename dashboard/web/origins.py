"""Offline, a websocket from another origin is refused before Streamlit looks up this machine's
addresses.

Streamlit admits a websocket whose ``Origin`` is not the request's ``Host`` when the origin is
local, allow-listed (``server.corsAllowedOrigins``), or one of this machine's internal or external
addresses; to know the external one it asks ``checkip.amazonaws.com``. Any page a reader opens can
make the browser try such a websocket. With ``DASHBOARD_OFFLINE=1`` no request may leave the
machine, so the middleware here refuses (HTTP 403) every cross-origin websocket that Streamlit
could only admit by those look-ups, and hands every other request to Streamlit unchanged.
"""
from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from dashboard.web.headers import ASGIApp, Receive, Scope, Send

#: Origins' host names that Streamlit admits before any look-up (``::1`` is not among them: for it
#: Streamlit would look up the machine's addresses, so offline it is refused like any other).
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "0.0.0.0"})  # noqa: S104 - names compared, not bound


def needs_address_lookup(origin: str | None, host: str | None, *, allowed_hosts: Collection[str]) -> bool:
    """True when Streamlit could admit a websocket with these ``Origin`` and ``Host`` headers only
    by looking up this machine's internal and external addresses. ``allowed_hosts``: the host
    names admitted by configuration (local names, the named server address, allow-listed origins)."""
    if origin is None:
        return False
    parsed = urlsplit(origin)
    if parsed.netloc == host:
        return False
    return (parsed.hostname or "") not in allowed_hosts


def admitted_hosts(*names: str) -> frozenset[str]:
    """:data:`LOCAL_HOSTS` and the host names of ``names`` (origins such as
    ``https://newsroom.example``, or bare host names such as ``localhost``)."""
    hosts = {urlsplit(name if "//" in name else f"//{name}").hostname for name in names if name}
    return LOCAL_HOSTS | {host for host in hosts if host}


class OfflineWebsocketOrigins:
    """ASGI middleware: a cross-origin websocket that only a look-up could admit is refused.
    ``allowed_hosts``: the origins' host names the server admits without one (:func:`admitted_hosts`)."""

    def __init__(self, app: ASGIApp, *, allowed_hosts: Collection[str]) -> None:
        self.app = app
        self.allowed_hosts = frozenset(allowed_hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope["headers"]}
            if needs_address_lookup(headers.get("origin"), headers.get("host"), allowed_hosts=self.allowed_hosts):
                await send({"type": "websocket.close", "code": 1008})  # before the handshake: HTTP 403
                return
        await self.app(scope, receive, send)
