"""The app's state handling without a browser (Streamlit's AppTest): links in, links out,
filters, bad parameters, offline mode."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.core.view.state import Choices, parse_query

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
ARTICLE = "voa-2007-06-07-putin-gabala-offer"
PUTIN_SENTENCE = "The existing agreement with Azerbaijan makes it possible for us to do this."


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def run(**params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def selection_text(app: AppTest) -> str:
    """What the panel beside the map says about the selection."""
    return "\n".join(m.value for m in app.markdown) + "\n".join(c.value for c in app.caption)


def showing(app: AppTest) -> str:
    return next(c.value for c in app.caption if c.value.startswith("Showing"))


def test_default_view_shows_every_site_and_writes_the_link() -> None:
    app = run()
    assert showing(app).startswith("Showing 6 of 6 sites")
    assert app.query_params["article"] == [ARTICLE] or app.query_params["article"] == ARTICLE
    assert not app.warning


def test_a_link_restores_filters_and_selection() -> None:
    app = run(proposal="us-plan,russian-proposal", role="radar,interceptors", site="gabala-radar")
    assert app.multiselect(key="filter_categories").value == ["us-plan", "russian-proposal"]
    assert app.multiselect(key="filter_roles").value == ["radar", "interceptors"]
    assert app.radio(key="selection_choice").value == "gabala-radar"
    assert showing(app).startswith("Showing 3 of 6 sites")
    assert "radar station in Azerbaijan" in selection_text(app) and "Putin" in selection_text(app)


def test_state_is_written_back_and_reads_the_same() -> None:
    app = run(proposal="threat", site="iran", layers="rings", date="2010-01-01")
    written = {key: app.query_params[key] for key in app.query_params}
    flat = {k: v[-1] if isinstance(v, list) else v for k, v in written.items()}
    assert flat["proposal"] == "threat" and flat["site"] == "iran" and flat["date"] == "2010-01-01"
    choices = Choices(frozenset({ARTICLE}), frozenset({"iran", "gabala-radar"}),
                      ("us-plan", "russian-proposal", "threat", "diplomacy"), ("radar", "threat"), ARTICLE)
    assert parse_query(flat, choices).problems == ()


def test_bad_parameters_give_one_notice_and_the_rest_applies() -> None:
    app = run(proposal="us-plan,nonsense", lat="91", lon="10", zoom="99", bogus="1", site="x" * 500)
    warnings = [w.value for w in app.warning]
    assert len(warnings) == 1 and "ignored" in warnings[0]
    assert app.multiselect(key="filter_categories").value == ["us-plan"]


def test_changing_a_filter_changes_the_list_and_the_counts() -> None:
    app = run()
    app.multiselect(key="filter_categories").set_value(["diplomacy"]).run()
    assert showing(app).startswith("Showing 2 of 6 sites")
    options = app.radio(key="selection_choice").options
    assert len(options) == 3  # none + Heiligendamm + Kennebunkport


def test_a_filter_that_leaves_nothing_says_so_and_can_reset() -> None:
    app = run()
    app.multiselect(key="filter_categories").set_value([]).run()
    app.toggle(key="layer_places").set_value(False).run()
    assert any("No site matches" in w.value for w in app.warning)
    app.button[0].click().run()
    assert showing(app).startswith("Showing 6 of 6 sites")


def test_choosing_a_site_in_the_list_shows_its_sentences() -> None:
    app = run()
    app.radio(key="selection_choice").set_value("kennebunkport").run()
    assert "Bush family compound in Maine" in selection_text(app)


def test_offline_mode_forces_the_offline_basemap(monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    app = run(basemap="osm")
    flat = app.query_params["basemap"]
    assert (flat[-1] if isinstance(flat, list) else flat) == "offline"
    assert not any(r.label == "Basemap" for r in app.radio)


def test_only_the_open_analysis_tab_is_computed() -> None:
    app = run()
    assert [t.label for t in app.tabs][:2] == ["Sites (table)", "Distances"]
    (table,) = [m.value for m in app.markdown if m.value.startswith("| Selected | Site |")]
    assert table.count("\n") == 1 + 6  # header rule and one row per site
    assert not app.dataframe and not app.get("vega_lite_chart")  # no distances, comparison, chart
    app.session_state["analysis_tab"] = "Timeline"
    app.run()
    assert len(app.get("vega_lite_chart")) == 1
    assert any("Events up to" in c.value for c in app.caption)
    assert not any(m.value.startswith("| Selected |") for m in app.markdown)  # the table tab is closed


def test_the_add_article_panel_is_built_only_when_opened() -> None:
    app = run()
    assert not app.text_area and not app.get("file_uploader")
    app.session_state["add_article_open"] = True
    app.run()
    assert len(app.text_area) == 1 and len(app.get("file_uploader")) == 1


def test_a_repeated_parameter_is_written_back_once_with_a_notice() -> None:
    """``?site=gabala-radar`` 300 times (a 5,000-character address) applies once and leaves one copy."""
    app = AppTest.from_file(APP, default_timeout=60)
    app.query_params["site"] = ["gabala-radar"] * 300
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.radio(key="selection_choice").value == "gabala-radar"
    (warning,) = [w.value for w in app.warning]
    assert "given 300 times" in warning
    assert app.query_params["site"] in ("gabala-radar", ["gabala-radar"])
