"""Freezing a view: the manifest (what the snapshot's id is derived from) and every file served
for it, drawn from one map plan of the composer. Pure: the caller passes the geography, the
outlines and the data version in."""
from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlencode

from dashboard.core import format as fmt
from dashboard.core.geography import ArticleGeography, visible_sites
from dashboard.core.publish.model import FILE_TYPES, Snapshot, SnapshotAsset, SnapshotFile, SnapshotTexts, snapshot_id
from dashboard.core.publish.page import PageTexts, snapshot_page
from dashboard.core.render.basemap import BASEMAP_ATTRIBUTION
from dashboard.core.render.compose import MapPlan, compose_map, roles_of
from dashboard.core.render.export import GEONAMES_ATTRIBUTION, sites_csv, sites_geojson
from dashboard.core.render.image import ImageTexts, render_image
from dashboard.core.topics.timeline import status_map
from dashboard.core.view.state import ViewState, to_query

MANIFEST_FORMAT = 1
_NUMBER_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
ATTRIBUTION = f"{BASEMAP_ATTRIBUTION} (public domain). {GEONAMES_ATTRIBUTION}"
#: The same credits, short enough for the image's bottom line.
IMAGE_ATTRIBUTION = f"{BASEMAP_ATTRIBUTION} · places: GeoNames (CC BY 4.0)"


def _number(n: int) -> str:
    return _NUMBER_WORDS[n] if n < len(_NUMBER_WORDS) else fmt.count(n)


def describe_map(geo: ArticleGeography, view: ViewState, plan: MapPlan) -> str:
    """The alt text written from the data: ``Map of six sites: Proposed X-band radar, Brdy
    (radar, Czech Republic); ...; and 12 other places the article names.``"""
    roles = roles_of(geo)
    sites = visible_sites(geo, view)
    parts = [f"{site.name} ({roles[site.role].label.lower()}, {site.country})" for site in sites]
    text = f"Map of {_number(len(sites))} site{'s' if len(sites) != 1 else ''}"
    if parts:
        text += ": " + "; ".join(parts)
    others = plan.places.shown_places
    if others:
        text += f"{';' if parts else ''} and {_number(others)} other place{'s' if others != 1 else ''} the article names"
    return text + "."


def default_texts(geo: ArticleGeography, view: ViewState, day: dt.date | None) -> SnapshotTexts:
    """The texts a Publish form starts with: the story's title, a caption saying what is shown,
    the outlet as credit and the alt text written from the data."""
    plan = compose_map(geo, view, day)
    article = geo.article
    caption = " ".join(plan.notes) + (f" Status on {fmt.day(day)}." if day and geo.events else "")
    credit = "Map: missile-defense geography dashboard" + (f"; story: {article.outlet}" if article.outlet else "")
    return SnapshotTexts(title=article.title[:160], caption=caption[:600], credit=credit[:200],
                         alt=describe_map(geo, view, plan)[:1500])


def _sources(geo: ArticleGeography, view: ViewState) -> list[dict[str, str]]:
    seen: dict[tuple[str, str], dict[str, str]] = {}
    for site in visible_sites(geo, view):
        for source in site.sources:
            seen.setdefault((source.label, source.url), {"label": source.label, "url": source.url, "tier": source.tier})
    if geo.article.url:
        seen.setdefault(("story", geo.article.url), {"label": f"The story: {geo.article.title}", "url": geo.article.url,
                                                      "tier": ""})
    return list(seen.values())


def _manifest(geo: ArticleGeography, view: ViewState, day: dt.date | None, texts: SnapshotTexts, plan: MapPlan,
              data_version: str) -> dict[str, Any]:
    article = geo.article
    return {
        "format": MANIFEST_FORMAT,
        "article": {"id": article.id, "title": article.title, "outlet": article.outlet, "url": article.url,
                    "date": article.date.isoformat() if article.date else None},
        "view": to_query(view.with_changes(lat=None, lon=None, zoom=None)),
        "day": day.isoformat() if day else None,
        "texts": {"title": texts.title, "caption": texts.caption, "credit": texts.credit, "alt": texts.alt},
        "frame": [list(corner) for corner in plan.frame] if plan.frame else None,
        "groups": [{"name": g.name, "markers": [m.feature() for m in g.markers], "paths": [p.feature() for p in g.paths]}
                   for g in plan.groups],
        "legend": [[e.section, e.label, e.kind] for e in plan.legend],
        "notes": list(plan.notes),
        "sources": _sources(geo, view),
        "data_version": data_version,
    }


def freeze_view(geo: ArticleGeography, view: ViewState, day: dt.date | None, texts: SnapshotTexts, *,
                outlines: Mapping[str, Any], data_version: str, assets: Sequence[SnapshotAsset]) -> Snapshot:
    """The snapshot of ``view`` of ``geo`` on ``day``: its manifest, id and files (both pages,
    PNG at 1x and 2x, SVG, PDF, GeoJSON and CSV), all from one plan of the composer, and the
    ``assets`` (scripts, style sheets) its pages load from their content-addressed paths.

    Raises ValueError from the composer or the renderers.
    """
    plan = compose_map(geo, view, day)
    manifest = _manifest(geo, view, day, texts, plan, data_version)
    sid = snapshot_id(manifest)
    article = geo.article
    story = " · ".join(part for part in (article.title, article.outlet, fmt.day(article.date) if article.date else "")
                       if part)
    page_texts = PageTexts(
        title=texts.title, caption=texts.caption, credit=texts.credit, alt=texts.alt,
        description=texts.caption or texts.alt, article=story,
        data_as_of=fmt.day(day) if day else "the day it was published", data_version=data_version,
        attribution=ATTRIBUTION,
        sources=tuple((s["label"], s["url"], s["tier"]) for s in manifest["sources"]),
        live_query=urlencode(manifest["view"]),
    )
    image_texts = ImageTexts(texts.title, texts.caption, texts.credit, IMAGE_ATTRIBUTION)
    roles = roles_of(geo)

    def image(fmt_name: str, scale: int = 1) -> bytes:
        return render_image(plan, fmt_name, texts=image_texts, roles=roles, outlines=outlines, scale=scale)

    statuses = status_map(geo.events, [site.id for site in geo.sites], day) if day else None
    bodies = {
        "index.html": snapshot_page(plan, view, page_texts, outlines, sid, embed=False, assets=assets).encode("utf-8"),
        "embed.html": snapshot_page(plan, view, page_texts, outlines, sid, embed=True, assets=assets).encode("utf-8"),
        "map.png": image("png"),
        "map@2x.png": image("png", 2),
        "map.svg": image("svg"),
        "map.pdf": image("pdf"),
        "data.geojson": (json.dumps(sites_geojson(geo, statuses), ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
        "data.csv": sites_csv(geo, statuses).encode("utf-8"),
    }
    files = tuple(SnapshotFile(name, FILE_TYPES[name], body) for name, body in bodies.items())
    return Snapshot(sid, manifest, files, tuple(assets))
