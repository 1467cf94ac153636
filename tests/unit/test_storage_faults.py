"""Storage faults: a full disk (SQLite's page limit, and a real 1 MB tmpfs filled to the last
block), and two servers sharing one store, on both backends (two processes saving, removing and
caching at the same time with zero errors, and what one saves listed by the other)."""
from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_library import _article

from dashboard.core.geoparse.article import Article
from dashboard.services.cache import CACHE_FILENAME, GeocodeCache, GeocodeResult
from dashboard.services.library import FILE_NAME, ArticleLibrary, LibraryError
from tests.capabilities import require

ROOT = Path(__file__).resolve().parents[2]
SERVICE = "nominatim:http://127.0.0.1:9"
PRAGUE = GeocodeResult(lat=50.08, lon=14.42, display_name="Prague, Czechia", feature="city")
FULL_DISK = r"disk holding .* is full; free some space there"
SQLITE_MAX_PAGES = 1073741823  # SQLite's default page limit: no limit in practice


def _long_article(n: int) -> Article:
    """An article of about 9 kB: more than two pages, so storing it needs new pages."""
    return _article(f"Article {n}: radar talks in Prague and Warsaw. " * 200, title=f"Long article {n}")


def _integrity(path: Path) -> str:
    """PRAGMA integrity_check of ``path`` through a fresh connection (which rolls a hot journal back)."""
    conn = sqlite3.connect(path)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


def _assert_unharmed(library: ArticleLibrary, before: dict[str, Article], absent: Article) -> None:
    """The file checks ok, holds exactly the articles of ``before`` with the same text, no
    journal is left, and ``absent`` (the save that failed) is not there, not even in part."""
    assert _integrity(library.path) == "ok"
    assert not library.path.with_name(library.path.name + "-journal").exists()
    assert library.articles() == before
    reopened = ArticleLibrary(library.path)
    assert reopened.articles() == before and absent.id not in reopened and not reopened.notices
    reopened.close()


# --- a full disk, simulated with SQLite's page limit ---------------------------------------------


class FillableDisk:
    """A ``connect=`` double whose files can run out of room: ``fill()`` caps every connection at
    its file's present size (``PRAGMA max_page_count``), so growing the file fails with
    SQLITE_FULL, "database or disk is full", exactly what a full disk gives."""

    def __init__(self, *, full: bool = False) -> None:
        self.full = full
        self.connections: list[sqlite3.Connection] = []

    def connect(self, path: str, **kwargs: object) -> sqlite3.Connection:
        """sqlite3.connect, capped at the file's size while the disk is full."""
        conn = sqlite3.connect(path, **kwargs)  # type: ignore[arg-type]
        self.connections.append(conn)
        if self.full:
            self._cap(conn)
        return conn

    def fill(self) -> None:
        """From now on no file grows."""
        self.full = True
        for conn in self._open_connections():
            self._cap(conn)

    def free(self) -> None:
        """Space again: files grow as before."""
        self.full = False
        for conn in self._open_connections():
            conn.execute(f"PRAGMA max_page_count = {SQLITE_MAX_PAGES}")

    def _open_connections(self) -> list[sqlite3.Connection]:
        open_ = []
        for conn in self.connections:
            try:
                conn.execute("SELECT 1")
            except sqlite3.ProgrammingError:  # closed by its owner
                continue
            open_.append(conn)
        return open_

    @staticmethod
    def _cap(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")


def _filled_library(path: Path, disk: FillableDisk) -> tuple[ArticleLibrary, dict[str, Article]]:
    """A library of three articles on ``disk``, then the disk filled; returns it and its articles."""
    library = ArticleLibrary.in_dir(path, connect=disk.connect)
    for n in range(3):
        library.add(_long_article(n))
    before = library.articles()
    disk.fill()
    return library, before


def test_a_full_disk_fails_the_save_clearly_and_harms_nothing(tmp_path: Path) -> None:
    disk = FillableDisk()
    library, before = _filled_library(tmp_path, disk)
    new = _long_article(99)
    with pytest.raises(LibraryError, match=f"could not be saved: the {FULL_DISK}, then try again"):
        library.add(new)
    _assert_unharmed(library, before, absent=new)
    assert library.writable and not library.notices, "a full disk is not a lasting state"
    disk.free()
    assert library.add(new) == (new, True), "saving works again without a restart"
    assert library.articles() == {**before, new.id: new}
    assert library.remove(new.id) is True


def test_a_library_first_opened_on_a_full_disk_opens_once_space_is_free(tmp_path: Path) -> None:
    disk = FillableDisk(full=True)
    library = ArticleLibrary.in_dir(tmp_path, connect=disk.connect)
    assert not library.available and library.articles() == {}
    assert "full; free some space there" in library.notices[0]
    with pytest.raises(LibraryError, match=FULL_DISK):
        library.add(_long_article(1))
    disk.free()
    assert library.save(_long_article(1)), "the library opens on the next save, without a restart"
    assert list(library.articles()) == [_long_article(1).id] and library.notices == ()


def test_a_full_disk_keeps_the_cache_answering_without_storing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    disk = FillableDisk()
    cache = GeocodeCache.in_dir(tmp_path, connect=disk.connect)
    cache.put(SERVICE, "Prague", PRAGUE)
    disk.fill()
    for n in range(200):  # far more than the free room in the file's last page
        cache.put(SERVICE, f"place {n} " + "x" * 100, PRAGUE)  # never raises
    notices = cache.take_notices()
    assert len(notices) == 1 and "full; free some space there" in notices[0] and "still used" in notices[0]
    assert len([r for r in caplog.records if "full" in r.getMessage()]) == 1, "logged once, not 200 times"
    entry = cache.get(SERVICE, "Prague")
    assert entry is not None and entry.result == PRAGUE, "cached answers are still given"
    assert cache.enabled and _integrity(cache.path) == "ok"
    stored = sum(cache.get(SERVICE, f"place {n} " + "x" * 100) is not None for n in range(200))
    assert stored < 200, "the disk never filled: the test proved nothing"
    disk.free()
    cache.put(SERVICE, "Warsaw", PRAGUE)
    assert cache.get(SERVICE, "Warsaw") is not None and cache.take_notices() == ()
    cache.close()


def test_a_cache_first_opened_on_a_full_disk_opens_once_space_is_free(tmp_path: Path) -> None:
    disk = FillableDisk(full=True)
    cache = GeocodeCache.in_dir(tmp_path, connect=disk.connect)
    assert not cache.enabled and "full; free some space there" in cache.take_notices()[0]
    cache.put(SERVICE, "Prague", PRAGUE)  # never raises
    disk.free()
    cache.put(SERVICE, "Prague", PRAGUE)
    assert cache.enabled and cache.get(SERVICE, "Prague") is not None and cache.take_notices() == ()
    cache.close()


# --- a real full disk: a 1 MB tmpfs filled to the last block -------------------------------------


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MB tmpfs mounted in ``tmp_path``; skipped where mounting is not allowed."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(mount_point)],
        capture_output=True, text=True, check=False,
    )
    if mounted.returncode != 0:
        require("mounting a tmpfs (root with CAP_SYS_ADMIN)", mounted.stderr.strip())
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "--lazy", str(mount_point)], check=True)


def _fill(disk: Path, *, leave_pages: int = 0) -> Path:
    """Write a file until the disk is full, then give back ``leave_pages`` 4 kB pages; return it."""
    filler = disk / "filler"
    with filler.open("ab", buffering=0) as out:
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError as err:
            assert err.errno == errno.ENOSPC
    if leave_pages:
        os.truncate(filler, filler.stat().st_size - leave_pages * 4096)
    return filler


def test_a_real_full_disk_fails_saves_and_removals_cleanly(tiny_disk: Path) -> None:
    library = ArticleLibrary.in_dir(tiny_disk / "data")
    for n in range(3):
        library.add(_long_article(n))
    before = library.articles()
    new = _article("A long report from Prague. " * 4000, title="Long report")  # 108 kB

    filler = _fill(tiny_disk)  # no room even for the rollback journal
    with pytest.raises(LibraryError, match=FULL_DISK):
        library.add(new)
    first = next(iter(before))
    with pytest.raises(LibraryError, match=f"could not be removed: the {FULL_DISK}"):
        library.remove(first)  # a removal only needs room for the journal
    _assert_unharmed(library, before, absent=new)
    filler.unlink()

    filler = _fill(tiny_disk, leave_pages=8)  # room for the journal, not for the new article
    with pytest.raises(LibraryError, match=FULL_DISK):
        library.add(new)
    assert library.remove(first), "the journal fitted: this time the article itself did not"
    del before[first]
    _assert_unharmed(library, before, absent=new)
    filler.unlink()

    assert library.add(new) == (new, True), "saving works again, without a restart"
    assert library.articles() == {**before, new.id: new} and library.notices == ()
    library.close()


def test_a_real_full_disk_leaves_the_cache_answering(tiny_disk: Path) -> None:
    cache = GeocodeCache.in_dir(tiny_disk / "data")
    cache.put(SERVICE, "Prague", PRAGUE)
    filler = _fill(tiny_disk)
    for n in range(100):
        cache.put(SERVICE, f"place {n} " + "x" * 100, PRAGUE)
    assert any("full; free some space there" in notice for notice in cache.take_notices())
    assert cache.get(SERVICE, "Prague") is not None and cache.get(SERVICE, "place 99 " + "x" * 100) is None
    assert _integrity(cache.path) == "ok"
    filler.unlink()
    cache.put(SERVICE, "Warsaw", PRAGUE)
    assert cache.get(SERVICE, "Warsaw") is not None and cache.take_notices() == ()
    cache.close()


# --- a read-only file in a read-only folder (file permissions, as a user they apply to) --------------

READ_ONLY_CHECK = """
import json, sys
from pathlib import Path
from dashboard.core.geoparse.intake import ArticleFields, build_article
from dashboard.services.cache import GeocodeCache, GeocodeResult
from dashboard.services.library import ArticleLibrary, LibraryError
folder = Path(sys.argv[1])
cache, library = GeocodeCache.in_dir(folder), ArticleLibrary.in_dir(folder)
entry = cache.get("test", "Prague")
cache.put("test", "Atlantis", None)  # never raises
try:
    library.add(build_article("Talks in Riga.", ArticleFields(title="Riga")))
    refused = ""
except LibraryError as err:
    refused = str(err)
print(json.dumps({
    "cache": [cache.enabled, cache.writable, entry is not None and entry.result is not None],
    "cache_notices": list(cache.take_notices()),
    "library": [library.available, library.writable, sorted(library.articles())],
    "library_notices": list(library.notices), "refused": refused,
}))
"""


def _as_unprivileged_user(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run ``code`` as a user that file permissions apply to. Root ignores them through two
    capabilities; when this is root they are dropped with setpriv (root, still the files' owner,
    can then read the clone wherever it lives, a 0700 home or temporary folder included, and
    write nothing that its mode forbids). Otherwise this user, to whom they apply."""
    command = [sys.executable, "-c", code, *args]
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            require("setpriv (util-linux)", "it runs the check without the capabilities that override file modes")
        command = ["setpriv", "--inh-caps=-all", "--bounding-set=-dac_override,-dac_read_search", *command]
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)


def test_a_read_only_file_in_a_read_only_folder_is_read_not_written() -> None:
    root = Path(tempfile.mkdtemp(prefix="dashboard-readonly-"))  # not under pytest's root-only folder
    folder = root / "data"
    try:
        root.chmod(0o755)
        cache, library = GeocodeCache.in_dir(folder), ArticleLibrary.in_dir(folder)
        cache.put("test", "Prague", PRAGUE)
        article = _article("Talks in Prague.")
        library.add(article)
        cache.close()
        library.close()
        for path in folder.iterdir():
            path.chmod(0o444)
        folder.chmod(0o555)
        done = _as_unprivileged_user(READ_ONLY_CHECK, str(folder))
        assert done.returncode == 0, done.stderr
        report = json.loads(done.stdout)
        assert report["cache"] == [True, False, True], report
        assert any("read-only" in notice for notice in report["cache_notices"])
        assert report["library"] == [True, False, [article.id]], report
        assert "read-only" in report["library_notices"][0] and "read-only" in report["refused"]
        assert sorted(path.name for path in folder.iterdir()) == [CACHE_FILENAME, FILE_NAME], "nothing created"
    finally:
        folder.chmod(0o755)
        shutil.rmtree(root)


# --- two servers on one data folder --------------------------------------------------------------

WORKER = """
import json, sys
from pathlib import Path
from dashboard.core.geoparse.intake import ArticleFields, build_article
from dashboard.services.cache import GeocodeCache, GeocodeResult
from dashboard.services.library import ArticleLibrary, LibraryError
import time
kind, where, worker, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
where = Path(where) if where.startswith("/") else where  # a file path, or a database URL
print("ready", flush=True)
sys.stdin.readline()  # both processes start together
report = {"saved": [], "shared": [], "removed": [], "errors": [], "notices": [], "started": time.time()}
if kind == "library":
    library = ArticleLibrary(where)
    for i in range(count):
        try:
            own = build_article(f"Worker {worker}, article {i}: talks in Prague.", ArticleFields(title=f"W {i}"))
            if library.add(own)[1]:
                report["saved"].append(own.id)
            shared = build_article(f"Shared article {i}: talks in Warsaw.", ArticleFields(title=f"Shared {worker}"))
            stored, created = library.add(shared)  # both processes save this text
            if created:
                report["shared"].append(stored.id)
            if i % 3 == 2 and library.remove(report["saved"][-2]):
                report["removed"].append(report["saved"][-2])
            library.entries()  # and read while the other writes
        except LibraryError as err:
            report["errors"].append(str(err))
    report["notices"] = list(library.notices)
else:
    cache = GeocodeCache(where)  # both create a new store at once
    for i in range(count):
        point = GeocodeResult(lat=50.0, lon=float(i), display_name=f"Place {i}")
        cache.put("test", f"worker {worker} place {i}", point)
        cache.put("test", f"shared place {i}", point)
        cache.get("test", f"shared place {i}")
    report["notices"] = list(cache.take_notices())
report["ended"] = time.time()
print(json.dumps(report), flush=True)
"""


def _run_workers(kind: str, where: str, *, workers: int = 2, count: int = 30) -> list[dict[str, Any]]:
    """Run ``workers`` processes of WORKER on the store ``where`` at the same moment; return their
    reports.

    Fails the test when a process raises (anything but a LibraryError), runs for a minute, or
    when the processes did not run at the same time (the test would prove nothing).
    """
    processes = [
        subprocess.Popen([sys.executable, "-c", WORKER, kind, where, str(n), str(count)], cwd=ROOT,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in range(workers)
    ]
    try:
        for process in processes:
            assert process.stdout is not None and process.stdout.readline().strip() == "ready"
        for process in processes:
            assert process.stdin is not None
            process.stdin.write("go\n")
            process.stdin.flush()
        reports = []
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0, err
            reports.append(json.loads(out))
        if workers > 1:
            assert max(r["started"] for r in reports) < min(r["ended"] for r in reports), "they never overlapped"
        return reports
    finally:
        for process in processes:
            if process.poll() is None:
                process.kill()
                process.wait()


def test_two_processes_saving_and_removing_at_once_lose_nothing(store_url: str) -> None:
    reports = _run_workers("library", store_url)
    assert [report["errors"] for report in reports] == [[], []], "a save or removal failed"
    library = ArticleLibrary(store_url)
    stored = library.articles()
    library.close()
    for report in reports:
        assert report["notices"] == []
        kept = set(report["saved"]) - set(report["removed"])
        assert kept <= set(stored), "an article reported as saved is missing"
        assert not set(report["removed"]) & set(stored), "a removed article came back"
        assert len(report["saved"]) == 30 and len(report["removed"]) == 10
    texts = [article.text for article in stored.values()]
    assert len(texts) == len(set(texts)), "the same text is stored twice"
    shared = [article_id for report in reports for article_id in report["shared"]]
    stored_shared = {article_id for article_id, article in stored.items() if article.text.startswith("Shared")}
    assert len(shared) == len(set(shared)) and set(shared) == stored_shared, "a shared text saved twice or lost"
    assert len(shared) == 30
    if store_url.startswith("sqlite"):
        assert _integrity(Path(store_url.removeprefix("sqlite:///"))) == "ok"


def test_two_processes_caching_at_once_keep_every_answer(store_url: str) -> None:
    reports = _run_workers("cache", store_url)
    assert [report["notices"] for report in reports] == [[], []]
    cache = GeocodeCache(store_url)
    if cache.path is not None:
        assert not list(cache.path.parent.glob(f"{cache.path.name}.corrupt-*")), "one set the other's new file aside"
        assert _integrity(cache.path) == "ok"
    queries = [f"worker {n} place {i}" for n in range(2) for i in range(30)] + [f"shared place {i}" for i in range(30)]
    missing = [query for query in queries if cache.get("test", query) is None]
    assert missing == []
    cache.close()


def test_two_servers_on_one_data_folder_share_the_embedded_files(tmp_path: Path) -> None:
    """The default (no DASHBOARD_DATABASE_URL): each store its own file in the data folder."""
    where = str(tmp_path / FILE_NAME)
    reports = _run_workers("library", where, count=10)
    assert [report["errors"] for report in reports] == [[], []]
    assert {path.name for path in tmp_path.iterdir()} == {FILE_NAME}
    assert len(ArticleLibrary.in_dir(tmp_path).articles()) == 2 * (10 - 3) + 10


def test_what_another_process_saves_or_removes_is_listed_without_reopening(store_url: str) -> None:
    library = ArticleLibrary(store_url)  # this process's library, as a running server holds it
    assert library.articles() == {}
    (report,) = _run_workers("library", store_url, workers=1, count=3)  # saves 6, removes 1
    stored = library.articles()  # what dashboard/ui/data.py articles() reads on every page run
    assert set(stored) == set(report["saved"] + report["shared"]) - set(report["removed"]) and len(stored) == 5
    assert all(library.get(article_id) == stored[article_id] for article_id in stored)
    assert report["removed"][0] not in library
    library.close()


# --- a damaged file seen by two servers and the CLI ------------------------------------------------

_OPEN_AND_LIST = """
import sys
from pathlib import Path
from dashboard.services.library import ArticleLibrary
library = ArticleLibrary.in_dir(Path(sys.argv[1]))
print(len(library.entries()), *library.notices, sep="\\n")
library.close()
"""


def _library_cli(data_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "DASHBOARD_DATABASE_URL"}
    return subprocess.run([sys.executable, "-m", "dashboard", "library", *args], cwd=ROOT,
                          env={**env, "DASHBOARD_DATA_DIR": str(data_dir)},
                          capture_output=True, text=True, timeout=120, check=False)


def test_a_server_on_a_stale_connection_never_sets_aside_the_new_library(tmp_path: Path) -> None:
    """Server C holds a connection to the library; the file is damaged; server A (another process)
    sets it aside and starts a new one; the CLI saves an article into the new one; then C reads
    through its stale connection, sees the damage, and must open the new file instead of renaming
    it aside (which would hide the article saved after the damage)."""
    server_c = ArticleLibrary.in_dir(tmp_path)
    server_c.save(_article("An article from before the damage names Prague.", title="Before"))
    assert len(server_c.entries()) == 1  # C's pooled connection now holds the file open
    with open(tmp_path / FILE_NAME, "r+b") as damaged:
        damaged.write(b"\x00" * 400)

    server_a = subprocess.run([sys.executable, "-c", _OPEN_AND_LIST, str(tmp_path)], cwd=ROOT,
                              capture_output=True, text=True, timeout=120, check=True)
    assert "was damaged" in server_a.stdout, server_a.stdout + server_a.stderr
    assert len(list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))) == 1

    story = tmp_path / "after.md"
    story.write_text("---\ntitle: After the damage\n---\nThe radar talks moved to Warsaw on Monday.\n")
    added = _library_cli(tmp_path, "add", str(story))
    assert added.returncode == 0, added.stderr

    titles = [entry.title for entry in server_c.entries()]  # C sees "damaged" on its stale connection
    assert titles == ["After the damage"]
    assert len(list(tmp_path.glob(f"{FILE_NAME}.corrupt-*"))) == 1, "C set the new, healthy file aside"
    listed = _library_cli(tmp_path, "list", "--json")
    assert [json.loads(line)["title"] for line in listed.stdout.splitlines()] == ["After the damage"]
    server_c.save(_article("C saves into the new library: Gabala.", title="From C"))
    assert [entry.title for entry in ArticleLibrary.in_dir(tmp_path).entries()] == ["After the damage", "From C"]
    server_c.close()
