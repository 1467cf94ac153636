"""Adding an article from the app (AppTest): paste, duplicates, bad input, the library survives
a restart and ?article= links work for stored articles."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.ui.state import ADD_ARTICLE_WIDGET

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
TEXT = "Officials from Poland and the Czech Republic met in Prague on Monday. Talks continue in Warsaw."


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


def start(**params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state[ADD_ARTICLE_WIDGET] = True  # the panel is built only while open
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def paste(app: AppTest, text: str, title: str = "Prague talks") -> AppTest:
    if not app.text_area:  # the panel closes once an article is added: open it again
        app.session_state[ADD_ARTICLE_WIDGET] = True
        app.run()
    app.text_area[0].input(text)
    app.text_input(key="paste_title").input(title)
    next(b for b in app.button if b.label == "Add and map").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_pasted_article_is_stored_selected_and_mapped() -> None:
    app = paste(start(), TEXT)
    assert app.title[0].value == "Prague talks"
    article_id = app.selectbox(key="article_choice").value
    assert article_id.startswith("prague-talks-")
    assert any(c.value.startswith("Showing 4 of the places the article names") for c in app.caption)
    assert not app.text_area and any("Added" in s.value for s in app.success)  # the form closed, the outcome shows
    # a restart (new session, caches cleared) still lists it, and its link works
    st.cache_data.clear()
    st.cache_resource.clear()
    again = start(article=article_id)
    assert again.title[0].value == "Prague talks"
    assert not again.warning


def test_the_same_text_twice_makes_no_second_copy() -> None:
    app = paste(start(), TEXT)
    app = paste(app, TEXT)
    titles = [o for o in app.selectbox(key="article_choice").options if o.startswith("Prague talks")]
    assert len(titles) == 1


def test_empty_text_is_refused_with_the_reason() -> None:
    app = paste(start(), "   \n  ")
    assert any("no text" in e.value for e in app.error)


def test_an_article_without_places_says_so() -> None:
    app = paste(start(), "Nothing here names anywhere at all.", title="Placeless")
    assert any("names no place" in i.value for i in app.info)
