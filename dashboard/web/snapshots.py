"""The published snapshots over HTTP, on the dashboard's own port (Starlette routes for ``st.App``):

- ``/s/<id>/`` the snapshot's page, ``/s/<id>/embed`` the page for an iframe (any site may frame it),
- ``/s/<id>/map.png`` (``?scale=2`` for print), ``map.svg``, ``map.pdf``, ``data.geojson``, ``data.csv``,
- ``/oembed?url=<a snapshot page of this server>&format=json`` (oEmbed 1.0, ``rich``),
- ``/s/assets/<sha256>.js|css`` the scripts and style sheets the pages load, by content.

A snapshot never changes, so its resources are cached for a year (``immutable``) with an ETag;
an unknown or malformed id gets a plain 404 page. Every response sets its own headers: a
Content-Security-Policy (pages: only this server's scripts and the page's own, by hash),
``X-Content-Type-Options: nosniff`` and, for the page, framing by this origin only.
"""
from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from dashboard.config import load_settings
from dashboard.core.publish.model import ASSET_NAME_RE, BASE_URL_PLACEHOLDER, FILE_TYPES, is_snapshot_id
from dashboard.core.publish.page import content_security_policy, embed_code, fill
from dashboard.services.snapshots import SnapshotStore
from dashboard.services.static_assets import ensure_static_assets

IMMUTABLE = "public, max-age=31536000, immutable"
PROVIDER_NAME = "Missile-defense geography dashboard"
EMBED_HEIGHT_PX = 640
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$")
_PAGE_PATH_RE = re.compile(r"^/s/([0-9a-f]{20})/(?:embed)?$")
_FILE_CSP = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
_COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "strict-origin-when-cross-origin"}


@lru_cache(maxsize=1)
def _store() -> SnapshotStore:
    """This process's snapshot store (the settings' database or file), opened on first use."""
    return SnapshotStore.from_settings(load_settings())


@lru_cache(maxsize=1)
def _public_url() -> str:
    return load_settings().public_url


def base_url(request: Request) -> str:
    """``scheme://host[:port]`` as the reader asked for it (a Host header of any other form gives
    ``DASHBOARD_PUBLIC_URL``), written into the page's share tags and embed code."""
    host = request.headers.get("host", "")
    scheme = request.url.scheme if request.url.scheme in ("http", "https") else "http"
    return f"{scheme}://{host}" if _HOST_RE.match(host) else _public_url()


def not_found(reason: str) -> Response:
    """A small 404 page saying why (no traceback, nothing cached)."""
    return Response(fill("not_found.html", reason=reason), status_code=404, media_type="text/html; charset=utf-8",
                    headers={**_COMMON, "Cache-Control": "no-store",
                             "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'self'"})


def _respond(request: Request, sid: str, name: str) -> Response:
    if not is_snapshot_id(sid):
        return not_found("This is not the address of a published map: a snapshot id is 20 letters and digits (0-9, a-f).")
    stored = _store().file(sid, name)
    if stored is None:
        return not_found("No published map has this address: it may have been removed, or the link is mistyped.")
    body = stored.body
    headers = {**_COMMON, "Cache-Control": IMMUTABLE}
    if name.endswith(".html"):
        body = body.replace(BASE_URL_PLACEHOLDER.encode("ascii"), base_url(request).encode("utf-8"))
        headers["Content-Security-Policy"] = _page_policy(stored.body, frameable=name == "embed.html")
        if name == "index.html":
            headers["X-Frame-Options"] = "SAMEORIGIN"
    else:
        headers["Content-Security-Policy"] = _FILE_CSP
        headers["Access-Control-Allow-Origin"] = "*"  # public images and data
    return _immutable(request, body, stored.media_type, headers)


def _immutable(request: Request, body: bytes, media_type: str, headers: dict[str, str]) -> Response:
    """``body`` with an ETag (its digest) beside ``headers``; 304 when the reader holds it already."""
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**headers, "ETag": etag}
    if etag in [tag.strip() for tag in request.headers.get("if-none-match", "").split(",")]:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type=media_type, headers=headers)


def snapshot_asset(request: Request) -> Response:
    """``/s/assets/<sha256>.js|css``: a script or style sheet of the published pages, by content."""
    name = request.path_params["name"]
    if not ASSET_NAME_RE.match(name):
        return not_found("This is not the address of a published map's file.")
    stored = _store().asset(name)
    if stored is None:
        return not_found("No published map uses this file.")
    headers = {**_COMMON, "Cache-Control": IMMUTABLE, "Content-Security-Policy": _FILE_CSP}
    return _immutable(request, stored.body, stored.media_type, headers)


@lru_cache(maxsize=256)
def _page_policy(page: bytes, *, frameable: bool) -> str:
    return content_security_policy(page.decode("utf-8"), frameable=frameable)


def snapshot_page(request: Request) -> Response:
    """``/s/<id>/``"""
    return _respond(request, request.path_params["sid"], "index.html")


def snapshot_embed(request: Request) -> Response:
    """``/s/<id>/embed``"""
    return _respond(request, request.path_params["sid"], "embed.html")


def snapshot_file(request: Request) -> Response:
    """``/s/<id>/<file>``: the images and the data (``map.png?scale=2``: the print size)."""
    name = request.path_params["name"]
    if name not in FILE_TYPES or name.endswith(".html") or "@" in name:
        return not_found("A published map has map.png, map.svg, map.pdf, data.geojson and data.csv.")
    if name == "map.png" and request.query_params.get("scale") == "2":
        name = "map@2x.png"
    return _respond(request, request.path_params["sid"], name)


def snapshot_without_slash(request: Request) -> Response:
    """``/s/<id>`` goes to ``/s/<id>/``."""
    sid = request.path_params["sid"]
    if not is_snapshot_id(sid):
        return not_found("This is not the address of a published map.")
    return RedirectResponse(f"/s/{sid}/", status_code=308)


def oembed(request: Request) -> Response:
    """``/oembed?url=...&format=json``: oEmbed 1.0 ``rich`` (the iframe and its listener) for a
    snapshot page of this server; 404 for any other URL, 501 for another format."""
    if request.query_params.get("format", "json") != "json":
        return Response("only format=json is offered", status_code=501, media_type="text/plain", headers=_COMMON)
    base = base_url(request)
    url = request.query_params.get("url", "")
    parts = urlsplit(url)
    match = _PAGE_PATH_RE.match(parts.path)
    if f"{parts.scheme}://{parts.netloc}" not in (base, _public_url()) or match is None or parts.query:
        return not_found("oEmbed answers only for the published maps of this server (/s/<id>/).")
    sid = match.group(1)
    manifest = _store().manifest(sid)
    if manifest is None:
        return not_found("No published map has this address.")
    title = manifest["texts"]["title"]
    width = _bounded(request.query_params.get("maxwidth"), 600)
    height = _bounded(request.query_params.get("maxheight"), EMBED_HEIGHT_PX)
    answer = {
        "version": "1.0", "type": "rich", "provider_name": PROVIDER_NAME, "provider_url": f"{base}/",
        "title": title, "author_name": manifest["texts"]["credit"], "html": embed_code(base, sid, title),
        "width": width, "height": height, "cache_age": 31536000,
        "thumbnail_url": f"{base}/s/{sid}/map.png", "thumbnail_width": 1200, "thumbnail_height": 675,
    }
    return Response(json.dumps(answer, ensure_ascii=False), media_type="application/json",
                    headers={**_COMMON, "Cache-Control": "public, max-age=86400", "Access-Control-Allow-Origin": "*"})


def _bounded(value: str | None, default: int) -> int:
    return min(default, int(value)) if value and value.isdigit() and int(value) > 0 else default


def snapshot_routes() -> list[BaseRoute]:
    """The routes to serve beside the Streamlit page (``st.App(..., routes=...)``). Copies
    Leaflet's files into ``dashboard/static`` first: a snapshot page may be the first request."""
    ensure_static_assets()
    return [
        Route("/s/assets/{name}", snapshot_asset, methods=["GET", "HEAD"]),  # before /s/{sid}/{name}
        Route("/s/{sid}/", snapshot_page, methods=["GET", "HEAD"]),
        Route("/s/{sid}/embed", snapshot_embed, methods=["GET", "HEAD"]),
        Route("/s/{sid}/{name}", snapshot_file, methods=["GET", "HEAD"]),
        Route("/s/{sid}", snapshot_without_slash, methods=["GET", "HEAD"]),
        Route("/oembed", oembed, methods=["GET"]),
    ]
