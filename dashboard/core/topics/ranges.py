"""Published ranges as the reader reads them (the figures are a topic's ``ranges.csv``)."""
from __future__ import annotations

from dashboard.core.format import km
from dashboard.core.topics.model import RangeFact

NO_PUBLIC_FIGURE = "no public figure"


def range_label(fact: RangeFact) -> str:
    """Return the figure as text: ``6,000 km``, ``1,300–2,000 km`` or ``no public figure``."""
    if fact.min_km is None or fact.max_km is None:
        return NO_PUBLIC_FIGURE
    if fact.is_band:
        return f"{km(fact.min_km, unit=False)}–{km(fact.max_km)}"
    return km(fact.max_km)
