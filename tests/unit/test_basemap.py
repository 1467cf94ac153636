"""The offline basemap: the committed GeoJSON, its loader and Folium layer, and the TopoJSON
decoder of scripts/build_basemap.py (on hand-written topologies)."""
from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import folium
import pytest

from dashboard.core.render.basemap import (
    BASEMAP_LAYER_NAME,
    DEFAULT_BASEMAP_PATH,
    SERVED_BASEMAP_URL,
    BasemapError,
    ServedBasemapLayer,
    basemap_layer,
    load_basemap,
)
from dashboard.services.static_assets import ensure_static_assets

ROOT = Path(__file__).resolve().parents[2]


def _script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_basemap", ROOT / "scripts" / "build_basemap.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_basemap", module)
    spec.loader.exec_module(module)
    return module


build = _script()


def polygons(feature: dict) -> list[list[list[list[float]]]]:
    geometry = feature["geometry"]
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def rings(feature: dict) -> Iterator[list[list[float]]]:
    for polygon in polygons(feature):
        yield from polygon


def inside_ring(lon: float, lat: float, ring: list[list[float]]) -> bool:
    """Ray casting: does a ray from the point towards +lon cross the ring an odd number of times?"""
    crossings = 0
    for (x0, y0), (x1, y1) in zip(ring, ring[1:]):
        if (y0 > lat) != (y1 > lat) and lon < x0 + (lat - y0) * (x1 - x0) / (y1 - y0):
            crossings += 1
    return crossings % 2 == 1


def inside_feature(lon: float, lat: float, feature: dict) -> bool:
    return any(
        inside_ring(lon, lat, polygon[0]) and not any(inside_ring(lon, lat, hole) for hole in polygon[1:])
        for polygon in polygons(feature)
    )


@pytest.fixture(scope="module")
def basemap() -> dict:
    return load_basemap()


@pytest.fixture(scope="module")
def by_name(basemap: dict) -> dict[str, dict]:
    return {f["properties"]["name"]: f for f in basemap["features"]}


# --- the committed file ---------------------------------------------------------------------------


def test_file_parses_as_a_feature_collection_of_countries(basemap: dict) -> None:
    raw = json.loads(DEFAULT_BASEMAP_PATH.read_text(encoding="utf-8"))
    assert raw == basemap
    assert basemap["type"] == "FeatureCollection"
    assert len(basemap["features"]) >= 170
    for feature in basemap["features"]:
        assert feature["type"] == "Feature"
        assert set(feature["properties"]) == {"name", "id"}
        assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_names_the_countries_of_the_story(by_name: dict[str, dict]) -> None:
    assert {"Azerbaijan", "Poland", "Iran", "Russia"} <= set(by_name)
    assert "Czechia" in by_name or "Czech Rep." in by_name
    assert by_name["Poland"]["properties"]["id"] == "616"


def test_every_ring_is_closed_and_within_the_globe(basemap: dict) -> None:
    for feature in basemap["features"]:
        for ring in rings(feature):
            assert len(ring) >= 4, feature["properties"]["name"]
            assert ring[0] == ring[-1], feature["properties"]["name"]
            for lon, lat in ring:
                assert -180 <= lon <= 180 and -90 <= lat <= 90, feature["properties"]["name"]


def test_no_polygon_wraps_across_the_antimeridian(basemap: dict, by_name: dict[str, dict]) -> None:
    for feature in basemap["features"]:
        assert not build.feature_wraps(feature), feature["properties"]["name"]
    # Fiji and Russia have pieces on both sides of the antimeridian, each drawn on its own side.
    for name in ("Fiji", "Russia"):
        lons = [[x for x, _ in polygon[0]] for polygon in polygons(by_name[name])]
        assert any(min(xs) < -179 for xs in lons) and any(max(xs) > 179 for xs in lons)
        assert all(max(xs) - min(xs) < 180 for xs in lons)


def test_warsaw_is_in_poland_and_not_in_its_neighbours(by_name: dict[str, dict]) -> None:
    warsaw = (21.01, 52.23)
    assert inside_feature(*warsaw, by_name["Poland"])
    for other in ("Germany", "Belarus", "Russia", "Azerbaijan"):
        assert not inside_feature(*warsaw, by_name[other])
    assert inside_feature(47.85, 40.87, by_name["Azerbaijan"])  # Gabala radar
    assert inside_feature(51.39, 35.69, by_name["Iran"])  # Tehran


def test_rings_follow_rfc7946_winding(basemap: dict) -> None:
    for feature in basemap["features"]:
        for polygon in polygons(feature):
            assert build.signed_area(polygon[0]) > 0
            assert all(build.signed_area(hole) < 0 for hole in polygon[1:])


# --- loader ---------------------------------------------------------------------------------------


def test_load_basemap_is_cached() -> None:
    assert load_basemap() is load_basemap(DEFAULT_BASEMAP_PATH)


def test_load_basemap_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BasemapError, match="not found.*build_basemap"):
        load_basemap(tmp_path / "nowhere.geojson")


@pytest.mark.parametrize(
    "text",
    ["{not json", "[]", '{"type": "Feature"}', '{"type": "FeatureCollection", "features": []}'],
)
def test_load_basemap_corrupt_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "bad.geojson"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BasemapError, match="offline basemap"):
        load_basemap(path)


# --- Folium layer ---------------------------------------------------------------------------------


def test_layer_renders_into_the_map_html(basemap: dict) -> None:
    fmap = folium.Map(tiles=None)
    layer = basemap_layer(basemap)
    layer.add_to(fmap)
    html = fmap.get_root().render()
    assert layer.layer_name == BASEMAP_LAYER_NAME
    assert f"{layer.get_name()}_add(" in html
    assert '"Azerbaijan"' in html and '"Poland"' in html
    assert '"interactive": false' in html
    assert '"pane": "tilePane"' in html
    assert '"fillColor": "#f2efe9"' in html
    for absent in ("bindTooltip", "bindPopup"):
        assert absent not in html


def test_layer_does_not_change_the_shared_geojson(basemap: dict) -> None:
    before = json.dumps(basemap, sort_keys=True)
    fmap = folium.Map(tiles=None)
    basemap_layer(basemap).add_to(fmap)
    folium.LayerControl().add_to(fmap)
    html = fmap.get_root().render()
    assert json.dumps(basemap, sort_keys=True) == before
    assert BASEMAP_LAYER_NAME in html


def test_the_served_layer_fetches_the_file_instead_of_embedding_it(basemap: dict) -> None:
    fmap = folium.Map(tiles=None)
    layer = ServedBasemapLayer(SERVED_BASEMAP_URL)
    layer.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    html = fmap.get_root().render()
    assert f'fetch("{SERVED_BASEMAP_URL}")' in html and f"{layer.get_name()}.addData(data)" in html
    assert f"{layer.get_name()}.addTo(" in html
    assert '"Azerbaijan"' not in html and len(html) < 20_000
    for option in ('"interactive": false', '"pane": "tilePane"', '"fillColor": "#f2efe9"'):
        assert option in html
    assert BASEMAP_LAYER_NAME in html  # listed in the layer control


def test_the_served_url_is_a_copy_of_the_committed_basemap(tmp_path: Path) -> None:
    static = ensure_static_assets(tmp_path / "static")
    served = static / SERVED_BASEMAP_URL.removeprefix("/app/static/")
    assert served.read_bytes() == DEFAULT_BASEMAP_PATH.read_bytes()


# --- TopoJSON decoder -----------------------------------------------------------------------------

# Two unit squares side by side sharing the arc x=1 (arc 1, walked backwards by B), and a square
# with a hole as a MultiPolygon. Quantized with scale 1 and translate (10, 20), delta-encoded.
TINY_TOPOLOGY = {
    "type": "Topology",
    "transform": {"scale": [1, 1], "translate": [10, 20]},
    "arcs": [
        [[1, 0], [-1, 0], [0, 1], [1, 0]],  # (11,20) (10,20) (10,21) (11,21)
        [[1, 1], [0, -1]],  # (11,21) (11,20)
        [[1, 1], [1, 0], [0, -1], [-1, 0]],  # (11,21) (12,21) (12,20) (11,20)
        [[20, 0], [4, 0], [0, 4], [-4, 0], [0, -4]],  # (30,20) (34,20) (34,24) (30,24) (30,20)
        [[21, 1], [0, 1], [1, 0], [0, -1], [-1, 0]],  # (31,21) (31,22) (32,22) (32,21) (31,21)
    ],
    "objects": {
        "countries": {
            "type": "GeometryCollection",
            "geometries": [
                {"type": "Polygon", "arcs": [[0, 1]], "id": "001", "properties": {"name": "A", "pop": 5}},
                {"type": "Polygon", "arcs": [[2, -2]], "properties": {"name": "B"}},
                {"type": "MultiPolygon", "arcs": [[[3], [4]]], "id": "003", "properties": {"name": "C"}},
                {"type": None, "properties": {"name": "Nowhere"}},
            ],
        }
    },
}


def test_decode_arcs_undoes_quantization_and_delta_encoding() -> None:
    arcs = build.decode_arcs(TINY_TOPOLOGY)
    assert arcs[0] == [[11, 20], [10, 20], [10, 21], [11, 21]]
    assert arcs[2] == [[11, 21], [12, 21], [12, 20], [11, 20]]


def test_decode_arcs_without_transform_keeps_positions() -> None:
    assert build.decode_arcs({"arcs": [[[1.5, 2.5], [3.0, 4.0]]]}) == [[[1.5, 2.5], [3.0, 4.0]]]


def test_ring_joins_arcs_and_reverses_negative_indices() -> None:
    arcs = build.decode_arcs(TINY_TOPOLOGY)
    assert build.ring_from_arcs([0, 1], arcs) == [[11, 20], [10, 20], [10, 21], [11, 21], [11, 20]]
    # ~1 == -2: arc 1 backwards, (11,20) -> (11,21); each shared joint appears once.
    assert build.ring_from_arcs([2, -2], arcs) == [[11, 21], [12, 21], [12, 20], [11, 20], [11, 21]]
    with pytest.raises(build.TopologyError):
        build.ring_from_arcs([7], arcs)


def test_topology_to_features() -> None:
    features = build.topology_to_features(TINY_TOPOLOGY, "countries")
    assert [f["properties"] for f in features] == [
        {"name": "A", "id": "001"},
        {"name": "B", "id": None},
        {"name": "C", "id": "003"},
    ]
    assert features[0]["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[11, 20], [10, 20], [10, 21], [11, 21], [11, 20]]],
    }
    multi = features[2]["geometry"]
    assert multi["type"] == "MultiPolygon"
    assert multi["coordinates"][0][0] == [[30, 20], [34, 20], [34, 24], [30, 24], [30, 20]]
    assert multi["coordinates"][0][1] == [[31, 21], [31, 22], [32, 22], [32, 21], [31, 21]]
    assert inside_feature(10.5, 20.5, features[0]) and not inside_feature(11.5, 20.5, features[0])
    assert inside_feature(11.5, 20.5, features[1])
    assert inside_feature(33, 23, features[2]) and not inside_feature(31.5, 21.5, features[2])


def test_topology_errors() -> None:
    with pytest.raises(build.TopologyError):
        build.topology_to_features({"type": "FeatureCollection"}, "countries")
    with pytest.raises(build.TopologyError):
        build.topology_to_features(TINY_TOPOLOGY, "land")
    points = {"type": "GeometryCollection", "geometries": [{"type": "Point", "coordinates": [0, 0]}]}
    point = {**TINY_TOPOLOGY, "objects": {"countries": points}}
    with pytest.raises(build.TopologyError, match="Point"):
        build.topology_to_features(point, "countries")


def test_tidy_rounds_closes_and_rewinds() -> None:
    clockwise = [[0.0001, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 0.0], [0.0, 0.0]]  # closed only once rounded
    ring = build.tidy_ring(clockwise, precision=3, exterior=True)
    assert ring == [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0], [0.0, 0.0]]
    assert build.tidy_ring([[0, 0], [0.0001, 0], [0, 0.0001], [0, 0]], precision=3, exterior=True) is None


def test_split_polygon_across_the_antimeridian() -> None:
    # An island from 179E to 179W written the way Natural Earth writes Fiji: it jumps 180 -> -180.
    island = [
        [179.0, -16.0], [180.0, -16.0], [-180.0, -16.0], [-179.0, -16.0],
        [-179.0, -17.0], [179.0, -17.0], [179.0, -16.0],
    ]
    assert build.wraps_antimeridian(island)
    pieces = build.split_polygon([island])
    assert len(pieces) == 2
    spans = sorted((min(x for x, _ in p[0]), max(x for x, _ in p[0])) for p in pieces)
    assert spans == [(-180.0, -179.0), (179.0, 180.0)]
    assert not any(build.wraps_antimeridian(p[0]) for p in pieces)
    # A ring round the pole (Antarctica) is left alone.
    polar = [[-180.0, -80.0], [0.0, -70.0], [180.0, -80.0], [-180.0, -80.0]]
    assert not build.wraps_antimeridian(polar)
    assert build.split_polygon([polar]) == [[polar]]
