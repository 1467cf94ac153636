"""What readers bring: encodings, binary files, HTML with scripts, sizes, ids."""
from __future__ import annotations

import pytest

from dashboard.core.geoparse.intake import (
    MAX_TEXT_BYTES,
    ArticleFields,
    IntakeError,
    article_from_text,
    article_from_upload,
    build_article,
    content_id,
    decode_bytes,
    split_header,
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


# --- second pass: sizes, binary look-alikes, headers, metadata found in files -------------------


def test_a_5_mb_text_is_accepted_and_a_larger_one_refused_with_its_size() -> None:
    sentence = b"Officials met in Prague on Monday. "
    big = (sentence * (5_000_000 // len(sentence) + 1))[:5_000_000]
    article = article_from_upload("big.txt", big, ArticleFields(title="Big"))
    assert len(article.text) == len(big.strip())
    with pytest.raises(IntakeError, match=r"6\.0 MiB; the limit is 5 MiB"):
        article_from_upload("huge.txt", b"a" * (6 * 2**20), ArticleFields())
    # pasted text is measured in UTF-8 bytes: 3 million Cyrillic letters are 6 MB
    with pytest.raises(IntakeError, match="limit"):
        article_from_text("Москва " * 450_000, ArticleFields())


@pytest.mark.parametrize(
    "data",
    [b"", b"   \n\t", bytes(range(1, 32)) * 200, bytes(range(128, 256)) * 40],
    ids=["empty", "blank", "control-characters", "high-bytes"],
)
def test_empty_and_binary_look_alikes_are_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(IntakeError, match="empty|binary|encoding"):
        article_from_upload("notes.txt", data, ArticleFields())


def test_utf32_with_a_bom_is_read() -> None:
    assert decode_bytes("Talks in Brno.".encode("utf-32")) == "Talks in Brno."


def test_a_metadata_header_fills_the_empty_fields_and_leaves_the_body() -> None:
    source = "---\ntitle: Radar talks\noutlet: Daily\ndate: 2007-06-07\nlayout: post\n---\nTalks in Prague."
    article = article_from_text(source, ArticleFields(outlet="Typed outlet"))
    assert (article.title, article.outlet, article.date.isoformat(), article.text) == (
        "Radar talks", "Typed outlet", "2007-06-07", "Talks in Prague.")
    uploaded = article_from_upload("a.md", source.encode(), ArticleFields())
    assert uploaded.id == content_id("Radar talks", "Talks in Prague.") and uploaded.outlet == "Daily"


def test_a_rule_and_a_colon_line_are_text_not_a_header() -> None:
    source = "---\nNote: the talks resumed.\n---\nMore in Prague."
    assert split_header(source) == (source, ArticleFields())
    assert article_from_text(source, ArticleFields(title="t")).text == source


def test_a_bad_date_or_url_found_in_a_file_is_dropped_but_a_typed_one_is_refused() -> None:
    source = "---\ntitle: T\ndate: June 2007\nurl: /relative/link\n---\nTalks in Prague."
    article = article_from_text(source, ArticleFields())
    assert article.date is None and article.url == ""
    with pytest.raises(IntakeError, match="YYYY-MM-DD"):
        article_from_text(source, ArticleFields(date="June 2007"))


def test_a_url_with_a_line_break_cannot_smuggle_fields() -> None:
    with pytest.raises(IntakeError, match="URL"):
        build_article(TEXT, ArticleFields(url="https://example.org/\nid: voa-2007"))


HTML_PAGE = (
    "<html><head><title>Radar talks | Daily</title><meta name='author' content='Jan Novak'>"
    "<meta property='og:site_name' content='The Daily'>"
    "<meta property='article:published_time' content='2007-06-07'>"
    "<script>document.write('injected')</script></head><body onload='steal()'>"
    "<nav>Home | World | Sport</nav><article><h1>Radar talks</h1>"
    "<p>Officials met in Prague on Monday to discuss the radar base with Czech ministers.</p>"
    "<p>The talks continued in Warsaw later in the week, Polish officials said on Friday.</p>"
    "<p><a href='javascript:alert(1)' onclick='alert(2)'>Read more about Gabala</a></p>"
    "</article><footer>Copyright The Daily</footer></body></html>"
)


def test_html_metadata_fills_empty_fields_and_typed_fields_win() -> None:
    found = article_from_upload("page.htm", HTML_PAGE.encode(), ArticleFields())
    assert found.author == "Jan Novak" and found.date.isoformat() == "2007-06-07"
    assert "Radar talks" in found.title and found.outlet == "The Daily"
    typed = article_from_upload("page.html", HTML_PAGE.encode(), ArticleFields(title="Mine", date="2007-06-08"))
    assert typed.title == "Mine" and typed.date.isoformat() == "2007-06-08"
    for leftover in ("injected", "steal", "javascript", "alert", "onclick", "Copyright"):
        assert leftover not in found.text


def test_html_in_a_legacy_encoding_is_converted() -> None:
    page = ("<html><head><meta charset='windows-1251'><title>Москва</title></head><body><article>"
            "<p>Переговоры в Москве и Баку продолжились в понедельник, сообщили официальные лица.</p>"
            "<p>Российская сторона предложила использовать радиолокационную станцию в Габале.</p>"
            "</article></body></html>")
    article = article_from_upload("page.html", page.encode("cp1251"), ArticleFields())
    assert "Габале" in article.text and article.id.startswith("article-")


def test_an_html_page_without_text_is_refused() -> None:
    with pytest.raises(IntakeError, match="no article text"):
        article_from_upload("page.html", b"<html><body><script>x()</script></body></html>", ArticleFields())


# --- the publication date comes from explicit markup only ----------------------------------------

_BODY = "<article><h1>Talks in Hanoi</h1><p>" + "Leaders met in Hanoi on Monday to discuss trade. " * 20 + "</p></article>"


def test_a_copyright_footer_is_not_a_publication_date() -> None:
    from dashboard.core.geoparse.intake import html_to_text, published_date

    page = f"<html><head><title>T</title></head><body>{_BODY}<footer>Copyright 2018 Example News. Updated 2019.</footer></body></html>"
    assert published_date(page) == ""
    assert html_to_text(page)[1].date == ""


@pytest.mark.parametrize(
    ("head", "day"),
    [
        ('<meta property="article:published_time" content="2019-03-04T10:00:00Z">', "2019-03-04"),
        ('<meta name="DC.date.issued" content="2011-09-13">', "2011-09-13"),
        ('<meta itemprop="datePublished" content="2016-01-07">', "2016-01-07"),
        ('<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2020-01-02T08:00"}</script>', "2020-01-02"),
        ('<meta property="article:published_time" content="2019-02-30">', ""),  # not a day
    ],
)
def test_explicit_publication_markup_gives_the_date(head: str, day: str) -> None:
    from dashboard.core.geoparse.intake import published_date

    assert published_date(f"<html><head>{head}</head><body>{_BODY}</body></html>") == day


# --- issue 21: UTF-16 without a byte-order mark, HTML nested too deeply, an upper-case scheme -------


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_read(encoding: str) -> None:
    text = "Radar talks in Brno and Plzeň, 7 June 2007."
    assert decode_bytes(text.encode(encoding)) == text


def test_broken_utf16_without_a_bom_is_refused_as_not_utf16_rather_than_binary() -> None:
    data = ("Radar talks in Brno. " * 4).encode("utf-16-le") + b"\x00\xd8A\x00"  # a lone high surrogate
    with pytest.raises(IntakeError, match="neither UTF-8 nor UTF-16") as caught:
        decode_bytes(data)
    assert "binary" not in str(caught.value)


def test_html_nested_deeper_than_the_parser_reads_is_refused_with_a_message() -> None:
    deep = ("<html><body><p>Officials met in Prague.</p>" + "<div>" * 300
            + "<p>The interceptors would stand in Poland.</p>" + "</div>" * 300 + "</body></html>")
    with pytest.raises(IntakeError, match="nests its elements too deeply"):
        article_from_upload("deep.html", deep.encode(), ArticleFields())
    shallow = deep.replace("<div>" * 300, "<div>" * 100).replace("</div>" * 300, "</div>" * 100)
    assert "Poland" in article_from_upload("shallow.html", shallow.encode(), ArticleFields()).text


def test_an_upper_case_url_scheme_is_valid_and_stored_in_lower_case() -> None:
    article = article_from_text(TEXT, ArticleFields(url="HTTPS://www.voanews.com/a/radar"))
    assert article.url == "https://www.voanews.com/a/radar"
