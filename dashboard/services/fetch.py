"""Fetch an article page from a URL (only when the dashboard is online).

Any reader of a shared server can ask it to fetch a URL, and the page's text is then stored
for every reader: so only public addresses are fetched, on the first request and on every
redirect (loopback, private, link-local and reserved addresses are refused), and the connection
goes to the very address that was checked (a second DNS answer is never asked for, so a host
whose answer changes in between cannot point the fetch inside: DNS rebinding).

A fetch has one deadline for all of it (connecting, every redirect, the body): a server that
sends a byte now and then cannot hold the reader's script thread longer than that. A server
process runs at most :data:`MAX_FETCHES_AT_ONCE` fetches at once; more are refused at once.
"""
from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from urllib.parse import quote, urljoin, urlsplit

from dashboard.config import Settings
from dashboard.core.geoparse.intake import MAX_TEXT_BYTES, IntakeError, size_limit_text

ACCEPTED_TYPES = ("text/html", "text/plain", "application/xhtml+xml", "text/markdown")
MAX_REDIRECTS = 5
#: Seconds for the whole fetch: connecting, every redirect and the body.
FETCH_DEADLINE_S = 20.0
#: Fetches one server process runs at once (each holds a reader's script thread).
MAX_FETCHES_AT_ONCE = 4
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEMES = {"http": 80, "https": 443}
_READ_SIZE = 64 * 1024
_fetch_slots = threading.BoundedSemaphore(MAX_FETCHES_AT_ONCE)


@dataclass(frozen=True)
class Target:
    """One address to ask: the URL split as the request needs it."""

    url: str
    scheme: str  # "http" or "https"
    host: str  # as in the URL (a name or an IP literal, without brackets)
    port: int
    host_header: str  # ASCII: host[:port]
    path: str  # path and query, percent-encoded

    @classmethod
    def of(cls, url: str) -> Target:
        """Raises IntakeError for anything but an http(s) URL naming a host, without credentials."""
        try:
            parts = urlsplit(url.strip())
            port = parts.port
        except ValueError as err:
            raise IntakeError(f"the URL is not valid ({err})") from err
        scheme = parts.scheme.lower()
        if scheme not in _SCHEMES or not parts.hostname:
            raise IntakeError("the URL must start with http:// or https:// and name a host")
        if parts.username is not None or parts.password is not None:
            raise IntakeError("the URL holds a user name or password (user:pass@): remove it; "
                              "only public pages are fetched, without credentials")
        try:
            ascii_host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError as err:
            raise IntakeError(f"the host {parts.hostname!r} could not be found") from err
        port = port or _SCHEMES[scheme]
        shown_host = f"[{ascii_host}]" if ":" in ascii_host else ascii_host
        host_header = shown_host if port == _SCHEMES[scheme] else f"{shown_host}:{port}"
        path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")
        if parts.query:
            path += "?" + quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
        return cls(url.strip(), scheme, parts.hostname, port, host_header, path)


def is_public_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address a fetch may connect to (a test seam for local servers)."""
    return address.is_global


def checked_addresses(target: Target, *, allow_private: bool = False) -> list[str]:
    """The addresses ``target``'s host resolves to, all public (unless ``allow_private``).

    Raises IntakeError when the host cannot be found or any of its addresses is not public.
    """
    try:
        infos = socket.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as err:
        raise IntakeError(f"the host {target.host!r} could not be found") from err
    addresses = list(dict.fromkeys(info[4][0] for info in infos))
    for address in addresses:
        if not allow_private and not is_public_address(ipaddress.ip_address(address.split("%")[0])):
            raise IntakeError(f"{target.host!r} is not a public address; only public pages are fetched")
    return addresses


def check_public(url: str) -> None:
    """Raise IntakeError unless ``url`` is http(s) and its host resolves only to public addresses."""
    checked_addresses(Target.of(url))


def fetch_page(
    url: str, settings: Settings, *, allow_private: bool = False, deadline_s: float = FETCH_DEADLINE_S
) -> tuple[bytes, str]:
    """Return (body, content type) of ``url``, within ``deadline_s`` seconds in all.

    Raises IntakeError in offline mode (before any request), for a non-http(s) URL or one with
    credentials, a host that is not public (unless ``allow_private``, for tests against a local
    server), a redirect loop or a redirect to another scheme, an error answer, a body over the
    size limit, a type that is not a web page or text, a fetch over the deadline, or when this
    server is already running :data:`MAX_FETCHES_AT_ONCE` fetches.
    """
    if settings.offline:
        raise IntakeError("fetching from a URL is disabled: the dashboard runs offline (DASHBOARD_OFFLINE=1)")
    target = Target.of(url)
    if not _fetch_slots.acquire(blocking=False):
        raise IntakeError(f"this server is already fetching {MAX_FETCHES_AT_ONCE} pages for other readers; "
                          "try again in a moment")
    try:
        return _follow(target, settings, allow_private, time.monotonic() + deadline_s, deadline_s)
    finally:
        _fetch_slots.release()


@dataclass(frozen=True)
class _Answer:
    status: int
    location: str | None = None
    body: bytes = b""
    kind: str = ""


def _follow(
    target: Target, settings: Settings, allow_private: bool, deadline: float, deadline_s: float
) -> tuple[bytes, str]:
    seen = {target.url}
    for _hop in range(MAX_REDIRECTS + 1):
        answer = _ask(target, settings, allow_private, deadline, deadline_s)
        if answer.status not in _REDIRECTS:
            if not 200 <= answer.status < 300:
                raise IntakeError(f"the site answered HTTP {answer.status}")
            return answer.body, answer.kind
        if not answer.location:
            raise IntakeError(f"the site answered HTTP {answer.status} (a redirect) without saying where to")
        next_url = urljoin(target.url, answer.location.strip())
        scheme = urlsplit(next_url).scheme.lower()
        if scheme not in _SCHEMES:
            raise IntakeError(f"the site redirected to a {scheme}: address; only http:// and https:// pages "
                              "are fetched")
        if next_url in seen:
            raise IntakeError("the site redirects in a loop (back to an address it already sent the fetch to)")
        seen.add(next_url)
        target = Target.of(next_url)
    raise IntakeError(f"the site redirected more than {MAX_REDIRECTS} times")


def _ask(target: Target, settings: Settings, allow_private: bool, deadline: float, deadline_s: float) -> _Answer:
    """One request to the checked address of ``target``, cut off at ``deadline``."""
    late = f"the page did not arrive within {deadline_s:g} seconds"
    addresses = checked_addresses(target, allow_private=allow_private)
    line = [_connect(addresses, target.port, settings, deadline, late)]  # the socket, then its TLS wrapper
    expired = threading.Event()

    def cut() -> None:
        expired.set()
        try:
            line[-1].shutdown(socket.SHUT_RDWR)  # a blocked read or handshake returns at once
        except OSError:
            pass

    watchdog = threading.Timer(max(0.0, deadline - time.monotonic()), cut)
    watchdog.daemon = True
    watchdog.start()
    try:
        answer = _exchange(line, target, settings, deadline)
    except (OSError, http.client.HTTPException) as err:
        if expired.is_set() or time.monotonic() >= deadline:  # the cut, or a read timed out at the deadline
            raise IntakeError(late) from err
        raise IntakeError(f"the page could not be fetched: {getattr(err, 'reason', None) or err}") from err
    finally:
        watchdog.cancel()
        line[-1].close()
    if expired.is_set():  # what was read before the cut is not the whole page
        raise IntakeError(late)
    return answer


def _connect(addresses: list[str], port: int, settings: Settings, deadline: float, late: str) -> socket.socket:
    last: OSError | None = None
    for address in addresses:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise IntakeError(late)
        try:
            return socket.create_connection((address, port), timeout=min(settings.timeout_s, remaining))
        except OSError as err:
            last = err
    if time.monotonic() >= deadline:
        raise IntakeError(late)
    raise IntakeError(f"the page could not be fetched: {getattr(last, 'strerror', None) or last}")


def _exchange(line: list[socket.socket], target: Target, settings: Settings, deadline: float) -> _Answer:
    sock = line[-1]
    if target.scheme == "https":
        sock = ssl.create_default_context().wrap_socket(sock, server_hostname=target.host, do_handshake_on_connect=False)
        line.append(sock)
        sock.do_handshake()
    connection = http.client.HTTPConnection(target.host_header, timeout=settings.timeout_s)
    connection.sock = sock  # already connected to the checked address
    connection.request("GET", target.path, headers={
        "Host": target.host_header, "User-Agent": settings.user_agent, "Accept-Encoding": "identity",
        "Accept": "text/html, application/xhtml+xml, text/plain, text/markdown", "Connection": "close",
    })
    response = connection.getresponse()
    if response.status in _REDIRECTS or not 200 <= response.status < 300:
        return _Answer(response.status, response.getheader("Location"))
    kind = response.headers.get_content_type()
    if kind not in ACCEPTED_TYPES:
        raise IntakeError(f"the address gave {kind}, not a web page or text")
    body = bytearray()
    while True:
        sock.settimeout(max(0.001, min(settings.timeout_s, deadline - time.monotonic())))
        chunk = response.read1(_READ_SIZE)
        if not chunk:
            break
        body += chunk
        if len(body) > MAX_TEXT_BYTES:
            raise IntakeError(f"the page is over the limit of {size_limit_text()}")
    return _Answer(response.status, body=bytes(body), kind=kind)
