"""The source policy's allow-list (``data/source_policy.csv``: ``domain,tier,reason``) and the
check of one cited URL against it (policy: ``../shared/docs/FACTS.md``)."""
from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

#: domain -> (tier, reason)
Policy = Mapping[str, tuple[str, str]]


def load_policy(path: Path) -> dict[str, tuple[str, str]]:
    """The allow-list in ``path`` by domain; raises OSError when it cannot be read."""
    with Path(path).open(encoding="utf-8", newline="") as handle:
        return {row["domain"]: (row["tier"], row["reason"]) for row in csv.DictReader(handle)}


def policy_problem(url: str, tier: str, policy: Policy) -> str | None:
    """Why a source at ``url`` cited at ``tier`` breaks the policy, or None when it is allowed."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.port is not None:
        return f"{url}: a URL with a port is not an original page"
    domain = next((d for d in policy if host == d or host.endswith("." + d)), None)
    if domain is None:
        return f"{url}: domain {host!r} is not in data/source_policy.csv"
    if policy[domain][0] != tier:
        return f"{url}: cited as {tier}, but the policy lists {domain} as {policy[domain][0]}"
    return None
