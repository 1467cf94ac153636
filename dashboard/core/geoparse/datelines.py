"""Datelines: the place in capitals that opens a news story ("WASHINGTON —", "CHARLESTON, W.Va. --",
"BEIRUT (Reuters) -", "MOSCOW:").

A dateline says where the story was filed, which is the best single clue to where its other,
ambiguous names lie ("the City Council" of a story datelined "PARIS, Texas"). The rules follow the
AP and Reuters style books: the city in capitals, optionally a state or country abbreviation
after a comma, optionally the agency in brackets, then a dash (or a colon in some papers).
"""
from __future__ import annotations

import re

#: What may follow the name: ", State" / ", Ky." / ", N.L.", "(AP)", then a dash or a colon.
#: ``\x97`` is an em dash mis-decoded from Windows-1252, common in syndicated copy.
_TAIL = re.compile(
    r"(?:,\s*(?P<area>[A-Z][A-Za-z]*\.?(?:\s?[A-Z][A-Za-z]*\.?){0,2}))?"
    r"\s*(?:\((?P<agency>[A-Z][\w .&/-]{0,30})\)\s*)?"
    r"(?P<dash>\u2014|\u2013|--|-|:|\x97)"
)
#: US cities that the AP Stylebook lets stand alone in a dateline (no state after them), with
#: their state: "WASHINGTON —" is the capital, whatever Washington the story's other names suggest.
AP_STANDALONE_CITIES: dict[str, str] = {
    "atlanta": "GA", "baltimore": "MD", "boston": "MA", "chicago": "IL", "cincinnati": "OH",
    "cleveland": "OH", "dallas": "TX", "denver": "CO", "detroit": "MI", "honolulu": "HI",
    "houston": "TX", "indianapolis": "IN", "las vegas": "NV", "los angeles": "CA", "miami": "FL",
    "milwaukee": "WI", "minneapolis": "MN", "new orleans": "LA", "new york": "NY",
    "oklahoma city": "OK", "philadelphia": "PA", "phoenix": "AZ", "pittsburgh": "PA",
    "st. louis": "MO", "salt lake city": "UT", "san antonio": "TX", "san diego": "CA",
    "san francisco": "CA", "seattle": "WA", "washington": "DC",
}
#: Characters after which a new story (or its dateline) may start.
_OPENERS = ".!?\n\"'\u201d\u2019)]"


def is_dateline(text: str, start: int, end: int) -> bool:
    """Return True when ``text[start:end]`` (a name in capitals) is a dateline.

    It must be written in capitals, stand where a story starts (the text's start, a new line,
    after a sentence's end or after a date) and be followed by a dateline tail (", W.Va. --",
    " (AP) -", " —", ":"). At the start of a line, a state after a comma or an agency in
    brackets suffices without the dash ("LONDON, Ky. A fire...").
    """
    surface = text[start:end]
    if not surface.isupper() or not any(c.isalpha() for c in surface):
        return False
    before = text[:start].rstrip(" \t")
    line_start = not before or before.endswith("\n")
    if not (line_start or before[-1] in _OPENERS or before[-1].isdigit()):
        return False
    m = _TAIL.match(text, end)
    if m is not None and not (m.group("dash") == "-" and text[m.end():m.end() + 1].isalnum()):
        return True  # "-" must stand apart ("BEIRUT -"), not join words ("PARIS-based")
    return line_start and text.startswith((",", " (", " "), end)


def standalone_state(text: str, start: int, end: int) -> str | None:
    """Return the US state of the dateline ``text[start:end]`` when it is one of
    :data:`AP_STANDALONE_CITIES` with no state or country after it ("WASHINGTON (AP) —"), else
    ``None`` ("WASHINGTON, Pa. —" is the town)."""
    m = _TAIL.match(text, end)
    if m is None or m.group("area"):
        return None
    return AP_STANDALONE_CITIES.get(" ".join(text[start:end].lower().split()))
