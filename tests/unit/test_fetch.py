"""Fetching an article by URL: offline refusal, public addresses only, redirects re-checked, the
checked address connected to (DNS rebinding), one deadline for the whole fetch (dripping servers),
a cap on fetches at once, and clear refusals (redirect loops and schemes, credentials)."""
from __future__ import annotations

import ipaddress
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard.config import Settings
from dashboard.core.geoparse.intake import MAX_TEXT_BYTES, IntakeError
from dashboard.services.fetch import check_public, fetch_page


@pytest.fixture
def local_site():
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            redirects = {"/redirect": "http://10.0.0.1/inside", "/loop-a": "/loop-b", "/loop-b": "/loop-a",
                         "/to-file": "file:///etc/passwd", "/to-gopher": "gopher://127.0.0.1:70/1",
                         "/chain-9": "/chain-8", "/to-article": "/article"}
            redirects.update({f"/chain-{n}": f"/chain-{n - 1}" for n in range(1, 10)})
            if self.path in redirects:
                self.send_response(302)
                self.send_header("Location", redirects[self.path])
                self.end_headers()
                return
            if self.path == "/missing":
                self.send_error(404)
                return
            kind = "application/pdf" if self.path == "/pdf" else "text/html; charset=utf-8"
            body = "<html><body><p>Talks in Prague.</p></body></html>".encode()
            if self.path == "/huge":
                body = b"<p>" + b"Prague. " * (MAX_TEXT_BYTES // 8 + 10) + b"</p>"
            self.send_response(200)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_offline_refuses_before_any_request() -> None:
    with pytest.raises(IntakeError, match="offline"):
        fetch_page("https://example.org/a", Settings(offline=True))


@pytest.mark.parametrize("url", ["http://127.0.0.1/", "http://10.1.2.3/", "http://169.254.169.254/latest",
                                 "http://[::1]/", "http://192.168.0.1/", "file:///etc/passwd"])
def test_only_public_addresses_are_fetched(url: str) -> None:
    with pytest.raises(IntakeError):
        check_public(url)


def test_a_page_is_fetched_and_typed(local_site: str) -> None:
    body, kind = fetch_page(local_site + "/article", Settings(timeout_s=2.0), allow_private=True)
    assert b"Prague" in body and kind == "text/html"
    with pytest.raises(IntakeError, match="application/pdf"):
        fetch_page(local_site + "/pdf", Settings(timeout_s=2.0), allow_private=True)


def test_a_redirect_to_a_private_address_is_refused(local_site: str, monkeypatch) -> None:
    import dashboard.services.fetch as fetch

    monkeypatch.setattr(fetch, "is_public_address", lambda address: address == ipaddress.ip_address("127.0.0.1"))
    with pytest.raises(IntakeError, match="not a public address"):
        fetch_page(local_site + "/redirect", Settings(timeout_s=2.0))


def test_error_answers_and_oversized_pages_are_refused_with_the_reason(local_site: str) -> None:
    with pytest.raises(IntakeError, match="HTTP 404"):
        fetch_page(local_site + "/missing", Settings(timeout_s=2.0), allow_private=True)
    with pytest.raises(IntakeError, match="over"):
        fetch_page(local_site + "/huge", Settings(timeout_s=2.0), allow_private=True)


def test_an_unreachable_address_gives_a_clear_error() -> None:
    import socket

    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(IntakeError, match="could not be fetched"):
        fetch_page(f"http://127.0.0.1:{port}/", Settings(timeout_s=1.0), allow_private=True)


# --- issue 21: smaller refusals --------------------------------------------------------------------


@pytest.mark.parametrize(("path", "message"), [
    ("/loop-a", "redirects in a loop"),
    ("/to-file", "redirected to a file: address"),
    ("/to-gopher", "redirected to a gopher: address"),
    ("/chain-9", "redirected more than 5 times"),
])
def test_a_redirect_loop_or_scheme_says_so(local_site: str, path: str, message: str) -> None:
    with pytest.raises(IntakeError, match=message):
        fetch_page(local_site + path, Settings(timeout_s=2.0), allow_private=True)


def test_a_redirect_within_the_site_is_followed(local_site: str) -> None:
    body, _ = fetch_page(local_site + "/chain-4", Settings(timeout_s=2.0), allow_private=True)
    assert b"Prague" in body  # /chain-0 is an ordinary page of the test site
    body, _ = fetch_page(local_site + "/to-article", Settings(timeout_s=2.0), allow_private=True)
    assert b"Prague" in body


def test_an_upper_case_scheme_is_a_valid_url(local_site: str) -> None:
    body, kind = fetch_page(local_site.replace("http://", "HTTP://") + "/article", Settings(timeout_s=2.0),
                            allow_private=True)
    assert b"Prague" in body and kind == "text/html"


def test_a_url_with_credentials_is_refused_before_any_request(local_site: str) -> None:
    with pytest.raises(IntakeError, match="user name or password"):
        fetch_page(local_site.replace("http://", "http://user:secret@") + "/article", Settings(timeout_s=2.0),
                   allow_private=True)


# --- issue 21: the checked address, one deadline, fetches at once ----------------------------------

PUBLIC = "93.184.216.34"  # never reached: the test's connector refuses it


def test_the_connection_goes_to_the_address_that_was_checked(local_site: str, monkeypatch) -> None:
    """DNS rebinding: the host answers a public address for the check, then loopback. The fetch
    must connect to the public address it checked, never look the name up again."""
    port = int(local_site.rsplit(":", 1)[1])
    answers = iter([PUBLIC] + ["127.0.0.1"] * 10)
    real_getaddrinfo, real_connect = socket.getaddrinfo, socket.create_connection
    connected: list[tuple[str, int]] = []

    def rebinding(host, *args, **kwargs):  # type: ignore[no-untyped-def]
        if host == "news.example":
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]
        return real_getaddrinfo(host, *args, **kwargs)

    def recording(address, *args, **kwargs):  # type: ignore[no-untyped-def]
        connected.append(address)
        if address[0] == PUBLIC:
            raise ConnectionRefusedError("refused by the test")
        return real_connect(address, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    monkeypatch.setattr(socket, "create_connection", recording)
    with pytest.raises(IntakeError, match="could not be fetched"):
        fetch_page(f"http://news.example:{port}/article", Settings(timeout_s=2.0))
    assert connected == [(PUBLIC, port)]


@pytest.fixture
def dripping_site():
    """A server on 127.0.0.1 that sends one byte every 0.1 s: of its body (``/body``) or of its
    headers (``/headers``), for as long as the client listens; ``/stall`` sends nothing."""
    connections: list[str] = []

    class Drip(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            connections.append(self.path)
            try:
                if self.path == "/stall":
                    time.sleep(4)
                    return
                if self.path == "/headers":
                    self.wfile.write(b"HTTP/1.1 200 OK\r\n")
                    while True:
                        self.wfile.write(b"X")
                        self.wfile.flush()
                        time.sleep(0.1)
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", str(MAX_TEXT_BYTES))
                self.end_headers()
                while True:
                    self.wfile.write(b"P")
                    self.wfile.flush()
                    time.sleep(0.1)
            except OSError:
                return

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", connections
    server.shutdown()
    server.server_close()


def _timed_fetch(url: str, deadline_s: float) -> tuple[float, BaseException | None]:
    """(seconds taken, the error) of a fetch in a thread, given up after 15 s."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            fetch_page(url, Settings(timeout_s=5.0), allow_private=True, deadline_s=deadline_s)
            outcome.append(None)
        except BaseException as err:  # noqa: BLE001
            outcome.append(err)

    started = time.monotonic()
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(15)
    assert not worker.is_alive(), "the fetch was still running after 15 s"
    return time.monotonic() - started, outcome[0]


@pytest.mark.parametrize("path", ["/body", "/headers"])
def test_a_dripping_server_is_cut_off_at_the_deadline(dripping_site, path: str) -> None:
    site, _ = dripping_site
    took, error = _timed_fetch(site + path, deadline_s=1.0)
    assert isinstance(error, IntakeError) and "did not arrive within 1 seconds" in str(error)
    assert took < 3.0


def test_fetches_at_once_are_capped_per_server(dripping_site, local_site: str) -> None:
    from dashboard.services.fetch import MAX_FETCHES_AT_ONCE

    site, connections = dripping_site
    busy = [threading.Thread(target=_timed_fetch, args=(site + "/stall", 2.0), daemon=True)
            for _ in range(MAX_FETCHES_AT_ONCE)]
    for worker in busy:
        worker.start()
    waited = time.monotonic()
    while len(connections) < MAX_FETCHES_AT_ONCE and time.monotonic() - waited < 5:
        time.sleep(0.02)
    assert len(connections) == MAX_FETCHES_AT_ONCE
    started = time.monotonic()
    with pytest.raises(IntakeError, match=f"already fetching {MAX_FETCHES_AT_ONCE} pages"):
        fetch_page(local_site + "/article", Settings(timeout_s=2.0), allow_private=True)
    assert time.monotonic() - started < 0.5
    for worker in busy:
        worker.join(15)
    body, _ = fetch_page(local_site + "/article", Settings(timeout_s=2.0), allow_private=True)
    assert b"Prague" in body
