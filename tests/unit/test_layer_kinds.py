"""The registry of overlay layer kinds (dashboard.core.render.layerkinds): a topic opts in to a
kind, and a kind added to the registry is drawn, exported and noted without a change to the
composer or the exports."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import Article
from dashboard.core.render import layerkinds
from dashboard.core.render.compose import compose_map, draw_groups
from dashboard.core.render.export import InlineAssets, sites_geojson, standalone_html
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.layerkinds import OVERLAY_KINDS, OverlayDrawing, OverlayKind, OverlayScene
from dashboard.core.render.legend import LegendEntry
from dashboard.core.render.paths import PathSpec
from dashboard.core.topics.catalogue import load_catalogue
from dashboard.core.view.layers import LAYER_KINDS, TOPIC_LAYER_IDS, layer_kind
from dashboard.core.view.state import ViewState
from tests.topic_fixture import INVENTED_ARTICLE_TEXT, LAYERED_TOPIC_TOML, NO_LAYERS_TOPIC_TOML, write_topic

FAKE_ASSETS = InlineAssets(js=(("leaflet", "/* leaflet */"),), css=(("leaflet_css", "/* css */"),))
EVERY_LAYER = ViewState(layers=tuple(kind.id for kind in LAYER_KINDS if kind.on_map))
DAY = dt.date(2001, 6, 1)
ARTICLE = Article(id="invented-article", title="Radar and depot", date=DAY, text=INVENTED_ARTICLE_TEXT)
OVERLAY_LEGEND_KINDS = {"ring", "no-figure", "line"}
ATLAS_LINK = '<a href="https://example.org/atlas" rel="noopener noreferrer">Invented Ministry, Atlas (2001)</a> [T1]'
#: The export notes' rings and lines sections for the invented topic, as the export wrote them
#: before the layer kinds became a registry (a characterization: keep them byte for byte).
OVERLAY_NOTES = (
    "<h2>Published ranges</h2>\n"
    f"<ul><li>North radar – detection: 500 km (approximate, public sources): {ATLAS_LINK}</li>"
    "<li>South depot – reach: no public figure (approximate, public sources): Invented Wire, Report (2001-05-02) [T2]</li></ul>\n"
    "<h2>Reference points</h2>\n"
    f"<ul><li>Capital (10.0, 20.0): {ATLAS_LINK}</li></ul>\n"
    "<h2>Events up to 1 Jun 2001</h2>"
)


def invented_geography(root: Path, toml: str) -> ArticleGeography:
    write_topic(root, "invented", **{"topic.toml": toml})
    geo = build_geography(ARTICLE, [], load_catalogue(root))
    assert {site.id for site in geo.sites} == {"invented-north-radar", "invented-south-depot"}
    return geo


@pytest.fixture
def offering(tmp_path: Path) -> ArticleGeography:
    return invented_geography(tmp_path, LAYERED_TOPIC_TOML)


@pytest.fixture
def offering_none(tmp_path: Path) -> ArticleGeography:
    assert "[layers" not in NO_LAYERS_TOPIC_TOML and "[comparison]" in NO_LAYERS_TOPIC_TOML
    return invented_geography(tmp_path, NO_LAYERS_TOPIC_TOML)


def test_every_overlay_kind_is_a_map_layer_a_topic_may_offer() -> None:
    ids = [kind.id for kind in OVERLAY_KINDS]
    assert ids == ["rings", "lines"] and len(set(ids)) == len(ids)
    for kind in OVERLAY_KINDS:
        assert layer_kind(kind.id).on_map and kind.id in TOPIC_LAYER_IDS


# --- the opt-in: a topic that offers no layer ----------------------------------------------------


def test_a_topic_that_offers_its_layers_gets_rings_and_lines_everywhere(offering: ArticleGeography) -> None:
    """The control for the test below: the same topic with its ``[layers]`` draws them."""
    assert [kind.id for kind in offering.switchable_layers()] == ["places", "rings", "lines"]
    plan = compose_map(offering, EVERY_LAYER, DAY)
    assert [group.layer for group in plan.groups if group.layer] == ["rings", "lines"]
    assert OVERLAY_LEGEND_KINDS <= {entry.kind for entry in plan.legend}
    features = sites_geojson(offering, view=EVERY_LAYER, day=DAY)["features"]
    assert {f["properties"]["kind"] for f in features} == {"site", "ring", "line"}
    page = standalone_html(offering, EVERY_LAYER, DAY, None, assets=FAKE_ASSETS)
    assert OVERLAY_NOTES in page
    assert layer_kind("rings").label in page and layer_kind("lines").label in page


def test_a_topic_that_offers_no_layer_shows_no_rings_or_lines(offering_none: ArticleGeography) -> None:
    geo = offering_none
    assert geo.ranges and geo.topics[0].layers == ()  # the data is there; the topic did not opt in
    assert [kind.id for kind in geo.switchable_layers()] == ["places"]  # the sidebar's toggles
    plan = compose_map(geo, EVERY_LAYER, DAY)  # a link that asks for every layer
    assert [group.layer for group in plan.groups if group.layer] == []
    assert all(not group.paths for group in plan.groups)
    assert not OVERLAY_LEGEND_KINDS & {entry.kind for entry in plan.legend}
    assert {m.key for g in plan.groups for m in g.markers} >= {"invented-north-radar", "invented-south-depot"}
    listed = [group.layer_name for group in draw_groups(plan) if group.control]
    assert not [name for name in listed if "ring" in name.lower() or "lines" in name.lower()]
    features = sites_geojson(geo, view=EVERY_LAYER, day=DAY)["features"]
    assert {f["properties"]["kind"] for f in features} == {"site"}
    page = standalone_html(geo, EVERY_LAYER, DAY, None, assets=FAKE_ASSETS)
    assert "site-invented-north-radar" in page
    for absent in ("Published ranges", "Reference points", "range-ring", "reference-line", "Lines to",
                   layer_kind("rings").label, layer_kind("lines").label):
        assert absent not in page, absent


# --- a new kind in the registry: drawn, exported and noted without touching compose/export -----


def _draw_corridors(scene: OverlayScene) -> OverlayDrawing:
    site = scene.sites[0]
    corridor = PathSpec("line", ((site.lat, site.lon), (site.lat + 1.0, site.lon + 1.0)),
                        {"className": "corridor"}, "A corridor &amp; its width", site=site.id)
    label = PathSpec("label", ((site.lat, site.lon),), {"className": "corridor-label"}, label="C1")
    return OverlayDrawing((GroupPlan("Corridors (invented)", paths=(corridor, label)),),
                          (LegendEntry("Corridors", "<svg></svg>", "An invented corridor", "corridor"),))


def _corridor_notes(scene: OverlayScene) -> tuple[str, ...]:
    return ("<h2>Corridors</h2>", f"<ul><li>{len(scene.sites)} sites</li></ul>")


CORRIDORS = OverlayKind("corridors", "corridor", draw=_draw_corridors, notes=_corridor_notes)
WITH_CORRIDORS = ViewState(layers=(*EVERY_LAYER.layers, "corridors"))


def offering_corridors(geo: ArticleGeography) -> ArticleGeography:
    topics = tuple(dataclasses.replace(topic, layers=(*topic.layers, "corridors")) for topic in geo.topics)
    return dataclasses.replace(geo, topics=topics)


def test_a_kind_added_to_the_registry_is_drawn_exported_and_noted(offering: ArticleGeography,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layerkinds, "OVERLAY_KINDS", (*OVERLAY_KINDS, CORRIDORS))
    geo = offering_corridors(offering)
    plan = compose_map(geo, WITH_CORRIDORS, DAY)
    assert [group.layer for group in plan.groups if group.layer] == ["rings", "lines", "corridors"]
    corridors = plan.groups[-1]
    assert corridors.name == "Corridors (invented)" and len(corridors.paths) == 2  # the registry set .layer
    assert plan.legend[-1].kind == "corridor"
    features = [f for f in sites_geojson(geo, view=WITH_CORRIDORS, day=DAY)["features"]
                if f["properties"]["kind"] == "corridor"]
    assert len(features) == 1  # the line, not its label
    assert features[0]["properties"] == {"kind": "corridor", "shape": "line", "site": geo.sites[0].id,
                                         "text": "A corridor & its width"}
    assert features[0]["geometry"]["type"] == "LineString"
    page = standalone_html(geo, WITH_CORRIDORS, DAY, None, assets=FAKE_ASSETS)
    notes = page[page.index('class="export-notes"'):]
    assert notes.index("<h2>Published ranges</h2>") < notes.index("<h2>Corridors</h2>") < notes.index("Events up to")
    assert "<li>2 sites</li>" in notes


def test_a_registered_kind_is_drawn_only_for_a_topic_that_offers_it(offering: ArticleGeography,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(layerkinds, "OVERLAY_KINDS", (*OVERLAY_KINDS, CORRIDORS))
    plan = compose_map(offering, WITH_CORRIDORS, DAY)  # the topic does not offer corridors
    assert "corridors" not in {group.layer for group in plan.groups}
    assert "corridor" not in {f["properties"]["kind"] for f in sites_geojson(offering, view=WITH_CORRIDORS)["features"]}
    off = compose_map(offering_corridors(offering), EVERY_LAYER, DAY)  # offered, but the view has it off
    assert "corridors" not in {group.layer for group in off.groups}
