"""Generated links through the app (AppTest): never an exception, at most one notice, and the
link the app writes back always parses cleanly."""
from __future__ import annotations

from pathlib import Path

import streamlit as st
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategies
from streamlit.testing.v1 import AppTest

from dashboard.core.sites import load_sites
from dashboard.core.viewstate import PARAM_NAMES, Choices, parse_query

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
ARTICLE = "voa-2007-06-07-putin-gabala-offer"
GOOD_VALUES = ["us-plan", "russian-proposal,threat", "gabala-radar", "2010-01-01", "rings,lines", "offline", "45.5", "3"]

values = strategies.one_of(
    strategies.sampled_from(GOOD_VALUES),
    strategies.text(max_size=40),
    strategies.text(alphabet=",-.0123456789e", max_size=12),
    strategies.just("x" * 300),
)
queries = strategies.dictionaries(
    strategies.one_of(strategies.sampled_from(PARAM_NAMES), strategies.text(min_size=1, max_size=8)),
    values,
    max_size=6,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=queries)
def test_any_link_gives_a_valid_state_and_at_most_one_notice(query: dict[str, str]) -> None:
    st.cache_data.clear()
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert len([w for w in app.warning if "ignored" in w.value]) <= 1
    written = {key: app.query_params[key] for key in app.query_params}
    flat = {k: (v[-1] if isinstance(v, list) else v) for k, v in written.items()}
    choices = Choices(frozenset({ARTICLE}), frozenset(s.id for s in load_sites()), ARTICLE)
    assert parse_query(flat, choices).problems == ()
