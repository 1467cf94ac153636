"""Sources and links as HTML for the export's notes (texts escaped here, through
:func:`dashboard.core.escape.for_html`)."""
from __future__ import annotations

import re
from collections.abc import Sequence

from dashboard.core.escape import for_html
from dashboard.core.topics.model import Source

_HTTP_URL_RE = re.compile(r"^https?://[^\s\"'<>]+$")


def link_html(url: str, text: str | None = None) -> str:
    """An anchor for an http(s) URL (escaped), showing ``text`` or the URL; any other URL is
    shown as text, not linked."""
    shown = for_html(text if text is not None else url)
    if _HTTP_URL_RE.match(url):
        return f'<a href="{for_html(url)}" rel="noopener noreferrer">{shown}</a>'
    return shown


def sources_html(sources: Sequence[Source]) -> str:
    """Each source as a link (or its name when no URL is known), with its tier."""
    return "; ".join(
        (f"{link_html(src.url, src.label)}" if src.url else for_html(src.label)) + f" [{for_html(src.tier)}]"
        for src in sources
    )
