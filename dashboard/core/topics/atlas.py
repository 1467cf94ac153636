"""Reading and validating the atlas folder ``data/atlas/`` (docs/TOPICS.md): installations,
systems, their ranges, events, phrases and sources, and how unclaimed installations are drawn.

:func:`read_atlas` collects every problem (each names the file, the line and the field) and
keeps the rows that are sound; :func:`load_atlas` raises the first problem as a TopicError.
"""
from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterator
from pathlib import Path

from dashboard.core.topics.load import (
    MIN_PRECISION_KM,
    TopicError,
    _citer,
    _digest,
    _csv_rows,
    _event,
    _number,
    _range,
    _reference,
    _role,
    _Row,
    _sources,
    _split,
    _TomlReader,
    _MAX_KM,
)
from dashboard.core.topics.model import (
    ID_RE,
    INSTALLATION_KINDS,
    SYSTEM_KINDS,
    Atlas,
    Category,
    Installation,
    Source,
    System,
)

ATLAS_FILE = "atlas.toml"
#: The atlas's CSV files and their columns; the last three may be absent.
ATLAS_COLUMNS = {
    "sources.csv": ("id", "tier", "publisher", "title", "date", "url", "note"),
    "systems.csv": ("id", "name", "aliases", "kind", "sources", "note"),
    "installations.csv": (
        "id", "name", "aliases", "kind", "country", "lat", "lon", "precision_km", "operator", "systems", "sources", "note",
    ),
    "ranges.csv": ("system_id", "what", "min_km", "max_km", "sources", "note"),
    "events.csv": ("installation_id", "date", "date_precision", "status", "end", "summary", "sources", "note"),
    "references.csv": ("installation_id", "pattern", "link", "note"),
}
OPTIONAL_ATLAS_FILES = frozenset({"ranges.csv", "events.csv", "references.csv"})


def load_atlas(folder: Path) -> Atlas:
    """The atlas in ``folder`` (an empty atlas when there is no such folder); raises TopicError
    for the first problem."""
    atlas, problems = read_atlas(folder)
    if problems:
        raise problems[0]
    return atlas


def read_atlas(folder: Path) -> tuple[Atlas, tuple[TopicError, ...]]:
    """The atlas in ``folder`` built from its sound rows, and every problem found (in file order)."""
    folder = Path(folder)
    if not folder.is_dir():
        return Atlas(), ()
    problems: list[TopicError] = []

    def rows(name: str) -> Iterator[_Row]:
        try:
            return _csv_rows(folder, name, ATLAS_COLUMNS[name], optional=name in OPTIONAL_ATLAS_FILES)
        except TopicError as err:
            problems.append(err)
            return iter(())

    def each(name: str, parse: Callable[[_Row], object], unique: bool = False) -> list:
        """The parsed sound rows of ``name`` (with ``unique``: the first row of each id)."""
        kept, seen = [], set()
        for row in rows(name):
            try:
                item = parse(row)
                if unique and item.id in seen:
                    raise row.error("id", f"{item.id!r} is listed twice")
            except TopicError as err:
                problems.append(err)
                continue
            seen.add(getattr(item, "id", None))
            kept.append(item)
        return kept

    sources: dict[str, Source] = {}
    for row in rows("sources.csv"):  # one row at a time, so one bad source does not hide the rest
        try:
            sources.update(_sources(iter([row]), known=sources))
        except TopicError as err:
            problems.append(err)
    cite = _citer(sources)
    systems = each("systems.csv", lambda row: _system(row, cite), unique=True)
    system_ids = {system.id for system in systems}
    installations = each("installations.csv", lambda row: _installation(row, system_ids, cite), unique=True)
    installation_ids = {i.id for i in installations}
    ranges = each("ranges.csv", lambda row: _range(row, system_ids, cite, key="system_id"))
    events = each("events.csv", lambda row: _event(row, installation_ids, cite, key="installation_id"))
    references = each("references.csv", lambda row: _reference(row, installation_ids, key="installation_id"))
    style = _style(folder, problems)
    atlas = Atlas(
        installations=tuple(installations),
        systems=tuple(systems),
        ranges=tuple(ranges),
        events=tuple(sorted(events, key=lambda e: e.date)),
        references=tuple(references),
        sources=sources,
        version=_digest(folder),
        **style,
    )
    return atlas, tuple(problems)


def _names(row: _Row) -> tuple[str, ...]:
    if not row["name"]:
        raise row.error("name", "the name is required")
    aliases = _split(row["aliases"])
    empty = [alias for alias in aliases if not re.search(r"\w", alias)]
    if empty:
        raise row.error("aliases", f"an alias needs a letter or a digit, got {empty[0]!r}")
    return aliases


def _system(row: _Row, cite) -> System:
    if not ID_RE.match(row["id"]):
        raise row.error("id", f"{row['id']!r} is not a kebab-case id")
    aliases = _names(row)
    if row["kind"] not in SYSTEM_KINDS:
        raise row.error("kind", f"unknown kind {row['kind']!r} (one of {', '.join(SYSTEM_KINDS)})")
    return System(row["id"], row["name"], aliases, row["kind"], cite(row["sources"], lambda m: row.error("sources", m)), row["note"])


def _installation(row: _Row, systems: set[str], cite) -> Installation:
    if not ID_RE.match(row["id"]):
        raise row.error("id", f"{row['id']!r} is not a kebab-case id")
    aliases = _names(row)
    if row["kind"] not in INSTALLATION_KINDS:
        raise row.error("kind", f"unknown kind {row['kind']!r} (one of {', '.join(INSTALLATION_KINDS)})")
    if not row["country"]:
        raise row.error("country", "the country is required")
    hosted = _split(row["systems"])
    unknown = [system for system in hosted if system not in systems]
    if unknown:
        raise row.error("systems", f"unknown system {unknown[0]!r} (not in systems.csv)")
    return Installation(
        id=row["id"], name=row["name"], aliases=aliases, kind=row["kind"], country=row["country"],
        lat=_number(row, "lat", -90, 90), lon=_number(row, "lon", -180, 180),
        precision_km=_number(row, "precision_km", MIN_PRECISION_KM, _MAX_KM), operator=row["operator"],
        systems=hosted, sources=cite(row["sources"], lambda m: row.error("sources", m)), note=row["note"],
    )


def _style(folder: Path, problems: list[TopicError]) -> dict:
    """``atlas.toml``: the title, summary, category and roles (per installation kind) of the
    installations that no story claims. Absent: such installations are not drawn."""
    path = folder / ATLAS_FILE
    label = f"{folder.name}/{ATLAS_FILE}"
    if not path.exists():
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        toml = _TomlReader(label, text, tomllib.loads(text))
        category = Category(
            toml.string(("category", "id"), pattern=ID_RE), toml.string(("category", "label")),
            toml.string(("category", "description"), required=False),
        )
        roles, kind_roles = [], {}
        for i in range(toml.count("roles", minimum=1)):
            role = _role(toml, i)
            roles.append(role)
            for kind in toml.strings(("roles", i, "kinds")):
                if kind not in INSTALLATION_KINDS:
                    raise toml.error(("roles", i, "kinds"), f"unknown installation kind {kind!r}")
                kind_roles[kind] = role.id
        missing = [kind for kind in INSTALLATION_KINDS if kind not in kind_roles]
        if missing:
            raise toml.error(("roles",), f"no role for the kind {missing[0]!r}")
        return {
            "title": toml.string(("title",)), "summary": toml.string(("summary",), required=False),
            "category": category, "roles": tuple(roles), "kind_roles": kind_roles,
        }
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        problems.append(TopicError(label, None, None, f"unreadable ({err})"))
    except TopicError as err:
        problems.append(err)
    return {}


