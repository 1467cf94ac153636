"""Hostile text carried through every way text enters the dashboard (see docs/SECURITY.md).

A payload that runs sets ``window.__pwned`` (to a number naming the payload) or opens a
dialog; one that is read as Markdown or HTML shows something other than its own characters,
or makes the browser fetch ``evil.example``. The tests check that none of this happens, in
the page and in the map's iframe, and that the reader sees each payload's characters.
"""
from __future__ import annotations

PAYLOADS: list[tuple[str, str]] = [
    ("script tag", "<script>window.__pwned=1</script>"),
    ("closing script", "</script><script>window.__pwned=2</script>"),
    ("img onerror", '<img src=x onerror="window.__pwned=3">'),
    ("svg onload", '<svg onload="window.__pwned=4"></svg>'),
    ("template literal", "${window.__pwned=5}"),
    ("backticks", "`; window.__pwned=6; `"),
    ("backslash digits", "\\1 \\x41 \\u0041 \\"),
    ("quotes", "' \" \u2018 \u2019 \u201c \u201d"),
    ("latex", "$x^2$ and $$\\int$$"),
    ("markdown js link", "[click](javascript:window.__pwned=7)"),
    ("markdown image", "![beacon](http://evil.example/beacon.png)"),
    ("colour directive", ":red[colour directive] :material/home: :material_lock: :streamlit:"),
    ("style tag", "<style>body{display:none}</style>"),
    ("jinja", "{{ 7*7 }} {% raw %} {# c #}"),
    ("html entities", "&lt;b&gt; &amp; &#36;"),
    ("rtl and zero width", "abc\u202edcba\u200b\u200d\ufeffend"),
    ("line separators", "one\u2028two\u2029three\rfour"),
]
LONG_LINE = ("Prague `${window.__pwned=9}` " * 4000)[:100_000]  # a 100 kB single line
ALL_PAYLOADS: list[tuple[str, str]] = PAYLOADS + [("100 kB line", LONG_LINE)]

MARKERS = ("__pwned", "evil.example")
JS_URL = "javascript:window.__pwned=8"

ARTICLE_ID = "hostile-article"
TITLE = "Radar <script>window.__pwned=1</script> ${window.__pwned=5} {{ 7*7 }} $x^2$ :red[red]"
OUTLET = ":red[Outlet] [click](javascript:window.__pwned=7) ![b](http://evil.example/beacon.png)"
AUTHOR = '<img src=x onerror="window.__pwned=3"> \u201cAnon\u201d `tick`'
#: Place names next to payloads that the geoparser still finds (letters and apostrophes only
#: make a name, so these are the payload characters that reach a place marker's tooltip).
QUOTED_PLACES = ("N'Djamena", "L\u2019Aquila", "C\u00f4te d'Ivoire")


def hostile_article_source() -> str:
    """An article file (metadata header and body) whose every field carries payloads.

    Each body paragraph refers to the Gabala radar (so its excerpts show every payload beside
    the map) and places (so the map has place markers); one is a quote by Putin (the
    comparison tab); the last is a 100 kB single line.
    """
    header = [
        "---",
        f"id: {ARTICLE_ID}",
        f"title: {TITLE}",
        f"outlet: {OUTLET}",
        f"author: {AUTHOR}",
        "date: 2007-06-07",
        f"url: {JS_URL}",
        "licence: </style><style>body{display:none}</style>",
        "---",
    ]
    body = [
        "Putin offered the radar base in Azerbaijan ${window.__pwned=5} instead, and officials in "
        "Paris${window.__pwned=5} and Prague<script>window.__pwned=1</script> listened.",
        "\u201c<img src=x onerror=\"window.__pwned=3\"> $x^2$ :red[colour directive] "
        "[click](javascript:window.__pwned=7) about the Azerbaijani radar,\u201d Putin said.",
        f"Envoys from {QUOTED_PLACES[0]}, {QUOTED_PLACES[1]} and {QUOTED_PLACES[2]} met in Warsaw "
        "about the radar in Azerbaijan and interceptors in Poland.",
    ]
    body += [f"On the Gabala radar, a note from Vienna said: {payload}" for _, payload in PAYLOADS]
    body.append(LONG_LINE)
    return "\n".join(header) + "\n" + "\n\n".join(body) + "\n"
