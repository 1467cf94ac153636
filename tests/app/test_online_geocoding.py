"""With DASHBOARD_GEOCODER=nominatim the page first shows the gazetteer's places, then asks a
(local) Nominatim about the names the gazetteer could not place, with a progress bar; a
second visit uses the cache, and an outage becomes a visible notice."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.nominatim_server import NominatimServer, Reply, nominatim_place

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
ARTICLE = """---
id: summit-at-heiligendamm
title: Summit at Zlatnikovo
---
The leaders met in Zlatnikovo, in Germany, on Thursday.
"""


@pytest.fixture
def online_env(monkeypatch, tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "summit.md").write_text(ARTICLE, encoding="utf-8")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("DASHBOARD_ARTICLES_DIR", str(articles))
    monkeypatch.setenv("DASHBOARD_GEOCODER", "nominatim")
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    with NominatimServer({"Zlatnikovo": [nominatim_place("Zlatnikovo", 53.9, 12.1, type="village")]}) as server:
        monkeypatch.setenv("DASHBOARD_NOMINATIM_URL", server.url)
        yield server
    st.cache_data.clear()
    st.cache_resource.clear()


def run() -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["article"] = "summit-at-heiligendamm"
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_unknown_names_are_asked_once_then_come_from_the_cache(online_env) -> None:
    app = run()
    caption = next(c.value for c in app.caption if c.value.startswith("Showing"))
    assert caption.startswith("Showing 2 of the places")  # Germany from the gazetteer, Zlatnikovo from Nominatim
    assert [r.query for r in online_env.requests] == ["Zlatnikovo"]
    st.cache_resource.clear()  # a new process: only the SQLite cache remembers
    st.cache_data.clear()
    run()
    assert len(online_env.requests) == 1


def test_an_outage_is_said_and_the_gazetteer_places_stay(online_env) -> None:
    online_env.enqueue(Reply.error(503))
    app = run()
    assert any("Nominatim unavailable" in i.value for i in app.info)
    caption = next(c.value for c in app.caption if c.value.startswith("Showing"))
    assert caption.startswith("Showing 1 of the places")
