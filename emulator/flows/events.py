"""Typed events the core publishes; every UI (headless printer, GUI panels, HAR writer)
only observes them.

Contract: events are published on the loop thread, in the order things happened. An
observer must not block; one that raises is logged and the others still run.

An event is something that happened once: it is equal only to itself (``eq=False``: also
no ``__eq__`` and ``__hash__`` written for each of the classes below at start-up, ~3 ms
of a cold start, issue 14).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

from emulator.errors import ScriptError

if TYPE_CHECKING:  # the flow model waits for the first network call (issue 14)
    from emulator.flows.flow import HttpFlow, SocketFlow, SocketFrame, TransferFlow

ConsoleLevel = Literal["log", "info", "debug", "warn", "error"]


@dataclass(frozen=True, eq=False)
class Event:
    """Base of every event; ``timestamp`` is wall-clock seconds."""

    timestamp: float = field(default_factory=time.time, kw_only=True)


@dataclass(frozen=True, eq=False)
class ConsoleMessage(Event):
    """One ``console.*`` call of the app, already formatted as the devtools show it."""

    level: ConsoleLevel
    text: str
    location: str | None = None  # file:line of the call, for warn/error


@dataclass(frozen=True, eq=False)
class UncaughtError(Event):
    """An exception the app did not catch (in a lifecycle hook, callback, timer, job)."""

    error: ScriptError
    where: str = ""  # what was running, e.g. "onLoad of pages/index/index"


@dataclass(frozen=True, eq=False)
class UncaughtErrorRepeated(Event):
    """The same uncaught error (message, place, what was running) happened again.

    Published at most every few seconds, and when the app stops, with the totals so far:
    a runaway ``setInterval`` that throws gives one UncaughtError and a few of these, not
    one line per throw.
    """

    error: ScriptError
    where: str
    count: int  # occurrences so far, the first included
    first: float  # wall-clock seconds
    last: float


@dataclass(frozen=True, eq=False)
class UiRequest(Event):
    """A toast, loading indicator, modal or action sheet the app asked for."""

    kind: str  # showToast, hideToast, showLoading, hideLoading, showModal, ...
    options: dict[str, Any]


@dataclass(frozen=True, eq=False)
class LoadProblem(Event):
    """A part of the app that could not be loaded (a page file, a component, a page's JSON).

    The rest of the app runs; opening the broken page fails as on the platform.
    """

    file: str  # relative to the app folder, with :line when known
    message: str


@dataclass(frozen=True, eq=False)
class AccountCall(Event):
    """An account, authorisation or payment API answered by the emulated account."""

    api: str  # login, checkSession, authorize, requestPolymerPayment, ...
    ok: bool
    summary: str  # what the app got, e.g. "code 3f…NW" or "scope.userInfo denied (asked)"


@dataclass(frozen=True, eq=False)
class PageCreated(Event):
    """A page instance was created (before its onLoad)."""

    page_id: int
    route: str
    query: dict[str, str]
    data: Any
    methods: list[str]


@dataclass(frozen=True, eq=False)
class PageDataChanged(Event):
    """``setData`` ran on a page or component; ``changes`` maps data paths to new values."""

    page_id: int
    route: str
    changes: dict[str, Any]


@dataclass(frozen=True, eq=False)
class PageLifecycle(Event):
    """A page lifecycle hook is about to run (onLoad, onShow, onReady, onHide, onUnload)."""

    page_id: int
    route: str
    hook: str


@dataclass(frozen=True)
class PageRef:
    """One entry of the page stack (a value, unlike the events)."""

    page_id: int
    route: str
    query: dict[str, str]


@dataclass(frozen=True, eq=False)
class PageStackChanged(Event):
    """The page stack after a navigation; the last page is the one on screen."""

    pages: tuple[PageRef, ...]


@dataclass(frozen=True, eq=False)
class ComponentCreated(Event):
    """A custom component instance of a page: one per occurrence of its tag in a rendered
    template (one per ``usingComponents`` entry on a page without a template); its
    ``data`` is what its template renders with."""

    instance_id: int
    page_id: int
    name: str  # the tag name in the declaring template
    path: str  # the component's files, without extension
    data: Any
    parent_id: int = 0  # the page or component instance whose template declares the tag
    add_global_class: bool = False  # Component({options: {addGlobalClass: true}})
    external_classes: tuple[str, ...] = ()  # Component({externalClasses: [...]})


@dataclass(frozen=True, eq=False)
class ComponentEvent(Event):
    """A component called ``triggerEvent(name, detail, options)``."""

    instance_id: int
    name: str
    detail: Any
    options: dict[str, Any]


@dataclass(frozen=True, eq=False)
class PageRendered(Event):
    """A page's view changed: ``patches`` as emulator/view/tree.py describes them (the
    first render is one insert per top-level node)."""

    page_id: int
    route: str
    patches: list[dict[str, Any]]


@dataclass(frozen=True, eq=False)
class AppLaunched(Event):
    """The app's ``onLaunch`` ran and its first page is open."""

    name: str
    root: str


@dataclass(frozen=True, eq=False)
class AppStopped(Event):
    """The app was closed; no more events come from it."""

    root: str


# ---- network flows ------------------------------------------------------------------------
# Every flow receives FlowStarted first, then either FlowResponse followed by FlowFinished,
# or FlowFailed (possibly after FlowResponse, when the body broke off) -- never both
# FlowFinished and FlowFailed.


@dataclass(frozen=True, eq=False)
class FlowStarted(Event):
    """The app made a call; the flow exists (queued, or already refused). Sockets too."""

    flow: HttpFlow | SocketFlow


@dataclass(frozen=True, eq=False)
class FlowResponse(Event):
    """Response headers arrived (the body may still be coming)."""

    flow: HttpFlow


@dataclass(frozen=True, eq=False)
class FlowFinished(Event):
    """The exchange completed; the app got success."""

    flow: HttpFlow


@dataclass(frozen=True, eq=False)
class FlowFailed(Event):
    """The exchange ended in an error (refused, timeout, abort, TLS...); see flow.error."""

    flow: HttpFlow


@dataclass(frozen=True, eq=False)
class TransferProgress(Event):
    """An upload or download moved on. Coalesced: at most ~20 per second per transfer, plus
    the last one; read ``flow.bytes_done`` / ``bytes_expected`` / ``rate``."""

    flow: TransferFlow


# ---- WebSockets ----------------------------------------------------------------------------
# A socket flow gets FlowStarted, then SocketOpened, SocketFrameEvent*, SocketClosed; or
# SocketFailed when it never opened (refused, handshake failed).


@dataclass(frozen=True, eq=False)
class SocketOpened(Event):
    """The handshake succeeded (``flow.response_headers`` hold the server's answer)."""

    flow: SocketFlow


@dataclass(frozen=True, eq=False)
class SocketFrameEvent(Event):
    """A frame went out (send) or came in (receive), in order."""

    flow: SocketFlow
    frame: SocketFrame


@dataclass(frozen=True, eq=False)
class SocketClosed(Event):
    """The connection ended: ``close_code``/``close_reason``/``closed_by`` say how."""

    flow: SocketFlow


@dataclass(frozen=True, eq=False)
class SocketFailed(Event):
    """The socket never opened; ``flow.error`` says why."""

    flow: SocketFlow
