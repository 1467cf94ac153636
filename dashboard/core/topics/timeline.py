"""The status of a site on a given day, from its dated events (a topic's ``events.csv``).

Model: each site has a *standing status* that changes with its events. Diplomatic events
(``proposed``, ``announced``, ``offered``, ``agreed``, ``talks``) about a site that is already
``under-construction`` or ``operational`` are logged but do not replace that status: the Gabala
lease signed in 2002 did not stop the radar being operational. Every other event sets the
status. An event with an ``end`` (a summit ``held`` from 6 to 8 June) stands until that day and
is ``past`` afterwards. Dates known only to the month or year are stored as the first day of
that period (``date_precision`` says which), so such an event counts from the period's first day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import pandas as pd

from dashboard.core.topics.model import STATUSES, Event

DIPLOMATIC_STATUSES = frozenset({"proposed", "announced", "offered", "agreed", "talks"})
ACTIVE_STATUSES = frozenset({"under-construction", "operational"})
#: Standing statuses that are not an event's own: before a site's record starts, and after an
#: event that lasted (a summit) has ended.
NOT_YET = "not-yet"
PAST = "past"
_STATUS_TEXT = {NOT_YET: "not yet in the record", "under-construction": "under construction", PAST: "over"}
#: The timeline's colour per status: the Okabe-Ito colours (chosen to survive colour-blindness)
#: and three more, picked so that any two differ by a CIEDE2000 ΔE of at least 11 for normal
#: vision and under simulated deuteranopia and protanopia (tests/unit/test_timeline.py checks it).
#: The closest pairs: proposed/announced (orange/yellow) to a deuteranope, offered/under construction
#: to a protanope.
STATUS_COLOURS = {
    "proposed": "#E69F00", "announced": "#F0E442", "offered": "#CC79A7", "talks": "#882200",
    "agreed": "#56B4E9", "under-construction": "#0072B2", "operational": "#009E73", "held": "#0000EE",
    "closed": "#666666", "cancelled": "#D55E00", "dismantled": "#000000",
}


def status_text(status: str) -> str:
    """A standing status as the reader reads it (``under construction``, ``not yet in the record``).

    Raises ValueError for a status that is neither an event status nor ``NOT_YET``/``PAST``.
    """
    if status not in STATUSES and status not in (NOT_YET, PAST):
        raise ValueError(f"unknown status: {status!r}")
    return _STATUS_TEXT.get(status, status)


def events_for(events: Iterable[Event], site_id: str) -> tuple[Event, ...]:
    """Return one site's events sorted by date (input order within a day)."""
    return tuple(sorted((e for e in events if e.site_id == site_id), key=lambda e: e.date))


def adjacent_event_day(events: Iterable[Event], day: dt.date, step: int) -> dt.date | None:
    """The first day after ``day`` (``step`` 1) or the last day before it (``step`` -1) on which
    an event happens, or None when there is none that way. Raises ValueError for another step."""
    if step not in (1, -1):
        raise ValueError(f"step must be 1 or -1, got {step!r}")
    days = {event.date for event in events}
    later = [d for d in days if d > day] if step == 1 else [d for d in days if d < day]
    if not later:
        return None
    return min(later) if step == 1 else max(later)


def events_until(events: Iterable[Event], day: dt.date) -> tuple[Event, ...]:
    """Return every event on or before ``day``, sorted by date (input order within a day)."""
    return tuple(sorted((e for e in events if e.date <= day), key=lambda e: e.date))


def _standing(site_events: Iterable[Event]) -> list[Event]:
    """The events that set a site's standing status, in date order (see the module doc)."""
    changes: list[Event] = []
    for event in site_events:
        active = bool(changes) and changes[-1].status in ACTIVE_STATUSES
        if active and event.status in DIPLOMATIC_STATUSES:
            continue
        changes.append(event)
    return changes


def status_on(events: Iterable[Event], site_id: str, day: dt.date) -> Event | None:
    """Return the event that set ``site_id``'s standing status on ``day``, or None before any."""
    changes = _standing(e for e in events_for(events, site_id) if e.date <= day)
    return changes[-1] if changes else None


def standing_status(events: Iterable[Event], site_id: str, day: dt.date) -> str | None:
    """The site's status on ``day``: an event status, ``PAST`` after a lasting event ended,
    ``NOT_YET`` before its record starts, or None for a site without any event."""
    events = tuple(events)
    event = status_on(events, site_id, day)
    if event is None:
        return NOT_YET if any(e.site_id == site_id for e in events) else None
    if event.end is not None and day > event.end:
        return PAST
    return event.status


def status_map(events: Iterable[Event], site_ids: Iterable[str], day: dt.date) -> dict[str, str | None]:
    """Return each site's :func:`standing_status` on ``day``."""
    events = tuple(events)
    return {site_id: standing_status(events, site_id, day) for site_id in site_ids}


def status_spans(events: Iterable[Event], until: dt.date) -> pd.DataFrame:
    """Return the standing-status spans of every site up to ``until``, for a timeline chart.

    Columns: ``site_id``, ``status``, ``start``, ``end`` (pandas Timestamps; ``end`` is the next
    span's start, a lasting event's own end (the day after it), or ``until``), ``summary``.
    Events after ``until`` are left out; rows are grouped by site in order of first appearance.
    """
    events = [e for e in events if e.date <= until]
    rows = []
    for site_id in dict.fromkeys(e.site_id for e in events):
        changes = _standing(events_for(events, site_id))
        for i, event in enumerate(changes):
            end = changes[i + 1].date if i + 1 < len(changes) else until
            if event.end is not None:
                end = min(end, event.end + dt.timedelta(days=1))
            rows.append({"site_id": site_id, "status": event.status, "start": pd.Timestamp(event.date),
                         "end": pd.Timestamp(end), "summary": event.summary})
    frame = pd.DataFrame(rows, columns=["site_id", "status", "start", "end", "summary"])
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame
