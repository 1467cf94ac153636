"""Everything ``python -m dashboard atlas check`` validates: the atlas, every story against it,
and every cited source against the source policy. Each problem names the file, the line and the
field."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dashboard.core.topics.catalogue import Catalogue, load_catalogue
from dashboard.core.topics.load import CSV_COLUMNS, TOPIC_FILE, TopicError, _csv_rows
from dashboard.core.topics.policy import Policy, policy_problem


def check_data(topics_root: Path, atlas_dir: Path, policy: Policy) -> tuple[Catalogue, tuple[str, ...]]:
    """The catalogue loaded from ``atlas_dir`` and ``topics_root``, and every problem found, as
    ``file line N, field F: message`` texts (none when all is well)."""
    catalogue = load_catalogue(topics_root, atlas_dir)
    problems = [failure.message for failure in catalogue.failures]
    folders = [Path(atlas_dir)] if Path(atlas_dir).is_dir() else []
    folders += sorted(p for p in Path(topics_root).iterdir() if (p / TOPIC_FILE).exists()) if Path(topics_root).is_dir() else []
    for folder in folders:
        problems.extend(str(problem) for problem in _source_policy_problems(folder, policy))
    return catalogue, tuple(dict.fromkeys(problems))


def _source_policy_problems(folder: Path, policy: Policy) -> Iterator[TopicError]:
    """Each row of ``folder/sources.csv`` whose URL's domain or tier the policy does not allow."""
    columns = CSV_COLUMNS["sources.csv"]
    try:
        rows = list(_csv_rows(folder, "sources.csv", columns))
    except TopicError:
        return  # already reported by the loader
    for row in rows:
        if row["url"]:
            problem = policy_problem(row["url"], row["tier"], policy)
            if problem:
                yield row.error("url" if "domain" in problem or "port" in problem else "tier", problem)
