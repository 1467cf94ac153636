"""Build the offline basemap ``data/basemap/countries.geojson`` from Natural Earth country outlines.

Source: the npm package ``world-atlas`` (pinned below; TopoJSON redistribution of Natural Earth's
Admin 0 countries, https://www.naturalearthdata.com/; the data is public domain, the package is
ISC-licensed). The tarball is fetched with ``npm pack`` into a temporary folder (or read from
``--tarball``), its SHA-512 integrity is checked, and its TopoJSON is decoded to GeoJSON here
(quantized, delta-encoded arcs; reversed arcs as ``~index``; Polygon and MultiPolygon).

Coordinates are rounded to ``--precision`` decimals, rings are rewound to RFC 7946 order
(exterior counter-clockwise, holes clockwise) and each feature keeps only ``name`` and ``id``
(ISO 3166-1 numeric, null where Natural Earth has none). ``--resolution auto`` takes 1:50m when
its output stays under ``--max-bytes``, else 1:110m.

Usage: ``python scripts/build_basemap.py [--tarball PATH] [--resolution auto|110m|50m]
[--precision N] [--max-bytes N] [--out PATH]``.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "basemap" / "countries.geojson"

PACKAGE = "world-atlas"
VERSION = "2.0.2"
#: ``npm view world-atlas@2.0.2 dist.integrity``
INTEGRITY = "sha512-IXfV0qwlKXpckz1FhwXVwKRjiIhOnWttOskm5CtxMsjgE/MXAYRHWJqgXOpM8IkcPBoXnyTU5lFHcYa5ChG0LQ=="
RESOLUTIONS = ("50m", "110m")  # finest first: "auto" takes the first that fits
DEFAULT_MAX_BYTES = 1_500_000
DEFAULT_PRECISION = 3

Position = list[float]
Ring = list[Position]


class TopologyError(ValueError):
    """The TopoJSON is malformed or uses a geometry type this decoder does not handle."""


# --- TopoJSON decoding ---------------------------------------------------------------------------


def decode_arcs(topology: dict[str, Any]) -> list[list[Position]]:
    """Return every arc of ``topology`` as absolute [lon, lat] positions.

    With a ``transform`` the arcs are quantized and delta-encoded: each position after the first
    is an offset from the previous one, and ``x * scale + translate`` gives the coordinate.
    Raises TopologyError when ``arcs`` or ``transform`` is malformed.
    """
    raw_arcs = topology.get("arcs")
    if not isinstance(raw_arcs, list):
        raise TopologyError("topology has no 'arcs' list")
    transform = topology.get("transform")
    if transform is None:
        return [[[float(p[0]), float(p[1])] for p in arc] for arc in raw_arcs]
    try:
        (sx, sy), (tx, ty) = transform["scale"], transform["translate"]
    except (KeyError, TypeError, ValueError) as err:
        raise TopologyError(f"bad transform: {transform!r}") from err
    decoded: list[list[Position]] = []
    for arc in raw_arcs:
        x = y = 0
        points: list[Position] = []
        for dx, dy, *_ in arc:
            x += dx
            y += dy
            points.append([x * sx + tx, y * sy + ty])
        decoded.append(points)
    return decoded


def ring_from_arcs(indices: Sequence[int], arcs: Sequence[Sequence[Position]]) -> Ring:
    """Join the arcs named by ``indices`` into one ring.

    A negative index ``~i`` (that is ``-i - 1``) means arc ``i`` walked backwards. Consecutive arcs
    share their joining position, which is kept once. Raises TopologyError for an unknown arc.
    """
    ring: Ring = []
    for index in indices:
        arc_no = ~index if index < 0 else index
        if not 0 <= arc_no < len(arcs):
            raise TopologyError(f"arc index {index} out of range (have {len(arcs)} arcs)")
        points = list(arcs[arc_no])
        if index < 0:
            points.reverse()
        if ring and points:
            points = points[1:]
        ring.extend([p[0], p[1]] for p in points)
    return ring


def geometry_to_geojson(
    geometry: dict[str, Any], arcs: Sequence[Sequence[Position]]
) -> dict[str, Any] | None:
    """Return the GeoJSON geometry of one TopoJSON Polygon or MultiPolygon (None for a null one).

    Raises TopologyError for any other type.
    """
    kind = geometry.get("type")
    if kind is None:
        return None
    if kind == "Polygon":
        return {"type": "Polygon", "coordinates": [ring_from_arcs(r, arcs) for r in geometry["arcs"]]}
    if kind == "MultiPolygon":
        return {
            "type": "MultiPolygon",
            "coordinates": [[ring_from_arcs(r, arcs) for r in polygon] for polygon in geometry["arcs"]],
        }
    raise TopologyError(f"unsupported TopoJSON geometry type: {kind!r}")


def topology_to_features(topology: dict[str, Any], object_name: str) -> list[dict[str, Any]]:
    """Return the GeoJSON features of the GeometryCollection ``objects[object_name]``.

    Each feature keeps ``properties.name`` and ``properties.id`` (the TopoJSON geometry's ``id``,
    or None). Geometries of type null are skipped. Raises TopologyError when the object is missing
    or not a GeometryCollection.
    """
    if topology.get("type") != "Topology":
        raise TopologyError("not a TopoJSON Topology")
    collection = topology.get("objects", {}).get(object_name)
    if not isinstance(collection, dict) or collection.get("type") != "GeometryCollection":
        raise TopologyError(f"no GeometryCollection named {object_name!r}")
    arcs = decode_arcs(topology)
    features = []
    for geometry in collection.get("geometries", []):
        geojson = geometry_to_geojson(geometry, arcs)
        if geojson is None:
            continue
        properties = geometry.get("properties") or {}
        features.append(
            {
                "type": "Feature",
                "properties": {"name": properties.get("name"), "id": geometry.get("id")},
                "geometry": geojson,
            }
        )
    return features


# --- clean-up for the committed file ------------------------------------------------------------


def signed_area(ring: Ring) -> float:
    """Return the planar (lon/lat) shoelace area of a closed ring: positive when counter-clockwise."""
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:])) / 2.0


def tidy_ring(ring: Ring, precision: int, exterior: bool) -> Ring | None:
    """Return ``ring`` rounded, clamped to the globe, closed, without repeated positions, wound as
    RFC 7946 asks (exterior counter-clockwise, hole clockwise); None when fewer than 4 positions
    remain."""
    out: Ring = []
    for lon, lat in ring:
        point = [round(min(180.0, max(-180.0, lon)), precision), round(min(90.0, max(-90.0, lat)), precision)]
        if not out or point != out[-1]:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    if len(out) < 4:
        return None
    area = signed_area(out)
    if area == 0:
        return None
    if (area > 0) != exterior:
        out.reverse()
    return out


def tidy_polygon(rings: list[Ring], precision: int) -> list[Ring] | None:
    """Return a polygon's tidied rings; None when its exterior ring collapses."""
    exterior = tidy_ring(rings[0], precision, exterior=True) if rings else None
    if exterior is None:
        return None
    holes = [h for h in (tidy_ring(r, precision, exterior=False) for r in rings[1:]) if h is not None]
    return [exterior, *holes]


def tidy_feature(feature: dict[str, Any], precision: int) -> dict[str, Any] | None:
    """Return ``feature`` with tidied geometry (a MultiPolygon of one part becomes a Polygon);
    None when nothing is left."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    kept = [p for p in (tidy_polygon(rings, precision) for rings in polygons) if p is not None]
    if not kept:
        return None
    if len(kept) == 1:
        tidy = {"type": "Polygon", "coordinates": kept[0]}
    else:
        tidy = {"type": "MultiPolygon", "coordinates": kept}
    return {**feature, "geometry": tidy}


def unwrap(ring: Ring) -> Ring:
    """Return ``ring`` with longitudes shifted by multiples of 360 so that no edge spans more than
    180 degrees (a ring drawn across the antimeridian becomes one continuous shape)."""
    out: Ring = []
    offset = 0.0
    for lon, lat in ring:
        x = lon + offset
        if out:
            while x - out[-1][0] > 180:
                x -= 360
                offset -= 360
            while x - out[-1][0] < -180:
                x += 360
                offset += 360
        out.append([x, lat])
    return out


def circles_pole(ring: Ring) -> bool:
    """Return True when the ring goes once round the globe (Antarctica): unwrapped it does not
    close. Such a ring is already right for a flat map, its 180/-180 jump following a parallel."""
    unwrapped = unwrap(ring)
    return abs(unwrapped[-1][0] - unwrapped[0][0]) > 1e-9


def wraps_antimeridian(ring: Ring) -> bool:
    """Return True when the ring, made continuous, reaches past longitude 180 or -180: Leaflet would
    draw it as a band across the whole map. Rings going round a pole do not count."""
    if circles_pole(ring):
        return False
    xs = [x for x, _ in unwrap(ring)]
    return max(xs) > 180 + 1e-9 or min(xs) < -180 - 1e-9


def _clip(ring: Ring, bound: float, keep_below: bool) -> Ring:
    """Return the closed ring clipped to x <= bound (or x >= bound): one Sutherland-Hodgman pass."""
    def inside(p: Position) -> bool:
        return p[0] <= bound if keep_below else p[0] >= bound

    points = ring[:-1] if ring and ring[0] == ring[-1] else ring
    out: Ring = []
    for i, cur in enumerate(points):
        prev = points[i - 1]
        if inside(cur) != inside(prev):
            t = (bound - prev[0]) / (cur[0] - prev[0])
            out.append([bound, prev[1] + t * (cur[1] - prev[1])])
        if inside(cur):
            out.append(list(cur))
    if out:
        out.append(list(out[0]))
    return out


def split_polygon(rings: list[Ring]) -> list[list[Ring]]:
    """Return the polygon as one or more polygons that each stay within [-180, 180].

    A polygon whose exterior ring wraps across the antimeridian is made continuous, cut into the
    360-degree windows it touches and each piece shifted back; its holes follow the exterior.
    """
    if not rings or not wraps_antimeridian(rings[0]):
        return [rings]
    exterior = unwrap(rings[0])
    centre = (min(x for x, _ in exterior) + max(x for x, _ in exterior)) / 2
    holes = []
    for hole in rings[1:]:
        h = unwrap(hole)
        shift = 360 * round((centre - h[0][0]) / 360)
        holes.append([[x + shift, y] for x, y in h])
    lo = int((min(x for x, _ in exterior) + 180) // 360)
    hi = int((max(x for x, _ in exterior) + 180) // 360)
    pieces = []
    for k in range(lo, hi + 1):
        west, east = -180 + 360 * k, 180 + 360 * k
        clipped = []
        for ring in [exterior, *holes]:
            part = _clip(_clip(ring, east, keep_below=True), west, keep_below=False)
            clipped.append([[x - 360 * k, y] for x, y in part])
        if len(clipped[0]) >= 4:
            pieces.append([clipped[0], *(h for h in clipped[1:] if len(h) >= 4)])
    return pieces


def split_feature(feature: dict[str, Any]) -> dict[str, Any]:
    """Return ``feature`` as a MultiPolygon with every polygon that wraps the antimeridian split."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    split = [piece for rings in polygons for piece in split_polygon(rings)]
    return {**feature, "geometry": {"type": "MultiPolygon", "coordinates": split}}


def feature_wraps(feature: dict[str, Any]) -> bool:
    """Return True when any ring of the feature wraps across the antimeridian."""
    geometry = feature["geometry"]
    polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return any(wraps_antimeridian(ring) for rings in polygons for ring in rings)


def build_collection(topology: dict[str, Any], precision: int) -> dict[str, Any]:
    """Return the tidied FeatureCollection of the topology's ``countries``, with polygons that
    wrap across the antimeridian (Natural Earth's Fiji and eastern Russia) split there.

    Raises TopologyError when a split leaves a ring that still wraps (a bug, not bad data).
    """
    features = []
    for feature in topology_to_features(topology, "countries"):
        if feature_wraps(feature):
            print(f"split at the antimeridian: {feature['properties']['name']}", file=sys.stderr)
            feature = split_feature(feature)
        tidy = tidy_feature(feature, precision)
        if tidy is None:
            print(f"dropped (collapsed): {feature['properties']['name']}", file=sys.stderr)
            continue
        if feature_wraps(tidy):
            raise TopologyError(f"{tidy['properties']['name']} still wraps across the antimeridian")
        features.append(tidy)
    return {"type": "FeatureCollection", "features": features}


def serialize(collection: dict[str, Any]) -> bytes:
    """Return compact UTF-8 JSON for the committed file (one feature a line, for readable diffs)."""
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in collection["features"]]
    return ('{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n").encode("utf-8")


# --- fetching the package -----------------------------------------------------------------------


def integrity_of(path: Path) -> str:
    """Return the npm-style ``sha512-<base64>`` integrity string of a file."""
    return "sha512-" + base64.b64encode(hashlib.sha512(path.read_bytes()).digest()).decode("ascii")


def npm_pack(dest: Path) -> Path:
    """Fetch the pinned tarball with ``npm pack`` into ``dest``; return its path.

    Raises RuntimeError when npm is missing or fails.
    """
    spec = f"{PACKAGE}@{VERSION}"
    try:
        result = subprocess.run(
            ["npm", "pack", spec, "--json", "--pack-destination", str(dest)],
            cwd=dest,
            check=True,
            capture_output=True,
            text=True,
        )
    except FileNotFoundError as err:
        raise RuntimeError("npm is not installed: install Node.js/npm or pass --tarball") from err
    except subprocess.CalledProcessError as err:
        raise RuntimeError(f"npm pack {spec} failed: {err.stderr.strip()}") from err
    filename = json.loads(result.stdout)[0]["filename"]
    return dest / filename


def read_topology(tarball: Path, resolution: str) -> dict[str, Any]:
    """Return the parsed ``countries-<resolution>.json`` from the package tarball."""
    with tarfile.open(tarball, "r:gz") as archive:
        member = archive.extractfile(f"package/countries-{resolution}.json")
        if member is None:
            raise TopologyError(f"countries-{resolution}.json is not a file in {tarball}")
        return json.load(member)


def choose(tarball: Path, resolution: str, precision: int, max_bytes: int) -> tuple[str, bytes, int]:
    """Return (resolution, file bytes, feature count): the one asked for, or with ``auto`` the
    finest whose file is at most ``max_bytes``."""
    candidates = RESOLUTIONS if resolution == "auto" else (resolution,)
    for res in candidates:
        collection = build_collection(read_topology(tarball, res), precision)
        data = serialize(collection)
        print(f"{res}: {len(collection['features'])} features, {len(data):,} bytes", file=sys.stderr)
        if resolution != "auto" or len(data) <= max_bytes or res == candidates[-1]:
            return res, data, len(collection["features"])
    raise AssertionError("unreachable")


def main(argv: Sequence[str] | None = None) -> int:
    """Build the basemap; return the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tarball", type=Path, help=f"an already downloaded {PACKAGE}-{VERSION}.tgz")
    parser.add_argument("--resolution", choices=("auto", *RESOLUTIONS), default="auto")
    parser.add_argument("--precision", type=int, default=DEFAULT_PRECISION, help="decimals kept")
    parser.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help="size limit for auto")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="basemap-") as tmp:
        tarball = args.tarball or npm_pack(Path(tmp))
        found = integrity_of(tarball)
        if found != INTEGRITY:
            print(f"{tarball}: integrity {found} is not {PACKAGE}@{VERSION}'s {INTEGRITY}", file=sys.stderr)
            return 1
        resolution, data, count = choose(tarball, args.resolution, args.precision, args.max_bytes)

    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    source = f"{PACKAGE}@{VERSION} countries-{resolution}"
    print(f"wrote {args.out} ({source}, {count} features, {len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
