"""Finding phrase patterns in long texts quickly: a pattern runs only near the words that every
one of its matches must contain.

A site's phrases (``references.csv``, the atlas's names and "<system> in <country>") are regular
expressions; run over a 2 MB paste, each one costs tens of milliseconds, most of it spent where
the phrase cannot be. The words a pattern requires are read from its parse tree (literal runs of
its sequence, the alternatives of a branch, repeats taken at least once), so a pattern whose
required words are absent from the text is not run at all, and one whose rarest required word
occurs a few times runs only in windows around those occurrences. The spans found are exactly
those of a full search as long as a match and what its look-arounds read lie within
:data:`WINDOW` characters of the required word (phrases are a few words long).
"""
from __future__ import annotations

import functools
import re

#: Characters searched on each side of a required word.
WINDOW = 1_000
#: A pattern's group of this name, when it has one, is the phrase; the rest of the match only says
#: where it counts (in ``\bradar\b[^.]{0,60}\b(?P<name>Pechora)\b`` the phrase is "Pechora").
PHRASE_GROUP = "name"
#: Shorter literal runs are not used as required words.
MIN_WORD = 2

try:  # the parser behind re.compile (Python 3.11+); on 3.10 every pattern runs in full
    from re import _constants as _c
    from re import _parser as _sre_parse
    _REPEATS = (_c.MAX_REPEAT, _c.MIN_REPEAT, _c.POSSESSIVE_REPEAT)
except ImportError:  # pragma: no cover - Python 3.10
    _sre_parse = None


@functools.lru_cache(maxsize=4096)
def required_words(pattern: re.Pattern[str]) -> tuple[frozenset[str], ...]:
    """Sets of words such that every match of ``pattern`` contains at least one word of each
    set (lower-cased for a case-insensitive pattern); () when nothing is known."""
    if _sre_parse is None:
        return ()
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an unparsable pattern is simply searched in full
        return ()
    fold = bool(pattern.flags & re.IGNORECASE)
    sets = _sequence(list(tree))
    return tuple(frozenset(word.lower() for word in words) if fold else words for words in sets)


def phrase_span(match: re.Match[str]) -> tuple[int, int]:
    """The (start, end) of the match's :data:`PHRASE_GROUP` when its pattern has one that took
    part, else of the whole match."""
    if PHRASE_GROUP in match.re.groupindex and match.start(PHRASE_GROUP) >= 0:
        return match.span(PHRASE_GROUP)
    return match.span()


class PhraseSearch:
    """Searches of one text for many patterns; the lower-cased text and each required word's
    positions are computed once for all of them."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._lowered: str | None = None
        self._positions: dict[tuple[bool, str], list[int] | None] = {}
        self._cap = len(text) // (2 * WINDOW)  # beyond this many occurrences windows cover the text

    def spans(self, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
        """The (start, end) of every non-empty phrase (:func:`phrase_span`) of the matches of
        ``pattern``, as ``pattern.finditer(text)`` finds them."""
        windows = self._windows(pattern)
        if windows is None:
            return [span for m in pattern.finditer(self.text) if (span := phrase_span(m))[1] > span[0]]
        spans: dict[tuple[int, int], None] = {}
        for low, high in windows:
            for m in pattern.finditer(self.text, low, high):
                if (span := phrase_span(m))[1] > span[0]:
                    spans[span] = None
        return sorted(spans)

    def _windows(self, pattern: re.Pattern[str]) -> list[tuple[int, int]] | None:
        """Merged windows around the rarest required word's occurrences ([] when a required
        word is absent), or None when the whole text should be searched."""
        sets = required_words(pattern)
        fold = bool(pattern.flags & re.IGNORECASE)
        if not sets or (fold and len(self.lowered) != len(self.text)):  # lower-casing moved positions
            return None
        best: list[int] | None = None
        for words in sets:
            positions = self._positions_of(words, fold)
            if positions == []:
                return []
            if positions is not None and (best is None or len(positions) < len(best)):
                best = positions
        if best is None:
            return None
        merged: list[tuple[int, int]] = []
        for position in best:
            low, high = max(0, position - WINDOW), min(len(self.text), position + WINDOW)
            if merged and low <= merged[-1][1]:
                merged[-1] = (merged[-1][0], high)
            else:
                merged.append((low, high))
        return merged

    @property
    def lowered(self) -> str:
        if self._lowered is None:
            self._lowered = self.text.lower()
        return self._lowered

    def _positions_of(self, words: frozenset[str], fold: bool) -> list[int] | None:
        """Sorted start positions of the words in the text; None past the cap."""
        found: list[int] = []
        for word in words:
            key = (fold, word)
            if key not in self._positions:
                self._positions[key] = _occurrences(self.lowered if fold else self.text, word, self._cap)
            positions = self._positions[key]
            if positions is None:
                return None
            found += positions
            if len(found) > self._cap:
                return None
        return sorted(found)


# -- internals ---------------------------------------------------------------------------------
def _occurrences(haystack: str, word: str, cap: int) -> list[int] | None:
    """Start positions of ``word`` in ``haystack``; None past ``cap``."""
    found: list[int] = []
    position = haystack.find(word)
    while position >= 0:
        if len(found) == cap:
            return None
        found.append(position)
        position = haystack.find(word, position + 1)
    return found


def _sequence(items: list) -> list[frozenset[str]]:
    """Required word sets of a sequence of parse items: each literal run and each required part."""
    sets: list[frozenset[str]] = []
    run: list[str] = []

    def flush() -> None:
        if len(run) >= MIN_WORD:
            sets.append(frozenset({"".join(run)}))
        run.clear()

    for op, av in items:
        if op is _c.LITERAL:
            run.append(chr(av))
            continue
        flush()
        if op is _c.SUBPATTERN:
            _group, add_flags, del_flags, body = av
            if not (add_flags | del_flags) & re.IGNORECASE:  # a scoped (?i:...) is not read
                sets += _sequence(list(body))
        elif op is _c.ATOMIC_GROUP:
            sets += _sequence(list(av))
        elif op is _c.BRANCH:
            branch = _branch([list(alternative) for alternative in av[1]])
            if branch:
                sets.append(branch)
        elif op in _REPEATS and av[0] >= 1:
            sets += _sequence(list(av[2]))
    flush()
    return sets


def _branch(alternatives: list[list]) -> frozenset[str]:
    """One word set for a branch: each alternative's best set, joined; empty when an
    alternative requires nothing."""
    words: set[str] = set()
    for alternative in alternatives:
        sets = _sequence(alternative)
        if not sets:
            return frozenset()
        words |= max(sets, key=lambda s: (min(len(word) for word in s), -len(s)))
    return frozenset(words)
