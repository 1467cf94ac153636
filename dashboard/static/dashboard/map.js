/* The dashboard's own map behaviour, in one namespace: window.dashboardMap.
 *
 * Loaded after Leaflet: by the app from /app/static/dashboard/map.js, inlined in a standalone
 * export. The Python side (dashboard/core/render/) writes only calls with plain values:
 *   dashboardMap.markers(group, collection)   markers of one feature group (MarkerLayer)
 *   dashboardMap.paths(group, collection)     lines, rings and labelled points (PathLayer)
 *   dashboardMap.legend(group, html, openWidth)
 *   dashboardMap.frame(group, options)        the first view, the refit and the selection zoom
 *   dashboardMap.inset(group, overview, options)  the overview map in a corner
 *   dashboardMap.framePadding(map, padding)   a published page's fixed frame padding
 *   dashboardMap.holdOwnViews(map)            views the map takes by itself are not reported
 * Every text in the values was escaped on the server (dashboard/core/escape.py).
 */
(function () {
    "use strict";
    var ns = window.dashboardMap = window.dashboardMap || {};
    // What outlives a redraw of the groups (the app replaces them on every change of the view).
    var state = ns.state = ns.state || {legendOpen: undefined, frameKey: undefined, selected: undefined, framed: null};
    var CLUSTER_PX = 24;       // markers nearer than this (or than their half sizes) become one group
    var LABEL_GAP = 3, EDGE = 2;
    var PHONE_PX = 640;        // the page stacks the map above the reader below this width

    function onMap(group, callback) {
        function run() { if (group._map) { callback(group._map); } }
        group.on("add", run);
        run();
    }

    function later(map, name, callback) {  // once per frame, after the current script
        map._dashboardPending = map._dashboardPending || {};
        if (map._dashboardPending[name]) { return; }
        map._dashboardPending[name] = setTimeout(function () { map._dashboardPending[name] = null; callback(map); }, 0);
    }

    // --- markers --------------------------------------------------------------------------------

    function fitTooltip(marker, size) {
        // On opening (hover or keyboard focus): the side with room, then a shift that keeps the
        // whole tooltip inside the map (a marker in a corner has no such side).
        var map = marker._map, tooltip = marker.getTooltip();
        if (!map || !tooltip) { return; }
        var at = map.latLngToContainerPoint(marker.getLatLng()), box = map.getSize();
        var side = at.y < 90 ? "bottom" : "top";
        if (at.x < 130) { side = "right"; } else if (at.x > box.x - 130) { side = "left"; }
        tooltip.options.direction = side;
        tooltip.options.offset = side === "top" ? [0, -size / 2] : side === "bottom" ? [0, size / 2]
            : side === "right" ? [size / 2, 0] : [-size / 2, 0];
        tooltip.update();
        var element = tooltip.getElement();
        if (!element) { return; }
        var outer = map.getContainer().getBoundingClientRect(), tip = element.getBoundingClientRect();
        var margin = 4, dx = 0, dy = 0;
        if (tip.left < outer.left + margin) { dx = outer.left + margin - tip.left; }
        else if (tip.right > outer.right - margin) { dx = outer.right - margin - tip.right; }
        if (tip.top < outer.top + margin) { dy = outer.top + margin - tip.top; }
        else if (tip.bottom > outer.bottom - margin) { dy = outer.bottom - margin - tip.bottom; }
        if (dx || dy) {
            tooltip.options.offset = [tooltip.options.offset[0] + dx, tooltip.options.offset[1] + dy];
            tooltip.update();
        }
    }

    function pressable(element, action) {  // Enter or Space on a focused marker acts as a click
        element.addEventListener("keydown", function (event) {
            if (event.key !== "Enter" && event.key !== " ") { return; }
            event.preventDefault();
            event.stopPropagation();
            action(event);
        });
    }

    ns.markers = function (group, collection) {
        group._dashboardMarkers = [];
        L.geoJSON(collection, {
            pointToLayer: function (feature, latlng) {
                var p = feature.properties;
                var marker = L.marker(latlng, {
                    icon: L.divIcon({html: p.html, className: p.classes, iconSize: [p.size, p.size],
                                     iconAnchor: [p.size / 2, p.size / 2]}),
                    title: p.label, keyboard: true, zIndexOffset: p.z, riseOnHover: true
                });
                marker._dashboard = p;
                marker.bindTooltip(p.tooltip, {direction: "top", offset: [0, -p.size / 2], className: "marker-tooltip"});
                marker.on("tooltipopen", function () { fitTooltip(marker, p.size); });
                marker.on("add", function () {
                    var icon = marker.getElement();
                    if (!icon) { return; }
                    icon.setAttribute("aria-label", p.label);
                    icon.setAttribute("data-key", p.key);
                    if (p.rank > 0 && p.name && !icon.querySelector(":scope > .marker-label")) {
                        var label = document.createElement("span");
                        label.className = "marker-label";
                        label.setAttribute("aria-hidden", "true");  // the marker's own name says it
                        label.innerHTML = p.name;
                        label.hidden = true;  // until the layout places it
                        icon.appendChild(label);
                    }
                    pressable(icon, function (event) {
                        marker.fire("click", {latlng: marker.getLatLng(), sourceTarget: marker, target: marker,
                                              originalEvent: event});
                    });
                });
                return marker;
            }
        }).eachLayer(function (marker) { marker.addTo(group); marker._group = group; group._dashboardMarkers.push(marker); });
        onMap(group, function (map) {
            map._dashboardGroups = (map._dashboardGroups || []).filter(function (g) { return g._map === map && g !== group; });
            map._dashboardGroups.push(group);
            if (!map._dashboardLayout) {
                map._dashboardLayout = true;
                map.on("moveend zoomend viewreset resize", function () { later(map, "layout", layout); });
            }
            later(map, "layout", layout);
        });
    };

    function allMarkers(map) {
        var found = [];
        (map._dashboardGroups || []).forEach(function (group) {
            if (group._map === map) { found = found.concat(group._dashboardMarkers); }
        });
        return found;
    }

    function priority(marker) {
        var p = marker._dashboard;
        return (/\bselected\b/.test(p.classes) ? 4e6 : 0) + (/\bsite-marker\b/.test(p.classes) ? 2e6 : 0) + p.rank;
    }

    // --- clusters: markers that overlap become one group with a count ----------------------------

    function clusterIcon(members) {
        var classes = ["marker-cluster"], names = [], keys = [];
        members.forEach(function (m) {
            var p = m._dashboard;
            (p.classes.match(/\b(site-[a-z0-9-]+|place-marker)\b/g) || []).forEach(function (c) {
                if (c !== "site-marker" && classes.indexOf(c) < 0) { classes.push(c); }
            });
            names.push(p.label);
            if (p.key) { keys.push(p.key); }
        });
        var size = members.length < 10 ? 30 : 36;
        return {sites: classes.some(function (c) { return c.indexOf("site-") === 0; }), classes: classes.join(" "), label: members.length + " markers drawn as one: " + names.join("; ")
                + ". Press to zoom in and see them apart.", keys: keys.join(" "), size: size};
    }

    function openCluster(map, members) {
        var bounds = L.latLngBounds(members.map(function (m) { return m.getLatLng(); }));
        var zoom = Math.min(map.getMaxZoom(), Math.max(map.getZoom() + 1,
                            map.getBoundsZoom(bounds, false, L.point(96, 96))));
        map.setView(bounds.getCenter(), zoom);
    }

    function recluster(map) {
        // Fresh cluster markers on every layout: streamlit-folium reports clicks on the layers that
        // exist when it draws the groups, and a cluster's click must zoom, not select its first member.
        var layer = map._dashboardClusters;
        if (!layer) { layer = map._dashboardClusters = L.layerGroup().addTo(map); }
        layer.clearLayers();
        // sites group with sites, places with places: a site stays one click away even where a
        // place's point (Azerbaijan's, under Gabala) lies beneath it
        var items = allMarkers(map).map(function (m) {
            return {marker: m, at: map.latLngToLayerPoint(m.getLatLng()), size: m._dashboard.size, taken: false,
                    site: /\bsite-marker\b/.test(m._dashboard.classes)};
        });
        items.sort(function (a, b) { return priority(b.marker) - priority(a.marker); });
        var groups = [];
        items.forEach(function (seed) {
            if (seed.taken) { return; }
            seed.taken = true;
            var members = [seed.marker];
            items.forEach(function (other) {
                if (other.taken || other.site !== seed.site) { return; }
                var reach = Math.min(CLUSTER_PX, (seed.size + other.size) / 2);
                if (seed.at.distanceTo(other.at) < reach) { other.taken = true; members.push(other.marker); }
            });
            groups.push(members);
        });
        groups.forEach(function (held) {
            var alone = held.length === 1;
            held.forEach(function (m) {  // only what changes is added or removed (a focused marker keeps its focus)
                if (alone && !m._map) { m._group.addLayer(m); }
                if (!alone && m._map) { m._group.removeLayer(m); }
            });
            if (alone) { return; }
            var look = clusterIcon(held);
            // drawn where its first member is: no marker is moved more than CLUSTER_PX from its point
            var cluster = L.marker(held[0].getLatLng(), {
                icon: L.divIcon({html: '<span class="cluster-count">' + held.length + "</span>", className: look.classes,
                                 iconSize: [look.size, look.size], iconAnchor: [look.size / 2, look.size / 2]}),
                title: look.label, keyboard: true, zIndexOffset: look.sites ? 3000 : -500, riseOnHover: true
            });
            cluster._dashboardCluster = held;
            cluster.on("click", function () { openCluster(map, held); });
            cluster.on("add", function () {
                var icon = cluster.getElement();
                icon.setAttribute("aria-label", look.label);
                icon.setAttribute("data-keys", look.keys);
                pressable(icon, function () { openCluster(map, held); });
            });
            cluster.addTo(layer);
        });
    }

    // --- labels: beside their marker, never over another label, a marker or the map's edge -----
    // (the still images follow the same rules: dashboard/core/render/labelplace.py)

    function box(x, y, w, h) { return {left: x, top: y, right: x + w, bottom: y + h}; }
    function overlaps(a, b) { return a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom; }

    function placeLabels(map) {
        var outer = map.getContainer().getBoundingClientRect(), size = map.getSize(), taken = [];
        // the map's own boxes (controls, legend, inset) and every marker drawn
        map.getContainer().querySelectorAll(".leaflet-control").forEach(function (element) {
            var r = element.getBoundingClientRect();
            if (r.width && r.height) { taken.push(box(r.left - outer.left, r.top - outer.top, r.width, r.height)); }
        });
        var shown = allMarkers(map).filter(function (m) { return m._map; });
        map._dashboardClusters.eachLayer(function (c) { shown.push(c); });
        // a site's label may cover a place's marker (drawn beneath it, and clicks pass through the
        // label); no label covers a site, a group or another label
        var places = [];
        shown.forEach(function (m) {
            var at = map.latLngToContainerPoint(m.getLatLng()), s = m.options.icon.options.iconSize[0];
            var place = m._dashboard && !/\bsite-marker\b/.test(m._dashboard.classes);
            (place ? places : taken).push(box(at.x - s / 2, at.y - s / 2, s, s));
        });
        allMarkers(map).forEach(function (m) {  // a clustered marker's label is not drawn
            var label = m.getElement() && m.getElement().querySelector(":scope > .marker-label");
            if (label && !m._map) { label.hidden = true; }
        });
        shown.filter(function (m) { return m._dashboard && m._dashboard.rank > 0; })
            .sort(function (a, b) { return priority(b) - priority(a); })
            .forEach(function (m) {
                var label = m.getElement().querySelector(":scope > .marker-label");
                if (!label) { return; }
                label.hidden = false;
                var w = label.offsetWidth, h = label.offsetHeight, s = m._dashboard.size;
                var at = map.latLngToContainerPoint(m.getLatLng());
                var near = s / 2 + LABEL_GAP, corner = s / 2 - 2;
                var spots = [[near, -h / 2], [-near - w, -h / 2], [-w / 2, -near - h], [-w / 2, near],
                             [corner, -corner - h], [corner, corner], [-corner - w, -corner - h], [-corner - w, corner]];
                var avoid = /\bsite-marker\b/.test(m._dashboard.classes) ? taken : taken.concat(places);
                var spot = null;
                for (var i = 0; i < spots.length && !spot; i++) {
                    var r = box(at.x + spots[i][0], at.y + spots[i][1], w, h);
                    var inside = r.left >= EDGE && r.top >= EDGE && r.right <= size.x - EDGE && r.bottom <= size.y - EDGE;
                    if (inside && !avoid.some(function (t) { return overlaps(r, t); })) { spot = spots[i]; taken.push(r); }
                }
                if (!spot) { label.hidden = true; return; }
                // relative to the icon's top-left corner
                label.style.left = (spot[0] + s / 2) + "px";
                label.style.top = (spot[1] + s / 2) + "px";
            });
    }

    function layout(map) {
        recluster(map);
        placeLabels(map);
        map.fire("dashboardlayout");
    }
    ns.layout = function (map) { layout(map); };

    // --- paths ----------------------------------------------------------------------------------

    ns.paths = function (group, collection) {
        L.geoJSON(collection, {
            style: function (feature) { return feature.properties.style; },
            pointToLayer: function (feature, latlng) {
                var p = feature.properties;
                if (p.kind === "label") {
                    return L.marker(latlng, {interactive: false, keyboard: false,
                        icon: L.divIcon({html: '<span class="distance-label-text">' + p.label + "</span>",
                                         className: p.style.className || "", iconSize: null})});
                }
                return L.circleMarker(latlng, p.style);
            },
            onEachFeature: function (feature, layer) {
                var p = feature.properties;
                if (p.tooltip) { layer.bindTooltip(p.tooltip, {sticky: true}); }
            }
        }).eachLayer(function (layer) { layer.addTo(group); });
    };

    // --- legend ---------------------------------------------------------------------------------

    ns.legend = function (group, html, openWidth) {
        // Open on a wide map, folded (one tap away) on a narrow one, then as the reader last left
        // it. Opening or folding it refits a map the reader has not moved since it was framed.
        var control = L.control({position: "bottomleft"});
        control.onAdd = function (map) {
            var details = L.DomUtil.create("details", "map-legend");
            details.open = state.legendOpen === undefined ? map.getSize().x >= openWidth : state.legendOpen;
            details.setAttribute("aria-label", "Map legend");
            details.innerHTML = '<summary class="legend-summary">Legend</summary>' + html;
            details.addEventListener("toggle", function () {
                state.legendOpen = details.open;
                if (state.refit) { state.refit(); }
            });
            L.DomEvent.disableClickPropagation(details);
            L.DomEvent.disableScrollPropagation(details);
            return details;
        };
        function show() { if (group._map && !control._map) { control.addTo(group._map); } }
        group.on("add", show);
        group.on("remove", function () { control.remove(); });
        show();
    };

    // --- frame and selection --------------------------------------------------------------------

    function cornerPadding(map) {
        // Every control in a corner of the map (buttons, legend, scale, overview, attribution) is
        // kept clear: each corner's boxes push the frame in from the side or from the top or bottom,
        // whichever costs the map less of its size. Returns Leaflet's fitBounds paddings.
        var outer = map.getContainer().getBoundingClientRect(), size = map.getSize();
        var pad = {left: 0, top: 0, right: 0, bottom: 0};
        [["top", "left"], ["top", "right"], ["bottom", "left"], ["bottom", "right"]].forEach(function (corner) {
            var column = map.getContainer().querySelector(".leaflet-" + corner[0] + ".leaflet-" + corner[1]);
            var width = 0, height = 0;
            if (!column) { return; }
            column.querySelectorAll(":scope > .leaflet-control").forEach(function (control) {
                var r = control.getBoundingClientRect();
                if (!r.width || !r.height) { return; }
                width = Math.max(width, corner[1] === "left" ? r.right - outer.left : outer.right - r.left);
                height = Math.max(height, corner[0] === "top" ? r.bottom - outer.top : outer.bottom - r.top);
            });
            if (!width) { return; }
            if (width / size.x <= height / size.y) { pad[corner[1]] = Math.max(pad[corner[1]], width); }
            else { pad[corner[0]] = Math.max(pad[corner[0]], height); }
        });
        var margin = 24, gap = 8;
        return {topLeft: [Math.max(margin, pad.left + gap), Math.max(margin, pad.top + gap)],
                bottomRight: [Math.max(margin, pad.right + gap), Math.max(margin, pad.bottom + gap)]};
    }

    function styled(map) {  // Leaflet's style sheet has reached the page (the app loads it beside the script)
        var column = map.getContainer().querySelector(".leaflet-control-container .leaflet-top");
        return !column || window.getComputedStyle(column).position === "absolute";
    }

    function whenStyled(map, callback, waited) {
        if (styled(map)) { callback(); return; }
        if ((waited || 0) < 10000) { setTimeout(function () { whenStyled(map, callback, (waited || 0) + 50); }, 50); }
    }

    ns.framePadding = function (map, padding) {
        // A published page fits its frame with the numbers its image uses (core/render/frame.py),
        // not with its controls' measured sizes: the page and the image show the same window.
        map._dashboardFramePadding = padding;
    };

    function fit(map, bounds, maxZoom) {
        // The rule core/render/frame.py fit_frame() writes down (a browser test compares the two).
        var fixed = map._dashboardFramePadding;
        if (!fixed && !styled(map)) {  // the controls' sizes are not known yet: fit now, and again once they are
            whenStyled(map, function () { if (state.refit) { state.refit(); } });
        }
        var box = L.latLngBounds(bounds), padding = fixed ? {topLeft: fixed.topLeft, bottomRight: fixed.bottomRight}
            : styled(map) ? cornerPadding(map) : {topLeft: [24, 24], bottomRight: [24, 24]};
        var room = L.point(padding.topLeft[0] + padding.bottomRight[0], padding.topLeft[1] + padding.bottomRight[1]);
        var size = map.getSize();
        if (room.x > size.x / 2 || room.y > size.y / 2
            || map.getBoundsZoom(box, false, room) < map.getBoundsZoom(box, false, L.point(48, 48)) - 1) {
            // a small map: better a control over a marker than a far-off view
            padding = {topLeft: [24, 24], bottomRight: [24, 24]};
        }
        state.framePadding = padding;  // (tests read it)
        moveByItself(map, function () {
            map.fitBounds(box, {paddingTopLeft: padding.topLeft, paddingBottomRight: padding.bottomRight,
                                maxZoom: maxZoom, animate: false});
        });
    }

    function moveByItself(map, move) {
        // After the move the map fires "framed": it moved by itself, not by the reader (not animated:
        // it ends at once, so nothing else sees it halfway).
        state.framed = null;
        map.once("moveend", function () {
            state.framed = {centre: map.getCenter(), zoom: map.getZoom()};
            map.fire("framed");
        });
        move();
        if (!state.framed) { map.fire("moveend"); }  // the map was already there
    }

    function findMarker(map, key) {
        var found = null;
        allMarkers(map).forEach(function (m) { if (m._dashboard.key === key) { found = m; } });
        return found;
    }

    function zoomToSelection(map, key, options) {
        // Zoom 5 or closer (never out from a closer view), keeping the nearest other site when both fit.
        var marker = findMarker(map, key);
        if (!marker) { return false; }
        var at = marker.getLatLng(), nearest = null;
        allMarkers(map).forEach(function (m) {
            if (m === marker || !/\bsite-marker\b/.test(m._dashboard.classes)) { return; }
            if (!nearest || at.distanceTo(m.getLatLng()) < at.distanceTo(nearest.getLatLng())) { nearest = m; }
        });
        var least = Math.max(options.selectZoom, map.getZoom()), centre = at, zoom = least;
        if (nearest) {
            var both = L.latLngBounds([at, nearest.getLatLng()]);
            var fits = Math.min(map.getBoundsZoom(both, false, L.point(96, 96)), options.maxZoom);
            if (fits >= least) { centre = both.getCenter(); zoom = fits; }
        }
        moveByItself(map, function () { map.setView(centre, zoom, {animate: false}); });
        return true;
    }

    function scrollMapIntoView() {
        try {
            var page = window.parent, frame = window.frameElement;
            if (frame && page !== window && page.innerWidth < PHONE_PX) { frame.scrollIntoView({block: "nearest"}); }
        } catch (err) { /* not inside a page of the same origin */ }
    }

    ns.frame = function (group, options) {
        // options: bounds (the story's focus), key (changes with the article or filters), keepFirst
        // (a link's own view wins on opening), maxZoom, selected (a marker's key or ""), selectZoom.
        function apply() {
            var map = group._map;
            if (!map) { return; }
            var first = state.frameKey === undefined;
            var newFrame = state.frameKey !== options.key, newSelection = state.selected !== options.selected;
            state.frameKey = options.key;
            state.selected = options.selected;
            state.frameBounds = options.bounds;  // the story's focus (tests read it)
            if (first && options.keepFirst) { return; }
            if (options.selected && newSelection) {
                // after the layout, so that the marker is found even inside a cluster
                setTimeout(function () {
                    if (zoomToSelection(map, options.selected, options) && !first) { scrollMapIntoView(); }
                }, 0);
                return;
            }
            if (newFrame && options.bounds) {  // after the overview map is drawn: it is kept clear too
                setTimeout(function () { fit(map, options.bounds, options.maxZoom); }, 0);
            }
        }
        state.refit = function () {
            // the legend opened or folded, or the map was resized: fit again, unless the reader has
            // moved the map since it was framed (or it shows a selection)
            var map = group._map, framed = state.framed;
            if (!map || !framed || !options.bounds || options.selected || map.getZoom() !== framed.zoom
                || map.latLngToContainerPoint(framed.centre).distanceTo(map.getSize().divideBy(2)) > 1) { return; }
            fit(map, options.bounds, options.maxZoom);
        };
        group.on("add", apply);
        onMap(group, function (map) {
            later(map, "layout", layout);
            // the page sized the map after its first fit: fit again, unless the reader has moved it
            if (!map._dashboardRefitOnResize) {
                map._dashboardRefitOnResize = true;
                map.on("resize", function () { if (state.refit) { state.refit(); } });
            }
        });
        apply();
    };

    // --- the overview (inset) map ---------------------------------------------------------------

    function copyBasemap(map, inset) {
        // the main map's country outlines (or, once a tile has loaded, its tiles), drawn small
        map.eachLayer(function (layer) {
            if (layer instanceof L.GeoJSON && layer.options.pane === "tilePane") {
                // one canvas, not an SVG path per country: the overview costs the page little
                var copy = L.geoJSON(null, {style: layer.options.style, interactive: false, renderer: L.canvas()}).addTo(inset);
                var refill = function () {
                    copy.clearLayers();
                    copy.addData({type: "FeatureCollection", features: layer.getLayers().map(function (l) { return l.feature; })});
                };
                refill();
                layer.on("layeradd", function () { later(inset, "outlines", refill); });
            } else if (layer instanceof L.TileLayer) {
                layer.once("tileload", function () {
                    L.tileLayer(layer._url, {subdomains: layer.options.subdomains, attribution: ""}).addTo(inset);
                });
            }
        });
    }

    ns.inset = function (group, overview, options) {
        // options (core/render/legend.InsetMap, which the still image reads too): width, height,
        // smallWidth, smallHeight (on a map narrower than smallBelow), padding, zoomSnap
        options = options || {width: 170, height: 120, smallWidth: 110, smallHeight: 80, smallBelow: PHONE_PX,
                              padding: 6, zoomSnap: 0.25};  // a page published before the options existed
        var control = L.control({position: "bottomright"}), inset = null, extent = null, dots = null;
        function update() {
            var map = group._map;
            if (!map || !inset) { return; }
            var shown = map.getBounds();
            extent.setBounds(shown);
            inset.fitBounds(L.latLngBounds(overview).extend(shown), {padding: [options.padding, options.padding], animate: false});
        }
        control.onAdd = function (map) {
            var element = L.DomUtil.create("div", "inset-map");
            var small = map.getSize().x < options.smallBelow;
            element.style.width = (small ? options.smallWidth : options.width) + "px";
            element.style.height = (small ? options.smallHeight : options.height) + "px";
            element.setAttribute("role", "img");
            element.setAttribute("aria-label", "Overview map: the main map's extent (outlined) among every place the story names");
            L.DomEvent.disableClickPropagation(element);
            L.DomEvent.disableScrollPropagation(element);
            return element;
        };
        function show() {
            var map = group._map;
            if (!map || control._map) { return; }
            control.addTo(map);
            var element = control.getContainer();
            inset = L.map(element, {zoomControl: false, attributionControl: false, dragging: false, keyboard: false,
                                    scrollWheelZoom: false, doubleClickZoom: false, boxZoom: false, touchZoom: false,
                                    tap: false, zoomSnap: options.zoomSnap, fadeAnimation: false, zoomAnimation: false});
            element.removeAttribute("tabindex");
            inset.fitBounds(L.latLngBounds(overview), {padding: [options.padding, options.padding], animate: false});  // a view before any layer
            copyBasemap(map, inset);
            dots = L.layerGroup().addTo(inset);
            allMarkers(map).forEach(function (m) {
                L.circleMarker(m.getLatLng(), {radius: 2, weight: 1, color: "#1a1a1a", fillOpacity: 1, interactive: false}).addTo(dots);
            });
            extent = L.rectangle(map.getBounds(), {color: "#b30000", weight: 2, fillOpacity: 0.08, interactive: false, className: "inset-extent"}).addTo(inset);
            map.on("moveend", update);
            update();
        }
        // drawn just after the markers (a task of its own): the markers show first
        group.on("add", function () { setTimeout(show, 0); });
        group.on("remove", function () {
            if (group._map) { group._map.off("moveend", update); }
            if (inset) { inset.remove(); inset = null; }
            control.remove();
        });
        setTimeout(show, 0);
    };

    // --- the map's own controls and fixes (no third-party plugin: nothing loads from a CDN) --------

    // A control that shows the map full screen (Fullscreen API; no third-party plugin).
    ns.fullscreen = function (map, icon) {
        var control = L.control({position: "topleft"});
        control.onAdd = function () {
            var button = L.DomUtil.create("button", "map-fullscreen-button");
            button.type = "button";
            button.title = "Full screen";
            button.setAttribute("aria-label", "Show the map full screen");
            button.innerHTML = icon;
            L.DomEvent.disableClickPropagation(button);
            L.DomEvent.on(button, "click", function () {
                var box = map.getContainer();
                if (document.fullscreenElement) { document.exitFullscreen(); }
                else if (box.requestFullscreen) { box.requestFullscreen().catch(function () {}); }
            });
            return button;
        };
        control.addTo(map);
        document.addEventListener("fullscreenchange", function () { map.invalidateSize(); });
    };

    // A "measure a distance" control (own code; Folium's MeasureControl loads its plugin from a CDN):
    // press the button, click two points, read the great-circle distance (sphere of the Earth's mean
    // radius, 6,371.0088 km; within about 0.5 % of the WGS-84 geodesic).
    ns.measure = function (map, icon) {
        var EARTH_KM = 6371.0088;
        var layer = L.layerGroup();
        var active = false, first = null, done = false, button = null, readout = null;
        function rad(d) { return d * Math.PI / 180; }
        function deg(r) { return r * 180 / Math.PI; }
        function greatCircleKm(a, b) {
            var dLat = rad(b.lat - a.lat), dLng = rad(b.lng - a.lng);
            var h = Math.pow(Math.sin(dLat / 2), 2) +
                    Math.cos(rad(a.lat)) * Math.cos(rad(b.lat)) * Math.pow(Math.sin(dLng / 2), 2);
            return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
        }
        function unit(p) {
            var la = rad(p.lat), lo = rad(p.lng);
            return [Math.cos(la) * Math.cos(lo), Math.cos(la) * Math.sin(lo), Math.sin(la)];
        }
        function arc(a, b, n) {
            var p = unit(a), q = unit(b);
            var dot = Math.max(-1, Math.min(1, p[0] * q[0] + p[1] * q[1] + p[2] * q[2]));
            var omega = Math.acos(dot), s = Math.sin(omega);
            if (s < 1e-9) { return [a, b]; }
            var points = [], previous = a.lng;
            for (var i = 0; i <= n; i++) {
                var k1 = Math.sin((1 - i / n) * omega) / s, k2 = Math.sin((i / n) * omega) / s;
                var x = k1 * p[0] + k2 * q[0], y = k1 * p[1] + k2 * q[1], z = k1 * p[2] + k2 * q[2];
                var lat = deg(Math.atan2(z, Math.sqrt(x * x + y * y))), lng = deg(Math.atan2(y, x));
                lng += 360 * Math.round((previous - lng) / 360);
                previous = lng;
                points.push(L.latLng(lat, lng));
            }
            return points;
        }
        function say(text) { if (readout) { readout.textContent = text; } }
        function point(latlng) {
            return L.circleMarker(latlng, {radius: 4, color: "#000", weight: 2, fillColor: "#fff",
                                           fillOpacity: 1, interactive: false, className: "measure-point"});
        }
        function setActive(on) {
            active = on; first = null; done = false;
            layer.clearLayers();
            if (on) { layer.addTo(map); L.DomUtil.addClass(map.getContainer(), "measuring"); say("Click a first point"); }
            else { layer.remove(); L.DomUtil.removeClass(map.getContainer(), "measuring"); say(""); }
            button.setAttribute("aria-pressed", on ? "true" : "false");
        }
        var control = L.control({position: "topleft"});
        control.onAdd = function () {
            var box = L.DomUtil.create("div", "map-measure");
            button = L.DomUtil.create("button", "map-measure-button", box);
            button.type = "button";
            button.title = "Measure a distance: click two points on the map";
            button.setAttribute("aria-label", "Measure a distance between two points");
            button.setAttribute("aria-pressed", "false");
            button.innerHTML = icon;
            readout = L.DomUtil.create("span", "map-measure-readout", box);
            readout.setAttribute("aria-live", "polite");
            L.DomEvent.disableClickPropagation(box);
            L.DomEvent.on(button, "click", function () { setActive(!active); });
            return box;
        };
        control.addTo(map);
        map.on("click", function (event) {
            if (!active) { return; }
            if (!first || done) {
                layer.clearLayers(); done = false;
                first = event.latlng;
                point(first).addTo(layer);
                say("Click a second point");
                return;
            }
            var second = event.latlng, km = greatCircleKm(first, second);
            var text = (km < 10 ? km.toFixed(1) : Math.round(km).toLocaleString("en")) + " km";
            var path = arc(first, second, 64);
            L.polyline(path, {color: "#000", weight: 2, dashArray: "6 4", interactive: false,
                              className: "measure-line"}).addTo(layer);
            point(path[path.length - 1]).addTo(layer);
            L.marker(path[Math.floor(path.length / 2)], {interactive: false, keyboard: false,
                icon: L.divIcon({className: "measure-label", html: text, iconSize: null})}).addTo(layer);
            say(text + " (great circle)");
            done = true;
        });
        L.DomEvent.on(document, "keydown", function (event) {
            if (active && event.key === "Escape") { setActive(false); }
        });
    };

    // A "Copy link" button that copies the page's address: the server keeps the whole view in it
    // (``dashboard.ui.state.write_url``), so the link reopens the dashboard as the reader sees it.
    ns.copyLink = function (map) {
        function pageUrl() {
            try {
                var page = window.parent;
                if (!page || page === window) { return window.location.href; }
                return page.location.href;
            } catch (err) { return window.location.href; }  // not inside a page of the same origin
        }
        var control = L.control({position: "topleft"});
        control.onAdd = function () {
            var button = L.DomUtil.create("button", "map-copy-link-button");
            button.type = "button";
            button.textContent = "Copy link";
            button.setAttribute("aria-label", "Copy a link to this view");
            L.DomEvent.disableClickPropagation(button);
            L.DomEvent.on(button, "click", function () {
                var text = pageUrl();
                var done = function () { button.textContent = "Link copied"; setTimeout(function () { button.textContent = "Copy link"; }, 2000); };
                if (navigator.clipboard && navigator.clipboard.writeText) {
                    navigator.clipboard.writeText(text).then(done, function () { window.prompt("Copy this link:", text); });
                } else { window.prompt("Copy this link:", text); }
            });
            return button;
        };
        control.addTo(map);
    };

    // Makes the map's container a named landmark (``region`` in the app's iframe, ``main`` in a
    // standalone page), so the controls, legend and tooltips drawn inside it are inside a landmark and
    // screen-reader users can jump to the map.
    ns.landmark = function (map, role, label) {
        var box = map.getContainer();
        box.setAttribute("role", role);
        box.setAttribute("aria-label", label);
    };

    // Leaflet focuses the map's container on every mouse or touch press, which scrolls the page to show
    // the whole map: on a phone whose screen shows only the top of the map, a tap on a marker then
    // lands on the map beside it after the page has moved, and selects nothing. Focus the container
    // without scrolling instead (``preventScroll``).
    ns.stillPageOnTap = function (map) {
        var keyboard = map.keyboard, box = map.getContainer();
        if (!keyboard) { return; }
        L.DomEvent.off(box, "mousedown", keyboard._onMouseDown, keyboard);
        L.DomEvent.on(box, "mousedown", function () {
            if (!keyboard._focused) { box.focus({preventScroll: true}); }
        });
    };

    // When OpenStreetMap tiles fail to load (no internet), switch the map to the offline country
    // outlines and say so once, instead of leaving the reader with a grey map.
    ns.tileFallback = function (map, tiles, url, options) {
        var tiles = tiles, failures = 0, switched = false;
        tiles.on("tileerror", function () {
            failures += 1;
            if (switched || failures < 2) { return; }
            switched = true;
            map.removeLayer(tiles);
            var outlines = L.geoJson(null, options);
            outlines.addTo(map);
            fetch(url).then(function (r) { return r.json(); })
                .then(function (data) { outlines.addData(data); }).catch(function () {});
            var note = L.control({position: "topright"});
            note.onAdd = function () {
                var box = L.DomUtil.create("div", "map-notice");
                box.setAttribute("role", "status");
                box.textContent = "Map tiles could not be loaded (no internet?): showing country outlines instead.";
                return box;
            };
            note.addTo(map);
        });
    };

    // --- what the map reports to the server --------------------------------------------------------

    ns.holdOwnViews = function (map, names) {
        // The view the map opens on, each view it frames itself and each selection zoom are not
        // moves by the reader. streamlit-folium sends a value only when it differs from
        // __GLOBAL_DATA__.previous_data, and sends one as soon as the map exists: make the map's own
        // view that previous value, so opening a link runs the page once. A click on its way is left
        // to be sent. ``names`` are the component's returned objects, in order; with any other
        // name nothing is held back.
        function holdBack() {
            var data = window.__GLOBAL_DATA__, before = (data && data.previous_data) || {};
            if (!data || !data.returned_objects || data.returned_objects.some(function (name) { return names.indexOf(name) < 0; })
                || (data.last_object_clicked_count || 0) > (before.last_object_clicked_count || 0)) { return; }
            var now = {last_object_clicked: data.last_object_clicked, last_object_clicked_count: data.last_object_clicked_count,
                       bounds: map.getBounds(), zoom: map.getZoom()}, seen = {};
            names.forEach(function (name) { if (data.returned_objects.indexOf(name) >= 0) { seen[name] = now[name]; } });
            data.previous_data = JSON.parse(JSON.stringify(seen));
        }
        map.on("framed", holdBack);
        holdBack();
    };
})();
