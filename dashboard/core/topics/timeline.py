"""Dated, sourced events per site (data/events.csv) and the status of a site on a given day.

Model: each site has a *standing status* that changes with its events. Diplomatic events
(``proposed``, ``announced``, ``offered``, ``agreed``, ``talks``) about a site that is already
``under-construction`` or ``operational`` are logged but do not replace that status: the Gabala
lease signed in 2002 did not stop the radar being operational. Every other event sets the
status. Dates known only to the month or year are stored as the first day of that period
(``date_precision`` says which), so such an event counts from the period's first day.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from dashboard.core.topics.ranges import (
    AnalysisDataError,
    RangeFact,
    check_site_id,
    load_ranges,
    read_rows,
    split_sources,
)
from dashboard.paths import data_dir

__all__ = [
    "ACTIVE_STATUSES",
    "AnalysisDataError",
    "DATE_PRECISIONS",
    "DIPLOMATIC_STATUSES",
    "EVENTS_CSV",
    "Event",
    "RangeFact",
    "STATUSES",
    "events_for",
    "events_until",
    "load_events",
    "load_ranges",
    "status_on",
    "status_spans",
]

EVENTS_CSV = data_dir() / "events.csv"
EVENT_COLUMNS = ("site_id", "date", "date_precision", "status", "summary", "source_url", "note")
STATUSES = (
    "proposed",
    "announced",
    "offered",
    "agreed",
    "talks",
    "under-construction",
    "operational",
    "closed",
    "cancelled",
    "dismantled",
)
DIPLOMATIC_STATUSES = frozenset({"proposed", "announced", "offered", "agreed", "talks"})
ACTIVE_STATUSES = frozenset({"under-construction", "operational"})
DATE_PRECISIONS = ("day", "month", "year")


@dataclass(frozen=True)
class Event:
    """One dated event of a site, with its source URL(s) (several separated by `` ; ``)."""

    site_id: str
    date: dt.date
    date_precision: str
    status: str
    summary: str
    source_url: str
    note: str

    @property
    def source_urls(self) -> tuple[str, ...]:
        """The event's source URLs, split."""
        return split_sources(self.source_url, f"event {self.site_id} {self.date}")

    @property
    def when(self) -> str:
        """The date as precisely as it is known: ``7 Jun 2007``, ``Jun 2013`` or ``1985``."""
        if self.date_precision == "year":
            return f"{self.date.year}"
        if self.date_precision == "month":
            return self.date.strftime("%b %Y")
        return f"{self.date.day} {self.date.strftime('%b %Y')}"


def _parse_date(cell: str, precision: str, where: str) -> dt.date:
    try:
        day = dt.date.fromisoformat(cell)
    except ValueError:
        raise AnalysisDataError(f"{where}: bad date {cell!r} (YYYY-MM-DD expected)") from None
    if len(cell) != 10:
        raise AnalysisDataError(f"{where}: bad date {cell!r} (YYYY-MM-DD expected)")
    if precision not in DATE_PRECISIONS:
        raise AnalysisDataError(f"{where}: unknown date_precision {precision!r}")
    not_first = (precision == "month" and day.day != 1) or (
        precision == "year" and (day.month, day.day) != (1, 1)
    )
    if not_first:
        raise AnalysisDataError(
            f"{where}: a {precision}-precision date must be the period's first day, got {cell}"
        )
    return day


def load_events(path: Path | str = EVENTS_CSV) -> tuple[Event, ...]:
    """Return the events of an events CSV sorted by date (file order within a day).

    Raises AnalysisDataError (a ValueError) naming the line for a bad site id or date,
    an unknown status or date precision, an empty summary, or a missing or non-http(s)
    source URL.
    """
    events = []
    for where, row in read_rows(path, EVENT_COLUMNS):
        site_id = check_site_id(row["site_id"], where)
        day = _parse_date(row["date"], row["date_precision"], where)
        if row["status"] not in STATUSES:
            raise AnalysisDataError(f"{where}: unknown status {row['status']!r}")
        if not row["summary"]:
            raise AnalysisDataError(f"{where}: empty summary")
        split_sources(row["source_url"], where)
        events.append(
            Event(
                site_id, day, row["date_precision"], row["status"], row["summary"],
                row["source_url"], row["note"],
            )
        )
    return tuple(sorted(events, key=lambda e: e.date))


def events_for(events: Iterable[Event], site_id: str) -> tuple[Event, ...]:
    """Return one site's events sorted by date (input order within a day)."""
    return tuple(sorted((e for e in events if e.site_id == site_id), key=lambda e: e.date))


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
    """Return the event that set ``site_id``'s standing status on ``day``, or None before any.

    This is the latest event on or before the day, except that diplomatic events do not
    replace an ``under-construction`` or ``operational`` status (see the module doc).
    """
    changes = _standing(e for e in events_for(events, site_id) if e.date <= day)
    return changes[-1] if changes else None


def status_spans(events: Iterable[Event], until: dt.date | None = None) -> pd.DataFrame:
    """Return the standing-status spans of every site, for a timeline chart.

    Columns: ``site_id``, ``status``, ``start``, ``end`` (pandas Timestamps; ``end`` is the
    next span's start, or ``until``, or NaT when ``until`` is None), ``date_precision``,
    ``summary``. With ``until``, events after that day are left out. Rows are grouped by
    site in order of first appearance, then by start.
    """
    events = [e for e in events if until is None or e.date <= until]
    site_ids = list(dict.fromkeys(e.site_id for e in events))
    rows = []
    open_end = pd.Timestamp(until) if until is not None else pd.NaT
    for site_id in site_ids:
        changes = _standing(events_for(events, site_id))
        for i, event in enumerate(changes):
            end = pd.Timestamp(changes[i + 1].date) if i + 1 < len(changes) else open_end
            rows.append(
                {
                    "site_id": site_id,
                    "status": event.status,
                    "start": pd.Timestamp(event.date),
                    "end": end,
                    "date_precision": event.date_precision,
                    "summary": event.summary,
                }
            )
    columns = ["site_id", "status", "start", "end", "date_precision", "summary"]
    frame = pd.DataFrame(rows, columns=columns)
    frame["start"] = pd.to_datetime(frame["start"])
    frame["end"] = pd.to_datetime(frame["end"])
    return frame
