"""The library panel in the app (AppTest): uploads of every kind, bad files, duplicates, fetching
by URL (offline and from a local server), removal with a confirmation, an unusable library, and
an article with too many places to draw."""
from __future__ import annotations

import sqlite3
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard.core.geography import MAX_PLACE_MARKERS
from dashboard.services.gazetteer_file import default_gazetteer_path
from dashboard.services.library import ArticleLibrary
from dashboard.ui.state import ADD_ARTICLE_WIDGET

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "page_script.py")
TEXT = "Officials from Poland met in Prague on Monday. Talks continue in Warsaw and Brno."
PAGE = (
    "<html><head><title>Radar talks</title><meta property='og:site_name' content='The Daily'>"
    "<script>window.parent.document.title='pwned'</script></head><body onload=\"alert('x')\">"
    "<article><h1>Radar talks</h1><p>Officials met in Prague on Monday to discuss the radar "
    "<img src=x onerror=\"alert('img')\">base with Czech ministers and Polish guests.</p>"
    "<p>The talks continued in Warsaw later in the week, officials said on Friday evening.</p>"
    "</article></body></html>"
)


@pytest.fixture(autouse=True)
def data_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DASHBOARD_OFFLINE", raising=False)
    monkeypatch.delenv("DASHBOARD_GEOCODER", raising=False)
    st.cache_data.clear()
    st.cache_resource.clear()
    yield tmp_path
    st.cache_data.clear()
    st.cache_resource.clear()


def start(**params: str) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=90)
    app.session_state[ADD_ARTICLE_WIDGET] = True  # the panel is built only while open
    for key, value in params.items():
        app.query_params[key] = value
    return run(app)


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def submit(app: AppTest, form: str) -> AppTest:
    next(b for b in app.button if b.form_id == form).click()
    return run(app)


def upload(app: AppTest, name: str, data: bytes, title: str = "") -> AppTest:
    if not app.file_uploader:  # the panel closes once an article is added: open it again
        app.session_state[ADD_ARTICLE_WIDGET] = True
        run(app)
    app.file_uploader[0].set_value((name, data, "application/octet-stream"))
    if title:
        app.text_input(key="upload_title").input(title)
    return submit(app, "add_upload")


def stored(data_dir: Path) -> dict:
    library = ArticleLibrary.in_dir(data_dir)
    try:
        return library.articles()
    finally:
        library.close()


def test_an_uploaded_text_file_is_stored_selected_and_announced(data_dir) -> None:
    app = upload(start(), "talks.txt", TEXT.encode(), title="Prague talks")
    assert app.title[0].value == "Prague talks"
    assert any("Added" in s.value for s in app.success)
    assert [a.title for a in stored(data_dir).values()] == ["Prague talks"]


def test_an_uploaded_html_page_becomes_clean_text_with_its_title(data_dir) -> None:
    app = upload(start(), "page.html", PAGE.encode())
    assert app.title[0].value == "Radar talks"
    (article,) = stored(data_dir).values()
    assert article.outlet == "The Daily" and "Warsaw" in article.text
    for leftover in ("pwned", "alert", "onerror", "onload", "<script"):
        assert leftover not in article.text


def test_a_second_upload_of_the_same_file_adds_no_copy(data_dir) -> None:
    app = upload(start(), "page.html", PAGE.encode())
    app = upload(app, "page.html", PAGE.encode())
    assert any("already in the library" in i.value for i in app.info)
    assert len(stored(data_dir)) == 1
    assert app.title[0].value == "Radar talks"


def test_a_legacy_encoding_is_converted(data_dir) -> None:
    app = upload(start(), "zurich.txt", "Gespräche in Zürich und München am Montag.".encode("cp1252"), title="Z")
    (article,) = stored(data_dir).values()
    assert article.text == "Gespräche in Zürich und München am Montag."
    assert app.title[0].value == "Z"


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 10, "binary"),
        ("empty.txt", b"   \n", "empty"),
        ("huge.txt", b"Prague. " * (700_000), "limit"),
    ],
    ids=["binary", "empty", "too-large"],
)
def test_bad_files_get_a_clear_answer_and_nothing_is_stored(data_dir, name: str, data: bytes, reason: str) -> None:
    app = upload(start(), name, data)
    assert any(reason in e.value for e in app.error), [e.value for e in app.error]
    assert stored(data_dir) == {}


def test_submitting_without_a_file_says_so() -> None:
    app = submit(start(), "add_upload")
    assert any("Choose a file" in e.value for e in app.error)


def test_offline_the_url_tab_explains_why_it_cannot_fetch(monkeypatch) -> None:
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    app = start()
    assert any("disabled" in i.value and "DASHBOARD_OFFLINE=1" in i.value for i in app.info)
    assert not [b for b in app.button if b.form_id == "add_url"]


@pytest.fixture
def local_page():
    class Page(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            body = PAGE.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Page)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/news/radar"
    server.shutdown()


def test_online_a_page_is_fetched_stored_and_keeps_its_address(data_dir, local_page, monkeypatch) -> None:
    import dashboard.services.fetch as fetch

    monkeypatch.setattr(fetch, "is_public_address", lambda address: True)  # the test's server is on loopback
    app = start()
    app.text_input(key="url_title").input("")
    next(t for t in app.text_input if t.label == "Address of the article").input(local_page)
    app = submit(app, "add_url")
    assert app.title[0].value == "Radar talks"
    (article,) = stored(data_dir).values()
    assert article.url == local_page


def test_online_a_loopback_address_is_refused(data_dir, local_page) -> None:
    app = start()
    next(t for t in app.text_input if t.label == "Address of the article").input(local_page)
    app = submit(app, "add_url")
    assert any("not a public address" in e.value for e in app.error)
    assert stored(data_dir) == {}


def test_removing_asks_first_then_removes_and_shows_the_default_article(data_dir) -> None:
    app = upload(start(), "talks.txt", TEXT.encode(), title="Prague talks")
    (article_id,) = stored(data_dir)
    assert app.button(key="remove_current").label == "Yes, remove it"  # inside the confirmation
    app.button(key="remove_current").click()
    app = run(app)
    assert stored(data_dir) == {}
    assert app.title[0].value != "Prague talks"
    assert any("Removed" in s.value for s in app.success)
    assert article_id not in app.selectbox(key="article_choice").options
    # its old link now says it is gone, and the rest of the page works
    st.cache_data.clear()
    again = start(article=article_id)
    assert again.title[0].value != "Prague talks"
    assert any("unknown" in w.value for w in again.warning)


def test_bundled_articles_have_no_remove_button() -> None:
    app = start()
    assert not [b for b in app.button if b.key == "remove_current"]


def test_an_unusable_library_leaves_the_app_working(tmp_path, monkeypatch) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path / "not-a-folder" / "data"))
    app = start()
    assert app.title[0].value  # the bundled article is shown
    assert any("unavailable" in w.value for w in app.sidebar.warning)
    assert any("cannot be added" in i.value for i in app.main.info)  # the add action is at the top of the page


def test_a_damaged_library_is_set_aside_with_a_notice(data_dir) -> None:
    (data_dir / "library.sqlite").write_bytes(b"garbage, not SQLite" * 50)
    app = start()
    assert any("set aside" in w.value for w in app.sidebar.warning)
    app = upload(app, "talks.txt", TEXT.encode(), title="Prague talks")
    assert app.title[0].value == "Prague talks"


def _many_place_names(count: int) -> list[str]:
    conn = sqlite3.connect(f"file:{default_gazetteer_path()}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT DISTINCT name FROM entries WHERE feature = 'city' AND name GLOB '[A-Z][a-z]*'"
            " AND length(name) > 5 ORDER BY population DESC LIMIT ?", (count,)
        ).fetchall()
    finally:
        conn.close()
    return [row[0] for row in rows]


def test_an_article_with_thousands_of_mentions_caps_the_markers_and_says_so(data_dir) -> None:
    names = _many_place_names(1200)
    text = " ".join(f"Officials met in {name} on Monday." for name in names * 2)
    app = start()
    app.text_area[0].input(text)
    app.text_input(key="paste_title").input("Everywhere")
    app = submit(app, "add_paste")
    assert app.title[0].value == "Everywhere"
    captions = [c.value for c in app.caption]
    assert any(f"at most {MAX_PLACE_MARKERS} markers" in c for c in captions), captions
