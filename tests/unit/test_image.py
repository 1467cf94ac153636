"""The still-image renderer of the map plan: each site's marker lands where Web Mercator puts it
(within 2 px), in its role's colour; the SVG carries its texts; the frame follows the plan."""
from __future__ import annotations

import io
import math

import numpy as np
import pytest
from matplotlib.image import imread

from dashboard.config import Settings
from dashboard.core.publish.build import image_labels
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.compose import compose_map, roles_of
from dashboard.core.render.image import HEIGHT_PX, WIDTH_PX, ImageError, ImageTexts, image_frame, render_image
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
    return plan, render_image(plan, fmt, texts=TEXTS, labels=image_labels(geo, plan), roles=roles_of(geo), outlines=load_basemap(),
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
    frame = image_frame(plan)
    (south, west), (north, east) = plan.frame
    left, top = web_mercator_pixel(north, west, frame)
    right, bottom = web_mercator_pixel(south, east, frame)
    assert left >= 299 and right <= WIDTH_PX - 39 and top >= 119 and bottom <= HEIGHT_PX - 55
    assert math.isclose(right - left, WIDTH_PX - 340, abs_tol=1) or math.isclose(bottom - top, HEIGHT_PX - 176, abs_tol=1)


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
        render_image(plan, "gif", texts=TEXTS, labels={}, roles=roles_of(geo), outlines=None)
    with pytest.raises(ImageError, match="scale must be 1 or 2"):
        render_image(plan, "png", texts=TEXTS, labels={}, roles=roles_of(geo), outlines=None, scale=3)
