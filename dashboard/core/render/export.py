"""Exports of an article's geography: GeoJSON and CSV of the curated sites and the article's
places (each with its source), and a standalone HTML map that works offline.

The HTML page is the app's map (same builder, same escaping through
:func:`dashboard.core.escape.for_html`) with Leaflet's and jQuery's files inlined: the texts
are read by ``dashboard.services.static_assets.inline_assets`` and passed in, so this module
does no I/O.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import folium
from branca.element import Element

from dashboard.core import format as fmt
from dashboard.core.escape import for_html
from dashboard.core.geography import ArticleGeography, visible_sites
from dashboard.core.render.base import OSM_TILES, MapAssets, build_base_map
from dashboard.core.render.compose import compose_map, draw_groups, roles_of
from dashboard.core.render.layerkinds import OverlayScene, overlay_features, overlay_notes
from dashboard.core.render.sourcelinks import link_html, sources_html
from dashboard.core.topics.timeline import events_until, status_map, status_text
from dashboard.core.view.state import ViewState

__all__ = [
    "CSV_COLUMNS",
    "EXPORT_FORMATS",
    "InlineAssets",
    "accessible_page",
    "render_export",
    "sites_csv",
    "sites_geojson",
    "standalone_html",
]

EXPORT_FORMATS = ("html", "geojson", "csv")
CSV_COLUMNS = (
    "kind",
    "id",
    "name",
    "role",
    "proposal",
    "country",
    "lat",
    "lon",
    "precision_km",
    "status",
    "start",
    "end",
    "mentions",
    "source",
    "confidence",
    "feature",
    "geonameid",
    "topic",
    "source_url",
    "source_tier",
    "note",
)
#: Between the items of a list cell of the CSV (``source_url``, ``source_tier``).
CSV_LIST_SEPARATOR = " "
GEONAMES_ATTRIBUTION = "Place names and points: GeoNames (CC BY 4.0), https://www.geonames.org/"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_SCRIPT_END_RE = re.compile(r"</(script)", re.IGNORECASE)
_STYLE_END_RE = re.compile(r"</(style)", re.IGNORECASE)


@dataclass(frozen=True)
class InlineAssets:
    """The texts of the map's scripts and style sheets, to inline into one HTML file.

    ``js`` and ``css`` are ``(name, text)`` pairs in load order (Leaflet before jQuery is fine:
    neither needs the other). CSS images are expected as ``data:`` URIs already.
    """

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


# --- GeoJSON and CSV --------------------------------------------------------------------------


def _site_records(geo: ArticleGeography, statuses: Mapping[str, str | None] | None) -> list[dict[str, Any]]:
    counts: dict[str, int] = {}
    for mention in geo.site_mentions:
        counts[mention.site_id] = counts.get(mention.site_id, 0) + 1
    records = []
    for site in geo.sites:
        records.append(
            {
                "kind": "site",
                "id": site.id,
                "name": site.name,
                "role": site.role,
                "proposal": site.category,
                "topic": site.topic,
                "country": site.country,
                "lat": site.lat,
                "lon": site.lon,
                "precision_km": site.precision_km,
                "status": statuses.get(site.id) if statuses is not None else None,
                "mentions": counts.get(site.id, 0),
                "source": "curated",
                "sources": [{"label": src.label, "url": src.url or None, "tier": src.tier} for src in site.sources],
                "source_url": _distinct(src.url for src in site.sources),
                "source_tier": _distinct(src.tier for src in site.sources),
                "note": site.note,
            }
        )
    return records


def _distinct(values: Iterable[str]) -> list[str]:
    """The non-empty values, each once, in order (a list cell of the exports)."""
    return list(dict.fromkeys(value for value in values if value))


def _place_records(geo: ArticleGeography, hidden: Collection[str] = ()) -> list[dict[str, Any]]:
    """One record per place mention, without those of the places an editor removed (``hidden``)."""
    removed = {(mention.start, mention.end) for group in geo.other_places if group.key in hidden
               for mention in group.mentions}
    return [
        {
            "kind": "place",
            "name": place.name,
            "lat": place.lat,
            "lon": place.lon,
            "precision_km": place.precision_km,
            "start": place.start,
            "end": place.end,
            "source": place.source,
            "confidence": round(place.confidence, 3),
            "feature": place.feature,
            "country_code": place.country_code,
            "geonameid": place.geonameid,
            "source_url": [f"https://www.geonames.org/{place.geonameid}"] if place.geonameid else [],
        }
        for place in geo.places
        if (place.start, place.end) not in removed
    ]


def _overlay_features(geo: ArticleGeography, view: ViewState, day: dt.date | None) -> list[dict[str, Any]]:
    """The overlays the map draws for ``view`` on ``day`` (rings, lines ...), as GeoJSON Features
    with the properties their kinds give (``kind`` ``ring`` or ``line``; ``shape`` ``line`` or
    ``area`` for a band's fill; ``site``; ``text``, what the map's tooltip says). Taken from the
    composed map, so they are the ones shown."""
    return overlay_features(compose_map(geo, view, day).groups)


def _article_meta(geo: ArticleGeography) -> dict[str, Any]:
    article = geo.article
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "date": article.date.isoformat() if article.date else None,
        "url": article.url,
    }


def sites_geojson(
    geo: ArticleGeography,
    statuses: Mapping[str, str | None] | None = None,
    *,
    view: ViewState | None = None,
    day: dt.date | None = None,
) -> dict[str, Any]:
    """Return a GeoJSON FeatureCollection (RFC 7946) of the article's sites and places.

    One Feature per curated site the article refers to (property ``kind: "site"``, with
    ``id``, ``name``, ``role``, ``proposal``, ``country``, ``precision_km``, ``status`` from
    ``statuses`` or null, ``mentions``, ``sources`` (``label``, ``url`` or null, ``tier``),
    ``source_url`` and ``source_tier`` (lists of the distinct values), ``note``), then one per
    place mention (``kind: "place"``, with ``name``, ``start``/``end`` offsets into the article
    text, ``source``, ``confidence``, ``precision_km``, ``feature``, ``country_code``,
    ``geonameid``, ``source_url`` as a list). Coordinates are ``[lon, lat]``; a mention that could
    not be placed has ``"geometry": null``. With ``view``, the places an editor removed
    (``view.hidden``) are left out and the rings and lines the map shows on ``day`` follow
    (:func:`_overlay_features`). The collection carries the article's metadata (``article``), the
    removed place keys (``hidden``) and the attribution as foreign members. Raises ValueError
    from the composer for a range it cannot draw.
    """
    hidden = view.hidden if view is not None else ()
    features = []
    for record in _site_records(geo, statuses) + _place_records(geo, hidden):
        lat, lon = record.pop("lat"), record.pop("lon")
        geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": record})
    if view is not None:
        features += _overlay_features(geo, view, day)
    return {
        "type": "FeatureCollection",
        "article": _article_meta(geo),
        "hidden": list(hidden),
        "attribution": GEONAMES_ATTRIBUTION,
        "features": features,
    }


def _csv_cell(value: Any) -> Any:
    """Numbers as they are; a list as its items separated by spaces (URLs and tiers hold none);
    text that a spreadsheet would read as a formula gets a ``'``."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = CSV_LIST_SEPARATOR.join(str(item) for item in value)
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def sites_csv(geo: ArticleGeography, statuses: Mapping[str, str | None] | None = None,
              *, view: ViewState | None = None) -> str:
    """Return the rows of :func:`sites_geojson` as CSV text with the header ``CSV_COLUMNS``.

    Sites first, then places (without those ``view`` hides); empty cells for values a row does
    not have; ``source_url`` and ``source_tier`` hold their distinct values separated by a space. Text cells that
    start with ``= + - @`` (or a tab or carriage return) are prefixed with ``'`` so that a
    spreadsheet shows them instead of evaluating them. Rows end with CRLF (RFC 4180): the csv
    module then quotes any cell holding a CR or LF, so no text can start a row of its own.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, extrasaction="ignore", lineterminator="\r\n")
    writer.writeheader()
    for record in _site_records(geo, statuses) + _place_records(geo, view.hidden if view is not None else ()):
        writer.writerow({column: _csv_cell(record.get(column)) for column in CSV_COLUMNS})
    return out.getvalue()


# --- standalone HTML --------------------------------------------------------------------------


def _inline_script(text: str) -> str:
    return "<script>\n" + _SCRIPT_END_RE.sub(r"<\\/\1", text) + "\n</script>"


def _inline_style(text: str) -> str:
    return "<style>\n" + _STYLE_END_RE.sub(r"<\\/\1", text) + "\n</style>"


_PAGE_CSS = """
  html, body { height: auto; min-height: 100%; }
  body { font: 14px/1.45 sans-serif; color: #1a1a1a; display: flex; flex-direction: column; margin: 0; }
  .export-header { order: 0; }
  .folium-map { order: 1; flex: none; }
  .export-notes { order: 2; }
  .export-header, .export-notes { padding: 8px 16px; }
  .export-header h1 { font-size: 20px; margin: 0 0 2px; }
  .export-header p, .export-notes p { margin: 2px 0; }
  .folium-map { height: 72vh !important; min-height: 360px; }
  .export-notes h2 { font-size: 16px; margin: 12px 0 4px; }
  .export-notes ul { margin: 0; padding-left: 20px; }
  .export-notes li { margin: 2px 0; overflow-wrap: anywhere; }
  a { color: #0b57a4; }
"""


def _header_html(geo: ArticleGeography, view: ViewState, day: dt.date | None, basemap: str) -> str:
    article = geo.article
    facts = [part for part in (article.outlet, fmt.day(article.date) if article.date else "", article.author) if part]
    offered = {kind.id: kind.label for kind in geo.switchable_layers()}
    layers = [offered[name] for name in view.layers if name in offered]  # not a layer the article lacks
    shown = [f"status of the sites on {fmt.day(day)}" if day else "", f"layers: {', '.join(layers)}" if layers else ""]
    credits = [GEONAMES_ATTRIBUTION]
    credits.insert(0, "Country outlines: Natural Earth (public domain)" if basemap == "offline" else
                   "Map tiles: © OpenStreetMap contributors (they load only when online)")
    lines = [
        '<header class="export-header">',
        f"<h1>{for_html(article.title)}</h1>",
        f"<p class=\"export-article-meta\">{for_html(' · '.join(facts))}</p>" if facts else "",
        f"<p>Article: {link_html(article.url)}</p>" if article.url else "",
        *(f"<p class=\"export-topic\">{for_html(topic.title)}: {for_html(topic.summary)}</p>" for topic in geo.topics),
        f"<p class=\"export-view\">Shown: {for_html('; '.join(part for part in shown if part))}</p>",
        f"<p class=\"export-attribution\">{for_html('. '.join(credits))}.</p>",
        "</header>",
    ]
    return "\n".join(line for line in lines if line)


def _notes_html(geo: ArticleGeography, view: ViewState, day: dt.date | None,
                statuses: Mapping[str, str | None] | None, notes: Sequence[str]) -> str:
    sites = visible_sites(geo, view)
    roles = roles_of(geo)
    labels = {c.id: c.label for t in geo.topics for c in t.categories}
    items = []
    for site in sites:
        status = statuses.get(site.id) if statuses else None
        extra = f"; status: {status_text(status)}" if status else ""
        items.append(
            f"<li>{for_html(site.name)} ({for_html(roles[site.role].label)}, "
            f"{for_html(labels.get(site.category, site.category))}{for_html(extra)}): {sources_html(site.sources)}</li>"
        )
    parts = ['<section class="export-notes" aria-label="Notes and sources">', *(f"<p>{for_html(note)}</p>" for note in notes),
             "<h2>Sites and the sources of their coordinates</h2>", f"<ul>{''.join(items)}</ul>"]
    site_ids = {site.id for site in sites}
    parts += overlay_notes(OverlayScene(geo, view, day, sites, roles))
    names = {site.id: site.name for site in geo.sites}
    if day is not None and geo.events:
        event_items = [
            f"<li>{for_html(fmt.day_with_precision(event.date, event.date_precision))} – "
            f"{for_html(names.get(event.site_id, event.site_id))} ({for_html(event.status)}): "
            f"{for_html(event.summary)} {sources_html(event.sources)}</li>"
            for event in events_until(geo.events, day)
            if event.site_id in site_ids
        ]
        if event_items:
            parts += [f"<h2>Events up to {for_html(fmt.day(day))}</h2>", f"<ul>{''.join(event_items)}</ul>"]
    parts.append("</section>")
    return "\n".join(parts)


def standalone_html(geo: ArticleGeography, view: ViewState, day: dt.date | None, outlines: dict | None,
                    *, assets: InlineAssets) -> str:
    """Return a complete HTML page: a header (title, outlet, date, topics, attribution), the
    app's map for ``view`` on ``day`` (the same composer: groups, cap, legend, frame) and the
    sources of what it shows (with their tiers); it loads nothing from the network.

    Leaflet and jQuery come inlined from ``assets``. With ``outlines`` the offline basemap is
    drawn (whatever ``view.basemap`` says); without, OpenStreetMap tiles are used, and they show
    only when online. Raises ValueError from the map builders (e.g. an unknown status).
    """
    map_view = view.with_changes(basemap="offline" if outlines is not None else "osm", lat=None, lon=None, zoom=None)
    plan = compose_map(geo, map_view, day)
    fmap = build_base_map(map_view, outlines, assets=MapAssets(js=(), css=()), copy_link=False, landmark="main")
    for group in draw_groups(plan):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    statuses = status_map(geo.events, [site.id for site in geo.sites], day) if day else None

    root = fmap.get_root()
    root.header.add_child(Element(_policy_meta(tiles=outlines is None)), name="export_csp", index=0)
    root.title = for_html(f"{geo.article.title} – map")
    for name, text in assets.css:
        root.header.add_child(Element(_inline_style(text)), name=f"inline_{name}")
    for name, text in assets.js:
        root.header.add_child(Element(_inline_script(text)), name=f"inline_{name}")
    root.header.add_child(Element(_inline_style(_PAGE_CSS)), name="export_page_css")
    root.header.add_child(
        Element('<meta name="viewport" content="width=device-width, initial-scale=1.0">'), name="export_viewport"
    )
    root.html.add_child(Element(_header_html(geo, view, day, map_view.basemap)), name="export_header", index=0)
    root.html.add_child(Element(_notes_html(geo, view, day, statuses, plan.notes)), name="export_notes")
    return accessible_page(root.render())


def _policy_meta(*, tiles: bool) -> str:
    """The export's Content-Security-Policy (first in its head): its own inline scripts, styles and
    images, OpenStreetMap's tiles when it uses them, and nothing else: no connection, no frame,
    no plugin, no form."""
    images = "data: blob:" + (" " + OSM_TILES.split("/{z}", 1)[0] if tiles else "")
    policy = (f"default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src {images}; "
              "font-src data:; base-uri 'none'; form-action 'none'; object-src 'none'")
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">'


_ZOOM_LOCK_RE = re.compile(r",\s*(?:maximum-scale|minimum-scale|user-scalable)\s*=\s*[\w.]+")


def accessible_page(page: str) -> str:
    """Folium's rendered ``page`` with pinch zoom allowed and its language stated (the standalone
    export and the published snapshot pages both pass through here)."""
    return _with_language(_without_zoom_lock(page))


def _without_zoom_lock(page: str) -> str:
    """Folium's page template forbids pinch zoom (``maximum-scale=1.0, user-scalable=no``), which
    fails WCAG 1.4.4: readers on phones must be able to zoom."""
    return re.sub(r'<meta name="viewport"[^>]*>', lambda m: _ZOOM_LOCK_RE.sub("", m.group(0)), page)


def _with_language(page: str) -> str:
    """The page's language (the export's own words are English), for screen readers (WCAG 3.1.1;
    axe ``html-has-lang``): Folium's template writes a bare ``<html>``."""
    return page.replace("<html>", '<html lang="en">', 1)


def render_export(
    fmt_name: str,
    geo: ArticleGeography,
    view: ViewState,
    day: dt.date | None,
    *,
    outlines: dict | None = None,
    assets: InlineAssets | None = None,
) -> str:
    """Return the export of ``geo`` in ``fmt_name`` (one of ``EXPORT_FORMATS``) as text.

    GeoJSON and CSV carry each site's status on ``day`` (when its topic has events) and leave out
    the places ``view`` hides; GeoJSON also the rings and lines the map shows. Raises
    ValueError for an unknown format, or for ``html`` without ``assets``.
    """
    if fmt_name not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt_name!r}; expected one of {', '.join(EXPORT_FORMATS)}")
    if fmt_name == "html":
        if assets is None:
            raise ValueError("the html export needs the inlined assets (static_assets.inline_assets())")
        return standalone_html(geo, view, day, outlines, assets=assets)
    statuses = status_map(geo.events, [site.id for site in geo.sites], day) if day else None
    if fmt_name == "geojson":
        return json.dumps(sites_geojson(geo, statuses, view=view, day=day), ensure_ascii=False, indent=1) + "\n"
    return sites_csv(geo, statuses, view=view)
