"""The registry of overlay layer kinds: each kind (one module here) builds its own map groups,
legend entries, GeoJSON features and export notes; the composer and the exports loop over
:data:`OVERLAY_KINDS` and name none of them.

A kind's id, label and link value live in :mod:`dashboard.core.view.layers` (the URL parser
reads that list and imports no render code); a kind is drawn when the view switches it on and
one of the article's topics offers it (the opt-in: ``[layers.<id>]`` in ``topic.toml``).
Marker layers (``places``, ``story``) are not overlays: they filter the markers
(``dashboard.core.geography.visible_places`` / ``visible_sites``).
"""
from __future__ import annotations

import dataclasses
from typing import Any

from dashboard.core.geography import ArticleGeography
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.layerkinds.base import OverlayDrawing, OverlayKind, OverlayScene
from dashboard.core.render.layerkinds.lines import LINES
from dashboard.core.render.layerkinds.rings import RINGS
from dashboard.core.view.state import ViewState

__all__ = ["OVERLAY_KINDS", "OverlayDrawing", "OverlayKind", "OverlayScene", "active_overlays", "draw_overlays",
           "overlay_features", "overlay_kind", "overlay_notes"]

#: Every overlay kind, in drawing order (groups, legend sections and notes follow it).
OVERLAY_KINDS: tuple[OverlayKind, ...] = (RINGS, LINES)


def active_overlays(geo: ArticleGeography, view: ViewState) -> tuple[OverlayKind, ...]:
    """The registered kinds that ``view`` switches on and that a topic of ``geo`` offers."""
    return tuple(kind for kind in OVERLAY_KINDS if kind.id in view.layers and geo.offers(kind.id))


def overlay_kind(layer_id: str) -> OverlayKind | None:
    """The registered kind with that id, or None (a marker group's ``layer`` is "")."""
    return next((kind for kind in OVERLAY_KINDS if kind.id == layer_id), None)


def draw_overlays(scene: OverlayScene) -> OverlayDrawing:
    """The groups (each marked with its kind's id in ``layer``) and legend entries of every
    active kind, in registry order. Raises ValueError from a kind's geometry."""
    groups: list[GroupPlan] = []
    legend = []
    for kind in active_overlays(scene.geo, scene.view):
        drawing = kind.draw(scene)
        groups += [dataclasses.replace(group, layer=kind.id) for group in drawing.groups]
        legend += drawing.legend
    return OverlayDrawing(tuple(groups), tuple(legend))


def overlay_notes(scene: OverlayScene) -> tuple[str, ...]:
    """The parts of the export's notes that the active kinds add (HTML, in registry order)."""
    return tuple(part for kind in active_overlays(scene.geo, scene.view) for part in kind.notes(scene))


def overlay_features(groups: tuple[GroupPlan, ...]) -> list[dict[str, Any]]:
    """The overlays' lines and areas in a plan's ``groups`` as GeoJSON Features (each kind's
    :meth:`OverlayKind.geojson_features`); marker groups give none."""
    features = []
    for group in groups:
        kind = overlay_kind(group.layer)
        if kind is not None:
            features += kind.geojson_features(group.paths)
    return features
