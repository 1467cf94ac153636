"""Where articles and topics come from (``data/``, DASHBOARD_ARTICLES_DIR) and how an article
becomes its geography (places through the geocoding chain, joined with its topics' sites)."""
from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from dashboard.config import Settings
from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import Article, load_articles
from dashboard.core.geoparse.home import StorySource
from dashboard.core.topics.catalogue import Catalogue, load_catalogue
from dashboard.paths import data_dir
from dashboard.services.geocoding import GeocodingChain


def bundled_articles_dir() -> Path:
    """``data/articles/``: the articles that ship with the dashboard."""
    return data_dir() / "articles"


def topics_dir() -> Path:
    """``data/topics/``: one folder per topic (docs/TOPICS.md)."""
    return data_dir() / "topics"


def file_articles(settings: Settings) -> dict[str, Article]:
    """The read-only articles: bundled ones first, then DASHBOARD_ARTICLES_DIR's.

    Raises ArticleError naming a file that cannot be read as an article.
    """
    directories = [bundled_articles_dir()]
    if settings.articles_dir is not None:
        directories.append(settings.articles_dir)
    return load_articles(*directories)


def atlas_dir() -> Path:
    """``data/atlas/``: the installations and systems every story shares (docs/TOPICS.md)."""
    return data_dir() / "atlas"


def catalogue() -> Catalogue:
    """The atlas and every topic in ``data/topics/`` (a topic that fails to load is kept as a failure)."""
    return load_catalogue(topics_dir(), atlas_dir())


def article_geography(
    article: Article,
    chain: GeocodingChain,
    topics: Catalogue,
    on_progress: Callable[[int, int], None] | None = None,
) -> ArticleGeography:
    """Geocode the article's places and join them with the sites of the topics it refers to."""
    outcome = chain.place_text(article.text, on_progress=on_progress,
                               source=StorySource(article.url, article.outlet))
    return build_geography(article, outcome.places, topics, outcome.notices)
