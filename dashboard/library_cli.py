"""``python -m dashboard library add|list|remove``: the article library from the command line, for
loading stories in bulk and for operators. It uses the library the app uses (``DASHBOARD_DATABASE_URL``
or the file in ``DASHBOARD_DATA_DIR``), and takes files in exactly as the app's upload does
(``core/geoparse/intake.py``: the same checks, the same content-derived ids).

Exit status: 0 done; 1 some input was refused (a bad file, an unknown id) and the rest was done;
2 the settings are invalid or the library cannot be read or written.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from dashboard.config import Settings
from dashboard.core.geoparse.intake import (
    MAX_TEXT_BYTES,
    ArticleFields,
    IntakeError,
    article_from_upload,
)
from dashboard.services.library import ArticleLibrary, LibraryError, StoredArticle

OK, REFUSED, FAILED = 0, 1, 2


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``library`` command and its subcommands to the CLI's ``commands``."""
    library = commands.add_parser("library", help="add, list or remove stored articles (the app's library)")
    actions = library.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="store .txt, .md or .html files, as the app's upload does")
    add.add_argument("files", nargs="+", type=Path, metavar="FILE")
    listing = actions.add_parser("list", help="the stored articles, oldest first")
    listing.add_argument("--json", action="store_true", help="one JSON object per line: id, title, added, ...")
    remove = actions.add_parser("remove", help="delete stored articles by id")
    remove.add_argument("ids", nargs="+", metavar="ID")


def run(args: argparse.Namespace, settings: Settings, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Carry out ``args.action`` on the library of ``settings``; return the exit status."""
    library = ArticleLibrary.from_settings(settings)
    try:
        for notice in library.notices:
            print(f"notice: {notice}", file=err)
        if args.action == "list":
            return list_articles(library, as_json=args.json, out=out, err=err)
        if not library.writable:
            print(f"error: nothing was {'added' if args.action == 'add' else 'removed'}: the library cannot be "
                  "written (see the notice above)", file=err)
            return FAILED
        if args.action == "add":
            return add_files(library, args.files, out=out, err=err)
        return remove_ids(library, args.ids, out=out, err=err)
    finally:
        library.close()


def add_files(library: ArticleLibrary, files: Sequence[Path], *, out: TextIO, err: TextIO) -> int:
    """Store each file; prints ``added``/``exists``, the id and the title per stored file."""
    status = OK
    for path in files:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_TEXT_BYTES + 1)  # one byte over: intake says it is too large
            stored, created = library.add(article_from_upload(path.name, data, ArticleFields()))
        except (OSError, IntakeError) as error:
            print(f"error: {path}: {_reason(error)}", file=err)
            status = max(status, REFUSED)
            continue
        except LibraryError as error:
            print(f"error: {path}: {error}", file=err)
            status = FAILED
            continue
        print(f"{'added' if created else 'exists'}\t{stored.id}\t{stored.title}", file=out)
    return status


def list_articles(library: ArticleLibrary, *, as_json: bool, out: TextIO, err: TextIO) -> int:
    """Print the stored articles, oldest first (``as_json``: one object per line)."""
    try:
        entries = library.entries(strict=True)
    except LibraryError as error:
        print(f"error: {error}", file=err)
        return FAILED
    for entry in entries:
        if as_json:
            print(json.dumps(entry_json(entry), ensure_ascii=False), file=out)
        else:
            print(f"{entry.id}\t{_added(entry)}\t{entry.title}", file=out)
    return OK


def remove_ids(library: ArticleLibrary, ids: Sequence[str], *, out: TextIO, err: TextIO) -> int:
    """Remove each stored article; an id that is not stored is reported and the rest go on."""
    status = OK
    for article_id in ids:
        try:
            removed = library.remove(article_id)
        except LibraryError as error:
            print(f"error: {article_id}: {error}", file=err)
            status = FAILED
            continue
        if removed:
            print(f"removed\t{article_id}", file=out)
        else:
            print(f"error: no stored article has the id {article_id!r} (bundled articles are files, not stored)",
                  file=err)
            status = max(status, REFUSED)
    return status


def entry_json(entry: StoredArticle) -> dict[str, object]:
    """The JSON form of a library entry: ``id``, ``title``, ``outlet``, ``date``, ``added`` (UTC,
    ISO 8601), ``chars``."""
    return {
        "id": entry.id,
        "title": entry.title,
        "outlet": entry.outlet,
        "date": entry.date.isoformat() if entry.date else None,
        "added": _added(entry),
        "chars": entry.chars,
    }


def _added(entry: StoredArticle) -> str:
    return dt.datetime.fromtimestamp(entry.added_at, dt.timezone.utc).isoformat(timespec="seconds").replace(
        "+00:00", "Z"
    )


def _reason(error: Exception) -> str:
    if isinstance(error, OSError):
        return error.strerror or str(error)
    return str(error)
