"""Query parameters <-> view state (dashboard.core.view.state)."""
from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.view.layers import DEFAULT_LAYERS
from dashboard.core.view.layers import MAP_LAYER_IDS as LAYERS
from dashboard.core.view.state import (
    BASEMAPS,
    MAX_HIDDEN_PLACES,
    MAX_HIDE_LENGTH,
    MAX_LIST_ITEMS,
    MAX_VALUE_LENGTH,
    Choices,
    ViewState,
    parse_query,
    summarize_problems,
    to_query,
)

ARTICLE = "voa-2007-06-07-putin-gabala-offer"
SITES = ("czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport")
PROPOSALS = ("us-plan", "russian-proposal", "threat", "diplomacy")
ROLES = ("radar", "interceptors", "threat", "summit", "place")
CHOICES = Choices(articles=frozenset({ARTICLE, "other-article"}), sites=frozenset(SITES), categories=PROPOSALS,
                  roles=ROLES, default_article=ARTICLE)


def parse(params):
    return parse_query(params, CHOICES)


# --- valid links -----------------------------------------------------------------------------


def test_no_parameters_give_the_defaults() -> None:
    result = parse({})
    assert result.problems == ()
    assert result.state == ViewState(article=ARTICLE)
    assert result.state.categories is None and result.state.roles is None  # None: every one, whatever topics exist
    assert result.state.layers == DEFAULT_LAYERS and result.state.basemap == "osm"


def test_a_full_link_is_parsed() -> None:
    result = parse(
        {
            "article": "other-article",
            "proposal": "threat, us-plan",
            "role": "radar,interceptors",
            "site": "gabala-radar",
            "date": "2007-06-07",
            "layers": "rings,places",
            "basemap": "offline",
            "lat": "40.870719",
            "lon": "47.8",
            "zoom": "6",
        }
    )
    assert result.problems == ()
    assert result.state == ViewState(
        article="other-article",
        categories=("us-plan", "threat"),  # canonical order, whatever the link's order
        roles=("radar", "interceptors"),
        site="gabala-radar",
        date=dt.date(2007, 6, 7),
        layers=("places", "rings"),
        basemap="offline",
        lat=40.8707,  # rounded to 4 decimals (about 11 m), as the writer writes it
        lon=47.8,
        zoom=6,
    )


def test_empty_proposal_means_none_selected() -> None:
    result = parse({"proposal": "", "layers": ""})
    assert result.problems == ()
    assert result.state.categories == ()
    assert result.state.layers == ()
    assert to_query(result.state)["proposal"] == ""


def test_repeated_keys_last_wins_with_a_notice() -> None:
    result = parse({"proposal": ["us-plan", "threat"], "site": ["iran", "czech-radar"], "zoom": ["5"]})
    assert result.problems == ("proposal: given 2 times, the last one applies",
                               "site: given 2 times, the last one applies")
    assert result.state.categories == ("threat",)
    assert result.state.site == "czech-radar"


def test_duplicate_items_are_kept_once() -> None:
    assert parse({"role": "radar,radar,summit"}).state.roles == ("radar", "summit")


# --- dropped values --------------------------------------------------------------------------


def test_unknown_parameters_and_values_are_dropped_with_one_problem_each() -> None:
    result = parse(
        {
            "utm_source": "mail",
            "article": "no-such-article",
            "site": "area-51",
            "basemap": "satellite",
            "date": "07/06/2007",
            "zoom": "6",
        }
    )
    assert result.state == ViewState(article=ARTICLE, zoom=6)  # the valid zoom still applies
    assert len(result.problems) == 5
    joined = " | ".join(result.problems)
    for fragment in ("utm_source", "no-such-article", "area-51", "satellite", "07/06/2007"):
        assert fragment in joined


def test_unknown_list_items_are_dropped_and_known_ones_kept() -> None:
    result = parse({"proposal": "us-plan,evil,<script>", "role": "bogus"})
    assert result.state.categories == ("us-plan",)
    assert result.state.roles is None  # nothing valid left: the default (every role) stays
    assert len(result.problems) == 2
    assert "evil" in result.problems[0] and "role" in result.problems[1]


def test_over_long_values_are_dropped_without_echoing_them() -> None:
    long_value = "us-plan," * (MAX_VALUE_LENGTH // 8 + 1)
    assert len(long_value) > MAX_VALUE_LENGTH
    result = parse({"proposal": long_value, "article": "x" * 10_000})
    assert result.state == ViewState(article=ARTICLE)
    assert result.problems == ("proposal: value too long", "article: value too long")


def test_problem_messages_shorten_long_unknown_values() -> None:
    result = parse({"site": "s" * 150})
    assert len(result.problems) == 1
    assert len(result.problems[0]) < 80


def test_too_many_list_items_keep_the_first_ones() -> None:
    items = ["radar"] * (MAX_LIST_ITEMS + 5) + ["summit"]
    result = parse({"role": ",".join(items)})
    assert result.state.roles == ("radar",)  # "summit" is past the cap
    assert result.problems == ("role: too many values",)


def test_lat_without_lon_is_dropped() -> None:
    result = parse({"lat": "50.1", "zoom": "5"})
    assert (result.state.lat, result.state.lon, result.state.zoom) == (None, None, 5)
    assert result.problems == ("lat and lon must be given together",)


@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"zoom": "0"}, "zoom: out of range"),
        ({"zoom": "19"}, "zoom: out of range"),
        ({"zoom": "nan"}, "zoom: out of range"),
        ({"zoom": "big"}, "zoom: not a number"),
        ({"lat": "91", "lon": "0"}, "lat: out of range"),
        ({"lat": "0", "lon": "-180.5"}, "lon: out of range"),
        ({"lat": "inf", "lon": "0"}, "lat: out of range"),
    ],
)
def test_numbers_out_of_range_are_dropped(params: dict[str, str], fragment: str) -> None:
    result = parse(params)
    assert (result.state.lat, result.state.lon, result.state.zoom) == (None, None, None)
    assert any(problem.startswith(fragment) for problem in result.problems)


def test_zoom_at_the_limits_is_kept_and_rounded() -> None:
    assert parse({"zoom": "1"}).state.zoom == 1
    assert parse({"zoom": "18"}).state.zoom == 18
    assert parse({"zoom": "5.6"}).state.zoom == 6


# --- writing and round trips -----------------------------------------------------------------


def test_to_query_leaves_defaults_out() -> None:
    assert to_query(ViewState(article=ARTICLE)) == {"article": ARTICLE, "basemap": "osm"}


def test_to_query_writes_short_coordinates() -> None:
    query = to_query(ViewState(lat=40.5, lon=-70.0, zoom=4))
    assert (query["lat"], query["lon"], query["zoom"]) == ("40.5", "-70", "4")


def subsets(items: tuple[str, ...]):
    return st.lists(st.sampled_from(items), unique=True).map(lambda chosen: tuple(i for i in items if i in chosen))


def filters(items: tuple[str, ...]):
    """A filter as the view holds it: None for every item, else a proper subset in canonical order."""
    return st.none() | subsets(items).filter(lambda chosen: set(chosen) != set(items))


coordinates = st.tuples(
    st.integers(-900_000, 900_000).map(lambda n: n / 10_000),
    st.integers(-1_800_000, 1_800_000).map(lambda n: n / 10_000),
)
states = st.builds(
    lambda article, proposals, roles, site, date, layers, basemap, point, zoom, uncertain, hidden: ViewState(
        article=article,
        categories=proposals,
        roles=roles,
        site=site,
        date=date,
        layers=layers,
        basemap=basemap,
        lat=point[0] if point else None,
        lon=point[1] if point else None,
        zoom=zoom,
        uncertain=uncertain,
        hidden=hidden,
    ),
    st.sampled_from(sorted(CHOICES.articles)),
    filters(PROPOSALS),
    filters(ROLES),
    st.none() | st.sampled_from(SITES),
    st.none() | st.dates(),
    subsets(LAYERS),
    st.sampled_from(BASEMAPS),
    st.none() | coordinates,
    st.none() | st.integers(1, 18),
    st.booleans(),
    st.lists(st.from_regex(r"place-(?:[0-9]{1,9}|[0-9]{1,2}d[0-9]{4}-m?[0-9]{1,3}d[0-9]{4})", fullmatch=True),
             max_size=MAX_HIDDEN_PLACES, unique=True).map(lambda keys: tuple(sorted(keys))),
)


@settings(max_examples=200, deadline=None)
@given(states)
def test_round_trip(state: ViewState) -> None:
    query = to_query(state)
    assert all(isinstance(v, str) and len(v) <= (MAX_HIDE_LENGTH if k == "hide" else MAX_VALUE_LENGTH)
               for k, v in query.items())
    result = parse(query)
    assert result.problems == ()
    assert result.state == state


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["article", "proposal", "role", "site", "date", "layers", "basemap", "lat", "lon", "zoom",
                                        "hide", "x"]), st.text(max_size=30)))
def test_any_link_parses_without_raising_and_writes_back_cleanly(params: dict[str, str]) -> None:
    state = parse(params).state
    again = parse(to_query(state))
    assert again.problems == ()
    assert again.state == state


# --- the notice ---------------------------------------------------------------------------------


def test_summarize_problems() -> None:
    assert summarize_problems([]) is None
    one = summarize_problems(["zoom: out of range ('99')"])
    assert one is not None and "zoom: out of range" in one and "\n" not in one
    many = summarize_problems([f"p{i}" for i in range(8)])
    assert many is not None
    assert "p4" in many and "p5" not in many and "(and 3 more)" in many


def test_places_confident_hides_uncertain_places_and_bad_values_are_dropped() -> None:
    assert parse({"places": "confident"}).state.uncertain is False
    assert parse({"places": "all"}).state.uncertain is True
    result = parse({"places": "some"})
    assert result.state.uncertain is True and result.problems == ("places: unknown 'some'",)
    assert to_query(ViewState(uncertain=False))["places"] == "confident"
    assert "places" not in to_query(ViewState())


# --- hide: the places an editor removed ---------------------------------------------------------


def test_hide_keeps_well_formed_place_keys_sorted_and_drops_the_rest_with_a_notice() -> None:
    result = parse({"hide": "place-524901, place-2643743,place-524901,czech-radar,<b>"})
    assert result.state.hidden == ("place-2643743", "place-524901")
    assert result.problems == ("hide: unknown 'czech-radar', '<b>'",)
    assert to_query(result.state)["hide"] == "place-2643743,place-524901"
    assert "hide" not in to_query(parse({"hide": ""}).state)


def test_hide_keeps_only_the_keys_of_the_linked_articles_places() -> None:
    known = {ARTICLE: frozenset({"place-524901"}), "other-article": frozenset({"place-1"})}
    choices = Choices(articles=CHOICES.articles, sites=CHOICES.sites, categories=PROPOSALS, roles=ROLES,
                      default_article=ARTICLE, place_keys=known.__getitem__)
    result = parse_query({"article": "other-article", "hide": "place-524901,place-1"}, choices)
    assert result.state.hidden == ("place-1",)
    assert result.problems == ("hide: unknown 'place-524901'",)


def test_hide_takes_more_keys_than_other_lists_and_caps_them() -> None:
    keys = [f"place-{n:09d}" for n in range(MAX_HIDDEN_PLACES + 5)]
    result = parse({"hide": ",".join(keys)})
    assert result.state.hidden == tuple(keys[:MAX_HIDDEN_PLACES])
    assert result.problems == ("hide: too many values",)
    assert parse({"hide": ",".join(keys[:30])}).problems == ()  # longer than MAX_VALUE_LENGTH, still kept


def test_hiding_and_showing_a_place_give_equal_views_for_equal_sets() -> None:
    view = ViewState(article=ARTICLE)
    assert view.hiding("place-2").hiding("place-1") == view.hiding("place-1").hiding("place-2")
    assert view.hiding("place-1").hiding("place-1").hidden == ("place-1",)
    assert view.hiding("place-1").showing("place-1") == view
    assert not view.hiding("place-1").shows_place("place-1") and view.shows_place("place-1")
