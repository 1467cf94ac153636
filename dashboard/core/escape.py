"""The one place that makes untrusted text safe for where it is shown.

Article text, titles, outlets and place names are untrusted: they may contain HTML,
JavaScript template syntax or Markdown directives. Folium inserts popup and tooltip
text into JavaScript template literals without escaping (so ``${...}`` runs and a
backtick or a backslash breaks the script), and ``st.markdown`` reads ``$...$`` as
LaTeX and ``:red[...]`` as a colour directive.
"""
from __future__ import annotations

import html
import re

# Folium writes tooltip text into JS template literals (` $ \\), and branca compiles every
# rendered script again as a Jinja template: "{{ ... }}" in text would run on the server.
_JS_TEMPLATE_ENTITIES = {"`": "&#96;", "$": "&#36;", "\\": "&#92;", "{": "&#123;", "}": "&#125;"}
_JINJA_OPENERS = ("{{", "{%", "{#")
_MARKDOWN_SPECIAL = frozenset("\\`*_{}[]()<>#+-.!|$:~^=&\"'")
_INVISIBLE_CONTROLS = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}
# Streamlit turns ":material/name:" (or ":material_name:") into an icon and ":streamlit:" into its
# logo *after* parsing the Markdown, where backslash escapes no longer count; an invisible word
# joiner (U+2060) after the colon stops that and the reader sees the same characters.
_STREAMLIT_SHORTCODE_RE = re.compile(r"\\:(?=material(?:/|\\_)|streamlit\\:)")  # on escaped text
WORD_JOINER = "\u2060"


def for_html(text: str) -> str:
    """Return ``text`` as inert HTML that is also safe inside a JS template literal.

    HTML-escapes ``& < > " '`` and then entity-encodes backtick, ``$``, backslash and the
    braces (Jinja), so the browser shows the characters and nothing is interpreted.
    """
    escaped = html.escape(text, quote=True)
    return "".join(_JS_TEMPLATE_ENTITIES.get(char, char) for char in escaped)


def for_js_string(text: str) -> str:
    """Return ``text`` for a plain JavaScript string option (a marker's ``alt``/``title``).

    Folium JSON-encodes these (safe in JS), but branca then compiles the script as a Jinja
    template; a zero-width space splits every ``{{``, ``{%`` and ``{#`` so no template code
    survives, and the text reads the same.
    """
    for opener in _JINJA_OPENERS:
        text = text.replace(opener, opener[0] + "\u200b" + opener[1])
    return text


def for_markdown(text: str) -> str:
    """Return ``text`` backslash-escaped so Streamlit's Markdown shows it literally.

    Every Markdown, HTML, LaTeX (``$``) and directive (``:``, ``[``) character is
    escaped; bidirectional override characters are dropped so they cannot reorder
    the surrounding interface text; a word joiner keeps Streamlit's icon and logo short
    codes (``:material/...:``, ``:streamlit:``) as text.
    """
    out = []
    for char in text:
        if ord(char) in _INVISIBLE_CONTROLS:
            continue
        out.append("\\" + char if char in _MARKDOWN_SPECIAL else char)
    return _STREAMLIT_SHORTCODE_RE.sub(lambda match: match.group() + WORD_JOINER, "".join(out))
