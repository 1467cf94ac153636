"""Links and other outside text through the app (AppTest, no browser).

Generated links (Hypothesis): never an exception, exactly one notice when something was
dropped (none otherwise), the notice shown as text, and the link the app writes back parses
cleanly. Then the notices built from outside text (a link's values, a geocoder's answer) and a
hostile article file: each reaches Streamlit's Markdown escaped by ``escape.for_markdown``."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from hypothesis import given, settings, strategies
from streamlit.testing.v1 import AppTest

from dashboard.config import Settings
from dashboard.core.escape import for_markdown
from dashboard.core.view.state import (
    PARAM_NAMES,
    Choices,
    parse_query,
    summarize_problems,
)
from dashboard.services.articles import catalogue, file_articles
from dashboard.ui.state import ADD_ARTICLE_WIDGET
from tests.hostile_payloads import (
    ARTICLE_ID,
    AUTHOR,
    OUTLET,
    PAYLOADS,
    TITLE,
    hostile_article_source,
)
from tests.nominatim_server import NominatimServer, Reply

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
DEFAULT_ARTICLE = "voa-2007-06-07-putin-gabala-offer"
STREAMLIT_OWN_PARAMS = frozenset({"embed", "embed_options"})  # st.query_params never shows them
MARKDOWN_ACTIVE = set("\\`*_{}[]()<>#+-.!|$:~^=&\"'")
IGNORED = "were ignored"

GOOD_VALUES = [
    "us-plan", "russian-proposal,threat", "", "gabala-radar", "iran", "2010-01-01", "rings,lines",
    "offline", "osm", "45.5", "-12.25", "3", "18", DEFAULT_ARTICLE,
]
values = strategies.one_of(
    strategies.sampled_from(GOOD_VALUES),
    strategies.sampled_from([text for _, text in PAYLOADS]),
    strategies.text(max_size=40),  # any unicode
    strategies.text(alphabet=",-.0123456789eE+ ", max_size=14),  # numbers and lists
    strategies.floats(allow_nan=True, allow_infinity=True).map(str),
    strategies.lists(strategies.sampled_from(["us-plan", "x", "radar", "threat", ""]), max_size=25).map(",".join),
    strategies.integers(min_value=150, max_value=2_000).map(lambda n: "x" * n),  # over the length cap
)
keys = strategies.one_of(
    strategies.sampled_from(PARAM_NAMES),
    strategies.text(min_size=1, max_size=10).filter(lambda k: k not in STREAMLIT_OWN_PARAMS),
)
queries = strategies.dictionaries(
    keys, strategies.one_of(values, strategies.lists(values, min_size=2, max_size=3)), max_size=7
)


def _unescaped_active(text: str) -> list[str]:
    found, i = [], 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            i += 2
            continue
        if text[i] in MARKDOWN_ACTIVE:
            found.append(text[i])
        i += 1
    return found


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Iterator[Path]:
    """A fresh data folder and cleared caches for the module (Hypothesis reruns one test)."""
    patch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("fuzz-data")
    patch.setenv("DASHBOARD_DATA_DIR", str(folder))
    for name in ("DASHBOARD_OFFLINE", "DASHBOARD_ARTICLES_DIR", "DASHBOARD_GEOCODER", "DASHBOARD_NOMINATIM_URL"):
        patch.delenv(name, raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield folder
    patch.undo()
    st.cache_data.clear()
    st.cache_resource.clear()


def _choices() -> Choices:
    articles = file_articles(Settings())
    topics = catalogue()
    return Choices(frozenset(articles), frozenset(site.id for site in topics.sites),
                   tuple(c.id for c in topics.categories), tuple(r.id for r in topics.roles), DEFAULT_ARTICLE)


def _run(query: dict[str, object]) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def _link_notices(app: AppTest) -> list[str]:
    return [w.value for w in app.warning if IGNORED in w.value]


@settings(max_examples=25, deadline=None)
@given(query=queries)
def test_any_link_gives_a_valid_state_one_escaped_notice_and_a_clean_link(data_dir, query) -> None:
    app = _run(query)
    expected = parse_query(query, _choices())
    notices = _link_notices(app)
    assert len(notices) == (1 if expected.problems else 0), (query, notices)
    for notice in notices:
        assert notice == for_markdown(summarize_problems(expected.problems) or "")
        assert _unescaped_active(notice) == []
    written = parse_query(dict(app.query_params), _choices())
    assert written.problems == (), (query, app.query_params)
    assert written.state.article == (expected.state.article or DEFAULT_ARTICLE)
    assert written.state.categories == expected.state.categories


@pytest.mark.parametrize(
    "query",
    [
        {"site": "![b](http://evil.example/b.png)"},  # short enough to be quoted whole
        {"proposal": "[click](javascript:window.__pwned=7)"},
        {"zoom": "$x^2$", "lat": ":red[red]"},
        {"<script>window.__pwned=1</script>": "1"},
    ],
    ids=["markdown image", "markdown link", "latex and directive", "html key"],
)
def test_the_link_notice_quotes_values_as_text(data_dir, query) -> None:
    (notice,) = _link_notices(_run(query))
    assert _unescaped_active(notice) == []
    assert notice == for_markdown(summarize_problems(parse_query(query, _choices()).problems) or "")


def test_a_hostile_article_file_reads_as_text(tmp_path, monkeypatch) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hostile.md").write_text(hostile_article_source(), encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_ARTICLES_DIR", str(folder))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        app = _run({"article": ARTICLE_ID, "site": "gabala-radar"})
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    assert app.title[0].value == for_markdown(TITLE)
    assert any(for_markdown(f"{OUTLET} · {AUTHOR}") in c.value for c in app.main.caption)
    assert all("javascript" not in str(button.proto) for button in app.get("link_button"))
    excerpts = [m.value for m in app.main.markdown if "Gabala" in m.value and "Vienna" in m.value]
    assert len(excerpts) >= len(PAYLOADS)
    for excerpt in excerpts:  # highlighted names are wrapped in :orange-background[**...**]
        plain = re.sub(r":orange-background\[\*\*(.*?)\*\*\]", r"\1", excerpt)
        assert _unescaped_active(plain) == [], excerpt[:200]


def test_a_hostile_geocoder_answer_is_shown_as_text(tmp_path, monkeypatch) -> None:
    """geopy turns Nominatim's ``{"error": ...}`` into an exception whose message is the server's
    text; it reaches the reader in the outage notice, and must not be read as Markdown."""
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "summit.md").write_text(
        "---\nid: zlat\ntitle: Zlatnikovo\n---\nThe leaders met in Zlatnikovo, in Germany, on Thursday.\n",
        encoding="utf-8",
    )
    answer = "![beacon](http://evil.example/beacon.png) :red[FAKE] $x^2$ [log in](http://evil.example)"
    monkeypatch.setenv("DASHBOARD_ARTICLES_DIR", str(folder))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_GEOCODER", "nominatim")
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        with NominatimServer({}) as server:
            server.set_handler(lambda request: Reply.json({"error": answer}))
            monkeypatch.setenv("DASHBOARD_NOMINATIM_URL", server.url)
            app = _run({"article": "zlat"})
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    (notice,) = [i.value for i in app.info if "Nominatim" in i.value]
    assert for_markdown(answer) in notice
    assert _unescaped_active(notice) == []


def test_an_intake_error_quotes_the_reader_input_as_text(data_dir) -> None:
    """Intake errors quote outside text (a date field, an uploaded file's name, a fetched page's
    content type); the error box shows it as text."""
    app = _run({})
    app.session_state[ADD_ARTICLE_WIDGET] = True  # open the panel
    app.run()
    app.text_area[0].input("Officials met in Prague on Monday.")
    app.text_input(key="paste_title").input("Talks")
    app.text_input(key="paste_date").input(":red[x]$x$")
    next(button for button in app.button if button.label == "Add and map").click()
    app.run()
    (error,) = [e.value for e in app.error]
    assert error == for_markdown("the date must be YYYY-MM-DD, not ':red[x]$x$'")
