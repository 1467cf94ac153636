"""The article library: duplicates, removal and a process killed in the middle of saving, on both
backends (``store_url``: SQLite and PostgreSQL); a damaged or foreign file, read-only and
unusable folders, a locked file (while saving, committing and opening). A full disk and two
servers sharing the store: test_storage_faults.py; a database server restarted: test_store.py."""
from __future__ import annotations

import hashlib
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from dashboard.core.geoparse.intake import ArticleFields, build_article
from dashboard.services.library import ArticleLibrary, LibraryError

ROOT = Path(__file__).resolve().parents[2]


def _article(text: str, title: str = "Talks"):
    return build_article(text, ArticleFields(title=title))


def test_save_list_remove_and_no_duplicate(store_url: str) -> None:
    library = ArticleLibrary(store_url)
    article = _article("Talks in Prague.")
    assert library.save(article) is True
    assert library.save(article) is False
    assert list(library.articles()) == [article.id]
    assert library.articles()[article.id] == article
    assert library.get(article.id) == article and article.id in library
    assert library.remove(article.id) is True and library.remove(article.id) is False
    assert library.articles() == {} and library.get(article.id) is None and article.id not in library


def test_the_same_text_under_another_title_is_not_stored_twice(store_url: str) -> None:
    library = ArticleLibrary(store_url)
    first = _article("Talks in Prague.", title="First title")
    assert library.add(first) == (first, True)
    stored, created = library.add(_article("Talks in Prague.", title="Second title"))
    assert (stored, created) == (first, False)
    assert [entry.id for entry in library.entries()] == [first.id]


def test_entries_list_without_text(store_url: str) -> None:
    library = ArticleLibrary(store_url)
    a = build_article("Talks in Prague.", ArticleFields(title="A", outlet="Daily", date="2007-06-07"))
    b = _article("Talks in Warsaw and Berlin.", title="B")
    library.add(a)
    library.add(b)
    entries = library.entries()
    assert [(e.id, e.title, e.outlet, e.chars) for e in entries] == [
        (a.id, "A", "Daily", len(a.text)), (b.id, "B", "", len(b.text))]
    assert entries[0].date.isoformat() == "2007-06-07"


def test_articles_survive_reopening(store_url: str) -> None:
    article = _article("Talks in Warsaw.")
    first = ArticleLibrary(store_url)
    first.save(article)
    first.close()
    assert ArticleLibrary(store_url).articles()[article.id].text == "Talks in Warsaw."


def test_a_damaged_file_is_set_aside_not_deleted(tmp_path: Path) -> None:
    junk = b"this is not a database" * 100
    (tmp_path / "library.sqlite").write_bytes(junk)
    library = ArticleLibrary.in_dir(tmp_path)
    assert library.articles() == {} and library.writable
    assert library.notices and "set aside" in library.notices[0]
    (aside,) = tmp_path.glob("library.sqlite.corrupt-*")
    assert aside.read_bytes() == junk
    assert library.save(_article("Talks in Prague."))


def test_another_programs_database_is_set_aside_not_written_into(tmp_path: Path) -> None:
    other = sqlite3.connect(tmp_path / "library.sqlite")
    other.execute("CREATE TABLE articles (id TEXT PRIMARY KEY, body TEXT)")
    other.execute("INSERT INTO articles VALUES ('x', 'theirs')")
    other.commit()
    other.close()
    library = ArticleLibrary.in_dir(tmp_path)
    assert "not an article library" in library.notices[0]
    (aside,) = tmp_path.glob("library.sqlite.corrupt-*")
    assert sqlite3.connect(aside).execute("SELECT body FROM articles").fetchone() == ("theirs",)


def test_a_read_only_file_is_listed_but_not_written(tmp_path: Path) -> None:
    article = _article("Talks in Prague.")
    writer = ArticleLibrary.in_dir(tmp_path)
    writer.save(article)
    writer.close()
    library = ArticleLibrary.in_dir(tmp_path, connect=_connect_read_only)
    assert list(library.articles()) == [article.id] and not library.writable
    assert "read-only" in library.notices[0]
    with pytest.raises(LibraryError, match="read-only"):
        library.add(_article("Talks in Riga."))
    with pytest.raises(LibraryError, match="read-only"):
        library.remove(article.id)


def _connect_read_only(path: str, **kwargs: object) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, **kwargs)  # type: ignore[arg-type]


def test_an_unusable_folder_leaves_the_library_unavailable_not_the_app_down(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("a file where the data folder should be")
    library = ArticleLibrary.in_dir(tmp_path / "file" / "data")
    assert not library.available and library.articles() == {} and library.entries() == []
    assert "unavailable" in library.notices[0]
    with pytest.raises(LibraryError, match="unavailable"):
        library.add(_article("Talks in Prague."))


def test_a_file_that_cannot_be_opened_leaves_the_library_unavailable(tmp_path: Path) -> None:
    def refuse(path: str, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    library = ArticleLibrary.in_dir(tmp_path, connect=refuse)
    assert not library.available and "unable to open" in library.notices[0]
    assert not list(tmp_path.iterdir()), "nothing was moved or created"


def test_a_locked_library_gives_a_clear_error(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path, busy_timeout_s=0.1)
    other = sqlite3.connect(tmp_path / "library.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(LibraryError, match="locked"):
            library.save(_article("Talks in Riga."))
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert library.save(_article("Talks in Riga."))  # once the lock is gone, saving works


def test_a_save_whose_commit_outwaits_another_reader_is_rolled_back(tmp_path: Path) -> None:
    library = ArticleLibrary.in_dir(tmp_path, busy_timeout_s=0.1)
    reader = sqlite3.connect(tmp_path / "library.sqlite", isolation_level=None)  # another server
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM articles").fetchone()  # ...in the middle of a read
    riga, oslo = _article("Talks in Riga."), _article("Talks in Oslo.")
    try:
        with pytest.raises(LibraryError, match="locked"):
            library.save(riga)  # the insert is done, the commit waits for the reader and gives up
        assert riga.id not in library, "reported as not saved, so not listed either"
    finally:
        reader.execute("ROLLBACK")
        reader.close()
    other = ArticleLibrary.in_dir(tmp_path, busy_timeout_s=0.1)
    assert other.available and other.save(oslo), "no lock outlived the failed save"
    assert library.save(riga), "and the next save works"
    assert set(library.articles()) == set(other.articles()) == {riga.id, oslo.id}


def test_a_library_locked_while_it_opens_is_opened_on_the_next_use(tmp_path: Path) -> None:
    ArticleLibrary.in_dir(tmp_path).close()
    other = sqlite3.connect(tmp_path / "library.sqlite", isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        library = ArticleLibrary.in_dir(tmp_path, busy_timeout_s=0.1)
        assert not library.available and "locked" in library.notices[0]
    finally:
        other.execute("ROLLBACK")
        other.close()
    assert library.save(_article("Talks in Riga.")), "opened on the next save, without a restart"
    assert library.available and library.notices == ()


# --- a process killed while saving ---------------------------------------------------------------

WRITER = """
import sys
from dashboard.core.geoparse.intake import ArticleFields, build_article
from dashboard.services.library import ArticleLibrary
library = ArticleLibrary(sys.argv[1])
run = sys.argv[2]
body = "Officials met in Prague and Warsaw. " * 40000  # 1.4 MB: several hundred pages per row
print("ready", flush=True)
i = 0
while True:
    library.add(build_article(f"{run}-{i} {body}", ArticleFields(title=f"Article {run} {i}")))
    if i % 3 == 2:
        library.remove(library.entries()[0].id)  # deletes journal the whole row: a long write
    i += 1
"""
WRITER_NAME = "kill-test-writer"


def _in_a_write(store_url: str, journal: Path | None) -> bool:
    """True while the writer has a write transaction open: a hot SQLite journal, or a PostgreSQL
    backend of the writer inside a transaction that has written."""
    if journal is not None:
        return journal.exists()
    import psycopg

    with psycopg.connect(store_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND backend_xid IS NOT NULL",
            (WRITER_NAME,),
        ).fetchone()[0] > 0


def _kill_during_a_write(
    process: subprocess.Popen, store_url: str, journal: Path | None, rng: random.Random, targeted: bool
) -> bool:
    """SIGKILL the writer at a random moment, or (targeted) as soon as a write transaction is open;
    return whether a write transaction was open just before the kill."""
    if targeted:
        deadline = time.monotonic() + 10
        time.sleep(rng.uniform(0.05, 0.3))
        while not (inside := _in_a_write(store_url, journal)) and time.monotonic() < deadline:
            pass
        time.sleep(rng.uniform(0, 0.0005))
    else:
        time.sleep(rng.uniform(0.1, 0.8))
        inside = False
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    if journal is not None:  # a journal left behind: the kill did land inside the transaction
        inside = journal.exists() and journal.stat().st_size > 0
    return inside


def _assert_intact(store_url: str, path: Path | None) -> int:
    if path is not None:
        conn = sqlite3.connect(path)  # opening rolls a hot journal back
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
    library = ArticleLibrary(store_url)
    assert library.writable and not library.notices, library.notices
    stored = library.articles()
    for article_id, article in stored.items():
        digest = hashlib.sha256(article.text.encode("utf-8")).hexdigest()[:10]
        assert article_id.endswith(digest), "an article's text does not match its id: half-written"
        assert article.text.endswith("Warsaw."), "an article's text is cut short"
    library.close()
    return len(stored)


def test_killing_the_process_while_saving_never_leaves_a_broken_library(store_url: str) -> None:
    rng = random.Random(2007)
    sqlite = store_url.startswith("sqlite")
    path = Path(store_url.removeprefix("sqlite:///")) if sqlite else None
    journal = path.with_name(path.name + "-journal") if path else None
    writer_url = store_url if sqlite else f"{store_url}?application_name={WRITER_NAME}"
    inside_a_write = 0
    for round_ in range(6):
        process = subprocess.Popen(
            [sys.executable, "-c", WRITER, writer_url, str(round_)], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        inside_a_write += _kill_during_a_write(process, store_url, journal, rng, targeted=round_ % 2 == 1)
        process.stdout.close()
        _assert_intact(store_url, path)
    assert _assert_intact(store_url, path) > 0, "some articles were saved before the kills"
    assert inside_a_write >= 1, "no kill landed inside a write transaction: the test proved nothing"
