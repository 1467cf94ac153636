"""The still-image renderer of the map plan: each site's marker lands where Web Mercator puts it
(within 2 px), in its role's colour; the SVG carries its texts; the frame is the published map's
(render/frame.py) and the PNG says which; a plan with an overview gets the overview map."""
from __future__ import annotations

import io
import json
import math

import numpy as np
import pytest
from matplotlib.image import imread

from dashboard.config import Settings
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.compose import compose_map, roles_of
from dashboard.core.render.frame import PUBLISHED_PADDING, inset_window, window_at
from dashboard.core.render.image import (
    FRAME_METADATA_KEY,
    HEIGHT_PX,
    INSET_EXTENT_COLOUR,
    WIDTH_PX,
    ImageError,
    ImageTexts,
    _inset_box,
    image_frame,
    render_image,
)
from dashboard.core.render.legend import InsetMap
from dashboard.core.view.state import ViewState
from dashboard.services.articles import article_geography, catalogue, file_articles
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.geocoding import geocoding_chain_for

VOA = "voa-2007-06-07-putin-gabala-offer"
TEXTS = ImageTexts("Radars offered in 2007", "The US plan and Russia's offer.", "Desk", "Natural Earth; GeoNames")


@pytest.fixture(scope="module")
def geo():
    settings = Settings(offline=True)
    return article_geography(file_articles(settings)[VOA], geocoding_chain_for(settings, ensure_gazetteer()), catalogue())


def draw(geo, view: ViewState, fmt: str = "png", scale: int = 1, *, dated: bool = True) -> tuple[object, bytes]:
    plan = compose_map(geo, view, geo.article.date if dated else None)
    return plan, render_image(plan, fmt, texts=TEXTS, roles=roles_of(geo), outlines=load_basemap(),
                              scale=scale)


def web_mercator_pixel(lat: float, lon: float, frame) -> tuple[float, float]:
    """The pixel of (lat, lon) by the textbook formula (EPSG:3857 on the unit sphere)."""
    x = math.radians(lon)
    y = math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))
    return (x - frame.x0) / (frame.x1 - frame.x0) * WIDTH_PX, (frame.y1 - y) / (frame.y1 - frame.y0) * HEIGHT_PX


def colour_box_centre(pixels: np.ndarray, colour: str, around: tuple[float, float], reach: int = 20) -> tuple[float, float]:
    """The centre of the box of pixels of ``colour`` (within a small tolerance) near ``around``."""
    rgb = np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    x0, y0 = int(around[0]) - reach, int(around[1]) - reach
    window = pixels[max(y0, 0):y0 + 2 * reach, max(x0, 0):x0 + 2 * reach, :3]
    ys, xs = np.nonzero(np.abs(window - rgb).max(axis=2) < 0.04)
    assert len(xs) > 10, f"no marker of colour {colour} near {around}"
    return max(x0, 0) + (xs.min() + xs.max() + 1) / 2, max(y0, 0) + (ys.min() + ys.max() + 1) / 2


def test_each_site_marker_is_where_web_mercator_puts_it(geo) -> None:
    view = ViewState(article=VOA, roles=("radar", "interceptors", "threat"))  # sites only, far apart
    plan, png = draw(geo, view, dated=False)  # no status: every marker in its role's full colour
    pixels = imread(io.BytesIO(png))
    assert pixels.shape[:2] == (HEIGHT_PX, WIDTH_PX)
    frame = image_frame(plan)
    roles = roles_of(geo)
    shown = [site for site in geo.sites if site.role in view.roles]
    assert len(shown) == 4
    for site in shown:
        expected = web_mercator_pixel(site.lat, site.lon, frame)
        assert 0 < expected[0] < WIDTH_PX and 0 < expected[1] < HEIGHT_PX
        found = colour_box_centre(pixels, roles[site.role].colour, expected)
        assert math.dist(found, expected) <= 2, (site.id, found, expected)


def test_the_frame_holds_the_plan_with_room_for_the_texts(geo) -> None:
    plan = compose_map(geo, ViewState(article=VOA, roles=("radar", "interceptors")), None)
    assert plan.overview is None
    frame = image_frame(plan)
    (south, west), (north, east) = plan.frame
    left, top = web_mercator_pixel(north, west, frame)
    right, bottom = web_mercator_pixel(south, east, frame)
    pad = PUBLISHED_PADDING
    assert left >= pad.left - 1 and right <= WIDTH_PX - pad.right + 1 and top >= pad.top - 1 and bottom <= HEIGHT_PX - pad.bottom + 1
    closer = window_at(frame.lat, frame.lon, frame.zoom + 1, WIDTH_PX, HEIGHT_PX)  # Leaflet's next whole level
    left, top = web_mercator_pixel(north, west, closer)
    right, bottom = web_mercator_pixel(south, east, closer)
    assert right - left > WIDTH_PX - pad.left - pad.right or bottom - top > HEIGHT_PX - pad.top - pad.bottom


def test_the_png_says_which_window_it_draws(geo) -> None:
    from PIL import Image

    plan, png = draw(geo, ViewState(article=VOA))
    written = json.loads(Image.open(io.BytesIO(png)).text[FRAME_METADATA_KEY])
    frame = image_frame(plan)
    assert written["map"] == json.loads(json.dumps(frame.to_json()))
    assert written["inset"] == json.loads(json.dumps(inset_window(plan.overview, frame).to_json()))


def red_pixels(pixels: np.ndarray, box: tuple[float, float, float, float]) -> int:
    """How many pixels in ``box`` (left, top, right, bottom) are the overview's outline colour."""
    rgb = np.array([int(INSET_EXTENT_COLOUR[i:i + 2], 16) for i in (1, 3, 5)]) / 255
    left, top, right, bottom = (int(round(v)) for v in box)
    window = pixels[top:bottom, left:right, :3]
    return int((np.abs(window - rgb).max(axis=2) < 0.08).sum())


def test_a_plan_with_an_overview_gets_the_overview_map(geo) -> None:
    view = ViewState(article=VOA)
    plan, png = draw(geo, view)
    assert plan.overview is not None  # Kennebunkport and the G8 list lie outside the frame
    frame = image_frame(plan)
    inset = inset_window(plan.overview, frame)
    left, top, right, bottom = _inset_box()
    assert (right - left, bottom - top) == (InsetMap.WIDTH_PX, InsetMap.HEIGHT_PX)
    assert right > WIDTH_PX - 20 and bottom > HEIGHT_PX - 50  # the bottom-right corner, as on the page
    pixels = imread(io.BytesIO(png))
    (south, west), (north, east) = frame.bounds
    x0, y0 = inset.to_pixel(north, west)
    x1, y1 = inset.to_pixel(south, east)
    x0, x1, y0, y1 = x0 + left, x1 + left, y0 + top, y1 + top
    assert x1 - x0 > 4 and y1 - y0 > 4
    for edge in ((x0 - 2, y0 + 2, x0 + 2, y1 - 2), (x1 - 2, y0 + 2, x1 + 2, y1 - 2),
                 (x0 + 2, y0 - 2, x1 - 2, y0 + 2), (x0 + 2, y1 - 2, x1 - 2, y1 + 2)):
        assert red_pixels(pixels, edge) >= 0.5 * max(edge[2] - edge[0], edge[3] - edge[1]), edge  # the outline
    assert red_pixels(pixels, (x0 + 4, y0 + 4, x1 - 4, y1 - 4)) == 0  # outlined, not filled
    _, svg = draw(geo, view, "svg")
    assert b'id="inset-map"' in svg and b'id="inset-extent"' in svg


def test_a_plan_without_an_overview_has_none(geo) -> None:
    view = ViewState(article=VOA, roles=("radar", "interceptors"))
    plan, png = draw(geo, view)
    assert plan.overview is None
    assert red_pixels(imread(io.BytesIO(png)), _inset_box()) == 0
    _, svg = draw(geo, view, "svg")
    assert b'id="inset-map"' not in svg and b'id="inset-extent"' not in svg
    from PIL import Image

    assert json.loads(Image.open(io.BytesIO(png)).text[FRAME_METADATA_KEY])["inset"] is None


def test_a_planned_site_is_faded_as_in_the_browser(geo) -> None:
    view = ViewState(article=VOA, roles=("radar",))
    plan, png = draw(geo, view)  # 7 June 2007: the Czech radar announced (planned), Gabala operational
    looks = {m.key: m.classes.rsplit("status-look-", 1)[1] for g in plan.groups for m in g.markers if m.key}
    assert looks == {"czech-radar": "planned", "gabala-radar": "active"}
    pixels = imread(io.BytesIO(png))
    frame = image_frame(plan)
    colour_box_centre(pixels, "#0072B2", web_mercator_pixel(40.87, 47.8, frame))  # Gabala in full colour
    czech = web_mercator_pixel(49.63522, 13.74794, frame)
    red, green, blue = pixels[round(czech[1]), round(czech[0]), :3]
    assert red > 0.3 and blue > 0.75  # #0072B2 at 60 % over the land: lighter
    with pytest.raises(AssertionError, match="no marker of colour"):
        colour_box_centre(pixels, "#0072B2", czech, reach=6)


def test_the_svg_carries_the_texts_and_the_labels(geo) -> None:
    _, svg = draw(geo, ViewState(article=VOA), "svg")
    text = svg.decode("utf-8")
    for words in ("Radars offered in 2007", "The US plan and Russia", "Desk", "Gabala radar",
                  "Brdy radar", "Radar", "Interceptors", " km (at "):
        assert words in text, words
    assert "<script" not in text


def test_the_print_size_and_the_pdf(geo) -> None:
    _, png = draw(geo, ViewState(article=VOA, roles=("radar",)), scale=2)
    assert imread(io.BytesIO(png)).shape[:2] == (2 * HEIGHT_PX, 2 * WIDTH_PX)
    _, pdf = draw(geo, ViewState(article=VOA, roles=("radar",)), "pdf")
    assert pdf.startswith(b"%PDF") and b"CreationDate" not in pdf
    _, again = draw(geo, ViewState(article=VOA, roles=("radar",)), "pdf")
    assert again == pdf  # the same plan: the same bytes


def test_unknown_format_or_scale_is_refused(geo) -> None:
    plan = compose_map(geo, ViewState(article=VOA), None)
    with pytest.raises(ImageError, match="unknown image format 'gif'"):
        render_image(plan, "gif", texts=TEXTS, roles=roles_of(geo), outlines=None)
    with pytest.raises(ImageError, match="scale must be 1 or 2"):
        render_image(plan, "png", texts=TEXTS, roles=roles_of(geo), outlines=None, scale=3)


def test_a_selected_site_is_shown_as_the_page_zooms_to_it(geo) -> None:
    from dashboard.core.render.frame import selection_window
    from dashboard.core.render.legend import FrameView

    plan = compose_map(geo, ViewState(article=VOA, site="gabala-radar"), None)
    assert plan.selected == "gabala-radar"
    frame = image_frame(plan)
    points = {m.key: (m.lat, m.lon) for g in plan.groups for m in g.markers if m.key}
    # map.js zoomToSelection: Gabala and its nearest site (Iran's point), both in view, from zoom 5
    assert frame == selection_window(points["gabala-radar"], points["iran"], WIDTH_PX, HEIGHT_PX,
                                     select_zoom=FrameView.SELECT_ZOOM, start_zoom=3, max_zoom=plan.max_zoom)
    assert frame.zoom >= FrameView.SELECT_ZOOM
    for key in ("gabala-radar", "iran"):
        x, y = frame.to_pixel(*points[key])
        assert 0 < x < WIDTH_PX and 0 < y < HEIGHT_PX


def test_the_image_labels_what_the_map_labels_clear_of_each_other_and_of_its_boxes(geo, monkeypatch) -> None:
    from dashboard.core.render import image as image_module

    seen: dict = {}
    real = image_module.place_labels

    def spy(requests, width, height, *, reserved, sites, places):
        seen.update(requests=requests, reserved=reserved, sites=sites)
        seen["placed"] = real(requests, width, height, reserved=reserved, sites=sites, places=places)
        return seen["placed"]

    monkeypatch.setattr(image_module, "place_labels", spy)
    _, svg = draw(geo, ViewState(article=VOA), "svg")
    text = svg.decode("utf-8")
    for name in ("Heiligendamm", "Redzikowo", "Brdy radar", "Gabala radar", "Iran"):
        assert name in text, name
    assert "France" not in text  # named once: the map gives it no label either
    boxes = list(seen["placed"].values())
    assert len(boxes) >= 5
    assert not any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])
    assert not any(box.overlaps(other) for box in boxes for other in [*seen["reserved"], *seen["sites"]])
    legend = max(seen["reserved"], key=lambda b: (b.right - b.left) * (b.bottom - b.top) if b.left < 100 else 0)
    assert legend.left < 20 and legend.bottom > 600  # the legend is one of the boxes labels keep clear of
