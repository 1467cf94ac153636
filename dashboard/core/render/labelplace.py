"""Where marker labels go on a still image: beside their marker, never over another label, a
site, a group or the image's own boxes (title, legend, overview, scale), never cut by its edge.

The same rules as the browser's ``placeLabels`` in ``static/dashboard/map.js``: labels are placed
from the highest priority down (the selected marker, then sites, then places by rank); each tries
the right of its marker, the left, above, below and the four corners; a label that fits nowhere
is left out. A site's label may cover a place's marker; a place's label covers no marker.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Pixels between a marker's edge and its label, and kept clear at the image's edge (map.js).
LABEL_GAP, EDGE = 3.0, 2.0


@dataclass(frozen=True)
class Box:
    """A rectangle in image pixels (y grows downwards)."""

    left: float
    top: float
    right: float
    bottom: float

    def overlaps(self, other: Box) -> bool:
        """True when the two rectangles share some area."""
        return self.left < other.right and other.left < self.right and self.top < other.bottom and other.top < self.bottom


@dataclass(frozen=True)
class LabelRequest:
    """A marker that wants its label: its centre (``x``, ``y``), its size, the label's size, and
    whether it is a site (else a place)."""

    key: str
    x: float
    y: float
    size: float
    width: float
    height: float
    priority: float
    site: bool


def marker_box(x: float, y: float, size: float) -> Box:
    """The square a marker of ``size`` pixels covers around its centre."""
    return Box(x - size / 2, y - size / 2, x + size / 2, y + size / 2)


def place_labels(requests: Sequence[LabelRequest], width: float, height: float, *, reserved: Sequence[Box],
                 sites: Sequence[Box], places: Sequence[Box]) -> dict[str, Box]:
    """The box of every label that fits (by key), in an image of ``width`` x ``height`` whose
    ``reserved`` boxes, ``sites`` (sites and groups) and ``places`` markers are already drawn."""
    taken = [*reserved, *sites]
    placed: dict[str, Box] = {}
    for request in sorted(requests, key=lambda r: -r.priority):
        avoid = taken if request.site else [*taken, *places]
        for dx, dy in _spots(request):
            box = Box(request.x + dx, request.y + dy, request.x + dx + request.width, request.y + dy + request.height)
            inside = box.left >= EDGE and box.top >= EDGE and box.right <= width - EDGE and box.bottom <= height - EDGE
            if inside and not any(box.overlaps(other) for other in avoid):
                placed[request.key] = box
                taken.append(box)
                break
    return placed


def _spots(request: LabelRequest) -> list[tuple[float, float]]:
    """Offsets of the label's top-left corner from the marker's centre, in the order tried."""
    w, h = request.width, request.height
    near, corner = request.size / 2 + LABEL_GAP, request.size / 2 - 2
    return [(near, -h / 2), (-near - w, -h / 2), (-w / 2, -near - h), (-w / 2, near),
            (corner, -corner - h), (corner, corner), (-corner - w, -corner - h), (-corner - w, corner)]
