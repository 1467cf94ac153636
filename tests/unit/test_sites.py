"""Curated sites, their sourced coordinates and the phrases that refer to them (dashboard.core.topics.sites)."""
from __future__ import annotations

from pathlib import Path

import pytest
from geopy.distance import geodesic

from dashboard.core.geoparse.article import load_article
from dashboard.core.topics.sites import (
    PROPOSAL_LABELS,
    PROPOSALS,
    ROLE_LABELS,
    ROLES,
    SITE_ID_RE,
    SiteDataError,
    find_site_mentions,
    load_site_references,
    load_sites,
)

SEED_PATH = Path(__file__).resolve().parents[2] / "data" / "articles" / "voa-2007-06-07-putin-gabala-offer.md"
CONTRACT_IDS = ("czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport")

# Reference points typed in by hand from the pages data/sites.csv cites (its source_url column),
# converted from the degrees/minutes/seconds the page gives; the test checks the CSV against them.
REFERENCE_POINTS = {
    # Czech MoD health-impact assessment of the EBR radar (docplayer.cz copy, Aug 2007):
    # "kóta 718,8", WGS84 49:38:06.8 N 13:44:52.6 E.
    "czech-radar": (49.63522, 13.74794),
    # en.wikipedia "Redzikowo" (2015 copy on the-uncensored-wiki.com): 54°28′44″N 17°06′32″E.
    "poland-interceptors": (54.479, 17.109),
    # en.wikipedia "Qabala Radar" (copy on the-uncensored-wiki.com): 40°52′14.6″N 47°48′09.6″E.
    "gabala-radar": (40.87072, 47.80267),
    # Country reference point 32 00 N 53 00 E (CIA World Factbook, via travel-climate.com).
    "iran": (32.0, 53.0),
    # de.wikipedia "Heiligendamm" (nearbywiki extract): N 54.142778 E 11.843889.
    "heiligendamm": (54.1428, 11.8439),
    # en.wikipedia "Walker's Point Estate" (wikimili copy): 43°20′36″N 70°27′34″W.
    "kennebunkport": (43.3433, -70.4594),
}
SITES_HEADER = "id,role,proposal,name,country,lat,lon,precision_km,source_url,note\n"
GOOD_ROW = "test-site,radar,us-plan,Test,Nowhere,10.5,20.5,1,https://example.org/source,ok\n"


@pytest.fixture(scope="module")
def sites():
    return {site.id: site for site in load_sites()}


@pytest.fixture(scope="module")
def seed_mentions():
    article = load_article(SEED_PATH)
    mentions = find_site_mentions(article.text, load_site_references())
    return article.text, mentions


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# --- the curated data ------------------------------------------------------------------------------


def test_contract_sites_are_present_with_valid_roles_proposals_and_sources(sites) -> None:
    assert set(CONTRACT_IDS) <= set(sites)
    assert len(sites) == len(load_sites())  # ids are unique
    for site in sites.values():
        assert SITE_ID_RE.match(site.id)
        assert site.role in ROLES and site.role in ROLE_LABELS
        assert site.proposal in PROPOSALS and site.proposal in PROPOSAL_LABELS
        assert site.source_url.startswith(("http://", "https://"))
        assert site.name and site.country and site.note
        assert site.precision_km > 0


def test_contract_sites_have_the_expected_roles(sites) -> None:
    roles = {site_id: (sites[site_id].role, sites[site_id].proposal) for site_id in CONTRACT_IDS}
    assert roles == {
        "czech-radar": ("radar", "us-plan"),
        "poland-interceptors": ("interceptors", "us-plan"),
        "gabala-radar": ("radar", "russian-proposal"),
        "iran": ("threat", "threat"),
        "heiligendamm": ("summit", "diplomacy"),
        "kennebunkport": ("summit", "diplomacy"),
    }


@pytest.mark.parametrize("site_id", CONTRACT_IDS)
def test_coordinates_agree_with_the_sourced_reference_within_5_km(sites, site_id: str) -> None:
    site = sites[site_id]
    distance = geodesic((site.lat, site.lon), REFERENCE_POINTS[site_id]).km
    assert distance < 5.0, f"{site_id} is {distance:.1f} km from its reference point"


def test_every_reference_names_a_curated_site_and_compiles(sites) -> None:
    references = load_site_references()
    assert references
    assert {r.site_id for r in references} <= set(sites)
    assert {r.link for r in references} <= {"named", "inferred"}


# --- invalid data files ----------------------------------------------------------------------------


def test_a_valid_temporary_file_loads(tmp_path: Path) -> None:
    (site,) = load_sites(write(tmp_path, "sites.csv", SITES_HEADER + GOOD_ROW))
    assert (site.id, site.lat, site.lon, site.precision_km) == ("test-site", 10.5, 20.5, 1.0)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("Bad_Id,radar,us-plan,T,N,1,2,1,https://e.org,n\n", "bad site id"),
        ("t,laser,us-plan,T,N,1,2,1,https://e.org,n\n", "unknown role or proposal"),
        ("t,radar,nato-plan,T,N,1,2,1,https://e.org,n\n", "unknown role or proposal"),
        ("t,radar,us-plan,T,N,north,2,1,https://e.org,n\n", "could not convert"),
        ("t,radar,us-plan,T,N,91,2,1,https://e.org,n\n", "out of range"),
        ("t,radar,us-plan,T,N,1,-181,1,https://e.org,n\n", "out of range"),
        ("t,radar,us-plan,T,N,1,2,1,,n\n", "source URL"),
        ("t,radar,us-plan,T,N,1,2,1,javascript:alert(1),n\n", "source URL"),
        ("t,radar,us-plan,T,N\n", "line 3"),  # short row: lat missing
    ],
)
def test_bad_site_rows_raise_naming_the_line(tmp_path: Path, row: str, fragment: str) -> None:
    path = write(tmp_path, "sites.csv", SITES_HEADER + GOOD_ROW + row)
    with pytest.raises(SiteDataError, match="line 3") as caught:
        load_sites(path)
    assert fragment in str(caught.value)
    assert "sites.csv" in str(caught.value)


def test_a_missing_column_raises(tmp_path: Path) -> None:
    path = write(tmp_path, "sites.csv", "id,role,proposal,name\nt,radar,us-plan,T\n")
    with pytest.raises(SiteDataError, match="line 2"):
        load_sites(path)


@pytest.mark.parametrize(
    ("row", "fragment"),
    [
        ("iran,(unclosed,named,n\n", "line 2"),
        ("iran,\\bIran\\b,guessed,n\n", "link must be"),
    ],
)
def test_bad_reference_rows_raise(tmp_path: Path, row: str, fragment: str) -> None:
    path = write(tmp_path, "refs.csv", "site_id,pattern,link,note\n" + row)
    with pytest.raises(SiteDataError, match=fragment):
        load_site_references(path)


# --- references in the seed article ---------------------------------------------------------------


def phrases(text: str, mentions, site_id: str) -> list[tuple[str, str]]:
    return [(text[m.start:m.end], m.link) for m in mentions if m.site_id == site_id]


def test_seed_article_refers_to_the_sites_by_their_phrases(seed_mentions) -> None:
    text, mentions = seed_mentions
    assert ("radar base in Azerbaijan", "inferred") in phrases(text, mentions, "gabala-radar")
    assert phrases(text, mentions, "czech-radar") == [("radar base in the Czech Republic", "inferred")]
    assert phrases(text, mentions, "poland-interceptors") == [("interceptor missiles in Poland", "inferred")]
    assert phrases(text, mentions, "kennebunkport") == [("Bush family compound in Maine", "inferred")]
    assert phrases(text, mentions, "iran") == [("Iran", "named")]
    assert {m.site_id for m in mentions} == set(CONTRACT_IDS)


def test_overlapping_phrases_for_one_site_count_once(seed_mentions) -> None:
    text, mentions = seed_mentions
    gabala = [m for m in mentions if m.site_id == "gabala-radar"]
    for first, second in zip(gabala, gabala[1:]):
        assert first.end <= second.start
    first_azerbaijan = text.index("Azerbaijan")
    covering = [m for m in gabala if m.start <= first_azerbaijan < m.end]
    assert len(covering) == 1
    assert text[covering[0].start:covering[0].end] == "radar base in Azerbaijan"  # the longest phrase wins


def test_mentions_are_in_text_order_and_offsets_are_exact(seed_mentions) -> None:
    text, mentions = seed_mentions
    assert [m.start for m in mentions] == sorted(m.start for m in mentions)
    references = {r.site_id: [] for r in load_site_references()}
    for r in load_site_references():
        references[r.site_id].append(r.pattern)
    for m in mentions:
        assert any(p.fullmatch(text[m.start:m.end]) for p in references[m.site_id])


def test_the_sites_own_names_are_named_links_and_unrelated_text_has_none() -> None:
    references = load_site_references()
    text = "Radar station at Gabala and Qabala."
    mentions = find_site_mentions(text, references)
    assert [(text[m.start:m.end], m.site_id, m.link) for m in mentions] == [
        ("Gabala", "gabala-radar", "named"),
        ("Qabala", "gabala-radar", "named"),
    ]
    assert find_site_mentions("Nothing relevant here.", references) == ()
