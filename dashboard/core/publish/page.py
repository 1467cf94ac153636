"""The snapshot's own pages, ``/s/<id>/`` and ``/s/<id>/embed``: the app's map for the frozen plan
(the same base map, markers with their ``site-<id>`` classes, legend and frame) with the outlines
written in, the editor's texts, sources and share tags around it, and the embed code.

The texts around the map are templates in ``templates/`` (string.Template, every value escaped
by :func:`dashboard.core.escape.for_html`); the scripts are ``.js`` files there. Links to the
server itself hold :data:`BASE_URL_PLACEHOLDER`, which the server replaces when serving.
"""
from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from string import Template
from typing import Any

import folium
from branca.element import Element

from dashboard.core.escape import for_html
from dashboard.core.publish.model import BASE_URL_PLACEHOLDER, SnapshotAsset
from dashboard.core.render.base import MapAssets, build_base_map
from dashboard.core.render.compose import MapPlan, draw_groups
from dashboard.core.render.focus import Bounds
from dashboard.core.render.frame import FixedFramePadding, published_padding
from dashboard.core.render.export import accessible_page
from dashboard.core.view.state import ViewState

TEMPLATES = Path(__file__).resolve().parent / "templates"
_INLINE_SCRIPT_RE = re.compile(r"<script>(.*?)</script>", re.DOTALL)
#: How far around the frame the outlines reach (degrees, at least): room to pan and zoom out.
OUTLINE_MARGIN_DEG = 12.0
OUTLINE_DECIMALS = 2  # about 1 km: finer than the outlines themselves
WIDE_FRAME_DEG = 60.0  # a frame wider than this shows a continent or more: 0.1° (about 11 km) is enough


@cache
def template(name: str) -> str:
    """The text of ``templates/<name>``."""
    return (TEMPLATES / name).read_text(encoding="utf-8")


def fill(name: str, **values: str) -> str:
    """``templates/<name>`` with each ``$value`` replaced by the value, HTML-escaped."""
    return Template(template(name)).substitute({key: for_html(value) for key, value in values.items()})


@dataclass(frozen=True)
class PageTexts:
    """Everything printed around the map (plain text; escaped when written)."""

    title: str
    caption: str
    credit: str
    alt: str
    description: str
    article: str
    data_as_of: str
    data_version: str
    attribution: str
    sources: tuple[tuple[str, str, str], ...]  # (label, url or "", tier)
    live_query: str  # the live view's query string, without "?"


def _box(bounds: Bounds, margin_deg: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of ``bounds`` widened by its own size, at least ``margin_deg``."""
    (south, west), (north, east) = bounds
    pad_lat, pad_lon = max(margin_deg, north - south), max(margin_deg, east - west)
    return south - pad_lat, north + pad_lat, west - pad_lon, east + pad_lon


def _meets(box: tuple[float, float, float, float], lats: list[float], lons: list[float]) -> bool:
    south, north, west, east = box
    return not (max(lats) < south or min(lats) > north or max(lons) < west or min(lons) > east)


def clip_outlines(outlines: Mapping[str, Any], frame: Bounds | None, overview: Bounds | None = None) -> dict[str, Any]:
    """The countries whose outline box meets the frame widened by its own size (at least
    ``OUTLINE_MARGIN_DEG``), coordinates rounded to ``OUTLINE_DECIMALS`` (one fewer for a frame
    wider than ``WIDE_FRAME_DEG``) and points that rounding made equal dropped, and the countries
    that only the overview map's extent ``overview`` (widened the same way) meets, one decimal
    coarser still: what the page can show without the whole world's outlines at full detail."""
    decimals = OUTLINE_DECIMALS
    if frame is None or frame[1][1] - frame[0][1] > WIDE_FRAME_DEG:
        decimals -= 1
    main = _box(frame, OUTLINE_MARGIN_DEG) if frame is not None else (-90.0, 90.0, -180.0, 180.0)
    around = _box(overview, OUTLINE_MARGIN_DEG) if overview is not None else None
    kept = []
    for feature in outlines["features"]:
        geometry = feature.get("geometry") or {}
        coords = list(_points(geometry.get("coordinates", [])))
        if not coords:
            continue
        lons, lats = [p[0] for p in coords], [p[1] for p in coords]
        if _meets(main, lats, lons):
            places = decimals
        elif around is not None and _meets(around, lats, lons):
            places = decimals - 1
        else:
            continue
        kept.append({"type": "Feature", "properties": {"name": feature.get("properties", {}).get("name", "")},
                     "geometry": {"type": geometry["type"], "coordinates": _rounded(geometry["coordinates"], places)}})
    return {"type": "FeatureCollection", "features": kept}


def _points(coords: Any):
    if coords and isinstance(coords[0], (int, float)):
        yield coords
        return
    for part in coords:
        yield from _points(part)


def _rounded(coords: Any, decimals: int) -> Any:
    if coords and coords[0] and isinstance(coords[0][0], (int, float)):  # a ring: its points
        ring: list[list[float]] = []
        for point in coords:
            rounded = [round(c, decimals) for c in point]
            if not ring or rounded != ring[-1]:
                ring.append(rounded)
        return ring if len(ring) >= 4 else [[round(c, decimals) for c in point] for point in coords]
    return [_rounded(part, decimals) for part in coords]


def _sources_html(sources: Sequence[tuple[str, str, str]]) -> str:
    items = []
    for label, url, tier in sources:
        text = for_html(label)
        if url.startswith(("https://", "http://")):
            text = f'<a href="{for_html(url)}" rel="noopener noreferrer">{text}</a>'
        items.append(f"<li>{text}{f' [{for_html(tier)}]' if tier else ''}</li>")
    return "".join(items)


def embed_code(base: str, snapshot: str, title: str) -> str:
    """The snippet an editor pastes into a story: a full-width iframe and the listener that
    sets its height from the messages the embedded page sends."""
    return Template(template("embed_code.html")).substitute(
        embed_url=for_html(f"{base}/s/{snapshot}/embed"), title=for_html(title), origin=for_html(_origin(base)),
        listener=template("embed_listener.js"),  # a script of our own, not text: written as it is
    )


def _origin(base: str) -> str:
    scheme, _, rest = base.partition("://")
    return f"{scheme}://{rest.split('/', 1)[0]}"


def page_assets(assets: Sequence[SnapshotAsset]) -> MapAssets:
    """The map's scripts and style sheets at their content-addressed paths (``/s/assets/...``)."""
    return MapAssets(js=tuple((a.name, a.path) for a in assets if a.kind == "js"),
                     css=tuple((a.name, a.path) for a in assets if a.kind == "css"))


def snapshot_page(plan: MapPlan, view: ViewState, texts: PageTexts, outlines: Mapping[str, Any], snapshot: str,
                  *, embed: bool, assets: Sequence[SnapshotAsset]) -> str:
    """The complete HTML of the snapshot's page (``embed``: the page for an iframe, which reports
    its height to the parent). Loads only ``assets`` (Leaflet, jQuery, the map script), from
    their content-addressed paths on this server, so a later upgrade of the server's own copies
    never changes it. The map fits its frame with the padding its image uses
    (``render/frame.published_padding``), so both show the same window."""
    base = BASE_URL_PLACEHOLDER
    links = {name: f"{base}/s/{snapshot}/{file}" for name, file in (
        ("png_url", "map.png"), ("svg_url", "map.svg"), ("pdf_url", "map.pdf"),
        ("geojson_url", "data.geojson"), ("csv_url", "data.csv"))}
    page_url = f"{base}/s/{snapshot}/"
    map_view = view.with_changes(basemap="offline", lat=None, lon=None, zoom=None)
    fmap = build_base_map(map_view, clip_outlines(outlines, plan.frame, plan.overview), page_assets(assets),
                          measure=False, copy_link=False, landmark="main")
    FixedFramePadding(published_padding(plan.overview is not None)).add_to(fmap)
    for group in draw_groups(plan):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)  # readers may hide a group, as in the live map
    root = fmap.get_root()
    root.title = for_html(texts.title)
    head = fill("head.html", title=texts.title, description=texts.description, alt=texts.alt,
                page_url=page_url, png_url=links["png_url"],
                oembed_url=f"{base}/oembed?url={base}/s/{snapshot}/&format=json")
    root.header.add_child(Element(head), name="snapshot_meta")
    root.header.add_child(Element(f"<style>\n{template('snapshot.css')}</style>"), name="snapshot_css")
    root.html.add_child(Element(fill("header.html", title=texts.title, caption=texts.caption)), name="snapshot_header",
                        index=0)
    if embed:
        footer = fill("embed_footer.html", alt=texts.alt, credit=texts.credit, page_url=page_url,
                      attribution=texts.attribution)
    else:
        footer = Template(template("footer.html")).substitute(
            {key: for_html(value) for key, value in dict(
                alt=texts.alt, credit=texts.credit, article=texts.article, data_as_of=texts.data_as_of,
                data_version=texts.data_version, live_url=f"{base}/?{texts.live_query}", page_url=page_url,
                embed_code=embed_code(base, snapshot, texts.title), attribution=texts.attribution, **links,
            ).items()} | {"sources": _sources_html(texts.sources)})
    root.html.add_child(Element(footer), name="snapshot_footer")
    if embed:
        root.html.add_child(Element(f"<script>\n{template('embed_height.js')}</script>"), name="snapshot_height")
    page = accessible_page(root.render())
    body_class = "snapshot snapshot-embed" if embed else "snapshot"
    return page.replace("<body>", f'<body class="{body_class}">', 1)


def content_security_policy(page: str, *, frameable: bool) -> str:
    """The page's CSP: scripts from this server and the page's own inline scripts (by hash),
    images from here or ``data:``, no plugin, form or base; ``frameable`` lets any site frame it."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(body.encode('utf-8')).digest()).decode('ascii')}'"
        for body in dict.fromkeys(_INLINE_SCRIPT_RE.findall(page))
    )
    return "; ".join((
        "default-src 'none'",
        f"script-src 'self' {hashes}".strip(),
        "style-src 'self' 'unsafe-inline'",  # Leaflet positions everything with style attributes
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors *" if frameable else "frame-ancestors 'self'",
    ))

