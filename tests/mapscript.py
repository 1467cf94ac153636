"""Reading what a rendered map page hands to ``dashboardMap`` (dashboard/static/dashboard/map.js):
the Python side writes only calls ``dashboardMap.<name>(<group>, <JSON value>, ...)``."""
from __future__ import annotations

import json
import re
from typing import Any


def calls(page: str, name: str) -> list[list[Any]]:
    """The JSON arguments after the group of every ``dashboardMap.<name>(...)`` call in ``page``."""
    found = []
    decoder = json.JSONDecoder()
    for match in re.finditer(rf"dashboardMap\.{name}\(\w+, ", page):
        at, values = match.end(), []
        while True:
            value, at = decoder.raw_decode(page, at)
            values.append(value)
            if page[at] != ",":
                break
            at += 1
            while page[at] == " ":
                at += 1
        found.append(values)
    return found
