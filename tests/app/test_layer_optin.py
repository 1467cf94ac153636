"""The page's layer toggles follow the topic's opt-in (Streamlit's AppTest): an article whose topic
offers no layer gets no rings or lines toggle, even from a link that asks for them, and runs
without an error; the same topic offering its layers gets both."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.core.topics.catalogue import load_catalogue
from dashboard.services import articles as article_sources
from tests.topic_fixture import INVENTED_ARTICLE_TEXT, LAYERED_TOPIC_TOML, NO_LAYERS_TOPIC_TOML, write_topic

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
ARTICLE_ID = "invented-radar-story"
ARTICLE = f"---\nid: {ARTICLE_ID}\ntitle: Radar and depot\ndate: 2001-06-01\n---\n{INVENTED_ARTICLE_TEXT}\n"


def page_with_topic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, topic_toml: str) -> AppTest:
    """The page for the invented article, with the invented topic as the only topic, opened from a
    link that asks for every layer."""
    topics = tmp_path / "topics"
    write_topic(topics, "invented", **{"topic.toml": topic_toml})
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "invented.md").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setattr(article_sources, "catalogue", lambda: load_catalogue(topics))
    monkeypatch.setenv("DASHBOARD_ARTICLES_DIR", str(folder))
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    try:
        app = AppTest.from_file(APP, default_timeout=60)
        app.query_params.update({"article": ARTICLE_ID, "layers": "places,rings,lines"})
        app.run()
    finally:
        st.cache_data.clear()
        st.cache_resource.clear()
    assert not app.exception, [e.value for e in app.exception]
    assert any(c.value.startswith("Showing 2 of 2 sites") for c in app.caption)  # the article got the topic
    return app


def layer_toggles(app: AppTest) -> set[str]:
    return {toggle.key for toggle in app.toggle if toggle.key and toggle.key.startswith("layer_")}


def test_a_topic_that_offers_no_layer_gets_no_rings_or_lines_toggle(tmp_path, monkeypatch) -> None:
    app = page_with_topic(tmp_path, monkeypatch, NO_LAYERS_TOPIC_TOML)
    assert layer_toggles(app) == {"layer_places"}


def test_the_same_topic_offering_its_layers_gets_both_toggles(tmp_path, monkeypatch) -> None:
    app = page_with_topic(tmp_path, monkeypatch, LAYERED_TOPIC_TOML)
    assert layer_toggles(app) == {"layer_places", "layer_rings", "layer_lines"}
