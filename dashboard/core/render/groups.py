"""One feature group of a map plan (:class:`GroupPlan`): what the composer and the layer kinds
build, and what ``draw_groups``, the exports and the image renderer read."""
from __future__ import annotations

from dataclasses import dataclass

from dashboard.core.render.markers import MarkerSpec
from dashboard.core.render.paths import PathSpec


@dataclass(frozen=True)
class GroupPlan:
    """One feature group: its name in the layer control (``control=False``: not listed),
    markers and shapes, and the layer kind it draws (an overlay kind's id, ``rings``, ``lines``
    ...; "" for markers)."""

    name: str
    markers: tuple[MarkerSpec, ...] = ()
    paths: tuple[PathSpec, ...] = ()
    control: bool = True
    layer: str = ""
