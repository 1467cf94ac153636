""""Show the whole story": a story's sites that the article does not name are drawn on demand
(the ``story`` layer, off by default, in the link), apart and labelled "not named in this article"."""
from __future__ import annotations

import datetime as dt

from dashboard.core.geography import build_geography, visible_sites
from dashboard.core.geoparse.article import Article, load_article
from dashboard.core.render.compose import NOT_NAMED_GROUP, compose_map
from dashboard.core.view.layers import DEFAULT_LAYERS
from dashboard.core.view.state import Choices, ViewState, parse_query, to_query
from dashboard.services.articles import bundled_articles_dir, catalogue

CATALOGUE = catalogue()
DEVESELU_ONLY = Article(id="invented", title="Invented", date=dt.date(2016, 5, 20),
                        text="Officials toured the Aegis site at Deveselu on Friday. The weather was mild.")
EPAA_OTHERS = {"redzikowo-aegis-ashore", "kurecik-radar", "rota-destroyers", "ramstein-command"}


def test_the_epaa_article_naming_only_deveselu_can_show_the_other_epaa_sites() -> None:
    geo = build_geography(DEVESELU_ONLY, [], CATALOGUE)
    assert [s.id for s in geo.sites] == ["deveselu-aegis-ashore"]
    assert {s.id for s in geo.unnamed_sites} == EPAA_OTHERS
    assert geo.offers("story")
    assert [s.id for s in visible_sites(geo, ViewState())] == ["deveselu-aegis-ashore"]  # off by default
    whole = ViewState(layers=(*DEFAULT_LAYERS, "story"))
    assert {s.id for s in visible_sites(geo, whole)} == {"deveselu-aegis-ashore", *EPAA_OTHERS}
    plan = compose_map(geo, whole, DEVESELU_ONLY.date)
    apart = next(g for g in plan.groups if g.name == NOT_NAMED_GROUP)
    assert {m.key for m in apart.markers} == EPAA_OTHERS
    assert all("not-named" in m.classes and "not named in this article" in m.tooltip for m in apart.markers)
    named = [m for g in plan.groups if g.name != NOT_NAMED_GROUP for m in g.markers if m.key == "deveselu-aegis-ashore"]
    assert named and "not-named" not in named[0].classes
    assert not any(g.name == NOT_NAMED_GROUP for g in compose_map(geo, ViewState(), DEVESELU_ONLY.date).groups)


def test_the_whole_story_is_in_the_link() -> None:
    choices = Choices(articles=frozenset({"a"}), sites=frozenset(), categories=(), roles=(), default_article="a")
    view = parse_query({"article": "a", "layers": "places,story"}, choices).state
    assert "story" in view.layers
    assert to_query(view)["layers"] == "places,story"


def test_the_voa_article_shows_its_six_sites_and_no_other_by_default() -> None:
    voa = load_article(bundled_articles_dir() / "voa-2007-06-07-putin-gabala-offer.md")
    geo = build_geography(voa, [], CATALOGUE)
    assert {s.id for s in visible_sites(geo, ViewState())} == {
        "czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport"}
    assert [s.id for s in geo.unnamed_sites] == ["armavir-radar"]  # the 2007 story's only other site
