"""Published snapshots: the frozen model (content id, texts, alt text from the data), the store
(SQLite and PostgreSQL, caps), the CLI, the HTTP routes (headers, 404, oEmbed), and a snapshot
that stays the same when the curated data changes and the article is removed."""
from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.routing import Router

from dashboard import publish_cli
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.geocoding import geocoding_chain_for
from dashboard.__main__ import main as cli_main
from dashboard.config import Settings, load_settings
from dashboard.core.geoparse.article import Article
from dashboard.core.publish.build import describe_map, freeze_view
from dashboard.core.publish.model import PublishError, SnapshotTexts, is_snapshot_id
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.compose import compose_map
from dashboard.core.topics.catalogue import load_catalogue
from dashboard.core.view.state import ViewState
from dashboard.services.articles import article_geography, atlas_dir, catalogue, file_articles, topics_dir
from dashboard.services.library import ArticleLibrary
from dashboard.services.snapshots import SnapshotStore, data_version, publish_view
from dashboard.services.static_assets import MAP_SCRIPT, snapshot_assets
from dashboard.web import snapshots as web
from tests.asgi import run_to_completion

VOA = "voa-2007-06-07-putin-gabala-offer"
TEXTS = SnapshotTexts(title="Radars of 2007", caption="Two plans.", credit="Desk", alt="Map of sites.")


@pytest.fixture(scope="module")
def voa_geo():
    settings = Settings(offline=True)
    return article_geography(file_articles(settings)[VOA], geocoding_chain_for(settings, ensure_gazetteer()), catalogue())


def freeze(geo, texts: SnapshotTexts = TEXTS, version: str = "v1", **view):
    return freeze_view(geo, ViewState(article=VOA, basemap="offline", **view), geo.article.date, texts,
                       outlines=load_basemap(), data_version=version, assets=snapshot_assets())


# --- the model --------------------------------------------------------------------------------


@pytest.mark.parametrize(("field", "limit"), [("title", 160), ("caption", 600), ("credit", 200), ("alt", 1500)])
def test_texts_over_their_limit_are_refused(field: str, limit: int) -> None:
    values = {"title": "T", "alt": "A", field: "x" * limit}
    assert getattr(SnapshotTexts(**values), field) == "x" * limit
    with pytest.raises(PublishError, match=f"the {field} is {limit + 1:,} characters long"):
        SnapshotTexts(**{**values, field: "x" * (limit + 1)})


def test_a_title_and_an_alt_text_are_required() -> None:
    with pytest.raises(PublishError, match="title is empty"):
        SnapshotTexts(title="  ", alt="A")
    with pytest.raises(PublishError, match="alt text is empty"):
        SnapshotTexts(title="T", alt="")


def test_the_alt_text_is_written_from_the_data(voa_geo) -> None:
    view = ViewState(article=VOA, categories=("us-plan",))
    text = describe_map(voa_geo, view, compose_map(voa_geo, view, None))
    assert text.startswith("Map of two sites: Proposed X-band radar, Brdy (hill 718) (radar, Czech Republic); "
                           "Proposed interceptor base, Redzikowo airfield (Słupsk) (interceptors, Poland)")
    assert "Gabala" not in text


def test_the_same_view_gives_the_same_id_and_another_view_another(voa_geo) -> None:
    first, again = freeze(voa_geo), freeze(voa_geo)
    assert is_snapshot_id(first.id) and first.id == again.id
    assert freeze(voa_geo, categories=("us-plan",)).id != first.id
    assert freeze(voa_geo, SnapshotTexts(title="Other", alt="Map of sites.")).id != first.id
    assert freeze(voa_geo, version="v2").id != first.id
    assert {f.name for f in first.files} == {"index.html", "embed.html", "map.png", "map@2x.png", "map.svg", "map.pdf",
                                              "data.geojson", "data.csv"}
    page = first.file("index.html").body.decode()
    for site in ("czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"):
        assert f"site-{site}" in page
    assert '<meta property="og:title" content="Radars of 2007">' in page
    assert "https://" not in page.split("<body")[0].replace("https://www.geonames.org", "")  # nothing from outside


def test_page_outlines_are_clipped_to_the_frame(voa_geo) -> None:
    europe = freeze(voa_geo, roles=("radar", "interceptors"))  # three sites, no other place
    page = europe.file("index.html").body.decode()
    assert "Czechia" in page or "Czech" in page
    assert '"Brazil"' not in page and '"Australia"' not in page
    assert len(page) < 200_000


def test_the_overview_keeps_its_countries_more_coarsely(voa_geo) -> None:
    snapshot = freeze(voa_geo)  # Kennebunkport and the G8 list in the overview
    page = snapshot.file("index.html").body.decode()
    assert '"Brazil"' in page and '"Japan"' in page  # the overview map draws them
    assert len(page) < 400_000


def test_pages_load_their_scripts_from_content_addressed_paths(voa_geo) -> None:
    snapshot = freeze(voa_geo)
    assert {a.name for a in snapshot.assets} == {"leaflet", "jquery", "dashboard_map", "leaflet_css"}
    paths = {a.path for a in snapshot.assets}
    for name in ("index.html", "embed.html"):
        page = snapshot.file(name).body.decode()
        scripts = set(re.findall(r'<script src="([^"]+)"', page))
        sheets = set(re.findall(r'<link rel="stylesheet" href="([^"]+)"', page))
        assert scripts | sheets == paths, (name, scripts, sheets)
        assert all(re.fullmatch(r"/s/assets/[0-9a-f]{64}\.(js|css)", path) for path in paths)
        assert "/app/static" not in page
    map_script = next(a for a in snapshot.assets if a.name == "dashboard_map")
    assert map_script.body == MAP_SCRIPT.read_bytes() and map_script.path == f"/s/assets/{hashlib.sha256(map_script.body).hexdigest()}.js"
    css = next(a for a in snapshot.assets if a.kind == "css").body.decode()
    assert "url(images/" not in css and "data:image/png;base64," in css  # no other file needed


# --- the store --------------------------------------------------------------------------------


def test_assets_are_stored_once_for_every_snapshot_and_go_with_the_last(store_url: str, voa_geo) -> None:
    store = SnapshotStore(store_url)
    first, second = freeze(voa_geo), freeze(voa_geo, categories=("us-plan",))
    assert first.id != second.id and first.assets == second.assets
    store.save(first, max_bytes=10**8, max_count=10)
    store.save(second, max_bytes=10**8, max_count=10)
    sizes = store.asset_sizes()
    assert set(sizes) == {a.file_name for a in first.assets}  # four rows, not eight
    assert sizes == {a.file_name: len(a.body) for a in first.assets}
    assert store.asset(first.assets[0].file_name).body == first.assets[0].body
    leaflet = next(a for a in first.assets if a.name == "leaflet").body
    assert sizes[f"{hashlib.sha256(leaflet).hexdigest()}.js"] > 100_000
    assert not any(leaflet[:4000] in f.body for f in first.files + second.files)  # no snapshot holds a copy
    store.remove(first.id)
    assert set(store.asset_sizes()) == set(sizes)  # still used by the second
    store.remove(second.id)
    assert store.asset_sizes() == {} and store.asset(first.assets[0].file_name) is None
    store.close()


def test_a_store_of_version_1_is_upgraded_and_its_snapshots_kept(tmp_path: Path, voa_geo) -> None:
    import sqlalchemy as sa

    from dashboard.services import snapshots as service
    from dashboard.services.store import SCHEMA_VERSION

    path = tmp_path / "snapshots.sqlite"
    engine = sa.create_engine(f"sqlite:///{path}")
    with engine.begin() as conn:  # what version 1 wrote: two tables and its version row
        service.SNAPSHOTS.create(conn)
        service.SNAPSHOT_FILES.create(conn)
        SCHEMA_VERSION.create(conn)
        conn.execute(SCHEMA_VERSION.insert().values(component="snapshots", version=1))
        conn.execute(service.SNAPSHOTS.insert().values(id="0" * 20, title="Old", article_id=VOA, manifest="{}", bytes=3,
                                                       created_at=0.0))
        conn.execute(service.SNAPSHOT_FILES.insert().values(snapshot_id="0" * 20, name="index.html",
                                                            media_type="text/html; charset=utf-8",
                                                            body=b'<script src="/app/static/leaflet/leaflet.js"></script>'))
    engine.dispose()
    store = SnapshotStore(path)
    assert b"/app/static/leaflet/leaflet.js" in store.file("0" * 20, "index.html").body  # an old page keeps its links
    assert store.save(freeze(voa_geo), max_bytes=10**8, max_count=10) is True
    assert len(store.asset_sizes()) == 4
    store.close()




def test_store_saves_once_lists_serves_and_removes(store_url: str, voa_geo) -> None:
    store = SnapshotStore(store_url)
    snapshot = freeze(voa_geo)
    assert store.save(snapshot, max_bytes=10**8, max_count=10) is True
    assert store.save(snapshot, max_bytes=10**8, max_count=10) is False
    assert [e.id for e in store.entries()] == [snapshot.id]
    assert store.file(snapshot.id, "map.png").body == snapshot.file("map.png").body
    assert store.manifest(snapshot.id)["texts"]["title"] == "Radars of 2007"
    assert store.remove(snapshot.id) is True and store.remove(snapshot.id) is False
    assert store.file(snapshot.id, "map.png") is None and store.entries() == []
    store.close()


def test_caps_on_size_and_count_are_clear(store_url: str, voa_geo) -> None:
    store = SnapshotStore(store_url)
    snapshot = freeze(voa_geo)
    with pytest.raises(PublishError, match="at most 1,000 per snapshot .DASHBOARD_PUBLISH_MAX_BYTES"):
        store.save(snapshot, max_bytes=1000, max_count=10)
    store.save(snapshot, max_bytes=10**8, max_count=1)
    with pytest.raises(PublishError, match="at most 1 snapshots .DASHBOARD_PUBLISH_MAX_SNAPSHOTS"):
        store.save(freeze(voa_geo, version="v2"), max_bytes=10**8, max_count=1)
    assert len(store.entries()) == 1
    store.close()


# --- the CLI ----------------------------------------------------------------------------------


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DASHBOARD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DASHBOARD_OFFLINE", "1")
    monkeypatch.setenv("DASHBOARD_PUBLIC_URL", "https://maps.example.org")
    monkeypatch.delenv("DASHBOARD_DATABASE_URL", raising=False)
    web._store.cache_clear()
    web._public_url.cache_clear()
    yield tmp_path
    web._store.cache_clear()
    web._public_url.cache_clear()


def test_cli_publishes_lists_and_removes(data_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["publish", "--article", VOA, "--view", "proposal=us-plan", "--title", "Two sites", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert set(result) == {"id", "path", "png", "svg", "pdf", "embed_html"}
    assert result["path"] == f"/s/{result['id']}/"
    assert result["png"] == f"https://maps.example.org/s/{result['id']}/map.png"
    assert f'src="https://maps.example.org/s/{result["id"]}/embed"' in result["embed_html"]
    assert cli_main(["publish", "--article", VOA, "--view", "proposal=us-plan", "--title", "Two sites", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["id"] == result["id"]  # the same content: the same id
    assert cli_main(["publish", "list", "--json"]) == 0
    listed = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(e["id"], e["title"], e["article"]) for e in listed] == [(result["id"], "Two sites", VOA)]
    assert cli_main(["publish", "remove", result["id"]]) == 0
    assert cli_main(["publish", "remove", result["id"]]) == 1
    assert cli_main(["publish", "list"]) == 0
    assert capsys.readouterr().out.strip().endswith(f"removed\t{result['id']}")


@pytest.mark.parametrize(("args", "message"), [
    (["--article", "no-such-story"], "unknown article 'no-such-story'"),
    (["--article", VOA, "--view", "proposal=nope"], "invalid view: proposal: unknown 'nope'"),
    (["--article", VOA, "--view", "colour=red"], "invalid view: unknown parameter 'colour'"),
    (["--article", VOA, "--caption", "x" * 601], "the caption is 601 characters long; at most 600"),
])
def test_cli_errors_are_clear(data_dir: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str) -> None:
    assert cli_main(["publish", *args]) == 2
    assert message in capsys.readouterr().err


# --- HTTP -------------------------------------------------------------------------------------


def call(path: str, query: str = "", headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """One GET through the snapshot routes (an ASGI call, no server)."""
    router = Router(routes=web.snapshot_routes())
    raw = [(b"host", b"maps.test:8501")] + [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    scope = {"type": "http", "method": "GET", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "headers": raw, "scheme": "http", "server": ("maps.test", 8501), "root_path": "", "http_version": "1.1"}
    sent: list[dict] = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        sent.append(message)

    run_to_completion(router(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def published_id(data_dir: Path, voa_geo) -> str:
    store = SnapshotStore.from_settings(load_settings())
    snapshot, _ = publish_view(store, load_settings(), voa_geo, ViewState(article=VOA, basemap="offline"),
                               voa_geo.article.date, TEXTS)
    store.close()
    return snapshot.id


def test_snapshot_resources_are_immutable_with_their_own_headers(published_id: str) -> None:
    status, headers, body = call(f"/s/{published_id}/")
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in headers["content-security-policy"]
    assert "script-src 'self' 'sha256-" in headers["content-security-policy"]
    assert b'content="http://maps.test:8501/s/' + published_id.encode() + b'/map.png"' in body
    assert b"__SNAPSHOT_BASE_URL__" not in body
    assert call(f"/s/{published_id}/", headers={"If-None-Match": headers["etag"]})[0] == 304
    status, headers, body = call(f"/s/{published_id}/embed")
    assert status == 200 and "frame-ancestors *" in headers["content-security-policy"] and "x-frame-options" not in headers
    assert b"dashboard-snapshot-height" in body
    for name, media in (("map.png", "image/png"), ("map.svg", "image/svg+xml"), ("map.pdf", "application/pdf"),
                        ("data.geojson", "application/geo+json"), ("data.csv", "text/csv; charset=utf-8")):
        status, headers, body = call(f"/s/{published_id}/{name}")
        assert status == 200 and headers["content-type"] == media and headers["etag"] and body
    small, large = call(f"/s/{published_id}/map.png")[2], call(f"/s/{published_id}/map.png", "scale=2")[2]
    assert len(large) > len(small)


@pytest.mark.parametrize("path", ["/s/not-an-id/", "/s/" + "0" * 20 + "/", "/s/" + "0" * 20 + "/embed",
                                  "/s/" + "0" * 20 + "/map.png", "/s/" + "A" * 20 + "/map.svg", "/s/" + "0" * 21, "/s/" + "0" * 20 + "/index.html"])
def test_unknown_or_malformed_ids_get_a_plain_404(data_dir: Path, path: str) -> None:
    status, headers, body = call(path)
    assert status == 404 and headers["cache-control"] == "no-store"
    assert b"Snapshot not found" in body and b"Traceback" not in body


def test_oembed_answers_for_this_servers_snapshots_only(published_id: str) -> None:
    page = f"http://maps.test:8501/s/{published_id}/"
    status, headers, body = call("/oembed", f"url={quote(page, safe='')}&format=json")
    answer = json.loads(body)
    assert status == 200 and answer["version"] == "1.0" and answer["type"] == "rich"
    assert answer["title"] == "Radars of 2007" and f'src="http://maps.test:8501/s/{published_id}/embed"' in answer["html"]
    assert call("/oembed", f"url={quote(page.replace('maps.test', 'evil.test'), safe='')}")[0] == 404
    assert call("/oembed", f"url={quote('http://maps.test:8501/s/' + '1' * 20 + '/', safe='')}")[0] == 404
    assert call("/oembed", f"url={quote(page, safe='')}&format=xml")[0] == 501
    public = f"https://maps.example.org/s/{published_id}/embed"  # DASHBOARD_PUBLIC_URL's form is accepted too
    assert call("/oembed", f"url={quote(public, safe='')}")[0] == 200


def test_assets_are_served_immutable_by_content(published_id: str) -> None:
    status, _, page = call(f"/s/{published_id}/")
    paths = re.findall(r'(?:src|href)="(/s/assets/[0-9a-f]{64}\.(?:js|css))"', page.decode())
    assert len(paths) == 4
    for path in paths:
        status, headers, body = call(path)
        assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable" and headers["etag"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["content-type"].startswith("text/javascript" if path.endswith(".js") else "text/css")
        assert hashlib.sha256(body).hexdigest() == path.rsplit("/", 1)[1].split(".")[0]
        assert call(path, headers={"If-None-Match": headers["etag"]})[0] == 304
    for missing in ("/s/assets/" + "0" * 64 + ".js", "/s/assets/" + "0" * 64 + ".html", "/s/assets/leaflet.js"):
        status, headers, body = call(missing)
        assert status == 404 and b"Traceback" not in body, missing


def test_a_later_map_script_does_not_change_a_published_snapshot(data_dir: Path, tmp_path: Path, voa_geo) -> None:
    script = tmp_path / "map.js"
    script.write_bytes(MAP_SCRIPT.read_bytes())
    settings = load_settings()
    store = SnapshotStore.from_settings(settings)
    view = ViewState(article=VOA, basemap="offline")
    old, _ = publish_view(store, settings, voa_geo, view, voa_geo.article.date, TEXTS, map_script=script)
    old_page = call(f"/s/{old.id}/")[2]
    old_path = next(a.path for a in old.assets if a.name == "dashboard_map")
    script.write_text(script.read_text(encoding="utf-8") + "\n// an upgrade\n", encoding="utf-8")  # the server's copy changes
    new, _ = publish_view(store, settings, voa_geo, view.with_changes(categories=("us-plan",)), voa_geo.article.date,
                          TEXTS, map_script=script)
    new_path = next(a.path for a in new.assets if a.name == "dashboard_map")
    assert new_path != old_path
    assert call(f"/s/{old.id}/")[2] == old_page and old_path.encode() in old_page  # the old page: the old script
    assert call(old_path)[2] == MAP_SCRIPT.read_bytes() and call(new_path)[2].endswith(b"// an upgrade\n")
    assert len(store.asset_sizes()) == 5  # Leaflet, jQuery and the style sheet shared; two map scripts
    store.close()


# --- frozen -----------------------------------------------------------------------------------


def test_the_snapshot_stays_when_the_data_changes_and_the_article_goes(data_dir: Path, tmp_path: Path) -> None:
    settings = load_settings()
    topics, atlas = tmp_path / "topics", tmp_path / "atlas"
    shutil.copytree(topics_dir(), topics)
    shutil.copytree(atlas_dir(), atlas)
    original = file_articles(settings)[VOA]
    library = ArticleLibrary.in_dir(data_dir)
    stored, _ = library.add(Article(id="stored-voa", title=original.title, text=original.text, outlet=original.outlet,
                                    date=original.date))
    geo = article_geography(stored, geocoding_chain_for(settings, ensure_gazetteer()), load_catalogue(topics, atlas))
    store = SnapshotStore.from_settings(settings)
    view = ViewState(article=stored.id, basemap="offline")
    snapshot, _ = publish_view(store, settings, geo, view, geo.article.date, TEXTS, version=data_version(topics, atlas))
    before = {name: call(f"/s/{snapshot.id}/{name}")[2] for name in ("embed", "map.png", "map.svg", "data.csv")}

    sites = atlas / "installations.csv"
    sites.write_text(sites.read_text(encoding="utf-8").replace("49.63522,13.74794", "50.1,14.2"), encoding="utf-8")
    assert library.remove(stored.id)
    changed = article_geography(stored, geocoding_chain_for(settings, ensure_gazetteer()), load_catalogue(topics, atlas))
    assert next(s for s in changed.sites if s.id == "czech-radar").lat == 50.1  # the data did change
    after = {name: call(f"/s/{snapshot.id}/{name}")[2] for name in before}
    assert after == before and b"49.63522" in after["data.csv"] and b"50.1," not in after["data.csv"]
    again, _ = publish_view(store, settings, changed, view, changed.article.date, TEXTS, version=data_version(topics, atlas))
    assert again.id != snapshot.id  # a new data version is a new snapshot; the old one stays
    assert {e.id for e in store.entries()} == {snapshot.id, again.id}
    store.close()
    library.close()


def test_cli_module_is_registered() -> None:
    parser_help = io.StringIO()
    with pytest.raises(SystemExit):
        import contextlib

        with contextlib.redirect_stdout(parser_help):
            cli_main(["publish", "--help"])
    assert "--article" in parser_help.getvalue() and publish_cli.OK == 0


# --- hostile text -----------------------------------------------------------------------------


def test_hostile_editor_texts_stay_text_in_pages_and_images(voa_geo) -> None:
    from tests.hostile_payloads import PAYLOADS

    chosen = ("script tag", "img onerror", "svg onload", "template literal", "latex", "jinja", "style tag")
    payload = " ".join(text for name, text in PAYLOADS if name in chosen)
    title = " ".join(text for name, text in PAYLOADS if name in ("script tag", "latex", "jinja"))
    texts = SnapshotTexts(title=title, caption=payload, credit=payload[:200], alt=payload)
    snapshot = freeze(voa_geo, texts, roles=("radar",))
    for name in ("index.html", "embed.html"):
        page = snapshot.file(name).body.decode()
        for raw in ("<script>window.__pwned", "<img src=x", "<svg onload", "<style>body", "49 {%"):
            assert raw not in page, (name, raw)
        assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in page
    svg = snapshot.file("map.svg").body.decode()
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in svg and "<script" not in svg
    assert "$x^2$" in svg  # drawn as the characters, not as TeX
