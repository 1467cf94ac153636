"""A thread-safe request limiter for one web service: a minimum interval plus pauses.

One :class:`ServiceLimiter` must exist per service per process (see
``geocoding.build_chain``); a limiter built per request or per Streamlit rerun limits nothing.
Unlike geopy's ``RateLimiter`` it never retries and never swallows errors: it only spaces
requests out and remembers when the service asked us (or we decided) to stay away.

A service's limit is often per application, not per process (Nominatim: 1 request/s for the
whole deployment). A limiter given a shared :class:`Budget` (``cache.StoredBudget``: a row in
the shared store) also takes every request slot and pause from it, so all processes together
keep to the interval. When the budget cannot be reached no request is allowed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Protocol

from dashboard.errors import DashboardError

Clock = Callable[[], float]
Sleep = Callable[[float], None]


@dataclass(frozen=True)
class Pause:
    """The service must not be called for ``remaining_s`` more seconds.

    ``kind`` says why (e.g. ``"rate-limited"`` after HTTP 429, ``"unavailable"`` after a
    failure); ``detail`` is a short human-readable cause such as ``"HTTP 503"``.
    """

    remaining_s: float
    kind: str
    detail: str = ""


class BudgetUnavailable(DashboardError, RuntimeError):
    """The shared budget cannot be read or updated: no request may be sent (the message says why)."""


class Budget(Protocol):
    """A request budget shared with other processes (see ``cache.StoredBudget``)."""

    def take(self, min_interval_s: float) -> float:
        """Take a request slot and return 0, or return the seconds to wait before asking again.

        Raises BudgetUnavailable.
        """

    def pause(self, seconds: float, kind: str, detail: str = "") -> None:
        """Keep every process away for ``seconds`` (a longer existing pause is kept); never raises."""

    def pause_state(self) -> Pause | None:
        """The pause every process must respect now, or None (also when it cannot be read)."""


class ServiceLimiter:
    """Spaces requests at least ``min_interval_s`` apart, across all threads.

    Use :meth:`request_slot` around each request (it also keeps a single request in flight);
    :meth:`pause` and :meth:`pause_state` record when the service must be left alone.

    ``clock`` (monotonic seconds) and ``sleep`` are injectable so tests run on a fake clock.
    ``budget`` shares the interval and the pauses with other processes (see the module's notes).
    """

    def __init__(
        self,
        min_interval_s: float = 1.0,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = time.sleep,
        budget: Budget | None = None,
    ) -> None:
        if not min_interval_s >= 0:
            raise ValueError(f"min_interval_s must be >= 0; got {min_interval_s!r}")
        self.min_interval_s = float(min_interval_s)
        self.clock = clock
        self._sleep = sleep
        self.budget = budget
        self._lock = threading.Lock()
        self._in_flight = threading.Lock()
        self._last_start: float | None = None
        self._paused_until = float("-inf")
        self._pause_kind = ""
        self._pause_detail = ""

    def acquire(self) -> float:
        """Block until a request may start; return the clock time of the granted start.

        Each call takes one request slot: the starts of two requests are never closer than
        ``min_interval_s``, in this process and (with a budget) in all of them. Pauses are not
        waited out here (see :meth:`pause_state`). Raises BudgetUnavailable.
        """
        while True:
            with self._lock:
                now = self.clock()
                wait = 0.0
                if self._last_start is not None:
                    wait = self._last_start + self.min_interval_s - now
                if wait <= 0 and self.budget is not None:
                    wait = self.budget.take(self.min_interval_s)
                if wait <= 0:
                    self._last_start = now
                    return now
            self._sleep(wait)

    @contextmanager
    def request_slot(self) -> Iterator[float]:
        """Hold the service for one request: one in flight at a time, starts spaced out.

        Yields the granted start time (see :meth:`acquire`); the next request can start when
        this one has finished *and* the interval has passed.
        """
        with self._in_flight:
            yield self.acquire()

    def pause(self, seconds: float, kind: str, detail: str = "") -> None:
        """Keep callers away for ``seconds`` from now (a longer existing pause is kept)."""
        with self._lock:
            until = self.clock() + max(0.0, float(seconds))
            if until > self._paused_until:
                self._paused_until = until
                self._pause_kind = kind
                self._pause_detail = detail
            if self.budget is not None:
                self.budget.pause(seconds, kind, detail)

    def pause_state(self) -> Pause | None:
        """Return the current pause (this process's or the shared one, the longer), or ``None``
        when the service may be called."""
        with self._lock:
            remaining = self._paused_until - self.clock()
            own = Pause(remaining, self._pause_kind, self._pause_detail) if remaining > 0 else None
            shared = self.budget.pause_state() if self.budget is not None else None
        if own is None or (shared is not None and shared.remaining_s > own.remaining_s):
            return shared
        return own
