"""Turn what a reader brings (pasted text, an uploaded .txt/.md/.html file) into an Article.

Bytes are decoded as UTF-8 (with or without a BOM), UTF-16 (with a BOM, or without one when every
other byte is a NUL), or the encoding that
charset-normalizer detects; binary files are refused with the reason. HTML becomes clean text
through trafilatura (scripts, styles and event handlers never reach the text). A metadata
header (``---`` / ``key: value`` lines / ``---``, as in article files) fills the fields the
reader left empty. The id is derived from the content, so the same text always gets the same id.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass, fields, replace

from dashboard.core.geoparse.article import Article
from dashboard.errors import DashboardError

MAX_TEXT_BYTES = 5 * 1024 * 1024
MAX_TITLE_CHARS = 200
MAX_FIELD_CHARS = 200
MAX_URL_CHARS = 2000
TEXT_SUFFIXES = (".txt", ".md")
HTML_SUFFIXES = (".html", ".htm")
#: Encodings tried for text that is not UTF-8 (news sites' legacy encodings).
LEGACY_ENCODINGS = [
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "cp1253", "iso8859_7",
    "cp1256", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]
_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_WESTERN_COUSINS = frozenset({"cp1250", "iso8859_2", "iso8859_15", "latin_1"})
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
#: Above this share of control characters a decoded "text" is really a binary file.
_MAX_CONTROL_SHARE = 0.01
_HEADER_RE = re.compile(
    r"\A---[ \t]*\n(?P<header>(?:[A-Za-z][A-Za-z_-]*[ \t]*:[^\n]*\n|[ \t]*\n){1,30})---[ \t]*(?:\n|\Z)"
)
_HEADER_KEYS = ("title", "outlet", "author", "date", "url", "licence")


class IntakeError(DashboardError, ValueError):
    """What the reader brought cannot become an article; the message says why."""


@dataclass(frozen=True)
class ArticleFields:
    """Metadata typed by the reader or found in the file (empty strings when unknown)."""

    title: str = ""
    outlet: str = ""
    date: str = ""
    url: str = ""
    author: str = ""
    licence: str = ""

    def or_else(self, found: ArticleFields) -> ArticleFields:
        """These fields, with the empty ones taken from ``found``."""
        return ArticleFields(**{f.name: getattr(self, f.name) or getattr(found, f.name) for f in fields(self)})


def size_limit_text() -> str:
    """The size limit as readers read it."""
    return f"{MAX_TEXT_BYTES / 2**20:.0f} MiB ({MAX_TEXT_BYTES:,} bytes)"


def decode_bytes(data: bytes, name: str = "the file") -> str:
    """Return the text of ``data``; raises IntakeError for binary, undecodable or too large content."""
    if len(data) > MAX_TEXT_BYTES:
        raise IntakeError(f"{name} is {len(data) / 2**20:.1f} MiB; the limit is {size_limit_text()}")
    if not data.strip():
        raise IntakeError(f"{name} is empty")
    for boms, encoding in ((_UTF32_BOMS, "utf-32"), (_UTF16_BOMS, "utf-16")):
        if data.startswith(boms):
            try:
                return _checked(data.decode(encoding), name)
            except UnicodeDecodeError as err:
                label = encoding.upper()
                raise IntakeError(f"{name} starts like {label} text but is not valid {label}") from err
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            try:
                return _checked(data.decode(utf16), name)
            except UnicodeDecodeError as err:
                raise IntakeError(f"{name} looks like UTF-16 text without a byte-order mark but is not valid "
                                  "UTF-16: it is neither UTF-8 nor UTF-16; save it as UTF-8") from err
        raise IntakeError(f"{name} looks like a binary file (it contains NUL bytes), not text")
    try:
        return _checked(data.decode("utf-8-sig"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=LEGACY_ENCODINGS).best()
    if best is None:
        raise IntakeError(f"{name} is neither UTF-8 nor any text encoding that could be recognised; save it as UTF-8")
    if best.encoding in _WESTERN_COUSINS:
        # short Western texts fit several Latin code pages equally; English news is cp1252
        try:
            return _checked(data.decode("cp1252"), name)
        except UnicodeDecodeError:
            pass
    return _checked(str(best), name)


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le`` or ``utf-16-be`` when ``data`` has the NUL bytes of mostly-Latin UTF-16 in
    every other byte (and hardly any in the others), else None."""
    if len(data) % 2:
        return None
    half = len(data) // 2
    even, odd = data[0::2].count(0), data[1::2].count(0)
    if odd >= 0.3 * half and even <= 0.05 * half:
        return "utf-16-le"
    if even >= 0.3 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


def _checked(text: str, name: str) -> str:
    controls = len(_CONTROL_RE.findall(text, 0, 100_000))
    if controls > max(8, _MAX_CONTROL_SHARE * min(len(text), 100_000)):
        raise IntakeError(f"{name} looks like a binary file (it is full of control characters), not text")
    return text


def html_to_text(html: str, url: str | None = None) -> tuple[str, ArticleFields]:
    """Return the main text of an HTML page and the metadata found in it.

    Scripts, styles, comments and attributes (event handlers) never reach the text.
    Raises IntakeError when no article text can be found, or when the page nests deeper than
    the parser reads.
    """
    import trafilatura

    _check_depth(html)
    text = trafilatura.extract(
        html, url=url, include_comments=False, include_tables=False, include_links=False,
        include_images=False, favor_recall=True,
    )
    if not text or not text.strip():
        raise IntakeError("no article text was found in this HTML page")
    meta = trafilatura.extract_metadata(html, default_url=url)
    if meta is None:
        return text, ArticleFields()
    return text, ArticleFields(
        title=meta.title or "",
        outlet=meta.sitename or "",
        date=published_date(html),
        url=meta.url or "",
        author=meta.author or "",
        licence=meta.license or "",
    )


#: Markup that states when a page was published (Open Graph, Dublin Core, schema.org, news sites).
_PUBLISHED_META = (
    "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "publish_date", "dc.date", "dc.date.issued", "dcterms.issued", "dcterms.created",
    "citation_publication_date", "sailthru.date", "parsely-pub-date", "date",
)
_ISO_DAY_RE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_JSON_LD_DATE_RE = re.compile(r'"datePublished"\s*:\s*"(\d{4}-\d{2}-\d{2})')


def _check_depth(html: str) -> None:
    """Raise IntakeError when ``html`` nests elements deeper than the HTML parser reads (libxml2
    stops there, and the text past that depth would be dropped without a word)."""
    from lxml import html as lxml_html

    parser = lxml_html.HTMLParser()
    try:
        lxml_html.document_fromstring(html, parser=parser)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return  # trafilatura says what it finds (or that it finds nothing)
    if any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log):
        raise IntakeError("this HTML page nests its elements too deeply to be read whole (over 255 levels); "
                          "save its text as a .txt file and upload that")


def published_date(html: str) -> str:
    """The publication day an HTML page states in its markup (``YYYY-MM-DD``), or ``""``.

    Only explicit publication metadata counts (``<meta>`` tags, ``<time itemprop=datePublished>``,
    JSON-LD ``datePublished``): a date is never guessed from the text, so a footer's
    "Copyright 2018" does not become the story's date.
    """
    from lxml import html as lxml_html

    try:
        tree = lxml_html.fromstring(html)
    except (ValueError, TypeError, lxml_html.etree.ParserError):
        return ""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        key = (element.get("property") or element.get("name") or element.get("itemprop") or "").strip().lower()
        value = element.get("content") or ""
        if key in _PUBLISHED_META and key not in found and _ISO_DAY_RE.match(value.strip()):
            found[key] = value.strip()
    for element in tree.iter("time"):
        if (element.get("itemprop") or "").lower() == "datepublished" and _ISO_DAY_RE.match(element.get("datetime") or ""):
            found.setdefault("datepublished", element.get("datetime"))
    for key in _PUBLISHED_META:
        if key in found:
            return _checked_day(_ISO_DAY_RE.match(found[key]).group(1))
    for script in tree.iter("script"):
        if (script.get("type") or "").lower() == "application/ld+json" and script.text:
            match = _JSON_LD_DATE_RE.search(script.text)
            if match:
                return _checked_day(match.group(1))
    return ""


def _checked_day(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return ""


def split_header(text: str) -> tuple[str, ArticleFields]:
    """Split a leading metadata header (``---`` / ``key: value`` lines / ``---``) from ``text``.

    Returns the body and the known fields (title, outlet, author, date, url, licence; other
    keys such as a blog's ``layout:`` are ignored). Text without such a header is returned whole.
    """
    normalised = text.replace("\r\n", "\n").lstrip("\ufeff")
    match = _HEADER_RE.match(normalised)
    if not match:
        return text, ArticleFields()
    values: dict[str, str] = {}
    for line in match.group("header").splitlines():
        key, _, value = line.partition(":")
        key = key.strip().lower()
        if key in _HEADER_KEYS and key not in values:
            values[key] = value.strip().strip("\"'")
    if not values:  # a rule, a line like "Note: ..." and a rule: part of the text, not a header
        return text, ArticleFields()
    return normalised[match.end():], ArticleFields(**values)


def clean_text(text: str) -> str:
    """Normalise line ends, drop control characters, trim; raises IntakeError if empty or too large."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_RE.sub("", text).strip()
    if not text:
        raise IntakeError("the article has no text")
    size = len(text.encode("utf-8"))
    if size > MAX_TEXT_BYTES:
        raise IntakeError(f"the text is {size / 2**20:.1f} MiB; the limit is {size_limit_text()}")
    return text


def content_id(title: str, text: str) -> str:
    """A stable id: a slug of the title (at most 40 characters) and the first 10 hex digits of
    the text's SHA-256 (the text as stored: after :func:`clean_text`)."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:40].strip("-") or "article"
    return f"{slug}-{text_digest(text)}"


def text_digest(text: str) -> str:
    """The first 10 hex digits of the SHA-256 of ``text`` (UTF-8): the last part of a content id."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def build_article(text: str, fields: ArticleFields, *, strict: bool = True) -> Article:
    """An Article from text and the reader's fields.

    Raises IntakeError for empty or too large text, a date that is not YYYY-MM-DD or a URL that
    is not http(s). With ``strict=False`` (fields found in a file, not typed) a bad date or URL
    is dropped instead.
    """
    text = clean_text(text)
    title = _one_line(fields.title, MAX_TITLE_CHARS) or _first_line(text)
    return Article(
        id=content_id(title, text),
        title=title,
        text=text,
        outlet=_one_line(fields.outlet, MAX_FIELD_CHARS),
        author=_one_line(fields.author, MAX_FIELD_CHARS),
        date=_date(fields.date, strict),
        url=_url(fields.url, strict),
        licence=_one_line(fields.licence, MAX_FIELD_CHARS),
    )


def article_from_text(text: str, fields: ArticleFields) -> Article:
    """An Article from pasted text (a metadata header fills the empty fields); raises IntakeError."""
    body, found = split_header(text)
    return build_article(body, _typed_over_found(fields, found))


def article_from_upload(name: str, data: bytes, fields: ArticleFields, *, url: str | None = None) -> Article:
    """An Article from an uploaded or fetched file (.txt, .md, .html, .htm); raises IntakeError.

    Fields the reader left empty are taken from the HTML's metadata or the file's header.
    """
    suffix = name[name.rfind("."):].lower() if "." in name else ""
    if suffix not in TEXT_SUFFIXES + HTML_SUFFIXES:
        raise IntakeError(f"{suffix or 'this file type'} is not supported: upload .txt, .md or .html")
    text = decode_bytes(data, name)
    if suffix in HTML_SUFFIXES:
        text, found = html_to_text(text, url=url)
    else:
        text, found = split_header(text)
    return build_article(text, _typed_over_found(fields, found))


def _typed_over_found(typed: ArticleFields, found: ArticleFields) -> ArticleFields:
    """Typed fields win; found ones fill the gaps, minus a found date or URL that is not valid."""
    if found.date and _date(found.date, strict=False) is None:
        found = replace(found, date="")
    if found.url and not _url(found.url, strict=False):
        found = replace(found, url="")
    _date(typed.date, strict=True)  # a typed field is checked before it is mixed
    _url(typed.url, strict=True)
    return typed.or_else(found)


def _date(value: str, strict: bool) -> dt.date | None:
    value = value.strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as err:
        if not strict:
            return None
        raise IntakeError(f"the date must be YYYY-MM-DD, not {value[:40]!r}") from err


def _url(value: str, strict: bool) -> str:
    value = value.strip()
    if not value:
        return ""
    scheme, separator, rest = value.partition("://")
    if separator and scheme.lower() in ("http", "https") and len(value) <= MAX_URL_CHARS and not re.search(r"\s", value):
        return scheme.lower() + separator + rest  # HTTP:// is the same scheme
    if strict:
        raise IntakeError("the URL must start with http:// or https:// (and contain no spaces)")
    return ""


def _one_line(value: str, limit: int) -> str:
    return " ".join(_CONTROL_RE.sub("", value).split())[:limit]


def _first_line(text: str) -> str:
    line = " ".join(text.split("\n", 1)[0].split()).lstrip("#").strip()
    return (line[:80] + "…") if len(line) > 80 else (line or "Untitled article")
