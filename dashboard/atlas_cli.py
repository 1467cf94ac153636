"""``python -m dashboard atlas check|list|draft``: tools for whoever adds an installation, a
system or a story (docs/TOPICS.md).

- ``check`` validates the atlas, every story and every source against the source policy and
  prints one line per problem (file, line, field); exit status 1 when there is any.
- ``list [--json]`` prints every installation: id, kind, country, systems, stories, point.
- ``draft ARTICLE`` proposes ``installations.csv`` rows for the facilities an article names that
  the atlas lacks, for an editor to complete with sources.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import TextIO

from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.topics.check import check_data
from dashboard.core.topics.policy import load_policy
from dashboard.paths import data_dir
from dashboard.services.articles import atlas_dir, topics_dir

OK, PROBLEMS, FAILED = 0, 1, 2


def add_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add the ``atlas`` command and its subcommands to the CLI's ``commands``."""
    atlas = commands.add_parser("atlas", help="check, list or draft the atlas of installations (docs/TOPICS.md)")
    actions = atlas.add_subparsers(dest="action", required=True)
    actions.add_parser("check", help="validate data/atlas, every story and every source; one line per problem")
    listing = actions.add_parser("list", help="every installation with its systems and stories")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    draft = actions.add_parser("draft", help="propose installations.csv rows for facilities an article names")
    draft.add_argument("article", type=Path, metavar="ARTICLE")


def run(args: argparse.Namespace, out: TextIO = sys.stdout, err: TextIO = sys.stderr,
        topics_root: Path | None = None, atlas_root: Path | None = None) -> int:
    """Carry out ``args.action`` (on ``data/`` unless other folders are given); return the exit status."""
    try:
        policy = load_policy(data_dir() / "source_policy.csv")
    except OSError as error:
        print(f"error: data/source_policy.csv cannot be read ({error})", file=err)
        return FAILED
    catalogue, problems = check_data(topics_root or topics_dir(), atlas_root or atlas_dir(), policy)
    if args.action == "check":
        for problem in problems:
            print(problem, file=out)
        atlas = catalogue.atlas
        print(f"{len(atlas.installations)} installations, {len(atlas.systems)} systems, "
              f"{len(catalogue.stories)} stories: {len(problems) or 'no'} problem{'' if len(problems) == 1 else 's'}", file=err)
        return PROBLEMS if problems else OK
    if args.action == "list":
        return list_installations(catalogue, as_json=args.json, out=out)
    from dashboard.atlas_draft import run_draft  # needs the gazetteer: loaded only for this command

    return run_draft(args.article, catalogue, out=out, err=err)


def installation_records(catalogue: Catalogue) -> list[dict[str, object]]:
    """One record per installation: id, name, kind, country, lat, lon, precision_km, operator,
    systems, stories (ids)."""
    return [
        {
            "id": i.id, "name": i.name, "kind": i.kind, "country": i.country, "lat": i.lat, "lon": i.lon,
            "precision_km": i.precision_km, "operator": i.operator, "systems": list(i.systems),
            "stories": [t.id for t in catalogue.stories_of(i.id)],
        }
        for i in catalogue.atlas.installations
    ]


def list_installations(catalogue: Catalogue, as_json: bool, out: TextIO) -> int:
    """Print every installation (a table, or one JSON object per line)."""
    records = installation_records(catalogue)
    if as_json:
        for record in records:
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
        return OK
    writer = csv.writer(out, delimiter="\t", lineterminator="\n")
    writer.writerow(("id", "kind", "country", "systems", "stories", "lat", "lon", "precision_km", "name"))
    for r in records:
        writer.writerow((r["id"], r["kind"], r["country"], " ; ".join(r["systems"]), " ; ".join(r["stories"]),
                         f"{r['lat']:.5f}", f"{r['lon']:.5f}", f"{r['precision_km']:g}", r["name"]))
    return OK
