"""Resolve place mentions to gazetteer entries by the article's context, offline.

Every candidate of a mention gets a score (never "first match"):

* a prior: 0.4 per decade of population, plus a bonus by kind (country > first-level area >
  city); continents and regions have a fixed high score; demonyms always mean their country;
  national capitals get a bonus ("Washington" alone is the city); names reached only through a
  GeoNames alternate name lose a little;
* context from the rest of the article, never from the mention's own name: the countries it
  names or implies (a named country or demonym counts twice, a place inside it once), the
  first-level areas it names (a state named outright weighs more than one implied by a
  city), and other names of the text with a candidate nearby (same 0.5-degree grid
  neighbourhood), so that "Edmonton" next to "Enfield" is the London one;
* "X, Y" where Y is a state or a country that contains X settles it ("Paris, Texas");
* structural rules: a country, continent or region beats towns of the same name unless the
  text says "Town, State" ("Poland" in an article about Maine); a city beats a same-named area
  it dominates ("Aleppo") unless "state"/"province"/"governor" follows.

Resolution runs twice: the first choices feed the context of the second pass. Confidence comes
from the margin between the best and the second candidate.
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from dashboard.core.geoparse.gazetteer import Gazetteer, GazetteerEntry, name_key
from dashboard.core.geoparse.mentions import (
    Mention,
    cued_unknown_names,
    extract_mentions,
)
from dashboard.core.geoparse.places import Place

# Score weights (see the module docstring).
#: Confidence of a name proposed only by its place preposition, before a geocoder confirms it.
UNKNOWN_CONFIDENCE = 0.3
POP_WEIGHT = 0.4  # per decade of population
FEATURE_BONUS = {"country": 1.5, "admin1": 1.0, "admin2": 0.0, "city": 0.0}
FIXED_SCORE = {"continent": 5.0, "region": 4.8}
DEMONYM_SCORE = 10.0
ALT_PENALTY = 0.8
CAPITAL_BONUS = 1.0
COUNTY_BONUS = 1.5
AREA_WORD_BONUS = 1.0
COUNTRY_BONUS = 0.5  # per supporting name (a country or demonym counts twice), at most 3
ADMIN1_BONUS = 1.5  # the area is named outright
IMPLIED_ADMIN1_BONUS = 0.7  # a city of the text lies in the area
NEIGHBOUR_BONUS = 1.0
CONTAINER_BONUS = 3.0
SAME_NAME_CITY_SHARE = 0.1
#: Grid cell (degrees) for "another place of the text lies nearby".
CELL_DEG = 0.5
#: Candidates per name considered for the neighbourhood test (most populous first).
NEIGHBOUR_CANDIDATES = 40

_AREA_WORDS = ("state", "province", "region", "governorate", "county", "territory", "oblast",
               "gov.", "governor", "legislature", "premier", "senator", "sen.")
_AFTER_COMMA = re.compile(r",\s+((?:[A-Z][\w.'\u2019]*\.?)(?:\s+[A-Z][\w.'\u2019]*)?)")


@dataclass(frozen=True)
class _Choice:
    entry: GazetteerEntry
    confidence: float


def geoparse(text: str, gazetteer: Gazetteer, *, include_unknown: bool = False) -> tuple[Place, ...]:
    """Return the places ``text`` mentions, resolved with the gazetteer (no network), in text order.

    With ``include_unknown``, capitalised names after a place preposition that the gazetteer
    does not know ("held in Heiligendamm") are added unplaced (``lat``/``lon`` None), for an
    online geocoder to try; offline runs leave them out, since nothing could place them.
    """
    mentions = extract_mentions(text, gazetteer)
    places = resolve_mentions(text, mentions, gazetteer)
    if not include_unknown:
        return places
    unknown = tuple(
        Place(m.name, m.start, m.end, None, None, "none", UNKNOWN_CONFIDENCE)
        for m in cued_unknown_names(text, gazetteer, mentions)
    )
    return tuple(sorted(places + unknown, key=lambda p: p.start))


def resolve_mentions(text: str, mentions: Sequence[Mention], gazetteer: Gazetteer) -> tuple[Place, ...]:
    """Return one :class:`Place` per mention, in the same order.

    A mention with no gazetteer candidate gets ``lat``/``lon`` ``None`` and source ``"none"``.
    """
    return tuple(_place(m, c) for m, c in zip(mentions, _resolve(text, mentions, gazetteer)))


def explain_resolution(
    text: str, mentions: Sequence[Mention], gazetteer: Gazetteer
) -> list[list[tuple[float, GazetteerEntry]]]:
    """Return, per mention, its scored candidates best first (for tuning and debugging)."""
    ctx = _Context.build(text, mentions, gazetteer)
    choices = _resolve(text, mentions, gazetteer)
    ctx.update(mentions, choices)
    return [
        sorted(((_score(ctx, i, m, e, k), e) for e, k in ctx.options[i]), key=lambda se: -se[0])
        for i, m in enumerate(mentions)
    ]


def _resolve(text: str, mentions: Sequence[Mention], gazetteer: Gazetteer) -> list[_Choice | None]:
    ctx = _Context.build(text, mentions, gazetteer)
    choices: list[_Choice | None] = []
    for _ in range(2):
        choices = [_choose(ctx, i, m) for i, m in enumerate(mentions)]
        ctx.update(mentions, choices)
    return choices


def _place(mention: Mention, choice: _Choice | None) -> Place:
    if choice is None:
        return Place(mention.name, mention.start, mention.end, None, None, "none", 0.0)
    e = choice.entry
    return Place(
        name=mention.name,
        start=mention.start,
        end=mention.end,
        lat=e.lat,
        lon=e.lon,
        source="gazetteer",
        confidence=choice.confidence,
        precision_km=e.precision_km,
        feature=e.feature,
        country_code=e.country_code,
        geonameid=e.geonameid,
        place_name=e.name,
    )


# -- context --------------------------------------------------------------------------------
@dataclass
class _Context:
    """What the rest of the article says: candidates, named countries/areas, nearby places."""

    text: str
    options: list[tuple[tuple[GazetteerEntry, str], ...]]
    keys: list[str]
    containers: list[tuple[GazetteerEntry, ...]]
    area_word: list[bool]
    cells: dict[tuple[int, int], set[str]]
    countries: dict[str, Counter[str]] = field(default_factory=dict)  # name key -> country counts
    admin1s: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)

    @classmethod
    def build(cls, text: str, mentions: Sequence[Mention], gazetteer: Gazetteer) -> _Context:
        options = [gazetteer.matches(m.name) for m in mentions]
        keys = [name_key(m.name) for m in mentions]
        cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        for key, opts in zip(keys, options):
            for e, _ in opts[:NEIGHBOUR_CANDIDATES]:
                if e.feature in ("city", "admin2"):
                    cells[_cell(e)].add(key)
        ctx = cls(
            text=text,
            options=options,
            keys=keys,
            containers=[_container_after(text, m, gazetteer) for m in mentions],
            area_word=[text[m.end:m.end + 14].lstrip().lower().startswith(_AREA_WORDS) for m in mentions],
            cells=cells,
        )
        ctx.seed()
        return ctx

    def seed(self) -> None:
        """Countries and areas named unambiguously (a single country or admin1 candidate)."""
        for key, opts in zip(self.keys, self.options):
            strong = [e for e, _ in opts if e.feature in ("country", "admin1")]
            if len(strong) == 1 and strong[0].country_code:
                self._add(key, strong[0])

    def update(self, mentions: Sequence[Mention], choices: Sequence[_Choice | None]) -> None:
        self.countries, self.admin1s = {}, {}
        for key, c in zip(self.keys, choices):
            if c is not None:
                self._add(key, c.entry)

    def _add(self, key: str, e: GazetteerEntry) -> None:
        if not e.country_code:
            return
        self.countries.setdefault(key, Counter())[e.country_code] = 2 if e.feature == "country" else 1
        if e.feature != "country" and e.admin1:
            self.admin1s.setdefault(key, Counter())[(e.country_code, e.admin1)] = 2 if e.feature == "admin1" else 1

    def country_support(self, key: str, cc: str) -> int:
        """How strongly names other than ``key`` point at country ``cc`` (2 per country named,
        1 per place inside it), capped at 3."""
        return min(3, sum(c[cc] for k, c in self.countries.items() if k != key))

    def admin1_support(self, key: str, area: tuple[str, str]) -> int:
        """2 when a name other than ``key`` is the first-level area itself, 1 when one lies in it."""
        return max((c[area] for k, c in self.admin1s.items() if k != key), default=0)

    def neighbour(self, key: str, e: GazetteerEntry) -> bool:
        """Does another name of the text have a candidate place near ``e``?"""
        x, y = _cell(e)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                names = self.cells.get((x + dx, y + dy))
                if names and (len(names) > 1 or key not in names):
                    return True
        return False


def _cell(e: GazetteerEntry) -> tuple[int, int]:
    return int(math.floor(e.lat / CELL_DEG)), int(math.floor(e.lon / CELL_DEG))


def _container_after(text: str, mention: Mention, gazetteer: Gazetteer) -> tuple[GazetteerEntry, ...]:
    """Entries of an admin1 area or country right after "X, ", e.g. "Edmonton, Ky."."""
    m = _AFTER_COMMA.match(text, mention.end)
    if not m:
        return ()
    words = m.group(1)
    for cand in (words, words.split()[0]):
        ents = tuple(e for e in gazetteer.candidates(cand) if e.feature in ("admin1", "country"))
        if ents:
            return ents
    return ()


# -- scoring --------------------------------------------------------------------------------
def _choose(ctx: _Context, i: int, mention: Mention) -> _Choice | None:
    options = ctx.options[i]
    if not options:
        return None
    best: dict[int, tuple[float, GazetteerEntry]] = {}
    for entry, kind in options:
        s = _score(ctx, i, mention, entry, kind)
        if entry.entry_id not in best or best[entry.entry_id][0] < s:
            best[entry.entry_id] = (s, entry)
    ranked = sorted(best.values(), key=lambda se: (-se[0], -se[1].population, se[1].entry_id))
    ranked = _prefer_city_over_namesake_area(ranked, ctx.area_word[i])
    ranked = _prefer_broad_names(ctx, i, ranked)
    top_score, top = ranked[0]
    margin = top_score - ranked[1][0] if len(ranked) > 1 else 3.0
    base = 0.55 if top.feature in ("region", "continent", "admin2") else 0.65
    confidence = min(0.99, base + 0.35 * math.tanh(margin))
    return _Choice(top, round(confidence, 3))


def _score(ctx: _Context, i: int, mention: Mention, e: GazetteerEntry, kind: str) -> float:
    if kind == "demonym":
        return DEMONYM_SCORE
    if e.feature in FIXED_SCORE:
        return FIXED_SCORE[e.feature]
    key = ctx.keys[i]
    s = POP_WEIGHT * math.log10(max(e.population, 10)) + FEATURE_BONUS.get(e.feature, 0.0)
    if e.capital:
        s += CAPITAL_BONUS
    if e.feature == "admin2" and key.endswith(("county", "parish", "borough")):
        s += COUNTY_BONUS
    if e.feature in ("admin1", "admin2") and ctx.area_word[i]:
        s += AREA_WORD_BONUS
    if kind == "alt":
        s -= ALT_PENALTY
    if e.feature != "country" and e.country_code:
        s += COUNTRY_BONUS * ctx.country_support(key, e.country_code)
        if e.admin1:
            support = ctx.admin1_support(key, (e.country_code, e.admin1))
            s += ADMIN1_BONUS if support >= 2 else IMPLIED_ADMIN1_BONUS if support else 0.0
        if e.feature in ("city", "admin2") and ctx.neighbour(key, e):
            s += NEIGHBOUR_BONUS
    if _contained(ctx, i, e):
        s += CONTAINER_BONUS
    return s


def _prefer_broad_names(
    ctx: _Context, i: int, ranked: list[tuple[float, GazetteerEntry]]
) -> list[tuple[float, GazetteerEntry]]:
    """A name that is a country, continent or region means that place, whatever small towns share
    it ("Poland" in an article about Maine), unless the text says otherwise ("Poland, Maine")."""
    top_score, top = ranked[0]
    if top.feature not in ("city", "admin2") or _contained(ctx, i, top):
        return ranked
    for score, e in ranked[1:]:
        if e.feature in ("country", "continent", "region"):
            return [(top_score + 1e-6, e)] + [(s, x) for s, x in ranked if x is not e]
    return ranked


def _contained(ctx: _Context, i: int, e: GazetteerEntry) -> bool:
    return any(c.country_code == e.country_code and (c.feature == "country" or c.admin1 == e.admin1)
               for c in ctx.containers[i])


def _prefer_city_over_namesake_area(
    ranked: list[tuple[float, GazetteerEntry]], area_word: bool
) -> list[tuple[float, GazetteerEntry]]:
    """An area and a city of the same name inside it ("Aleppo"), or a national capital named
    like an area of its country ("Washington"): the city, unless "state"/"province" follows."""
    top_score, top = ranked[0]
    if area_word or top.feature not in ("admin1", "admin2"):
        return ranked
    for score, e in ranked[1:]:
        if e.feature != "city" or e.country_code != top.country_code or top_score - score > 3.0:
            continue
        inside = e.admin1 == top.admin1 and e.population >= SAME_NAME_CITY_SHARE * max(top.population, 1)
        if inside or e.capital:
            return [(top_score + 1e-6, e)] + [(s, x) for s, x in ranked if x is not e]
    return ranked
