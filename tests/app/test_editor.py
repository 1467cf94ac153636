"""An editor's controls (AppTest): removing a wrong pin and undoing it (``hide=`` in the link),
the place panel's mention cards, and the "Map your own article" action at the top of the page."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
UNITED_STATES = "place-6252001"
CANADA = "place-6251999"


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def start(**params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    for key, value in params.items():
        app.query_params[key] = value
    return run(app)


def link(app: AppTest) -> dict[str, str]:
    return {key: (value[-1] if isinstance(value, list) else value) for key, value in app.query_params.items()}


def undo_buttons(app: AppTest) -> list[str]:
    return [b.label for b in app.button if b.key and b.key.startswith("undo_")]


def unescaped(markdown: str) -> str:
    """Text as the reader sees it (the page escapes Markdown in outside text)."""
    return markdown.replace("\\", "")


def notes(app: AppTest) -> str:
    return unescaped("\n".join(c.value for c in app.caption))


def test_removing_the_selected_place_hides_it_keeps_it_in_the_link_and_undo_brings_it_back() -> None:
    app = start(site=CANADA)
    assert "Named once in the article" in "\n".join(m.value for m in app.markdown)
    app.button(key="remove_place").click()
    run(app)
    assert link(app)["hide"] == CANADA and "site" not in link(app)  # the selection went with it
    assert undo_buttons(app) == ["Undo: Canada"]
    assert "Removed from the map by the editor: Canada." in notes(app)
    assert "Showing 6 of 6 sites and 17 other places" in notes(app)
    app.button(key=f"undo_{CANADA}").click()
    run(app)
    assert "hide" not in link(app) and undo_buttons(app) == []
    assert "Showing 6 of 6 sites and 18 other places" in notes(app)


def test_a_link_with_hide_opens_without_those_places_and_drops_bad_keys_with_the_notice() -> None:
    app = start(hide=f"{CANADA},place-1,czech-radar")
    assert undo_buttons(app) == ["Undo: Canada"]
    (warning,) = [unescaped(w.value) for w in app.warning]
    assert "hide: unknown 'place-1', 'czech-radar'" in warning and "The rest of the link applies" in warning
    assert link(app)["hide"] == CANADA  # written back without the dropped keys


def test_another_article_starts_with_nothing_removed() -> None:
    app = start(hide=CANADA)
    app.selectbox(key="article_choice").select("usace-2016-01-07-romania-missile-defense-complex")
    run(app)
    assert "hide" not in link(app) and undo_buttons(app) == []


def test_named_n_times_equals_the_mention_cards() -> None:
    app = start(site=UNITED_STATES)
    panel = "\n".join(m.value for m in app.markdown)
    assert "Named 9 times in the article" in panel
    cards = [c.value for c in app.caption if c.value.startswith("Mention ")]
    assert len(cards) == 9 and cards[-1].startswith("Mention 9 of 9")


def test_map_your_own_article_is_at_the_top_of_the_page_not_in_the_sidebar() -> None:
    app = start()
    labels = [e.label for e in app.main.expander]
    assert labels and labels[0] == "Map your own article"
    assert "Map your own article" not in [e.label for e in app.sidebar.expander]
    assert not app.text_area  # built only when opened


def test_the_date_can_be_typed_and_stepped_from_event_to_event() -> None:
    import datetime as dt

    from dashboard.core.topics.timeline import adjacent_event_day
    from dashboard.services.articles import catalogue

    events = [e for topic in catalogue().topics if topic.id == "missile-defense-2007" for e in topic.events]
    app = start()
    app.date_input(key="date_typed").set_value(dt.date(2010, 1, 1))
    run(app)
    assert link(app)["date"] == "2010-01-01" and app.slider(key="date_choice").value == dt.date(2010, 1, 1)
    app.button(key="date_next_event").click()
    run(app)
    following = adjacent_event_day(events, dt.date(2010, 1, 1), 1)
    assert following is not None and link(app)["date"] == following.isoformat()
    assert app.date_input(key="date_typed").value == following
    app.button(key="date_previous_event").click()
    run(app)
    assert link(app)["date"] == adjacent_event_day(events, following, -1).isoformat()
