"""Every hostile payload (tests/hostile_payloads.py) through the escaping functions, the
geoparser, the map composer and a rendered Folium map, the link parser, the exports and the two
SQLite stores: nothing comes out in a form a browser, Markdown or Jinja would interpret, and the
text survives. Topic data is treated as untrusted too: a topic folder whose names and titles
carry payloads is escaped on the map, in the legend and in the exports."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import html
import io
import json
import os
import re
import shutil
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dashboard.core.escape import WORD_JOINER, for_html, for_js_string, for_markdown
from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import Article, parse_article
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.core.render.base import build_base_map
from dashboard.core.render.compose import compose_map, draw_groups
from dashboard.core.render.export import (
    InlineAssets,
    render_export,
    sites_csv,
    sites_geojson,
    standalone_html,
)
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.topics.atlas import load_atlas
from dashboard.core.topics.load import load_topic
from dashboard.core.topics.model import Topic
from dashboard.core.view.state import (
    PARAM_NAMES,
    Choices,
    ViewState,
    parse_query,
    summarize_problems,
)
from dashboard.paths import data_dir
from dashboard.services.articles import catalogue
from dashboard.services.cache import GeocodeCache, GeocodeResult
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.library import ArticleLibrary
from dashboard.ui.tables import markdown_table
from tests.hostile_payloads import (
    ALL_PAYLOADS,
    ARTICLE_ID,
    AUTHOR,
    JS_URL,
    OUTLET,
    PAYLOADS,
    QUOTED_PLACES,
    TITLE,
    hostile_article_source,
)

IDS = [name for name, _ in ALL_PAYLOADS]
TEXTS = [text for _, text in ALL_PAYLOADS]
SHORT_IDS = [name for name, _ in PAYLOADS]
SHORT_TEXTS = [text for _, text in PAYLOADS]
BIDI = {chr(c) for c in (0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069)}
# Characters CommonMark, GFM and Streamlit's extensions (math, :directives[]) give a meaning to.
MARKDOWN_ACTIVE = set("\\`*_{}[]()<>#+-.!|$:~^=&\"'")
SQL = "'); DROP TABLE articles; --"
#: What must never be found raw in a rendered script: live markup and template code.
LIVE_MARKUP = ("<script", "<img", "<svg", "<style", "onerror=", "onload=")
JINJA = ("{{", "{%", "{#")
OFFER_DAY = dt.date(2007, 6, 7)
ALL_LAYERS = ("places", "rings", "lines")
EMPTY_ASSETS = InlineAssets(js=(), css=())


def _markdown_unescape(text: str) -> str:
    """CommonMark's rule: a backslash before ASCII punctuation stands for that character; the
    word joiners ``for_markdown`` adds after a colon (Streamlit short codes) are invisible."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", text.replace(":" + WORD_JOINER, ":"))


def _unescaped_active(text: str) -> list[str]:
    """Active Markdown characters not preceded by an escaping backslash."""
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in MARKDOWN_ACTIVE:
            found.append(text[i])
        i += 1
    return found


def _jinja_newlines(text: str) -> str:
    """branca renders every page through Jinja, which turns a bare CR into LF (harmless)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# --- the escaping functions -------------------------------------------------------------------


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_html_is_inert_and_reversible(payload: str) -> None:
    escaped = for_html(payload)
    assert not set(escaped) & set("<>`$\\{}\"'")
    assert html.unescape(escaped) == payload


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_markdown_escapes_every_active_character_and_keeps_the_text(payload: str) -> None:
    escaped = for_markdown(payload)
    assert _unescaped_active(escaped) == []
    assert not set(escaped) & BIDI
    assert _markdown_unescape(escaped) == "".join(c for c in payload if c not in BIDI)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_for_js_string_leaves_no_jinja_opener(payload: str) -> None:
    escaped = for_js_string(payload)
    assert not any(opener in escaped for opener in JINJA)
    assert escaped.replace("\u200b", "") == payload.replace("\u200b", "")


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_a_markdown_table_keeps_its_shape_with_payloads_in_its_cells(payload: str) -> None:
    frame = pd.DataFrame([{"Site": payload, "Country": "Poland"}, {"Site": "Gabala", "Country": payload}])
    lines = markdown_table(frame).split("\n")
    assert len(lines) == 4 and lines[1] == "| --- | --- |"
    for line in (lines[0], *lines[2:]):
        assert line.replace("\\|", "").count("|") == 3  # two cells: no pipe of the text is a column
        assert _unescaped_active(line.replace(" | ", "").strip("| ")) == []


@pytest.mark.parametrize("code", [":material/home:", ":material_lock:", ":streamlit:"])
def test_for_markdown_keeps_streamlit_short_codes_as_text(code: str) -> None:
    """Streamlit replaces these in the parsed text, where escapes no longer count."""
    escaped = for_markdown(f"see {code} here")
    assert ":material_" not in escaped.replace("\\", "") and ":material/" not in escaped.replace("\\", "")
    assert ":streamlit:" not in escaped.replace("\\", "")
    assert _markdown_unescape(escaped) == f"see {code} here"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_escaping_holds_for_any_text(text: str) -> None:
    assume(WORD_JOINER not in text)
    assert html.unescape(for_html(text)) == text
    assert not set(for_html(text)) & set("<>`$\\{}")
    assert _unescaped_active(for_markdown(text)) == []
    assert _markdown_unescape(for_markdown(text)) == "".join(c for c in text if c not in BIDI)


# --- reading a rendered page ------------------------------------------------------------------


class _Scripts(HTMLParser):
    """The text of every <script> element of a page, as a browser's HTML parser splits them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.scripts: list[str] = []
        self._inside = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._inside = tag == "script"
        if self._inside:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._inside = False

    def handle_data(self, data: str) -> None:
        if self._inside:
            self.scripts[-1] += data


def _scripts(page: str) -> list[str]:
    parser = _Scripts()
    parser.feed(page)
    return parser.scripts


def _js_literals(script: str) -> tuple[list[str], list[str], str]:
    """The template literals, the quoted strings and the code outside them of a script (a small
    lexer: enough for the code Folium and the dashboard write, which has no regular expressions
    and no quotes in comments)."""
    templates: list[str] = []
    strings: list[str] = []
    code: list[str] = []
    i = 0
    while i < len(script):
        quote = script[i]
        if quote in "\"'`":
            j = i + 1
            while script[j] != quote:
                j += 2 if script[j] == "\\" else 1
            (templates if quote == "`" else strings).append(script[i + 1:j])
            i = j + 1
        elif script.startswith("//", i) and (i == 0 or script[i - 1] in " \n\t;{}"):
            i = script.find("\n", i) if "\n" in script[i:] else len(script)
        else:
            code.append(quote)
            i += 1
    return templates, strings, "".join(code)


def _shape_of(page: str) -> tuple[int, int, int]:
    """How many scripts, template literals and strings the page has: a payload that ends a
    literal early or opens a new one changes it."""
    templates = strings = 0
    scripts = _scripts(page)
    for script in scripts:
        t, s, _ = _js_literals(script)
        templates += len(t)
        strings += len(s)
    return len(scripts), templates, strings


def _collections(page: str) -> Iterator[dict]:
    """Every FeatureCollection a MarkerLayer or PathLayer hands to ``dashboardMap.markers`` / ``paths``."""
    for match in re.finditer(r"dashboardMap\.(?:markers|paths)\(\w+, ", page):
        if page[match.end()] == "{":
            yield json.JSONDecoder().raw_decode(page[match.end():])[0]


def _html_sinks(page: str) -> list[str]:
    """Every text the page's own code puts into the DOM as HTML: marker and path tooltips,
    marker icons, distance labels, and the legend."""
    sinks = []
    for collection in _collections(page):
        for feature in collection["features"]:
            props = feature["properties"]
            sinks += [props.get("tooltip", ""), props.get("html", ""), props.get("label", "") if "kind" in props else "",
                      props.get("name", "")]
    legend = re.search(r"dashboardMap\.legend\(\w+, ", page)
    if legend:
        sinks.append(json.JSONDecoder().raw_decode(page[legend.end():])[0])
    return [s for s in sinks if s]


def _marker_labels(page: str) -> list[str]:
    """The markers' labels: plain JS strings set as ``title`` and ``aria-label`` (not HTML)."""
    return [f["properties"]["label"] for c in _collections(page) for f in c["features"] if "classes" in f["properties"]]


def _assert_no_live_text_in_scripts(page: str) -> None:
    for script in _scripts(page):
        lowered = script.lower()
        for raw in LIVE_MARKUP[:4]:
            assert raw not in lowered, raw  # tojson writes < as \u003c in every string
        for opener in JINJA:
            assert opener not in script, opener  # never reaches branca's Jinja pass
        templates, _, code = _js_literals(script)
        for literal in templates:
            assert "${" not in literal and "\\" not in literal
        assert "${" not in code and "`" not in code
    for sink in _html_sinks(page):
        assert not set(sink) & set("`$\\{}"), sink[:80]
        lowered = sink.lower()
        for raw in ("<script", "<img", "<style"):
            assert raw not in lowered, raw
        tags = _shape(sink).tags  # no element of the sink has an event handler (onerror=, onload=)
        assert not any(name.startswith("on") for _, names in tags for name in names)
        # The only SVG is the dashboard's own icons (constant markup, no text inside).
        assert lowered.count("<svg") == len(re.findall(r'<svg (?:xmlns="http://www\.w3\.org/2000/svg" )?viewbox="0 0 24 ', lowered))


# --- the map: compose_map + draw_groups + a rendered Folium map -------------------------------


@pytest.fixture(scope="module")
def topic_2007() -> Topic:
    topic = catalogue().topic("missile-defense-2007")
    assert topic is not None
    return topic


def _geo(name: str, topic: Topic) -> ArticleGeography:
    """An article whose every text (title, outlet, author, url, body, place names, the names a
    cluster shows) carries ``name``, with the 2007 topic's Gabala renamed ``Radar <name>``."""
    gabala = next(s for s in topic.sites if s.id == "gabala-radar")
    article = Article(id="hostile", title=f"Title {name}", text=f"Talks in Prague. {name}",
                      outlet=f"Outlet {name}", author=f"Author {name}", date=OFFER_DAY, url=JS_URL)
    places = [Place(f"Town {name}", 9, 15, 41.0, 45.0, "gazetteer", 0.9)] * 3  # the most named: drawn alone
    places += [Place(f"A {name}", 9, 15, -40.0, -60.0, "gazetteer", 0.9)] * 2  # two in one cell: a cluster
    places += [Place(f"B {name}", 9, 15, -39.5, -59.5, "gazetteer", 0.9)] * 2
    places += [Place(f"plain{i}", 0, 5, -70.0 + (i % 60) * 2.3, -170.0 + (i // 60) * 5, "gazetteer", 0.9) for i in range(150)]
    places.append(Place(f"Nowhere {name}", 0, 5, None, None, "none", 0.0))
    site = dataclasses.replace(gabala, name=f"Radar {name}", note=name)
    return ArticleGeography(article, (), tuple(places), (), (site,), (topic,))


def _map_html(name: str, topic: Topic) -> str:
    geo = _geo(name, topic)
    view = ViewState(site="gabala-radar", layers=ALL_LAYERS)
    plan = compose_map(geo, view, OFFER_DAY)
    assert plan.places.clusters, "the plan must hold a cluster of the hostile names"
    fmap = build_base_map(view, None)
    for group in draw_groups(plan):
        group.add_to(fmap)
    return fmap.get_root().render()


@pytest.fixture(scope="module")
def benign_map(topic_2007) -> str:
    return _map_html("plain words", topic_2007)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_map_scripts_keep_their_shape_and_hold_no_live_text(payload: str, topic_2007, benign_map: str) -> None:
    """Markers, clusters, rings, lines and the legend carry the payload: it must not end a string
    early, open a template literal, add markup to an HTML sink or reach Jinja."""
    page = _map_html(payload, topic_2007)
    assert _shape_of(page) == _shape_of(benign_map)
    _assert_no_live_text_in_scripts(page)
    # The reader sees the text, character for character (JSON strings pass branca's Jinja pass
    # unchanged: even a bare CR is written as the escape \r).
    tooltips = [html.unescape(s) for s in _html_sinks(page)]
    for text in (f"Town {payload}:", f"Radar {payload} (Radar", f"(A {payload}, B {payload})"):
        assert any(text in t for t in tooltips), text[:40]
    labels = _marker_labels(page)
    assert any(label.startswith(for_js_string(f"Radar {payload} (Radar")) for label in labels)


def test_rendering_never_executes_template_code(topic_2007) -> None:
    """branca compiles rendered scripts as Jinja templates: text must never be evaluated."""
    ssti = "{{ 7*7 }} {{ 'EXEC' ~ 'UTED' }}{{ cycler.__init__.__globals__.os.getcwd() }}{% if 1 %}RANX{% endif %}"
    page = _map_html(ssti, topic_2007)
    assert os.getcwd() not in page and "EXECUTED" not in page
    labels = _marker_labels(page)
    assert any(label.startswith(for_js_string(f"Radar {ssti}")) for label in labels)  # as typed, openers split
    assert not any("Radar 49" in label for label in labels)
    assert any(f"Radar {for_html(ssti)}" in sink for sink in _html_sinks(page))
    export = render_export("html", _geo(ssti, topic_2007), ViewState(layers=ALL_LAYERS), OFFER_DAY, assets=EMPTY_ASSETS)
    assert os.getcwd() not in export and "EXECUTED" not in export and "<h1>Title 49" not in export
    assert f"<h1>Title {for_html(ssti)}</h1>" in export


def test_place_names_from_a_hostile_article_are_words_and_reach_the_tooltips_as_text() -> None:
    article = parse_article(hostile_article_source(), "ignored")
    places = geoparse(article.text, ensure_gazetteer())
    names = {place.name for place in places}
    assert set(QUOTED_PLACES) <= names and {"Paris", "Prague", "Azerbaijan"} <= names
    for name in names:  # payload characters never become part of a place name
        assert re.fullmatch(r"[^\W\d_]+(?:['\u2019\- ][^\W\d_]+)*", name), name
    geo = build_geography(article, places, catalogue())
    assert {s.id for s in geo.sites} >= {"gabala-radar"}  # "the radar base in Azerbaijan"
    view = ViewState(article=ARTICLE_ID, layers=ALL_LAYERS)
    fmap = build_base_map(view, None)
    for group in draw_groups(compose_map(geo, view, article.date)):
        group.add_to(fmap)
    page = fmap.get_root().render()
    _assert_no_live_text_in_scripts(page)
    tooltips = [t for c in _collections(page) for f in c["features"] for t in [f["properties"].get("tooltip", "")]]
    for name in QUOTED_PLACES:  # the word as the article spells it, escaped
        assert any(for_html(name) in t for t in tooltips), name
    assert any(t.startswith("N&#x27;Djamena: named once") for t in tooltips)
    assert not any("'" in t for t in tooltips)  # the ASCII quote is an entity


# --- topic data with payloads -----------------------------------------------------------------

TOPIC_PAYLOAD = '<img src=x onerror="window.__pwned=3"> ${window.__pwned=5} `tick` {{ 7*7 }} \\1'
TOPIC_PAYLOAD_URL = "https://example.org/{{7*7}}/${x}"


def _toml_string(text: str) -> str:
    return json.dumps(text)  # a JSON string is a TOML basic string (\\uXXXX escapes included)


@pytest.fixture(scope="module")
def hostile_topic(tmp_path_factory) -> Topic:
    """The 2007 topic and the atlas copied to a temporary folder, with payloads in a site's name,
    a source's title, publisher and URL, an unlinked source's title, a category's and a role's
    label, the reference point's name, a range's ``what`` and an event's summary, loaded by the
    topic loader."""
    root = tmp_path_factory.mktemp("data")
    folder, atlas = root / "missile-defense-2007", root / "atlas"
    shutil.copytree(data_dir() / "topics" / "missile-defense-2007", folder)
    shutil.copytree(data_dir() / "atlas", atlas)
    toml = (folder / "topic.toml").read_text(encoding="utf-8")
    toml = toml.replace('label = "Russian proposal"', f"label = {_toml_string('Russian ' + TOPIC_PAYLOAD)}")
    toml = toml.replace('label = "Radar"', f"label = {_toml_string('Radar ' + TOPIC_PAYLOAD)}")
    toml = toml.replace('name = "Tehran"', f"name = {_toml_string('Tehran ' + TOPIC_PAYLOAD)}")
    (folder / "topic.toml").write_text(toml, encoding="utf-8")

    def edit(file: str, key: str, column: str, value: str, folder: Path = folder) -> None:
        path = folder / file
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            fields, rows = reader.fieldnames, list(reader)
        for row in rows:
            if row[fields[0]] == key:
                row[column] = value
                break
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields)
            writer.writeheader()
            writer.writerows(rows)

    edit("sites.csv", "gabala-radar", "name", "Gabala " + TOPIC_PAYLOAD)
    edit("sources.csv", "wikipedia-qabala-radar", "title", "Qabala " + TOPIC_PAYLOAD, atlas)
    edit("sources.csv", "wikipedia-qabala-radar", "publisher", "Wiki " + TOPIC_PAYLOAD, atlas)
    edit("sources.csv", "wikipedia-qabala-radar", "url", TOPIC_PAYLOAD_URL, atlas)
    edit("sources.csv", "czech-mod-2007-08", "title", "Report " + TOPIC_PAYLOAD, atlas)  # a source without URL
    edit("ranges.csv", "daryal", "what", "detection " + TOPIC_PAYLOAD, atlas)  # Gabala's radar type
    edit("events.csv", "gabala-radar", "summary", "Built " + TOPIC_PAYLOAD, atlas)
    return load_topic(folder, load_atlas(atlas))


@pytest.fixture(scope="module")
def hostile_topic_geo(hostile_topic) -> ArticleGeography:
    article = Article(id="plain", title="Plain", text="Putin offered the Gabala radar. Bush went to Brdy.",
                      date=OFFER_DAY)
    return build_geography(article, [Place("Prague", 0, 6, 50.08, 14.42, "gazetteer", 0.9)], Catalogue((hostile_topic,)))


def test_the_hostile_topic_loads_with_its_payloads(hostile_topic, hostile_topic_geo) -> None:
    gabala = next(s for s in hostile_topic.sites if s.id == "gabala-radar")
    assert gabala.name == "Gabala " + TOPIC_PAYLOAD
    assert gabala.sources[0].title == "Qabala " + TOPIC_PAYLOAD and gabala.sources[0].url == TOPIC_PAYLOAD_URL
    assert {s.id for s in hostile_topic_geo.sites} == {"gabala-radar", "czech-radar"}


def test_topic_payloads_are_escaped_on_the_map_and_in_the_legend(hostile_topic_geo) -> None:
    view = ViewState(layers=ALL_LAYERS)
    fmap = build_base_map(view, None)
    for group in draw_groups(compose_map(hostile_topic_geo, view, OFFER_DAY)):
        group.add_to(fmap)
    page = fmap.get_root().render()
    _assert_no_live_text_in_scripts(page)
    sinks = _html_sinks(page)
    escaped = for_html(TOPIC_PAYLOAD)
    gabala_tooltip = f"Gabala {escaped} (Radar {escaped}, Russian {escaped}; status: operational)"
    assert gabala_tooltip in sinks  # the marker: site, role and category
    assert any(f"Gabala {escaped} – detection {escaped}: 6,000 km" in s for s in sinks)  # the ring
    assert any(s.startswith(f"Gabala {escaped} to Tehran {escaped}: 656 km") for s in sinks)  # the line
    (legend,) = [s for s in sinks if "legend-title" in s]
    assert f"<span>Radar {escaped}</span>" in legend and f"Distances to Tehran {escaped} (great circle)" in legend
    assert "49" not in html.unescape(legend)


def test_topic_payloads_are_escaped_in_the_layer_control(hostile_topic_geo) -> None:
    page = standalone_html(hostile_topic_geo, ViewState(layers=ALL_LAYERS), OFFER_DAY, None, assets=EMPTY_ASSETS)
    match = re.search(r"overlays :\s*\{(.*?)\},\s*\};", page, flags=re.DOTALL)
    assert match, "no layer control"
    names = [json.loads(raw) for raw in re.findall(r'("(?:[^"\\]|\\.)*")\s*:', match.group(1))]
    assert any(name.startswith("Russian") for name in names)
    for name in names:  # Leaflet sets these as innerHTML: no tag, no template, nothing evaluated
        assert "<" not in name and "${" not in name and "`" not in name, name
        assert " 49 " not in name and not any(opener in name for opener in JINJA), name


def test_topic_payloads_are_escaped_in_the_exports(hostile_topic_geo) -> None:
    view = ViewState(layers=ALL_LAYERS)
    page = standalone_html(hostile_topic_geo, view, OFFER_DAY, None, assets=EMPTY_ASSETS)
    escaped = for_html(TOPIC_PAYLOAD)
    notes = page[page.index('<section class="export-notes"'):page.index("</section>")]
    assert f"<li>Gabala {escaped} (Radar {escaped}, Russian {escaped}; status: operational): " in notes
    assert f"Wiki {escaped}, Qabala {escaped}</a> [T3]" in notes  # the source, linked, with its tier
    assert f"Report {escaped} (2007-08) [T1]" in notes  # a source without URL: named, not linked
    assert f'<a href="{for_html(TOPIC_PAYLOAD_URL)}"' in notes  # a URL is an attribute value, escaped too
    assert f"Gabala {escaped} – detection {escaped}: 6,000 km" in notes
    assert f"Built {escaped}" in notes and f"Tehran {escaped} (35.69439, 51.42151)" in notes
    assert "<img" not in notes and "${" not in notes and "{{" not in notes  # escaped, never evaluated
    data = sites_geojson(hostile_topic_geo)
    gabala = next(f["properties"] for f in data["features"] if f["properties"].get("id") == "gabala-radar")
    assert gabala["name"] == "Gabala " + TOPIC_PAYLOAD and gabala["source_url"] == [TOPIC_PAYLOAD_URL]
    rows = list(csv.DictReader(io.StringIO(sites_csv(hostile_topic_geo), newline="")))
    assert next(r for r in rows if r["id"] == "gabala-radar")["name"] == "Gabala " + TOPIC_PAYLOAD


# --- links ------------------------------------------------------------------------------------

CHOICES = Choices(frozenset({"a"}), frozenset({"iran", "gabala-radar"}), ("us-plan", "russian-proposal"),
                  ("radar", "place"), "a")


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_links_with_payloads_are_dropped_never_raise(payload: str) -> None:
    params = {name: payload for name in PARAM_NAMES} | {payload[:30] or "empty": "1"}
    result = parse_query(params, CHOICES)
    assert result.problems
    assert result.state.site is None and result.state.lat is None and result.state.zoom is None
    assert result.state.article == "a"
    notice = summarize_problems(result.problems)
    assert notice is not None and len(notice) < 2_000  # a 100 kB value is never echoed whole
    assert _unescaped_active(for_markdown(notice)) == []


@pytest.mark.parametrize("payload", SHORT_TEXTS, ids=SHORT_IDS)
def test_payloads_inside_lists_and_repeated_keys_are_dropped(payload: str) -> None:
    result = parse_query({"proposal": f"us-plan,{payload}", "site": ["iran", payload]}, CHOICES)
    assert result.state.categories == ("us-plan",)
    assert result.state.site is None and result.problems


# --- exports ----------------------------------------------------------------------------------


class _Shape(HTMLParser):
    """The tags, attribute names and script count of an HTML page (not the text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.hrefs: list[str] = []
        self.h1 = ""
        self._in_h1 = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, tuple(sorted(name for name, _ in attrs))))
        self.hrefs += [value or "" for name, value in attrs if name in ("href", "src")]
        self._in_h1 = tag == "h1"

    def handle_endtag(self, tag: str) -> None:
        self._in_h1 = False if tag == "h1" else self._in_h1

    def handle_data(self, data: str) -> None:
        if self._in_h1:
            self.h1 += data


def _shape(page: str) -> _Shape:
    parser = _Shape()
    parser.feed(page)
    return parser


@pytest.fixture(scope="module")
def benign_export(topic_2007) -> str:
    return standalone_html(_geo("plain words", topic_2007), ViewState(layers=ALL_LAYERS), OFFER_DAY, None,
                           assets=EMPTY_ASSETS)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_html_export_has_the_shape_of_a_plain_one(payload: str, topic_2007, benign_export: str) -> None:
    page = standalone_html(_geo(payload, topic_2007), ViewState(layers=ALL_LAYERS), OFFER_DAY, None,
                           assets=EMPTY_ASSETS)
    hostile, benign = _shape(page), _shape(benign_export)
    assert hostile.tags == benign.tags  # no new element, no new attribute (no onerror=)
    assert not any(href.lower().startswith("javascript") for href in hostile.hrefs)
    assert hostile.h1 == _jinja_newlines(f"Title {payload}")  # entities decoded: the reader sees the text
    assert _shape_of(page) == _shape_of(benign_export)
    _assert_no_live_text_in_scripts(page)


@pytest.mark.parametrize("payload", TEXTS, ids=IDS)
def test_geojson_and_csv_exports_keep_payloads_as_data(payload: str, topic_2007) -> None:
    geo = _geo(payload, topic_2007)
    data = json.loads(render_export("geojson", geo, ViewState(), OFFER_DAY))
    assert data["article"]["title"] == f"Title {payload}"
    assert data["article"]["url"] == JS_URL
    names = [feature["properties"]["name"] for feature in data["features"]]
    assert names[:2] == [f"Radar {payload}", f"Town {payload}"] and names[-1] == f"Nowhere {payload}"
    assert data["features"][0]["properties"]["note"] == payload
    rows = list(csv.DictReader(io.StringIO(render_export("csv", geo, ViewState(), OFFER_DAY), newline="")))
    assert [row["name"] for row in rows] == names


def test_csv_cells_that_start_like_a_formula_are_quoted() -> None:
    geo = ArticleGeography(Article(id="f", title="t", text="x"), (),
                           (Place("=HYPERLINK(\"http://evil.example\")", 0, 1, 1.0, 1.0, "gazetteer", 1.0),), (), ())
    (row,) = csv.DictReader(io.StringIO(render_export("csv", geo, ViewState(), None)))
    assert row["name"].startswith("'=")


def test_a_carriage_return_cannot_smuggle_a_formula_row_into_the_csv() -> None:
    """A bare CR ends a row in spreadsheets: a cell holding one must be quoted, or the text after
    it starts a new row whose first cell escapes the formula guard."""
    name = "Town\r=2+5+cmd|' /C calc'!A0"  # no comma or quote: those alone would get it quoted
    geo = ArticleGeography(Article(id="f", title="t", text="x"), (),
                           (Place(name, 0, 1, 1.0, 1.0, "gazetteer", 1.0),), (), ())
    text = render_export("csv", geo, ViewState(), None)
    physical_lines = re.split(r"\r\n|\r|\n", text.replace('"' + name.replace('"', '""') + '"', "QUOTED"))
    assert not any(line.startswith("=") for line in physical_lines)
    (row,) = csv.DictReader(io.StringIO(text, newline=""))
    assert row["name"] == name


# --- storage ----------------------------------------------------------------------------------


def test_the_article_library_stores_hostile_articles_verbatim(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path)
    article = parse_article(hostile_article_source(), "ignored")
    assert library.save(article)
    sneaky = Article(id="sql", title=SQL, text=f"{SQL} in Prague", outlet=SQL, author=SQL, url=SQL, licence=SQL)
    assert library.save(sneaky)
    library.close()
    reopened = ArticleLibrary.in_dir(tmp_path).articles()
    assert reopened == {ARTICLE_ID: article, "sql": sneaky}
    assert (reopened[ARTICLE_ID].title, reopened[ARTICLE_ID].outlet, reopened[ARTICLE_ID].author) == (TITLE, OUTLET, AUTHOR)


@pytest.mark.parametrize("payload", SHORT_TEXTS + [SQL], ids=SHORT_IDS + ["sql"])
def test_the_geocode_cache_keeps_hostile_queries_and_answers_apart(tmp_path: Path, payload: str) -> None:
    cache = GeocodeCache.in_dir(tmp_path)
    cache.put("nominatim", f"Town {payload}", GeocodeResult(1.0, 2.0, display_name=payload))
    cache.put("nominatim", "Prague", GeocodeResult(50.0, 14.0, display_name="Praha"))
    entry = cache.get("nominatim", f"Town {payload}")
    assert entry is not None and entry.result is not None and entry.result.display_name == payload
    assert cache.get("nominatim", "Prague").result.display_name == "Praha"  # type: ignore[union-attr]
    cache.close()


# --- fetching by URL (open) -------------------------------------------------------------------


def test_fetching_an_article_never_reaches_a_loopback_address() -> None:
    """On a shared server any reader can ask the server to fetch a URL; the page's text is then
    stored and shown to every reader. An internal page must not be reachable that way."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from dashboard.config import Settings
    from dashboard.core.geoparse.intake import IntakeError
    from dashboard.services.fetch import fetch_page

    hits: list[str] = []

    class Internal(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            body = b"<html><body><p>internal admin page: secret</p></body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Internal)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(IntakeError):
            fetch_page(f"http://127.0.0.1:{server.server_address[1]}/admin", Settings(timeout_s=2.0))
    finally:
        server.shutdown()
        server.server_close()
    assert hits == []
