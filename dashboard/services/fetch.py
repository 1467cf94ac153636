"""Fetch an article page from a URL (only when the dashboard is online)."""
from __future__ import annotations

import urllib.error
import urllib.request

from dashboard.config import Settings
from dashboard.core.intake import MAX_TEXT_BYTES, IntakeError

ACCEPTED_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")


def fetch_page(url: str, settings: Settings) -> tuple[bytes, str]:
    """Return (body, content type) of ``url``.

    Raises IntakeError in offline mode (before any request), for a non-http(s) URL, an
    error answer, a body over the size limit or a type that is not a web page or text.
    """
    if settings.offline:
        raise IntakeError("fetching from a URL is disabled: the dashboard runs offline (DASHBOARD_OFFLINE=1)")
    if not url.startswith(("http://", "https://")):
        raise IntakeError("the URL must start with http:// or https://")
    request = urllib.request.Request(url, headers={"User-Agent": settings.user_agent})
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_s) as response:
            kind = response.headers.get_content_type()
            if kind not in ACCEPTED_TYPES:
                raise IntakeError(f"the address gave {kind}, not a web page or text")
            body = response.read(MAX_TEXT_BYTES + 1)
    except urllib.error.HTTPError as err:
        raise IntakeError(f"the site answered HTTP {err.code}") from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise IntakeError(f"the page could not be fetched: {getattr(err, 'reason', err)}") from err
    if len(body) > MAX_TEXT_BYTES:
        raise IntakeError(f"the page is over {MAX_TEXT_BYTES / 1e6:.0f} MB")
    return body, kind
