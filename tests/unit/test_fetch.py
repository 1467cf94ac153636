"""Fetching an article by URL: offline refusal, public addresses only, redirects re-checked."""
from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from dashboard.config import Settings
from dashboard.core.geoparse.intake import MAX_TEXT_BYTES, IntakeError
from dashboard.services.fetch import check_public, fetch_page


@pytest.fixture
def local_site():
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "http://10.0.0.1/inside")
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

    monkeypatch.setattr(fetch, "check_public", lambda url: None if "127.0.0.1" in url else check_public(url))
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
