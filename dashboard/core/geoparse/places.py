"""The value every geocoder returns: a place mention with its coordinates and provenance."""
from __future__ import annotations

from dataclasses import dataclass

SOURCES = ("cache", "gazetteer", "nominatim", "curated", "none")

#: Places with at least this ``confidence`` are sure enough to show without a doubt mark: on the
#: development sets (TR-News, LGL) 97 % of the gazetteer's places at or above it lie within
#: 161 km of the annotated point (docs/BENCHMARKS.md, "Confidence calibration"). The UI may
#: hide or mark the places below it as uncertain.
CONFIDENT = 0.9


@dataclass(frozen=True)
class Place:
    """A place mention in a text, placed on the globe (or not).

    ``start``/``end`` are Python character offsets into the text (``end`` exclusive).
    ``lat``/``lon`` are ``None`` when the mention could not be placed; ``source`` then is
    ``"none"``. ``precision_km`` is the radius within which the point is believed to lie
    (a country's reference point is coarse, a town is fine). ``feature`` is one of
    ``country``, ``admin1``, ``admin2``, ``city``, ``continent``, ``region``, ``site`` or ``unknown``.
    ``place_name`` is the gazetteer's or geocoder's own name for the place, when it gave one.
    ``confidence`` is in [0, 1]; for the offline gazetteer it is calibrated (see :data:`CONFIDENT`).
    """

    name: str
    start: int
    end: int
    lat: float | None
    lon: float | None
    source: str
    confidence: float
    precision_km: float | None = None
    feature: str = "unknown"
    country_code: str | None = None
    geonameid: int | None = None
    place_name: str = ""  # the place's own name ("Russia" for the mention "Russian"), if known

    @property
    def confident(self) -> bool:
        """True when the place is placed with ``confidence`` >= :data:`CONFIDENT`."""
        return self.placed and self.confidence >= CONFIDENT

    @property
    def placed(self) -> bool:
        """True when the mention has coordinates."""
        return self.lat is not None and self.lon is not None

    def to_json(self) -> dict[str, object]:
        """The batch CLI's place object (DESIGN.md contract)."""
        return {
            "name": self.name,
            "start": self.start,
            "end": self.end,
            "lat": self.lat,
            "lon": self.lon,
            "source": self.source,
            "confidence": round(self.confidence, 3),
        }
