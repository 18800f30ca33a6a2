"""The window on an app a test drives (``launch(window=True)``, ``pytest --swan-window``):
the qasync loop the test runs on, and the main window attached to the test's AppHost.
The automation layer reaches this only when a window is asked for
(emulator/automation/window.py), so the core stays Qt-free."""

from __future__ import annotations

# Qt WebEngine is set up before the application exists (emulator/gui/simulator/engine.py).
from emulator.gui.simulator import engine  # noqa: F401  # isort: skip

import asyncio
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PyQt6.QtWidgets import QApplication

from emulator.gui.loop import event_loop
from emulator.gui.main_window import MainWindow

if TYPE_CHECKING:
    from emulator.app.host import AppHost

_closing: set[Any] = set()  # closed windows Qt has not deleted yet


def qasync_loop() -> asyncio.AbstractEventLoop:
    """A new qasync event loop on the (one) QApplication."""
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    return event_loop(app)


class DrivenWindow:
    """The main window shown on ``host`` (attached before the host starts, so it sees
    everything); :meth:`close` lets go of the app (the test closes the app itself)."""

    def __init__(self, host: AppHost) -> None:
        self.window = MainWindow(lambda _path: host.settings)
        self.window.attach(host)
        self.window.setWindowTitle(f"{host.package.name} — swan-emulator (driven by a test)")
        self.window.show()

    def screenshot(self, path: Path) -> bool:
        """Save the window as PNG; False if it cannot be written."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.window.intake.flush()
        return self.window.grab().save(str(path), "PNG")

    def close(self) -> None:
        window = self.window
        window.host = None  # the window must not stop the test's app
        window.intake.flush()
        window.intake.detach()
        window.close()
        # Qt deletes it when its pending events are done; until then Python must keep it
        # (a window collected with a web view's events pending crashes the process).
        _closing.add(window)
        window.destroyed.connect(lambda *_a, w=window: _closing.discard(w))
        window.deleteLater()
