"""The atlas in the browser: invented articles (our own sentences) about each new story get that
story's installations on the map and in the export, by the contract ids of DESIGN.md; the VOA
article still shows its six sites and no installation of the atlas."""
from __future__ import annotations

from pathlib import Path

import pytest
from helpers import MAP_FRAME, add_pasted_article, open_dashboard
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

# (title, invented text, the contract ids it must show)
STORIES = {
    "thaad-korea": (
        "Korean battery resupplied",
        "Trucks carrying fuel and spare parts reached the THAAD battery in Seongju County before dawn on Tuesday, "
        "a defence ministry spokesman said. Villagers blocked the road for two hours. "
        "Washington says THAAD in South Korea guards against missiles from the North.",
        ("seongju-thaad",),
    ),
    "japan": (
        "Radars stay as Aegis Ashore plans end",
        "Tokyo confirmed it will not build Aegis Ashore at the Araya training area in Akita or at the Mutsumi "
        "training area in Yamaguchi. The two US X-band radars in Japan, at Shariki in Aomori and at Kyogamisaki "
        "near Kyoto, are not affected, a ministry official told reporters.",
        ("araya-aegis-ashore", "mutsumi-aegis-ashore", "shariki-tpy2", "kyogamisaki-tpy2"),
    ),
    "homeland": (
        "Homeland defence budget hearing",
        "Senators asked about the interceptors at Fort Greely in Alaska and the smaller field at Vandenberg. "
        "The Long Range Discrimination Radar at Clear Space Force Station is being tested, while Cobra Dane on "
        "Shemya Island ages. The early-warning radars at Pituffik Space Base in Greenland and at RAF Fylingdales "
        "in England feed the same network.",
        ("fort-greely-gbi", "vandenberg-gbi", "clear-lrdr", "shemya-cobra-dane", "pituffik-radar", "fylingdales-radar"),
    ),
    "arrow-germany": (
        "Arrow 3 deal signed",
        "Germany signed for Arrow 3, the exo-atmospheric interceptor that Israel fields with the X-band radar in "
        "the Negev. Berlin says the European Sky Shield Initiative needs a defence against long-range missiles.",
        ("har-keren-tpy2",),
    ),
}
VOA_SITES = ("czech-radar", "poland-interceptors", "gabala-radar", "iran", "heiligendamm", "kennebunkport")
NEW_IDS = tuple(sorted({site for _, _, ids in STORIES.values() for site in ids}))


@pytest.mark.parametrize("story", sorted(STORIES))
def test_an_invented_article_gets_its_installations_on_the_map_and_in_the_export(page: Page, app_server, watch, story) -> None:
    title, text, expected = STORIES[story]
    open_dashboard(page, app_server.url + "/?basemap=offline")
    add_pasted_article(page, text, title)
    frame = page.frame_locator(MAP_FRAME)
    for site_id in expected:
        expect(frame.locator(f".site-{site_id}")).to_have_count(1, timeout=20_000)
    for site_id in VOA_SITES:
        expect(frame.locator(f".site-{site_id}")).to_have_count(0)
    page.get_by_role("tab", name="Export").click()
    with page.expect_download() as download:
        page.get_by_role("button", name="Map (HTML, works offline)").click()
    exported = Path(download.value.path()).read_text(encoding="utf-8")
    for site_id in expected:
        assert f"site-{site_id}" in exported
    assert watch.external_requests == []


def test_the_voa_article_shows_no_installation_of_the_new_stories(page: Page, app_server) -> None:
    frame = open_dashboard(page, app_server.url + "/?basemap=offline")
    for site_id in VOA_SITES:
        expect(frame.locator(f".site-{site_id}")).to_have_count(1)
    for site_id in (*NEW_IDS, "armavir-radar"):
        expect(frame.locator(f".site-{site_id}")).to_have_count(0)
