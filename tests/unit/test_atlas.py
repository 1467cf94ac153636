"""The atlas (data/atlas): installations and systems loaded and validated, stories whose sites
are installations, and what an article gets from them. Invented data (tests/topic_fixture.py)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.topics.atlas import load_atlas, read_atlas
from dashboard.core.topics.catalogue import ATLAS_TOPIC_ID, attach_topics, load_catalogue
from dashboard.core.topics.load import TopicError, load_topic
from dashboard.core.topics.timeline import standing_status
from tests.topic_fixture import ATLAS_FILES, FILES, STORY_SITES, write_atlas, write_story


def test_a_valid_atlas_loads_whole(tmp_path: Path) -> None:
    atlas = load_atlas(write_atlas(tmp_path))
    assert [i.id for i in atlas.installations] == ["north-hill-radar", "east-bay-base", "west-field-battery"]
    north = atlas.installation("north-hill-radar")
    assert north is not None
    assert (north.lat, north.lon, north.precision_km, north.country) == (11.0, 21.0, 1.0, "Inventia")
    assert north.aliases == ("Site 17", "Nordberg") and north.systems == ("skyshield", "big-eye")
    assert [s.id for s in north.sources] == ["atlas-ministry"]
    assert atlas.system("skyshield").aliases == ("SKS", "Sky Shield")
    assert {(r.site_id, r.max_km) for r in atlas.ranges} == {("skyshield", 200.0), ("big-eye", None)}
    assert [e.site_id for e in atlas.events] == ["north-hill-radar", "west-field-battery"]
    assert atlas.kind_roles == {"radar": "radar", "interceptors": "interceptors", "command": "interceptors",
                                "naval-base": "naval-base", "test-range": "naval-base"}


def test_no_atlas_folder_is_an_empty_atlas(tmp_path: Path) -> None:
    assert load_atlas(tmp_path / "nowhere").installations == ()


def _broken(tmp_path: Path, name: str, old: str, new: str) -> TopicError:
    text = ATLAS_FILES[name]
    assert old in text, f"fixture text {old!r} not in {name}"
    with pytest.raises(TopicError) as caught:
        load_atlas(write_atlas(tmp_path, **{name: text.replace(old, new)}))
    return caught.value


@pytest.mark.parametrize(
    ("name", "old", "new", "line", "field", "words"),
    [
        ("installations.csv", "north-hill-radar,North", "North_Hill,North", 2, "id", "kebab-case"),
        ("installations.csv", "radar,Inventia,11.0", "laser,Inventia,11.0", 2, "kind", "unknown kind 'laser'"),
        ("installations.csv", "skyshield ; big-eye", "skyshield ; big-ear", 2, "systems", "unknown system 'big-ear'"),
        ("installations.csv", "21.0,1,Invented", "21.0,0.0001,Invented", 2, "precision_km", "out of range"),
        ("installations.csv", "11.0,21.0", "11.0,181", 2, "lon", "out of range"),
        ("installations.csv", "1,Invented Army,skyshield ; big-eye,atlas-ministry", "1,Invented Army,skyshield ; big-eye,", 2,
         "sources", "at least one source"),
        ("installations.csv", "Inventia,11.0", ",11.0", 2, "country", "required"),
        ("installations.csv", "Site 17 ; Nordberg", "Site 17 ; ...", 2, "aliases", "a letter or a digit"),
        ("systems.csv", "big-eye,Big Eye radar,,radar", "big-eye,Big Eye radar,,sonar", 3, "kind", "unknown kind"),
        ("systems.csv", "skyshield,Skyshield", "Sky Shield,Skyshield", 2, "id", "kebab-case"),
        ("ranges.csv", "skyshield,interceptor reach", "skyshelf,interceptor reach", 2, "system_id", "unknown system"),
        ("ranges.csv", "detection,,,atlas-wire,no public figure: estimates only", "detection,,,atlas-wire,", 3, "note",
         "no public figure"),
        ("events.csv", "north-hill-radar,2001", "north-hill-radio,2001", 2, "installation_id", "unknown installation"),
        ("events.csv", "2003-03-01,month", "2003-03-02,month", 3, "date", "first day"),
        ("references.csv", "\\bthe harbour by the lighthouse\\b", "(?:harbour)?", 2, "pattern", "empty text"),
        ("references.csv", "east-bay-base,", "east-bay-dock,", 2, "installation_id", "unknown installation"),
        ("sources.csv", "atlas-wire,T2", "atlas-wire,T7", 3, "tier", "unknown tier"),
    ],
)
def test_bad_atlas_data_names_file_line_and_field(tmp_path, name, old, new, line, field, words) -> None:
    error = _broken(tmp_path, name, old, new)
    assert (error.file, error.line, error.field) == (f"atlas/{name}", line, field)
    assert words in error.message


def test_every_problem_is_reported_and_sound_rows_are_kept(tmp_path: Path) -> None:
    broken = (ATLAS_FILES["installations.csv"].replace("radar,Inventia,11.0", "laser,Inventia,11.0")
              .replace("Otheria,5.0,5.0,3", "Otheria,5.0,5.0,-3"))
    atlas, problems = read_atlas(write_atlas(tmp_path, **{"installations.csv": broken}))
    assert [(p.line, p.field) for p in problems[:2]] == [(2, "kind"), (4, "precision_km")]
    assert [i.id for i in atlas.installations] == ["east-bay-base"]
    assert {p.file for p in problems} == {"atlas/installations.csv", "atlas/events.csv"}  # its events lost their installation


def test_a_duplicate_installation_and_a_bad_atlas_toml_are_reported(tmp_path: Path) -> None:
    twice = ATLAS_FILES["installations.csv"] + ATLAS_FILES["installations.csv"].splitlines()[2] + "\n"
    toml = ATLAS_FILES["atlas.toml"].replace('kinds = ["naval-base", "test-range"]', 'kinds = ["naval-base"]')
    _, problems = read_atlas(write_atlas(tmp_path, **{"installations.csv": twice, "atlas.toml": toml}))
    assert any((p.line, p.field) == (5, "id") and "listed twice" in p.message for p in problems)
    assert any(p.file == "atlas/atlas.toml" and "test-range" in p.message for p in problems)


# --- a story's sites that are installations -------------------------------------------------------


def _story(tmp_path: Path, **replace: str):
    atlas = load_atlas(write_atlas(tmp_path))
    return load_topic(write_story(tmp_path, **replace), atlas), atlas


def test_an_installation_site_takes_point_sources_history_and_ranges_from_the_atlas(tmp_path: Path) -> None:
    story, _ = _story(tmp_path)
    radar = next(s for s in story.sites if s.id == "story-north-radar")
    assert (radar.installation, radar.name, radar.country, radar.lat, radar.lon, radar.precision_km) == (
        "north-hill-radar", "The story's radar", "Inventia", 11.0, 21.0, 1.0)
    assert [s.id for s in radar.sources] == ["atlas-ministry"]
    # its systems column shows Skyshield only (not Big Eye); the story's own range stays
    assert sorted((r.site_id, r.what) for r in story.ranges if r.site_id == radar.id) == [
        ("story-north-radar", "detection"), ("story-north-radar", "interceptor reach")]
    assert standing_status(story.events, radar.id, dt.date(2001, 6, 1)) == "operational"
    depot = next(s for s in story.sites if s.id == "story-south-depot")
    assert depot.installation == "" and [s.id for s in depot.sources] == ["story-atlas", "atlas-wire"]  # a shared source


def test_without_a_name_the_site_is_called_as_the_installation(tmp_path: Path) -> None:
    story, _ = _story(tmp_path, **{"sites.csv": STORY_SITES.replace("The story's radar", "")})
    assert story.sites[0].name == "North Hill radar"


@pytest.mark.parametrize(
    ("old", "new", "field", "words"),
    [
        ("north-hill-radar,radar", "north-hill-radio,radar", "installation", "unknown installation"),
        ("The story's radar,,,", "The story's radar,Inventia,,", "country", "comes from the atlas"),
        ("The story's radar,,,,,,", "The story's radar,,,,,atlas-ministry,", "sources", "comes from the atlas"),
        (",,skyshield\n", ",,east-bay\n", "systems", "not one of"),
        ("{id}-atlas ; atlas-wire,\n", "{id}-atlas ; atlas-wire,,skyshield\n", "systems", "only a site that is an atlas installation"),
    ],
)
def test_bad_installation_sites_are_reported(tmp_path: Path, old: str, new: str, field: str, words: str) -> None:
    assert old in STORY_SITES
    with pytest.raises(TopicError) as caught:
        _story(tmp_path, **{"sites.csv": STORY_SITES.replace(old, new)})
    assert (caught.value.file, caught.value.field) == ("story/sites.csv", field)
    assert words in caught.value.message


def test_an_installation_is_one_site_of_a_story(tmp_path: Path) -> None:
    twice = STORY_SITES + "{id}-again,north-hill-radar,radar,{id}-side-a,,,,,,,,\n"
    with pytest.raises(TopicError, match="two sites of this story"):
        _story(tmp_path, **{"sites.csv": twice})


def test_a_story_source_may_not_repeat_an_atlas_source(tmp_path: Path) -> None:
    sources = FILES["sources.csv"] + "atlas-wire,T2,Invented Wire,Report,2001,,URL not verified\n"
    with pytest.raises(TopicError, match="already in the atlas"):
        _story(tmp_path, **{"sources.csv": sources})


# --- what an article gets ---------------------------------------------------------------------------


@pytest.fixture()
def catalogue(tmp_path: Path):
    write_atlas(tmp_path)
    write_story(tmp_path)
    result = load_catalogue(tmp_path / "topics", tmp_path / "atlas")
    assert result.failures == ()
    return result


def _attached(text: str, catalogue) -> set[str]:
    return {m.site_id for m in attach_topics(text, catalogue).mentions}


def test_an_alias_names_the_installation_as_written(catalogue) -> None:
    assert _attached("Crews drove to Site 17 at dawn.", catalogue) == {"story-north-radar"}
    assert _attached("The radar at Nordberg was quiet.", catalogue) == {"story-north-radar"}
    assert _attached("the nordberg hills are green", catalogue) == set()  # case as written
    assert _attached("Site 170 is a motel.", catalogue) == set()  # whole words


def test_a_system_named_with_a_country_gives_that_countrys_installations(catalogue) -> None:
    assert _attached("Skyshield in Inventia was put on alert.", catalogue) == {"story-north-radar"}
    assert _attached("The Skyshield battery on Otheria fired.", catalogue) == {"west-field-battery"}
    assert _attached("Otheria's Skyshield battery fired.", catalogue) == {"west-field-battery"}
    assert _attached("Big Eye radar in Inventia", catalogue) == {"story-north-radar"}
    # procurement news: the system bought for a country is the one that stands there
    assert _attached("The cabinet approved Skyshield for Otheria.", catalogue) == {"west-field-battery"}


def test_a_system_named_alone_scatters_no_pins(catalogue) -> None:
    assert attach_topics("Skyshield and SKS are expensive. Sky Shield is on sale.", catalogue).topics == ()


def test_installations_no_story_claims_form_the_atlas_topic(catalogue) -> None:
    unclaimed = catalogue.topic(ATLAS_TOPIC_ID)
    assert unclaimed is not None and catalogue.topics[-1] is unclaimed
    assert [(s.id, s.role, s.category) for s in unclaimed.sites] == [
        ("east-bay-base", "naval-base", "atlas"), ("west-field-battery", "interceptors", "atlas")]
    attached = attach_topics("Ships left the harbour by the lighthouse.", catalogue)
    assert [t.id for t in attached.topics] == [ATLAS_TOPIC_ID]
    assert {m.site_id for m in attached.mentions} == {"east-bay-base"}
    assert [t.id for t in catalogue.stories] == ["story"]
    assert [t.id for t in catalogue.stories_of("north-hill-radar")] == ["story"]


def test_an_installation_in_two_stories_goes_to_the_story_named_most(tmp_path: Path) -> None:
    write_atlas(tmp_path)
    write_story(tmp_path, "alpha")
    second = STORY_SITES.replace("{id}-south-depot,,", "{id}-east-base,east-bay-base,").replace(
        ",Inventia,9.0,19.0,2,{id}-atlas ; atlas-wire,\n", ",,,,,,\n")
    header_only = {name: FILES[name].splitlines()[0] + "\n" for name in ("references.csv", "ranges.csv", "events.csv")}
    write_story(tmp_path, "beta", **{"sites.csv": second, **header_only})
    catalogue = load_catalogue(tmp_path / "topics", tmp_path / "atlas")
    assert catalogue.failures == ()
    both = attach_topics("From Site 17 to the harbour by the lighthouse.", catalogue)
    assert [t.id for t in both.topics] == ["beta"]  # beta has both installations: more distinct sites
    one = attach_topics("Site 17 and Southbury.", catalogue)
    assert [t.id for t in one.topics] == ["alpha"]  # Southbury is alpha's depot
