"""Settings read once from the environment (DESIGN.md "Environment" contract).

``load_settings()`` returns a frozen :class:`Settings`; invalid values raise :class:`ConfigError`
at construction, naming the variable and the value, so a bad deployment fails at start-up and not
at the first geocoding request.

Variables (all optional):

- ``DASHBOARD_OFFLINE``: ``1``/``true``/``yes``/``on`` (or ``0``/``false``/``no``/``off``/empty).
  Offline forces the gazetteer geocoder: no request leaves the machine.
- ``DASHBOARD_GEOCODER``: ``gazetteer`` (default) or ``nominatim``.
- ``DASHBOARD_NOMINATIM_URL``: base URL of a Nominatim server, e.g. ``http://127.0.0.1:8080``
  (default: the public https://nominatim.openstreetmap.org). ``http``/``https`` only; a path
  prefix is kept (``https://example.org/nominatim``); no credentials, query or fragment.
- ``DASHBOARD_ARTICLES_DIR``: a folder of extra articles.
- ``DASHBOARD_DATA_DIR``: where caches and the article library live (default
  ``<repository root>/.dashboard-data``).
- ``DASHBOARD_DATABASE_URL``: where the article library and the geocode cache live instead, as a
  SQLAlchemy URL: ``postgresql://user:password@host:5432/dbname`` (PostgreSQL through psycopg 3,
  shared by any number of servers) or ``sqlite:////absolute/path.sqlite`` (one file for both).
  Unset: one SQLite file each in ``DASHBOARD_DATA_DIR``. Credentials are never shown in messages.
- ``DASHBOARD_USER_AGENT``: the identifying User-Agent sent to Nominatim (its usage policy asks
  for one that names the application and a contact).
- ``DASHBOARD_FRAME_ANCESTORS``: the origins (``https://news.example.org``, ``https://*.example.org``,
  separated by spaces or commas) whose pages may frame the live app; unset, only the app itself
  may (``frame-ancestors 'self'``: no clickjacking).
- ``DASHBOARD_PUBLISH``: ``off`` hides the page's "Publish" action (the CLI still publishes).
- ``DASHBOARD_PUBLISH_MAX_BYTES`` / ``DASHBOARD_PUBLISH_MAX_SNAPSHOTS``: caps on one snapshot's
  stored size and on how many snapshots the store keeps (a publish over either is refused).
- ``DASHBOARD_PUBLIC_URL``: the address readers reach the dashboard at (``http(s)://host[:port][/path]``),
  written into the embed codes and image links the CLI prints (default ``http://localhost:8501``).
- ``DASHBOARD_HOME_PLACE``: a local newsroom's home, as a place name the gazetteer knows
  (``Alexandria, Louisiana``, ``Louisiana``, ``Germany``): a prior for the local names of stories
  whose own outlet and URL say nothing about where they are from (never an override).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from dashboard.errors import DashboardError
from dashboard.paths import REPO_ROOT

GEOCODERS = ("gazetteer", "nominatim")
DEFAULT_NOMINATIM_URL = "https://nominatim.openstreetmap.org"
DEFAULT_USER_AGENT = (
    "missile-defense-dashboard/0.1 (news-geography dashboard; set DASHBOARD_USER_AGENT to add a contact)"
)
DEFAULT_TIMEOUT_S = 5.0
MAX_TIMEOUT_S = 60.0
#: Longest DASHBOARD_HOME_PLACE accepted ("Alexandria, Louisiana" is 21 characters).
MAX_HOME_PLACE = 100
DEFAULT_DATA_DIR = REPO_ROOT / ".dashboard-data"
DEFAULT_PUBLIC_URL = "http://localhost:8501"
DEFAULT_PUBLISH_MAX_BYTES = 5_000_000  # one snapshot: pages, PNG (x1, x2), SVG, PDF, GeoJSON, CSV
DEFAULT_PUBLISH_MAX_SNAPSHOTS = 1_000

# User agents that Nominatim's policy (and geopy) reject: library defaults and doc samples.
_GENERIC_USER_AGENTS = frozenset(
    {"my-application", "my_app/1", "my_user_agent/1.0", "specify_your_app_name_here"}
)
DATABASE_SCHEMES = ("sqlite", "postgresql", "postgresql+psycopg")
_ORIGIN_RE = re.compile(r"^https?://(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:[0-9]{1,5})?$")
_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


class ConfigError(DashboardError, ValueError):
    """A setting has an invalid value; the message names the variable and the value."""


@dataclass(frozen=True)
class Settings:
    """The dashboard's runtime settings; validated on construction (raises ``ConfigError``).

    ``geocoder`` is always ``"gazetteer"`` when ``offline`` is true (construction enforces it).
    ``nominatim_url`` is a normalised base URL without a trailing slash; it is only used when
    ``geocoder == "nominatim"``.
    """

    offline: bool = False
    geocoder: str = "gazetteer"
    nominatim_url: str = DEFAULT_NOMINATIM_URL
    articles_dir: Path | None = None
    data_dir: Path = DEFAULT_DATA_DIR
    user_agent: str = DEFAULT_USER_AGENT
    timeout_s: float = DEFAULT_TIMEOUT_S
    database_url: str | None = field(default=None, repr=False)  # may hold a password: never printed
    frame_ancestors: tuple[str, ...] = ()  # origins allowed to frame the live app, besides itself
    publish: bool = True  # the page's "Publish" action (DASHBOARD_PUBLISH)
    publish_max_bytes: int = DEFAULT_PUBLISH_MAX_BYTES
    publish_max_snapshots: int = DEFAULT_PUBLISH_MAX_SNAPSHOTS
    public_url: str = DEFAULT_PUBLIC_URL
    home_place: str = ""

    def __post_init__(self) -> None:
        if self.geocoder not in GEOCODERS:
            raise ConfigError(
                f"geocoder must be one of {', '.join(GEOCODERS)}; got {self.geocoder!r}"
            )
        if self.offline and self.geocoder != "gazetteer":
            object.__setattr__(self, "geocoder", "gazetteer")
        object.__setattr__(self, "nominatim_url", normalise_service_url(self.nominatim_url))
        if self.database_url is not None:
            object.__setattr__(self, "database_url", normalise_database_url(self.database_url))
        _check_user_agent(self.user_agent)
        if isinstance(self.timeout_s, bool) or not isinstance(self.timeout_s, (int, float)):
            raise ConfigError(f"timeout_s must be a number of seconds; got {self.timeout_s!r}")
        if not (math.isfinite(self.timeout_s) and 0 < self.timeout_s <= MAX_TIMEOUT_S):
            raise ConfigError(
                f"timeout_s must be > 0 and <= {MAX_TIMEOUT_S:g} seconds; got {self.timeout_s!r}"
            )
        object.__setattr__(self, "frame_ancestors", parse_origins(" ".join(self.frame_ancestors)))
        for name in ("publish_max_bytes", "publish_max_snapshots"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"{name} must be a whole number of at least 1; got {value!r}")
        object.__setattr__(self, "public_url", normalise_service_url(self.public_url))

    @property
    def nominatim_enabled(self) -> bool:
        """True when geocoding may send requests to Nominatim."""
        return self.geocoder == "nominatim" and not self.offline


def load_settings(environ: Mapping[str, str] = os.environ) -> Settings:
    """Return the settings described by ``environ``; raises ``ConfigError`` on invalid values."""
    offline = _parse_bool("DASHBOARD_OFFLINE", environ.get("DASHBOARD_OFFLINE", ""))
    geocoder = environ.get("DASHBOARD_GEOCODER", "").strip().lower() or "gazetteer"
    if geocoder not in GEOCODERS:
        raise ConfigError(
            f"DASHBOARD_GEOCODER must be one of {', '.join(GEOCODERS)}; "
            f"got {environ['DASHBOARD_GEOCODER']!r}"
        )
    url = environ.get("DASHBOARD_NOMINATIM_URL", "").strip() or DEFAULT_NOMINATIM_URL
    try:
        url = normalise_service_url(url)
    except ConfigError as err:
        raise ConfigError(f"DASHBOARD_NOMINATIM_URL: {err}") from None
    user_agent = environ.get("DASHBOARD_USER_AGENT", "").strip() or DEFAULT_USER_AGENT
    try:
        _check_user_agent(user_agent)
    except ConfigError as err:
        raise ConfigError(f"DASHBOARD_USER_AGENT: {err}") from None
    database_url = environ.get("DASHBOARD_DATABASE_URL", "").strip() or None
    if database_url is not None:
        try:
            database_url = normalise_database_url(database_url)
        except ConfigError as err:
            raise ConfigError(f"DASHBOARD_DATABASE_URL: {err}") from None
    try:
        frame_ancestors = parse_origins(environ.get("DASHBOARD_FRAME_ANCESTORS", ""))
    except ConfigError as err:
        raise ConfigError(f"DASHBOARD_FRAME_ANCESTORS: {err}") from None
    public_url = environ.get("DASHBOARD_PUBLIC_URL", "").strip() or DEFAULT_PUBLIC_URL
    try:
        public_url = normalise_service_url(public_url)
    except ConfigError as err:
        raise ConfigError(f"DASHBOARD_PUBLIC_URL: {err}") from None
    home_place = " ".join(environ.get("DASHBOARD_HOME_PLACE", "").split())
    if len(home_place) > MAX_HOME_PLACE or not all(c.isprintable() for c in home_place):
        raise ConfigError(f"DASHBOARD_HOME_PLACE must be a place name of at most {MAX_HOME_PLACE} "
                          f"printable characters; got {home_place[:40]!r}")
    return Settings(
        publish=_parse_bool("DASHBOARD_PUBLISH", environ.get("DASHBOARD_PUBLISH", "").strip() or "on"),
        publish_max_bytes=_parse_count("DASHBOARD_PUBLISH_MAX_BYTES", environ, DEFAULT_PUBLISH_MAX_BYTES),
        publish_max_snapshots=_parse_count("DASHBOARD_PUBLISH_MAX_SNAPSHOTS", environ, DEFAULT_PUBLISH_MAX_SNAPSHOTS),
        public_url=public_url,
        offline=offline,
        geocoder=geocoder,
        nominatim_url=url,
        articles_dir=_parse_dir(environ.get("DASHBOARD_ARTICLES_DIR", "")),
        data_dir=_parse_dir(environ.get("DASHBOARD_DATA_DIR", "")) or DEFAULT_DATA_DIR,
        user_agent=user_agent,
        database_url=database_url,
        frame_ancestors=frame_ancestors,
        home_place=home_place,
    )


def parse_origins(text: str) -> tuple[str, ...]:
    """The origins listed in ``text`` (separated by spaces or commas), lower-cased, each once.

    Raises ``ConfigError`` for anything that is not ``http(s)://host[:port]`` (a leading ``*.``
    allowed): no path, credentials, quotes or CSP keywords, so the list cannot change the policy
    it is written into.
    """
    origins: list[str] = []
    for item in re.split(r"[\s,]+", text.strip()):
        if not item:
            continue
        origin = item.rstrip("/").lower()
        if not _ORIGIN_RE.match(origin):
            raise ConfigError(f"each value must be an origin such as https://news.example.org; got {item!r}")
        origins.append(origin)
    return tuple(dict.fromkeys(origins))


def normalise_database_url(url: str) -> str:
    """Return ``url`` as a SQLAlchemy URL the stores accept: ``postgresql+psycopg://...`` (from
    ``postgresql://`` or ``postgresql+psycopg://``) or ``sqlite:////absolute/path`` (a relative
    path is taken from the working directory).

    Raises ``ConfigError`` for other schemes, a URL without a host or database, an in-memory or
    query-string SQLite URL. Messages never include the password.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigError("a database URL must be a non-empty string")
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018  (raises ValueError for a malformed port)
    except ValueError as err:
        raise ConfigError(f"not a valid URL ({err}): {redact_url(text)!r}") from None
    scheme = parts.scheme.lower()
    if scheme not in DATABASE_SCHEMES:
        raise ConfigError(
            f"the scheme must be one of {', '.join(s + '://' for s in DATABASE_SCHEMES)}; got {redact_url(text)!r}"
        )
    if any(ch.isspace() for ch in text):
        raise ConfigError(f"the URL must not contain white space: {redact_url(text)!r}")
    if scheme == "sqlite":
        if parts.netloc or not parts.path.startswith("/") or parts.path in ("/", "/:memory:"):
            raise ConfigError(f"a SQLite URL names a file: sqlite:///relative or sqlite:////absolute; got {text!r}")
        if parts.query or parts.fragment:
            raise ConfigError(f"a SQLite URL takes no query or fragment: {text!r}")
        path = Path(parts.path[1:]).expanduser()
        return f"sqlite:///{path if path.is_absolute() else Path.cwd() / path}"
    if not (parts.hostname or "host=" in parts.query) or not parts.path.strip("/"):
        raise ConfigError(f"a PostgreSQL URL needs a host (or ?host=/socket/folder) and a database name: "
                          f"{redact_url(text)!r}")
    if parts.fragment:
        raise ConfigError(f"the URL must not have a fragment: {redact_url(text)!r}")
    return f"postgresql+psycopg://{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")


def redact_url(url: str) -> str:
    """``url`` with any password replaced by ``***`` (for messages and logs)."""
    try:
        parts = urlsplit(url)
        password = parts.password
    except ValueError:
        return "<unparsable URL>"
    if password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[1]
    user = parts.username or ""
    return urlunsplit((parts.scheme, f"{user}:***@{host}", parts.path, parts.query, parts.fragment))


def normalise_service_url(url: str) -> str:
    """Return ``url`` as ``scheme://host[:port][/path]`` without a trailing slash.

    Raises ``ConfigError`` for anything but an http(s) URL with a host, or for a URL with
    credentials, a query or a fragment.
    """
    if not isinstance(url, str) or not url.strip():
        raise ConfigError(f"a Nominatim URL must be a non-empty string; got {url!r}")
    text = url.strip()
    try:
        parts = urlsplit(text)
        port = parts.port  # raises ValueError for a malformed port
    except ValueError as err:
        raise ConfigError(f"not a valid URL ({err}): {url!r}") from None
    if parts.scheme not in ("http", "https"):
        raise ConfigError(f"the URL scheme must be http or https; got {url!r}")
    if not parts.hostname:
        raise ConfigError(f"the URL has no host name: {url!r}")
    if parts.username is not None or parts.password is not None:
        raise ConfigError(f"the URL must not contain credentials: {url!r}")
    if parts.query or parts.fragment:
        raise ConfigError(f"the URL must not have a query or fragment: {url!r}")
    if any(ch.isspace() for ch in text):
        raise ConfigError(f"the URL must not contain white space: {url!r}")
    host = parts.hostname
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    netloc = host if port is None else f"{host}:{port}"
    return f"{parts.scheme}://{netloc}{parts.path.rstrip('/')}"


def _check_user_agent(user_agent: str) -> None:
    if not isinstance(user_agent, str) or not user_agent.strip():
        raise ConfigError("the user agent must be a non-empty string naming the application")
    if not user_agent.isprintable() or len(user_agent) > 300:
        raise ConfigError(
            f"the user agent must be printable and at most 300 characters: {user_agent!r}"
        )
    generic = user_agent.strip().lower()
    if generic in _GENERIC_USER_AGENTS or generic.startswith("geopy/"):
        raise ConfigError(
            f"the user agent {user_agent!r} is a library default or a documentation sample; "
            "Nominatim's usage policy requires one that identifies this application"
        )


def _parse_bool(name: str, value: str) -> bool:
    text = value.strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ConfigError(f"{name} must be 1 or 0 (or true/false, yes/no, on/off); got {value!r}")


def _parse_count(name: str, environ: Mapping[str, str], default: int) -> int:
    text = environ.get(name, "").strip().replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1; got {environ[name]!r}")
    return int(text)


def _parse_dir(value: str) -> Path | None:
    text = value.strip()
    if not text:
        return None
    return Path(text).expanduser().resolve()
