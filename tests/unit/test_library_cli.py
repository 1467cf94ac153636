"""``python -m dashboard library add|list|remove`` on both backends: the app's intake and ids,
``list --json`` lines, exit status 1 for a refused file or an unknown id and 2 when the library or
the settings cannot be used (never printing a database password)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dashboard.core.geoparse.intake import ArticleFields, article_from_upload
from dashboard.services.library import ArticleLibrary

ROOT = Path(__file__).resolve().parents[2]
STORY = b"""---
title: Radar talks move to Prague
outlet: Test Wire
date: 2007-06-07
---
The radar talks moved to Prague on Monday, where Czech and American negotiators met.
"""
PAGE = (b"<html><head><title>Interceptors</title></head><body><article><h1>Interceptors</h1>"
        b"<p>Polish officials said the interceptor base near Warsaw would be discussed in Brussels"
        b" next week, and again in Prague before the summit.</p></article></body></html>")


def cli(store: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DASHBOARD_DATABASE_URL": store, "DASHBOARD_DATA_DIR": "/nonexistent/unused"}
    return subprocess.run([sys.executable, "-m", "dashboard", "library", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {"story": tmp_path / "story.md", "page": tmp_path / "page.html", "photo": tmp_path / "photo.txt",
             "pdf": tmp_path / "report.pdf", "missing": tmp_path / "missing.txt"}
    paths["story"].write_bytes(STORY)
    paths["page"].write_bytes(PAGE)
    paths["photo"].write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10)
    paths["pdf"].write_bytes(b"%PDF-1.4")
    return paths


def test_add_list_remove(store_url: str, files: dict[str, Path]) -> None:
    expected = {name: article_from_upload(files[name].name, files[name].read_bytes(), ArticleFields())
                for name in ("story", "page")}  # what the app's upload makes of the same files

    added = cli(store_url, "add", *(str(files[name]) for name in ("story", "photo", "page", "pdf", "missing")))
    assert added.returncode == 1, added.stderr  # some files were refused, the others stored
    assert added.stdout.splitlines() == [f"added\t{a.id}\t{a.title}" for a in expected.values()]
    errors = added.stderr.splitlines()
    assert len(errors) == 3 and all(line.startswith("error: ") for line in errors)
    assert "binary" in errors[0] and ".pdf is not supported" in errors[1] and "No such file" in errors[2]

    again = cli(store_url, "add", str(files["story"]))
    assert again.returncode == 0 and again.stdout == f"exists\t{expected['story'].id}\t{expected['story'].title}\n"

    listed = cli(store_url, "list", "--json")
    assert listed.returncode == 0, listed.stderr
    lines = [json.loads(line) for line in listed.stdout.splitlines()]
    assert [line["id"] for line in lines] == [a.id for a in expected.values()]
    assert set(lines[0]) == {"id", "title", "outlet", "date", "added", "chars"}
    assert lines[0]["title"] == "Radar talks move to Prague" and lines[0]["outlet"] == "Test Wire"
    assert lines[0]["date"] == "2007-06-07" and lines[0]["added"].endswith("Z")
    assert lines[0]["chars"] == len(expected["story"].text)
    assert ArticleLibrary(store_url).articles() == {a.id: a for a in expected.values()}, "stored as the app stores"

    plain = cli(store_url, "list")
    assert [line.split("\t")[0] for line in plain.stdout.splitlines()] == [a.id for a in expected.values()]

    removed = cli(store_url, "remove", expected["story"].id, "no-such-article")
    assert removed.returncode == 1 and removed.stdout == f"removed\t{expected['story'].id}\n"
    assert "no stored article has the id 'no-such-article'" in removed.stderr
    assert [json.loads(line)["id"] for line in cli(store_url, "list", "--json").stdout.splitlines()] == [
        expected["page"].id]


def test_an_unusable_library_is_exit_status_2(tmp_path: Path, files: dict[str, Path]) -> None:
    (tmp_path / "file").write_text("a file where the data folder should be")
    store = f"sqlite:///{tmp_path / 'file' / 'library.sqlite'}"
    listed = cli(store, "list")
    assert listed.returncode == 2 and listed.stdout == "" and "unavailable" in listed.stderr
    added = cli(store, "add", str(files["story"]))
    assert added.returncode == 2 and "nothing was added" in added.stderr


def test_a_bad_database_url_is_refused_without_showing_its_password() -> None:
    done = cli("mysql://editor:s3cret-pw@db.example/news", "list")
    assert done.returncode == 2 and "DASHBOARD_DATABASE_URL" in done.stderr
    assert "s3cret-pw" not in done.stderr + done.stdout


def test_a_server_that_cannot_be_reached_is_exit_status_2_without_its_password() -> None:
    done = cli("postgresql://editor:s3cret-pw@127.0.0.1:9/news", "list", "--json")
    assert done.returncode == 2 and "cannot be reached" in done.stderr and done.stdout == ""
    assert "s3cret-pw" not in done.stderr
