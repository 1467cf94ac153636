"""Command line: ``python -m dashboard geoparse|places|export|library|atlas ...`` (core and services only)."""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TextIO

from dashboard import atlas_cli, library_cli, publish_cli
from dashboard.config import ConfigError, Settings, load_settings
from dashboard.core.geoparse.article import (
    ArticleError,
    load_article,
    sentence_at,
    split_sentences,
)
from dashboard.core.geoparse.explain import explain_text
from dashboard.core.geoparse.home import StorySource
from dashboard.core.geoparse.places import Place
from dashboard.core.render.basemap import load_basemap
from dashboard.core.render.export import EXPORT_FORMATS, render_export
from dashboard.core.view.layers import MAP_LAYER_IDS
from dashboard.core.view.state import ViewState
from dashboard.services.articles import article_geography, catalogue, file_articles
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.geocoding import geocoding_chain_for
from dashboard.services.static_assets import inline_assets

PlaceText = Callable[[str, StorySource | None], Sequence[Place]]


def _place_text_function(settings: Settings) -> PlaceText:
    chain = geocoding_chain_for(settings, ensure_gazetteer())

    def place_text(text: str, source: StorySource | None = None) -> Sequence[Place]:
        outcome = chain.place_text(text, source=source)
        for notice in outcome.notices:
            print(f"notice: {notice}", file=sys.stderr)
        return outcome.places

    return place_text


def _parse_line(line: str) -> tuple[object, str, StorySource]:
    """Return (id, text, source) from one JSONL line (``url`` and ``outlet`` are optional
    strings); raises ValueError with the reason."""
    try:
        record = json.loads(line)
    except json.JSONDecodeError as err:
        raise ValueError(f"not valid JSON ({err.msg} at column {err.colno})") from err
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    if "id" not in record:
        raise ValueError('missing "id"')
    text = record.get("text")
    if not isinstance(text, str):
        raise ValueError('"text" must be a string')
    for key in ("url", "outlet"):
        if not isinstance(record.get(key, ""), str):
            raise ValueError(f'"{key}" must be a string')
    return record["id"], text, StorySource(record.get("url", ""), record.get("outlet", ""))


def run_geoparse(lines: Iterable[str], out: TextIO, err: TextIO, place_text: PlaceText) -> int:
    """Geoparse JSONL ``{"id", "text"}`` lines (optional ``"url"``, ``"outlet"``: the story's
    source, a prior for its local names) into ``{"id", "places"}`` lines, in order.

    A bad line gives ``{"id": ..., "error": ...}`` on ``out`` and a message on ``err``;
    the rest go on. Returns the number of bad lines.
    """
    failures = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        record_id: object = None
        try:
            record_id, text, source = _parse_line(line)
            places = place_text(text, source)
            result = {"id": record_id, "places": [place.to_json() for place in places]}
        except ValueError as error:
            failures += 1
            if record_id is None:
                record_id = _salvage_id(line)
            print(f"line {number}: {error}", file=err)
            result = {"id": record_id, "error": str(error)}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()
    return failures


def _salvage_id(line: str) -> object:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return None
    return record.get("id") if isinstance(record, dict) else None


def format_places_table(text: str, places: Sequence[Place]) -> str:
    """A readable table: mention, offsets, coordinates, source and the sentence it is in."""
    sentences = split_sentences(text)
    rows = [("mention", "chars", "lat", "lon", "source", "sentence")]
    for place in places:
        sentence = sentence_at(sentences, place.start)
        context = sentence.text if sentence else ""
        rows.append(
            (
                place.name,
                f"{place.start}-{place.end}",
                "" if place.lat is None else f"{place.lat:.4f}",
                "" if place.lon is None else f"{place.lon:.4f}",
                place.source,
                context if len(context) <= 70 else context[:67] + "...",
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row in rows:
        cells = [row[i].ljust(widths[i]) for i in range(5)] + [row[5]]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def run_export(settings: Settings, article_id: str, fmt: str, out: Path) -> int:
    """Write one article's export; returns the exit status (2 for an unknown article)."""
    try:
        articles = file_articles(settings)
    except ArticleError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if article_id not in articles:
        known = ", ".join(sorted(articles)) or "none"
        print(f"error: unknown article {article_id!r}; known: {known}", file=sys.stderr)
        return 2
    topics = catalogue()
    for failure in topics.failures:
        print(f"warning: topic {failure.topic!r} left out: {failure.message}", file=sys.stderr)
    geo = article_geography(articles[article_id], geocoding_chain_for(settings, ensure_gazetteer()), topics)
    view = ViewState(article=article_id, layers=MAP_LAYER_IDS)
    text = render_export(
        fmt,
        geo,
        view,
        view.date or geo.article.date or dt.date.today(),
        outlines=load_basemap(),
        assets=inline_assets() if fmt == "html" else None,
    )
    out.write_text(text, encoding="utf-8")
    print(f"wrote {out} ({len(text.encode('utf-8')):,} bytes, {fmt})", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    geoparse_cmd = commands.add_parser("geoparse", help="JSONL {id, text} on stdin -> JSONL {id, places} on stdout")
    geoparse_cmd.add_argument("--offline", action="store_true", help="use the embedded gazetteer only (no network)")
    places_cmd = commands.add_parser("places", help="print the places an article file names")
    places_cmd.add_argument("article", type=Path)
    places_cmd.add_argument("--offline", action="store_true", help="use the embedded gazetteer only (no network)")
    places_cmd.add_argument("--explain", action="store_true",
                            help="per name: the gazetteer's candidates, their scores and the rule that decided")
    export_cmd = commands.add_parser("export", help="write an article's map (html), GeoJSON or CSV")
    export_cmd.add_argument("--article", required=True, help="article id (see data/articles/)")
    export_cmd.add_argument("--format", required=True, choices=EXPORT_FORMATS)
    export_cmd.add_argument("--out", required=True, type=Path, help="file to write")
    export_cmd.add_argument("--offline", action="store_true", help="use the embedded gazetteer only (no network)")
    library_cli.add_parser(commands)
    publish_cli.add_parser(commands)
    atlas_cli.add_parser(commands)
    args = parser.parse_args(argv)

    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "library":
        return library_cli.run(args, settings)
    if args.command == "publish":
        return publish_cli.run(args, settings)
    if args.command == "atlas":
        return atlas_cli.run(args)
    if args.offline:
        settings = dataclasses.replace(settings, offline=True, geocoder="gazetteer")
    if args.command == "export":
        return run_export(settings, args.article, args.format, args.out)
    place_text = _place_text_function(settings)

    if args.command == "geoparse":
        failures = run_geoparse(sys.stdin, sys.stdout, sys.stderr, place_text)
        return 1 if failures else 0
    try:
        article = load_article(args.article)
    except (OSError, ArticleError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"{article.title} ({article.id})")
    source = StorySource(article.url, article.outlet)
    print(format_places_table(article.text, place_text(article.text, source)))
    if args.explain:
        print("\n" + explain_text(article.text, ensure_gazetteer(), source=source, home_place=settings.home_place))
    return 0


def run_until_the_reader_stops(command: Callable[[], int]) -> int:
    """Run ``command`` and return its status; 1 without a traceback when stdout's reader has gone.

    ``python -m dashboard atlas list | head -3`` closes the pipe early; the rest of the output
    is dropped (stdout now points at the null device, so the final flush cannot fail either).
    """
    try:
        status = command()
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return status


if __name__ == "__main__":
    sys.exit(run_until_the_reader_stops(main))
