"""The article library: duplicates, removal, a damaged file, read-only folders, and a process
killed in the middle of saving."""
from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.core.intake import ArticleFields, build_article
from dashboard.services.library import ArticleLibrary, LibraryError

ROOT = Path(__file__).resolve().parents[2]


def _article(text: str, title: str = "Talks"):
    return build_article(text, ArticleFields(title=title))


def test_save_list_remove_and_no_duplicate(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path)
    article = _article("Talks in Prague.")
    assert library.save(article) is True
    assert library.save(article) is False
    assert list(library.articles()) == [article.id]
    assert library.articles()[article.id] == article
    assert library.remove(article.id) is True and library.remove(article.id) is False
    assert library.articles() == {}


def test_articles_survive_reopening(tmp_path: Path) -> None:
    article = _article("Talks in Warsaw.")
    first = ArticleLibrary.in_dir(tmp_path)
    first.save(article)
    first.close()
    assert ArticleLibrary.in_dir(tmp_path).articles()[article.id].text == "Talks in Warsaw."


def test_a_damaged_file_is_set_aside_not_deleted(tmp_path: Path) -> None:
    (tmp_path / "library.sqlite").write_bytes(b"this is not a database" * 100)
    library = ArticleLibrary.in_dir(tmp_path)
    assert library.articles() == {}
    assert library.notices and "set aside" in library.notices[0]
    assert list(tmp_path.glob("library.sqlite.corrupt-*"))


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_a_read_only_folder_gives_a_clear_error(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(LibraryError):
            ArticleLibrary.in_dir(tmp_path / "sub")
    finally:
        tmp_path.chmod(0o700)


def test_a_locked_library_gives_a_clear_error(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path)
    other = sqlite3.connect(tmp_path / "library.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    library._conn.execute("PRAGMA busy_timeout=100")
    try:
        with pytest.raises(LibraryError, match="could not be saved"):
            library.save(_article("Talks in Riga."))
    finally:
        other.execute("ROLLBACK")
        other.close()


WRITER = """
import sys
from pathlib import Path
from dashboard.core.intake import ArticleFields, build_article
from dashboard.services.library import ArticleLibrary
library = ArticleLibrary.in_dir(Path(sys.argv[1]))
body = "Officials met in Prague and Warsaw. " * 40000
i = 0
print("ready", flush=True)
while True:
    library.save(build_article(f"{i} {body}", ArticleFields(title=f"Article {i}")))
    i += 1
"""


def test_killing_the_process_while_saving_never_leaves_a_broken_library(tmp_path: Path) -> None:
    for round_ in range(4):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout.readline().strip() == "ready"
        time.sleep(0.3 + 0.17 * round_)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    conn = sqlite3.connect(tmp_path / "library.sqlite")
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    stored = ArticleLibrary.in_dir(tmp_path).articles()
    assert stored, "some articles were saved before the kills"
    for article_id, article in stored.items():
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()[:10]
        assert article_id.endswith(digest), "an article's text does not match its id: half-written"
