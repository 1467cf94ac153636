"""Hostile text carried through every way text enters the dashboard (see docs/SECURITY.md).

A payload that executes sets ``window.__pwned`` or opens a dialog; the tests check neither
happens, in the page and in the map's iframe."""
from __future__ import annotations

PAYLOADS: list[tuple[str, str]] = [
    ("script tag", "<script>window.__pwned=1</script>"),
    ("closing script", "</script><script>window.__pwned=2</script>"),
    ("img onerror", '<img src=x onerror="window.__pwned=3">'),
    ("template literal", "${window.__pwned=4}"),
    ("backticks", "`; window.__pwned=5; `"),
    ("backslash digits", "\\1\\x41\\u0041\\"),
    ("quotes", "' \" \u2018 \u2019 \u201c \u201d"),
    ("latex", "$x^2$ and $$\\int$$"),
    ("markdown js link", "[click](javascript:window.__pwned=6)"),
    ("colour directive", ":red[colour directive] :material/home:"),
    ("style tag", "<style>body{display:none}</style>"),
    ("jinja", "{{ 7*7 }} {% raw %}"),
    ("rtl and zero width", "abc\u202edcba\u200b\u200d\ufeffend"),
]
LONG_LINE = "A" * 100_000

MARKERS = ("__pwned",)
