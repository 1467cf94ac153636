"""Reading and validating a topic folder (docs/TOPICS.md).

:func:`load_topic` reads the folder it is given and returns a :class:`Topic`, or raises
:class:`TopicError` naming the file, the line and the field of the first problem. Nothing here
knows where ``data/`` is: the caller passes the folder.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import tomllib

from dashboard.core.topics.model import (
    DATE_PRECISIONS,
    Atlas,
    ID_RE,
    LINKS,
    SHAPES,
    STATUSES,
    TIERS,
    Category,
    Comparison,
    Event,
    LinesLayer,
    RangeFact,
    ReferencePoint,
    Role,
    Site,
    SiteReference,
    Source,
    Speaker,
    Topic,
)
from dashboard.core.topics.installations import installation_events, installation_ranges, installation_references
from dashboard.errors import DashboardError

TOPIC_FILE = "topic.toml"
#: Each CSV file of a topic and its columns, in order; ``speakers.csv`` may be absent.
CSV_COLUMNS = {
    "sources.csv": ("id", "tier", "publisher", "title", "date", "url", "note"),
    "sites.csv": ("id", "role", "category", "name", "country", "lat", "lon", "precision_km", "sources", "note"),
    "references.csv": ("site_id", "pattern", "link", "note"),
    "ranges.csv": ("site_id", "what", "min_km", "max_km", "sources", "note"),
    "events.csv": ("site_id", "date", "date_precision", "status", "end", "summary", "sources", "note"),
    "speakers.csv": ("name", "side", "role"),
    "labels.csv": ("site_id", "label"),
}
OPTIONAL_FILES = frozenset({"speakers.csv", "references.csv", "ranges.csv", "events.csv", "labels.csv"})
# sites.csv may also have the columns ``installation`` (the atlas installation the site is) and
# ``systems`` (which of its systems' ranges the story shows; all when empty).
#: The cells an installation site leaves empty (they come from the atlas).
OWN_POINT_FIELDS = ("country", "lat", "lon", "precision_km", "sources")
#: The longest short label a site may have on the map (longer ones would crowd out the others).
MAX_LABEL_CHARS = 24
SEPARATOR = " ; "
_COLOUR_RE = re.compile(r"^#[0-9A-Fa-f]{6}$")
_URL_RE = re.compile(r'^https?://[^\s"<>]+$')
_SOURCE_DATE_RE = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_MAX_KM = 20_000.0
#: The smallest precision a point may claim (a metre).
MIN_PRECISION_KM = 0.001


class TopicError(DashboardError, ValueError):
    """A topic's data is invalid. ``str()`` names the file, the line and the field."""

    def __init__(self, file: str, line: int | None, field: str | None, message: str) -> None:
        self.file, self.line, self.field, self.message = file, line, field, message
        where = file + (f" line {line}" if line else "") + (f", field {field}" if field else "")
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True)
class _Row:
    file: str
    line: int
    values: Mapping[str, str]

    def error(self, field: str | None, message: str) -> TopicError:
        return TopicError(self.file, self.line, field, message)

    def __getitem__(self, key: str) -> str:
        return self.values[key]


def load_topic(folder: Path, atlas: Atlas | None = None) -> Topic:
    """Read and validate the topic in ``folder``; raises TopicError for the first problem.

    A site whose ``installation`` cell names an ``atlas`` installation takes its name, country,
    point and sources from it, and gets its phrases, events and its systems' ranges (see
    :mod:`dashboard.core.topics.installations`)."""
    folder = Path(folder)
    atlas = atlas or Atlas()
    toml_path = folder / TOPIC_FILE
    try:
        text = toml_path.read_text(encoding="utf-8")
        spec = tomllib.loads(text)
    except FileNotFoundError:
        raise TopicError(f"{folder.name}/{TOPIC_FILE}", None, None, "missing") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TopicError(f"{folder.name}/{TOPIC_FILE}", None, None, f"unreadable ({err})") from None
    except tomllib.TOMLDecodeError as err:
        found = re.search(r"at line (\d+)", str(err))
        line = int(found.group(1)) if found else None
        raise TopicError(f"{folder.name}/{TOPIC_FILE}", line, None, f"not valid TOML ({err})") from None
    toml = _TomlReader(f"{folder.name}/{TOPIC_FILE}", text, spec)
    topic_id = toml.string(("id",))
    if topic_id != folder.name or not ID_RE.match(topic_id):
        raise toml.error(("id",), f"must be the folder's name in kebab-case ({folder.name!r}), got {topic_id!r}")

    sources = _sources(_csv_rows(folder, "sources.csv"))
    clash = next((source_id for source_id in sources if source_id in atlas.sources), None)
    if clash:
        raise TopicError(f"{folder.name}/sources.csv", None, "id", f"source {clash!r} is already in the atlas's sources.csv: cite it from there")
    cite = _citer(sources, atlas.sources)
    categories = tuple(
        Category(toml.string(("categories", i, "id"), pattern=ID_RE), toml.string(("categories", i, "label")),
                 toml.string(("categories", i, "description"), required=False))
        for i in range(toml.count("categories", minimum=1))
    )
    roles = tuple(_role(toml, i) for i in range(toml.count("roles", minimum=1)))
    _unique(toml, "categories", [c.id for c in categories])
    _unique(toml, "roles", [r.id for r in roles])
    points = tuple(_reference_point(toml, i, cite) for i in range(toml.count("reference_points", minimum=0)))
    layers, lines = _layers(toml, {r.id for r in roles}, {p.id for p in points})
    comparison = _comparison(toml, {c.id for c in categories}, {p.id for p in points})

    category_ids, role_ids = {c.id for c in categories}, {r.id for r in roles}
    site_rows = list(_csv_rows(folder, "sites.csv"))
    sites = tuple(_site(row, topic_id, category_ids, role_ids, cite, atlas) for row in site_rows)
    site_ids = [s.id for s in sites]
    duplicate = next((s for i, s in enumerate(site_ids) if s in site_ids[:i]), None)
    if duplicate:
        raise TopicError(f"{folder.name}/sites.csv", None, "id", f"site id {duplicate!r} is listed twice")
    installations = [s.installation for s in sites if s.installation]
    twice = next((i for n, i in enumerate(installations) if i in installations[:n]), None)
    if twice:
        raise TopicError(f"{folder.name}/sites.csv", None, "installation", f"installation {twice!r} is two sites of this story")
    known_sites = set(site_ids)
    labels = dict(_label(row, known_sites) for row in _csv_rows(folder, "labels.csv"))
    sites = tuple(replace(site, label=labels.get(site.id, "")) for site in sites)
    shown_systems = {site.id: _shown_systems(row, atlas) for site, row in zip(sites, site_rows)}
    references = (
        *(_reference(row, known_sites) for row in _csv_rows(folder, "references.csv")),
        *installation_references(sites, atlas),
    )
    ranges = (
        *(_range(row, known_sites, cite) for row in _csv_rows(folder, "ranges.csv")),
        *installation_ranges(sites, shown_systems, atlas),
    )
    events = tuple(
        sorted(
            (*(_event(row, known_sites, cite) for row in _csv_rows(folder, "events.csv")), *installation_events(sites, atlas)),
            key=lambda e: e.date,
        )
    )
    speakers = tuple(_speaker(row, category_ids) for row in _csv_rows(folder, "speakers.csv"))
    period = toml.table(("period",), required=False)
    return Topic(
        id=topic_id,
        title=toml.string(("title",)),
        summary=toml.string(("summary",), required=False),
        period_start=toml.date(("period", "start")) if period else None,
        period_end=toml.date(("period", "end"), required=False) if period else None,
        timeline_start=toml.date(("timeline_start",), required=False),
        categories=categories,
        roles=roles,
        reference_points=points,
        layers=layers,
        lines=lines,
        comparison=comparison,
        sites=sites,
        references=tuple(references),
        ranges=tuple(ranges),
        events=events,
        speakers=speakers,
        sources=sources,
        version=_digest(folder) + atlas.version,
    )


# --- topic.toml --------------------------------------------------------------------------------


class _TomlReader:
    """Typed access to the parsed TOML, with errors that name the field and its line."""

    def __init__(self, file: str, text: str, data: Mapping[str, Any]) -> None:
        self.file, self.lines, self.data = file, text.splitlines(), data

    def error(self, path: Sequence[str | int], message: str) -> TopicError:
        return TopicError(self.file, self._line(path), _dotted(path), message)

    def get(self, path: Sequence[str | int]) -> Any:
        value: Any = self.data
        for part in path:
            if isinstance(part, int):
                value = value[part] if isinstance(value, list) and part < len(value) else None
            else:
                value = value.get(part) if isinstance(value, Mapping) else None
            if value is None:
                return None
        return value

    def count(self, key: str, minimum: int) -> int:
        value = self.data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
            raise self.error((key,), f"must be a list of tables ([[{key}]])")
        if len(value) < minimum:
            raise self.error((key,), f"at least {minimum} [[{key}]] entry is required")
        return len(value)

    def table(self, path: Sequence[str | int], required: bool = True) -> Mapping[str, Any] | None:
        value = self.get(path)
        if value is None and not required:
            return None
        if not isinstance(value, Mapping):
            raise self.error(path, "must be a table")
        return value

    def string(self, path: Sequence[str | int], required: bool = True, pattern: re.Pattern[str] | None = None) -> str:
        value = self.get(path)
        if value is None and not required:
            return ""
        if not isinstance(value, str) or not value.strip():
            raise self.error(path, "a non-empty text is required")
        if pattern is not None and not pattern.match(value):
            raise self.error(path, f"{value!r} is not a kebab-case id")
        return value.strip()

    def number(self, path: Sequence[str | int], low: float, high: float) -> float:
        value = self.get(path)
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
            raise self.error(path, f"a number between {low:g} and {high:g} is required, got {value!r}")
        return float(value)

    def date(self, path: Sequence[str | int], required: bool = True) -> dt.date | None:
        value = self.get(path)
        if value is None and not required:
            return None
        if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
            raise self.error(path, f"a date (YYYY-MM-DD, unquoted) is required, got {value!r}")
        return value

    def strings(self, path: Sequence[str | int]) -> tuple[str, ...]:
        value = self.get(path)
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise self.error(path, "a non-empty list of texts is required")
        return tuple(value)

    def _line(self, path: Sequence[str | int]) -> int | None:
        """The line of ``path``'s key, found by scanning for its table header and key; for a
        key inside an inline table, the line of the table's own key."""
        keys = [p for p in path if isinstance(p, str)]
        index = next((p for p in path if isinstance(p, int)), None)
        if index is None:
            for cut in range(len(keys), 0, -1):  # a table of its own ([layers.lines]) ...
                header = f"[{'.'.join(keys[:cut])}]"
                at = next((n for n, line in enumerate(self.lines, 1) if line.strip() == header), None)
                if at is not None:
                    return self._key_line(keys[cut], at) if cut < len(keys) else at
            return self._key_line(keys[0], 0)  # ... or a key of the top table (period = {...})
        seen = -1
        for number, line in enumerate(self.lines, start=1):
            if line.strip() == f"[[{keys[0]}]]":
                seen += 1
                if seen == index:
                    return self._key_line(keys[1], number) if len(keys) > 1 else number
        return None

    def _key_line(self, key: str, header_at: int) -> int | None:
        for number in range(header_at + 1, len(self.lines) + 1):
            line = self.lines[number - 1].strip()
            if line.startswith("[") and number > header_at:
                return None
            if re.match(rf"{re.escape(key)}\s*=", line):
                return number
        return None


def _dotted(path: Sequence[str | int]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def _unique(toml: _TomlReader, key: str, ids: list[str]) -> None:
    for index, item in enumerate(ids):
        if item in ids[:index]:
            raise toml.error((key, index, "id"), f"{item!r} is declared twice")


def _role(toml: _TomlReader, i: int) -> Role:
    colour = toml.string(("roles", i, "colour"))
    if not _COLOUR_RE.match(colour):
        raise toml.error(("roles", i, "colour"), f"a colour #RRGGBB is required, got {colour!r}")
    shape = toml.string(("roles", i, "shape"))
    if shape not in SHAPES:
        raise toml.error(("roles", i, "shape"), f"unknown shape {shape!r} (one of {', '.join(SHAPES)})")
    return Role(toml.string(("roles", i, "id"), pattern=ID_RE), toml.string(("roles", i, "label")), colour, shape)


def _reference_point(toml: _TomlReader, i: int, cite: Callable[[str, Callable[[str], TopicError]], tuple[Source, ...]]) -> ReferencePoint:
    path = ("reference_points", i)
    ids = toml.get((*path, "sources"))
    if not isinstance(ids, list) or not ids:
        raise toml.error((*path, "sources"), "a list of source ids is required")
    sources = cite(SEPARATOR.join(str(item) for item in ids), lambda message: toml.error((*path, "sources"), message))
    return ReferencePoint(
        id=toml.string((*path, "id"), pattern=ID_RE),
        name=toml.string((*path, "name")),
        country=toml.string((*path, "country"), required=False),
        lat=toml.number((*path, "lat"), -90, 90),
        lon=toml.number((*path, "lon"), -180, 180),
        sources=sources,
        note=toml.string((*path, "note"), required=False),
    )


def _layers(toml: _TomlReader, roles: set[str], points: set[str]) -> tuple[tuple[str, ...], LinesLayer | None]:
    from dashboard.core.view.layers import (
        TOPIC_LAYER_IDS,  # the registry of layer kinds
    )

    offered = toml.table(("layers",), required=False) or {}
    for kind in offered:
        if kind not in TOPIC_LAYER_IDS:
            raise toml.error(("layers", kind), f"unknown layer kind {kind!r} (one of {', '.join(TOPIC_LAYER_IDS)})")
    lines = None
    if "lines" in offered:
        from_roles = toml.strings(("layers", "lines", "from_roles"))
        for role in from_roles:
            if role not in roles:
                raise toml.error(("layers", "lines", "from_roles"), f"unknown role {role!r}")
        to = toml.string(("layers", "lines", "to"))
        if to not in points:
            raise toml.error(("layers", "lines", "to"), f"unknown reference point {to!r}")
        lines = LinesLayer(from_roles, to)
    return tuple(kind for kind in TOPIC_LAYER_IDS if kind in offered), lines


def _comparison(toml: _TomlReader, categories: set[str], points: set[str]) -> Comparison | None:
    if toml.table(("comparison",), required=False) is None:
        return None
    sides = toml.strings(("comparison", "sides"))
    if len(sides) != 2 or any(side not in categories for side in sides):
        raise toml.error(("comparison", "sides"), f"two category ids are required, got {list(sides)}")
    reference = toml.string(("comparison", "reference"))
    if reference not in points:
        raise toml.error(("comparison", "reference"), f"unknown reference point {reference!r}")
    return Comparison(toml.string(("comparison", "title")), (sides[0], sides[1]), reference)


# --- CSV files ---------------------------------------------------------------------------------


def _csv_rows(folder: Path, name: str, columns: Sequence[str] | None = None, optional: bool | None = None) -> Iterator[_Row]:
    """The rows of ``folder/name`` (a topic's file unless ``columns`` are given); an absent
    optional file has none. Raises TopicError for an unreadable file or a malformed row."""
    path = folder / name
    label = f"{folder.name}/{name}"
    columns = CSV_COLUMNS[name] if columns is None else tuple(columns)
    optional = name in OPTIONAL_FILES if optional is None else optional
    if not path.exists() and optional:
        return iter(())
    try:
        handle = path.open(encoding="utf-8", newline="")
    except OSError as err:
        raise TopicError(label, None, None, f"cannot be read ({err.strerror or err})") from None
    with handle:
        try:
            reader = csv.DictReader(handle)
            header = tuple(reader.fieldnames or ())
            missing = [c for c in columns if c not in header]
            if missing:
                raise TopicError(label, 1, missing[0], f"missing column(s) {', '.join(missing)}")
            rows = []
            for values in reader:
                line = reader.line_num
                if None in values or any(values.get(c) is None for c in columns):
                    raise TopicError(label, line, None, f"expected {len(header)} fields")
                rows.append(_Row(label, line, {k: (v or "").strip() for k, v in values.items()}))
        except UnicodeDecodeError as err:
            raise TopicError(label, None, None, f"not UTF-8 ({err})") from None
    return iter(rows)


def _sources(rows: Iterator[_Row], known: Mapping[str, Source] | None = None) -> dict[str, Source]:
    """The sources of ``rows`` by id; raises TopicError for a bad row or an id already in
    ``known`` or listed twice."""
    sources: dict[str, Source] = {}
    for row in rows:
        if not ID_RE.match(row["id"]):
            raise row.error("id", f"{row['id']!r} is not a kebab-case id")
        if row["id"] in sources or row["id"] in (known or {}):
            raise row.error("id", f"source {row['id']!r} is listed twice")
        if row["tier"] not in TIERS:
            raise row.error("tier", f"unknown tier {row['tier']!r} (one of {', '.join(TIERS)})")
        if not row["publisher"]:
            raise row.error("publisher", "the publisher is required")
        if row["url"] and not _URL_RE.match(row["url"]):
            raise row.error("url", f"not an http(s) URL: {row['url']!r}")
        if not row["url"] and not row["note"]:
            raise row.error("url", "a URL is required (or a note saying why there is none)")
        if row["date"] and not _SOURCE_DATE_RE.match(row["date"]):
            raise row.error("date", f"YYYY-MM-DD, YYYY-MM or YYYY expected, got {row['date']!r}")
        sources[row["id"]] = Source(
            row["id"], row["tier"], row["publisher"], row["title"], row["date"], row["url"], row["note"]
        )
    return sources


def _citer(sources: Mapping[str, Source], shared: Mapping[str, Source] | None = None) -> Callable[[str, Callable[[str], TopicError]], tuple[Source, ...]]:
    """A function turning a cell of source ids into sources (``sources`` first, then ``shared``:
    the atlas's), raising the error it is given for an empty cell or an unknown id."""
    every = {**(shared or {}), **sources}

    def cite(cell: str, error: Callable[[str], TopicError]) -> tuple[Source, ...]:
        ids = [part.strip() for part in cell.split(";") if part.strip()]
        if not ids:
            raise error("at least one source id is required")
        unknown = [item for item in ids if item not in every]
        if unknown:
            raise error(f"unknown source id {unknown[0]!r} (not in sources.csv)")
        return tuple(every[item] for item in ids)

    return cite


def _number(row: _Row, field: str, low: float, high: float) -> float:
    try:
        value = float(row[field])
    except ValueError:
        raise row.error(field, f"not a number: {row[field]!r}") from None
    if not low <= value <= high:  # also refuses NaN
        raise row.error(field, f"out of range [{low:g}, {high:g}]: {row[field]!r}")
    return value


def _site(row: _Row, topic: str, categories: set[str], roles: set[str], cite, atlas: Atlas) -> Site:
    if not ID_RE.match(row["id"]):
        raise row.error("id", f"{row['id']!r} is not a kebab-case id")
    if row["role"] not in roles:
        raise row.error("role", f"unknown role {row['role']!r} (declared: {', '.join(sorted(roles))})")
    if row["category"] not in categories:
        raise row.error("category", f"unknown category {row['category']!r} (declared: {', '.join(sorted(categories))})")
    if row.values.get("installation"):
        return _installation_site(row, topic, atlas)
    if row.values.get("systems"):
        raise row.error("systems", "only a site that is an atlas installation shows systems")
    if not row["name"]:
        raise row.error("name", "the name is required")
    precision = _number(row, "precision_km", MIN_PRECISION_KM, _MAX_KM)
    return Site(
        id=row["id"], role=row["role"], category=row["category"], name=row["name"], country=row["country"],
        lat=_number(row, "lat", -90, 90), lon=_number(row, "lon", -180, 180), precision_km=precision,
        sources=cite(row["sources"], lambda message: row.error("sources", message)), note=row["note"], topic=topic,
    )


def _installation_site(row: _Row, topic: str, atlas: Atlas) -> Site:
    """A story's site that is an atlas installation: everything but its role, category,
    (optionally) name and a note of the story's own comes from the atlas."""
    installation = atlas.installation(row["installation"])
    if installation is None:
        raise row.error("installation", f"unknown installation {row['installation']!r} (not in the atlas)")
    for field in OWN_POINT_FIELDS:
        if row[field]:
            raise row.error(field, f"leave it empty: it comes from the atlas installation {installation.id!r}")
    return Site(
        id=row["id"], role=row["role"], category=row["category"], name=row["name"] or installation.name,
        country=installation.country, lat=installation.lat, lon=installation.lon,
        precision_km=installation.precision_km, sources=installation.sources,
        note=" ".join(part for part in (row["note"], installation.note) if part),  # the story's word first
        topic=topic, installation=installation.id,
    )


def _shown_systems(row: _Row, atlas: Atlas) -> tuple[str, ...]:
    """The systems whose ranges a story shows for an installation site (all when ``systems`` is
    empty); raises TopicError for a system the installation does not host."""
    installation = atlas.installation(row.values.get("installation", ""))
    if installation is None:
        return ()
    asked = _split(row.values.get("systems", ""))
    for system in asked:
        if system not in installation.systems:
            raise row.error("systems", f"{system!r} is not one of {installation.id!r}'s systems ({', '.join(installation.systems)})")
    return asked or installation.systems


def _split(cell: str) -> tuple[str, ...]:
    """The values of a cell separated by ``;``, stripped, empty ones dropped."""
    return tuple(part.strip() for part in cell.split(";") if part.strip())


def _label(row: _Row, sites: set[str]) -> tuple[str, str]:
    if row["site_id"] not in sites:
        raise row.error("site_id", f"unknown site {row['site_id']!r}")
    if not row["label"] or len(row["label"]) > MAX_LABEL_CHARS:
        raise row.error("label", f"a label of 1 to {MAX_LABEL_CHARS} characters is required")
    return row["site_id"], row["label"]


def _reference(row: _Row, sites: set[str], key: str = "site_id") -> SiteReference:
    if row[key] not in sites:
        raise row.error(key, f"unknown {key.removesuffix('_id')} {row[key]!r}")
    if row["link"] not in LINKS:
        raise row.error("link", f"must be one of {', '.join(LINKS)}, got {row['link']!r}")
    try:
        pattern = re.compile(row["pattern"], re.IGNORECASE)
    except re.error as err:
        raise row.error("pattern", f"not a regular expression ({err})") from None
    if not row["pattern"] or pattern.match(""):
        raise row.error("pattern", "the pattern must not match empty text")
    return SiteReference(row[key], pattern, row["link"], row["note"])


def _km(row: _Row, field: str) -> float | None:
    return None if row[field] == "" else _number(row, field, 0.001, _MAX_KM)


def _range(row: _Row, sites: set[str], cite, key: str = "site_id") -> RangeFact:
    if row[key] not in sites:
        raise row.error(key, f"unknown {key.removesuffix('_id')} {row[key]!r}")
    if not row["what"]:
        raise row.error("what", "say what the range is of")
    low, high = _km(row, "min_km"), _km(row, "max_km")
    if (low is None) != (high is None):
        raise row.error("max_km" if high is None else "min_km", "give both min_km and max_km, or neither")
    if low is not None and high is not None and low > high:
        raise row.error("min_km", f"min_km {low:g} is above max_km {high:g}")
    if low is None and not row["note"]:
        raise row.error("note", "a range without a figure needs a note (what is known instead: 'no public figure')")
    return RangeFact(row[key], row["what"], low, high, cite(row["sources"], lambda m: row.error("sources", m)),
                     row["note"])


def _date(row: _Row, field: str) -> dt.date:
    text = row[field]
    try:
        if len(text) != 10:
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise row.error(field, f"not a date (YYYY-MM-DD): {text!r}") from None


def _event(row: _Row, sites: set[str], cite, key: str = "site_id") -> Event:
    if row[key] not in sites:
        raise row.error(key, f"unknown {key.removesuffix('_id')} {row[key]!r}")
    day = _date(row, "date")
    precision = row["date_precision"]
    if precision not in DATE_PRECISIONS:
        raise row.error("date_precision", f"must be one of {', '.join(DATE_PRECISIONS)}, got {precision!r}")
    if (precision == "month" and day.day != 1) or (precision == "year" and (day.month, day.day) != (1, 1)):
        raise row.error("date", f"a {precision}-precision date must be the period's first day, got {row['date']}")
    if row["status"] not in STATUSES:
        raise row.error("status", f"unknown status {row['status']!r} (one of {', '.join(STATUSES)})")
    end = _date(row, "end") if row["end"] else None
    if end is not None and end < day:
        raise row.error("end", f"the end {end} is before the date {day}")
    if not row["summary"]:
        raise row.error("summary", "a summary is required")
    return Event(row[key], day, precision, row["status"], row["summary"],
                 cite(row["sources"], lambda m: row.error("sources", m)), row["note"], end)


def _speaker(row: _Row, categories: set[str]) -> Speaker:
    if not row["name"]:
        raise row.error("name", "the name is required")
    if row["side"] not in categories:
        raise row.error("side", f"unknown category {row['side']!r}")
    return Speaker(row["name"], row["side"], row["role"])


def _digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.is_file():
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
