"""Standing status on a day, lasting events, and timeline spans (dashboard.core.topics.timeline)."""
from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from dashboard.core import format as fmt
from dashboard.core.topics.model import Event
from dashboard.core.topics.timeline import (
    NOT_YET,
    PAST,
    events_for,
    events_until,
    standing_status,
    status_map,
    status_on,
    status_spans,
    status_text,
)
from dashboard.services.articles import catalogue

EVENTS = tuple(e for topic in catalogue().topics for e in topic.events)


def ev(site: str, day: str, status: str, precision: str = "day", end: str | None = None) -> Event:
    return Event(site, dt.date.fromisoformat(day), precision, status, f"{site} {status}", (), "",
                 dt.date.fromisoformat(end) if end else None)


# --- queries on the project's data ----------------------------------------------------------


def test_on_the_day_of_the_offer():
    day = dt.date(2007, 6, 7)
    gabala = status_on(EVENTS, "gabala-radar", day)
    assert gabala is not None and gabala.status == "operational" and gabala.date.year == 1985
    assert status_on(EVENTS, "czech-radar", day).date == dt.date(2007, 1, 19)
    assert status_on(EVENTS, "armavir-radar", day) is None  # offered only on 2 Jul 2007
    offers = [e.date for e in events_until(EVENTS, day) if e.site_id == "gabala-radar" and e.status == "offered"]
    assert offers == [day]


def test_on_new_year_2010():
    day = dt.date(2010, 1, 1)
    statuses = status_map(EVENTS, ["czech-radar", "poland-interceptors", "gabala-radar", "armavir-radar"], day)
    assert statuses == {"czech-radar": "cancelled", "poland-interceptors": "cancelled",
                        "gabala-radar": "operational", "armavir-radar": "operational"}


def test_later_statuses():
    assert status_on(EVENTS, "gabala-radar", dt.date(2012, 12, 10)).status == "closed"
    assert status_on(EVENTS, "gabala-radar", dt.date(2013, 6, 1)).status == "dismantled"
    assert status_on(EVENTS, "czech-radar", dt.date(1999, 1, 1)) is None
    assert standing_status(EVENTS, "czech-radar", dt.date(1999, 1, 1)) == NOT_YET
    assert standing_status(EVENTS, "no-such-site", dt.date(2010, 1, 1)) is None


def test_events_until_is_sorted_and_inclusive():
    day = dt.date(2007, 7, 2)
    got = events_until(EVENTS, day)
    assert got and all(e.date <= day for e in got)
    assert [e.date for e in got] == sorted(e.date for e in got)
    assert any(e.site_id == "armavir-radar" and e.date == day for e in got)
    assert events_until(EVENTS, dt.date(1900, 1, 1)) == ()


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


def test_a_lasting_event_stands_until_its_end_then_is_past():
    log = [ev("summit", "2007-06-06", "held", end="2007-06-08")]
    assert standing_status(log, "summit", dt.date(2007, 6, 5)) == NOT_YET
    assert standing_status(log, "summit", dt.date(2007, 6, 7)) == "held"
    assert standing_status(log, "summit", dt.date(2007, 6, 8)) == "held"
    assert standing_status(log, "summit", dt.date(2007, 6, 9)) == PAST
    assert status_text(PAST) == "over" and status_text(NOT_YET) == "not yet in the record"
    with pytest.raises(ValueError):
        status_text("exploded")


def test_same_day_events_keep_input_order():
    log = [ev("s", "2007-07-01", "talks"), ev("s", "2007-07-02", "offered"), ev("s", "2007-07-02", "closed")]
    assert status_on(log, "s", dt.date(2007, 7, 2)).status == "closed"
    assert [e.status for e in events_for(log, "s")] == ["talks", "offered", "closed"]


def test_status_spans_frame():
    frame = status_spans(EVENTS, until=dt.date(2025, 1, 1))
    assert list(frame.columns) == ["site_id", "status", "start", "end", "summary"]
    assert pd.api.types.is_datetime64_any_dtype(frame["start"]) and pd.api.types.is_datetime64_any_dtype(frame["end"])
    gabala = frame[frame.site_id == "gabala-radar"]
    assert list(gabala.status) == ["under-construction", "operational", "closed", "dismantled"]
    assert gabala.iloc[1].end == pd.Timestamp("2012-12-10")
    assert gabala.iloc[-1].end == pd.Timestamp("2025-01-01")
    assert (frame.end >= frame.start).all()


def test_a_summit_is_a_short_span_not_years():
    frame = status_spans(EVENTS, until=dt.date(2026, 1, 1))
    (summit,) = frame[frame.site_id == "heiligendamm"].itertuples()
    assert (summit.start, summit.end) == (pd.Timestamp("2007-06-06"), pd.Timestamp("2007-06-09"))


def test_status_spans_until_clips():
    frame = status_spans(EVENTS, until=dt.date(2007, 6, 7))
    assert (frame.start <= pd.Timestamp("2007-06-07")).all() and (frame.end <= pd.Timestamp("2007-06-08")).all()
    assert "armavir-radar" not in set(frame.site_id)
    assert list(frame[frame.site_id == "czech-radar"].status) == ["announced"]


def test_empty_spans():
    frame = status_spans([], until=dt.date(2020, 1, 1))
    assert frame.empty and "start" in frame.columns


def test_event_is_frozen_and_its_date_reads_as_precisely_as_known():
    e = ev("s", "2013-06-01", "operational", "month")
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.status = "closed"  # type: ignore[misc]
    assert fmt.day_with_precision(e.date, e.date_precision) == "Jun 2013"
    assert fmt.day_with_precision(dt.date(1985, 1, 1), "year") == "1985"
    assert fmt.day_with_precision(dt.date(2007, 6, 7), "day") == "7 Jun 2007"


# --- the timeline's colours --------------------------------------------------------------------

#: CIEDE2000 ΔE below which two bar colours are easily taken for one another at a glance.
MIN_STATUS_DELTA_E = 11.0


@pytest.mark.parametrize("vision", ["normal", "deutan", "protan"])
def test_every_two_status_colours_are_told_apart_also_by_colour_blind_readers(vision: str) -> None:
    """Pairwise CIEDE2000 in CIELAB, after simulating deuteranopia or protanopia (coloraide's
    full-severity filters): proposed and announced, operational and held were the same colour."""
    from itertools import combinations

    from coloraide import Color

    from dashboard.core.topics.model import STATUSES
    from dashboard.core.topics.timeline import STATUS_COLOURS

    assert set(STATUS_COLOURS) == set(STATUSES)  # every status has its own colour
    seen = {status: Color(colour) if vision == "normal" else Color(colour).filter(vision)
            for status, colour in STATUS_COLOURS.items()}
    too_close = [(a, b, round(seen[a].delta_e(seen[b], method="2000"), 1)) for a, b in combinations(seen, 2)
                 if seen[a].delta_e(seen[b], method="2000") < MIN_STATUS_DELTA_E]
    assert too_close == []


def test_adjacent_event_day_steps_from_event_to_event() -> None:
    from dashboard.core.topics.timeline import adjacent_event_day

    events = [ev("a", "2007-06-07", "proposed"), ev("b", "2007-06-07", "held"), ev("a", "2009-09-17", "cancelled"),
              ev("a", "2008-07-08", "agreed")]
    assert adjacent_event_day(events, dt.date(2007, 6, 7), 1) == dt.date(2008, 7, 8)
    assert adjacent_event_day(events, dt.date(2008, 1, 1), 1) == dt.date(2008, 7, 8)
    assert adjacent_event_day(events, dt.date(2008, 7, 8), -1) == dt.date(2007, 6, 7)
    assert adjacent_event_day(events, dt.date(2009, 9, 17), 1) is None
    assert adjacent_event_day(events, dt.date(2007, 6, 7), -1) is None
    with pytest.raises(ValueError):
        adjacent_event_day(events, dt.date(2007, 6, 7), 2)
