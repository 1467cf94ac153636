"""Articles: metadata, text, and its paragraphs and sentences with exact character offsets.

An article file is UTF-8 text or Markdown with a small metadata header::

    ---
    id: voa-2007-06-07-putin-gabala-offer
    title: Putin Offers to Join US Missile Defense Plan
    outlet: VOA (Voice of America)
    author: Scott Stearns
    date: 2007-06-07
    url: https://www.voanews.com/...
    licence: Public domain (work of the US government, VOA)
    ---
    Body text; paragraphs separated by blank lines.

Only ``title`` is required; ``id`` defaults to the file name without its extension.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from dashboard.errors import DashboardError

ARTICLE_SUFFIXES = (".md", ".txt")
MAX_ID_LENGTH = 80
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
_HEADER_RE = re.compile(r"\A---\r?\n(?P<header>.*?)\r?\n---\r?\n", re.DOTALL)
_KNOWN_KEYS = ("id", "title", "outlet", "author", "date", "url", "licence")

# A sentence ends at . ! or ? (optionally followed by closing quotes/brackets) before
# white space and an upper-case letter, a digit or an opening quote; common abbreviations
# ("U.S.", "Mr.", "Gen.") do not end a sentence.
_BOUNDARY_RE = re.compile(r"[.!?][\"'\u201d\u2019)\]]*(?=\s+[\"'\u201c\u2018(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof gen lt col maj capt sgt sen rep gov pres st jr sr inc co corp ltd "
    "no vs etc jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.u d.c".split()
)


class ArticleError(DashboardError, ValueError):
    """An article file or text that cannot be read as an article."""


@dataclass(frozen=True)
class Sentence:
    """One sentence: ``text == article.text[start:end]``; ``paragraph`` counts from 0."""

    index: int
    paragraph: int
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Article:
    """A news article: metadata plus body text (the offsets of everything refer to ``text``)."""

    id: str
    title: str
    text: str
    outlet: str = ""
    author: str = ""
    date: dt.date | None = None
    url: str = ""
    licence: str = ""

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        """The article's sentences in order (computed on each call; cache at the caller)."""
        return split_sentences(self.text)


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """Return ``(start, end)`` offsets of the non-blank paragraphs (blank-line separated)."""
    spans = []
    for match in re.finditer(r"(?:[^\n]|\n(?![ \t]*\n))+", text):
        start, end = match.span()
        segment = match.group()
        stripped_left = len(segment) - len(segment.lstrip())
        stripped_right = len(segment) - len(segment.rstrip())
        if end - stripped_right > start + stripped_left:
            spans.append((start + stripped_left, end - stripped_right))
    return spans


def _is_abbreviation(text: str, dot_position: int) -> bool:
    word_start = dot_position
    while word_start > 0 and (text[word_start - 1].isalpha() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:dot_position].lower()
    if not word:
        return False
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> tuple[Sentence, ...]:
    """Split ``text`` into sentences with exact offsets; no sentence spans two paragraphs."""
    sentences: list[Sentence] = []
    for paragraph_index, (p_start, p_end) in enumerate(split_paragraphs(text)):
        cursor = p_start
        for match in _BOUNDARY_RE.finditer(text, p_start, p_end):
            if text[match.start()] == "." and _is_abbreviation(text, match.start()):
                continue
            end = match.end()
            sentences.append(_sentence(text, len(sentences), paragraph_index, cursor, end))
            cursor = end
            while cursor < p_end and text[cursor].isspace():
                cursor += 1
        if cursor < p_end:
            sentences.append(_sentence(text, len(sentences), paragraph_index, cursor, p_end))
    return tuple(sentences)


def _sentence(text: str, index: int, paragraph: int, start: int, end: int) -> Sentence:
    return Sentence(index=index, paragraph=paragraph, start=start, end=end, text=text[start:end])


def sentence_at(sentences: tuple[Sentence, ...], offset: int) -> Sentence | None:
    """Return the sentence containing character ``offset``, or None."""
    for sentence in sentences:
        if sentence.start <= offset < sentence.end:
            return sentence
    return None


def parse_article(source: str, default_id: str) -> Article:
    """Parse an article file's content (metadata header optional).

    Raises ArticleError for an empty body, a bad id or a malformed date.
    """
    meta: dict[str, str] = {}
    body = source
    match = _HEADER_RE.match(source)
    if match:
        for line in match.group("header").splitlines():
            if not line.strip():
                continue
            key, sep, value = line.partition(":")
            key = key.strip().lower()
            if not sep or key not in _KNOWN_KEYS:
                raise ArticleError(f"unknown or malformed header line: {line.strip()[:60]!r}")
            meta[key] = value.strip()
        body = source[match.end():]
    body = body.strip("\n")
    if not body.strip():
        raise ArticleError("the article has no text")
    article_id = meta.get("id") or default_id
    if not _ID_RE.match(article_id):
        raise ArticleError(f"article id must be lower-case letters, digits and '-': {article_id[:40]!r}")
    date = None
    if meta.get("date"):
        try:
            date = dt.date.fromisoformat(meta["date"])
        except ValueError as err:
            raise ArticleError(f"date must be YYYY-MM-DD: {meta['date'][:20]!r}") from err
    return Article(
        id=article_id,
        title=meta.get("title") or article_id,
        text=body,
        outlet=meta.get("outlet", ""),
        author=meta.get("author", ""),
        date=date,
        url=meta.get("url", ""),
        licence=meta.get("licence", ""),
    )


def load_article(path: Path) -> Article:
    """Read one article file. Raises ArticleError (or OSError) when it cannot be read."""
    try:
        source = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise ArticleError(f"{path.name} is not UTF-8 text") from err
    return parse_article(source, default_id=_slug(path.stem))


def load_articles(*directories: Path) -> dict[str, Article]:
    """Load every article file in the directories (missing ones skipped), keyed by id.

    Each directory's articles come oldest first (undated last), so the first bundled article is
    the oldest story. Later directories do not replace an id already loaded. Unreadable files raise.
    """
    articles: dict[str, Article] = {}
    for directory in directories:
        if not directory.is_dir():
            continue
        found = [load_article(path) for path in sorted(directory.iterdir())
                 if path.suffix.lower() in ARTICLE_SUFFIXES and path.is_file()]
        for article in sorted(found, key=lambda a: (a.date is None, a.date or dt.date.min, a.id)):
            articles.setdefault(article.id, article)
    return articles


def _slug(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:MAX_ID_LENGTH] or "article"
