"""Cached loaders: files are parsed and articles geocoded once per process, not per rerun."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from dashboard.config import Settings, load_settings
from dashboard.core.article import Article
from dashboard.core.basemap import load_basemap
from dashboard.core.gazetteer import Gazetteer, ensure_gazetteer
from dashboard.core.geography import ArticleGeography
from dashboard.core.ranges import RangeFact, load_ranges
from dashboard.core.sites import Site, SiteReference, load_site_references, load_sites
from dashboard.core.timeline import Event, load_events
from dashboard.core.toponyms import geoparse
from dashboard.services.articles import article_geography, file_articles
from dashboard.services.geocoding import GeocodingChain, build_chain
from dashboard.services.library import ArticleLibrary


@dataclass(frozen=True)
class Library:
    """The curated data every session shares."""

    articles: dict[str, Article]
    sites: tuple[Site, ...]
    references: tuple[SiteReference, ...]


@st.cache_resource(show_spinner=False)
def settings() -> Settings:
    """The process's settings (environment read once)."""
    return load_settings()


@st.cache_resource(show_spinner="Preparing the embedded gazetteer…")
def gazetteer() -> Gazetteer:
    """The embedded gazetteer, built on first use if missing."""
    return ensure_gazetteer()


@st.cache_resource(show_spinner=False)
def geocoding_chain() -> GeocodingChain:
    """One chain (cache, gazetteer, Nominatim) and one rate limiter for every session."""
    places_of = gazetteer()
    return build_chain(settings(), lambda text: geoparse(text, places_of))


@st.cache_data(show_spinner=False)
def library() -> Library:
    """Articles (bundled and DASHBOARD_ARTICLES_DIR), curated sites and site phrases."""
    return Library(articles=file_articles(settings()), sites=load_sites(), references=load_site_references())


@st.cache_resource(show_spinner=False)
def article_library() -> ArticleLibrary:
    """The reader's stored articles (one SQLite file shared by every session)."""
    return ArticleLibrary.in_dir(settings().data_dir)


def articles() -> tuple[dict[str, Article], frozenset[str]]:
    """Every article (bundled, folder, stored) and the ids of the stored, removable ones."""
    stored = article_library().articles()
    files = library().articles
    return {**files, **{k: v for k, v in stored.items() if k not in files}}, frozenset(stored) - frozenset(files)


@st.cache_data(show_spinner="Finding and placing the article's places…", ttl=600)
def geography(article_id: str) -> ArticleGeography:
    """The article's places joined with the curated sites.

    Article ids are derived from their text, so an id always means the same text. Kept for
    ten minutes, so a notice about an unreachable geocoder does not outlive the
    outage; Nominatim's answers are kept longer in the geocoding cache.
    """
    return article_geography(articles()[0][article_id], geocoding_chain())


def outlines() -> dict:
    """The offline basemap's country outlines (GeoJSON; parsed once, shared read-only)."""
    return load_basemap()


@st.cache_data(show_spinner=False)
def ranges() -> tuple[RangeFact, ...]:
    """Published ranges with their sources (data/ranges.csv)."""
    return load_ranges()


@st.cache_data(show_spinner=False)
def events() -> tuple[Event, ...]:
    """Dated events of each site with their sources (data/events.csv)."""
    return load_events()
