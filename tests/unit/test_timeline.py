"""Events, standing status on a day, and timeline spans (dashboard.core.topics.timeline)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard.core.topics.timeline import (
    AnalysisDataError,
    Event,
    events_for,
    events_until,
    load_events,
    status_on,
    status_spans,
)

HEADER = "site_id,date,date_precision,status,summary,source_url,note\n"
OK_ROW = "czech-radar,2007-01-19,day,announced,Plan announced,https://example.org/a,\n"


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "events.csv"
    path.write_text(HEADER + body, encoding="utf-8")
    return path


def ev(site: str, day: str, status: str, precision: str = "day") -> Event:
    day_ = dt.date.fromisoformat(day)
    return Event(site, day_, precision, status, f"{site} {status}", "https://x.org/", "")


@pytest.fixture(scope="module")
def events() -> tuple[Event, ...]:
    return load_events()


# --- queries on the project's data ----------------------------------------------------------


def test_on_the_day_of_the_offer(events):
    day = dt.date(2007, 6, 7)
    gabala = status_on(events, "gabala-radar", day)
    assert gabala is not None and gabala.status == "operational" and gabala.date.year == 1985
    czech = status_on(events, "czech-radar", day)
    assert czech is not None and (czech.status, czech.date) == ("announced", dt.date(2007, 1, 19))
    assert status_on(events, "heiligendamm", day).status == "talks"
    assert status_on(events, "armavir-radar", day) is None  # offered only on 2 Jul 2007
    # The offer itself is in the log of that day.
    offers = [
        e.date
        for e in events_until(events, day)
        if e.site_id == "gabala-radar" and e.status == "offered"
    ]
    assert offers == [day]


def test_on_new_year_2010(events):
    day = dt.date(2010, 1, 1)
    assert status_on(events, "czech-radar", day).status == "cancelled"
    assert status_on(events, "poland-interceptors", day).status == "cancelled"
    assert status_on(events, "gabala-radar", day).status == "operational"
    assert status_on(events, "armavir-radar", day).status == "operational"


def test_later_statuses(events):
    assert status_on(events, "gabala-radar", dt.date(2012, 12, 10)).status == "closed"
    assert status_on(events, "gabala-radar", dt.date(2013, 6, 1)).status == "dismantled"
    poland = "poland-interceptors"
    assert status_on(events, poland, dt.date(2017, 1, 1)).status == "under-construction"
    assert status_on(events, poland, dt.date(2024, 12, 1)).date == dt.date(2024, 11, 13)
    assert status_on(events, "czech-radar", dt.date(1999, 1, 1)) is None
    assert status_on(events, "no-such-site", dt.date(2010, 1, 1)) is None


def test_events_until_is_sorted_and_inclusive(events):
    day = dt.date(2007, 7, 2)
    got = events_until(events, day)
    assert got and all(e.date <= day for e in got)
    assert [e.date for e in got] == sorted(e.date for e in got)
    assert any(e.site_id == "armavir-radar" and e.date == day for e in got)
    assert events_until(events, dt.date(1900, 1, 1)) == ()


# --- the standing-status rule -----------------------------------------------------------


def test_diplomatic_events_do_not_replace_an_active_status():
    log = [
        ev("s", "1985-01-01", "operational", "year"),
        ev("s", "2002-01-25", "agreed"),
        ev("s", "2007-06-07", "offered"),
        ev("s", "2012-12-10", "closed"),
        ev("s", "2013-02-05", "talks"),
    ]
    assert status_on(log, "s", dt.date(2008, 1, 1)).status == "operational"
    assert status_on(log, "s", dt.date(2012, 12, 10)).status == "closed"
    assert status_on(log, "s", dt.date(2014, 1, 1)).status == "talks"  # nothing active any more


def test_same_day_events_keep_input_order():
    log = [
        ev("s", "2007-07-01", "talks"),
        ev("s", "2007-07-02", "offered"),
        ev("s", "2007-07-02", "closed"),
    ]
    assert status_on(log, "s", dt.date(2007, 7, 2)).status == "closed"
    assert [e.status for e in events_for(log, "s")] == ["talks", "offered", "closed"]


def test_status_spans_frame(events):
    frame = status_spans(events)
    assert list(frame.columns) == ["site_id", "status", "start", "end", "date_precision", "summary"]
    assert pd.api.types.is_datetime64_any_dtype(frame["start"])
    assert pd.api.types.is_datetime64_any_dtype(frame["end"])
    gabala = frame[frame.site_id == "gabala-radar"]
    assert list(gabala.status) == ["under-construction", "operational", "closed", "dismantled"]
    assert gabala.iloc[1].end == pd.Timestamp("2012-12-10")
    assert pd.isna(gabala.iloc[-1].end)
    closed_spans = frame.dropna(subset=["end"])
    assert (closed_spans.end >= closed_spans.start).all()


def test_status_spans_until_clips(events):
    frame = status_spans(events, until=dt.date(2007, 6, 7))
    assert (frame.start <= pd.Timestamp("2007-06-07")).all()
    assert (frame.end <= pd.Timestamp("2007-06-07")).all()
    assert "armavir-radar" not in set(frame.site_id)
    czech = frame[frame.site_id == "czech-radar"]
    assert list(czech.status) == ["announced"]


def test_empty_spans():
    frame = status_spans([])
    assert frame.empty and "start" in frame.columns


# --- the Event value ----------------------------------------------------------------------


def test_event_is_frozen_and_formats_its_date():
    e = ev("s", "2013-06-01", "operational", "month")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.status = "closed"  # type: ignore[misc]
    assert e.when == "Jun 2013"
    assert ev("s", "1985-01-01", "operational", "year").when == "1985"
    assert ev("s", "2007-06-07", "offered").when == "7 Jun 2007"
    two = Event("s", dt.date(2007, 1, 1), "day", "talks", "x", "https://a.org ; http://b.org", "")
    assert two.source_urls == ("https://a.org", "http://b.org")


# --- validation ---------------------------------------------------------------------------


def test_valid_file_loads(tmp_path):
    (event,) = load_events(write(tmp_path, OK_ROW))
    assert event.site_id == "czech-radar" and event.date == dt.date(2007, 1, 19)


@pytest.mark.parametrize(
    "row, message",
    [
        ("czech-radar,2007-01-19,day,rumoured,Plan,https://e.org/a,\n", "unknown status"),
        ("czech-radar,2007-02-30,day,announced,Plan,https://e.org/a,\n", "bad date '2007-02-30'"),
        ("czech-radar,19/01/2007,day,announced,Plan,https://e.org/a,\n", "bad date"),
        ("czech-radar,2007-1-19,day,announced,Plan,https://e.org/a,\n", "bad date"),
        ("czech-radar,2007-01-19,day,announced,Plan,,\n", "missing source URL"),
        ("czech-radar,2007-01-19,day,announced,Plan,ftp://e.org/a,\n", "not an http(s) source URL"),
        ("czech-radar,2007-01-19,day,announced,Plan,https://e.org/a ; FACTS,\n", "not an http"),
        ("czech-radar,2007-01-19,week,announced,Plan,https://e.org/a,\n", "unknown date_precision"),
        ("czech-radar,2007-01-19,month,announced,Plan,https://e.org/a,\n", "period's first day"),
        ("czech-radar,2007-06-01,year,announced,Plan,https://e.org/a,\n", "period's first day"),
        ("Czech Radar,2007-01-19,day,announced,Plan,https://e.org/a,\n", "bad site_id"),
        ("czech-radar,2007-01-19,day,announced,,https://e.org/a,\n", "empty summary"),
        ("czech-radar,2007-01-19,day,announced,Plan,https://e.org/a\n", "wrong number of fields"),
    ],
)
def test_bad_rows_name_their_line(tmp_path, row, message):
    path = write(tmp_path, OK_ROW + row)
    with pytest.raises(ValueError, match="events.csv line 3") as info:
        load_events(path)
    assert message in str(info.value)
    assert isinstance(info.value, AnalysisDataError)


def test_missing_column_is_reported(tmp_path):
    path = tmp_path / "events.csv"
    path.write_text("site_id,date,status,summary,source_url,note\n", encoding="utf-8")
    with pytest.raises(ValueError, match="date_precision"):
        load_events(path)
