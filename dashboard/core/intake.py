"""Turn what a reader brings (pasted text, an uploaded .txt/.md/.html file) into an Article.

Bytes are decoded as UTF-8 (with or without a BOM), UTF-16 with a BOM, or the encoding that
charset-normalizer detects; binary files are refused with the reason. HTML becomes clean text
through trafilatura (scripts, styles and event handlers never reach the text). The id is
derived from the content, so the same text always gets the same id."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass

from dashboard.core.article import Article, parse_article

MAX_TEXT_BYTES = 5 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
#: Encodings tried for text that is not UTF-8 (news sites' legacy encodings).
LEGACY_ENCODINGS = [
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "cp1253", "iso8859_7",
    "cp1256", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]
_WESTERN_COUSINS = frozenset({"cp1250", "iso8859_2", "iso8859_15", "latin_1"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class IntakeError(ValueError):
    """What the reader brought cannot become an article; the message says why."""


@dataclass(frozen=True)
class ArticleFields:
    """Metadata the reader typed in (empty strings when left blank)."""

    title: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""


def decode_bytes(data: bytes, name: str = "the file") -> str:
    """Return the text of ``data``; raises IntakeError for binary or undecodable content."""
    if len(data) > MAX_TEXT_BYTES:
        raise IntakeError(f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_TEXT_BYTES / 1e6:.0f} MB")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            raise IntakeError(f"{name} starts like UTF-16 text but is not valid UTF-16") from err
    if b"\x00" in data:
        raise IntakeError(f"{name} looks like a binary file (it contains NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise IntakeError(f"{name} is neither UTF-8 nor any text encoding that could be recognised")
    if best.encoding in _WESTERN_COUSINS:
        # short Western texts fit several Latin code pages equally; English news is cp1252
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            pass
    return str(best)


def html_to_text(html: str) -> tuple[str, ArticleFields]:
    """Return the main text of an HTML page and the metadata found in it.

    Raises IntakeError when no article text can be found.
    """
    import trafilatura

    text = trafilatura.extract(html, include_comments=False, include_tables=False, favor_recall=True)
    if not text or not text.strip():
        raise IntakeError("no article text was found in this HTML page")
    meta = trafilatura.extract_metadata(html)
    fields = ArticleFields(
        title=(meta.title or "") if meta else "",
        outlet=(meta.sitename or "") if meta else "",
        date=(meta.date or "") if meta else "",
        url=(meta.url or "") if meta else "",
    )
    return text, fields


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters, trim; raises IntakeError if empty."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text).strip()
    if not text:
        raise IntakeError("the article has no text")
    if len(text.encode("utf-8")) > MAX_TEXT_BYTES:
        raise IntakeError(f"the text is over {MAX_TEXT_BYTES / 1e6:.0f} MB")
    return text


def content_id(title: str, text: str) -> str:
    """A stable id: a slug of the title and the first 10 hex digits of the text's SHA-256."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "article"
    return f"{slug}-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:10]}"


def build_article(text: str, fields: ArticleFields) -> Article:
    """An Article from clean text and the reader's fields; raises IntakeError for bad fields."""
    text = clean_text(text)
    title = " ".join(fields.title.split())[:200] or _first_line(text)
    date = fields.date.strip()[:10]
    if date:
        try:
            dt.date.fromisoformat(date)
        except ValueError as err:
            raise IntakeError(f"the date must be YYYY-MM-DD, not {date!r}") from err
    url = fields.url.strip()
    if url and not url.startswith(("http://", "https://")):
        raise IntakeError("the URL must start with http:// or https://")
    header = {
        "id": content_id(title, text),
        "title": title,
        "outlet": " ".join(fields.outlet.split())[:120],
        "date": date,
        "url": url,
    }
    lines = ["---"] + [f"{key}: {value}" for key, value in header.items() if value] + ["---", text]
    return parse_article("\n".join(lines), default_id=header["id"])


def article_from_upload(name: str, data: bytes, fields: ArticleFields) -> Article:
    """An Article from an uploaded file (.txt, .md, .html, .htm); raises IntakeError."""
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise IntakeError(f"{suffix or 'this file type'} is not supported: upload .txt, .md or .html")
    text = decode_bytes(data, name)
    if suffix in HTML_SUFFIXES:
        text, found = html_to_text(text)
        fields = ArticleFields(
            title=fields.title or found.title,
            outlet=fields.outlet or found.outlet,
            date=fields.date or found.date,
            url=fields.url or found.url,
        )
    return build_article(text, fields)


def _first_line(text: str) -> str:
    line = text.split("\n", 1)[0].strip()
    return (line[:80] + "…") if len(line) > 80 else line
