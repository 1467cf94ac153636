"""The package's one exception root.

Every error the dashboard raises on purpose derives from :class:`DashboardError`, so a caller
(the CLI, the page) can catch "anything the dashboard knows how to explain" in one clause. Each
concrete error keeps its historical built-in base too (``ValueError``, ``RuntimeError``), so
existing ``except ValueError`` handlers keep working.
"""
from __future__ import annotations

__all__ = ("DashboardError",)


class DashboardError(Exception):
    """Base of every exception the dashboard raises; the message says what went wrong."""
