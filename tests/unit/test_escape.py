"""The escaping functions for HTML/JS template literals and for Markdown (dashboard.core.escape)."""
from __future__ import annotations

import html
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dashboard.core.escape import for_html, for_markdown

# The characters for_html turns into numeric entities after html.escape, and back.
JS_ENTITIES = {"&#96;": "`", "&#36;": "$", "&#92;": "\\", "&#123;": "{", "&#125;": "}"}
NEVER_IN_HTML = ("<", ">", "`", "$", "\\", '"', "'", "{", "}")


def undo_js_entities(text: str) -> str:
    for entity, char in JS_ENTITIES.items():
        text = text.replace(entity, char)
    return text


def undo_markdown(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text.replace("\u2060", ""), flags=re.DOTALL)


# --- for_html ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("<img src=x onerror=alert(1)>", "&lt;img src=x onerror=alert(1)&gt;"),
        ("${alert(1)}", "&#36;&#123;alert(1)&#125;"),
        ("`x`", "&#96;x&#96;"),
        ("\\1 and \\x41", "&#92;1 and &#92;x41"),
        ("\"double\" 'single'", "&quot;double&quot; &#x27;single&#x27;"),
        ("AT&T", "AT&amp;T"),
        ("Qabala, Azərbaycan", "Qabala, Azərbaycan"),
    ],
)
def test_for_html_neutralises_markup_and_template_syntax(text: str, expected: str) -> None:
    assert for_html(text) == expected


def test_for_html_escapes_the_ampersand_before_adding_entities() -> None:
    # An entity already in the text must show as typed, not be decoded by the browser.
    assert for_html("&#36;") == "&amp;#36;"
    assert html.unescape(for_html("&lt;b&gt;")) == "&lt;b&gt;"


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_for_html_is_reversible_and_never_outputs_active_characters(text: str) -> None:
    escaped = for_html(text)
    for char in NEVER_IN_HTML:
        assert char not in escaped
    # Mapping the JS-template entities back gives exactly html.escape: nothing else changed ...
    assert undo_js_entities(escaped) == html.escape(text, quote=True)
    # ... and a browser (html.unescape) shows the original text.
    assert html.unescape(escaped) == text


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="<>&\"'`$\\{}ab1 ", max_size=40))
def test_for_html_on_dense_special_characters(text: str) -> None:
    escaped = for_html(text)
    assert html.unescape(escaped) == text
    assert not any(char in escaped for char in NEVER_IN_HTML)


# --- for_markdown ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$x$", "\\$x\\$"),
        (":red[x]", "\\:red\\[x\\]"),
        ("[a](javascript:alert(1))", "\\[a\\]\\(javascript\\:alert\\(1\\)\\)"),
        ("<b>bold</b>", "\\<b\\>bold\\</b\\>"),
        ("**x** _y_ `z` # h", "\\*\\*x\\*\\* \\_y\\_ \\`z\\` \\# h"),
        ("a\\b", "a\\\\b"),
        ("plain words", "plain words"),
    ],
)
def test_for_markdown_escapes_active_characters(text: str, expected: str) -> None:
    assert for_markdown(text) == expected


def test_for_markdown_drops_bidirectional_overrides() -> None:
    assert for_markdown("abc\u202edef\u2066x\u2069") == "abcdefx"
    assert "\u202e" not in for_markdown("\u202e$1$")


@settings(max_examples=300, deadline=None)
@given(st.text().filter(lambda s: "\u2060" not in s))  # the word joiner is what for_markdown may add
def test_for_markdown_keeps_the_text_and_leaves_no_unescaped_special(text: str) -> None:
    escaped = for_markdown(text)
    visible = "".join(c for c in text if not 0x202A <= ord(c) <= 0x202E and not 0x2066 <= ord(c) <= 0x2069)
    assert undo_markdown(escaped) == visible
    # Every special character in the output is preceded by an (unescaped) backslash.
    unescaped = re.sub(r"\\.", "", escaped.replace("\u2060", ""), flags=re.DOTALL)
    assert not any(c in unescaped for c in "\\`*_{}[]()<>#+-.!|$:~^=&\"'")
