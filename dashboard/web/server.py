"""What the entry ``dashboard/app.py`` gives ``st.App``: the middleware of the dashboard's server
(and, beside it, any routes of its own)."""
from __future__ import annotations

from starlette.middleware import Middleware

from dashboard.config import Settings, load_settings
from dashboard.web.headers import SecurityHeaders, security_headers
from dashboard.web.origins import OfflineWebsocketOrigins


def middleware(settings: Settings | None = None) -> list[Middleware]:
    """The server's middleware for ``settings`` (default: the environment's). Raises ConfigError."""
    settings = settings or load_settings()
    stack = [Middleware(SecurityHeaders, headers=security_headers(settings))]
    if settings.offline:
        stack.append(Middleware(OfflineWebsocketOrigins))
    return stack
