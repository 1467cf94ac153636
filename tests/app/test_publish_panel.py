"""The page's Publish action (AppTest): offered by default, hidden with DASHBOARD_PUBLISH=off."""
from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")


@pytest.fixture(autouse=True)
def fresh_caches(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


def publish_panels(app: AppTest) -> list[str]:
    return [e.label for e in app.expander if e.label.startswith("Publish")]


def test_the_publish_action_is_offered_by_default() -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert publish_panels(app) == ["Publish this view (page, embed code, PNG/SVG/PDF)"]


def test_publish_off_hides_it(monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_PUBLISH", "off")
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert publish_panels(app) == []
