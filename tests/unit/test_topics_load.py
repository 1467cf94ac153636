"""Loading a topic folder: a valid one loads whole; each kind of bad data gives an error naming the
file, the line and the field; a bad topic is reported without taking the others down."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.topics.catalogue import load_catalogue
from dashboard.core.topics.load import TopicError, load_topic
from tests.topic_fixture import FILES, TOPIC_TOML, write_topic


def test_a_valid_topic_loads_whole(tmp_path: Path) -> None:
    topic = load_topic(write_topic(tmp_path))
    assert topic.id == "invented" and topic.title == "An invented story"
    assert (topic.period_start, topic.period_end) == (dt.date(2001, 1, 1), dt.date(2002, 12, 31))
    assert [c.id for c in topic.categories] == ["invented-side-a", "invented-side-b"]
    assert [(r.id, r.shape) for r in topic.roles] == [("radar", "triangle"), ("invented-depot", "star")]
    assert topic.layers == ("rings", "lines", "timeline")
    assert topic.lines is not None and topic.lines.from_roles == ("radar",) and topic.lines.to == "invented-capital"
    assert topic.comparison is not None and topic.comparison.sides == ("invented-side-a", "invented-side-b")
    north, south = topic.sites
    assert (north.lat, north.lon, north.topic) == (11.0, 21.0, "invented")
    assert [s.id for s in south.sources] == ["invented-atlas", "invented-wire"]
    assert south.sources[1].url == "" and south.sources[1].tier == "T2"
    assert [r.link for r in topic.references] == ["named", "named", "inferred"]
    assert topic.ranges[0].has_figure and not topic.ranges[1].has_figure
    held = topic.events[1]
    assert (held.status, held.end) == ("held", dt.date(2001, 5, 4))
    assert topic.speakers[0].side == "invented-side-a"
    assert len(topic.version) == 16


def test_the_version_changes_with_the_data(tmp_path: Path) -> None:
    first = load_topic(write_topic(tmp_path / "a")).version
    changed = FILES["sites.csv"].replace("North radar", "North radar station")
    second = load_topic(write_topic(tmp_path / "b", **{"sites.csv": changed})).version
    assert first != second


def test_speakers_are_optional(tmp_path: Path) -> None:
    folder = write_topic(tmp_path)
    (folder / "speakers.csv").unlink()
    assert load_topic(folder).speakers == ()


def _line_of(text: str, new: str) -> int:
    """The line where the replaced text starts, counted from 1."""
    return text[: text.index(new)].count("\n") + 1


def _broken(tmp_path: Path, name: str, old: str, new: str) -> TopicError:
    text = (TOPIC_TOML if name == "topic.toml" else FILES[name])
    assert old in text, f"fixture text {old!r} not in {name}"
    folder = write_topic(tmp_path, **{name: text.replace(old, new)})
    with pytest.raises(TopicError) as caught:
        load_topic(folder)
    return caught.value


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "field", "words"),
    [
        ("sites.csv", ",radar,{id}-side-a,", ",laser,{id}-side-a,", 2, "role", "unknown role 'laser'"),
        ("sites.csv", "{id}-side-b,South", "{id}-side-c,South", 3, "category", "unknown category"),
        ("sites.csv", "1,{id}-atlas,printed", "1,,printed", 2, "sources", "at least one source"),
        ("sites.csv", "1,{id}-atlas,printed", "1,{id}-blog,printed", 2, "sources", "unknown source id"),
        ("sites.csv", "11.0,21.0", "north,21.0", 2, "lat", "not a number"),
        ("sites.csv", "11.0,21.0", "91.0,21.0", 2, "lat", "out of range"),
        ("sites.csv", "{id}-north-radar,radar", "North_Radar,radar", 2, "id", "kebab-case"),
        ("sites.csv", "21.0,1,{id}-atlas", "21.0,0.0004,{id}-atlas", 2, "precision_km", "out of range"),
        ("sites.csv", "21.0,1,{id}-atlas", "21.0,0,{id}-atlas", 2, "precision_km", "out of range"),
        ("sources.csv", "{id}-atlas,T1,", "{id}_Atlas,T1,", 2, "id", "kebab-case"),
        ("references.csv", "\\bSouthbury\\b,named", "(?:Southbury)?,named", 3, "pattern", "empty text"),
        ("references.csv", "\\bSouthbury\\b,named", "x*,named", 3, "pattern", "empty text"),
        ("ranges.csv", "reach,,,{id}-wire,no public figure: only estimates", "reach,,,{id}-wire,", 3, "note", "no public figure"),
        ("ranges.csv", "detection,500,500", "detection,,500", 2, "min_km", "both"),
        ("ranges.csv", "detection,500,500", "detection,600,500", 2, "min_km", "above max_km"),
        ("ranges.csv", "detection,500,500", "detection,five,500", 2, "min_km", "not a number"),
        ("events.csv", "2001-05-02,day,held", "2001-13-02,day,held", 3, "date", "not a date"),
        ("events.csv", "2001-05-02,day,held", "2 May 2001,day,held", 3, "date", "not a date"),
        ("events.csv", "2001-01-01,year,operational", "2001-06-01,year,operational", 2, "date", "first day"),
        ("events.csv", "day,held,2001-05-04", "day,held,2001-04-04", 3, "end", "before the date"),
        ("events.csv", "year,operational", "year,exploded", 2, "status", "unknown status"),
        ("events.csv", "2001-01-01,year", "2001-01-01,decade", 2, "date_precision", "one of"),
        ("references.csv", "{id}-north-radar,\\bNorthfield", "{id}-west-radar,\\bNorthfield", 2, "site_id", "unknown site"),
        ("references.csv", "depot in Inventia,inferred", "depot in (Inventia,inferred", 4, "pattern", "regular expression"),
        ("references.csv", "\\bSouthbury\\b,named", "\\bSouthbury\\b,guessed", 3, "link", "one of"),
        ("sources.csv", "{id}-atlas,T1,", "{id}-atlas,T9,", 2, "tier", "unknown tier"),
        ("sources.csv", ",,URL not verified", ",,", 3, "url", "a URL is required"),
        ("sources.csv", "https://example.org/atlas", "javascript:alert(1)", 2, "url", "not an http(s) URL"),
        ("speakers.csv", "Smith,{id}-side-a", "Smith,{id}-side-z", 2, "side", "unknown category"),
    ],
)
def test_bad_csv_data_names_file_line_and_field(tmp_path, name, old, new, line, field, words) -> None:
    error = _broken(tmp_path, name, old, new)
    assert (error.file, error.line, error.field) == (f"invented/{name}", line, field)
    assert words in error.message
    assert str(error).startswith(f"invented/{name} line {line}, field {field}: ")


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ('shape = "star"', 'shape = "blob"', "roles[1].shape", "unknown shape 'blob'"),
        ('colour = "#E69F00"', 'colour = "orange"', "roles[1].colour", "#RRGGBB"),
        ("[layers.timeline]", "[layers.heatmap]", "layers.heatmap", "unknown layer kind"),
        ('to = "{id}-capital"', 'to = "{id}-moon"', "layers.lines.to", "unknown reference point"),
        ('sides = ["{id}-side-a", "{id}-side-b"]', 'sides = ["{id}-side-a"]', "comparison.sides", "two category ids"),
        ("period = { start = 2001-01-01, end = 2002-12-31 }", 'period = { start = "2001" }', "period.start", "a date"),
        ('id = "{id}"\ntitle', 'id = "another"\ntitle', "id", "folder's name"),
        ('lat = 10.0', 'lat = 100.0', "reference_points[0].lat", "between -90 and 90"),
        ('lat = 10.0', 'lat = true', "reference_points[0].lat", "a number"),  # TOML booleans are ints in Python
        ('id = "{id}-side-b"', 'id = "Side B"', "categories[1].id", "kebab-case"),
        ('id = "{id}-capital"', 'id = "the capital"', "reference_points[0].id", "kebab-case"),
    ],
)
def test_bad_topic_toml_names_the_field_and_its_line(tmp_path, old, new, field, words) -> None:
    error = _broken(tmp_path, "topic.toml", old, new)
    assert (error.file, error.field) == ("invented/topic.toml", field)
    assert error.line == _line_of(TOPIC_TOML.replace(old, new), new)
    assert words in error.message


def test_toml_syntax_errors_give_the_line(tmp_path: Path) -> None:
    error = _broken(tmp_path, "topic.toml", 'label = "Side B"', 'label = "Side B')
    assert error.file == "invented/topic.toml" and "not valid TOML" in error.message
    assert error.line == _line_of(TOPIC_TOML, 'label = "Side B"')


def test_a_missing_column_and_a_short_row_are_reported(tmp_path: Path) -> None:
    error = _broken(tmp_path, "sites.csv", "precision_km,sources,note", "precision_km,note")
    assert (error.line, error.field) == (1, "sources")
    error = _broken(tmp_path / "b", "events.csv", "A meeting.,{id}-wire,", "A meeting.")
    assert error.line == 3 and "expected 8 fields" in error.message


def test_duplicate_ids_are_refused(tmp_path: Path) -> None:
    row = "{id}-north-radar,radar,{id}-side-a,Twin,Inventia,1,2,1,{id}-atlas,\n"
    error = _broken(tmp_path, "sites.csv", "printed as 11N 21E\n", "printed as 11N 21E\n" + row)
    assert "listed twice" in error.message and error.field == "id"


def test_a_bad_topic_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    write_topic(tmp_path, "good")
    write_topic(tmp_path, "bad", **{"sites.csv": FILES["sites.csv"].replace(",radar,", ",laser,")})
    catalogue = load_catalogue(tmp_path)
    assert [t.id for t in catalogue.topics] == ["good"]
    (failure,) = catalogue.failures
    assert failure.topic == "bad" and "bad/sites.csv line 2, field role" in failure.message


def test_topics_must_agree_with_each_other(tmp_path: Path) -> None:
    write_topic(tmp_path, "alpha")
    clash = FILES["sites.csv"].replace("{id}-north-radar", "alpha-north-radar")
    write_topic(tmp_path, "beta", **{"sites.csv": clash,
                                     "references.csv": FILES["references.csv"].replace("{id}-north-radar", "alpha-north-radar"),
                                     "ranges.csv": FILES["ranges.csv"].replace("{id}-north-radar", "alpha-north-radar"),
                                     "events.csv": FILES["events.csv"].replace("{id}-north-radar", "alpha-north-radar")})
    write_topic(tmp_path, "gamma", **{"topic.toml": TOPIC_TOML.replace('shape = "triangle"', 'shape = "circle"')})
    catalogue = load_catalogue(tmp_path)
    assert [t.id for t in catalogue.topics] == ["alpha"]
    messages = {f.topic: f.message for f in catalogue.failures}
    assert "already used by topic 'alpha'" in messages["beta"]
    assert "role 'radar' must look as in topic 'alpha'" in messages["gamma"]


def test_roles_are_merged_once_with_the_places_role_last(tmp_path: Path) -> None:
    write_topic(tmp_path, "alpha")
    write_topic(tmp_path, "beta")
    catalogue = load_catalogue(tmp_path)
    assert [r.id for r in catalogue.roles] == ["radar", "alpha-depot", "beta-depot", "place"]
    assert [c.id for c in catalogue.categories][:2] == ["alpha-side-a", "alpha-side-b"]
    assert catalogue.role("place").label == "Other place"
    with pytest.raises(KeyError):
        catalogue.role("laser")


def test_labels_give_sites_their_short_map_names_and_are_optional(tmp_path: Path) -> None:
    folder = write_topic(tmp_path, **{"labels.csv": "site_id,label\n{id}-north-radar,North\n"})
    north, south = load_topic(folder).sites
    assert (north.label, north.short_name) == ("North", "North")
    assert (south.label, south.short_name) == ("", "South depot")  # no row: the full name
    (folder / "labels.csv").unlink()
    assert [s.short_name for s in load_topic(folder).sites] == ["North radar", "South depot"]


@pytest.mark.parametrize(
    ("text", "field"),
    [("site_id,label\ninvented-nowhere,Nowhere\n", "site_id"), ("site_id,label\ninvented-north-radar,\n", "label"),
     ("site_id,label\ninvented-north-radar," + "x" * 25 + "\n", "label")],
)
def test_a_bad_label_names_its_line_and_field(tmp_path: Path, text: str, field: str) -> None:
    with pytest.raises(TopicError) as caught:
        load_topic(write_topic(tmp_path, **{"labels.csv": text}))
    assert (caught.value.file, caught.value.line, caught.value.field) == ("invented/labels.csv", 2, field)
