"""The second renderer of the composer's plan: a still image (PNG, SVG, PDF) drawn with
matplotlib, without a browser, for social cards, print and the snapshot's downloads.

It draws what the browser draws, from the same :class:`~dashboard.core.render.compose.MapPlan`:
the country outlines, the markers in their roles' shapes and colours, their labels, the rings and
lines, the legend, and around them the title, caption, credit, a scale bar and the attribution.
The frame is the published page's Leaflet map's at 1,200 x 675: ``render/frame.fit_frame`` with
the published padding (room for the texts and the legend), the window a browser test reads back
from Leaflet; the PNG says which window it drew (text chunk ``Map-Frame``). A plan with an
overview gets the page's overview map in the same corner (SVG id ``inset-map``).
"""
from __future__ import annotations

import dataclasses
import html
import io
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import rc_context
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from dashboard.core.geometry import distance_km
from dashboard.core.render.base import DEFAULT_CENTER, DEFAULT_ZOOM, SEA_COLOUR
from dashboard.core.render.basemap import BORDER_COLOUR, LAND_COLOUR
from dashboard.core.render.compose import MapPlan
from dashboard.core.render.frame import (
    CONTROL_GAP_PX,
    CONTROL_MARGIN_PX,
    INSET_BORDER_PX,
    MAX_LAT,
    MapWindow,
    fit_frame,
    inset_window,
    mercator,
    published_padding,
    selection_window,
    window_at,
)
from dashboard.core.render.labelplace import Box, LabelRequest, marker_box, place_labels
from dashboard.core.render.legend import FrameView, InsetMap
from dashboard.core.render.markers import LOOK_LABELS, MarkerSpec
from dashboard.core.render.paths import PathSpec
from dashboard.core.topics.catalogue import PLACE_ROLE
from dashboard.core.topics.model import Role
from dashboard.errors import DashboardError

IMAGE_FORMATS = ("png", "svg", "pdf")
WIDTH_PX, HEIGHT_PX = 1200, 675  # a social card (1.91:1 is also accepted; 16:9 prints better)
#: The PNG's text chunk holding the windows drawn (``MapWindow.to_json``: main map and overview).
FRAME_METADATA_KEY = "Map-Frame"
_MARKERS = {"triangle": "^", "diamond": "D", "octagon": "8", "square": "s", "circle": "o", "hexagon": "h", "star": "*"}
_ROLE_RE = re.compile(r"\brole-([a-z0-9-]+)")
_LOOK_RE = re.compile(r"\bstatus-look-([a-z]+)")
#: How a status look shows on paper (the browser's CSS in render/base.MAP_CSS): opacity, and grey
#: for an ended site; planned and building sites get a dashed outline.
LOOK_ALPHA = {"active": 1.0, "building": 1.0, "planned": 0.6, "ended": 0.75, "past": 0.5, "future": 0.3}
ENDED_COLOUR = "#8c8c8c"
PT_PER_PX = 0.72  # a CSS pixel is 1/100 inch at scale 1 (dpi 100)
LABEL_PAD_EM = 0.15  # the white box around a marker's label
CREDIT_BAR_PX = 26  # the white band at the bottom holding the credit and attribution
#: The overview map as map.js draws it: its extent outline and the points' dots.
INSET_EXTENT_COLOUR, INSET_DOT_COLOUR = "#b30000", "#1a1a1a"


class ImageError(DashboardError, ValueError):
    """An image cannot be drawn (unknown format, a scale out of range)."""


@dataclass(frozen=True)
class ImageTexts:
    """The texts printed on the image (plain text)."""

    title: str
    caption: str = ""
    credit: str = ""
    attribution: str = ""


def image_frame(plan: MapPlan, width: int = WIDTH_PX, height: int = HEIGHT_PX) -> MapWindow:
    """The window the image shows: the one the published page's Leaflet map of that size shows.
    That is the frame fitted with the published padding (``render/frame.fit_frame``, at most
    ``plan.max_zoom``); with a selected marker, the page's zoom to it (``selection_window``);
    with neither, the map's default view."""
    markers = [marker for group in plan.groups for marker in group.markers]
    selected = next((m for m in markers if plan.selected and m.key == plan.selected), None)
    if selected is not None:
        at = (selected.lat, selected.lon)
        sites = [(m.lat, m.lon) for m in markers if m is not selected and "site-marker" in m.classes.split()]
        nearest = min(sites, key=lambda p: distance_km(at, p)) if sites else None
        return selection_window(at, nearest, width, height, select_zoom=FrameView.SELECT_ZOOM, start_zoom=DEFAULT_ZOOM,
                                max_zoom=plan.max_zoom)
    if plan.frame is None:
        return window_at(DEFAULT_CENTER[0], DEFAULT_CENTER[1], DEFAULT_ZOOM, width, height)
    return fit_frame(plan.frame, width, height, published_padding(plan.overview is not None), plan.max_zoom)


def render_image(plan: MapPlan, fmt: str, *, texts: ImageTexts, roles: Mapping[str, Role],
                 outlines: Mapping[str, Any] | None, scale: int = 1) -> bytes:
    """The plan drawn as ``fmt`` (png, svg or pdf), 1,200 x 675 CSS pixels (``scale`` 2: 2,400 x
    1,350 pixels for print). ``roles`` gives the site markers' shapes and colours (a marker's
    class ``role-<id>``). Markers are labelled as the map labels them (``MarkerSpec.name`` where
    ``rank`` > 0, placed by ``render/labelplace``).

    The same plan and texts give the same bytes (no dates in the files). Raises ImageError for an
    unknown format or a scale other than 1 or 2.
    """
    if fmt not in IMAGE_FORMATS:
        raise ImageError(f"unknown image format {fmt!r}; expected one of {', '.join(IMAGE_FORMATS)}")
    if scale not in (1, 2):
        raise ImageError(f"the scale must be 1 or 2; got {scale!r}")
    frame = image_frame(plan)
    inset = inset_window(plan.overview, frame) if plan.overview is not None else None
    rings = _projected_rings(outlines) if outlines is not None else []
    settings = {"svg.fonttype": "none", "svg.hashsalt": "snapshot", "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
    with rc_context(settings):
        figure = Figure(figsize=(WIDTH_PX / 100, HEIGHT_PX / 100), dpi=100, facecolor=SEA_COLOUR)
        ax = _map_axes(figure, frame, (0, 0, 1, 1))
        _draw_outlines(ax, rings, frame, linewidth=0.6 * PT_PER_PX)
        for group in plan.groups:
            for path in group.paths:
                _draw_path(ax, path)
        for group in plan.groups:
            for marker in sorted(group.markers, key=lambda m: m.z):
                _draw_marker(ax, marker, roles)
        _draw_texts(figure, texts)
        _draw_legend(ax, plan, roles)
        if inset is not None:
            _draw_inset(figure, plan, rings, frame, inset)
        _draw_scale(ax, frame, right_px=_inset_box()[0] - CONTROL_GAP_PX * 2 if inset is not None else WIDTH_PX - 24)
        _draw_labels(figure, ax, plan, frame, reserved=[_inset_box()] if inset is not None else [])
        out = io.BytesIO()
        windows = json.dumps({"map": frame.to_json(), "inset": inset.to_json() if inset else None}, sort_keys=True)
        metadata = {"png": {"Software": None, FRAME_METADATA_KEY: windows}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[fmt]
        figure.savefig(out, format=fmt, dpi=100 * scale, facecolor=SEA_COLOUR, metadata=metadata)
    return out.getvalue()


def _map_axes(figure: Figure, window: MapWindow, box: tuple[float, float, float, float]) -> Axes:
    """Axes at ``box`` (figure fractions) showing ``window`` of the Web Mercator plane."""
    ax = figure.add_axes(box)
    ax.set_xlim(window.x0, window.x1)
    ax.set_ylim(window.y0, window.y1)
    ax.set_axis_off()
    ax.set_facecolor(SEA_COLOUR)
    return ax


# --- parts -------------------------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"][:1]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon[:1]


Ring = tuple[np.ndarray, np.ndarray]  # Web Mercator x and y of one outline's points


def _projected_rings(outlines: Mapping[str, Any]) -> list[Ring]:
    """Every country outline's outer rings in Web Mercator, projected once for the map and the overview."""
    projected = []
    for feature in outlines.get("features", []):
        for ring in _rings(feature.get("geometry") or {}):
            points = np.asarray(ring, dtype=float)
            if points.ndim != 2 or len(points) < 3:
                continue
            lat = np.radians(np.clip(points[:, 1], -MAX_LAT, MAX_LAT))
            projected.append((np.radians(points[:, 0]), np.log(np.tan(np.pi / 4 + lat / 2))))
    return projected


def _draw_outlines(ax: Axes, rings: list[Ring], window: MapWindow, *, linewidth: float) -> None:
    shapes = [np.column_stack(ring) for ring in rings
              if not (ring[0].max() < window.x0 or ring[0].min() > window.x1
                      or ring[1].max() < window.y0 or ring[1].min() > window.y1)]
    ax.add_collection(PolyCollection(shapes, facecolors=LAND_COLOUR, edgecolors=BORDER_COLOUR, linewidths=linewidth,
                                     zorder=1))


def _inset_box() -> tuple[float, float, float, float]:
    """The overview's drawing area in CSS pixels (left, top, right, bottom) in the bottom-right
    corner, as Leaflet places the control there (above the credit band instead of the attribution)."""
    right = WIDTH_PX - CONTROL_MARGIN_PX - INSET_BORDER_PX
    bottom = HEIGHT_PX - CREDIT_BAR_PX - CONTROL_MARGIN_PX - INSET_BORDER_PX
    return right - InsetMap.WIDTH_PX, bottom - InsetMap.HEIGHT_PX, right, bottom


def _draw_inset(figure: Figure, plan: MapPlan, rings: list[Ring], main: MapWindow, inset: MapWindow) -> None:
    """The overview map as the page's (``InsetMap``): the outlines, a dot for every marker, the
    main map's window outlined. Its axes carry the SVG id ``inset-map``, the outline ``inset-extent``."""
    left, top, right, bottom = _inset_box()
    ax = _map_axes(figure, inset, (left / WIDTH_PX, 1 - bottom / HEIGHT_PX, (right - left) / WIDTH_PX,
                                   (bottom - top) / HEIGHT_PX))
    ax.set_gid("inset-map")
    ax.set_zorder(30)
    ax.patch.set_visible(True)
    for spine in ax.spines.values():
        spine.set_visible(True)
        spine.set_edgecolor("white")
        spine.set_linewidth(INSET_BORDER_PX * PT_PER_PX)
    ax.set_axis_on()
    ax.set_xticks([])
    ax.set_yticks([])
    _draw_outlines(ax, rings, inset, linewidth=0.3 * PT_PER_PX)
    points = [mercator(marker.lat, marker.lon) for group in plan.groups for marker in group.markers]
    if points:
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=5 * PT_PER_PX, linestyle="none",
                markerfacecolor=INSET_DOT_COLOUR, markeredgecolor=INSET_DOT_COLOUR, zorder=3)
    ax.add_patch(Rectangle((main.x0, main.y0), main.x1 - main.x0, main.y1 - main.y0,
                           facecolor=to_rgba(INSET_EXTENT_COLOUR, 0.08), edgecolor=INSET_EXTENT_COLOUR,
                           linewidth=2 * PT_PER_PX, zorder=4, gid="inset-extent"))


def _dashes(style: Mapping[str, object]) -> Any:
    dash = str(style.get("dashArray") or "").replace(",", " ").split()
    numbers = [float(d) for d in dash if _is_number(d)]
    return (0, tuple(numbers)) if numbers else "solid"


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _draw_path(ax: Any, path: PathSpec) -> None:
    style = path.style
    colour = str(style.get("color", "#333333"))
    width = float(style.get("weight", 2)) * PT_PER_PX  # type: ignore[arg-type]
    opacity = float(style.get("opacity", 1.0))  # type: ignore[arg-type]
    if path.kind == "line":
        points = [mercator(lat, lon) for lat, lon in path.points]  # type: ignore[misc]
        ax.plot([p[0] for p in points], [p[1] for p in points], color=colour, linewidth=width, alpha=opacity,
                linestyle=_dashes(style), zorder=3, solid_capstyle="round")
    elif path.kind == "area":
        for ring in path.points[:1]:
            points = [mercator(lat, lon) for lat, lon in ring]  # type: ignore[misc]
            fill = style.get("fill", True) is not False
            ax.add_patch(Polygon(points, closed=True, facecolor=str(style.get("fillColor", colour)) if fill else "none",
                                 alpha=float(style.get("fillOpacity", 0.2)) if fill else 1.0,  # type: ignore[arg-type]
                                 edgecolor="none", zorder=2))
    elif path.kind == "circle":
        (lat, lon), = path.points  # type: ignore[misc]
        x, y = mercator(lat, lon)
        radius = float(style.get("radius", 6))  # type: ignore[arg-type]
        ax.plot([x], [y], marker="o", markersize=2 * radius * PT_PER_PX, markerfacecolor="none",
                markeredgecolor=colour, markeredgewidth=width, linestyle="none", zorder=3)
    elif path.kind == "label":
        (lat, lon), = path.points  # type: ignore[misc]
        x, y = mercator(lat, lon)
        text = re.sub(r"<[^>]*>", "", path.label).replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
        ax.text(x, y, text, ha="center", va="center", parse_math=False, fontsize=8, fontweight="bold", zorder=4,
                bbox={"boxstyle": "round,pad=0.2", "facecolor": "white", "edgecolor": "none", "alpha": 0.9})


def _draw_marker(ax: Any, marker: MarkerSpec, roles: Mapping[str, Role]) -> None:
    x, y = mercator(marker.lat, marker.lon)
    size = marker.size * PT_PER_PX
    if "place-cluster" in marker.classes:
        ax.plot([x], [y], marker="o", markersize=size, markerfacecolor="#595959", markeredgecolor="white",
                markeredgewidth=1.5, linestyle="none", zorder=5)
        count = re.sub(r"<[^>]*>", "", marker.html)
        ax.text(x, y, count, ha="center", va="center", parse_math=False, fontsize=7, color="white", fontweight="bold", zorder=6)
        return
    match = _ROLE_RE.search(marker.classes)
    role = roles.get(match.group(1), PLACE_ROLE) if match else PLACE_ROLE
    selected = " selected" in f" {marker.classes}"
    look_match = _LOOK_RE.search(marker.classes)
    look = look_match.group(1) if look_match else "active"
    ax.plot([x], [y], marker=_MARKERS.get(role.shape, "o"), markersize=size * 0.8,
            markerfacecolor=ENDED_COLOUR if look == "ended" else role.colour, alpha=LOOK_ALPHA.get(look, 1.0),
            markeredgecolor="black" if selected else "white", markeredgewidth=1.5, linestyle="none",
            zorder=7 if match else 5, gid=f"marker-{marker.key}" if marker.key else None)


def _draw_labels(figure: Figure, ax: Axes, plan: MapPlan, frame: MapWindow,
                 reserved: list[tuple[float, float, float, float]]) -> None:
    """The markers' visible labels where the map shows them (``rank`` > 0), placed clear of each
    other, of the sites and of everything already drawn (title, legend, overview, scale, credit)."""
    figure.draw_without_rendering()  # lays out the texts and the legend, to measure them
    legend = ax.get_legend()
    taken = [Box(*box) for box in reserved] + [Box(0, HEIGHT_PX - CREDIT_BAR_PX, WIDTH_PX, HEIGHT_PX)]
    taken += [_pixel_box(artist) for artist in (*figure.texts, *ax.texts, *([legend] if legend else []))]
    sites, places, wanted = [], [], []
    for group in plan.groups:
        for marker in group.markers:
            x, y = frame.to_pixel(marker.lat, marker.lon)
            classes = marker.classes.split()
            site = "site-marker" in classes or "place-cluster" in classes
            (sites if site else places).append(marker_box(x, y, marker.size))
            if marker.rank > 0 and marker.name and 0 <= x <= WIDTH_PX and 0 <= y <= HEIGHT_PX:
                wanted.append((marker, x, y, site, "selected" in classes))
    labels = [(ax.text(x / WIDTH_PX, 1 - y / HEIGHT_PX, html.unescape(marker.name), transform=figure.transFigure,
                       ha="left", va="top", parse_math=False, fontsize=9 if site else 7.5,
                       fontweight="bold" if selected else "normal", color="#1a1a1a" if site else "#444444",
                       zorder=8 if site else 6, bbox={"boxstyle": f"round,pad={LABEL_PAD_EM}", "facecolor": "white",
                                                      "edgecolor": "none", "alpha": 0.85}),
               LabelRequest(marker.key, x, y, marker.size, 0, 0, (4e6 if selected else 0) + (2e6 if site else 0) + marker.rank,
                            site))
              for marker, x, y, site, selected in wanted]
    figure.draw_without_rendering()
    measured = []
    for text, request in labels:
        box = _pixel_box(text.get_bbox_patch())
        inner = (request.x - box.left, request.y - box.top)  # the text's anchor inside its box
        measured.append((text, inner, dataclasses.replace(request, width=box.right - box.left, height=box.bottom - box.top)))
    placed = place_labels([request for _, _, request in measured], WIDTH_PX, HEIGHT_PX, reserved=taken,
                          sites=sites, places=places)
    for text, (inner_x, inner_y), request in measured:
        box = placed.get(request.key)
        if box is None:
            text.remove()  # no room: the map leaves it out too
        else:
            text.set_position(((box.left + inner_x) / WIDTH_PX, 1 - (box.top + inner_y) / HEIGHT_PX))


def _pixel_box(artist: Any) -> Box:
    """An artist's extent in image pixels (y downwards; the figure is laid out at 100 dpi)."""
    x0, y0, x1, y1 = artist.get_window_extent().extents
    return Box(x0, HEIGHT_PX - y1, x1, HEIGHT_PX - y0)


def _lines(text: str, width: int, most: int) -> str:
    """``text`` wrapped at ``width`` characters, at most ``most`` lines (the last one cut with "...")."""
    lines = textwrap.wrap(text, width) or [""]
    if len(lines) > most:
        lines = lines[:most]
        lines[-1] = lines[-1][: width - 3].rstrip() + "..."
    return "\n".join(lines)


def _draw_texts(figure: Figure, texts: ImageTexts) -> None:
    # wrapped here: matplotlib's own wrapping reads "$...$" as TeX even with parse_math off
    title = _lines(texts.title, 80, 2)
    figure.text(24 / WIDTH_PX, 1 - 18 / HEIGHT_PX, title, ha="left", va="top", parse_math=False, fontsize=20,
                fontweight="bold", color="#1a1a1a")
    if texts.caption:
        top = 18 + 30 * (title.count("\n") + 1) + 8
        figure.text(24 / WIDTH_PX, 1 - top / HEIGHT_PX, _lines(texts.caption, 150, 2 - title.count("\n")), ha="left",
                    va="top", parse_math=False, fontsize=11, color="#333333")
    bottom = _lines(" · ".join(part for part in (texts.credit, texts.attribution) if part), 200, 1)
    figure.add_artist(Rectangle((0, 0), 1, 26 / HEIGHT_PX, transform=figure.transFigure, facecolor="white", alpha=0.85,
                                edgecolor="none"))
    figure.text(24 / WIDTH_PX, 9 / HEIGHT_PX, bottom, ha="left", va="bottom", parse_math=False, fontsize=8.5, color="#333333")


def _legend_handle(kind: str, label: str, roles: Mapping[str, Role]) -> Line2D:
    if kind == "status":
        look = next((look for look, text in LOOK_LABELS.items() if text == label), "active")
        return Line2D([], [], marker="o", markersize=8, markerfacecolor=ENDED_COLOUR if look == "ended" else "#0072B2",
                      alpha=LOOK_ALPHA.get(look, 1.0), markeredgecolor="white", linestyle="none")
    if kind == "role":
        role = next((r for r in roles.values() if r.label == label), PLACE_ROLE)
        return Line2D([], [], marker=_MARKERS.get(role.shape, "o"), markersize=9, markerfacecolor=role.colour,
                      markeredgecolor="white", linestyle="none")
    if kind in ("place", "uncertain"):
        return Line2D([], [], marker="o", markersize=7, markerfacecolor=PLACE_ROLE.colour,
                      markeredgecolor="#1a1a1a" if kind == "uncertain" else "white", linestyle="none")
    if kind == "cluster":
        return Line2D([], [], marker="o", markersize=9, markerfacecolor="#595959", markeredgecolor="white",
                      linestyle="none")
    if kind in ("ring", "no-figure"):
        return Line2D([], [], marker="o", markersize=10 if kind == "ring" else 6, markerfacecolor="none",
                      markeredgecolor="#333333", linestyle="none")
    if kind == "line":
        return Line2D([], [], color="#333333", linestyle=(0, (1, 3)), linewidth=1.5)
    return Line2D([], [], marker="o", markersize=8, markerfacecolor="#0072B2", markeredgecolor="white",
                  linestyle="none")


def _draw_legend(ax: Any, plan: MapPlan, roles: Mapping[str, Role]) -> None:
    handles, names = [], []
    section = None
    for entry in plan.legend:
        if entry.section != section:
            section = entry.section
            handles.append(Line2D([], [], linestyle="none"))
            names.append(section)
        handles.append(_legend_handle(entry.kind, entry.label, roles))
        names.append(entry.label if len(entry.label) <= 48 else entry.label[:45] + "...")
    if not handles:
        return
    legend = ax.legend(handles, names, loc="lower left", bbox_to_anchor=(12 / WIDTH_PX, 36 / HEIGHT_PX), fontsize=8.5,
                       frameon=True, framealpha=0.95, edgecolor="#cccccc", handlelength=1.6, borderaxespad=0)
    legend.set_zorder(20)
    sections = {entry.section for entry in plan.legend}
    for text in legend.get_texts():
        text.set_parse_math(False)  # a "$" in a label is a dollar sign, not TeX
        if text.get_text() in sections:
            text.set_fontweight("bold")


def _nice_km(target: float) -> float:
    power = 10 ** math.floor(math.log10(target))
    return max(step * power for step in (1, 2, 5) if step * power <= target)


def _draw_scale(ax: Axes, frame: MapWindow, *, right_px: float) -> None:
    """A scale bar ending ``right_px`` from the left, above the credit band (its length holds at
    the map's centre latitude)."""
    centre_y = (frame.y0 + frame.y1) / 2
    lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    km_per_px = (frame.x1 - frame.x0) * 6371.0088 * math.cos(math.radians(lat)) / frame.width
    km = _nice_km(150 * km_per_px)
    length_px = km / km_per_px
    right, bottom = right_px / WIDTH_PX, 40 / HEIGHT_PX
    left = right - length_px / WIDTH_PX
    ax.plot([left, right], [bottom, bottom], transform=ax.transAxes, color="#1a1a1a", linewidth=2, zorder=20,
            solid_capstyle="butt")
    ax.text((left + right) / 2, bottom + 6 / HEIGHT_PX, f"{km:,.0f} km (at {lat:.0f}°)", transform=ax.transAxes, parse_math=False,
            ha="center", va="bottom", fontsize=8, color="#1a1a1a", zorder=20)
