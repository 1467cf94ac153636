"""Resolve place mentions to gazetteer entries by the article's context, offline.

Every candidate of a mention gets a score (never "first match"), the sum of named parts
(:data:`PARTS`), so that :func:`explain_resolution` can say which rule decided:

* a prior: :data:`POP_WEIGHT` per decade of population, plus a bonus by kind (country >
  first-level area > city); continents and regions have a fixed high score; demonyms always
  mean their country; national capitals get a bonus ("Washington" alone is the city); names
  reached only through a GeoNames alternate name lose a little;
* context from the rest of the article, never from the mention's own name: the countries it
  names or implies (a named country or demonym counts twice, a place inside it once), the
  first-level areas it names (a state named outright weighs more than one implied by a
  city), the dateline's state and country (the story's home), the places already resolved
  nearby (second pass) and other names of the text with a candidate nearby (same 0.5-degree
  grid neighbourhood), so that "Edmonton" next to "Enfield" is the London one;
* "X, Y" where Y is a state or a country that contains X settles it ("Paris, Texas");
* a name in a list with first-level areas is one too ("Missouri, New York and Virginia");
* "Clay and Becker counties": the names are counties ("Clay County");
* structural rules: a continent or region beats towns of the same name unless "Town, State"
  says otherwise, and so does a country unless the story points at the town (it lies in the
  dateline's state or next to another place of the story: "Poland" in an article that names
  Maine stays the country, "Palestine" next to Elkhart, Texas, is the town); a city beats a
  same-named area it dominates ("Aleppo") unless the text says it is the area ("province"
  follows, "X County", listed with states), except a US state's bare name ("New York"); a
  dateline the AP lets stand alone, with no state after it, is the big city ("WASHINGTON —").

Resolution runs twice: the first choices feed the context of the second pass. Then one sense
per name per story: every bare use of a name takes the sense its best-supported use has
("Belgrade, Minn." ... "in Belgrade"). Confidence is calibrated on the development sets from
the rule that decided, the kind of place and the margin over the runner-up
(:data:`CONFIDENCE_TABLE`).
"""
from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from dashboard.core.geoparse.datelines import is_dateline, standalone_state
from dashboard.core.geoparse.gazetteer import Gazetteer, GazetteerEntry, name_key
from dashboard.core.geoparse.home import Home, StorySource, story_home
from dashboard.core.geoparse.mentions import (
    Mention,
    area_type_base,
    county_list_follows,
    cued_unknown_names,
    extract_mentions,
)
from dashboard.core.geoparse.places import Place

# -- score weights ----------------------------------------------------------------------------
#: Confidence of a name proposed only by its place preposition, before a geocoder confirms it.
UNKNOWN_CONFIDENCE = 0.3
#: Prior per decade of population (a city of 1,000,000 gets 2.4, one of 10,000 gets 1.6).
POP_WEIGHT = 0.4
#: Prior by kind: a bare name more often means the country or the state than a same-named town.
FEATURE_BONUS = {"country": 1.5, "admin1": 1.0, "admin2": 0.0, "city": 0.0}
#: Continents and regions: fixed scores above any town's prior.
FIXED_SCORE = {"continent": 5.0, "region": 4.8}
#: A demonym ("Russian") always means its country.
DEMONYM_SCORE = 10.0
#: Reached only through a GeoNames alternate name (often a foreign spelling).
ALT_PENALTY = 0.8
#: National capitals: "Washington" alone is the city.
CAPITAL_BONUS = 1.0
#: "X state", "X province", "X governor" after the name: the area.
AREA_WORD_BONUS = 1.0
#: Per supporting name of the same country (a country or demonym counts twice), at most 3.
COUNTRY_BONUS = 0.5
#: The candidate's first-level area is named outright in the story ("Kentucky").
ADMIN1_BONUS = 2.0
#: A city of the story lies in the candidate's first-level area.
IMPLIED_ADMIN1_BONUS = 0.7
#: Another name of the story has a candidate in the same grid neighbourhood.
NEIGHBOUR_BONUS = 1.0
#: Second pass: a place already resolved for another name lies within :data:`NEAR_KM`.
RESOLVED_NEIGHBOUR_BONUS = 1.0
#: "X, Y" with Y the candidate's state or country.
CONTAINER_BONUS = 3.0
#: "X, Y" settles it: a candidate inside Y wins whatever else the story says ("the state
#: champion for Queensland, Australia" in a story datelined in a Canadian town of that name).
#: Not over a country ("Russia, U.S. officials said": no country lies in another).
SETTLED_BY_CONTAINER = True
#: The candidate lies in the dateline's first-level area (the story's home).
DATELINE_ADMIN1_BONUS = 2.0
#: The candidate lies in the dateline's country.
DATELINE_COUNTRY_BONUS = 1.0
#: The candidate lies in the country, or the first-level area, of the story's outlet
#: (:mod:`home`): half the dateline's weight, a prior that the story's own words outweigh.
HOME_COUNTRY_BONUS = 0.5
HOME_ADMIN1_BONUS = 1.0
#: A name listed with first-level areas ("Missouri, New York and Virginia") is one too; the
#: same for countries ("Poland, China and Mexico").
LIST_KIND_BONUS = 2.0
#: A city must hold this share of a same-named area's people to be preferred to it ("Aleppo").
SAME_NAME_CITY_SHARE = 0.1
#: Resolution passes: each pass after the first takes the previous choices as context.
PASSES = 2
#: Grid cell (degrees) for "another place of the text lies nearby".
CELL_DEG = 0.5
#: "Nearby" for places already resolved, in kilometres.
NEAR_KM = 60.0
#: Candidates per name considered for the neighbourhood test (most populous first).
NEIGHBOUR_CANDIDATES = 40
#: A national capital of this many people is what its bare name means, unless the story points
#: at a namesake town ("U.S. officials met in Dublin and London": Ireland and England).
BIG_CAPITAL_POPULATION = 1_000_000
#: A story naming this many countries is about international affairs: its countries and
#: capitals are as sure as their rule says (:func:`_sure_in_international_story`).
INTERNATIONAL_COUNTRIES = 2
#: A namesake city this big in a country or area the story names keeps a capital in doubt.
BIG_NAMESAKE_POPULATION = 100_000
#: The rule named in the explain view when that decides the confidence.
INTERNATIONAL_RULE = "country or capital in an international story"
#: Countries whose press writes a first-level area's bare name for the area ("New York") and
#: names its namesake city otherwise ("New York City"), the national capital excepted.
STATE_NAME_COUNTRIES = frozenset({"US"})

#: The parts of a score, in the order :func:`explain_resolution` lists them.
PARTS = ("fixed", "population", "kind", "capital", "area word", "alternate name",
         "country named", "state named", "neighbour", "resolved neighbour", "container",
         "dateline", "listed with areas", "outlet home")

# -- confidence -------------------------------------------------------------------------------
#: Calibrated confidence by the rule that decided and the kind of place chosen: the share of such
#: choices within 161 km of the gold point on the TR-News and LGL development sets together,
#: rounded down (docs/BENCHMARKS.md, "Confidence calibration"). Kinds: ``country``, ``area`` (a
#: first-level area or region up to :data:`WIDE_KM` across), ``wide`` (a larger one: its
#: reference point may lie far from another gazetteer's), ``admin2`` and ``city``.
CONFIDENCE_TABLE: dict[tuple[str, str], float] = {
    ("only candidate", "country"): 0.99, ("only candidate", "area"): 0.97,
    ("only candidate", "admin2"): 0.95, ("only candidate", "city"): 0.9,
    ("only candidate", "wide"): 0.85,
    ("container", "city"): 0.97, ("container", "admin2"): 0.95,
    ("state named", "admin2"): 0.97, ("state named", "city"): 0.93, ("state named", "wide"): 0.9,
    ("city over area", "city"): 0.94,
    ("country named", "city"): 0.93, ("country named", "wide"): 0.95, ("country named", "area"): 0.6,
    ("fixed", "area"): 0.97, ("fixed", "wide"): 0.97,
    ("demonym", "country"): 0.92,
    ("listed with areas", "country"): 0.97, ("listed with areas", "area"): 0.93,
    ("listed with areas", "wide"): 0.8,
    ("neighbour", "admin2"): 0.97, ("neighbour", "city"): 0.78,
    ("one sense per story", "area"): 0.95, ("one sense per story", "city"): 0.85,
    ("population", "country"): 0.95, ("population", "city"): 0.57, ("population", "admin2"): 0.3,
    ("population", "wide"): 0.77, ("population", "area"): 0.85,
    ("kind", "country"): 0.91, ("kind", "wide"): 0.57, ("kind", "area"): 0.8,
    ("capital", "city"): 0.54,
    ("dateline", "admin2"): 0.95, ("dateline", "city"): 0.67, ("dateline", "wide"): 0.9,
    ("resolved neighbour", "city"): 0.81, ("resolved neighbour", "admin2"): 0.8,
    ("alternate name", "city"): 0.85,
    ("broad name", "wide"): 0.9, ("broad name", "area"): 0.9,
    ("area word", "admin2"): 0.9, ("area word", "area"): 0.9,
    (INTERNATIONAL_RULE, "country"): 0.95, (INTERNATIONAL_RULE, "city"): 0.95,
    (INTERNATIONAL_RULE, "area"): 0.95, (INTERNATIONAL_RULE, "wide"): 0.95,
}
#: Confidence for a (rule, kind) pair missing from the table.
DEFAULT_CONFIDENCE = 0.7
#: Areas wider than this (km, the entry's precision radius) are "wide" for the table.
WIDE_KM = 250.0
#: Confidence added per unit of score margin over the runner-up, around a margin of
#: :data:`MARGIN_CENTRE` and for margins clamped to [0, 2]: a narrow win is less sure
#: (on the development sets: 67 % right below a margin of 0.5, 92 % above 2).
MARGIN_STEP = 0.05
MARGIN_CENTRE = 1.0
#: Highest and lowest confidence given.
MAX_CONFIDENCE = 0.99
MIN_CONFIDENCE = 0.2

_AREA_WORDS = ("state", "province", "region", "governorate", "county", "territory", "oblast",
               "gov.", "governor", "legislature", "premier", "senator", "sen.", "attorney general")
_AFTER_COMMA = re.compile(r",\s+((?:[A-Z][\w.'\u2019]*\.?)(?:\s+[A-Z][\w.'\u2019]*)?)")
_AREA_NOUNS = (" county", " parish", " borough", " province", " state", " region", " district")
_LIST_SEPARATORS = (", ", " and ", " or ", ", and ", ", or ")


@dataclass(frozen=True)
class Candidate:
    """One scored candidate of a mention: its entry, total score and the parts that make it."""

    entry: GazetteerEntry
    score: float
    parts: tuple[tuple[str, float], ...]


@dataclass(frozen=True)
class Resolution:
    """How one mention was resolved: its candidates best first, the chosen one (``None`` when the
    gazetteer has no candidate), the rule that decided and the confidence."""

    mention: Mention
    candidates: tuple[Candidate, ...]
    chosen: GazetteerEntry | None
    rule: str
    confidence: float


@dataclass(frozen=True)
class _Choice:
    entry: GazetteerEntry
    score: float
    rule: str
    margin: float


def geoparse(text: str, gazetteer: Gazetteer, *, include_unknown: bool = False,
             source: StorySource | None = None, home_place: str = "") -> tuple[Place, ...]:
    """Return the places ``text`` mentions, resolved with the gazetteer (no network), in text order.

    ``source`` (the story's URL and outlet) and ``home_place`` (the deployment's
    ``DASHBOARD_HOME_PLACE``) give the story's home, a prior for its local names (:mod:`home`).
    With ``include_unknown``, capitalised names after a place preposition that the gazetteer
    does not know ("held in Heiligendamm") are added unplaced (``lat``/``lon`` None), for an
    online geocoder to try; offline runs leave them out, since nothing could place them.
    """
    mentions = extract_mentions(text, gazetteer)
    places = resolve_mentions(text, mentions, gazetteer, home=story_home(source, gazetteer, home_place))
    if not include_unknown:
        return places
    unknown = tuple(
        Place(m.name, m.start, m.end, None, None, "none", UNKNOWN_CONFIDENCE)
        for m in cued_unknown_names(text, gazetteer, mentions)
    )
    return tuple(sorted(places + unknown, key=lambda p: p.start))


def bound_geoparser(gazetteer: Gazetteer, *, include_unknown: bool = False,
                    home_place: str = "") -> Callable[..., tuple[Place, ...]]:
    """Return :func:`geoparse` bound to a gazetteer and a deployment's settings, to be called
    as ``geoparser(text)`` or ``geoparser(text, source=StorySource(...))`` (the geocoding chain's
    offline tier)."""
    def geoparser(text: str, source: StorySource | None = None) -> tuple[Place, ...]:
        return geoparse(text, gazetteer, include_unknown=include_unknown, source=source, home_place=home_place)

    return geoparser


def resolve_mentions(text: str, mentions: Sequence[Mention], gazetteer: Gazetteer,
                     home: Home | None = None) -> tuple[Place, ...]:
    """Return one :class:`Place` per mention, in the same order (``home``: the story's home).

    A mention with no gazetteer candidate gets ``lat``/``lon`` ``None`` and source ``"none"``.
    """
    _, choices = _resolve(text, mentions, gazetteer, home)
    return tuple(_place(m, c) for m, c in zip(mentions, choices))


def explain_resolution(text: str, mentions: Sequence[Mention], gazetteer: Gazetteer,
                       home: Home | None = None) -> list[Resolution]:
    """Return, per mention, its scored candidates best first with their score parts, the chosen
    entry, the rule that decided and the confidence (for tuning and debugging)."""
    ctx, choices = _resolve(text, mentions, gazetteer, home)
    out = []
    for i, (m, choice) in enumerate(zip(mentions, choices)):
        cands = []
        for e, kind in ctx.options[i]:
            parts: list[tuple[str, float]] = []
            score = _score(ctx, i, e, kind, parts)
            cands.append(Candidate(e, round(score, 3), tuple((n, round(v, 3)) for n, v in parts if v)))
        cands.sort(key=lambda c: (-c.score, -c.entry.population, c.entry.entry_id))
        seen: set[int] = set()
        unique = tuple(c for c in cands if not (c.entry.entry_id in seen or seen.add(c.entry.entry_id)))
        if choice is None:
            out.append(Resolution(m, unique, None, "no candidate", 0.0))
        else:
            out.append(Resolution(m, unique, choice.entry, choice.rule, _confidence(choice)))
    return out


def _resolve(
    text: str, mentions: Sequence[Mention], gazetteer: Gazetteer, home: Home | None = None
) -> tuple[_Context, list[_Choice | None]]:
    ctx = _Context.build(text, mentions, gazetteer)
    ctx.outlet_home = home
    choices: list[_Choice | None] = [_choose(ctx, i) for i in range(len(mentions))]
    for _ in range(PASSES - 1):
        ctx.update(choices)
        ctx.second_pass = True
        choices = [_choose(ctx, i) for i in range(len(mentions))]
    return ctx, _sure_in_international_story(ctx, _one_sense_per_name(ctx, choices))


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
        confidence=_confidence(choice),
        precision_km=e.precision_km,
        feature=e.feature,
        country_code=e.country_code,
        geonameid=e.geonameid,
        place_name=e.name,
    )


def _confidence(choice: _Choice) -> float:
    """The calibrated confidence of a choice: the rate of its (rule, kind) on the development
    sets, moved up or down a little by its margin over the runner-up."""
    e = choice.entry
    base = CONFIDENCE_TABLE.get((choice.rule, _kind_class(e)), DEFAULT_CONFIDENCE)
    if choice.rule not in ("only candidate", INTERNATIONAL_RULE):
        base += MARGIN_STEP * (min(2.0, max(0.0, choice.margin)) - MARGIN_CENTRE)
    return round(min(MAX_CONFIDENCE, max(MIN_CONFIDENCE, base)), 3)


def _kind_class(e: GazetteerEntry) -> str:
    """The kind of place for the confidence table: country, area, wide, admin2 or city."""
    if e.feature in ("admin1", "region", "continent"):
        return "wide" if e.precision_km > WIDE_KM else "area"
    return e.feature if e.feature in ("country", "admin2") else "city"


# -- context --------------------------------------------------------------------------------
@dataclass
class _Context:
    """What the rest of the article says: candidates, named countries/areas, nearby places."""

    text: str
    options: list[tuple[tuple[GazetteerEntry, str], ...]]
    keys: list[str]
    bases: list[str]  # keys without a trailing "city": "Dublin City" supports no other Dublin
    containers: list[tuple[GazetteerEntry, ...]]
    area_word: list[bool]
    cells: dict[tuple[int, int], set[str]]
    listed: list[tuple[int, ...]]  # indexes of the mentions next to each one in a list
    dateline: int | None  # index of the dateline mention
    standalone: str | None  # the US state of a stand-alone AP dateline ("WASHINGTON —": "DC")
    countries: dict[str, Counter[str]] = field(default_factory=dict)  # name key -> country counts
    admin1s: dict[str, Counter[tuple[str, str]]] = field(default_factory=dict)
    chosen: list[GazetteerEntry | None] = field(default_factory=list)
    chosen_cells: dict[tuple[int, int], list[tuple[str, GazetteerEntry]]] = field(default_factory=dict)
    home: GazetteerEntry | None = None  # the dateline's place, once resolved
    outlet_home: Home | None = None  # where the story's outlet is (a prior)
    second_pass: bool = False
    _memo: dict[tuple[str, str, object], object] = field(default_factory=dict)  # per pass

    @classmethod
    def build(cls, text: str, mentions: Sequence[Mention], gazetteer: Gazetteer) -> _Context:
        options = [_options(text, m, gazetteer) for m in mentions]
        keys = [name_key(m.name) for m in mentions]
        bases = [_base_key(k) for k in keys]
        cells: dict[tuple[int, int], set[str]] = defaultdict(set)
        for key, opts in zip(bases, options):
            for e, _ in opts[:NEIGHBOUR_CANDIDATES]:
                if e.feature in ("city", "admin2"):
                    cells[_cell(e)].add(key)
        dateline = next((i for i, m in enumerate(mentions[:3]) if is_dateline(text, m.start, m.end)), None)
        standalone = None if dateline is None else standalone_state(
            text, mentions[dateline].start, mentions[dateline].end)
        ctx = cls(
            text=text,
            options=options,
            keys=keys,
            bases=bases,
            containers=[_container_after(text, m, gazetteer) for m in mentions],
            area_word=[text[m.end:m.end + 18].lstrip().lower().startswith(_AREA_WORDS)
                       or area_type_base(m.name) is not None for m in mentions],
            cells=cells,
            listed=_list_neighbours(text, mentions),
            dateline=dateline,
            standalone=standalone,
            chosen=[None] * len(mentions),
        )
        ctx.seed()
        return ctx

    def seed(self) -> None:
        """Countries and areas named unambiguously (a single country or admin1 candidate)."""
        for key, opts in zip(self.bases, self.options):
            strong = [e for e, _ in opts if e.feature in ("country", "admin1")]
            if len(strong) == 1 and strong[0].country_code:
                self._add(key, strong[0])

    def update(self, choices: Sequence[_Choice | None]) -> None:
        """Take the choices of a pass as the context of the next one."""
        self.countries, self.admin1s, self._memo = {}, {}, {}
        self.chosen = [c.entry if c is not None else None for c in choices]
        self.chosen_cells = defaultdict(list)
        for key, c in zip(self.bases, choices):
            if c is not None:
                self._add(key, c.entry)
                if c.entry.feature in ("city", "admin2"):
                    self.chosen_cells[_cell(c.entry)].append((key, c.entry))
        if self.dateline is not None:
            self.home = self.chosen[self.dateline]

    def _add(self, key: str, e: GazetteerEntry) -> None:
        if not e.country_code:
            return
        self.countries.setdefault(key, Counter())[e.country_code] = 2 if e.feature == "country" else 1
        if e.feature != "country" and e.admin1:
            self.admin1s.setdefault(key, Counter())[(e.country_code, e.admin1)] = 2 if e.feature == "admin1" else 1

    def country_support(self, key: str, cc: str) -> int:
        """How strongly names other than ``key`` point at country ``cc`` (2 per country named,
        1 per place inside it), capped at 3."""
        memo = self._memo.get(("c", key, cc))
        if memo is None:
            memo = self._memo[("c", key, cc)] = min(3, sum(c[cc] for k, c in self.countries.items() if k != key))
        return memo

    def admin1_support(self, key: str, area: tuple[str, str]) -> int:
        """2 when a name other than ``key`` is the first-level area itself, 1 when one lies in it."""
        memo = self._memo.get(("a", key, area))
        if memo is None:
            memo = self._memo[("a", key, area)] = max(
                (c[area] for k, c in self.admin1s.items() if k != key), default=0)
        return memo

    def neighbour(self, key: str, e: GazetteerEntry) -> bool:
        """Does another name of the text have a candidate place near ``e``?"""
        memo = self._memo.get(("n", key, e.entry_id))
        if memo is None:
            memo = self._memo[("n", key, e.entry_id)] = self._neighbour(key, e)
        return memo

    def _neighbour(self, key: str, e: GazetteerEntry) -> bool:
        x, y = _cell(e)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                names = self.cells.get((x + dx, y + dy))
                if names and (len(names) > 1 or key not in names):
                    return True
        return False

    def resolved_neighbour(self, i: int, e: GazetteerEntry) -> bool:
        """Second pass: is a place chosen for another name within :data:`NEAR_KM` of ``e``?"""
        key = self.bases[i]
        memo = self._memo.get(("r", key, e.entry_id))
        if memo is None:
            memo = self._memo[("r", key, e.entry_id)] = self._resolved_neighbour(key, e)
        return memo

    def _resolved_neighbour(self, key: str, e: GazetteerEntry) -> bool:
        x, y = _cell(e)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for k, other in self.chosen_cells.get((x + dx, y + dy), ()):
                    if k != key and _km(other, e) <= NEAR_KM:
                        return True
        return False


def _options(text: str, mention: Mention, gazetteer: Gazetteer) -> tuple[tuple[GazetteerEntry, str], ...]:
    """The candidates of a mention: "Clay" in "Clay and Becker counties" means Clay County."""
    if county_list_follows(text, mention.end):
        counties = tuple((e, k) for e, k in gazetteer.matches(f"{mention.name} County") if e.feature == "admin2")
        if counties:
            return counties
    if text[max(0, mention.start - 4):mention.start].lower() == "the " and name_key(mention.name) in ("pacific", "atlantic"):
        ocean = tuple((e, k) for e, k in gazetteer.matches(f"{mention.name} Ocean") if e.feature == "region")
        if ocean:
            return ocean  # "across the Pacific"
    surface = mention.name
    base = area_type_base(surface)
    if base is not None and not gazetteer.matches(surface):
        opts = gazetteer.matches(base)  # "Akita Prefecture": the area named Akita
        return tuple((e, k) for e, k in opts if e.feature in ("admin1", "admin2")) or opts
    opts = gazetteer.matches(surface)
    if not (len(surface) == 2 and surface.isupper()):
        opts = tuple((e, k) for e, k in opts if k != "postal")
    return opts


def _list_neighbours(text: str, mentions: Sequence[Mention]) -> list[tuple[int, ...]]:
    """For each mention, the mentions right before and after it in a list ("A, B and C")."""
    out: list[list[int]] = [[] for _ in mentions]
    for i in range(len(mentions) - 1):
        gap = text[mentions[i].end:mentions[i + 1].start]
        if gap in _LIST_SEPARATORS:
            out[i].append(i + 1)
            out[i + 1].append(i)
    return [tuple(x) for x in out]


def _base_key(key: str) -> str:
    """``key`` without a trailing "city" ("dublin city" -> "dublin"): a name and its "City" form
    are one name, and must not support each other."""
    return key[:-5] if key.endswith(" city") else key


def _cell(e: GazetteerEntry) -> tuple[int, int]:
    return int(math.floor(e.lat / CELL_DEG)), int(math.floor(e.lon / CELL_DEG))


def _km(a: GazetteerEntry, b: GazetteerEntry) -> float:
    """Equirectangular distance in km (accurate enough below a few hundred km)."""
    x = math.radians(b.lon - a.lon) * math.cos(math.radians((a.lat + b.lat) / 2))
    y = math.radians(b.lat - a.lat)
    return 6371.0 * math.hypot(x, y)


def _container_after(text: str, mention: Mention, gazetteer: Gazetteer) -> tuple[GazetteerEntry, ...]:
    """Entries of an admin1 area or country right after "X, ", e.g. "Edmonton, Ky.", "Dublin, OH"."""
    m = _AFTER_COMMA.match(text, mention.end)
    if not m:
        return ()
    words = m.group(1)
    for cand in dict.fromkeys((words, words.split()[0], words.rstrip("."), words.split()[0].rstrip("."))):
        postal = len(cand) == 2 and cand.isupper()
        ents = tuple(e for e, k in gazetteer.matches(cand)
                     if e.feature in ("admin1", "country") and (k != "postal" or postal))
        if ents:
            return ents
    return ()


# -- scoring --------------------------------------------------------------------------------
def _choose(ctx: _Context, i: int) -> _Choice | None:
    options = ctx.options[i]
    if not options:
        return None
    best: dict[int, tuple[float, GazetteerEntry]] = {}
    for entry, kind in options:
        s = _score(ctx, i, entry, kind)
        if entry.entry_id not in best or best[entry.entry_id][0] < s:
            best[entry.entry_id] = (s, entry)
    ranked = sorted(best.values(), key=lambda se: (-se[0], -se[1].population, se[1].entry_id))
    if len(ranked) == 1:
        return _Choice(ranked[0][1], ranked[0][0], "only candidate", 3.0)
    rule = None
    area_named = ctx.area_word[i] or ctx.keys[i].endswith(_AREA_NOUNS) or (
        ctx.second_pass and _listed_with(ctx, i, ("admin1",)))
    swapped = _prefer_city_over_namesake_area(ranked, area_named)
    if swapped is not ranked:
        ranked, rule = swapped, "city over area"
    swapped = _prefer_broad_names(ctx, i, ranked)
    if swapped is not ranked:
        ranked, rule = swapped, "broad name"
    if ctx.containers[i] and SETTLED_BY_CONTAINER and ranked[0][1].feature in ("city", "admin1", "admin2"):
        swapped = _promote(ranked, lambda e: _contained(ctx, i, e))
        if swapped is not ranked:
            ranked, rule = swapped, "container"
    if i == ctx.dateline and ctx.standalone:
        home = ("US", ctx.standalone)
        swapped = _promote(ranked, lambda e: e.feature == "city" and (e.country_code, e.admin1) == home)
        if swapped is not ranked:
            ranked, rule = swapped, "stand-alone dateline"
    (top_score, top), (second_score, second) = ranked[0], ranked[1]
    margin = top_score - second_score
    if rule == "city over area" and top.capital and _within_namesake_area(top, second):
        margin = _margin_over_rivals(ranked)
    if rule is None:
        rule = _deciding_part(ctx, i, top, second, options)
    return _Choice(top, top_score, rule, margin)


def _deciding_part(ctx: _Context, i: int, top: GazetteerEntry, second: GazetteerEntry,
                   options: Sequence[tuple[GazetteerEntry, str]]) -> str:
    """The score part that gives ``top`` its largest lead over ``second``."""
    kinds = {e.entry_id: k for e, k in reversed(options)}
    if kinds.get(top.entry_id) == "demonym":
        return "demonym"
    a: list[tuple[str, float]] = []
    b: list[tuple[str, float]] = []
    _score(ctx, i, top, kinds.get(top.entry_id, "name"), a)
    _score(ctx, i, second, kinds.get(second.entry_id, "name"), b)
    lead: Counter[str] = Counter()
    for name, value in a:
        lead[name] += value
    for name, value in b:
        lead[name] -= value
    name, value = max(lead.items(), key=lambda kv: (kv[1], -PARTS.index(kv[0])))
    return name if value > 0 else "population"


def _score(ctx: _Context, i: int, e: GazetteerEntry, kind: str,
           parts: list[tuple[str, float]] | None = None) -> float:
    """The candidate's score; with ``parts``, each part is appended as (name, value)."""
    if kind == "demonym":
        if parts is not None:
            parts.append(("fixed", DEMONYM_SCORE))
        return DEMONYM_SCORE
    feature = e.feature
    if feature in FIXED_SCORE:
        if parts is not None:
            parts.append(("fixed", FIXED_SCORE[feature]))
        return FIXED_SCORE[feature]
    key = ctx.bases[i]
    population = POP_WEIGHT * math.log10(max(e.population, 10))
    kind_bonus = FEATURE_BONUS.get(feature, 0.0)
    capital = CAPITAL_BONUS if e.capital else 0.0
    area_word = AREA_WORD_BONUS if feature in ("admin1", "admin2") and ctx.area_word[i] else 0.0
    alternate = -ALT_PENALTY if kind == "alt" else 0.0
    country = state = neighbour = resolved = 0.0
    if feature != "country" and e.country_code:
        country = COUNTRY_BONUS * ctx.country_support(key, e.country_code)
        if e.admin1:
            support = ctx.admin1_support(key, (e.country_code, e.admin1))
            state = ADMIN1_BONUS if support >= 2 else IMPLIED_ADMIN1_BONUS if support else 0.0
        if feature in ("city", "admin2"):
            if ctx.neighbour(key, e):
                neighbour = NEIGHBOUR_BONUS
            if ctx.second_pass and ctx.resolved_neighbour(i, e):
                resolved = RESOLVED_NEIGHBOUR_BONUS
    container = CONTAINER_BONUS if ctx.containers[i] and _contained(ctx, i, e) else 0.0
    dateline = 0.0
    home = ctx.home
    if home is not None and i != ctx.dateline and e.country_code == home.country_code and home.country_code:
        if feature != "country":
            dateline = DATELINE_COUNTRY_BONUS
            if home.admin1 and e.admin1 == home.admin1 and home.feature != "country":
                dateline += DATELINE_ADMIN1_BONUS
    listed = 0.0
    if ctx.second_pass and feature in ("admin1", "country") and _listed_with(ctx, i, (feature,)):
        listed = LIST_KIND_BONUS
    outlet = 0.0
    if ctx.outlet_home is not None and feature != "country" and e.country_code == ctx.outlet_home.country_code:
        outlet = HOME_COUNTRY_BONUS
        if ctx.outlet_home.admin1 and e.admin1 == ctx.outlet_home.admin1:
            outlet += HOME_ADMIN1_BONUS
    if parts is not None:
        parts.extend((("population", population), ("kind", kind_bonus), ("capital", capital),
                      ("area word", area_word), ("alternate name", alternate), ("country named", country),
                      ("state named", state), ("neighbour", neighbour), ("resolved neighbour", resolved),
                      ("container", container), ("dateline", dateline), ("listed with areas", listed),
                      ("outlet home", outlet)))
    return (population + kind_bonus + capital + area_word + alternate + country + state + neighbour
            + resolved + container + dateline + listed + outlet)


def _one_sense_per_name(ctx: _Context, choices: list[_Choice | None]) -> list[_Choice | None]:
    """Every use of a name in a story means the same place: bare uses take the choice of the
    use with the highest score ("Belgrade, Minn." decides a later "in Belgrade"). A use with its
    own container or area word ("Washington state") keeps its own choice. "X City" follows the
    city chosen for a bare "X" of the same story ("Dublin City Council" in a story on Dublin,
    Ohio), even when the gazetteer knows "X City" only as another place's alternate name."""
    best: dict[str, _Choice] = {}
    for i, c in enumerate(choices):
        if c is None:
            continue
        cur = best.get(ctx.keys[i])
        if cur is None or c.score > cur.score:
            best[ctx.keys[i]] = c
    out = list(choices)
    for i, c in enumerate(choices):
        if c is None or ctx.containers[i] or ctx.area_word[i]:
            continue
        key, base = ctx.keys[i], ctx.bases[i]
        top = best[key]
        if top.entry.entry_id != c.entry.entry_id and any(e.entry_id == top.entry.entry_id for e, _ in ctx.options[i]):
            out[i] = _Choice(top.entry, top.score, "one sense per story", top.margin)
        elif base != key and base in best and best[base].entry.feature == "city" \
                and best[base].entry.entry_id != c.entry.entry_id:
            out[i] = _Choice(best[base].entry, best[base].score, "one sense per story", best[base].margin)
    return out


def _sure_in_international_story(ctx: _Context, choices: list[_Choice | None]) -> list[_Choice | None]:
    """A country or a national capital (or the first-level area named like the capital it holds:
    "Seoul", "Tokyo") chosen in a story that names :data:`INTERNATIONAL_COUNTRIES` countries or
    more besides its own (by their names or their capitals') is as sure as a reader would be: its
    namesake towns did not win ("Poland" in a story on the Kennebunkport talks that names Maine),
    unless a namesake city of :data:`BIG_NAMESAKE_POPULATION` people or more lies in a country or
    first-level area the story names ("London" in a story that names Canada may be London,
    Ontario). Returns the choices with such confidences raised; never changes a choice."""
    named: dict[str, set[str | None]] = defaultdict(set)  # name key -> countries it names
    for key, c in zip(ctx.bases, choices):
        if c is not None and (c.entry.feature == "country" or c.entry.capital):
            named[key].add(c.entry.country_code)
    if len(named) < INTERNATIONAL_COUNTRIES:
        return choices
    out = list(choices)
    for i, c in enumerate(choices):
        if c is None or not _country_or_capital(ctx, i, c.entry) or _big_namesake_pointed(ctx, i, c.entry):
            continue
        others = set().union(*(codes for key, codes in named.items() if key != ctx.bases[i]))
        if len(others) < INTERNATIONAL_COUNTRIES:
            continue
        sure = _Choice(c.entry, c.score, INTERNATIONAL_RULE, c.margin)
        if _confidence(sure) > _confidence(c):
            out[i] = sure
    return out


def _big_namesake_pointed(ctx: _Context, i: int, e: GazetteerEntry) -> bool:
    """Does a namesake city of :data:`BIG_NAMESAKE_POPULATION` or more people lie in another
    country the story names, or in a first-level area it names?"""
    key = ctx.bases[i]
    for o, _ in ctx.options[i]:
        if o.entry_id == e.entry_id or o.feature != "city" or o.population < BIG_NAMESAKE_POPULATION:
            continue
        if o.country_code != e.country_code and ctx.country_support(key, o.country_code or "") > 0:
            return True
        if o.admin1 and ctx.admin1_support(key, (o.country_code or "", o.admin1)) > 0:
            return True
    return False


def _country_or_capital(ctx: _Context, i: int, e: GazetteerEntry) -> bool:
    """Is ``e`` a country, a national capital, or a first-level area that holds a national
    capital of the same name (among the mention's candidates)?"""
    if e.feature == "country" or (e.feature == "city" and e.capital):
        return True
    return e.feature == "admin1" and any(
        o.capital and o.country_code == e.country_code and o.admin1 == e.admin1 and name_key(o.name) == name_key(e.name)
        for o, _ in ctx.options[i])


def _prefer_broad_names(
    ctx: _Context, i: int, ranked: list[tuple[float, GazetteerEntry]]
) -> list[tuple[float, GazetteerEntry]]:
    """A name that is a country, continent or region means that place, whatever small towns share
    it ("Poland" in an article about Maine), unless the text says "Poland, Maine". A country's
    name also yields to the town when the story points at it (second pass): the town lies in the
    dateline's state, or another place of the story lies next to it, and the name is not listed
    with countries ("Poland, China and Mexico"). A state merely named in the story is not enough.
    A big national capital's own name (:data:`BIG_CAPITAL_POPULATION`) means the capital over a
    namesake town unless the story points at the town as above or names a place of its state."""
    top = ranked[0][1]
    if top.feature not in ("city", "admin2") or _contained(ctx, i, top):
        return ranked
    pointed = ctx.second_pass and (_dateline_state(ctx, i, top) or ctx.resolved_neighbour(i, top)) \
        and not _listed_with(ctx, i, ("country", "continent", "region"))
    in_story_state = bool(top.admin1) and ctx.admin1_support(ctx.bases[i], (top.country_code, top.admin1)) > 0
    for _, e in ranked[1:]:
        capital = e.capital and e.population >= BIG_CAPITAL_POPULATION and name_key(e.name) == ctx.bases[i] \
            and not (pointed or in_story_state)
        if e.feature in ("continent", "region") or (e.feature == "country" and not pointed) or capital:
            return _to_top(ranked, e)
    return ranked


def _promote(
    ranked: list[tuple[float, GazetteerEntry]], wanted: Callable[[GazetteerEntry], bool]
) -> list[tuple[float, GazetteerEntry]]:
    """``ranked`` with its best entry for which ``wanted`` holds moved to the top (``ranked``
    itself when that entry is already first or there is none)."""
    if wanted(ranked[0][1]):
        return ranked
    for _, e in ranked[1:]:
        if wanted(e):
            return _to_top(ranked, e)
    return ranked


def _within_namesake_area(city: GazetteerEntry, area: GazetteerEntry) -> bool:
    """True when ``area`` is the area named after ``city`` that holds it (Tokyo in Tokyo)."""
    return area.feature in ("admin1", "admin2") and (area.country_code, area.admin1) == (city.country_code, city.admin1)


def _margin_over_rivals(ranked: list[tuple[float, GazetteerEntry]]) -> float:
    """The top's margin over the best candidate after the namesake area it lies in: that area is
    the same answer at a map's scale, not a rival ("Tokyo" the capital or the metropolis)."""
    return ranked[0][0] - ranked[2][0] if len(ranked) > 2 else 3.0


def _to_top(ranked: list[tuple[float, GazetteerEntry]], e: GazetteerEntry) -> list[tuple[float, GazetteerEntry]]:
    """``ranked`` with ``e`` first, scored just above the old top (so the margin stays defined)."""
    return [(ranked[0][0] + 1e-6, e)] + [(s, x) for s, x in ranked if x is not e]


def _listed_with(ctx: _Context, i: int, features: tuple[str, ...]) -> bool:
    """Second pass: is a list neighbour of mention ``i`` resolved to one of ``features``?"""
    return any((c := ctx.chosen[j]) is not None and c.feature in features for j in ctx.listed[i])


def _dateline_state(ctx: _Context, i: int, e: GazetteerEntry) -> bool:
    """Is ``e`` in the first-level area of the story's dateline (not the dateline itself)?"""
    home = ctx.home
    return home is not None and i != ctx.dateline and home.feature != "country" and bool(e.admin1) \
        and (home.country_code, home.admin1) == (e.country_code, e.admin1)


def _contained(ctx: _Context, i: int, e: GazetteerEntry) -> bool:
    return any(c.country_code == e.country_code and (c.feature == "country" or c.admin1 == e.admin1)
               for c in ctx.containers[i])


def _prefer_city_over_namesake_area(
    ranked: list[tuple[float, GazetteerEntry]], area_word: bool
) -> list[tuple[float, GazetteerEntry]]:
    """An area and a city of the same name inside it ("Aleppo"), or a national capital named
    like an area of its country ("Washington"): the city, unless the text says it is the area
    (``area_word``: "state"/"province" follows, the name ends in "County", or it is listed with
    states: "Washington and Oregon").
    A US state's bare name stays the state ("New York"; :data:`STATE_NAME_COUNTRIES`)."""
    top_score, top = ranked[0]
    if area_word or top.feature not in ("admin1", "admin2"):
        return ranked
    for score, e in ranked[1:]:
        if e.feature != "city" or e.country_code != top.country_code or top_score - score > 3.0:
            continue
        inside = e.admin1 == top.admin1 and e.population >= SAME_NAME_CITY_SHARE * max(top.population, 1)
        if top.feature == "admin1" and top.country_code in STATE_NAME_COUNTRIES:
            inside = False
        if inside or e.capital:
            return _to_top(ranked, e)
    return ranked
