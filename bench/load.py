"""Concurrent readers of shared links against one server: real browsers, then protocol-level clients.

    .venv/bin/python bench/load.py [--quick] [--server-only] [--ttl SECONDS] [--baseline N]
                                   [--server-baseline N] [--together N,N] [--stagger SECONDS]
                                   [--step-timeout SECONDS] [--csv PATH] [--log PATH]
                                   [--url URL [--state STATE_JSON]] [--json]

One dashboard server (DASHBOARD_OFFLINE=1, a fresh data folder), or with ``--url`` a server or
cluster that is already running (e.g. ``make cluster``; its TTL is then whatever it was started
with: pass it as ``--ttl``). With ``--state`` (the cluster supervisor's ``state.json``) every
replica's memory and CPU are sampled, its session counts read, the warm-up and the "one more
reader" after each TTL go to each replica directly, and memory growth is also given per replica
(sessions counted by the replica named in HAProxy's affinity cookie). ``--url`` alone samples no
server process. ``--json`` ends the output with one JSON line: every counted session
(``sessions``, ``succeeded``), ``p50_s``/``p95_s`` of the largest simultaneous phase,
``single_p95_s`` of the sequential baseline (browser: time to markers; ``--server-only``: time to
``script_finished``), each phase's figures, memory growth and the load average.

Browser phases (skipped with ``--server-only``): one headless Chromium (Playwright's async API),
one browser context per session. Every session opens one of a few realistic shared links, waits
for the site markers in the map's iframe, clicks a site and waits for the card beside the map to show the
article's sentence about it and for the URL to name the site. Any request that tries to leave
loopback, any console error or page error, and any step that times out makes the session a
failure. A warm-up session (not counted), a single-session baseline (sessions one after another),
then 10 and 25 sessions launched together (``--together``; ``--quick``: 1 baseline session,
then 3 together). Each phase closes its contexts at its end.

Server-only phases (no browser): each session is a websocket client on ``/_stcore/stream`` that
speaks Streamlit's protobuf protocol as the frontend does on a fresh tab: it sends the
``rerun_script`` BackMsg with the link's query string and reads ForwardMsgs until the run's
``script_finished``, which must have carried the streamlit_folium map naming the link's site; then
it closes. The time from connect to ``script_finished`` is the server's share of "time until the
markers show" (no Chromium on the same cores). A warm-up (not counted), a sequential baseline (5),
then 10 and 25 together (``--together``; ``--quick``: 2, then 3).

A background task samples the server's resident memory and CPU time every 0.5 s. After the last
phase the script waits the disconnected-session TTL plus a margin and samples (nothing is forced),
then lets one more protocol reader come and go (Streamlit drops expired sessions lazily, on its
next write to the session store: a disconnect) and samples again. Then a second wave of as many
protocol sessions as the first waves had (launched 25 at a time), the TTL again, one more reader:
if closed sessions' memory is freed and reused, the second wave adds little RSS; if it is held, the
second wave adds about as much again.

Targets (Streamlit's own load-test targets): every session succeeds; p95 with 25 sessions within 2x
the single-session p95 (time to markers in the browser; time to script_finished server only);
memory growth under 100 MB per 50 sessions; closed sessions release their memory (Streamlit's
session count back to 0, and the second wave growing RSS by less than 25% of the first waves'
growth)."""
from __future__ import annotations

import argparse
import asyncio
import csv
import json
import os
import re
import shlex
import shutil
import sys
import tempfile
import time
import urllib.request
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar
from urllib.parse import parse_qs, urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import websockets  # noqa: E402
from google.protobuf.message import DecodeError  # noqa: E402
from playwright.async_api import (  # noqa: E402
    Browser,
    BrowserContext,
    Page,
    Route,
    async_playwright,
    expect,
)
from playwright.async_api import Error as PlaywrightError  # noqa: E402
from streamlit.proto.BackMsg_pb2 import BackMsg  # noqa: E402
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg  # noqa: E402
from websockets.exceptions import WebSocketException  # noqa: E402
from websockets.typing import Origin, Subprotocol  # noqa: E402

from tests.browser.helpers import MAP_FRAME  # noqa: E402
from tests.harness import (  # noqa: E402
    BLANK_PNG,
    CHROMIUM_ARGS,
    NON_LOOPBACK,
    TILE_HOST,
    AppServer,
    PageWatch,
    chromium_path,
    resident_mb,
    start_server,
)

TTL_MARGIN_S = 15
SAMPLE_EVERY_S = 0.5
SETTLE_S = 2.0
#: A session is abandoned after this many step timeouts in all (it never hangs the run).
SESSION_STEPS = 4
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
SIDEBAR = ".st-key-selection"  # the card beside the map that shows the selection and its sentences
SCRIPT_IDLE = "[data-test-script-state=notRunning]"
PUTIN_SENTENCE = "offering a Soviet-built radar station in Azerbaijan"
US_PLAN_SENTENCE = "installing interceptor missiles in Poland"
G8_SENTENCE = "on the sidelines of the G8 summit in Germany"
#: What the frontend offers in Sec-WebSocket-Protocol: the protocol, then the XSRF slot, then a
#: previous session id to resume (none: a fresh tab). The frontend puts its ``_streamlit_xsrf``
#: cookie (set by ``/_stcore/health``, which it polls before connecting) in the XSRF slot, or
#: this placeholder without one; the server checks it only before reading a login cookie, and the
#: dashboard has no login.
SUBPROTOCOLS = (Subprotocol("streamlit"), Subprotocol("PLACEHOLDER_AUTH_TOKEN"))
MAP_COMPONENT = "streamlit_folium.st_folium"
#: The cookie ``make cluster``'s HAProxy inserts to keep a reader on one replica.
AFFINITY_COOKIE = "SRV"
#: Protocol-level ForwardMsgs read per session at most (a run of the dashboard sends about 100).
MAX_MESSAGES = 5000
TARGET_P95_RATIO = 2.0
#: The phase size the p95 ratio target is about; and the one with an absolute p95 target (issue 12).
TARGET_RATIO_GROUP = 25
TARGET_ABSOLUTE_GROUP, TARGET_ABSOLUTE_P95_S = 100, 3.0
TARGET_GROWTH_PER_50_MB = 100.0
#: The second wave may grow RSS by at most this share of the first waves' growth ...
TARGET_REUSE_SHARE = 0.25
#: ... or by this much, whichever is larger (RSS moves by a few MB between samples anyway).
RSS_NOISE_MB = 5.0


@dataclass(frozen=True)
class SharedLink:
    """A link a reader was sent, the site they click and a sentence the sidebar then shows."""

    name: str
    query: str
    site: str
    sentence: str


LINKS = (
    SharedLink("default", "basemap=offline", "gabala-radar", PUTIN_SENTENCE),
    SharedLink("filtered", "basemap=offline&proposal=us-plan,threat", "czech-radar", US_PLAN_SENTENCE),
    SharedLink("selected", "basemap=offline&site=gabala-radar", "poland-interceptors", US_PLAN_SENTENCE),
    SharedLink("rings+lines", "basemap=offline&layers=places,rings,lines", "gabala-radar", PUTIN_SENTENCE),
    SharedLink("date", "basemap=offline&date=2010-01-01", "heiligendamm", G8_SENTENCE),
    SharedLink("map view", "basemap=offline&lat=50&lon=30&zoom=4", "gabala-radar", PUTIN_SENTENCE),
)


@dataclass(frozen=True)
class SessionResult:
    """What one browser reader saw; times in seconds (None when the step was not reached)."""

    link: str
    loaded_s: float | None
    markers_s: float | None
    click_s: float | None
    external_requests: tuple[str, ...]
    console_errors: tuple[str, ...]
    failure: str | None

    @property
    def ok(self) -> bool:
        return self.failure is None and not self.external_requests and not self.console_errors

    @property
    def problems(self) -> str:
        """The failure, the first console errors and external requests, in one line."""
        found = [self.failure] if self.failure else []
        found += [f"console: {error[:160]}" for error in self.console_errors[:3]]
        found += [f"external request: {url[:120]}" for url in self.external_requests[:3]]
        return "; ".join(found)


@dataclass(frozen=True)
class ProtocolSession:
    """What one protocol-level client saw; seconds from the start of the connect (None when not
    reached): the websocket open, the map component's delta, the run's ``script_finished``."""

    link: str
    connected_s: float | None
    map_s: float | None
    finished_s: float | None
    failure: str | None
    #: the replica HAProxy chose (its affinity cookie on the websocket handshake); None without one
    replica: str | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    @property
    def problems(self) -> str:
        return self.failure or ""


S = TypeVar("S", SessionResult, ProtocolSession)


@dataclass(frozen=True)
class Sample:
    """The server's memory and CPU, the CPU of the browser and of this script, and the machine's
    busy CPU at one moment (CPU figures are cumulative seconds)."""

    t_s: float
    phase: str
    rss_mb: float
    server_cpu_s: float
    browser_cpu_s: float
    bench_cpu_s: float
    machine_busy_s: float
    #: each server process's RSS (name, MB): one "server", or one per replica of a cluster
    rss_by_process: tuple[tuple[str, float], ...] = ()

    def rss_of(self, name: str) -> float | None:
        return dict(self.rss_by_process).get(name)


@dataclass(frozen=True)
class SessionCounts:
    """Streamlit's own session figures (``/_stcore/metrics``); -1 when unavailable."""

    active: int
    connects: int
    disconnects: int


@dataclass(frozen=True)
class PhaseResult(Generic[S]):
    """One phase: its sessions (launched ``group`` at a time; 1: one after another), the samples
    at its start and end, its peak memory and Streamlit's session counts at its end."""

    name: str
    group: int
    sessions: tuple[S, ...]
    start: Sample
    end: Sample
    peak_rss_mb: float
    counts_at_end: SessionCounts

    @property
    def concurrent(self) -> bool:
        return self.group > 1


# --- /proc ------------------------------------------------------------------------------------


def _stat_fields(pid: int) -> list[str]:
    """The fields of /proc/<pid>/stat after the command name (field 3 onwards)."""
    text = Path(f"/proc/{pid}/stat").read_text()
    return text[text.rindex(")") + 2:].split()


def cpu_seconds(pid: int, *, with_reaped_children: bool = False) -> float:
    """User + system CPU time of ``pid`` (and of its reaped children, if asked) in seconds."""
    fields = _stat_fields(pid)
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / CLOCK_TICKS


def _parents() -> dict[int, int]:
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(_stat_fields(int(entry.name))[1])
            except (OSError, ValueError, IndexError):
                continue
    return parents


def descendants(root: int, exclude: int) -> set[int]:
    """Live descendants of ``root``, leaving out ``exclude`` and everything under it."""
    children: dict[int, list[int]] = {}
    for pid, parent in _parents().items():
        children.setdefault(parent, []).append(pid)
    found, todo = set(), [root]
    while todo:
        for child in children.get(todo.pop(), []):
            if child != exclude and child not in found:
                found.add(child)
                todo.append(child)
    return found


def browser_cpu_seconds(server_pid: int) -> float:
    """CPU time of this script's child processes other than the server (``server_pid``; 0 when
    the server is not this script's child): Playwright's driver and Chromium with its renderers
    (including renderers that have exited)."""
    total = 0.0
    for pid in descendants(os.getpid(), exclude=server_pid):
        try:
            total += cpu_seconds(pid, with_reaped_children=True)
        except (OSError, ValueError, IndexError):
            continue
    return total


def machine_busy_seconds() -> float:
    """CPU time all cores have spent busy since boot (every process on the machine)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLOCK_TICKS


# --- sampling ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """What is measured: the URL readers open; the server processes behind it (name -> pid, asked
    at every sample: a cluster's replicas can be restarted), none when unknown; the base URLs
    whose ``/_stcore/metrics`` add up to the server's session counts; the server log to scan, if
    this script has it; the pid to leave out of the browser's CPU (0: not this script's child)."""

    url: str
    processes: Callable[[], dict[str, int]]
    metrics_urls: Callable[[], list[str]]
    log_path: Path | None = None
    own_pid: int = 0
    #: "started": a server this script started; otherwise what --url (and --state) named
    origin: str = "started"

    @property
    def measured(self) -> bool:
        """Whether the server's memory and CPU are sampled (its processes are known)."""
        return bool(self.processes())


def started_target(server: AppServer) -> Target:
    """A server this script started."""
    return Target(server.url, lambda: {"server": server.process.pid}, lambda: [server.url], server.log_path,
                  server.process.pid)


def url_target(url: str, state: Path | None) -> Target:
    """An already running server or cluster at ``url``; with ``state`` (the cluster supervisor's
    state.json) its replicas are sampled and their metrics read one by one."""
    if state is None:
        return Target(url, dict, lambda: [url], origin=f"--url {url}")

    def replicas() -> dict[str, dict]:
        return json.loads(state.read_text())["replicas"]

    return Target(url, lambda: {name: r["pid"] for name, r in replicas().items() if r["pid"]},
                  lambda: [f"http://127.0.0.1:{r['port']}" for r in replicas().values()],
                  origin=f"--url {url} --state {state}")


class Recorder:
    """Samples the server's processes every ``SAMPLE_EVERY_S`` while running; ``phase`` labels
    the samples (memory and CPU are summed over the processes; 0 when none are known)."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.started = time.monotonic()
        self.phase = "start-up"
        self.samples: list[Sample] = []

    def sample(self) -> Sample:
        """Take one sample now and keep it. Raises OSError when every known process is gone."""
        processes = self.target.processes()
        rss: list[tuple[str, float]] = []
        cpu = 0.0
        for name, pid in processes.items():
            try:
                rss.append((name, resident_mb(pid)))
                cpu += cpu_seconds(pid)
            except (OSError, ValueError, IndexError):
                continue
        if processes and not rss:
            raise OSError("the server's processes are gone")
        sample = Sample(
            t_s=time.monotonic() - self.started,
            phase=self.phase,
            rss_mb=sum(mb for _, mb in rss),
            server_cpu_s=cpu,
            browser_cpu_s=browser_cpu_seconds(self.target.own_pid),
            bench_cpu_s=time.process_time(),
            machine_busy_s=machine_busy_seconds(),
            rss_by_process=tuple(rss),
        )
        self.samples.append(sample)
        return sample

    async def run(self, stop: asyncio.Event) -> None:
        """Sample until ``stop`` is set (or the server is gone)."""
        while not stop.is_set():
            try:
                self.sample()
            except OSError:
                return
            try:
                await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
            except asyncio.TimeoutError:
                pass

    def peak_since(self, since: Sample) -> float:
        """The highest RSS sampled from ``since`` on."""
        return max(s.rss_mb for s in self.samples if s.t_s >= since.t_s)


def session_counts(base_url: str) -> SessionCounts:
    """Active sessions, connects and disconnects as Streamlit counts them (cheap metrics only)."""
    url = base_url + "/_stcore/metrics?families=active_sessions&families=session_events"
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            text = response.read().decode()
    except OSError:
        return SessionCounts(-1, -1, -1)

    def value(pattern: str) -> int:
        match = re.search(pattern + r"\s+(\d+)", text, re.MULTILINE)
        return int(match.group(1)) if match else -1

    return SessionCounts(value(r"^active_sessions"), value(r'type="connect"\}'), value(r'type="disconnect"\}'))


def total_counts(target: Target) -> SessionCounts:
    """The session counts of every server process behind the target, added up (-1 if one fails)."""
    counts = [session_counts(url) for url in target.metrics_urls()]
    if not counts or any(-1 in (c.active, c.connects, c.disconnects) for c in counts):
        return SessionCounts(-1, -1, -1)
    return SessionCounts(sum(c.active for c in counts), sum(c.connects for c in counts),
                         sum(c.disconnects for c in counts))


async def counts_now(target: Target) -> SessionCounts:
    return await asyncio.to_thread(total_counts, target)


# --- one reader -------------------------------------------------------------------------------


def _site_in_url(url: str) -> str | None:
    values = parse_qs(urlsplit(url).query).get("site")
    return values[-1] if values else None


async def _wait_for_site_in_url(page: Page, site: str, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while _site_in_url(page.url) != site:
        if time.monotonic() > deadline:
            raise TimeoutError(f"URL never named site={site}: {page.url}")
        await asyncio.sleep(0.1)


async def _watched_context(browser: Browser, watch: PageWatch) -> BrowserContext:
    """A fresh context whose non-loopback requests are blocked and recorded (tiles answered blank)."""
    context = await browser.new_context(viewport={"width": 1400, "height": 1000})

    async def block(route: Route) -> None:
        url = route.request.url
        watch.external_requests.append(url)
        if TILE_HOST in url:
            await route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        else:
            await route.abort()

    await context.route(NON_LOOPBACK, block)
    return context


async def read_shared_link(
    browser: Browser, base_url: str, link: SharedLink, contexts: list[BrowserContext],
    step_timeout_s: float, delay_s: float = 0.0,
) -> SessionResult:
    """Open ``link``, wait for the markers, click ``link.site``, wait for its sentence and URL.

    The context is appended to ``contexts`` (closed by the caller). Never raises for a page
    problem: a step that fails or times out is reported in ``failure``.
    """
    await asyncio.sleep(delay_s)
    watch = PageWatch()
    times: dict[str, float] = {}
    progress = ["open"]
    try:
        await asyncio.wait_for(_read(browser, base_url, link, contexts, watch, step_timeout_s, times, progress),
                               step_timeout_s * SESSION_STEPS)
        failure = None
    except (PlaywrightError, asyncio.TimeoutError, TimeoutError, AssertionError) as err:
        message = str(err).splitlines()[0][:160] if str(err) else "session time limit reached"
        failure = f"{progress[-1]}: {message}"
    return SessionResult(link.name, times.get("loaded"), times.get("markers"), times.get("click"),
                         tuple(watch.external_requests), tuple(watch.console_errors), failure)


async def _read(
    browser: Browser, base_url: str, link: SharedLink, contexts: list[BrowserContext], watch: PageWatch,
    step_timeout_s: float, times: dict[str, float], progress: list[str],
) -> None:
    """The reader's steps; fills ``times`` ("loaded": the page's load
    event, "markers", "click") and names each step in ``progress``."""
    timeout_ms = step_timeout_s * 1000
    context = await _watched_context(browser, watch)
    contexts.append(context)
    page = await context.new_page()
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda err: watch.console_errors.append(f"pageerror: {err}"))
    marker = page.frame_locator(MAP_FRAME).locator(f".site-{link.site}")
    opened = time.perf_counter()
    await page.goto(f"{base_url}/?{link.query}", timeout=timeout_ms)
    times["loaded"] = time.perf_counter() - opened
    progress.append("markers")
    await marker.wait_for(state="attached", timeout=timeout_ms)
    times["markers"] = time.perf_counter() - opened
    progress.append("script idle")
    await expect(page.locator(SCRIPT_IDLE)).to_have_count(1, timeout=timeout_ms)
    progress.append("click")
    clicked = time.perf_counter()
    await marker.click(timeout=timeout_ms)
    progress.append("sidebar text")
    sentence = page.locator(SIDEBAR).get_by_text(link.sentence, exact=False).first
    await sentence.wait_for(state="visible", timeout=timeout_ms)
    progress.append("site in URL")
    await _wait_for_site_in_url(page, link.site, step_timeout_s)
    times["click"] = time.perf_counter() - clicked


# --- one protocol-level reader ----------------------------------------------------------------


class ProtocolError(Exception):
    """The server's messages are not what a successful first run sends."""


def rerun_request(base_url: str, link: SharedLink) -> bytes:
    """The BackMsg the frontend sends once connected to a fresh tab: run the main page (empty
    page hash and name, as for ``/``) with the link's query string, no widget states, no cached
    message hashes (a fresh tab has none, so the server sends every message whole), and the tab's
    context."""
    msg = BackMsg()
    state = msg.rerun_script
    state.query_string = link.query
    context = state.context_info
    context.timezone = "UTC"
    context.timezone_offset = 0
    context.locale = "en-US"
    context.url = f"{base_url}/?{link.query}"
    context.is_embedded = False
    context.color_scheme = "light"
    return msg.SerializeToString()


def _is_map(msg: ForwardMsg, site: str) -> bool:
    """Whether a delta is the streamlit_folium component whose map script draws ``.site-<site>``."""
    element = msg.delta.new_element
    return (element.WhichOneof("type") == "component_instance"
            and element.component_instance.component_name == MAP_COMPONENT
            and f"site-{site}" in element.component_instance.json_args)


def _check(msg: ForwardMsg) -> None:
    """Raise ProtocolError for a message no successful run sends."""
    kind = msg.WhichOneof("type")
    if kind == "ref_hash":
        raise ProtocolError(f"reference to a cached message the client never had ({msg.ref_hash[:12]})")
    if kind == "delta" and msg.delta.new_element.WhichOneof("type") == "exception":
        error = msg.delta.new_element.exception
        raise ProtocolError(f"the script showed an exception: {error.type}: {error.message[:120]}")
    if kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
        raise ProtocolError("script compilation error")
    if kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
        raise ProtocolError("script_finished: FINISHED_WITH_COMPILE_ERROR")


async def _first_run(ws: websockets.ClientConnection, link: SharedLink, opened: float,
                     times: dict[str, float]) -> None:
    """Read ForwardMsgs until the run chain ends (``script_finished`` FINISHED_SUCCESSFULLY; a
    run stopped early for a rerun goes on to the next); note when the map arrives in ``times``."""
    map_in_run = False
    for _ in range(MAX_MESSAGES):
        data = await ws.recv()
        if not isinstance(data, bytes):
            raise ProtocolError("a text frame (Streamlit sends binary protobufs)")
        msg = ForwardMsg.FromString(data)
        _check(msg)
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            map_in_run = False
        elif kind == "delta" and _is_map(msg, link.site):
            map_in_run = True
            times.setdefault("map", time.perf_counter() - opened)
        elif kind == "script_finished" and msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
            if not map_in_run:
                raise ProtocolError(f"the run finished without the map naming site-{link.site}")
            times["finished"] = time.perf_counter() - opened
            return
    raise ProtocolError(f"no script_finished in {MAX_MESSAGES} messages")


def affinity_cookie(headers: websockets.datastructures.Headers) -> str | None:
    """The replica named by a load balancer's affinity cookie (``SRV``, as ``make cluster``'s
    HAProxy inserts it) in a handshake response; None without one."""
    for value in headers.get_all("Set-Cookie"):
        name, _, rest = value.partition("=")
        if name.strip() == AFFINITY_COOKIE:
            return rest.split(";", 1)[0].strip()
    return None


async def _converse(base_url: str, link: SharedLink, step_timeout_s: float, times: dict[str, float],
                    progress: list[str], found: dict[str, str]) -> None:
    """Connect as the frontend does, start the run, read it to its end, close; the replica a
    balancer chose goes into ``found``."""
    opened = time.perf_counter()
    async with websockets.connect(
        "ws" + base_url.removeprefix("http") + "/_stcore/stream", subprotocols=SUBPROTOCOLS,
        origin=Origin(base_url), proxy=None, open_timeout=step_timeout_s, close_timeout=5,
        ping_interval=None, max_size=2**26,  # a browser sends no pings (it answers the server's)
    ) as ws:
        times["connected"] = time.perf_counter() - opened
        if ws.response is not None and (replica := affinity_cookie(ws.response.headers)):
            found["replica"] = replica
        if ws.subprotocol != SUBPROTOCOLS[0]:
            raise ProtocolError(f"server chose subprotocol {ws.subprotocol!r}")
        progress.append("run")
        await ws.send(rerun_request(base_url, link))
        await asyncio.wait_for(_first_run(ws, link, opened, times), step_timeout_s)
        progress.append("close")


async def protocol_session(base_url: str, link: SharedLink, step_timeout_s: float,
                           delay_s: float = 0.0) -> ProtocolSession:
    """One protocol-level reader of ``link``: connect, run, close. Never raises for a server or
    protocol problem: it is reported in ``failure``; the whole session is limited to two steps."""
    await asyncio.sleep(delay_s)
    times: dict[str, float] = {}
    progress = ["connect"]
    found: dict[str, str] = {}
    try:
        await asyncio.wait_for(_converse(base_url, link, step_timeout_s, times, progress, found),
                               step_timeout_s * 2)
        failure = None
    except (OSError, asyncio.TimeoutError, WebSocketException, DecodeError, ProtocolError) as err:
        message = str(err).splitlines()[0][:160] if str(err) else "no message"
        failure = f"{progress[-1]}: {type(err).__name__}: {message}"
    return ProtocolSession(link.name, times.get("connected"), times.get("map"), times.get("finished"), failure,
                           found.get("replica"))


# --- phases -----------------------------------------------------------------------------------


async def close_all(contexts: Sequence[BrowserContext]) -> None:
    await asyncio.gather(*(context.close() for context in contexts), return_exceptions=True)


def phase_plan(baseline: int, concurrent: Sequence[int], prefix: str = "") -> list[tuple[str, int, int]]:
    """(name, sessions, group size): a sequential baseline, then each concurrent count at once."""
    return [(f"{prefix}baseline", baseline, 1)] + [(f"{prefix}{n} together", n, n) for n in concurrent]


async def measure_phase(
    name: str, count: int, group: int, session: Callable[[int, float], Awaitable[S]], target: Target,
    recorder: Recorder, stagger_s: float, cleanup: Callable[[], Awaitable[None]] | None = None,
) -> PhaseResult[S]:
    """``count`` sessions, ``group`` at a time (each group ``stagger_s`` apart in launch), on links
    taken in turn from LINKS; ``cleanup`` runs after the last, and the end sample SETTLE_S later."""
    recorder.phase = name
    start = recorder.sample()
    sessions: list[S] = []
    for first in range(0, count, group):
        batch = range(first, min(first + group, count))
        sessions += await asyncio.gather(*(session(i, (i - first) * stagger_s) for i in batch))
    if cleanup is not None:
        await cleanup()
    await asyncio.sleep(SETTLE_S)
    end = recorder.sample()
    return PhaseResult(name, group, tuple(sessions), start, end, recorder.peak_since(start),
                       await counts_now(target))


async def run_phase(
    name: str, count: int, group: int, browser: Browser, target: Target,
    recorder: Recorder, args: argparse.Namespace,
) -> PhaseResult[SessionResult]:
    """Browser readers; their contexts are closed at the end of the phase."""
    contexts: list[BrowserContext] = []

    def reader(index: int, delay_s: float) -> Awaitable[SessionResult]:
        return read_shared_link(browser, target.url, LINKS[index % len(LINKS)], contexts,
                                args.step_timeout, delay_s)

    return await measure_phase(name, count, group, reader, target, recorder, args.stagger,
                               lambda: close_all(contexts))


async def protocol_phase(
    name: str, count: int, group: int, target: Target, recorder: Recorder, args: argparse.Namespace,
    base_urls: Sequence[str] = (),
) -> PhaseResult[ProtocolSession]:
    """Protocol-level readers (each closes its own connection), on ``base_urls`` in turn if given
    (a cluster's replicas, bypassing the balancer), else on the target's URL."""
    urls = list(base_urls) or [target.url]

    def client(index: int, delay_s: float) -> Awaitable[ProtocolSession]:
        return protocol_session(urls[index % len(urls)], LINKS[index % len(LINKS)], args.step_timeout, delay_s)

    return await measure_phase(name, count, group, client, target, recorder, args.stagger)


def each_process(target: Target) -> list[str]:
    """The base URLs of the target's server processes when there are several (a cluster with
    --state), to reach each one directly; else [] (the target's own URL)."""
    urls = target.metrics_urls()
    return urls if len(urls) > 1 else []


@dataclass(frozen=True)
class Aftermath:
    """Memory once every session is closed: after the TTL (nothing forced), then after one
    more protocol reader has come and gone (its disconnect writes to the session store, which
    makes Streamlit drop the expired sessions)."""

    ttl_s: int
    after_ttl: Sample
    counts_after_ttl: SessionCounts
    after_next_reader: Sample
    next_reader: ProtocolSession
    counts_after_next_reader: SessionCounts


async def wait_out_ttl(target: Target, recorder: Recorder, args: argparse.Namespace, ttl_s: int,
                       label: str) -> Aftermath:
    """Wait the TTL out, sample, let one more reader come and go (one per server process of a
    cluster, directly: each drops its own expired sessions), sample again."""
    recorder.phase = f"waiting for TTL ({label})"
    await asyncio.sleep(ttl_s + TTL_MARGIN_S)
    after_ttl = recorder.sample()
    counts_after_ttl = await counts_now(target)
    recorder.phase = f"next reader ({label})"
    results = [await protocol_session(url, LINKS[0], args.step_timeout) for url in each_process(target) or [target.url]]
    result = next((r for r in results if not r.ok), results[-1])
    await asyncio.sleep(SETTLE_S * 2)
    return Aftermath(ttl_s, after_ttl, counts_after_ttl, recorder.sample(), result, await counts_now(target))


@dataclass(frozen=True)
class Run:
    """Everything measured in one run (no browser warm-up or phases with ``--server-only``)."""

    browser_warmup: PhaseResult[SessionResult] | None
    browser_phases: tuple[PhaseResult[SessionResult], ...]
    server_warmup: PhaseResult[ProtocolSession]
    server_phases: tuple[PhaseResult[ProtocolSession], ...]
    aftermath: Aftermath
    second_wave: PhaseResult[ProtocolSession]
    second_aftermath: Aftermath
    samples: tuple[Sample, ...]
    wall_s: float
    #: whether the server's processes were sampled (not with --url alone)
    measured: bool = True

    @property
    def start(self) -> PhaseResult:
        """The first warm-up: memory is compared with its end."""
        return self.browser_warmup or self.server_warmup

    @property
    def later_phases(self) -> tuple[PhaseResult, ...]:
        """Every phase after the first warm-up, up to the first TTL, in order."""
        server_warmup = (self.server_warmup,) if self.browser_warmup else ()
        return (*self.browser_phases, *server_warmup, *self.server_phases)

    @property
    def first_waves(self) -> tuple[PhaseResult, ...]:
        """The counted phases before the first TTL."""
        return (*self.browser_phases, *self.server_phases)

    @property
    def first_sessions(self) -> int:
        return sum(len(p.sessions) for p in self.first_waves)


async def browser_part(target: Target, recorder: Recorder, args: argparse.Namespace,
                       ) -> tuple[PhaseResult[SessionResult], tuple[PhaseResult[SessionResult], ...]]:
    """The browser warm-up (one session per server process: a balancer sends readers without a
    cookie to each in turn) and phases; Chromium is closed at the end."""
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        warmup = await run_phase("warm-up", max(len(each_process(target)), 1), 1, browser, target, recorder, args)
        phases = [await run_phase(name, count, group, browser, target, recorder, args)
                  for name, count, group in phase_plan(args.baseline, args.concurrent)]
        await browser.close()
    return warmup, tuple(phases)


async def run_all(target: Target, args: argparse.Namespace, ttl_s: int) -> Run:
    recorder = Recorder(target)
    stop = asyncio.Event()
    sampler = asyncio.create_task(recorder.run(stop))
    try:
        browser_warmup, browser_phases = (None, ()) if args.server_only else await browser_part(target, recorder, args)
        replicas = each_process(target)  # warm every replica up, not only the one the balancer picks
        server_warmup = await protocol_phase("server-only warm-up", max(len(replicas), 1), 1, target, recorder, args,
                                             replicas)
        server_phases = tuple([await protocol_phase(name, count, group, target, recorder, args)
                               for name, count, group in phase_plan(args.server_baseline, args.concurrent,
                                                                    "server-only ")])
        aftermath = await wait_out_ttl(target, recorder, args, ttl_s, "first")
        opened = sum(len(p.sessions) for p in (*browser_phases, *server_phases))
        group = max(args.concurrent)
        second_wave = await protocol_phase(f"second wave ({group} at a time)", opened, group, target, recorder, args)
        second_aftermath = await wait_out_ttl(target, recorder, args, ttl_s, "second")
    finally:
        stop.set()
        await sampler
    return Run(browser_warmup, browser_phases, server_warmup, server_phases, aftermath, second_wave,
               second_aftermath, tuple(recorder.samples), recorder.samples[-1].t_s, target.measured)


# --- figures ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float | None:
    """Linear-interpolated percentile (``share`` in 0..1); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    position = share * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def seconds(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f} s"


def _times(phase: PhaseResult[S], pick: Callable[[S], float | None]) -> list[float]:
    return [t for s in phase.sessions if (t := pick(s)) is not None]


def successes(phase: PhaseResult) -> int:
    return sum(s.ok for s in phase.sessions)


def spent(phase: PhaseResult, pick: Callable[[Sample], float]) -> float:
    """How much of a cumulative sample figure (a CPU time) the phase used."""
    return pick(phase.end) - pick(phase.start)


def server_cpu(phase: PhaseResult) -> float:
    return spent(phase, lambda s: s.server_cpu_s)


def session_table(phases: Sequence[PhaseResult[SessionResult]]) -> str:
    rows = ["| phase | sessions | successes | page load p50 | to markers p50 | p95 | max | click to text p50 "
            "| p95 | external requests | console errors |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for phase in phases:
        loads = _times(phase, lambda s: s.loaded_s)
        markers = _times(phase, lambda s: s.markers_s)
        clicks = _times(phase, lambda s: s.click_s)
        rows.append(
            f"| {phase.name} | {len(phase.sessions)} | {successes(phase)} | {seconds(percentile(loads, 0.5))} "
            f"| {seconds(percentile(markers, 0.5))} "
            f"| {seconds(percentile(markers, 0.95))} | {seconds(max(markers, default=None))} "
            f"| {seconds(percentile(clicks, 0.5))} | {seconds(percentile(clicks, 0.95))} "
            f"| {sum(len(s.external_requests) for s in phase.sessions)} "
            f"| {sum(len(s.console_errors) for s in phase.sessions)} |")
    return "\n".join(rows)


def protocol_table(phases: Sequence[PhaseResult[ProtocolSession]]) -> str:
    rows = ["| phase | sessions | successes | connect p50 | to map delta p50 | to script_finished p50 | p95 | max "
            "| wall | server CPU | per session |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for phase in phases:
        finished = _times(phase, lambda s: s.finished_s)
        wall = phase.end.t_s - phase.start.t_s
        rows.append(
            f"| {phase.name} | {len(phase.sessions)} | {successes(phase)} "
            f"| {seconds(percentile(_times(phase, lambda s: s.connected_s), 0.5))} "
            f"| {seconds(percentile(_times(phase, lambda s: s.map_s), 0.5))} "
            f"| {seconds(percentile(finished, 0.5))} | {seconds(percentile(finished, 0.95))} "
            f"| {seconds(max(finished, default=None))} | {wall:.1f} s "
            f"| {server_cpu(phase):.1f} s ({server_cpu(phase) / wall:.0%} of a core) "
            f"| {server_cpu(phase) / max(len(phase.sessions), 1):.2f} s |")
    return "\n".join(rows)


def per_link_table(browser_phases: Sequence[PhaseResult[SessionResult]],
                   server_phases: Sequence[PhaseResult[ProtocolSession]]) -> str:
    rows = ["| link | query | clicks | browser sessions | to markers p50 | click to text p50 "
            "| server-only sessions | to script_finished p50 |", "|---|---|---|---|---|---|---|---|"]
    for link in LINKS:
        sessions = [s for p in browser_phases for s in p.sessions if s.link == link.name]
        clients = [s for p in server_phases for s in p.sessions if s.link == link.name]
        markers = [s.markers_s for s in sessions if s.markers_s is not None]
        clicks = [s.click_s for s in sessions if s.click_s is not None]
        finished = [s.finished_s for s in clients if s.finished_s is not None]
        rows.append(f"| {link.name} | `?{link.query}` | `.site-{link.site}` | {len(sessions)} "
                    f"| {seconds(percentile(markers, 0.5))} | {seconds(percentile(clicks, 0.5))} "
                    f"| {len(clients)} | {seconds(percentile(finished, 0.5))} |")
    return "\n".join(rows)


def _counts(counts: SessionCounts) -> str:
    return f"{counts.active} active, {counts.connects} connects, {counts.disconnects} disconnects"


def _outcome(session: ProtocolSession) -> str:
    return "succeeded" if session.ok else f"failed: {session.problems}"


def _aftermath_rows(after: Aftermath, start: float, label: str) -> list[str]:
    return [f"| {label}: TTL ({after.ttl_s} s) + {TTL_MARGIN_S} s later | {after.after_ttl.rss_mb:.0f} MB "
            f"| {after.after_ttl.rss_mb - start:+.0f} MB | {_counts(after.counts_after_ttl)} |",
            f"| {label}: after one more reader came and went ({_outcome(after.next_reader)}) "
            f"| {after.after_next_reader.rss_mb:.0f} MB | {after.after_next_reader.rss_mb - start:+.0f} MB "
            f"| {_counts(after.counts_after_next_reader)} |"]


def _phase_rows(phase: PhaseResult, start: float) -> list[str]:
    return [f"| {phase.name}: peak | {phase.peak_rss_mb:.0f} MB | {phase.peak_rss_mb - start:+.0f} MB | |",
            f"| {phase.name}: end, sessions closed | {phase.end.rss_mb:.0f} MB "
            f"| {phase.end.rss_mb - start:+.0f} MB | {_counts(phase.counts_at_end)} |"]


def memory_table(run: Run) -> str:
    start = run.start.end.rss_mb
    rows = ["| moment | server RSS | vs. after warm-up | Streamlit's session counts |", "|---|---|---|---|",
            f"| after {run.start.name} (start) | {start:.0f} MB | – | {_counts(run.start.counts_at_end)} |"]
    for phase in run.later_phases:
        rows += _phase_rows(phase, start)
    rows += _aftermath_rows(run.aftermath, start, "first waves")
    rows += _phase_rows(run.second_wave, start)
    rows += _aftermath_rows(run.second_aftermath, start, "second wave")
    return "\n".join(rows)


@dataclass(frozen=True)
class Reuse:
    """RSS the first waves left behind once their sessions were dropped, and what a second wave
    of as many sessions added on top of that (peak and, once dropped in turn, retained)."""

    first_sessions: int
    first_growth_mb: float
    second_sessions: int
    second_peak_rise_mb: float
    second_growth_mb: float

    @property
    def limit_mb(self) -> float:
        return max(TARGET_REUSE_SHARE * self.first_growth_mb, RSS_NOISE_MB)

    @property
    def met(self) -> bool:
        return self.second_growth_mb < self.limit_mb


def memory_reuse(run: Run) -> Reuse:
    dropped = run.aftermath.after_next_reader.rss_mb
    return Reuse(run.first_sessions, dropped - run.start.end.rss_mb, len(run.second_wave.sessions),
                 run.second_wave.peak_rss_mb - dropped, run.second_aftermath.after_next_reader.rss_mb - dropped)


def reuse_text(reuse: Reuse) -> str:
    share = (f" ({reuse.second_growth_mb / reuse.first_growth_mb:.0%} of it)"
             if reuse.first_growth_mb > 0 else "")
    return (f"First waves: {reuse.first_sessions} sessions left RSS {reuse.first_growth_mb:+.0f} MB above the "
            f"warm-up once they were dropped (after the TTL and one more reader). Second wave: "
            f"{reuse.second_sessions} protocol sessions peaked {reuse.second_peak_rise_mb:+.0f} MB above that and "
            f"left {reuse.second_growth_mb:+.0f} MB{share} once dropped in turn. RSS alone cannot tell memory "
            "that is held from memory that is freed but kept by the allocator (CPython and glibc seldom return "
            "it to the system): if closed sessions were held, the second wave would add about as much again; "
            "if their memory is freed, the second wave reuses it and adds little. Target: under "
            f"{TARGET_REUSE_SHARE:.0%} of the first waves' growth (or under {RSS_NOISE_MB:g} MB). The second wave's "
            "sessions are protocol sessions (one run each, no click), lighter than browser sessions, so after "
            "browser phases it loads the server less than the first waves did; with --server-only both are alike. "
            "Streamlit's `active_sessions` counts connected sessions only; sessions kept for reconnection "
            "during the TTL are not in its metrics.")


def sessions_dropped(run: Run) -> bool:
    """Streamlit counts no session left and every connect matched by a disconnect, after each TTL."""
    moments = (run.aftermath.counts_after_ttl, run.aftermath.counts_after_next_reader,
               run.second_aftermath.counts_after_ttl, run.second_aftermath.counts_after_next_reader)
    return all(c.active == 0 and c.connects >= 0 and c.connects == c.disconnects for c in moments)


def cpu_table(phases: Sequence[PhaseResult], cores: int) -> str:
    rows = ["| phase | wall | server CPU | per session | Chromium + driver CPU | per session | this script "
            f"| all processes (machine) | capacity ({cores} cores x wall) |", "|---|---|---|---|---|---|---|---|---|"]
    for phase in phases:
        wall = phase.end.t_s - phase.start.t_s
        server = server_cpu(phase)
        browser = spent(phase, lambda s: s.browser_cpu_s)
        busy = spent(phase, lambda s: s.machine_busy_s)
        count = max(len(phase.sessions), 1)
        rows.append(f"| {phase.name} | {wall:.1f} s | {server:.1f} s ({server / wall:.0%} of a core) "
                    f"| {server / count:.2f} s | {browser:.1f} s | {browser / count:.2f} s "
                    f"| {spent(phase, lambda s: s.bench_cpu_s):.1f} s "
                    f"| {busy:.1f} s ({busy / (wall * cores):.0%}) | {wall * cores:.1f} s |")
    return "\n".join(rows)


def cpu_reading(phases: Sequence[PhaseResult]) -> str:
    """One sentence per concurrent phase: who used the CPU besides the server."""
    sentences = []
    for phase in phases:
        if phase.concurrent:
            server = max(server_cpu(phase), 1e-9)
            if isinstance(phase.sessions[0], SessionResult):
                browser = spent(phase, lambda s: s.browser_cpu_s)
                sentences.append(f"{phase.name}: Chromium used {browser / server:.0f}x the server's CPU.")
            else:
                bench = spent(phase, lambda s: s.bench_cpu_s)
                sentences.append(f"{phase.name}: the protocol clients (this script) used {bench / server:.2f}x "
                                 "the server's CPU.")
    return " ".join(sentences)


def growth_per_50(run: Run) -> float:
    return (run.aftermath.after_ttl.rss_mb - run.start.end.rss_mb) / max(run.first_sessions, 1) * 50


@dataclass(frozen=True)
class ReplicaMemory:
    """One server process of a cluster: its RSS after the warm-up, at its peak during the first
    waves and after their TTL, and how many of the first waves' sessions it served."""

    name: str
    after_warmup_mb: float
    peak_mb: float
    after_ttl_mb: float
    sessions: float

    @property
    def growth_per_50_mb(self) -> float:
        return (self.after_ttl_mb - self.after_warmup_mb) / max(self.sessions, 1) * 50


def replica_memory(run: Run) -> list[ReplicaMemory]:
    """Per server process, when there are several. Sessions are counted by the replica the
    balancer named in its affinity cookie; sessions without one (browser sessions) are shared
    out evenly. A process restarted during the run is left out (its RSS started again)."""
    names = [name for name, _ in run.start.end.rss_by_process]
    if len(names) < 2:
        return []
    sessions = [s for p in run.first_waves for s in p.sessions]
    unattributed = sum(getattr(s, "replica", None) not in names for s in sessions)
    start, end = run.start.end.t_s, run.aftermath.after_ttl.t_s
    found = []
    for name in names:
        before, after = run.start.end.rss_of(name), run.aftermath.after_ttl.rss_of(name)
        if before is None or after is None:
            continue
        peak = max((mb for smp in run.samples if start <= smp.t_s <= end and (mb := smp.rss_of(name)) is not None),
                   default=after)
        served = sum(getattr(s, "replica", None) == name for s in sessions) + unattributed / len(names)
        found.append(ReplicaMemory(name, before, peak, after, served))
    return found


def replica_memory_table(replicas: Sequence[ReplicaMemory]) -> str:
    rows = ["| replica | RSS after warm-up | peak (first waves) | after the first TTL | sessions served "
            "| growth per 50 of its sessions |", "|---|---|---|---|---|---|"]
    rows += [f"| {r.name} | {r.after_warmup_mb:.0f} MB | {r.peak_mb:.0f} MB | {r.after_ttl_mb:.0f} MB "
             f"| {r.sessions:.0f} | {r.growth_per_50_mb:+.1f} MB |" for r in replicas]
    return "\n".join(rows)


def _met(flag: bool) -> str:
    return "met" if flag else "**not met**"


def _ratio_row(what: str, phases: Sequence[PhaseResult[S]], pick: Callable[[S], float | None]) -> str:
    """The p95 target row: the phase of 25 sessions together (else the largest) against the
    single-session baseline."""
    baseline = phases[0]
    largest = next((p for p in phases if p.group == TARGET_RATIO_GROUP), phases[-1])
    single, many = percentile(_times(baseline, pick), 0.95), percentile(_times(largest, pick), 0.95)
    ratio = many / single if single and many else None
    reached = len(_times(largest, pick))
    figure = (f"{seconds(many)} vs {seconds(single)}: {ratio:.1f}x ({reached} of {len(largest.sessions)} "
              "reached it)" if ratio else "no session reached it")
    return (f"| {what}, {largest.name}, within {TARGET_P95_RATIO:g}x the single-session p95 | {figure} "
            f"| {_met(ratio is not None and ratio <= TARGET_P95_RATIO)} |")


def _success_row(what: str, phases: Sequence[PhaseResult]) -> str:
    everyone = [s for p in phases for s in p.sessions]
    ok = sum(s.ok for s in everyone)
    return f"| every {what} succeeds | {ok} of {len(everyone)} | {_met(ok == len(everyone))} |"


def targets_table(run: Run) -> str:
    rows = ["| target | figure | |", "|---|---|---|"]
    if run.browser_phases:
        rows += [_success_row("browser session", run.browser_phases),
                 _ratio_row("browser: p95 to markers", run.browser_phases, lambda s: s.markers_s)]
    rows += [_success_row("server-only session (second wave included)", (*run.server_phases, run.second_wave)),
             _ratio_row("server only, no browser: p95 connect to script_finished", run.server_phases,
                        lambda s: s.finished_s)]
    for phase in run.server_phases:
        if phase.group == TARGET_ABSOLUTE_GROUP:
            p95 = percentile(_times(phase, lambda s: s.finished_s), 0.95)
            rows.append(f"| server only: p95 of {phase.name} at most {TARGET_ABSOLUTE_P95_S:g} s | {seconds(p95)} "
                        f"| {_met(p95 is not None and p95 <= TARGET_ABSOLUTE_P95_S)} |")
    if not run.measured:
        rows.append("| memory targets | not measured: --url without --state names no server process | |")
        return "\n".join(rows)
    growth = growth_per_50(run)
    reuse = memory_reuse(run)
    counts = f"{_counts(run.aftermath.counts_after_next_reader)} (first); " \
             f"{_counts(run.second_aftermath.counts_after_next_reader)} (second)"
    rows += [f"| memory growth under {TARGET_GROWTH_PER_50_MB:g} MB per 50 sessions per replica ({r.name}) "
             f"| {r.growth_per_50_mb:+.1f} MB per 50 of its {r.sessions:.0f} | "
             f"{_met(r.growth_per_50_mb < TARGET_GROWTH_PER_50_MB)} |" for r in replica_memory(run)]
    rows += [
        f"| memory growth under {TARGET_GROWTH_PER_50_MB:g} MB per 50 sessions (RSS after the first TTL) "
        f"| {growth:+.1f} MB per 50 | {_met(growth < TARGET_GROWTH_PER_50_MB)} |",
        f"| closed sessions release their memory: (a) Streamlit's session count back to 0 after each TTL, "
        f"every connect disconnected | {counts} | {_met(sessions_dropped(run))} |",
        f"| closed sessions release their memory: (b) a second wave of as many sessions grows RSS by under "
        f"{TARGET_REUSE_SHARE:.0%} of the first waves' growth (or {RSS_NOISE_MB:g} MB) "
        f"| {reuse.second_growth_mb:+.0f} MB vs {reuse.first_growth_mb:+.0f} MB (limit {reuse.limit_mb:.0f} MB) "
        f"| {_met(reuse.met)} |",
    ]
    return "\n".join(rows)


def all_phases(run: Run) -> tuple[PhaseResult, ...]:
    """Every phase in order, warm-ups included."""
    return (run.start, *run.later_phases, run.second_wave)


def failures_text(run: Run) -> str:
    """One line per phase and kind of failure, with how many sessions and which links."""
    lines = []
    for phase in all_phases(run):
        links_by_problem: dict[str, list[str]] = {}
        for session in phase.sessions:
            if not session.ok:
                links_by_problem.setdefault(session.problems, []).append(session.link)
        for problem, links in links_by_problem.items():
            names = ", ".join(f"{link} x{links.count(link)}" for link in dict.fromkeys(links))
            lines.append(f"- {phase.name}: {len(links)} session(s) ({names}): {problem}")
    return "\n".join(lines) if lines else "None."


def server_log_problems(log_path: Path, limit: int = 20) -> str:
    words = ("Traceback", "Error", "Exception", "WARNING", "error")
    lines = [line for line in log_path.read_text(errors="replace").splitlines() if any(w in line for w in words)]
    if not lines:
        return "None (no traceback, error or warning in the server log)."
    shown = "\n".join(lines[:limit])
    return f"{len(lines)} lines, first {min(limit, len(lines))}:\n```\n{shown}\n```"


def write_csv(path: Path, samples: Sequence[Sample]) -> None:
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["t_s", "phase", "server_rss_mb", "server_cpu_s", "browser_cpu_s", "bench_cpu_s",
                         "machine_busy_cpu_s"])
        for s in samples:
            writer.writerow([f"{s.t_s:.2f}", s.phase, f"{s.rss_mb:.1f}", f"{s.server_cpu_s:.2f}",
                             f"{s.browser_cpu_s:.2f}", f"{s.bench_cpu_s:.2f}", f"{s.machine_busy_s:.2f}"])


PROTOCOL_METHOD = (
    "Each session is a websocket client (the `websockets` package) on `/_stcore/stream`, with the "
    "subprotocols the frontend offers (`streamlit`, then the XSRF slot: the frontend's placeholder "
    "`PLACEHOLDER_AUTH_TOKEN`, as the server reads that token only for a login cookie) and the server's own "
    "Origin. It sends the frontend's first BackMsg, `rerun_script` with a ClientState: the "
    "link's query string, the main page (empty page hash and name), no widget states, no cached-message "
    "hashes (a fresh tab has none, so the server sends every message whole and no `ref_hash` reference; one "
    "would fail the session) and a context (UTC, en-US, the link's URL). It reads ForwardMsgs until "
    "`script_finished` FINISHED_SUCCESSFULLY (a run FINISHED_EARLY_FOR_RERUN goes on to the next); the run must "
    f"have sent the `{MAP_COMPONENT}` component (a `new_element.component_instance` delta) whose map script "
    "names the link's `site-<id>`, and no exception element. Then it closes. Nothing needs acknowledging. "
    "Times from the start of the connect; no page, JavaScript, component iframe or static files are fetched.")


def memory_text(run: Run) -> str:
    """The memory section: the server's RSS (every replica's added up), per replica if several."""
    if not run.measured:
        return ("Not measured: --url alone names no server process (give --state with a cluster's "
                "state.json, or let this script start the server).")
    text = (memory_table(run) + f"\n\nGrowth per 50 sessions = (RSS after the first TTL - RSS after warm-up) / "
            f"{run.first_sessions} sessions x 50 = {growth_per_50(run):+.1f} MB.\n\n" + reuse_text(memory_reuse(run)))
    replicas = replica_memory(run)
    if replicas:
        text = ("RSS of every replica added up; per replica below.\n\n" + text + "\n\n"
                + replica_memory_table(replicas))
    return text


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def report(run: Run, args: argparse.Namespace, ttl_s: int, ttl_source: str, target: Target,
           loads: tuple[str, str]) -> str:
    cores = os.cpu_count() or 1
    command = " ".join(["$ .venv/bin/python bench/load.py", *map(shlex.quote, sys.argv[1:])]).rstrip()
    browser = ("One headless Chromium, one context per session; " if run.browser_phases
               else "Server-only run (--server-only): no browser; ")
    server = ("Server: DASHBOARD_OFFLINE=1, fresh data folder" if target.origin == "started"
              else f"Server: already running, measured with {target.origin}")
    parts = [
        f"```\n{command}\n```",
        f"{server}; disconnected-session TTL {ttl_s} s ({ttl_source}). "
        f"{browser}stagger {args.stagger:g} s; step timeout {args.step_timeout:g} s; {cores} cores; "
        f"load average {loads[0]} at the start, {loads[1]} at the end; whole run {run.wall_s:.0f} s.",
    ]
    if run.browser_warmup:
        parts.append("### Browser sessions (warm-up not counted in the targets)\n\n"
                     + session_table((run.browser_warmup, *run.browser_phases)))
    parts += [
        "### Server only, no browser: protocol sessions (warm-up not counted in the targets)\n\n"
        + protocol_table((run.server_warmup, *run.server_phases, run.second_wave)) + "\n\n" + PROTOCOL_METHOD,
        "### By link (all counted phases before the TTL)\n\n" + per_link_table(run.browser_phases, run.server_phases),
        "### Server memory\n\n" + memory_text(run),
        "### CPU (server vs the browser pages and the protocol clients on the same machine)\n\n"
        + cpu_table(all_phases(run), cores)
        + "\n\n\"Chromium + driver\": this script's child processes other than the server. \"This script\": the "
          "Playwright client and the protocol clients. \"All processes\" counts every busy core-second on the "
          "machine, other people's jobs included; the share is of the machine's capacity. "
        + cpu_reading(all_phases(run)),
        "### Targets\n\n" + targets_table(run),
        "### Sessions that failed\n\n" + failures_text(run),
        "### Server log\n\n" + (server_log_problems(target.log_path) if target.log_path
                                  else "Not read (a server this script did not start)."),
    ]
    if len(each_process(target)) > 1 or any(getattr(s, "replica", None) for p in run.server_phases for s in p.sessions):
        parts.insert(-4, "### Sessions per replica (the balancer's affinity cookie)\n\n" + replica_table(run))
    return "\n\n".join(parts)


def replica_table(run: Run) -> str:
    """How the balancer spread each protocol phase's sessions over the replicas."""
    phases = (run.server_warmup, *run.server_phases, run.second_wave)
    names = sorted({s.replica or "?" for p in phases for s in p.sessions})
    rows = ["| phase | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for phase in phases:
        counts = [sum((s.replica or "?") == name for s in phase.sessions) for name in names]
        rows.append(f"| {phase.name} | " + " | ".join(map(str, counts)) + " |")
    return "\n".join(rows)


def summary(run: Run, target: Target, loads: tuple[str, str]) -> dict:
    """The --json line: every counted session; p50/p95 of the largest simultaneous phase and the
    sequential baseline's p95 (time to markers in the browser, else to script_finished)."""
    if run.browser_phases:
        phases, pick, kind = run.browser_phases, (lambda s: s.markers_s), "browser: to markers"
    else:
        phases, pick, kind = run.server_phases, (lambda s: s.finished_s), "server only: to script_finished"
    counted = [s for p in (*run.browser_phases, *run.server_phases, run.second_wave) for s in p.sessions]
    largest = phases[-1]

    def rounded(value: float | None) -> float | None:
        return None if value is None else round(value, 3)

    return {
        "url": target.url, "measured": kind, "sessions": len(counted), "succeeded": sum(s.ok for s in counted),
        "largest_phase": largest.name, "p50_s": rounded(percentile(_times(largest, pick), 0.5)),
        "p95_s": rounded(percentile(_times(largest, pick), 0.95)),
        "single_p95_s": rounded(percentile(_times(phases[0], pick), 0.95)),
        "phases": [{"name": p.name, "sessions": len(p.sessions), "succeeded": successes(p),
                    "p50_s": rounded(percentile(_times(p, how), 0.5)),
                    "p95_s": rounded(percentile(_times(p, how), 0.95)),
                    "max_s": rounded(max(_times(p, how), default=None))}
                   for p, how in [*((p, pick) for p in phases), (run.second_wave, lambda s: s.finished_s)]],
        "growth_per_50_mb": round(growth_per_50(run), 1) if run.measured else None,
        "replicas": [{"name": r.name, "sessions": round(r.sessions, 1), "after_warmup_mb": round(r.after_warmup_mb, 1),
                      "after_ttl_mb": round(r.after_ttl_mb, 1), "growth_per_50_mb": round(r.growth_per_50_mb, 1)}
                     for r in replica_memory(run)] if run.measured else [],
        "load_average": {"start": loads[0], "end": loads[1]},
        "wall_s": round(run.wall_s, 1),
    }


# --- command line -----------------------------------------------------------------------------


def configured_ttl() -> tuple[int, str]:
    """The TTL the server will use without ``--ttl``, and where it is set, as Streamlit reads its
    options from the repository root (.streamlit/config.toml, environment, or its default)."""
    from streamlit import config

    previous = Path.cwd()
    os.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
    finally:
        os.chdir(previous)
    where = config.get_where_defined("server.disconnectedSessionTTL")
    source = "Streamlit's default" if where == "<default>" else where
    return int(config.get_option("server.disconnectedSessionTTL")), source


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="baselines of 1 browser and 2 server-only sessions, then 3 together (development)")
    parser.add_argument("--server-only", action="store_true",
                        help="only the protocol-level phases (no browser)")
    parser.add_argument("--url", help="measure the server or cluster already running at this URL (e.g. make cluster's "
                        "http://127.0.0.1:8501) instead of starting one")
    parser.add_argument("--state", type=Path,
                        help="with --url: the cluster supervisor's state.json (its --run-dir), to sample each "
                             "replica's memory and CPU and read its session counts")
    parser.add_argument("--ttl", type=int, help="server.disconnectedSessionTTL for the server, in seconds "
                        "(with --url: the TTL the server was started with)")
    parser.add_argument("--together", default="10,25",
                        help="sizes of the phases whose sessions arrive at the same instant, comma-separated "
                             "(default 10,25)")
    parser.add_argument("--json", action="store_true",
                        help="end with one JSON line: sessions, succeeded, p50_s, p95_s, single_p95_s, ...")
    parser.add_argument("--baseline", type=int, default=12, help="sequential browser baseline sessions (default 12)")
    parser.add_argument("--server-baseline", type=int, default=5,
                        help="sequential server-only baseline sessions (default 5)")
    parser.add_argument("--stagger", type=float, default=0.0, help="seconds between launches in a concurrent phase")
    parser.add_argument("--step-timeout", type=float, default=60.0, help="seconds per step before it fails")
    parser.add_argument("--csv", type=Path, help="write the server's RSS and CPU over time here")
    parser.add_argument("--log", type=Path, help="copy the server's log here")
    args = parser.parse_args()
    if args.baseline < 1 or args.server_baseline < 1:
        parser.error("--baseline and --server-baseline must be at least 1")
    if args.state and not args.url:
        parser.error("--state goes with --url")
    if args.url and args.log:
        parser.error("--log copies the log of a server this script started; not with --url")
    if args.url:
        args.url = args.url.rstrip("/")
    try:
        args.concurrent = tuple(int(n) for n in args.together.split(","))
    except ValueError:
        parser.error(f"--together takes numbers separated by commas, not {args.together!r}")
    if any(n < 2 for n in args.concurrent):
        parser.error("--together: each size must be at least 2")
    if args.quick:
        args.concurrent = (3,)
    if args.quick:
        args.baseline, args.server_baseline = 1, 2
    return args


def main() -> int:
    args = parse_args()
    if not args.server_only and chromium_path() is None:
        print("Chromium not found (make test installs Debian's chromium; --server-only needs none)", file=sys.stderr)
        return 2
    ttl_s, ttl_source = (args.ttl, "--ttl") if args.ttl is not None else configured_ttl()
    options = ("--server.disconnectedSessionTTL", str(ttl_s)) if args.ttl is not None else ()
    first_load = load_average()
    with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
        if args.url:
            target = url_target(args.url, args.state)
            run = asyncio.run(run_all(target, args, ttl_s))
        else:
            server = start_server(Path(folder), {"DASHBOARD_OFFLINE": "1"}, options=options)
            target = started_target(server)
            try:
                run = asyncio.run(run_all(target, args, ttl_s))
            finally:
                server.stop()
            if args.log:
                shutil.copyfile(server.log_path, args.log)
        if args.csv:
            write_csv(args.csv, run.samples)
        loads = (first_load, load_average())
        print(report(run, args, ttl_s, ttl_source, target, loads))
    if args.json:
        print(json.dumps(summary(run, target, loads)))
    counted = (*run.browser_phases, *run.server_phases, run.second_wave)
    return 0 if all(s.ok for p in counted for s in p.sessions) else 1


if __name__ == "__main__":
    sys.exit(main())
