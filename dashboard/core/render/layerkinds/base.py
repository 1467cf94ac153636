"""What an overlay layer kind is (:class:`OverlayKind`), what it draws from (:class:`OverlayScene`)
and what it gives back (:class:`OverlayDrawing`)."""
from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dashboard.core.geography import ArticleGeography
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.legend import LegendEntry
from dashboard.core.render.paths import PathSpec
from dashboard.core.topics.model import Role, Site
from dashboard.core.view.state import ViewState

#: The shapes of an overlay that the GeoJSON export carries (not the marker-sized circles, such
#: as "no public figure", nor the text labels).
EXPORTED_SHAPES = ("line", "area")


@dataclass(frozen=True)
class OverlayScene:
    """What an overlay kind draws from: the article's geography, the view, the day (None: no
    date), the sites the view shows (``visible_sites``) and the roles by id (``roles_of``)."""

    geo: ArticleGeography
    view: ViewState
    day: dt.date | None
    sites: tuple[Site, ...]
    roles: Mapping[str, Role]


@dataclass(frozen=True)
class OverlayDrawing:
    """What an overlay kind adds to a map plan: feature groups of shapes (their ``layer`` is set
    to the kind's id by the registry) and legend entries, in drawing order."""

    groups: tuple[GroupPlan, ...] = ()
    legend: tuple[LegendEntry, ...] = ()


def no_notes(scene: OverlayScene) -> tuple[str, ...]:
    """An overlay kind without a section in the export's notes."""
    return ()


@dataclass(frozen=True)
class OverlayKind:
    """A layer kind that draws shapes over the map, switched by ``layers=<id>`` and drawn only
    for an article whose topics offer it (``[layers.<id>]`` in ``topic.toml``).

    ``id`` is its id in :data:`dashboard.core.view.layers.LAYER_KINDS` (label, link value);
    ``feature`` the ``kind`` property of its shapes in the GeoJSON export (``ring``, ``line``);
    ``draw`` returns its groups and legend entries for a scene; ``notes`` its parts of the HTML
    export's notes (headings and lists, texts escaped; ``()`` for none).
    """

    id: str
    feature: str
    draw: Callable[[OverlayScene], OverlayDrawing]
    notes: Callable[[OverlayScene], tuple[str, ...]] = no_notes

    def geojson_features(self, paths: Sequence[PathSpec]) -> list[dict[str, Any]]:
        """The kind's lines and areas among ``paths`` as GeoJSON Features with the properties
        ``kind`` (:attr:`feature`), ``shape`` (``line`` or ``area``), ``site`` (or None) and
        ``text`` (the map's tooltip, unescaped)."""
        features = []
        for path in paths:
            if path.kind not in EXPORTED_SHAPES:
                continue
            feature = path.feature()
            feature["properties"] = {"kind": self.feature, "shape": path.kind, "site": path.site or None,
                                     "text": html.unescape(path.tooltip)}
            features.append(feature)
        return features
