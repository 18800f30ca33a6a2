"""The network panel's lab actions (issue 13 part 3): Replay and Edit and resend send a
recorded request again through :meth:`emulator.app.host.AppHost.replay`; Mock this
response turns a real answer into a rule in the Mock panel's editor."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QWidget

from emulator.flows.flow import HttpFlow
from emulator.gui.panels.resend import RequestEditor
from emulator.net.mock.dump import flow_rule
from emulator.net.resend import CannotReplay, RequestEdits

if TYPE_CHECKING:
    from emulator.app.host import AppHost

log = logging.getLogger(__name__)


class LabActions:
    """What the row menu's lab entries do; dialogs open over ``parent``."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent
        self._host_of: Callable[[], AppHost | None] | None = None
        self._mock: Callable[[dict[str, Any]], object] = lambda _data: None
        self._say: Callable[[str], None] = lambda _text: None
        self._tasks: set[asyncio.Future[HttpFlow]] = set()
        self.resend_editor: RequestEditor | None = None

    @property
    def connected(self) -> bool:
        """Whether the window has connected the actions to its app."""
        return self._host_of is not None

    def connect(self, host_of: Callable[[], AppHost | None],
                    mock: Callable[[dict[str, Any]], object],
                    say: Callable[[str], None]) -> None:
        """Offer Replay, Edit and resend and Mock this response in the row menu:
        ``host_of()`` is the app in the window; ``mock(rule_json)`` opens the Mock panel's
        editor on a new rule; ``say`` shows a line in the status bar."""
        self._host_of, self._mock, self._say = host_of, mock, say

    def replay(self, flow: HttpFlow,
               edits: RequestEdits | None = None) -> asyncio.Future[HttpFlow] | None:
        """Send ``flow``'s request again (with ``edits``) outside the app; the new flow
        appears in the table, marked. The task is returned (None without an app)."""
        host = self._host_of() if self._host_of is not None else None
        if host is None:
            self._say("no app is running")
            return None
        task = asyncio.ensure_future(host.replay(flow, edits))
        self._tasks.add(task)  # referenced until done: the loop keeps weak ones only
        task.add_done_callback(self._replayed)
        return task

    def _replayed(self, task: asyncio.Future[HttpFlow]) -> None:
        self._tasks.discard(task)
        if task.cancelled():
            return
        error = task.exception()
        if isinstance(error, CannotReplay):
            self._say(f"✕ cannot replay: {error}")
        elif error is not None:
            log.error("replay failed", exc_info=error)
            self._say(f"✕ replay failed: {type(error).__name__}")
        else:
            new = task.result()
            outcome = f"failed: {new.error_message}" if new.error is not None else \
                str(new.response.status if new.response else new.state.value)
            self._say(f"#{new.replayed} replayed as #{new.id}: {outcome}")

    def edit_and_resend(self, flow: HttpFlow) -> RequestEditor:
        """Open ``flow``'s request in an editor; Send replays it with the edits."""
        if self.resend_editor is not None:
            self.resend_editor.close()
        editor = RequestEditor(flow, self.parent)
        self.resend_editor = editor

        def finished(result: int) -> None:
            if self.resend_editor is editor:
                self.resend_editor = None
            if result and editor.edits is not None:
                self.replay(flow, editor.edits)
            editor.deleteLater()

        editor.finished.connect(finished)
        editor.open()  # not exec(): the app and its network keep running meanwhile
        return editor

    def mock_response(self, flow: HttpFlow) -> None:
        """A rule answering what ``flow`` got, opened in the Mock panel's editor."""
        try:
            data = flow_rule(flow)
        except ValueError as exc:
            self._say(f"✕ {exc}")
            return
        self._mock(data)
        if flow.response is not None and flow.response.body.truncated:
            self._say(f"the body was kept only in part ({len(flow.response.body.data):,} of "
                      f"{flow.response.body.size:,} bytes): the rule has that part")
