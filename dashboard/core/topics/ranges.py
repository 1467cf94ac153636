"""Published ranges of radars and missiles (data/ranges.csv), each with its sources."""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.paths import data_dir

RANGES_CSV = data_dir() / "ranges.csv"
RANGE_COLUMNS = ("site_id", "what", "min_km", "max_km", "source_url", "note")
SOURCE_SEPARATOR = " ; "
_SITE_ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL_RE = re.compile(r"^https?://\S+$")


class AnalysisDataError(ValueError):
    """A row of data/ranges.csv or data/events.csv is invalid; the message names file and line."""


def split_sources(cell: str, where: str) -> tuple[str, ...]:
    """Return the URLs of a source cell (several are separated by `` ; ``).

    Raises AnalysisDataError (naming ``where``) when the cell is empty or a part is not an
    http(s) URL.
    """
    urls = tuple(part.strip() for part in cell.split(SOURCE_SEPARATOR) if part.strip())
    if not urls:
        raise AnalysisDataError(f"{where}: missing source URL")
    for url in urls:
        if not _URL_RE.match(url):
            raise AnalysisDataError(f"{where}: not an http(s) source URL: {url!r}")
    return urls


def check_site_id(site_id: str, where: str) -> str:
    """Return ``site_id`` if it is kebab-case, else raise AnalysisDataError naming ``where``."""
    if not _SITE_ID_RE.match(site_id):
        raise AnalysisDataError(f"{where}: bad site_id {site_id!r} (kebab-case expected)")
    return site_id


def read_rows(path: Path | str, columns: tuple[str, ...]) -> list[tuple[str, dict[str, str]]]:
    """Return ``(where, row)`` for each data row of a CSV; ``where`` is ``"file line N"``.

    Raises AnalysisDataError when a required column is missing from the header.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise AnalysisDataError(f"{path.name} line 1: missing columns {missing}")
        rows = []
        for row in reader:
            where = f"{path.name} line {reader.line_num}"
            if None in row or any(row.get(c) is None for c in columns):
                raise AnalysisDataError(f"{where}: wrong number of fields")
            rows.append((where, {k: (v or "").strip() for k, v in row.items()}))
    return rows


@dataclass(frozen=True)
class RangeFact:
    """A published range for a site's radar or missiles.

    ``min_km``/``max_km`` are both ``None`` when no public figure exists, equal for a single
    figure, and a band (``min_km < max_km``) when sources give several figures.
    """

    site_id: str
    what: str
    min_km: float | None
    max_km: float | None
    source_urls: tuple[str, ...]
    note: str

    @property
    def has_figure(self) -> bool:
        """True when there is a figure to draw (a ring or a band)."""
        return self.max_km is not None

    @property
    def is_band(self) -> bool:
        """True when the sources give a band of figures rather than one."""
        return self.min_km is not None and self.max_km is not None and self.min_km < self.max_km


def _km(cell: str, column: str, where: str) -> float | None:
    if cell == "":
        return None
    try:
        value = float(cell)
    except ValueError:
        raise AnalysisDataError(f"{where}: {column} is not a number: {cell!r}") from None
    if not (0.0 < value < 20_000.0):
        raise AnalysisDataError(f"{where}: {column} out of range (0, 20000) km: {cell!r}")
    return value


def load_ranges(path: Path | str = RANGES_CSV) -> tuple[RangeFact, ...]:
    """Return the range facts of a ranges CSV, in file order.

    Raises AnalysisDataError (a ValueError) naming the line for a bad site id, an empty
    ``what``, a non-numeric or out-of-range figure, only one of min/max given,
    ``min_km > max_km``, or a missing or non-http(s) source URL.
    """
    facts = []
    for where, row in read_rows(path, RANGE_COLUMNS):
        site_id = check_site_id(row["site_id"], where)
        if not row["what"]:
            raise AnalysisDataError(f"{where}: empty 'what'")
        lo, hi = _km(row["min_km"], "min_km", where), _km(row["max_km"], "max_km", where)
        if (lo is None) != (hi is None):
            raise AnalysisDataError(f"{where}: give both min_km and max_km, or neither")
        if lo is not None and hi is not None and lo > hi:
            raise AnalysisDataError(f"{where}: min_km {lo} > max_km {hi}")
        urls = split_sources(row["source_url"], where)
        facts.append(RangeFact(site_id, row["what"], lo, hi, urls, row["note"]))
    return tuple(facts)
