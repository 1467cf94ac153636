"""Settings from the environment: defaults, forced offline gazetteer, and clear errors."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from dashboard.config import (
    DEFAULT_DATA_DIR,
    DEFAULT_NOMINATIM_URL,
    REPO_ROOT,
    ConfigError,
    Settings,
    load_settings,
    normalise_service_url,
)


def test_defaults_from_an_empty_environment() -> None:
    settings = load_settings({})
    assert settings.offline is False
    assert settings.geocoder == "gazetteer"
    assert settings.nominatim_enabled is False
    assert settings.nominatim_url == DEFAULT_NOMINATIM_URL
    assert settings.articles_dir is None
    assert settings.data_dir == DEFAULT_DATA_DIR == REPO_ROOT / ".dashboard-data"
    assert settings.timeout_s == 5.0
    assert settings.user_agent.startswith("missile-defense-dashboard/")


def test_reads_only_the_mapping_it_is_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DASHBOARD_GEOCODER", "not-a-geocoder")
    assert load_settings({}).geocoder == "gazetteer"
    with pytest.raises(ConfigError):
        load_settings()


def test_nominatim_with_a_self_hosted_server() -> None:
    settings = load_settings(
        {"DASHBOARD_GEOCODER": " Nominatim ", "DASHBOARD_NOMINATIM_URL": "http://127.0.0.1:8080/"}
    )
    assert settings.geocoder == "nominatim"
    assert settings.nominatim_enabled is True
    assert settings.nominatim_url == "http://127.0.0.1:8080"


@pytest.mark.parametrize("value", ["1", "true", "YES", " on "])
def test_offline_forces_the_gazetteer(value: str) -> None:
    settings = load_settings({"DASHBOARD_OFFLINE": value, "DASHBOARD_GEOCODER": "nominatim"})
    assert settings.offline is True
    assert settings.geocoder == "gazetteer"
    assert settings.nominatim_enabled is False


@pytest.mark.parametrize("value", ["0", "false", "", "off"])
def test_offline_false_values(value: str) -> None:
    assert load_settings({"DASHBOARD_OFFLINE": value}).offline is False


def test_directories_are_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    settings = load_settings(
        {"DASHBOARD_DATA_DIR": "data-here", "DASHBOARD_ARTICLES_DIR": str(tmp_path / "a")}
    )
    assert settings.data_dir == tmp_path.resolve() / "data-here"
    assert settings.articles_dir == tmp_path.resolve() / "a"


@pytest.mark.parametrize(
    ("environ", "needle"),
    [
        ({"DASHBOARD_OFFLINE": "maybe"}, "DASHBOARD_OFFLINE"),
        ({"DASHBOARD_GEOCODER": "google"}, "DASHBOARD_GEOCODER"),
        ({"DASHBOARD_NOMINATIM_URL": "ftp://example.org"}, "http or https"),
        ({"DASHBOARD_NOMINATIM_URL": "localhost:8080"}, "http or https"),
        ({"DASHBOARD_NOMINATIM_URL": "http://"}, "no host"),
        ({"DASHBOARD_NOMINATIM_URL": "http://user:pw@example.org"}, "credentials"),
        ({"DASHBOARD_NOMINATIM_URL": "http://example.org/?q=x"}, "query"),
        ({"DASHBOARD_NOMINATIM_URL": "http://example.org:99999"}, "not a valid URL"),
        ({"DASHBOARD_USER_AGENT": "geopy/2.5.0"}, "DASHBOARD_USER_AGENT"),
        ({"DASHBOARD_USER_AGENT": "my-application"}, "identifies this application"),
    ],
)
def test_invalid_values_raise_config_error(environ: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle) as info:
        load_settings(environ)
    assert isinstance(info.value, ValueError)


def test_url_normalisation_keeps_path_port_and_ipv6() -> None:
    assert normalise_service_url("https://example.org/nominatim/") == (
        "https://example.org/nominatim"
    )
    assert normalise_service_url(" HTTP://Example.ORG:8080 ") == "http://example.org:8080"
    assert normalise_service_url("http://[::1]:8080") == "http://[::1]:8080"


@pytest.mark.parametrize("timeout", [0, -1, float("nan"), float("inf"), 61, "5", True])
def test_settings_validate_timeout(timeout: object) -> None:
    with pytest.raises(ConfigError, match="timeout_s"):
        Settings(timeout_s=timeout)  # type: ignore[arg-type]


def test_settings_are_frozen() -> None:
    settings = Settings()
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.offline = True  # type: ignore[misc]
    assert Settings(offline=True, geocoder="nominatim").geocoder == "gazetteer"
    with pytest.raises(ConfigError, match="geocoder"):
        Settings(geocoder="bing")


# --- DASHBOARD_DATABASE_URL --------------------------------------------------------------------------


def test_no_database_url_means_the_embedded_files() -> None:
    assert load_settings({}).database_url is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("postgresql://editor:pw@db.example:5432/news", "postgresql+psycopg://editor:pw@db.example:5432/news"),
        ("postgresql+psycopg://db.example/news?sslmode=require", "postgresql+psycopg://db.example/news?sslmode=require"),
        ("postgresql:///news?host=/run/postgresql", "postgresql+psycopg:///news?host=/run/postgresql"),
        ("sqlite:////srv/dashboard/stores.sqlite", "sqlite:////srv/dashboard/stores.sqlite"),
    ],
)
def test_database_urls_accepted(value: str, expected: str) -> None:
    assert load_settings({"DASHBOARD_DATABASE_URL": f" {value} "}).database_url == expected


def test_a_relative_sqlite_path_is_taken_from_the_working_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings({"DASHBOARD_DATABASE_URL": "sqlite:///stores.sqlite"}).database_url == (
        f"sqlite:///{tmp_path / 'stores.sqlite'}"
    )


@pytest.mark.parametrize(
    "value",
    [
        "mysql://editor:s3cret@db.example/news",
        "postgresql+psycopg2://editor:s3cret@db.example/news",
        "postgresql://editor:s3cret@db.example",
        "postgresql://editor:s3cret@db.example:99999/news",
        "postgresql://editor:s3cret@/news",
        "sqlite://",
        "sqlite:///:memory:",
        "sqlite:///x.sqlite?mode=ro",
        "not a url",
    ],
)
def test_database_urls_refused_without_showing_the_password(value: str) -> None:
    with pytest.raises(ConfigError, match="DASHBOARD_DATABASE_URL") as info:
        load_settings({"DASHBOARD_DATABASE_URL": value})
    assert "s3cret" not in str(info.value)


def test_settings_never_print_the_database_password() -> None:
    settings = Settings(database_url="postgresql://editor:s3cret@db.example/news")
    assert "s3cret" not in repr(settings) and "s3cret" not in str(settings)


def test_publish_settings() -> None:
    settings = load_settings({})
    assert settings.publish is True and settings.public_url == "http://localhost:8501"
    settings = load_settings({"DASHBOARD_PUBLISH": "off", "DASHBOARD_PUBLISH_MAX_BYTES": "2_000_000",
                              "DASHBOARD_PUBLISH_MAX_SNAPSHOTS": "50", "DASHBOARD_PUBLIC_URL": "https://maps.example.org/"})
    assert (settings.publish, settings.publish_max_bytes, settings.publish_max_snapshots, settings.public_url) == (
        False, 2_000_000, 50, "https://maps.example.org")
    for environ, name in (({"DASHBOARD_PUBLISH": "sometimes"}, "DASHBOARD_PUBLISH"),
                          ({"DASHBOARD_PUBLISH_MAX_BYTES": "0"}, "DASHBOARD_PUBLISH_MAX_BYTES"),
                          ({"DASHBOARD_PUBLISH_MAX_SNAPSHOTS": "many"}, "DASHBOARD_PUBLISH_MAX_SNAPSHOTS"),
                          ({"DASHBOARD_PUBLIC_URL": "maps.example.org"}, "DASHBOARD_PUBLIC_URL")):
        with pytest.raises(ConfigError, match=name):
            load_settings(environ)
