"""``python -m dashboard publish ...``, ``publish list [--json]`` and ``publish remove ID``: freeze a
view of an article into a snapshot the dashboard's server serves at ``/s/<id>/`` (the store of
``DASHBOARD_DATABASE_URL`` or ``snapshots.sqlite`` in ``DASHBOARD_DATA_DIR``).

Exit status: 0 done; 1 an unknown id to remove; 2 bad input (unknown article, invalid view, a text
too long, a cap reached) or the store cannot be used.
"""
from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import TextIO
from urllib.parse import parse_qsl

from dashboard.config import Settings
from dashboard.core.geoparse.article import Article, ArticleError
from dashboard.core.publish.build import default_texts
from dashboard.core.publish.model import PublishError, SnapshotLinks, SnapshotTexts
from dashboard.core.publish.page import embed_code
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.view.state import Choices, ViewState, parse_query
from dashboard.services.articles import article_geography, catalogue, file_articles
from dashboard.services.gazetteer_file import ensure_gazetteer
from dashboard.services.geocoding import geocoding_chain_for
from dashboard.services.library import ArticleLibrary
from dashboard.services.snapshots import SnapshotStore, publish_view

OK, UNKNOWN, FAILED = 0, 1, 2


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``publish`` command (and its ``list`` and ``remove`` actions) to ``commands``."""
    publish = commands.add_parser("publish", help="freeze a view into a snapshot page, embed code and images; "
                                                  "or `publish list` / `publish remove ID`")
    publish.add_argument("action", nargs="*", metavar="list | remove ID",
                         help="without: publish; `list` the snapshots; `remove ID` one of them")
    publish.add_argument("--article", help="article id (see data/articles/ and `library list`)")
    publish.add_argument("--view", default="", help='the view as a link\'s query string, e.g. "proposal=us-plan&layers=rings"')
    publish.add_argument("--title", help="the title (default: the story's)")
    publish.add_argument("--caption", help="the caption (default: what the map shows)")
    publish.add_argument("--credit", help="the credit line")
    publish.add_argument("--alt", help="the alt text (default: written from the data)")
    publish.add_argument("--json", action="store_true", help="print one JSON line (publish: id, path, png, svg, pdf, "
                                                             "embed_html; list: one object per line)")


def run(args: argparse.Namespace, settings: Settings, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Carry out the publish command (printing to ``out`` and ``err``, by default the process's
    streams); returns the exit status."""
    out, err = out or sys.stdout, err or sys.stderr
    store = SnapshotStore.from_settings(settings)
    try:
        for notice in store.notices:
            print(f"notice: {notice}", file=err)
        action = args.action[0] if args.action else "publish"
        if action == "list" and len(args.action) == 1:
            return list_snapshots(store, as_json=args.json, out=out)
        if action == "remove" and len(args.action) >= 2:
            status = OK
            for snapshot_id in args.action[1:]:
                try:
                    removed = store.remove(snapshot_id)
                except PublishError as error:
                    print(f"error: {error}", file=err)
                    return FAILED
                print(f"{'removed' if removed else 'unknown'}\t{snapshot_id}", file=out if removed else err)
                status = status if removed else UNKNOWN
            return status
        if args.action:
            print("error: expected `publish --article ID ...`, `publish list` or `publish remove ID ...`", file=err)
            return FAILED
        return publish(args, settings, store, out=out, err=err)
    finally:
        store.close()


def _articles(settings: Settings) -> dict[str, Article]:
    articles = file_articles(settings)
    library = ArticleLibrary.from_settings(settings)
    try:
        return {**library.articles(), **articles}
    finally:
        library.close()


def parse_view(query: str, article_id: str, articles: Sequence[str], topics: Catalogue) -> ViewState:
    """The view a query string describes, for ``article_id``; raises PublishError naming every
    value that is not valid (a published view must be exactly what was asked for)."""
    choices = Choices(
        articles=frozenset(articles), sites=frozenset(site.id for site in topics.sites),
        categories=tuple(c.id for c in topics.categories), roles=tuple(r.id for r in topics.roles),
        default_article=article_id, default_basemap="offline",
    )
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    params: dict[str, str] = {}
    for name, value in pairs:
        if name in params:
            raise PublishError(f"invalid view: {name!r} is given twice")
        params[name] = value
    if params.get("article", article_id) != article_id:
        raise PublishError(f"invalid view: it names the article {params['article']!r}, not {article_id!r}")
    parsed = parse_query(params, choices)
    if parsed.problems:
        raise PublishError("invalid view: " + "; ".join(parsed.problems))
    return parsed.state.with_changes(article=article_id, basemap="offline")


def publish(args: argparse.Namespace, settings: Settings, store: SnapshotStore, *, out: TextIO, err: TextIO) -> int:
    """Publish ``args.article`` as ``args.view`` shows it; prints the links (``--json``: one line)."""
    if not args.article:
        print("error: publish needs --article ID", file=err)
        return FAILED
    try:
        articles = _articles(settings)
        if args.article not in articles:
            known = ", ".join(sorted(articles)) or "none"
            raise PublishError(f"unknown article {args.article!r}; known: {known}")
        topics = catalogue()
        view = parse_view(args.view, args.article, list(articles), topics)
        geo = article_geography(articles[args.article], geocoding_chain_for(settings, ensure_gazetteer()), topics)
        day = view.date or geo.article.date
        defaults = default_texts(geo, view, day)
        texts = SnapshotTexts(
            title=defaults.title if args.title is None else args.title,
            caption=defaults.caption if args.caption is None else args.caption,
            credit=defaults.credit if args.credit is None else args.credit,
            alt=defaults.alt if args.alt is None else args.alt,
        )
        snapshot, created = publish_view(store, settings, geo, view, day, texts)
    except (PublishError, ArticleError) as error:
        print(f"error: {error}", file=err)
        return FAILED
    links = SnapshotLinks(settings.public_url, snapshot.id)
    result = {"id": snapshot.id, "path": f"/s/{snapshot.id}/", "png": links.file("map.png"), "svg": links.file("map.svg"),
              "pdf": links.file("map.pdf"), "embed_html": embed_code(settings.public_url, snapshot.id, texts.title)}
    if args.json:
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
    else:
        print(f"{'published' if created else 'exists'}\t{snapshot.id}\t{links.page}", file=out)
    return OK


def list_snapshots(store: SnapshotStore, *, as_json: bool, out: TextIO) -> int:
    """Print the stored snapshots, oldest first."""
    for entry in store.entries():
        if as_json:
            out.write(json.dumps(entry.to_json(), ensure_ascii=False) + "\n")
        else:
            print(f"{entry.id}\t{entry.article_id}\t{entry.bytes:,} bytes\t{entry.title}", file=out)
    return OK
