"""Fetch an article page from a URL (only when the dashboard is online).

Any reader of a shared server can ask it to fetch a URL, and the page's text is then stored
for every reader: so only public addresses are fetched, on the first request and on every
redirect (loopback, private, link-local and reserved addresses are refused)."""
from __future__ import annotations

import ipaddress
import socket
import urllib.error
import urllib.request
from urllib.parse import urlsplit

from dashboard.config import Settings
from dashboard.core.geoparse.intake import MAX_TEXT_BYTES, IntakeError, size_limit_text

ACCEPTED_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")
MAX_REDIRECTS = 5


def check_public(url: str) -> None:
    """Raise IntakeError unless ``url`` is http(s) and its host resolves only to public addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise IntakeError("the URL must start with http:// or https:// and name a host")
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as err:
        raise IntakeError(f"the host {parts.hostname!r} could not be found") from err
    for info in infos:
        address = ipaddress.ip_address(info[4][0].split("%")[0])
        if not address.is_global:
            raise IntakeError(f"{parts.hostname!r} is not a public address; only public pages are fetched")


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        if not self.allow_private:
            check_public(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def fetch_page(url: str, settings: Settings, *, allow_private: bool = False) -> tuple[bytes, str]:
    """Return (body, content type) of ``url``.

    Raises IntakeError in offline mode (before any request), for a non-http(s) URL, a host
    that is not public (unless ``allow_private``, for tests against a local server), an
    error answer, a body over the size limit or a type that is not a web page or text.
    """
    if settings.offline:
        raise IntakeError("fetching from a URL is disabled: the dashboard runs offline (DASHBOARD_OFFLINE=1)")
    if not url.startswith(("http://", "https://")):
        raise IntakeError("the URL must start with http:// or https://")
    if not allow_private:
        check_public(url)
    opener = urllib.request.build_opener(_CheckedRedirects(allow_private))
    request = urllib.request.Request(url, headers={"User-Agent": settings.user_agent})
    try:
        with opener.open(request, timeout=settings.timeout_s) as response:
            kind = response.headers.get_content_type()
            if kind not in ACCEPTED_TYPES:
                raise IntakeError(f"the address gave {kind}, not a web page or text")
            body = response.read(MAX_TEXT_BYTES + 1)
    except urllib.error.HTTPError as err:
        raise IntakeError(f"the site answered HTTP {err.code}") from err
    except (urllib.error.URLError, TimeoutError, OSError) as err:
        raise IntakeError(f"the page could not be fetched: {getattr(err, 'reason', err)}") from err
    if len(body) > MAX_TEXT_BYTES:
        raise IntakeError(f"the page is over the limit of {size_limit_text()}")
    return body, kind
