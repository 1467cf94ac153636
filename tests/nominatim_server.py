"""A local, scriptable, Nominatim-shaped HTTP server for tests (127.0.0.1, a free port).

``GET /search?q=...&format=json`` answers from ``places`` (keyed by the case-folded query;
unknown queries get ``[]``) unless replies were queued with :meth:`NominatimServer.enqueue`
or a handler was set with :meth:`NominatimServer.set_handler`. A :class:`Reply` can be a JSON
answer, any status with headers (429 + Retry-After, 503), raw text (malformed JSON), a delay
(to exceed a client's timeout) or a connection reset. Every request is recorded with its
arrival time (``time.monotonic()``).

Usage::

    with NominatimServer({"gabala": [nominatim_place("Qabala", 40.98, 47.85)]}) as server:
        Nominatim(domain=server.netloc, scheme="http", ...)
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
import zlib
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class Reply:
    """One scripted answer."""

    status: int = 200
    body: str = "[]"
    headers: Mapping[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"
    delay_s: float = 0.0
    reset: bool = False  # drop the connection with a TCP reset instead of answering

    @classmethod
    def json(cls, data: object, *, status: int = 200, delay_s: float = 0.0) -> Reply:
        """A JSON answer with ``data`` serialised, sent after ``delay_s`` seconds."""
        return cls(status=status, body=json.dumps(data), delay_s=delay_s)

    @classmethod
    def error(cls, status: int, *, retry_after: str | None = None) -> Reply:
        """An HTTP error answer (e.g. 429 or 503), optionally with ``Retry-After``."""
        headers = {"Retry-After": retry_after} if retry_after is not None else {}
        return cls(status=status, body=json.dumps({"error": f"HTTP {status}"}), headers=headers)

    @classmethod
    def connection_reset(cls) -> Reply:
        """No answer: the server resets the TCP connection."""
        return cls(reset=True)


@dataclass(frozen=True)
class RecordedRequest:
    """A request the server received."""

    path: str
    params: dict[str, str]
    headers: dict[str, str]
    at: float  # time.monotonic() on arrival

    @property
    def query(self) -> str | None:
        """The ``q`` parameter."""
        return self.params.get("q")


def nominatim_place(
    name: str,
    lat: float,
    lon: float,
    *,
    type: str = "city",
    osm_class: str = "place",
    addresstype: str | None = None,
    place_rank: int | None = None,
    boundingbox: Sequence[float] | None = None,
    importance: float | None = 0.5,
    country_code: str | None = None,
) -> dict[str, object]:
    """Return one ``/search`` result shaped like Nominatim's ``format=json`` output."""
    result: dict[str, object] = {
        "place_id": zlib.crc32(name.encode("utf-8")),
        "licence": "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright",
        "osm_type": "relation",
        "osm_id": zlib.crc32(name[::-1].encode("utf-8")),
        "lat": f"{lat:.7f}",
        "lon": f"{lon:.7f}",
        "class": osm_class,
        "type": type,
        "addresstype": addresstype or type,
        "name": name,
        "display_name": name,
    }
    if place_rank is not None:
        result["place_rank"] = place_rank
    if importance is not None:
        result["importance"] = importance
    if boundingbox is not None:
        result["boundingbox"] = [f"{v:.7f}" for v in boundingbox]
    if country_code is not None:
        result["address"] = {"country_code": country_code}
    return result


class NominatimServer:
    """A threaded HTTP server on 127.0.0.1; use as a context manager or start()/stop()."""

    def __init__(self, places: Mapping[str, list[dict[str, object]]] | None = None) -> None:
        self.places: dict[str, list[dict[str, object]]] = {
            k.casefold(): v for k, v in (places or {}).items()
        }
        self._queue: deque[Reply] = deque()
        self._handler: Callable[[RecordedRequest], Reply] | None = None
        self._requests: list[RecordedRequest] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._httpd = _Server(("127.0.0.1", 0), _Handler)
        self._httpd.owner = self
        self._thread: threading.Thread | None = None

    @property
    def netloc(self) -> str:
        """``127.0.0.1:<port>``."""
        host, port = self._httpd.socket.getsockname()[:2]
        return f"{host}:{port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>``."""
        return f"http://{self.netloc}"

    @property
    def requests(self) -> list[RecordedRequest]:
        """A copy of the requests received so far, in arrival order."""
        with self._lock:
            return list(self._requests)

    def enqueue(self, *replies: Reply) -> None:
        """Serve ``replies`` to the next requests, in order, before the ``places`` table."""
        with self._lock:
            self._queue.extend(replies)

    def set_handler(self, handler: Callable[[RecordedRequest], Reply] | None) -> None:
        """Answer every request (after the queue is empty) with ``handler(request)``."""
        with self._lock:
            self._handler = handler

    def start(self) -> NominatimServer:
        """Start serving in a daemon thread; return self."""
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, cut any pending delays short and close the socket."""
        self._stopping.set()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> NominatimServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- called by the handler thread ------------------------------------------------------

    def _answer(self, request: RecordedRequest) -> Reply:
        with self._lock:
            self._requests.append(request)
            if self._queue:
                return self._queue.popleft()
            handler = self._handler
        if handler is not None:
            return handler(request)
        if request.path != "/search":
            return Reply.error(404)
        return Reply.json(self.places.get((request.query or "").casefold(), []))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: NominatimServer


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as Nominatim does
    server: _Server

    def setup(self) -> None:
        super().setup()
        # Headers and body go out in two writes; without this, Nagle's algorithm and delayed
        # ACKs add ~40 ms to every answer.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_GET(self) -> None:  # http.server calls do_<METHOD>
        parts = urlsplit(self.path)
        request = RecordedRequest(
            path=parts.path,
            params=dict(parse_qsl(parts.query, keep_blank_values=True)),
            headers={k.lower(): v for k, v in self.headers.items()},
            at=time.monotonic(),
        )
        owner = self.server.owner
        reply = owner._answer(request)
        if reply.delay_s and owner._stopping.wait(reply.delay_s):
            self.close_connection = True
            return
        if reply.reset:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        body = reply.body.encode("utf-8")
        try:
            self.send_response(reply.status)
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.close_connection = True

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean
