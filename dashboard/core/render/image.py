"""The second renderer of the composer's plan: a still image (PNG, SVG, PDF) drawn with
matplotlib, without a browser, for social cards, print and the snapshot's downloads.

It draws what the browser draws, from the same :class:`~dashboard.core.render.compose.MapPlan`:
the country outlines, the markers in their roles' shapes and colours, their labels, the rings and
lines, the legend, and around them the title, caption, credit, a scale bar and the attribution.
The frame is the Leaflet map's: Web Mercator, fitted to ``plan.frame`` with the same padding idea
(room for the legend and the texts) and the same closest zoom.
"""
from __future__ import annotations

import io
import math
import re
import textwrap
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from matplotlib import rc_context
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon, Rectangle

from dashboard.core.render.basemap import BORDER_COLOUR, LAND_COLOUR
from dashboard.core.render.base import SEA_COLOUR
from dashboard.core.render.compose import MapPlan
from dashboard.core.render.markers import LOOK_LABELS, MarkerSpec
from dashboard.core.render.paths import PathSpec
from dashboard.core.topics.catalogue import PLACE_ROLE
from dashboard.core.topics.model import Role
from dashboard.errors import DashboardError

IMAGE_FORMATS = ("png", "svg", "pdf")
WIDTH_PX, HEIGHT_PX = 1200, 675  # a social card (1.91:1 is also accepted; 16:9 prints better)
MAX_LAT = 85.0511287798  # Web Mercator's edge
MAX_ZOOM = 7  # the browser's frame never zooms closer (render/legend.FrameView)
TILE_PX = 256
#: Room left around the frame, in CSS pixels: the title at the top, the legend on the left, the
#: credit line at the bottom (Leaflet's frame keeps 24 px and the legend's width the same way).
PADDING = {"top": 120, "bottom": 56, "left": 300, "right": 40}
_MARKERS = {"triangle": "^", "diamond": "D", "octagon": "8", "square": "s", "circle": "o", "hexagon": "h", "star": "*"}
_ROLE_RE = re.compile(r"\brole-([a-z0-9-]+)")
_LOOK_RE = re.compile(r"\bstatus-look-([a-z]+)")
#: How a status look shows on paper (the browser's CSS in render/base.MAP_CSS): opacity, and grey
#: for an ended site; planned and building sites get a dashed outline.
LOOK_ALPHA = {"active": 1.0, "building": 1.0, "planned": 0.6, "ended": 0.75, "past": 0.5, "future": 0.3}
ENDED_COLOUR = "#8c8c8c"
PT_PER_PX = 0.72  # a CSS pixel is 1/100 inch at scale 1 (dpi 100)


class ImageError(DashboardError, ValueError):
    """An image cannot be drawn (unknown format, a scale out of range)."""


@dataclass(frozen=True)
class ImageTexts:
    """The texts printed on the image (plain text)."""

    title: str
    caption: str = ""
    credit: str = ""
    attribution: str = ""


@dataclass(frozen=True)
class ImageFrame:
    """The image's window on the Web Mercator plane: ``x0..x1`` and ``y0..y1`` in radians of
    longitude and Mercator ``y``, over ``width`` x ``height`` CSS pixels."""

    x0: float
    x1: float
    y0: float
    y1: float
    width: int = WIDTH_PX
    height: int = HEIGHT_PX

    def to_pixel(self, lat: float, lon: float) -> tuple[float, float]:
        """Where (lat, lon) falls, in CSS pixels from the top-left corner."""
        x, y = mercator(lat, lon)
        return ((x - self.x0) / (self.x1 - self.x0) * self.width, (self.y1 - y) / (self.y1 - self.y0) * self.height)


def mercator(lat: float, lon: float) -> tuple[float, float]:
    """Web Mercator (x, y) of a point, in radians (the sphere's radius is 1)."""
    lat = max(-MAX_LAT, min(MAX_LAT, lat))
    return math.radians(lon), math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def image_frame(plan: MapPlan, width: int = WIDTH_PX, height: int = HEIGHT_PX) -> ImageFrame:
    """The window the image shows: ``plan.frame`` fitted into the image inside ``PADDING``, at
    most as close as the browser's zoom ``MAX_ZOOM``; the whole of Europe when there is no frame."""
    (south, west), (north, east) = plan.frame or ((35.0, -10.0), (60.0, 40.0))
    x_min, y_min = mercator(south, west)
    x_max, y_max = mercator(north, east)
    inner_w = width - PADDING["left"] - PADDING["right"]
    inner_h = height - PADDING["top"] - PADDING["bottom"]
    closest = TILE_PX * 2 ** MAX_ZOOM / (2 * math.pi)  # pixels per radian at the closest zoom
    scale = min(closest, inner_w / max(x_max - x_min, 1e-9), inner_h / max(y_max - y_min, 1e-9))
    centre_x = (x_min + x_max) / 2 - (PADDING["left"] - PADDING["right"]) / 2 / scale
    centre_y = (y_min + y_max) / 2 + (PADDING["top"] - PADDING["bottom"]) / 2 / scale
    half_w, half_h = width / 2 / scale, height / 2 / scale
    return ImageFrame(centre_x - half_w, centre_x + half_w, centre_y - half_h, centre_y + half_h, width, height)


def render_image(plan: MapPlan, fmt: str, *, texts: ImageTexts, labels: Mapping[str, str], roles: Mapping[str, Role],
                 outlines: Mapping[str, Any] | None, scale: int = 1) -> bytes:
    """The plan drawn as ``fmt`` (png, svg or pdf), 1,200 x 675 CSS pixels (``scale`` 2: 2,400 x
    1,350 pixels for print). ``labels`` names the markers (site id or place key -> name); ``roles``
    gives the site markers' shapes and colours (a marker's class ``role-<id>``).

    The same plan and texts give the same bytes (no dates in the files). Raises ImageError for an
    unknown format or a scale other than 1 or 2.
    """
    if fmt not in IMAGE_FORMATS:
        raise ImageError(f"unknown image format {fmt!r}; expected one of {', '.join(IMAGE_FORMATS)}")
    if scale not in (1, 2):
        raise ImageError(f"the scale must be 1 or 2; got {scale!r}")
    frame = image_frame(plan)
    settings = {"svg.fonttype": "none", "svg.hashsalt": "snapshot", "pdf.fonttype": 42, "font.family": "DejaVu Sans"}
    with rc_context(settings):
        figure = Figure(figsize=(WIDTH_PX / 100, HEIGHT_PX / 100), dpi=100, facecolor=SEA_COLOUR)
        ax = figure.add_axes((0, 0, 1, 1))
        ax.set_xlim(frame.x0, frame.x1)
        ax.set_ylim(frame.y0, frame.y1)
        ax.set_axis_off()
        ax.set_facecolor(SEA_COLOUR)
        if outlines is not None:
            _draw_outlines(ax, outlines, frame)
        for group in plan.groups:
            for path in group.paths:
                _draw_path(ax, path)
        for group in plan.groups:
            for marker in sorted(group.markers, key=lambda m: m.z):
                _draw_marker(ax, marker, roles, labels.get(marker.key, ""))
        _draw_texts(figure, texts)
        _draw_legend(ax, plan, roles)
        _draw_scale(ax, frame)
        out = io.BytesIO()
        metadata = {"png": {"Software": None}, "svg": {"Date": None, "Creator": None},
                    "pdf": {"CreationDate": None, "Creator": None, "Producer": None}}[fmt]
        figure.savefig(out, format=fmt, dpi=100 * scale, facecolor=SEA_COLOUR, metadata=metadata)
    return out.getvalue()


# --- parts -------------------------------------------------------------------------------------


def _rings(geometry: Mapping[str, Any]) -> Iterable[list[list[float]]]:
    if geometry.get("type") == "Polygon":
        yield from geometry["coordinates"][:1]
    elif geometry.get("type") == "MultiPolygon":
        for polygon in geometry["coordinates"]:
            yield from polygon[:1]


def _draw_outlines(ax: Any, outlines: Mapping[str, Any], frame: ImageFrame) -> None:
    shapes = []
    for feature in outlines.get("features", []):
        for ring in _rings(feature.get("geometry") or {}):
            points = [mercator(lat, lon) for lon, lat in ring]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            if max(xs) < frame.x0 or min(xs) > frame.x1 or max(ys) < frame.y0 or min(ys) > frame.y1:
                continue
            shapes.append(points)
    ax.add_collection(PolyCollection(shapes, facecolors=LAND_COLOUR, edgecolors=BORDER_COLOUR, linewidths=0.6 * PT_PER_PX,
                                     zorder=1))


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


def _draw_marker(ax: Any, marker: MarkerSpec, roles: Mapping[str, Role], label: str) -> None:
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
    if label:
        ax.annotate(label, (x, y), xytext=(size * 0.6 + 3, 0), textcoords="offset points", va="center", parse_math=False,
                    fontsize=9 if match else 7.5, color="#1a1a1a" if match else "#444444", zorder=4,
                    bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none", "alpha": 0.75})


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


def _draw_scale(ax: Any, frame: ImageFrame) -> None:
    centre_y = (frame.y0 + frame.y1) / 2
    lat = math.degrees(2 * math.atan(math.exp(centre_y)) - math.pi / 2)
    km_per_px = (frame.x1 - frame.x0) * 6371.0088 * math.cos(math.radians(lat)) / frame.width
    km = _nice_km(150 * km_per_px)
    length_px = km / km_per_px
    right, bottom = 1 - 24 / WIDTH_PX, 40 / HEIGHT_PX
    left = right - length_px / WIDTH_PX
    ax.plot([left, right], [bottom, bottom], transform=ax.transAxes, color="#1a1a1a", linewidth=2, zorder=20,
            solid_capstyle="butt")
    ax.text((left + right) / 2, bottom + 6 / HEIGHT_PX, f"{km:,.0f} km (at {lat:.0f}°)", transform=ax.transAxes, parse_math=False,
            ha="center", va="bottom", fontsize=8, color="#1a1a1a", zorder=20)
