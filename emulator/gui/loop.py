"""The asyncio loop the window runs on: qasync, with each run in a nested Qt event loop.

qasync runs ``QApplication.exec()`` for every ``run_until_complete``. Qt WebEngine tears
itself down when ``exec()`` first returns (on ``aboutToQuit``), so a second run with a web
view alive crashes the process. Here each run is a ``QEventLoop.exec()`` of its own:
nothing quits the application until the process ends, and the window, the tests and the
benchmarks can run the loop as often as they need.
"""

from __future__ import annotations

from typing import Any

import qasync
from PyQt6.QtCore import QAbstractEventDispatcher, QEventLoop
from PyQt6.QtWidgets import QApplication


class _NestedRuns:
    """Stands in for the application where qasync drives it (exec, exit, the dispatcher)."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self._runs: list[QEventLoop] = []

    @property
    def aboutToQuit(self) -> Any:
        return self.app.aboutToQuit

    def exec(self) -> int:
        run = QEventLoop()
        self._runs.append(run)
        try:
            return run.exec()
        finally:
            self._runs.pop()

    def exit(self, code: int = 0) -> None:
        if self._runs:
            self._runs[-1].exit(code)

    def eventDispatcher(self) -> QAbstractEventDispatcher | None:
        return self.app.eventDispatcher()


def event_loop(app: QApplication) -> qasync.QEventLoop:
    """A qasync loop on ``app`` that may be run any number of times."""
    return qasync.QEventLoop(_NestedRuns(app))  # type: ignore[arg-type]
