"""The analysis layer's data files: data/events.csv and data/ranges.csv (and their loader)."""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
from pathlib import Path

import pytest

from dashboard.core.topics.ranges import (
    RANGES_CSV,
    AnalysisDataError,
    RangeFact,
    load_ranges,
)
from dashboard.core.topics.timeline import EVENTS_CSV, STATUSES, load_events

# The fixed site ids (DESIGN.md) plus the later ones this data introduces.
KNOWN_SITES = {
    "czech-radar",
    "poland-interceptors",
    "gabala-radar",
    "iran",
    "heiligendamm",
    "kennebunkport",
    "armavir-radar",
}
HTTP = re.compile(r"^https?://\S+$")


@pytest.fixture(scope="module")
def events():
    return load_events(EVENTS_CSV)


@pytest.fixture(scope="module")
def ranges():
    return {(r.site_id, r.what): r for r in load_ranges(RANGES_CSV)}


def test_data_files_sit_in_data_dir():
    assert EVENTS_CSV.parent.name == RANGES_CSV.parent.name == "data"
    assert EVENTS_CSV.is_file() and RANGES_CSV.is_file()


def test_every_event_is_sourced_and_known(events):
    assert len(events) >= 18
    for e in events:
        assert e.site_id in KNOWN_SITES
        assert e.status in STATUSES
        assert e.source_urls and all(HTTP.match(u) for u in e.source_urls)
        assert e.summary


def test_every_range_is_sourced_and_known(ranges):
    for fact in ranges.values():
        assert fact.site_id in KNOWN_SITES
        assert fact.source_urls and all(HTTP.match(u) for u in fact.source_urls)
        assert fact.note


@pytest.mark.parametrize(
    "site, day, status",
    [
        ("gabala-radar", "1985-01-01", "operational"),
        ("gabala-radar", "2002-01-25", "agreed"),
        ("gabala-radar", "2007-06-07", "offered"),
        ("gabala-radar", "2012-12-10", "closed"),
        ("gabala-radar", "2013-01-01", "dismantled"),
        ("czech-radar", "2007-01-19", "announced"),
        ("czech-radar", "2008-07-08", "agreed"),
        ("czech-radar", "2009-09-17", "cancelled"),
        ("poland-interceptors", "2008-08-20", "agreed"),
        ("poland-interceptors", "2009-09-17", "cancelled"),
        ("poland-interceptors", "2016-05-13", "under-construction"),
        ("poland-interceptors", "2023-12-15", "operational"),
        ("poland-interceptors", "2024-11-13", "operational"),
        ("heiligendamm", "2007-06-06", "talks"),
        ("heiligendamm", "2007-06-08", "closed"),
        ("kennebunkport", "2007-07-01", "talks"),
        ("armavir-radar", "2007-07-02", "offered"),
        ("armavir-radar", "2013-06-01", "operational"),
    ],
)
def test_required_events_are_present(events, site, day, status):
    wanted = (site, dt.date.fromisoformat(day), status)
    assert wanted in {(e.site_id, e.date, e.status) for e in events}


def test_imprecise_dates_are_marked(events):
    by_key = {(e.site_id, e.date): e for e in events}
    assert by_key[("gabala-radar", dt.date(1985, 1, 1))].date_precision == "year"
    assert by_key[("gabala-radar", dt.date(2013, 1, 1))].date_precision == "year"
    assert by_key[("armavir-radar", dt.date(2013, 6, 1))].date_precision == "month"


@pytest.mark.parametrize(
    "site, day, words",
    [
        ("gabala-radar", "1985-01-01", ["Disagreement", "1983"]),
        ("gabala-radar", "2007-06-07", ["8 Jun"]),
        ("gabala-radar", "2012-12-10", ["9 Dec", "24 Dec"]),
        ("poland-interceptors", "2008-08-20", ["14 Aug"]),
        ("poland-interceptors", "2016-05-13", ["2018"]),
        ("poland-interceptors", "2023-12-15", ["2023", "2024"]),
        ("armavir-radar", "2009-02-26", ["Disagreement", "experimental"]),
        ("armavir-radar", "2007-07-02", ["southern Russia", "Oct 2007"]),
    ],
)
def test_disagreements_are_stated_not_silently_picked(events, site, day, words):
    (event,) = [e for e in events if e.site_id == site and e.date == dt.date.fromisoformat(day)]
    text = event.summary + " " + event.note
    for word in words:
        assert word in text


def test_range_figures(ranges):
    gabala = ranges[("gabala-radar", "radar detection")]
    assert (gabala.min_km, gabala.max_km) == (6000.0, 6000.0)
    assert gabala.has_figure and not gabala.is_band
    assert "7,200" in gabala.note  # the other figures stay visible

    iran = ranges[("iran", "missile reach")]
    assert (iran.min_km, iran.max_km) == (1300.0, 2000.0) and iran.is_band

    armavir = ranges[("armavir-radar", "radar detection")]
    assert (armavir.min_km, armavir.max_km) == (4000.0, 6000.0) and armavir.is_band
    assert "4,200" in armavir.note


@pytest.mark.parametrize(
    "key",
    [
        ("czech-radar", "radar detection"),
        ("poland-interceptors", "interceptor reach (two-stage GBI)"),
        ("poland-interceptors", "interceptor reach (SM-3 Block IIA)"),
    ],
)
def test_no_public_figure_is_not_a_circle(ranges, key):
    fact = ranges[key]
    assert fact.min_km is None and fact.max_km is None
    assert not fact.has_figure and not fact.is_band
    assert "No public figure" in fact.note


def test_czech_estimate_is_kept_in_the_note(ranges):
    assert "4,500–6,000 km" in ranges[("czech-radar", "radar detection")].note


def test_range_fact_is_frozen(ranges):
    fact = ranges[("iran", "missile reach")]
    assert isinstance(fact, RangeFact)
    with pytest.raises(dataclasses.FrozenInstanceError):
        fact.max_km = 1.0  # type: ignore[misc]


# --- validation of ranges.csv -------------------------------------------------------------

RANGE_HEADER = "site_id,what,min_km,max_km,source_url,note\n"


@pytest.mark.parametrize(
    "row, message",
    [
        ("iran,missile reach,1300,,https://e.org/a,n\n", "both min_km and max_km"),
        ("iran,missile reach,2000,1300,https://e.org/a,n\n", "min_km 2000.0 > max_km 1300.0"),
        ("iran,missile reach,about 1300,2000,https://e.org/a,n\n", "min_km is not a number"),
        ("iran,missile reach,0,2000,https://e.org/a,n\n", "out of range"),
        ("iran,missile reach,1300,2000,,n\n", "missing source URL"),
        ("iran,missile reach,1300,2000,www.e.org,n\n", "not an http(s) source URL"),
        ("iran,,1300,2000,https://e.org/a,n\n", "empty 'what'"),
        ("Iran,missile reach,1300,2000,https://e.org/a,n\n", "bad site_id"),
    ],
)
def test_bad_range_rows_name_their_line(tmp_path: Path, row, message):
    path = tmp_path / "ranges.csv"
    first = "gabala-radar,radar detection,6000,6000,https://e.org/b,\n"
    path.write_text(RANGE_HEADER + first + row, encoding="utf-8")
    with pytest.raises(AnalysisDataError, match="ranges.csv line 3") as info:
        load_ranges(path)
    assert message in str(info.value)


def test_range_sources_are_split(tmp_path: Path):
    path = tmp_path / "ranges.csv"
    row = 'iran,missile reach,,,"https://a.org/x ; http://b.org/y",no figure\n'
    path.write_text(RANGE_HEADER + row, encoding="utf-8")
    (fact,) = load_ranges(path)
    assert fact.source_urls == ("https://a.org/x", "http://b.org/y")
