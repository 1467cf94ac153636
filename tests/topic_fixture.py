"""A small, valid topic folder written by tests (invented data), to load or to break one field at a time."""
from __future__ import annotations

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
