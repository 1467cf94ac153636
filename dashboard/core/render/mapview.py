"""Build the Folium map: a stable base map (basemap, controls, legend) and the
feature groups that change with filters and selection (sites by proposal, article
places). Every string shown on the map goes through ``escape.for_html``."""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import folium
from branca.element import Element, MacroElement
from folium.template import Template

from dashboard.core.escape import for_html, for_js_string
from dashboard.core.geography import PlaceCluster
from dashboard.core.geoparse.places import Place
from dashboard.core.render.basemap import ServedBasemapLayer, basemap_layer
from dashboard.core.render.controls import (
    FullscreenButton,
    MeasureDistance,
    ViewInPageUrl,
)
from dashboard.core.topics.sites import PROPOSAL_LABELS, PROPOSALS, ROLE_LABELS, Site
from dashboard.core.view.state import ViewState

DEFAULT_CENTER = (45.0, 25.0)
DEFAULT_ZOOM = 3
OSM_TILES = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
OSM_ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
SEA_COLOUR = "#dbe9f4"


@dataclass(frozen=True)
class RoleStyle:
    """How a role looks: an Okabe-Ito colour (colour-blind safe) and a distinct shape."""

    colour: str
    shape: str  # triangle, diamond, octagon, square, circle


ROLE_STYLES = {
    "radar": RoleStyle("#0072B2", "triangle"),
    "interceptors": RoleStyle("#D55E00", "diamond"),
    "threat": RoleStyle("#CC79A7", "octagon"),
    "summit": RoleStyle("#009E73", "square"),
    "place": RoleStyle("#6F6F6F", "circle"),
}

#: How a site's standing status on the chosen date looks (see ``timeline.status_on``):
#: ``planned`` faded with a dashed outline, ``building`` full with a dashed outline,
#: ``active`` full, ``ended`` grey and crossed, ``future`` (no record yet) nearly transparent.
NOT_YET = "not-yet"
STATUS_LOOKS = {
    "proposed": "planned",
    "announced": "planned",
    "offered": "planned",
    "talks": "planned",
    "agreed": "active",
    "operational": "active",
    "under-construction": "building",
    "closed": "ended",
    "cancelled": "ended",
    "dismantled": "ended",
    NOT_YET: "future",
}
_STATUS_TEXT = {NOT_YET: "not yet in the record", "under-construction": "under construction"}

_SHAPES = {
    "triangle": '<polygon points="12,2 22,21 2,21"/>',
    "diamond": '<polygon points="12,1 23,12 12,23 1,12"/>',
    "octagon": '<polygon points="8,2 16,2 22,8 22,16 16,22 8,22 2,16 2,8"/>',
    "square": '<rect x="3" y="3" width="18" height="18"/>',
    "circle": '<circle cx="12" cy="12" r="9"/>',
}


@dataclass(frozen=True)
class MapAssets:
    """Where the map's JavaScript and CSS come from (never a CDN)."""

    js: tuple[tuple[str, str], ...]
    css: tuple[tuple[str, str], ...]


LOCAL_ASSETS = MapAssets(
    js=(("leaflet", "/app/static/leaflet/leaflet.js"), ("jquery", "/app/static/jquery/jquery.min.js")),
    css=(("leaflet_css", "/app/static/leaflet/leaflet.css"),),
)


def marker_svg(role: str, size: int, selected: bool = False, crossed: bool = False) -> str:
    """Return the inline SVG for a role's marker (no untrusted text inside); ``crossed``
    draws an X over it (a cancelled, closed or dismantled site)."""
    style = ROLE_STYLES[role]
    stroke = "#000000" if selected else "#ffffff"
    width = 3 if selected else 1.5
    cross = (
        '<path class="status-cross" d="M5 5L19 19M19 5L5 19" stroke="#222222" stroke-width="2.5" '
        'stroke-linecap="round"/>'
        if crossed
        else ""
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" width="{size}" height="{size}" '
        f'aria-hidden="true"><g fill="{style.colour}" stroke="{stroke}" stroke-width="{width}">'
        f"{_SHAPES[style.shape]}</g>{cross}</svg>"
    )


def status_text(status: str) -> str:
    """A status as the reader sees it (``under construction``, ``not yet in the record``).

    Raises ValueError for a status that is not in ``STATUS_LOOKS``.
    """
    if status not in STATUS_LOOKS:
        raise ValueError(f"unknown status: {status!r}")
    return _STATUS_TEXT.get(status, status)


def site_marker(site: Site, selected: bool, status: str | None = None) -> folium.Marker:
    """A site marker; its element carries the classes ``site-<id>`` and ``role-<role>``.

    With a ``status`` (a key of ``STATUS_LOOKS``) it also carries ``status-<status>`` and
    ``status-look-<look>``, is restyled by that look and names the status in its tooltip.
    Raises ValueError for an unknown status.
    """
    size = 34 if selected else 24
    classes = f"site-marker site-{site.id} role-{site.role}" + (" selected" if selected else "")
    label = f"{site.name} ({ROLE_LABELS[site.role]}, {PROPOSAL_LABELS[site.proposal]})"
    crossed = False
    if status is not None:
        look = STATUS_LOOKS.get(status)
        if look is None:
            raise ValueError(f"unknown status: {status!r}")
        classes += f" status-{status} status-look-{look}"
        crossed = look == "ended"
        label = f"{site.name} ({ROLE_LABELS[site.role]}, {PROPOSAL_LABELS[site.proposal]}; status: {status_text(status)})"
    icon = folium.DivIcon(
        html=marker_svg(site.role, size, selected, crossed),
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name=classes,
    )
    return folium.Marker(
        location=(site.lat, site.lon),
        icon=icon,
        tooltip=folium.Tooltip(for_html(label), sticky=False),
        alt=for_js_string(label),
        title=for_js_string(label),
        z_index_offset=2000 if selected else 1000,  # sites above article places
    )


def place_marker(place: Place, mentions: int) -> folium.Marker:
    """A smaller marker for an article place that is not a curated site."""
    icon = folium.DivIcon(
        html=marker_svg("place", 14),
        icon_size=(14, 14),
        icon_anchor=(7, 7),
        class_name="place-marker",
    )
    times = "1 mention" if mentions == 1 else f"{mentions} mentions"
    label = f"{place.name} (place named in the article, {times}; source: {place.source})"
    return folium.Marker(
        location=(place.lat, place.lon),
        icon=icon,
        tooltip=folium.Tooltip(for_html(label), sticky=False),
        alt=for_js_string(label),
        z_index_offset=-1000,
    )


def cluster_marker(cluster: PlaceCluster) -> folium.Marker:
    """One marker for several nearby article places, showing how many."""
    size = 22 if cluster.places < 10 else 28
    icon = folium.DivIcon(
        html=f'<span class="cluster-count">{cluster.places}</span>',
        icon_size=(size, size),
        icon_anchor=(size // 2, size // 2),
        class_name="place-marker place-cluster",
    )
    more = "" if cluster.places <= len(cluster.names) else ", ..."
    label = f"{cluster.places} places named in the article ({', '.join(cluster.names)}{more}); {cluster.mentions} mentions"
    return folium.Marker(
        location=(cluster.lat, cluster.lon),
        icon=icon,
        tooltip=folium.Tooltip(for_html(label), sticky=False),
        alt=for_js_string(label),
        z_index_offset=-1000,
    )


def build_feature_groups(
    sites: Sequence[Site],
    places: Sequence[tuple[Place, int]],
    view: ViewState,
    statuses: Mapping[str, str | None] | None = None,
    clusters: Sequence[PlaceCluster] = (),
) -> list[folium.FeatureGroup]:
    """One group per proposal with the visible sites, plus one with the article places.

    ``places`` are (place, number of mentions) pairs already filtered to those shown;
    ``clusters`` stand for groups of nearby places when there are many.
    ``statuses`` (e.g. ``analysis.status_map``) maps site ids to their status on the chosen
    date; sites missing from it, or mapped to None, keep their usual look.
    """
    groups = []
    for proposal in PROPOSALS:
        group = folium.FeatureGroup(name=PROPOSAL_LABELS[proposal], show=True)
        for site in sites:
            if site.proposal == proposal:
                status = statuses.get(site.id) if statuses is not None else None
                site_marker(site, selected=site.id == view.site, status=status).add_to(group)
        groups.append(group)
    places_group = folium.FeatureGroup(name="Other places in the article", show="places" in view.layers)
    for place, count in places:
        place_marker(place, count).add_to(places_group)
    for cluster in clusters:
        cluster_marker(cluster).add_to(places_group)
    groups.append(places_group)
    return groups


class _Legend(MacroElement):
    """A static legend control (its HTML is built from constants only)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var legend = L.control({position: "bottomleft"});
            legend.onAdd = function () {
                var div = L.DomUtil.create("div", "map-legend");
                div.innerHTML = {{ this.html|tojson }};
                L.DomEvent.disableClickPropagation(div);
                return div;
            };
            legend.addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "Legend"
        rows = "".join(
            f'<div class="legend-row">{marker_svg(role, 14)} <span>{ROLE_LABELS[role]}</span></div>'
            for role in ROLE_STYLES
        )
        self.html = f'<div class="legend-title">Roles</div>{rows}'


_MAP_CSS = f"""
<style>
  .folium-map.leaflet-container {{ background: {SEA_COLOUR}; }}
  .site-marker, .place-marker {{ background: none; border: none; }}
  .place-cluster {{ display: flex; align-items: center; justify-content: center; border-radius: 50%;
                    background: rgba(111,111,111,.85); color: #fff; font: bold 11px sans-serif;
                    border: 2px solid #fff; }}
  .site-marker svg, .place-marker svg {{ display: block; filter: drop-shadow(0 0 1px rgba(0,0,0,.6)); }}
  .map-legend {{ background: rgba(255,255,255,.92); padding: 6px 8px; border-radius: 4px;
                 font: 12px/1.4 sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
  .map-legend .legend-title {{ font-weight: bold; margin-bottom: 2px; }}
  .map-legend .legend-row {{ display: flex; align-items: center; gap: 4px; }}
  .map-copy-link-button {{ height: 30px; padding: 0 8px; background: #fff; cursor: pointer; font: 13px sans-serif;
                           border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .map-fullscreen-button {{ width: 34px; height: 34px; font-size: 18px; background: #fff; cursor: pointer;
                            border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .status-look-planned svg {{ opacity: .6; }}
  .status-look-planned svg g, .status-look-building svg g {{ stroke: #1a1a1a; stroke-dasharray: 3 2; }}
  .status-look-ended svg {{ opacity: .75; filter: grayscale(1) drop-shadow(0 0 1px rgba(0,0,0,.6)); }}
  .status-look-future svg {{ opacity: .3; }}
  .status-look-future svg g {{ stroke: #1a1a1a; stroke-dasharray: 1 2; }}
  .leaflet-pane path.range-band-fill {{ pointer-events: none !important; }}
  .distance-label, .measure-label {{ background: none; border: none; }}
  .distance-label-text, .measure-label {{ display: inline-block; background: rgba(255,255,255,.9); padding: 0 4px;
                         border-radius: 3px; font: bold 11px/16px sans-serif; white-space: nowrap; }}
  .measure-label {{ transform: translate(-50%, -50%); }}
  .map-measure {{ display: flex; align-items: center; gap: 4px; }}
  .map-measure-button {{ width: 34px; height: 34px; background: #fff; cursor: pointer;
                         border: 2px solid rgba(0,0,0,.2); border-radius: 4px; }}
  .map-measure-button[aria-pressed="true"] {{ background: #ffe08a; }}
  .map-measure-readout:not(:empty) {{ background: rgba(255,255,255,.92); padding: 2px 6px; border-radius: 4px;
                                      font: 12px sans-serif; box-shadow: 0 1px 4px rgba(0,0,0,.3); }}
  .leaflet-container.measuring {{ cursor: crosshair; }}
</style>
"""


def build_base_map(
    view: ViewState,
    outlines: dict | str | None,
    assets: MapAssets = LOCAL_ASSETS,
    sync_url: bool = True,
    measure: bool = True,
) -> folium.Map:
    """The part of the map that does not change with filters or selection.

    ``outlines`` is the offline basemap, drawn when ``view.basemap`` is ``offline``: its
    GeoJSON (written into the page, for standalone files) or the URL the browser fetches it
    from; otherwise OpenStreetMap tiles are used, with their attribution.
    ``measure`` adds the "measure a distance" control.
    """
    centre = (view.lat, view.lon) if view.lat is not None and view.lon is not None else DEFAULT_CENTER
    fmap = folium.Map(
        location=centre,
        zoom_start=view.zoom or DEFAULT_ZOOM,
        tiles=None,
        control_scale=True,
        world_copy_jump=True,
        prefer_canvas=False,
    )
    fmap.default_js = list(assets.js)
    fmap.default_css = list(assets.css)
    if view.basemap == "offline" and outlines is not None:
        (ServedBasemapLayer(outlines) if isinstance(outlines, str) else basemap_layer(outlines)).add_to(fmap)
    else:
        folium.TileLayer(OSM_TILES, attr=OSM_ATTRIBUTION, name="OpenStreetMap", max_zoom=19).add_to(fmap)
    fmap.get_root().header.add_child(Element(_MAP_CSS), name="dashboard_css")
    _Legend().add_to(fmap)
    FullscreenButton().add_to(fmap)
    if measure:
        MeasureDistance().add_to(fmap)
    if sync_url:
        ViewInPageUrl().add_to(fmap)
    return fmap


def build_map(
    view: ViewState,
    sites: Sequence[Site],
    places: Sequence[tuple[Place, int]],
    outlines: dict | None,
    assets: MapAssets = LOCAL_ASSETS,
    sync_url: bool = False,
) -> folium.Map:
    """A complete map (base, groups and a layer control), e.g. for export or tests."""
    fmap = build_base_map(view, outlines, assets, sync_url=sync_url)
    for group in build_feature_groups(sites, places, view):
        group.add_to(fmap)
    folium.LayerControl(collapsed=True).add_to(fmap)
    return fmap
