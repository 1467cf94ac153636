"""``python -m dashboard atlas draft ARTICLE``: proposed ``installations.csv`` rows (CSV on
stdout) for the facilities an article names that the atlas lacks, each with the gazetteer's
nearest point and the sentence, for an editor to check and complete with sources."""
from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import TextIO

from dashboard.config import ConfigError, load_settings
from dashboard.core.geoparse.article import ArticleError, load_article
from dashboard.core.geoparse.toponyms import geoparse
from dashboard.core.topics.atlas import ATLAS_COLUMNS
from dashboard.core.topics.catalogue import Catalogue
from dashboard.core.topics.draft import draft_rows
from dashboard.services.gazetteer_file import ensure_gazetteer

OK, FAILED = 0, 2


def run_draft(article_path: Path, catalogue: Catalogue, out: TextIO = sys.stdout, err: TextIO = sys.stderr) -> int:
    """Print draft rows for ``article_path``; return the exit status (2 for an unreadable article)."""
    try:
        article = load_article(article_path)
        load_settings()
    except (OSError, ArticleError, ConfigError) as error:
        print(f"error: {error}", file=err)
        return FAILED
    places = geoparse(article.text, ensure_gazetteer())  # the embedded gazetteer only: a draft needs no network
    rows = draft_rows(article.text, places, catalogue)
    writer = csv.DictWriter(out, ATLAS_COLUMNS["installations.csv"], lineterminator="\n")
    writer.writeheader()
    for row in rows:
        point = row.place
        where = (f"nearest gazetteer point: {point.place_name or point.name} ({point.lat:.5f}, {point.lon:.5f})"
                 if point else "no gazetteer point nearby")
        writer.writerow({
            "id": row.id, "name": row.name, "aliases": "", "kind": row.kind, "country": "",
            "lat": f"{point.lat:.5f}" if point else "", "lon": f"{point.lon:.5f}" if point else "",
            "precision_km": "", "operator": "", "systems": "", "sources": "",
            "note": f"DRAFT (check the facility's own position in a source): {where}. Sentence: {row.sentence}",
        })
    print(f"{len(rows)} facilities the atlas lacks; complete each row (kind, country, the facility's own point, "
          "precision_km, sources) before adding it to data/atlas/installations.csv", file=err)
    return OK
