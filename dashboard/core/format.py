"""The one formatter for what the reader reads: distances, counts and dates, the same in the map,
the tables, the timeline and the exports."""
from __future__ import annotations

import datetime as dt


def km(value: float, *, unit: bool = True) -> str:
    """``3,407 km`` (whole km, thousands separated); below 10 km one decimal (``8.5 km``)."""
    text = f"{value:,.1f}" if abs(value) < 10 else f"{round(value):,}"
    return f"{text} km" if unit else text


def count(value: int) -> str:
    """``1,234``."""
    return f"{value:,}"


def day(value: dt.date) -> str:
    """``7 Jun 2007``: the one date format of the page, the exports and the timeline."""
    return f"{value.day} {value.strftime('%b %Y')}"


def day_with_precision(value: dt.date, precision: str) -> str:
    """A date as precisely as it is known: ``7 Jun 2007``, ``Jun 2013`` or ``1985``."""
    if precision == "year":
        return str(value.year)
    if precision == "month":
        return value.strftime("%b %Y")
    return day(value)


def degrees(lat: float, lon: float) -> str:
    """``40.8707° N, 47.8027° E``."""
    ns = "N" if lat >= 0 else "S"
    ew = "E" if lon >= 0 else "W"
    return f"{abs(lat):.4f}° {ns}, {abs(lon):.4f}° {ew}"


def bearing(value: float) -> str:
    """``52°`` (initial bearing, whole degrees)."""
    return f"{round(value) % 360}°"
