"""The one composer: "the map for this article, view and day", used by the app, the HTML export
and the tests.

:func:`compose_map` is pure and returns a :class:`MapPlan` of plain values (groups of markers and
shapes with their texts escaped, legend entries, the frame to fit, notes, the place cap and
clusters), so one plan can be cached and shared by every reader of the same link.
:func:`draw_groups` turns a plan into Folium feature groups (cheap: one element per group).
"""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

import folium

from dashboard.core import format as fmt
from dashboard.core.escape import for_html, for_js_string
from dashboard.core.geography import (
    MAX_PLACE_MARKERS,
    ArticleGeography,
    PlaceCluster,
    PlaceGroup,
    PlaceMarkers,
    place_markers,
    visible_places,
    visible_sites,
)
from dashboard.core.render.focus import MAX_FRAME_ZOOM, Bounds, SITE_WEIGHT, SPECIFIC_FEATURES, FocusPoint, choose_focus
from dashboard.core.render.groups import GroupPlan
from dashboard.core.render.layerkinds import OverlayScene, draw_overlays
from dashboard.core.render.legend import FrameView, InsetMap, LegendControl, LegendEntry
from dashboard.core.render.markers import (
    LOOK_LABELS,
    PLACE_SIZE,
    SELECTED_SIZE,
    SITE_SIZE,
    STATUS_LOOKS,
    MarkerLayer,
    MarkerSpec,
    marker_svg,
)
from dashboard.core.render.paths import PathLayer
from dashboard.core.topics.catalogue import PLACE_ROLE
from dashboard.core.topics.model import Role, Site
from dashboard.core.topics.timeline import status_map, status_text
from dashboard.core.view.state import ViewState

PLACES_GROUP = "Other places in the article"
NOT_NAMED_GROUP = "The story's other sites (not named in this article)"
#: Which labels the map keeps when they collide (highest first): the selected marker's, the
#: sites', then places named at least ``LABELLED_PLACE_MENTIONS`` times, by how often.
SELECTED_LABEL_RANK, SITE_LABEL_RANK, LABELLED_PLACE_MENTIONS = 1_000_000, 10_000, 2
CLICK_TOLERANCE_DEG = 1e-5


@dataclass(frozen=True)
class MapPlan:
    """Everything drawn for one article, view and day (plain values; cacheable).

    ``frame`` is the story's focus (``core/render/focus``), which the map fits at most at
    ``max_zoom``; ``overview`` is the extent of the overview (inset) map, None when the frame
    holds every point. ``selected`` is the selected marker's key (the map zooms to it)."""

    groups: tuple[GroupPlan, ...]
    legend: tuple[LegendEntry, ...]
    frame: Bounds | None
    frame_key: str
    places: PlaceMarkers
    notes: tuple[str, ...]
    sites_shown: int
    sites_total: int
    overview: Bounds | None = None
    max_zoom: int = MAX_FRAME_ZOOM
    selected: str = ""

    @cached_property
    def digest(self) -> str:
        """A digest of everything drawn (equal plans draw the same map): a cache key."""
        return hashlib.sha256(repr(self).encode()).hexdigest()

    def key_at(self, lat: float, lon: float) -> str | None:
        """What a click at (lat, lon) selects: the marker drawn exactly there (site id or place key)."""
        for group in self.groups:
            for marker in group.markers:
                if marker.key and abs(marker.lat - lat) < CLICK_TOLERANCE_DEG and abs(marker.lon - lon) < CLICK_TOLERANCE_DEG:
                    return marker.key
        return None


def roles_of(geo: ArticleGeography) -> dict[str, Role]:
    """The roles the article's topics declare, and the places' role."""
    roles = {role.id: role for topic in geo.topics for role in topic.roles}
    roles[PLACE_ROLE.id] = PLACE_ROLE
    return roles


def frame_key(geo: ArticleGeography, view: ViewState) -> str:
    """Changes when the article or the filters change (then the map refits), not otherwise."""
    text = repr((geo.article.id, view.categories, view.roles, view.layers, view.uncertain, view.hidden))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def compose_map(geo: ArticleGeography, view: ViewState, day: dt.date | None) -> MapPlan:
    """The map for ``geo`` as ``view`` shows it on ``day`` (sites styled by their status then).

    Raises ValueError from the geometry for a range it cannot draw.
    """
    roles = roles_of(geo)
    sites = visible_sites(geo, view)
    statuses = status_map(geo.events, [s.id for s in sites], day) if day and geo.offers("timeline") else {}
    groups: list[GroupPlan] = []
    labels = {category.id: category.label for topic in geo.topics for category in topic.categories}
    for topic in geo.topics:
        for category in topic.categories:
            members = [s for s in sites if s.category == category.id and geo.is_named(s)]
            markers = tuple(_site_marker(s, roles[s.role], category.label, statuses.get(s.id), s.id == view.site) for s in members)
            groups.append(GroupPlan(category.label, markers))
    unnamed = [s for s in sites if not geo.is_named(s)]
    if unnamed:
        groups.append(GroupPlan(NOT_NAMED_GROUP, tuple(
            _site_marker(s, roles[s.role], labels[s.category], statuses.get(s.id), s.id == view.site, named=False)
            for s in unnamed)))
    drawn_places = place_markers(visible_places(geo, view))
    place_specs = tuple(_place_marker(g, g.key == view.site) for g in drawn_places.singles)
    cluster_specs = tuple(_cluster_marker(c) for c in drawn_places.clusters)
    groups.append(GroupPlan(PLACES_GROUP, place_specs + cluster_specs))

    uncertain = any(not group.confident for group in drawn_places.singles)
    legend = (_legend_roles(sites, roles, bool(place_specs), bool(cluster_specs), uncertain, bool(geo.sites))
              + _legend_statuses(statuses, day))
    overlays = draw_overlays(OverlayScene(geo, view, day, sites, roles))
    groups += overlays.groups
    legend += overlays.legend

    focus = choose_focus(
        [FocusPoint(s.lat, s.lon, SITE_WEIGHT, True) for s in sites]
        + [FocusPoint(g.lat, g.lon, g.count, g.place.feature in SPECIFIC_FEATURES) for g in drawn_places.singles]
        + [FocusPoint(c.lat, c.lon, c.mentions, True) for c in drawn_places.clusters]
    )
    keys = {m.key for group in groups for m in group.markers}
    return MapPlan(
        groups=tuple(groups),
        legend=tuple(legend),
        frame=focus.frame,
        overview=focus.overview,
        selected=view.site if view.site in keys else "",
        frame_key=frame_key(geo, view),
        places=drawn_places,
        notes=_notes(geo, view, sites, drawn_places),
        sites_shown=len(sites),
        sites_total=len(geo.sites),
    )


def draw_groups(plan: MapPlan, *, keep_first_frame: bool = False) -> list[folium.FeatureGroup]:
    """The plan's feature groups, in order, ending with an unlisted group that holds the legend,
    the overview map and the frame (both follow the groups when streamlit-folium replaces them). With
    ``keep_first_frame`` the map keeps the view it opened on (a link's own lat/lon/zoom) until
    the article or the filters change."""
    drawn = []
    for group in plan.groups:
        # the layer control writes names as HTML (and branca reads them as Jinja): escape them
        feature_group = folium.FeatureGroup(name=for_html(group.name), show=True, control=group.control)
        if group.markers:
            MarkerLayer(group.markers).add_to(feature_group)
        if group.paths:
            PathLayer(group.paths).add_to(feature_group)
        drawn.append(feature_group)
    extras = folium.FeatureGroup(name="Legend", show=True, control=False)
    if plan.legend:
        LegendControl(plan.legend).add_to(extras)
    if plan.overview is not None:
        InsetMap(plan.overview).add_to(extras)
    if plan.frame is not None or plan.selected:
        FrameView(plan.frame, plan.frame_key, keep_first_frame, plan.max_zoom, plan.selected).add_to(extras)
    drawn.append(extras)
    return drawn


# --- markers -----------------------------------------------------------------------------------


def _site_marker(site: Site, role: Role, category: str, status: str | None, selected: bool, named: bool = True) -> MarkerSpec:
    size = SELECTED_SIZE if selected else SITE_SIZE
    classes = f"site-marker site-{site.id} role-{site.role}" + (" selected" if selected else "") + ("" if named else " not-named")
    label = f"{site.name} ({role.label}, {category}" + ("" if named else "; not named in this article")
    crossed = False
    if status is not None:
        look = STATUS_LOOKS[status]
        classes += f" status-{status} status-look-{look}"
        crossed = look == "ended"
        label += f"; status: {status_text(status)}"
    label += ")"
    return MarkerSpec(site.id, site.lat, site.lon, marker_svg(role, size, selected, crossed), classes, size,
                      for_js_string(label), for_html(label), 2000 if selected else 1000,
                      for_html(site.short_name), SELECTED_LABEL_RANK if selected else SITE_LABEL_RANK)


def place_label(group: PlaceGroup) -> str:
    """``Russia: named 3 times in the article (as “Russian”, “Russia”); from the gazetteer``."""
    times = "once" if group.count == 1 else f"{fmt.count(group.count)} times"
    words = [w for w in group.words if w != group.name]
    as_words = f" (as {', '.join(f'“{w}”' for w in group.words)})" if words else ""
    return f"{group.name}: named {times} in the article{as_words}; from the {_source_name(group.place.source)}"


def _source_name(source: str) -> str:
    return {"gazetteer": "embedded GeoNames gazetteer", "nominatim": "Nominatim (OpenStreetMap)",
            "cache": "geocode cache"}.get(source, source)


def _place_marker(group: PlaceGroup, selected: bool) -> MarkerSpec:
    size = PLACE_SIZE + (6 if selected else 0)
    label = place_label(group)
    classes = "place-marker" + (" selected" if selected else "")
    if not group.confident:
        classes += " uncertain"
        label += f". Uncertain: the geoparser is not sure of this place (confidence {group.confidence:.2f})"
    rank = SELECTED_LABEL_RANK if selected else group.count if group.count >= LABELLED_PLACE_MENTIONS else 0
    return MarkerSpec(group.key, group.lat, group.lon, marker_svg(PLACE_ROLE, size, selected), classes, size,
                      for_js_string(label), for_html(label), 500 if selected else -1000, for_html(group.name), rank)


def _cluster_marker(cluster: PlaceCluster) -> MarkerSpec:
    size = 22 if cluster.places < 10 else 28
    more = "" if cluster.places <= len(cluster.names) else ", ..."
    label = (f"{fmt.count(cluster.places)} places named in the article ({', '.join(cluster.names)}{more}); "
             f"{fmt.count(cluster.mentions)} mentions. Zoom in to see them apart.")
    return MarkerSpec("", cluster.lat, cluster.lon, f'<span class="cluster-count">{cluster.places}</span>',
                      "place-marker place-cluster", size, for_js_string(label), for_html(label), -1000)


# --- legend ------------------------------------------------------------------------------------


def _legend_roles(sites: Sequence[Site], roles: dict[str, Role], places: bool, clusters: bool,
                  uncertain: bool = False, curated: bool = True) -> list[LegendEntry]:
    section = "Sites" if curated else "Places"  # a story with no curated site: its places only
    entries = [LegendEntry(section, marker_svg(roles[rid], 14), roles[rid].label, "role")
               for rid in dict.fromkeys(s.role for s in sites)]
    if places:
        entries.append(LegendEntry(section, marker_svg(PLACE_ROLE, 12), "Other place named in the article" if curated else "Place named in the article", "place"))
    if uncertain:
        entries.append(LegendEntry(section, f'<span class="legend-uncertain">{marker_svg(PLACE_ROLE, 12)}</span>',
                                   "Place the geoparser is not sure of (dashed)", "uncertain"))
    if clusters:
        entries.append(LegendEntry(section, '<span class="place-cluster" style="width:18px;height:18px;font-size:9px">3</span>',
                                   "Several nearby places (the number says how many)", "cluster"))
    return entries


def _legend_statuses(statuses: dict[str, str | None], day: dt.date | None) -> list[LegendEntry]:
    looks = {STATUS_LOOKS[s] for s in statuses.values() if s is not None}
    if not looks or day is None:
        return []
    section = f"Status on {fmt.day(day)}"
    return [
        LegendEntry(section, f'<span class="status-look-{look}">{marker_svg(PLACE_ROLE_SAMPLE, 14, crossed=look == "ended")}</span>',
                    LOOK_LABELS[look], "status")
        for look in LOOK_LABELS
        if look in looks
    ]


PLACE_ROLE_SAMPLE = Role("sample", "sample", "#0072B2", "circle")
def _notes(geo: ArticleGeography, view: ViewState, sites: Sequence[Site], places: PlaceMarkers) -> tuple[str, ...]:
    if geo.sites:
        named = sum(1 for site in sites if geo.is_named(site))
        notes = [f"Showing {named} of {len(geo.sites)} sites and {fmt.count(places.shown_places)} other places."]
        if named < len(sites):
            notes.append(f"The whole story: {len(sites) - named} more sites that this article does not name, drawn faded.")
    else:
        notes = [f"Showing {fmt.count(places.shown_places)} of the places the article names (it refers to no curated site)."]
    places_on = view.shows_role("place") and "places" in view.layers
    hidden = sum(1 for g in geo.other_places if not g.confident and view.shows_place(g.key)) if places_on and not view.uncertain else 0
    if hidden:
        notes.append(f"{fmt.count(hidden)} places the geoparser is not sure of are hidden.")
    removed = [group.name for group in geo.other_places if not view.shows_place(group.key)]
    if removed:
        notes.append(f"Removed from the map by the editor: {', '.join(removed)}.")
    if places.clusters:
        notes.append(f"Nearby places are grouped: {len(places.clusters)} markers stand for several places each.")
    if places.dropped_places:
        notes.append(
            f"{fmt.count(places.dropped_places)} of {fmt.count(places.total_places)} places are not drawn "
            f"(at most {MAX_PLACE_MARKERS} markers; the least mentioned are left out)."
        )
    return tuple(notes)
