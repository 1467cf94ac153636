"""What readers bring: encodings, binary files, HTML with scripts, sizes, ids."""
from __future__ import annotations

import pytest

from dashboard.core.intake import (
    MAX_TEXT_BYTES,
    ArticleFields,
    IntakeError,
    article_from_upload,
    build_article,
    content_id,
    decode_bytes,
)

TEXT = "Officials met in Prague on Monday. Talks continue in Warsaw."


def test_same_text_same_id_other_text_other_id() -> None:
    assert content_id("Talks", TEXT) == content_id("Talks", TEXT)
    assert content_id("Talks", TEXT) != content_id("Talks", TEXT + " More.")
    assert content_id("<script>!", TEXT).startswith("script-")


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("Café in Zürich".encode("utf-8"), "Café in Zürich"),
        ("\ufeffCafé".encode("utf-8"), "Café"),
        ("Café in Zürich, Müller said. Première".encode("cp1252"), "Café in Zürich, Müller said. Première"),
        ("Москва и Киев встретились в понедельник".encode("cp1251"), "Москва и Киев встретились в понедельник"),
        ("Café".encode("utf-16"), "Café"),
    ],
)
def test_encodings_are_detected_and_converted(data: bytes, expected: str) -> None:
    assert decode_bytes(data) == expected


def test_binary_files_are_refused_with_the_reason() -> None:
    with pytest.raises(IntakeError, match="binary"):
        decode_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_too_large_is_refused_with_the_size() -> None:
    with pytest.raises(IntakeError, match="limit"):
        decode_bytes(b"a" * (MAX_TEXT_BYTES + 1))


def test_empty_text_is_refused() -> None:
    with pytest.raises(IntakeError, match="no text"):
        build_article(" \n\t ", ArticleFields(title="x"))


def test_bad_fields_are_refused() -> None:
    with pytest.raises(IntakeError, match="YYYY-MM-DD"):
        build_article(TEXT, ArticleFields(date="7 June 2007"))
    with pytest.raises(IntakeError, match="http"):
        build_article(TEXT, ArticleFields(url="javascript:alert(1)"))


def test_title_defaults_to_the_first_line_and_fields_are_kept() -> None:
    article = build_article(TEXT, ArticleFields(outlet="Daily", date="2008-07-08", url="https://example.org/a"))
    assert article.title == TEXT and article.outlet == "Daily" and article.date.isoformat() == "2008-07-08"


def test_html_becomes_clean_text_without_scripts_or_handlers() -> None:
    html = (
        "<html><head><title>Radar talks</title><script>window.__pwned=1</script>"
        "<style>p{color:red}</style></head><body onload=\"window.__pwned=2\"><article><h1>Radar talks</h1>"
        "<p>Officials met in Prague on Monday to discuss the radar <img src=x onerror=\"alert(1)\">base."
        " The talks continued in Warsaw later in the week with Polish officials.</p></article></body></html>"
    )
    article = article_from_upload("page.html", html.encode("utf-8"), ArticleFields())
    assert article.title == "Radar talks"
    assert "Prague" in article.text and "Warsaw" in article.text
    for leftover in ("__pwned", "<script", "onerror", "onload", "color:red"):
        assert leftover not in article.text


def test_unsupported_file_types_are_refused() -> None:
    with pytest.raises(IntakeError, match="not supported"):
        article_from_upload("report.pdf", b"%PDF-1.4", ArticleFields())


def test_control_characters_are_dropped_and_line_ends_normalised() -> None:
    article = build_article("Line one\r\nLine\x07 two\rend", ArticleFields(title="t"))
    assert article.text == "Line one\nLine two\nend"
