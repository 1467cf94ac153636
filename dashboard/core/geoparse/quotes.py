"""Who is speaking in a sentence: direct quotes ("...," Putin said) and reported speech
(Hadley says ...). Rule-based: a person is a capitalised name after a title or before a
speech verb; a pronoun or a description ("he", "the Russian leader") refers to the last
person named before it in the article."""
from __future__ import annotations

import re
from dataclasses import dataclass

from dashboard.core.geoparse.article import Sentence

_SPEECH_VERBS = (
    r"(?:said|says|added|adds|told|tells|stressed|stresses|asked|asks|noted|notes|reported|reports)"
)
_NAME = r"[A-Z][a-z]+(?:[- ][A-Z][a-z]+)*"
_TITLES = (
    r"(?:President|Adviser|Advisor|Secretary|Minister|Chancellor|Spokesman|Spokeswoman|"
    r"General|Gen\.|Senator|Sen\.|Mr\.|Mrs\.|Ms\.|Dr\.|Prime Minister|Correspondent)"
)
_TITLED_NAME_RE = re.compile(rf"\b{_TITLES}\s+(?P<name>{_NAME})")
_QUOTE_CHARS = "\"\u201c\u201d"
# '...," Putin said.'  /  '...," he said.'  /  '..." said Putin.'
_AFTER_QUOTE_RE = re.compile(
    rf"[\"\u201d]\s*,?\s*(?:(?P<who>(?:{_TITLES}\s+)?{_NAME}|he|she|they)\s+{_SPEECH_VERBS}"
    rf"|{_SPEECH_VERBS}\s+(?P<who2>(?:{_TITLES}\s+)?{_NAME}))"
)
# 'Steve Hadley says ...' / 'President Bush said ...' / 'The Russian leader says ...'
_REPORTED_RE = re.compile(
    rf"^(?P<subject>(?:[A-Z][\w.]*\s+){{0,6}}?(?:{_NAME}|[Hh]e|[Ss]he|[Tt]he (?:[A-Za-z]+ ){{0,2}}[a-z]+))\s+{_SPEECH_VERBS}\b"
)


@dataclass(frozen=True)
class Attribution:
    """The speaker of a sentence: ``kind`` is ``quote`` (direct) or ``reported``."""

    speaker: str
    kind: str


def is_quote(sentence: Sentence) -> bool:
    """True when the sentence holds quoted words."""
    return any(char in sentence.text for char in _QUOTE_CHARS)


def _surname(full_name: str) -> str:
    return full_name.split()[-1]


def _last_person_before(sentences: tuple[Sentence, ...], index: int) -> str | None:
    for sentence in reversed(sentences[:index]):
        names = [m.group("name") for m in _TITLED_NAME_RE.finditer(sentence.text)]
        subject = _REPORTED_RE.match(sentence.text)
        if subject and _is_name(subject.group("subject")):
            return _surname(subject.group("subject"))
        if names:
            return _surname(names[0])
    return None


def _is_name(text: str) -> bool:
    last = text.split()[-1]
    return last[:1].isupper() and last.lower() not in {"he", "she", "they"}


def attribute(sentences: tuple[Sentence, ...], index: int) -> Attribution | None:
    """Return who speaks in ``sentences[index]``, or None when no speaker is found.

    A quote's attribution may sit after the quote, before it in the same sentence, or in a
    later sentence of the same paragraph.
    """
    sentence = sentences[index]
    if is_quote(sentence):
        paragraph = [s for s in sentences[index:] if s.paragraph == sentence.paragraph]
        for candidate in paragraph:
            match = _AFTER_QUOTE_RE.search(candidate.text)
            if match:
                who = match.group("who") or match.group("who2")
                if who in ("he", "she", "they"):
                    resolved = _last_person_before(sentences, index)
                    return Attribution(resolved, "quote") if resolved else None
                return Attribution(_surname(who), "quote")
            if candidate is sentence:  # 'Putin said: "..."'
                subject = _REPORTED_RE.match(sentence.text)
                if subject and _is_name(subject.group("subject")):
                    return Attribution(_surname(subject.group("subject")), "quote")
        return None
    match = _REPORTED_RE.match(sentence.text)
    if not match:
        return None
    subject = match.group("subject")
    if _is_name(subject):
        return Attribution(_surname(subject), "reported")
    resolved = _last_person_before(sentences, index)
    return Attribution(resolved, "reported") if resolved else None
