"""Every hostile payload, through the escaping functions, the map builder, the link parser and
the exports: nothing comes out in a form a browser would run."""
from __future__ import annotations

import html
import json

import pytest

from dashboard.core.article import Article
from dashboard.core.escape import for_html, for_markdown
from dashboard.core.export import render_export
from dashboard.core.geography import build_geography, other_places
from dashboard.core.mapview import build_map
from dashboard.core.places import Place
from dashboard.core.sites import Site
from dashboard.core.viewstate import Choices, ViewState, parse_query
from tests.hostile_payloads import LONG_LINE, PAYLOADS

IDS = [name for name, _ in PAYLOADS]


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS] + [LONG_LINE], ids=IDS + ["100 kB line"])
def test_for_html_is_inert_and_reversible(payload: str) -> None:
    escaped = for_html(payload)
    for dangerous in ("<", ">", "`", "$", "\\"):
        assert dangerous not in escaped
    assert html.unescape(escaped) == payload


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS], ids=IDS)
def test_for_markdown_escapes_every_active_character(payload: str) -> None:
    escaped = for_markdown(payload)
    for active in "<>[]()$:`*_{}":
        assert all(escaped[i - 1] == "\\" for i, c in enumerate(escaped) if c == active and i > 0)
    assert "\u202e" not in escaped


def _hostile_map_html(payload: str) -> str:
    site = Site("gabala-radar", "radar", "russian-proposal", f"Radar {payload}", f"Land {payload}",
                40.87, 47.80, 2.0, "https://example.org", payload)
    place = Place(f"Town {payload}", 0, 5, 41.0, 45.0, "gazetteer", 0.9)
    return build_map(ViewState(site="gabala-radar"), [site], [(place, 2)], None).get_root().render()


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS], ids=IDS)
def test_map_tooltips_carry_payloads_only_as_entities(payload: str) -> None:
    rendered = _hostile_map_html(payload)
    for tooltip in rendered.split("bindTooltip(")[1:]:
        literal = tooltip.split("`", 2)[1]  # the template literal Folium writes
        assert "${" not in literal and "<script" not in literal and "<img" not in literal
        assert "\\" not in literal


@pytest.mark.parametrize("payload", [p for _, p in PAYLOADS] + [LONG_LINE], ids=IDS + ["100 kB line"])
def test_links_with_payloads_are_dropped_never_raise(payload: str) -> None:
    choices = Choices(frozenset({"a"}), frozenset({"iran"}), "a")
    result = parse_query({"site": payload, "proposal": payload, "zoom": payload, payload[:30]: "1"}, choices)
    assert result.state.site is None and result.problems


def test_exports_keep_payloads_as_data() -> None:
    payload = "<script>window.__pwned=1</script>${x}`"
    article = Article(id="hostile", title=payload, text=f"Talks in Prague. {payload}", outlet=payload, url="javascript:alert(1)")
    place = Place(f"Prague{payload}", 9, 15, 50.08, 14.42, "gazetteer", 0.9)
    geo = build_geography(article, [place], [], ())
    assert other_places(geo)
    data = json.loads(render_export("geojson", geo, ViewState()))
    assert data["features"][0]["properties"]["name"] == place.name
    csv_text = render_export("csv", geo, ViewState())
    assert payload.replace('"', '""') in csv_text


SSTI = "{{ 'EXEC' ~ 'UTED' }}{{ cycler.__init__.__globals__.os.getcwd() }}{% if 1 %}{{ 'RAN' ~ 'X' }}{% endif %}"
EXECUTED = ("EXECUTED", "RANX")


def test_no_template_code_in_text_runs_on_the_server(tmp_path) -> None:
    """branca compiles rendered scripts as Jinja templates: text must never be evaluated."""
    import os

    from dashboard.core.export import InlineAssets

    rendered = _hostile_map_html(SSTI)
    assert os.getcwd() not in rendered and not any(mark in rendered for mark in EXECUTED)
    article = Article(id="ssti", title=SSTI, text=f"Talks in Prague. {SSTI}", outlet=SSTI)
    geo = build_geography(article, [Place(f"Prague {SSTI}", 9, 15, 50.08, 14.42, "gazetteer", 0.9)], [], ())
    page = render_export("html", geo, ViewState(), assets=InlineAssets(js=(), css=()))
    assert os.getcwd() not in page and not any(mark in page for mark in EXECUTED)
