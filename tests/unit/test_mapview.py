"""The rendered Folium map: local assets, marker classes, escaped labels, legend (dashboard.core.render.mapview)."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from dashboard.core.geoparse.places import Place
from dashboard.core.render.mapview import build_map
from dashboard.core.topics.sites import ROLE_LABELS, Site, load_sites
from dashboard.core.view.state import ViewState

SITES = load_sites()
EVIL_NAME = "Evil ${alert(1)} `x` <img src=x onerror=alert(1)> \\1"
EVIL = Site("evil-site", "radar", "us-plan", EVIL_NAME, "Nowhere", 50.0, 14.0, 1.0, "https://example.org", "n")
RAW_SEQUENCES = ("${", "`", "<img", "\\1")


class _Assets(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.urls.append((tag, attributes["src"]))
        if tag == "link" and attributes.get("href"):
            self.urls.append((tag, attributes["href"]))


def render(view: ViewState, sites=SITES, places=()) -> str:
    return build_map(view, sites, list(places), None).get_root().render()


def tooltips(page: str) -> list[str]:
    # Folium puts tooltip text in a JS template literal: bindTooltip(`<div> ... </div>`, {...})
    return re.findall(r"\.bindTooltip\(\s*`(.*?)`,\s*\{", page, flags=re.DOTALL)


def options(page: str, key: str) -> list[str]:
    """The JSON string values of ``"key": "..."`` in the script's option objects."""
    return [json.loads(raw) for raw in re.findall(rf'"{key}": ("(?:[^"\\]|\\.)*")', page)]


@pytest.fixture(scope="module")
def seed_page() -> str:
    place = Place("Moscow", 0, 6, 55.7558, 37.6173, "gazetteer", 0.9)
    return render(ViewState(site="gabala-radar"), SITES, [(place, 3)])


@pytest.fixture(scope="module")
def evil_page() -> str:
    evil_place = Place(EVIL_NAME, 0, len(EVIL_NAME), 10.0, 10.0, "gazetteer", 0.5)
    return render(ViewState(site="evil-site"), [EVIL], [(evil_place, 1)])


def test_every_script_and_stylesheet_is_served_locally(seed_page: str) -> None:
    parser = _Assets()
    parser.feed(seed_page)
    assert parser.urls, "the page loads no assets at all"
    for tag, url in parser.urls:
        assert url.startswith("/app/static/"), (tag, url)
    assert {url for _, url in parser.urls} >= {"/app/static/leaflet/leaflet.js", "/app/static/leaflet/leaflet.css"}
    for cdn in ("cdn.jsdelivr.net", "code.jquery.com", "cdnjs.cloudflare.com", "netdna.bootstrapcdn.com"):
        assert cdn not in seed_page


def test_each_site_marker_carries_its_class_and_only_the_selected_one_is_selected(seed_page: str) -> None:
    classes = [value.split() for value in options(seed_page, "className")]
    for site in SITES:
        own = [c for c in classes if f"site-{site.id}" in c]
        assert len(own) == 1, site.id
        assert f"role-{site.role}" in own[0] and "site-marker" in own[0]
        assert ("selected" in own[0]) == (site.id == "gabala-radar")
    assert sum("selected" in c for c in classes) == 1


def test_place_markers_carry_place_marker_and_their_count(seed_page: str) -> None:
    classes = [value.split() for value in options(seed_page, "className")]
    assert sum("place-marker" in c for c in classes) == 1
    assert any("Moscow (place named in the article, 3 mentions" in t for t in tooltips(seed_page))


def test_site_tooltips_name_the_role_and_proposal(seed_page: str) -> None:
    texts = tooltips(seed_page)
    gabala = next(s for s in SITES if s.id == "gabala-radar")
    assert any("(Radar, Russian proposal)" in t and gabala.name.split(",")[0] in t for t in texts)


def test_hostile_site_name_reaches_the_tooltip_only_as_entities(evil_page: str) -> None:
    texts = tooltips(evil_page)
    assert len(texts) == 2  # the site and the article place
    for text in texts:
        for raw in RAW_SEQUENCES:
            assert raw not in text, raw
        assert "&#36;&#123;alert(1)&#125;" in text
        assert "&#96;x&#96;" in text
        assert "&lt;img src=x onerror=alert(1)&gt;" in text
        assert "&#92;1" in text


def test_hostile_site_name_in_alt_and_title_is_json_escaped(evil_page: str) -> None:
    alts, titles = options(evil_page, "alt"), options(evil_page, "title")
    assert alts and titles
    for value in alts + titles:
        assert value.startswith(EVIL_NAME)  # decoded, the reader sees the name as typed
    # In the page source, the markup is JSON-escaped and the backslash doubled, so neither an
    # HTML parser nor the JS string sees a tag or an escape sequence.
    assert "<img" not in evil_page
    assert '"alt": "Evil ${alert(1)} `x` \\u003cimg src=x onerror=alert(1)\\u003e \\\\1' in evil_page


def test_legend_lists_all_five_roles(seed_page: str) -> None:
    match = re.search(r'div\.innerHTML = ("(?:[^"\\]|\\.)*");', seed_page)
    assert match, "no legend"
    legend = json.loads(match.group(1))
    for label in ROLE_LABELS.values():
        assert f"<span>{label}</span>" in legend
    assert len(ROLE_LABELS) == 5


def test_osm_basemap_carries_its_attribution(seed_page: str) -> None:
    attributions = options(seed_page, "attribution")
    assert any("OpenStreetMap" in a and "contributors" in a and "openstreetmap.org/copyright" in a for a in attributions)
    assert "tile.openstreetmap.org" in seed_page


def test_view_centre_and_zoom_reach_the_map() -> None:
    page = render(ViewState(lat=40.5, lon=47.25, zoom=7), [])
    assert re.search(r"center: \[40\.5, 47\.25\]", page)
    assert re.search(r"\"zoom\": 7,", page)
