"""Drive an ASGI app from a test without a server, whatever event loop the test's thread holds
(Playwright's sync API keeps one running in the main thread once a browser test has run)."""
from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def run_to_completion(call: Coroutine[Any, Any, Any]) -> Any:
    """Run ``call`` on a fresh event loop in a thread of its own; returns its result, raises its error."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, call).result()
