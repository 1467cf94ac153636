"""Distances and bearings between a topic's sites and to its reference point (WGS-84 geodesics)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from dashboard.core.geometry import distance_table
from dashboard.core.topics.model import ReferencePoint, Site


@dataclass(frozen=True)
class DistanceRow:
    """One leg of the distance table: geodesic length in km and initial bearing in degrees.

    ``kind`` is ``"to-reference"`` (a site to the reference point) or ``"between-sites"``.
    """

    kind: str
    from_id: str
    from_name: str
    to_id: str
    to_name: str
    km: float
    bearing_deg: float


def distance_rows(sites: Sequence[Site], reference: ReferencePoint) -> list[DistanceRow]:
    """Return the distance table: each site to ``reference``, then every pair of sites.

    Site-to-reference rows come first, in the sites' order; sites in the reference's own
    country (Iran's country point, for Tehran) are left out of them. Pair rows follow for
    each unordered pair in the sites' order (``from`` is the earlier site). Raises ValueError
    for a site with coordinates out of range or a duplicated site id.
    """
    ids = [site.id for site in sites]
    if len(set(ids)) != len(ids) or reference.id in ids:
        raise ValueError("site ids must be unique and differ from the reference's id")
    names = {site.id: site.name for site in sites} | {reference.id: reference.name}
    points = {site.id: (site.lat, site.lon) for site in sites}
    measured = [s.id for s in sites if s.country != reference.country]
    to_reference = distance_table(
        {**{pid: points[pid] for pid in measured}, reference.id: reference.point}, reference=reference.id
    )
    pairs = [(a, b) for i, a in enumerate(ids) for b in ids[i + 1:]]
    between = distance_table(points, pairs=pairs) if pairs else []
    return [
        DistanceRow(kind, leg.from_id, names[leg.from_id], leg.to_id, names[leg.to_id], leg.km, leg.bearing_deg)
        for kind, legs in (("to-reference", to_reference), ("between-sites", between))
        for leg in legs
    ]
