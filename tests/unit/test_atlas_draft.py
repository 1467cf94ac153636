"""``atlas draft``: facilities an article names that the atlas lacks, with the nearest gazetteer
point and the sentence; facilities the atlas already knows are not proposed."""
from __future__ import annotations

import argparse
import io
from pathlib import Path

from dashboard import atlas_cli
from dashboard.core.geoparse.places import Place
from dashboard.core.topics.catalogue import load_catalogue
from dashboard.core.topics.draft import draft_rows
from tests.topic_fixture import write_atlas, write_story

TEXT = ("Crews left Site 17 for Kestrel Air Base in Otheria on Monday. Later, the interceptors at Fort Moss "
        "were inspected. A new radar near Lake Vane is planned.")


def _catalogue(tmp_path: Path):
    write_atlas(tmp_path)
    write_story(tmp_path)
    return load_catalogue(tmp_path / "topics", tmp_path / "atlas")


def test_drafts_name_the_facilities_the_atlas_lacks(tmp_path: Path) -> None:
    otheria = Place("Otheria", TEXT.index("Otheria"), TEXT.index("Otheria") + 7, 5.0, 5.0, "gazetteer", 0.9, place_name="Otheria")
    moss = Place("Moss", TEXT.index("Moss"), TEXT.index("Moss") + 4, 6.5, 7.5, "gazetteer", 0.9, place_name="Moss")
    rows = draft_rows(TEXT, [otheria, moss], _catalogue(tmp_path))
    assert [(r.id, r.name, r.kind) for r in rows] == [
        ("kestrel-air-base", "Kestrel Air Base", ""),
        ("fort-moss", "Fort Moss", "interceptors"),
        ("lake-vane", "Lake Vane", "radar"),
    ]  # Site 17 is the atlas's North Hill radar: not proposed
    assert rows[0].place == otheria and rows[0].sentence.startswith("Crews left Site 17")
    assert rows[1].place == moss  # inside the name
    assert rows[2].place is None  # nothing placed in that sentence


def test_the_cli_prints_installations_csv_rows(tmp_path: Path) -> None:
    article = tmp_path / "story.md"
    article.write_text("---\ntitle: Invented\n---\n" + TEXT + "\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = atlas_cli.run(argparse.Namespace(action="draft", article=article), out=out, err=err,
                           topics_root=tmp_path / "topics", atlas_root=write_atlas(tmp_path))
    lines = out.getvalue().splitlines()
    assert status == 0
    assert lines[0] == "id,name,aliases,kind,country,lat,lon,precision_km,operator,systems,sources,note"
    assert lines[1].startswith("kestrel-air-base,Kestrel Air Base,")
    assert "DRAFT" in lines[1] and "3 facilities" in err.getvalue()
    missing = atlas_cli.run(argparse.Namespace(action="draft", article=tmp_path / "nowhere.md"), out=io.StringIO(), err=err)
    assert missing == 2
