"""A small, valid topic folder written by tests (invented data), to load or to break one field at a time."""
from __future__ import annotations

import re
from pathlib import Path

TOPIC_TOML = """\
id = "{id}"
title = "An invented story"
summary = "Two invented sites."
period = { start = 2001-01-01, end = 2002-12-31 }
timeline_start = 2000-01-01

[[categories]]
id = "{id}-side-a"
label = "Side A"

[[categories]]
id = "{id}-side-b"
label = "Side B"

[[roles]]
id = "radar"
label = "Radar"
colour = "#0072B2"
shape = "triangle"

[[roles]]
id = "{id}-depot"
label = "Depot"
colour = "#E69F00"
shape = "star"

[[reference_points]]
id = "{id}-capital"
name = "Capital"
country = "Inventia"
lat = 10.0
lon = 20.0
sources = ["{id}-atlas"]

[layers.rings]

[layers.lines]
from_roles = ["radar"]
to = "{id}-capital"

[layers.timeline]

[comparison]
title = "A vs B"
sides = ["{id}-side-a", "{id}-side-b"]
reference = "{id}-capital"
"""

#: The topic with its reference point abroad (a site in the reference's own country gets no
#: line), so that it draws rings and lines for the sites of ``INVENTED_ARTICLE_TEXT``.
LAYERED_TOPIC_TOML = TOPIC_TOML.replace('country = "Inventia"', 'country = "Otheria"')
#: The same topic offering no layer: every ``[layers.*]`` table left out (its ranges and events stay).
NO_LAYERS_TOPIC_TOML = re.sub(r"\[layers\.\w+\]\n(?:(?!\[)[^\n]*\n)*", "", LAYERED_TOPIC_TOML)
#: An article text that names both sites of the topic ``invented``.
INVENTED_ARTICLE_TEXT = "The Northfield radar is far from Southbury, where the depot stands."

FILES = {
    "sources.csv": (
        "id,tier,publisher,title,date,url,note\n"
        "{id}-atlas,T1,Invented Ministry,Atlas,2001,https://example.org/atlas,\n"
        "{id}-wire,T2,Invented Wire,Report,2001-05-02,,URL not verified\n"
    ),
    "sites.csv": (
        "id,role,category,name,country,lat,lon,precision_km,sources,note\n"
        "{id}-north-radar,radar,{id}-side-a,North radar,Inventia,11.0,21.0,1,{id}-atlas,printed as 11N 21E\n"
        "{id}-south-depot,{id}-depot,{id}-side-b,South depot,Inventia,9.0,19.0,2,{id}-atlas ; {id}-wire,\n"
    ),
    "references.csv": (
        "site_id,pattern,link,note\n"
        "{id}-north-radar,\\bNorthfield radar\\b,named,its name\n"
        "{id}-south-depot,\\bSouthbury\\b,named,its name\n"
        "{id}-south-depot,depot in Inventia,inferred,the only depot\n"
    ),
    "ranges.csv": (
        "site_id,what,min_km,max_km,sources,note\n"
        "{id}-north-radar,detection,500,500,{id}-atlas,\n"
        "{id}-south-depot,reach,,,{id}-wire,no public figure: only estimates\n"
    ),
    "events.csv": (
        "site_id,date,date_precision,status,end,summary,sources,note\n"
        "{id}-north-radar,2001-01-01,year,operational,,In service.,{id}-atlas,\n"
        "{id}-south-depot,2001-05-02,day,held,2001-05-04,A meeting.,{id}-wire,\n"
    ),
    "speakers.csv": "name,side,role\nSmith,{id}-side-a,Minister\n",
}


def write_topic(root: Path, topic_id: str = "invented", **replace: str) -> Path:
    """Write the valid topic ``topic_id`` under ``root``; ``replace`` maps a file name to new text
    (``{id}`` is filled in). Return its folder."""
    folder = root / topic_id
    folder.mkdir(parents=True, exist_ok=True)
    texts = {"topic.toml": TOPIC_TOML, **FILES, **replace}
    for name, text in texts.items():
        (folder / name).write_text(text.replace("{id}", topic_id), encoding="utf-8")
    return folder


# --- a small invented atlas, and a story whose sites are its installations ----------------------

ATLAS_TOML = """\
title = "Invented atlas"
summary = "Installations no story claims."

[category]
id = "atlas"
label = "Other installations"

[[roles]]
id = "radar"
label = "Radar"
colour = "#0072B2"
shape = "triangle"
kinds = ["radar"]

[[roles]]
id = "interceptors"
label = "Interceptors"
colour = "#D55E00"
shape = "diamond"
kinds = ["interceptors", "command"]

[[roles]]
id = "naval-base"
label = "Naval base"
colour = "#56B4E9"
shape = "hexagon"
kinds = ["naval-base", "test-range"]
"""

ATLAS_FILES = {
    "sources.csv": (
        "id,tier,publisher,title,date,url,note\n"
        "atlas-ministry,T1,Invented Ministry,Installations,2001,https://example.org/installations,\n"
        "atlas-wire,T2,Invented Wire,Report,2001-05-02,,URL not verified\n"
    ),
    "systems.csv": (
        "id,name,aliases,kind,sources,note\n"
        "skyshield,Skyshield,SKS ; Sky Shield,weapon-system,atlas-ministry,\n"
        "big-eye,Big Eye radar,,radar,atlas-ministry ; atlas-wire,\n"
    ),
    "installations.csv": (
        "id,name,aliases,kind,country,lat,lon,precision_km,operator,systems,sources,note\n"
        "north-hill-radar,North Hill radar,Site 17 ; Nordberg,radar,Inventia,11.0,21.0,1,Invented Army,skyshield ; big-eye,atlas-ministry,printed as 11N 21E\n"
        "east-bay-base,East Bay naval base,,naval-base,Inventia,12.0,22.0,2,Invented Navy,,atlas-ministry,\n"
        "west-field-battery,West Field battery,,interceptors,Otheria,5.0,5.0,3,Otherian Army,skyshield,atlas-ministry ; atlas-wire,\n"
    ),
    "ranges.csv": (
        "system_id,what,min_km,max_km,sources,note\n"
        "skyshield,interceptor reach,200,200,atlas-ministry,\n"
        "big-eye,detection,,,atlas-wire,no public figure: estimates only\n"
    ),
    "events.csv": (
        "installation_id,date,date_precision,status,end,summary,sources,note\n"
        "north-hill-radar,2001-01-01,year,operational,,In service.,atlas-ministry,\n"
        "west-field-battery,2003-03-01,month,under-construction,,Work starts.,atlas-wire,\n"
    ),
    "references.csv": (
        "installation_id,pattern,link,note\n"
        "east-bay-base,\\bthe harbour by the lighthouse\\b,inferred,an indirect phrase\n"
    ),
    "atlas.toml": ATLAS_TOML,
}

#: A story's sites.csv whose first site is the atlas's North Hill radar (its name overridden).
STORY_SITES = (
    "id,installation,role,category,name,country,lat,lon,precision_km,sources,note,systems\n"
    "{id}-north-radar,north-hill-radar,radar,{id}-side-a,The story's radar,,,,,,,skyshield\n"
    "{id}-south-depot,,{id}-depot,{id}-side-b,South depot,Inventia,9.0,19.0,2,{id}-atlas ; atlas-wire,\n"
)


def write_atlas(root: Path, **replace: str) -> Path:
    """Write the valid invented atlas in ``root/atlas``; ``replace`` maps a file name to new text.
    Return its folder."""
    folder = root / "atlas"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in {**ATLAS_FILES, **replace}.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def write_story(root: Path, topic_id: str = "story", **replace: str) -> Path:
    """Write a story under ``root/topics`` whose North radar is the atlas's North Hill radar
    (see :data:`STORY_SITES`); ``replace`` as in :func:`write_topic`. Return its folder."""
    return write_topic(root / "topics", topic_id, **{"sites.csv": STORY_SITES, **replace})
