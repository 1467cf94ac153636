"""Cached loaders: files are parsed and articles geocoded once per process, not per rerun."""
from __future__ import annotations

import datetime as dt
import gc
import time
from collections.abc import Callable

import streamlit as st

from dashboard.config import Settings, load_settings
from dashboard.core import format as fmt
from dashboard.core.geography import ArticleGeography
from dashboard.core.geoparse.article import Article
from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.compose import MapPlan, compose_map, draw_groups
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.view.state import ViewState
from dashboard.services import articles as article_sources
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.geocoding import GeocodingChain, geocoding_chain_for
from dashboard.services.library import ArticleLibrary
from dashboard.ui.foliumcache import groups_text

ONLINE_RETRY_S = 600
#: Composed maps kept for every reader (one per article, view and day): a link shared with a
#: thousand readers is composed once.
MAP_PLANS_KEPT = 256


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The process's settings (environment read once)."""
    return load_settings()


@st.cache_resource(show_spinner="Preparing the embedded gazetteer…")
def gazetteer() -> Gazetteer:
    """The embedded gazetteer, built on first use if missing.

    Its name index is ~230,000 objects that live as long as the process. Streamlit collects
    garbage after every script run (``runner.postScriptGC``); frozen, they are not walked again
    each time (that walk cost 50 ms of CPU per run on a quiet machine, 0.15 s under load).
    """
    loaded = ensure_gazetteer()
    gc.collect()
    gc.freeze()
    return loaded


@st.cache_resource(show_spinner=False)
def geocoding_chain() -> GeocodingChain:
    """One chain (cache, gazetteer, Nominatim) and one rate limiter for every session."""
    return geocoding_chain_for(settings(), gazetteer())


@st.cache_resource(show_spinner=False)
def topics() -> Catalogue:
    """Every topic in data/topics/ (loaded once per process; failures kept, not raised)."""
    return article_sources.catalogue()


@st.cache_resource(show_spinner=False)
def file_articles() -> dict[str, Article]:
    """The bundled articles and DASHBOARD_ARTICLES_DIR's (read once per process)."""
    return article_sources.file_articles(settings())


@st.cache_resource(show_spinner=False)
def article_library() -> ArticleLibrary:
    """The reader's stored articles (one store shared by every session: see DASHBOARD_DATABASE_URL)."""
    return ArticleLibrary.from_settings(settings())


def articles() -> tuple[dict[str, Article], frozenset[str]]:
    """Every article (bundled, folder, stored) and the ids of the stored, removable ones.

    Each run lists the stored articles (ids and times only); their texts are read again only
    when that list changes.
    """
    signature = tuple((entry.id, entry.added_at) for entry in _library_entries())
    stored = _stored_articles(signature)
    files = file_articles()
    return {**files, **{k: v for k, v in stored.items() if k not in files}}, frozenset(stored) - frozenset(files)


#: How long a listing of the stored articles is reused before the store is asked again. This
#: process's own additions and removals are seen at once (``forget_library_listing``); another
#: replica's within this time, or at once when a link names an article not yet listed.
LISTING_FRESH_S = 5.0


@st.cache_resource(show_spinner=False, ttl=LISTING_FRESH_S)
def _library_entries() -> tuple:
    return tuple(article_library().entries())


def forget_library_listing() -> None:
    """Make the next run list the stored articles again (after adding or removing one)."""
    _library_entries.clear()


@st.cache_resource(show_spinner=False, max_entries=4)
def _stored_articles(signature: tuple[tuple[str, float], ...]) -> dict[str, Article]:
    return article_library().articles() if signature else {}


def added_days() -> dict[str, str]:
    """The day each stored article was added (``7 Jun 2007``), by id."""
    return {entry.id: fmt.day(dt.datetime.fromtimestamp(entry.added_at, dt.timezone.utc).date())
            for entry in _library_entries()}


@st.cache_resource(show_spinner=False)
def gazetteer_chain() -> GeocodingChain:
    """The offline tier alone: what every page shows at once. With Nominatim enabled it also
    lists, unplaced, the names only an online geocoder could place."""
    return geocoding_chain_for(settings(), gazetteer(), gazetteer_only=True)


@st.cache_resource(show_spinner="Finding and placing the article's places…")
def gazetteer_geography(article_id: str) -> ArticleGeography:
    """The article's places from the embedded gazetteer, joined with the curated sites.

    Article ids are derived from their text, so an id always means the same text. The value
    is immutable, so every session shares the one object (``cache_data`` would unpickle a copy
    of every place on every rerun).
    """
    return article_sources.article_geography(articles()[0][article_id], gazetteer_chain(), topics())


@st.cache_resource(show_spinner=False)
def _online_geographies() -> dict[str, tuple[float, ArticleGeography]]:
    return {}


def geography(article_id: str) -> tuple[ArticleGeography, bool]:
    """The best geography available now, and whether an online geocoder still has work.

    With Nominatim enabled, the gazetteer's answer is shown until :func:`complete_online`
    has asked Nominatim about the names the gazetteer could not place.
    """
    if settings().nominatim_enabled:
        stored = _online_geographies().get(article_id)
        if stored is not None and stored[0] > time.time():
            return stored[1], False
        offline = gazetteer_geography(article_id)
        return offline, any(not place.placed for place in offline.places)
    return gazetteer_geography(article_id), False


def complete_online(article_id: str, on_progress: Callable[[int, int], None]) -> None:
    """Ask Nominatim (through the cache, 1 request/s) and keep the result for this process.

    A result that carries an outage notice is kept for ten minutes only, then retried.
    """
    geo = article_sources.article_geography(articles()[0][article_id], geocoding_chain(), topics(), on_progress=on_progress)
    lifetime = ONLINE_RETRY_S if geo.notices else float("inf")
    _online_geographies()[article_id] = (time.time() + lifetime, geo)


def outlines() -> dict:
    """The offline basemap's country outlines (GeoJSON; parsed once, shared read-only)."""
    return load_basemap()


@st.cache_resource(show_spinner=False, max_entries=MAP_PLANS_KEPT)
def _map_plan(_geo: ArticleGeography, article_id: str, places_version: tuple[int, int], view: ViewState,
              day: dt.date, topics_version: str) -> MapPlan:
    return compose_map(_geo, view, day)


@st.cache_resource(show_spinner=False, max_entries=MAP_PLANS_KEPT, hash_funcs={MapPlan: lambda plan: plan.digest})
def map_groups(plan: MapPlan, *, keep_first_frame: bool, basemap: str) -> tuple[str, str]:
    """The plan's feature groups and layer control as the map component reads them, rendered
    once for every session that shows the same map."""
    return groups_text(draw_groups(plan, keep_first_frame=keep_first_frame), basemap)


def _plan_key(geo: ArticleGeography, view: ViewState, day: dt.date) -> tuple:
    """What a composed map depends on: the article (and how many of its places are placed: the
    online tier adds some), the view without where the map looks or its basemap, the day and
    the topics' data. The geography itself is keyed by these rather than hashed whole."""
    places_version = (len(geo.places), sum(1 for place in geo.places if place.placed))
    key_view = view.with_changes(lat=None, lon=None, zoom=None, basemap="osm", article=geo.article.id)
    return (geo.article.id, places_version, key_view, day, topics().version)


def map_plan(geo: ArticleGeography, view: ViewState, day: dt.date) -> MapPlan:
    """The composed map for this article, view and day, shared by every session (bounded)."""
    return _map_plan(geo, *_plan_key(geo, view, day))
