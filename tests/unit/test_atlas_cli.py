"""``python -m dashboard atlas check|list``: the check runs on the shipped data in every test run
(it must pass), and names file, line and field for each problem it finds in broken data."""
from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from dashboard import atlas_cli
from dashboard.paths import REPO_ROOT
from tests.topic_fixture import ATLAS_FILES, write_atlas, write_story


def test_the_shipped_atlas_and_stories_pass_the_check() -> None:
    done = subprocess.run([sys.executable, "-m", "dashboard", "atlas", "check"], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout == ""
    assert "no problems" in done.stderr


def _check(tmp_path: Path) -> tuple[int, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    status = atlas_cli.run(argparse.Namespace(action="check"), out=out, err=err,
                           topics_root=tmp_path / "topics", atlas_root=tmp_path / "atlas")
    return status, out.getvalue().splitlines()


def test_each_problem_is_one_line_naming_file_line_and_field(tmp_path: Path) -> None:
    broken = ATLAS_FILES["installations.csv"].replace("radar,Inventia,11.0", "laser,Inventia,11.0")
    write_atlas(tmp_path, **{"installations.csv": broken})
    write_story(tmp_path)
    status, lines = _check(tmp_path)
    assert status == 1
    assert lines[0].startswith("atlas/installations.csv line 2, field kind: unknown kind 'laser'")
    # the story's radar is that installation: the story fails too, and says why
    assert any(line.startswith("story/sites.csv line 2, field installation: unknown installation") for line in lines)
    # the invented sources cite example.org, which the source policy does not list
    assert "atlas/sources.csv line 2, field url: https://example.org/installations: domain 'example.org' is not in data/source_policy.csv" in lines
    assert any(line.startswith("story/sources.csv line 2, field url:") for line in lines)


def test_a_tier_other_than_the_policys_is_a_problem_of_the_tier_field(tmp_path: Path) -> None:
    sources = ATLAS_FILES["sources.csv"] + "voa-x,T1,VOA,Report,2001,https://www.voanews.com/a/x.html,\n"
    write_atlas(tmp_path, **{"sources.csv": sources})
    _, lines = _check(tmp_path)
    assert any(line.startswith("atlas/sources.csv line 4, field tier:") and "cited as T1" in line for line in lines)


def test_list_json_gives_each_installation_with_its_stories() -> None:
    out = io.StringIO()
    assert atlas_cli.run(argparse.Namespace(action="list", json=True), out=out) == 0
    records = {r["id"]: r for r in map(json.loads, out.getvalue().splitlines())}
    assert records["redzikowo-aegis-ashore"]["stories"] == ["epaa", "missile-defense-2007"]
    assert "sm-3-block-iia" in records["redzikowo-aegis-ashore"]["systems"]
    assert records["gabala-radar"]["country"] == "Azerbaijan"


def test_a_reader_that_stops_early_gets_no_traceback() -> None:
    # `python -m dashboard atlas list | head -3`: here the reader has gone before the first write.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        done = subprocess.run([sys.executable, "-m", "dashboard", "atlas", "list"], cwd=REPO_ROOT,
                              stdout=write_end, stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write_end)
    assert done.returncode == 1
    assert done.stderr == ""
