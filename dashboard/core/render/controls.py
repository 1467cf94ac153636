"""Leaflet controls written for this project (no third-party plugin, so nothing loads from a
CDN): full screen, measuring a distance, and a "Copy link" button; and two fixes of the map's own
behaviour: its container as a named landmark, and a tap that does not scroll the page. Each is a
Folium ``MacroElement`` whose script adds itself to the map."""
from __future__ import annotations

from folium.template import Template

from dashboard.core.render.raw import RawScriptElement


class FullscreenButton(RawScriptElement):
    """A control that shows the map full screen (Fullscreen API; no third-party plugin)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
            var control = L.control({position: "topleft"});
            control.onAdd = function () {
                var button = L.DomUtil.create("button", "map-fullscreen-button");
                button.type = "button";
                button.title = "Full screen";
                button.setAttribute("aria-label", "Show the map full screen");
                button.innerHTML = {{ this.icon|tojson }};
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
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "FullscreenButton"
        self.icon = (
            '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" '
            'stroke="#333" stroke-width="2"><path d="M4 9V4h5M20 9V4h-5M4 15v5h5M20 15v5h-5"/></svg>'
        )


class MeasureDistance(RawScriptElement):
    """A "measure a distance" control (own code; Folium's MeasureControl loads its plugin from
    a CDN): press the button, click two points, read the great-circle distance (sphere of
    the Earth's mean radius, 6,371.0088 km; within about 0.5 % of the WGS-84 geodesic)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
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
                button.innerHTML = {{ this.icon|tojson }};
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
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "MeasureDistance"
        self.icon = (
            '<svg viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" fill="none" stroke="#333" '
            'stroke-width="2"><path d="M3 17L17 3l4 4L7 21z"/><path d="M7 13l2 2M10 10l2 2M13 7l2 2"/></svg>'
        )


class CopyLinkButton(RawScriptElement):
    """A "Copy link" button that copies the page's address: the server keeps the whole view in
    it (``dashboard.ui.state.write_url``), so the link reopens the dashboard as the reader sees it."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }};
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
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "CopyLinkButton"


class MapLandmark(RawScriptElement):
    """Makes the map's container a named landmark (``region`` in the app's iframe, ``main`` in a
    standalone page), so the controls, legend and tooltips drawn inside it are inside a landmark
    and screen-reader users can jump to the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var box = {{ this._parent.get_name() }}.getContainer();
            box.setAttribute("role", {{ this.role|tojson }});
            box.setAttribute("aria-label", {{ this.label|tojson }});
        })();
        {% endmacro %}
        """
    )

    def __init__(self, role: str, label: str) -> None:
        super().__init__()
        self._name = "MapLandmark"
        self.role = role
        self.label = label


class StillPageOnTap(RawScriptElement):
    """Leaflet focuses the map's container on every mouse or touch press, which scrolls the page
    to show the whole map: on a phone whose screen shows only the top of the map, a tap on a
    marker then lands on the map beside it after the page has moved, and selects nothing. Focus
    the container without scrolling instead (``preventScroll``)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function () {
            var map = {{ this._parent.get_name() }}, keyboard = map.keyboard, box = map.getContainer();
            if (!keyboard) { return; }
            L.DomEvent.off(box, "mousedown", keyboard._onMouseDown, keyboard);
            L.DomEvent.on(box, "mousedown", function () {
                if (!keyboard._focused) { box.focus({preventScroll: true}); }
            });
        })();
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()
        self._name = "StillPageOnTap"
