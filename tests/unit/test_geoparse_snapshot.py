"""A snapshot of the places (and confidences) chosen for a small fixed set of invented texts.

Any change of a rule, a weight or the gazetteer that moves a pin or a confidence shows here as a
readable diff. After an intended change, rewrite the snapshot with
``UPDATE_GEOPARSE_SNAPSHOT=1 .venv/bin/python -m pytest tests/unit/test_geoparse_snapshot.py``
and review the diff before committing it.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from dashboard.core.geoparse.gazetteer import Gazetteer
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.services.gazetteer_file import ensure_gazetteer

SNAPSHOT = Path(__file__).parent / "snapshots" / "geoparse.json"

# Invented texts, one per situation the geoparser must handle (none taken from any corpus).
TEXTS = {
    "wire-dateline": "BEIRUT (Reuters) - Lebanon's cabinet met as Syrian and Israeli envoys "
                     "arrived in Cairo; the EU said talks in Geneva would follow.",
    "local-dateline": "Council backs new park. MAPLEVILLE, Ohio -- The Dublin City Council voted "
                      "on Monday; residents of Dublin and Worthington spoke near Columbus.",
    "town-and-state": "The mayor of Springfield met farmers from across Illinois. Peoria and "
                      "Decatur sent delegates.",
    "counties": "Rain flooded roads in Potter, Randall and Van Zandt counties in Texas, and "
                "crews from Amarillo helped.",
    "country-or-town": "Officials from Poland, China and Mexico will visit the family compound "
                       "in Maine, near Kennebunkport.",
    "abbreviations": "She flew from N.Y.C. to D.C. and then to Reno, NV, where the U.K. envoy "
                     "waited.",
    "regions": "Asia-Pacific markets fell as tensions grew in the Middle East and across "
               "Sub-Saharan Africa; ships crossed the Pacific.",
    "adjectives": "Arab leaders and Pacific storms made news; Mobile phones were sold in Bath "
                  "towels' aisle.",
    "state-lists": "Missouri, New York, North Carolina and Virginia sent bands, and fires "
                   "burned in Washington and Oregon.",
    "london-suburbs": "Police in Enfield and Edmonton arrested two men after a chase toward "
                      "Tottenham.",
    "missile-defense": "TOKYO -- Plans for radars in Akita Prefecture and Yamaguchi Prefecture "
                       "were dropped; debris could fall on Honshu or into the Sea of Japan, and "
                       "Germany's Büchel air base watched Moscow and Beijing.",
}


def _snapshot(gaz: Gazetteer) -> dict[str, list[list[object]]]:
    out = {}
    for key, text in TEXTS.items():
        out[key] = [
            [p.name, p.start, p.end, p.feature, p.country_code,
             None if p.lat is None else round(p.lat, 2), None if p.lon is None else round(p.lon, 2),
             round(p.confidence, 3)]
            for p in geoparse(text, gaz)
        ]
    return out


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return ensure_gazetteer()


def test_chosen_places_match_the_snapshot(gaz: Gazetteer) -> None:
    got = _snapshot(gaz)
    if os.environ.get("UPDATE_GEOPARSE_SNAPSHOT") == "1":
        SNAPSHOT.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    want = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    assert set(got) == set(want)
    for key in want:
        assert got[key] == want[key], f"snapshot {key!r} changed (see the module docstring)"
