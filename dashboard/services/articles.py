"""Where articles come from (bundled, DASHBOARD_ARTICLES_DIR) and how one becomes its
geography (places through the geocoding chain, joined with the curated sites)."""
from __future__ import annotations

from collections.abc import Callable

from dashboard.config import Settings
from dashboard.core.geography import ArticleGeography, build_geography
from dashboard.core.geoparse.article import Article, load_articles
from dashboard.core.topics.sites import DATA_DIR, load_site_references, load_sites
from dashboard.services.geocoding import GeocodingChain

BUNDLED_ARTICLES_DIR = DATA_DIR / "articles"


def file_articles(settings: Settings) -> dict[str, Article]:
    """The read-only articles: bundled ones first, then DASHBOARD_ARTICLES_DIR's.

    Raises ArticleError naming a file that cannot be read as an article.
    """
    directories = [BUNDLED_ARTICLES_DIR]
    if settings.articles_dir is not None:
        directories.append(settings.articles_dir)
    return load_articles(*directories)


def article_geography(
    article: Article,
    chain: GeocodingChain,
    on_progress: Callable[[int, int], None] | None = None,
) -> ArticleGeography:
    """Geocode the article's places and join them with the curated sites it refers to."""
    outcome = chain.place_text(article.text, on_progress=on_progress)
    return build_geography(article, outcome.places, load_sites(), load_site_references(), outcome.notices)
