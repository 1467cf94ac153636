"""What the entry ``dashboard/app.py`` gives ``st.App``: the middleware of the dashboard's server
(and, beside it, any routes of its own)."""
from __future__ import annotations

from starlette.middleware import Middleware

from dashboard.config import Settings, load_settings
from dashboard.web.headers import SecurityHeaders, security_headers
from dashboard.web.origins import LOCAL_HOSTS, OfflineWebsocketOrigins


def middleware(settings: Settings | None = None, *,
               origin_hosts: frozenset[str] | None = LOCAL_HOSTS) -> list[Middleware]:
    """The server's middleware for ``settings`` (default: the environment's). ``origin_hosts``: the
    websocket origins' host names Streamlit admits without looking up this machine's addresses
    (None: it admits every origin, so nothing is looked up). Raises ConfigError."""
    settings = settings or load_settings()
    stack = [Middleware(SecurityHeaders, headers=security_headers(settings))]
    if settings.offline and origin_hosts is not None:
        stack.append(Middleware(OfflineWebsocketOrigins, allowed_hosts=origin_hosts))
    return stack
