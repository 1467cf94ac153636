"""Find the place names an English text mentions, with exact character offsets.

The text is tokenised once; runs of capitalised tokens are looked up, longest first, in the
gazetteer's in-memory name index (:attr:`Gazetteer.names`), so the cost is a few dict hits per
capitalised word. Each dictionary hit is then judged by its class and its context:

* countries (and their common names: Britain, the U.S., Holland...), first-level areas (US
  states, provinces, AP abbreviations such as ``Ky.`` or ``B.C.``), continents and broad
  regions are kept unless the context makes them part of a person's name ("Jordan Spieth"
  when "Spieth" recurs, "Georgia" the skater);
* cities are kept when large (population >= :data:`BIG_CITY`), or when the context says they
  are places: a preposition ("in Kennebunkport"), "the town of X", "X-based", "X, Maine", a
  dateline, a list with another place, or a first-level area named in the same text that
  contains a city of that name;
* person names are dropped: a title before ("President Bush"), a first name or an initial
  before ("Steve Hadley", "George H. W. Bush"), a surname after ("Chad Smith"), and every
  bare use of a name found that way in the same text ("Bush" after "George Bush"), unless
  that use has a place cue of its own;
* capitalised common words are not places: months, weekdays, titles, function words, bare
  compass words ("South", "Central"), words the same text also uses in lower case, street
  names ("Church Street").

Demonyms: adjectival uses of a country or continent ("Russian leader", "Azerbaijani radar",
"Turkish troops", "European allies") are returned as mentions of that country (resolved to
its reference point), because the TR-News annotation counts them as toponyms and they do
name the country; on the TR-News dev set this raises recognition F1 from 0.90 to 0.95 (see
docs/BENCHMARKS.md). Language uses ("in Turkish,", "speaks French") and plural nouns
("Americans") are not mentions. Pass ``demonyms=False`` to leave demonyms out.

"U.S." is a mention of the United States wherever it stands, attributive uses included
("the U.S. plan" names the country as much as "the American plan"); "US" counts only in
capitals (never the pronoun).
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from dashboard.core.geoparse.datelines import is_dateline
from dashboard.core.geoparse.gazetteer import (
    ABBREV,
    ADMIN1,
    ADMIN2,
    CITY,
    CONTINENT,
    COUNTRY,
    DEMONYM,
    POSTAL,
    REGION,
    Gazetteer,
    NameInfo,
    fold,
)

#: Cities at least this populous are mentions without further evidence.
BIG_CITY = 100_000
#: An unaccented word matching only accented city names ("Bush" ~ "Būsh") needs a cue below this.
FOLDED_BIG_CITY = 500_000
#: Smaller cities with a place cue ("in X") must have at least this many people.
CUED_CITY = 500

STRONG = COUNTRY | ADMIN1 | CONTINENT | REGION

_TOKEN_RE = re.compile(r"(?:[A-Za-z]\.){2,}|[A-Z]\.[A-Z][a-z]{1,3}\.|[^\W\d_]+(?:['\u2019](?![sS]\b)[^\W\d_]+)*")
_GAP_RE = re.compile(r"[ \-]|\. ")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


FUNCTION_WORDS = _words("""
a an the and but or nor so yet for of in on at to from by with as if then than that this these
those it its he she they we i you his her their our my your me him them us there here where what
which who whom whose why how when while after before since until because although though all
some many most more much no not one two three four five six seven eight nine ten first second
third last next also even just still now today tonight yesterday tomorrow both each every other
such only about over under during into through between among against without within despite
according meanwhile however instead including like unlike will would can could should may might
must is was are were be been being has have had do does did said says say told tells asked
yes well oh please thanks thank dear hello hi whether either neither another any again already
always never often once soon later earlier perhaps maybe very too up down out off away back
around across along behind beside beyond near toward towards upon via per overall although
""")

MONTHS_DAYS = _words("""
january february march april may june july august september october november december jan feb
mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday friday saturday
sunday mon tue tues wed thu thur thurs fri sat sun christmas easter
""")

TITLES = _words("""
president vice prime minister premier chancellor secretary senator sen rep representative gov
governor mayor mr mrs ms miss dr gen general lt sgt capt captain col colonel maj adm admiral prof
professor king queen prince princess pope sir lady lord judge justice chief officer const
constable det detective sheriff pastor rev reverend father sister brother bishop archbishop
cardinal imam rabbi sheikh ambassador commissioner inspector superintendent coach councillor
councilor alderman trustee deputy spokesman spokeswoman spokesperson chairman chairwoman
director ceo correspondent adviser advisor agent sergeant corporal lieutenant commander marshal
attorney solicitor dean mp mla mpp dame duke duchess emperor empress sultan emir operation
""")

# Capitalised words that follow a place inside a longer name ("Kentucky State Police",
# "Toronto General Hospital"): they do not make the place a person's first name.
NAME_NOUNS = _words("""
state states police department dept county city town village district province region council
university college school schools academy institute court government post times airport street
road avenue boulevard park river valley mountain mountains lake bay island islands sea ocean
bridge hospital clinic church cathedral mosque temple center centre museum square hall airlines
airways air press herald journal sun star tribune news zoo club company corp inc ltd group bank
senate house assembly legislature parliament ministry office agency service services authority
board commission committee party army navy force forces guard fire rescue health transit energy
power hydro stadium arena international national federal regional metropolitan public general
memorial community partnership association society foundation union league cup games open
festival fair market mall plaza tower towers station terminal port harbour harbor highway
freeway expressway route railway railroad line lines bus buses metro subway library gallery
theatre theater hotel resort beach coast peninsula desert forest canyon falls creek springs
heights hills delta basin strait gulf channel canal dam reservoir base camp prison jail
detention correctional team sheriff's coroner coroner's fish wildlife troopers department's
superior provincial municipal borough grand crown magistrates police's
""")

# Words before or inside a place's name that describe it: not a first name.
QUALIFIERS = _words("""
north south east west northern southern eastern western central northeast northwest southeast
southwest northeastern northwestern southeastern southwestern greater downtown metro rural
urban upper lower inner outer mid midwest coastal suburban old far centre center
""")

# Single capitalised words that GeoNames knows as places but that are mostly generic words.
GENERIC = QUALIFIERS | _words("""
delta plateau rivers capital coast islands lakes valley plains summit centre center commonwealth
friendship union liberty independence unity victory progress hope providence paradise eden
mobile reading bath orange march august university olympic store district region province
territory area port harbour harbor
""")

# Single words that name towns in GeoNames but in news are mostly an adjective, a company, a
# common noun or a first name ("Arab leaders", "Pacific storms", "Toyota", "Gulf states"). Like
# GENERIC words they are places only with a strong cue: "X, State", "the town of X", a dateline.
MOSTLY_NOT_PLACES = _words("""
arab arabian pacific atlantic gulf man lot god emerald toyota hamas hezbollah mary paul george
nelson lincoln shaping sakai bo lee temple energy justice ocean hydro naval
""")

#: Oceans news names without the word "Ocean" ("across the Pacific").
OCEANS = _words("pacific atlantic")

#: Cues that make even a generic word a place ("Mobile, Ala.", "the city of Reading").
STRONG_CUES = frozenset({"state after comma", "dateline", "noun of"})

INSTITUTIONS = _words("university college")

STREET_WORDS = _words("street st road rd avenue ave boulevard blvd lane ln drive dr highway hwy way place terrace")

PLACE_CUES = _words("""
in at near from to outside inside into across throughout around toward towards via within
visit visited visiting reached entered
""")

# Nouns that make "<noun> of X" a place cue ("the town of Qatraneh", "residents of Tabriz").
OF_NOUNS = _words("""
city town towns village villages suburb suburbs capital province provinces state county region
district municipality hamlet community resident residents native natives mayor people outskirts
centre center heart streets north south east west northeast northwest southeast southwest part
parts area areas east west island port
""")

AFTER_CUES = ("-based", "-area", " area", " city", " town", " village", " county", " province",
              " district", " region", " prefecture", " residents", " resident", " native", " mayor",
              " suburb", " police", " council", " officials", " man ", " woman ")

# A military facility named after the town it stands in ("Holzdorf air base", "the Araya
# training area", "Naval Station Rota", "Fort Greely" where the gazetteer knows the fort's town).
FACILITY_AFTER = (" air base", " airbase", " air force base", " air station", " naval base",
                  " naval air station", " army base", " military base", " training area",
                  " training ground", " test range", " missile range", " missile defense complex",
                  " missile defence complex", " space force station", " radar station", " garrison")
_FACILITY_BEFORE_RE = re.compile(r"\b(?:Naval|Air|Naval Air) Station $")
#: Names the gazetteer knows that are a fort's or a camp's own ("Fort Greely, Alaska").
_FACILITY_PREFIXES = ("fort ", "ft. ", "camp ")

LANGUAGE_CUES = _words("in speak speaks spoke speaking fluent into translated")
_NOUN_TAKERS = _words("in into")  # "in Turkish custody", "into Russian cyber intrusions"

# Short codes that count only when written in capitals ("US", not "us").
_CAPS_ONLY = _words("us uk usa uae drc dprk")

_COUNTY_SUFFIXES = ("county", "parish", "borough", "district", "province", "prefecture",
                    "governorate", "municipality", "oblast")

_COMPOUND_DEMONYMS = _words("latin african native anglo franco un")


@dataclass(frozen=True)
class Mention:
    """A place name found in a text: ``text[start:end] == name`` (``end`` exclusive)."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Judgement:
    """A dictionary hit with the decision taken on it and the rule that took it."""

    mention: Mention
    kept: bool
    rule: str


@dataclass
class _Token:
    start: int
    end: int
    text: str
    key: str


@dataclass
class _Hit:
    first: int  # token index
    last: int  # token index (inclusive)
    start: int
    end: int
    key: str
    info: NameInfo
    area_type: bool = False  # the name's place-type word follows it ("Akita Prefecture")

    @property
    def single(self) -> bool:
        return self.first == self.last

    @property
    def strong(self) -> bool:
        return bool(self.info.primary_mask & STRONG or self.info.mask & ABBREV)


    @property
    def demonym(self) -> bool:
        return bool(self.info.mask & DEMONYM) and not self.info.primary_mask & STRONG


@dataclass
class _Doc:
    text: str
    gazetteer: Gazetteer
    tokens: list[_Token]
    hits: list[_Hit]
    lowered: frozenset[str] = frozenset()
    persons: frozenset[str] = frozenset()
    admin1s: frozenset[tuple[str, str]] = frozenset()
    kept_ends: set[int] = field(default_factory=set)


def extract_mentions(text: str, gazetteer: Gazetteer, *, demonyms: bool = True) -> tuple[Mention, ...]:
    """Return every place mention in ``text``, in text order, without overlaps.

    ``demonyms`` keeps adjectival demonyms ("Russian", "Turkish") as country mentions.
    """
    return tuple(j.mention for j in explain_mentions(text, gazetteer, demonyms=demonyms) if j.kept)


def explain_mentions(text: str, gazetteer: Gazetteer, *, demonyms: bool = True) -> tuple[Judgement, ...]:
    """Return every dictionary hit in ``text`` with the decision and the rule that decided it."""
    tokens = [_Token(m.start(), m.end(), m.group(), fold(m.group())) for m in _TOKEN_RE.finditer(text)]
    doc = _Doc(text, gazetteer, tokens, _lookup(text, tokens, gazetteer))
    doc.lowered = frozenset(t.key for t in tokens if t.text.islower())
    doc.persons = _persons(doc)
    doc.admin1s = _context_admin1(doc)
    out = []
    for hit in doc.hits:
        kept, rule = _judge(doc, hit, demonyms)
        if kept:
            doc.kept_ends.add(hit.end)
        out.append(Judgement(Mention(text[hit.start:hit.end], hit.start, hit.end), kept, rule))
    return tuple(_near_kept_places(doc, out))


def _near_kept_places(doc: _Doc, judged: list[Judgement]) -> list[Judgement]:
    """A small place named without a cue is kept when one of its namesakes lies within
    :data:`NEAR_DEG` of a town the story names with a cue ("Kidlington" in a story on Bicester):
    local stories name their neighbouring villages bare. Not a name joined by a hyphen
    ("Wal-Mart") nor one used :data:`UNCUED_REPEATS` times without a cue (a person)."""
    anchors = []
    for j in judged:
        if j.kept and j.rule.startswith("city"):
            anchors += [(e.lat, e.lon) for e in doc.gazetteer.candidates(j.mention.name)[:NEAR_CANDIDATES]
                        if e.feature == "city"]
    if not anchors:
        return judged
    uncued = Counter(j.mention.name for j in judged if j.rule == "small place without a cue")
    out = []
    for j in judged:
        if not j.kept and j.rule == "small place without a cue" and uncued[j.mention.name] < UNCUED_REPEATS \
                and not doc.text.startswith("-", j.mention.end):
            for e in doc.gazetteer.candidates(j.mention.name)[:NEAR_CANDIDATES]:
                if e.feature == "city" and e.population >= CUED_CITY and any(
                        abs(e.lat - a) < NEAR_DEG and abs(e.lon - b) < NEAR_DEG * 1.5 for a, b in anchors):
                    j = Judgement(j.mention, True, "small place next to a cued town")
                    break
        out.append(j)
    return out


#: "Next to" for :func:`_near_kept_places`, in degrees of latitude (~33 km).
NEAR_DEG = 0.3
#: Namesakes of a name considered there (most populous first).
NEAR_CANDIDATES = 10
#: A name used this often without any cue is someone's or something's ("Welch", "Barry").
UNCUED_REPEATS = 3


# -- look-up --------------------------------------------------------------------------------
def _lookup(text: str, tokens: list[_Token], gazetteer: Gazetteer) -> list[_Hit]:
    names, prefixes, limit = gazetteer.names, gazetteer.prefixes, gazetteer.max_tokens
    hits: list[_Hit] = []
    i, n = 0, len(tokens)
    while i < n:
        tok = tokens[i]
        if not tok.text[0].isupper():
            i += 1
            continue
        best: _Hit | None = None
        key, j = tok.key, i
        while True:
            end = tokens[j].end
            info = names.get(key)
            if info is not None:
                best = _Hit(i, j, tok.start, end, key, info)
            elif (county := names.get(key + " county")) is not None and county_list_follows(text, end):
                best = _Hit(i, j, tok.start, end, key, county)  # "Potter", "Van Zandt" in "... counties"
            if text.startswith(".", end) and not tokens[j].text.endswith("."):
                dotted = names.get(key + ".")
                if dotted is not None:
                    best = _Hit(i, j, tok.start, end + 1, key + ".", dotted)
            if j + 1 >= n or j + 1 - i >= limit or key not in prefixes:
                break
            nxt = tokens[j + 1]
            gap = text[end:nxt.start]
            if not _GAP_RE.fullmatch(gap):
                break
            key = f"{key}{'. ' if gap == '. ' else ' '}{nxt.key}"
            j += 1
        if best is not None:
            best = _with_area_type(text, tokens, best)
            hits.append(best)
            i = best.last + 1
        else:
            i += 1
    return hits


#: Words that follow the name of an administrative area and say what kind it is ("Yamaguchi
#: Prefecture", "Moscow Oblast", "Helmand Province"): the name before one is never a surname.
AREA_TYPE_WORDS = frozenset({"County", "Prefecture", "Province", "Oblast", "Governorate", "District",
                             "Voivodeship", "Krai", "Municipality", "Parish", "Canton", "Raion", "Rayon"})
#: Romanised Korean and Japanese suffixes of areas, joined by a hyphen ("Seongju-gun": county;
#: "-gu" district, "-si"/"-shi" city, "-do" province, "-ken" prefecture).
AREA_TYPE_SUFFIXES = frozenset({"gun", "gu", "si", "shi", "do", "ken"})
_AREA_TYPE_RE = re.compile(
    r"(?P<base>.+?)(?: (?:%s)|-(?:%s))$" % ("|".join(sorted(AREA_TYPE_WORDS)), "|".join(sorted(AREA_TYPE_SUFFIXES))))


def area_type_base(name: str) -> str | None:
    """The name of an area without the place-type word that follows it ("Akita Prefecture" ->
    "Akita", "Seongju-gun" -> "Seongju"), or ``None`` when no type word ends ``name``."""
    m = _AREA_TYPE_RE.fullmatch(name)
    return m.group("base") if m else None


def _with_area_type(text: str, tokens: list[_Token], hit: _Hit) -> _Hit:
    """``hit`` widened over the place-type word right after it ("Akita" + " Prefecture",
    "Seongju" + "-gun"), when the name is an area or a place that may name one."""
    k = hit.last + 1
    if k >= len(tokens) or not hit.info.mask & (ADMIN1 | ADMIN2 | CITY):
        return hit
    tok = tokens[k]
    gap = text[hit.end:tok.start]
    if (gap == " " and tok.text in AREA_TYPE_WORDS) or (gap == "-" and tok.text in AREA_TYPE_SUFFIXES):
        return _Hit(hit.first, k, hit.start, tok.end, hit.key, hit.info, area_type=True)
    return hit


# -- context helpers ------------------------------------------------------------------------
def _sentence_start(text: str, pos: int) -> bool:
    k = pos - 1
    while k >= 0 and text[k] in " \t\"'\u201c\u2018(":
        k -= 1
    return k < 0 or text[k] in ".!?\n:;\u201d\u2014"


def _prev(doc: _Doc, idx: int, gaps: tuple[str, ...] = (" ",)) -> _Token | None:
    if idx == 0:
        return None
    p = doc.tokens[idx - 1]
    return p if doc.text[p.end:doc.tokens[idx].start] in gaps else None


def _next(doc: _Doc, idx: int, end: int) -> _Token | None:
    if idx + 1 >= len(doc.tokens):
        return None
    n = doc.tokens[idx + 1]
    return n if doc.text[end:n.start] == " " else None


def _is_common(key: str) -> bool:
    return key in FUNCTION_WORDS or key in MONTHS_DAYS or key in TITLES


def _name_like(doc: _Doc, token: _Token | None) -> bool:
    """A capitalised token that could be part of a person's name."""
    if token is None or not token.text[0].isupper() or token.text.isupper():
        return False
    key = token.key
    if _is_common(key) or key in NAME_NOUNS or key in QUALIFIERS:
        return False
    info = doc.gazetteer.names.get(key)
    return info is None or not (info.primary_mask & STRONG or info.mask & DEMONYM)


def _recurs(doc: _Doc, token: _Token, index: int, hit_key: str) -> bool:
    """Does ``token`` (the word after a name) occur elsewhere, not right after that name again?
    A recurring word after a name is a surname ("Georgia Stevens" ... "Cory Stevens")."""
    toks = doc.tokens
    first_word = hit_key.split(" ")[-1]
    for i, t in enumerate(toks):
        if i == index or t.text != token.text:
            continue
        before = toks[i - 1] if i > 0 else None
        if before is not None and before.key == first_word and doc.text[before.end:t.start] == " ":
            continue
        after = toks[i + 1] if i + 1 < len(toks) else None
        if after is not None and doc.text[t.end:after.start] == " " and after.text[0].isupper():
            continue  # inside another name ("Amber Alert"), not a surname standing last
        return True
    return False


def _initial_before(doc: _Doc, hit: _Hit) -> bool:
    """"George H. W. Bush": a single capital letter with a period right before."""
    return bool(re.search(r"(?:^|\s)[A-Z]\. $", doc.text[max(0, hit.start - 4):hit.start]))


def _person_evidence(doc: _Doc, hit: _Hit) -> str | None:
    """Why this occurrence is (part of) a person's name, or ``None``."""
    if not hit.single or hit.demonym or hit.info.primary_mask & CONTINENT:
        return None
    if hit.info.primary_mask & COUNTRY:  # only "Jordan Spieth" when "Spieth" recurs
        return _first_name_evidence(doc, hit, strict=True)
    prev = _prev(doc, hit.first)
    title = _prev(doc, hit.first, (" ", ". "))
    if title is not None and title.key in TITLES:
        return "title before"
    if _initial_before(doc, hit):
        return "initial before"
    areas_only = hit.strong and not hit.info.primary_mask & (COUNTRY | CONTINENT | REGION) \
        and not hit.info.mask & ABBREV
    if (not hit.strong or areas_only) and _name_like(doc, prev) and not (
        _sentence_start(doc.text, prev.start) and (hit.info.city_pop >= BIG_CITY or areas_only)
    ):
        return "first name before"
    return _first_name_evidence(doc, hit, strict=hit.strong or hit.info.city_pop >= BIG_CITY)


def _first_name_evidence(doc: _Doc, hit: _Hit, *, strict: bool) -> str | None:
    nxt = _next(doc, hit.last, hit.end)
    if nxt is None or not _name_like(doc, nxt):
        return None
    if strict and not _recurs(doc, nxt, hit.last + 1, hit.key):
        return None
    return "surname after"


def _persons(doc: _Doc) -> frozenset[str]:
    """Keys used as a person's name somewhere in the text and never with a place cue."""
    named, cued = set(), set()
    for hit in doc.hits:
        if _person_evidence(doc, hit):
            named.add(hit.key)
        elif _cue(doc, hit) and not doc.text.startswith(("'s", "\u2019s"), hit.end):
            prev = _prev(doc, hit.first)
            if prev is None or prev.key not in _WEAK_CUES:
                cued.add(hit.key)
    return frozenset(named - cued)


_WEAK_CUES = _words("to from at")


def _context_admin1(doc: _Doc) -> frozenset[tuple[str, str]]:
    """(country, admin1) pairs named outright in the text: states, provinces, big cities."""
    out = set()
    for hit in doc.hits:
        info = hit.info
        if not (info.primary_mask & ADMIN1 or info.city_pop >= BIG_CITY) or hit.key in doc.persons:
            continue
        for e in doc.gazetteer.candidates(hit.key):
            if e.feature == "admin1" or (e.feature == "city" and e.population >= BIG_CITY):
                if e.country_code and e.admin1:
                    out.add((e.country_code, e.admin1))
                break
    return frozenset(out)


def _cue(doc: _Doc, hit: _Hit) -> str | None:
    """A place cue around the hit ("in X", "town of X", "X-based", "X, Maine", a dateline)."""
    text = doc.text
    prev = _prev(doc, hit.first)
    if prev is not None and prev.key in PLACE_CUES and not _governs_other(doc, hit):
        if not (prev.key == "to" and hit.first >= 2 and doc.tokens[hit.first - 2].key == "according"):
            return "preposition"
    if prev is not None and prev.key == "of" and hit.first >= 2:
        before = doc.tokens[hit.first - 2]
        if before.key in OF_NOUNS or text[:prev.start].rstrip().endswith(","):
            return "noun of"
    after = text[hit.end:hit.end + 40]
    low = after.lower()
    if low.startswith(AFTER_CUES):
        return "place noun after"
    if low.startswith(FACILITY_AFTER) or (text.endswith("Station ", 0, hit.start)
                                          and _FACILITY_BEFORE_RE.search(text, max(0, hit.start - 30), hit.start)):
        return "facility"
    if after.startswith(", ") and _area_follows(doc, after[2:]):
        return "state after comma"
    if _dateline(text, hit):
        return "dateline"
    return None


def _governs_other(doc: _Doc, hit: _Hit) -> bool:
    """Does the preposition before the hit govern another noun? "into Lucy's windpipe" (a
    possessive), "at Millfield Theatre" (a facility named after the place)."""
    if doc.text.startswith(("'s ", "\u2019s "), hit.end):
        return True
    nxt = _next(doc, hit.last, hit.end)
    return nxt is not None and nxt.text[0].isupper() and nxt.key in FACILITY_NOUNS


#: Capitalised nouns that make a place's name part of a facility's ("Millfield Theatre").
FACILITY_NOUNS = _words("""
theatre theater hospital stadium arena school academy college university church cathedral hall
centre center library museum gallery hotel station airport prison mall market chapel clinic
""")


def _area_follows(doc: _Doc, rest: str) -> bool:
    """Does ``rest`` (the text after "X, ") start with a state, province or country?"""
    m = _TOKEN_RE.match(rest)
    if m is None:
        return False
    first = fold(m.group())
    keys = [first + "." if rest.startswith(".", m.end()) else first]
    second = re.match(r" ([^\W\d_]+)", rest[m.end():])
    if second:
        keys.insert(0, f"{first} {fold(second.group(1))}")
    names = doc.gazetteer.names
    if len(m.group()) == 2 and m.group().isupper() and (info := names.get(first)) is not None \
            and info.mask & POSTAL:
        return True  # "Dublin, OH"
    return any((info := names.get(k)) is not None and info.primary_mask & (COUNTRY | ADMIN1) for k in keys)


def _dateline(text: str, hit: _Hit) -> bool:
    """A dateline: a name in capitals opening a story ("WASHINGTON -", "LONDON, Ky. (AP)",
    "CHARLESTON, W.Va. --" after a headline); see :mod:`datelines`."""
    return is_dateline(text, hit.start, hit.end)


def _listed(doc: _Doc, hit: _Hit) -> bool:
    """"Foua and Kfraya", "Vancouver, Calgary, Edmonton": next to a kept place in a list."""
    before = doc.text[max(0, hit.start - 6):hit.start]
    for sep in (" and ", " or ", ", "):
        if before.endswith(sep) and (hit.start - len(sep)) in doc.kept_ends:
            return True
    return False


# -- the decision ---------------------------------------------------------------------------
def _judge(doc: _Doc, hit: _Hit, demonyms: bool) -> tuple[bool, str]:
    text, info = doc.text, hit.info
    surface = text[hit.start:hit.end]
    words = hit.key.split(" ")
    if info.mask & POSTAL and len(surface) == 2 and surface.isupper():
        if text[max(0, hit.start - 2):hit.start] == ", " and (hit.start - 2) in doc.kept_ends:
            return True, "postal code after a place"
    if hit.key in _CAPS_ONLY:
        return (surface.isupper(), "capitals code" if surface.isupper() else "lower-case code")
    if hit.single and _is_common(hit.key.rstrip(".")):
        return False, "common word"
    if county_list_follows(text, hit.end) and f"{hit.key} county" in doc.gazetteer.names:
        return True, "county list"
    if hit.key in OCEANS and _the_ocean(doc, hit):
        return True, "the ocean"
    if (all(w in GENERIC for w in words) or (hit.single and hit.key in MOSTLY_NOT_PLACES)) \
            and not info.primary_mask & (COUNTRY | CONTINENT | REGION):
        if _cue(doc, hit) not in STRONG_CUES:
            return False, "generic word"
    if surface.isupper() and len(surface) <= 3 and not info.mask & ABBREV and "." not in surface:
        return False, "short capitals"
    if words[-1] in STREET_WORDS and not hit.single:
        return False, "street name"
    if surface.isupper() and len(surface) > 3 and not info.mask & ABBREV and "." not in surface:
        if _dateline(text, hit) and info.primary_mask & (STRONG | CITY | ADMIN2):
            return True, "dateline"
        return False, "capitals outside a dateline"
    nxt = _next(doc, hit.last, hit.end)
    if nxt is not None and nxt.key in STREET_WORDS and nxt.text[0].isupper() and not info.primary_mask & COUNTRY:
        return False, "street name"
    if not hit.strong and not hit.demonym and _hyphen_name(doc, hit):
        return False, "part of a hyphenated name"
    if not hit.strong and info.city_pop < BIG_CITY and nxt is not None and nxt.key in INSTITUTIONS:
        return False, "institution name"
    if not hit.strong and info.city_pop < BIG_CITY and _SAINTS_INSTITUTION_RE.match(text, hit.end):
        return False, "institution name"
    if hit.key.startswith(("st. ", "saint ")) and (_SAINTS_PAIR_RE.match(text, hit.end) or
                                                   _DEDICATION_RE.search(text, max(0, hit.start - 20), hit.start)):
        return False, "saint's name"
    if hit.key in ORGANISATION_CODES and not _stands_as_noun(doc, hit):
        return False, "organisation as a modifier"
    if hit.area_type:
        return True, "area with its type word"
    evidence = _person_evidence(doc, hit)
    if evidence:
        return False, evidence
    cue = _cue(doc, hit)
    if hit.key in doc.persons and not cue:
        return False, "person's name in this text"
    if hit.strong:
        return True, "country/area"
    if hit.demonym:
        return (True, "demonym") if demonyms and _demonym_use(doc, hit) else (False, "demonym not kept")
    if info.primary_mask & ADMIN2 and not hit.single and hit.key.endswith(_COUNTY_SUFFIXES):
        return True, "county"
    if hit.single and hit.key in doc.lowered:
        return False, "common word in this text"
    if hit.single and not cue and _says(text, hit.end):
        return False, "speaker"
    pop = info.city_pop or _alt_population(doc, hit)
    if hit.single and not cue and pop < FOLDED_BIG_CITY and _folded_only(doc, hit, surface):
        return False, "matches only a name written with diacritics"
    if cue and pop >= CUED_CITY:
        return True, f"city, {cue}"
    if info.city_pop >= BIG_CITY:
        return True, "big city"
    if pop >= CUED_CITY and _listed(doc, hit):
        return True, "city in a list of places"
    if pop >= CUED_CITY and doc.admin1s and not _sentence_start(text, hit.start):
        for e in doc.gazetteer.candidates(hit.key):
            if e.feature in ("city", "admin2") and (e.country_code, e.admin1) in doc.admin1s:
                return True, "city in a named state/province"
    if info.primary_mask & (ADMIN1 | ADMIN2) and text[max(0, hit.start - 2):hit.start] == ", " \
            and (hit.start - 2) in doc.kept_ends:
        return True, "area after a place"
    if pop >= CUED_CITY and hit.key.startswith(_FACILITY_PREFIXES) and not hit.single:
        return True, "fort or camp the gazetteer knows"
    return False, "small place without a cue"


_COUNTY_LIST_RE = re.compile(
    r"(?:(?:,\s+|,?\s+(?:and|or|&)\s+)[A-Z][\w'.\u2019-]*(?:\s[A-Z][\w'.\u2019-]*)?)*"
    r"\s+counties\b"
)


def county_list_follows(text: str, end: int) -> bool:
    """Does a list of names ending in "counties" follow ``end``? "Clay, Becker and Otter Tail
    counties": each name is a county ("Clay County"), not a town named Clay."""
    m = _COUNTY_LIST_RE.match(text, end)
    return m is not None and m.group().endswith("counties")


#: "St. John's University", "St. Mary's Hospital": a saint's name with an institution noun.
_SAINTS_INSTITUTION_RE = re.compile(
    r"['\u2019]s\s+(?:University|College|Church|Cathedral|Hospital|School|Academy|Chapel|Parish|Catholic)\b")


#: "St. Peter and St. Paul", "the church of St. Mary": saints, not towns.
_SAINTS_PAIR_RE = re.compile(r",? (?:and|&) (?:St\.?|Saint) [A-Z]")
_DEDICATION_RE = re.compile(r"\b(?:[Cc]hurch|[Cc]athedral|[Cc]hapel|[Bb]asilica|[Pp]arish|[Ff]east|[Oo]rder) of $")

#: Codes of unions of countries that name a place as nouns ("joined the EU") but an institution
#: as modifiers ("EU leaders", "EU-Canada deal").
ORGANISATION_CODES = _words("eu e.u.")


def _stands_as_noun(doc: _Doc, hit: _Hit) -> bool:
    """Not followed by a word it modifies ("EU officials") nor joined by a hyphen ("EU-Canada",
    "Canada-EU")."""
    text = doc.text
    if text.startswith("-", hit.end) or text[max(0, hit.start - 1):hit.start] == "-":
        return False
    nxt = _next(doc, hit.last, hit.end)
    return nxt is None or nxt.key in FUNCTION_WORDS or nxt.text[0].isupper()


def _the_ocean(doc: _Doc, hit: _Hit) -> bool:
    """"the Pacific" standing alone (not "the Pacific coast", "the Pacific deal", "The Atlantic"
    mid-sentence, a title): the ocean."""
    prev = _prev(doc, hit.first)
    if prev is None or prev.key != "the":
        return False
    if prev.text == "The" and not _sentence_start(doc.text, prev.start):
        return False  # "by The Atlantic": a title
    nxt = _next(doc, hit.last, hit.end)
    return nxt is None or nxt.key in FUNCTION_WORDS  # "the Pacific.", "the Pacific to Asia"


def _folded_only(doc: _Doc, hit: _Hit, surface: str) -> bool:
    """An unaccented word that matches cities only through their accents ("Bush" ~ "Būsh"):
    weak evidence on its own, since the writer would have kept the accent or an English name."""
    if not surface.isascii():
        return False
    names = [e.name for e in doc.gazetteer.candidates(hit.key) if e.feature == "city"]
    return bool(names) and all(not name.isascii() for name in names)


def _hyphen_name(doc: _Doc, hit: _Hit) -> bool:
    """"Kennedy-Glans", "John-Paul", "Al-Ahram": joined by a hyphen to a non-place name."""
    toks = doc.tokens
    if hit.last + 1 < len(toks) and doc.text[hit.end:toks[hit.last + 1].start] == "-":
        other = toks[hit.last + 1]
        if other.text[0].isupper() and other.key not in doc.gazetteer.names:
            return True
    if hit.first > 0 and doc.text[toks[hit.first - 1].end:hit.start] == "-":
        other = toks[hit.first - 1]
        if other.text[0].isupper() and other.key not in doc.gazetteer.names:
            return True
    return False


def _alt_population(doc: _Doc, hit: _Hit) -> int:
    if not hit.info.mask & CITY or hit.info.primary_mask & CITY:
        return 0
    return max((e.population for e in doc.gazetteer.candidates(hit.key) if e.feature == "city"), default=0)


def _says(text: str, end: int) -> bool:
    return text.startswith((" said", " says", " told", " added", " wrote", " asked", " reported",
                            " reports", " news agency"), end)


def _demonym_use(doc: _Doc, hit: _Hit) -> bool:
    """An adjectival demonym, not a language ("in Turkish,") or part of "Latin American"."""
    prev = _prev(doc, hit.first)
    if prev is not None and prev.key in LANGUAGE_CUES:
        # "in Turkish custody" is the country; "in Turkish," and "speaks French" are languages
        if prev.key not in _NOUN_TAKERS or not _lowercase_noun_follows(doc, hit):
            return False
    prev = _prev(doc, hit.first, (" ", "-"))
    if prev is not None and prev.key in _COMPOUND_DEMONYMS:
        return False
    return not doc.text.startswith(("-speaking", " language", " speakers"), hit.end)


def _lowercase_noun_follows(doc: _Doc, hit: _Hit) -> bool:
    nxt = _next(doc, hit.last, hit.end)
    return nxt is not None and nxt.text.islower() and nxt.key not in FUNCTION_WORDS


_CUED_NAME_RE = re.compile(
    r"\b(?:in|at|near|outside)\s+((?:[A-Z][a-z\u00c0-\u024f]+)(?:[- ][A-Z][a-z\u00c0-\u024f]+){0,2})\b"
)


#: An unknown name with its area's type word ("Seongju County", "Seongju-gun"): a place whatever
#: precedes it, proposed whole so that a geocoder finds the area.
_TYPED_AREA_RE = re.compile(
    r"\b((?:[A-Z][a-z\u00c0-\u024f]+)(?: [A-Z][a-z\u00c0-\u024f]+)?(?: (?:%s)|-(?:%s)))\b"
    % ("|".join(sorted(AREA_TYPE_WORDS)), "|".join(sorted(AREA_TYPE_SUFFIXES))))


def cued_unknown_names(text: str, gazetteer: Gazetteer, known: Sequence[Mention]) -> tuple[Mention, ...]:
    """Capitalised names after a place preposition ("held in Heiligendamm"), or followed by an
    area's type word ("Seongju County"), that the gazetteer does not know and no other mention
    covers: candidates for an online geocoder.

    Month and day names, titles and other common words are left out.
    """
    taken = [(m.start, m.end) for m in known]
    found = []
    matches = sorted([*_CUED_NAME_RE.finditer(text), *_TYPED_AREA_RE.finditer(text)],
                     key=lambda m: (m.start(1), -m.end(1)))  # the longer of two at one place
    for match in matches:
        start, end = match.span(1)
        name = match.group(1)
        key = name.casefold()
        first = key.split()[0].split("-")[0]
        if _is_common(first) or key in gazetteer.names:
            continue
        if any(start < b and a < end for a, b in taken):
            continue
        found.append(Mention(name, start, end))
        taken.append((start, end))
    return tuple(found)
