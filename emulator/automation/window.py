"""``launch(window=True)``: the desktop window on the app a test drives.

The window observes the same :class:`~emulator.app.host.AppHost` the test drives (its event
bus), on the running event loop, which must be qasync's (Qt's events run on it; ``pytest
--swan-window`` provides it). Qt is imported only here, only when a window is asked for:
the automation API stays Qt-free otherwise (tests/test_architecture.py).
"""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.automation.errors import AutomationError

if TYPE_CHECKING:
    from emulator.app.host import AppHost

NO_DISPLAY = ("launch(window=True) needs a display to open the window on: run the tests "
              "under Xvfb (xvfb-run -a pytest --swan-window …), or set "
              "QT_QPA_PLATFORM=offscreen to run the window unseen")
NO_QASYNC = ("launch(window=True) needs the qasync event loop (Qt's events run on it): "
             "run the test with pytest --swan-window, or a script with qasync.run(main())")


_closing: set[Any] = set()  # closed windows Qt has not deleted yet


def display_available() -> bool:
    """Whether Qt can open a window: not Linux, a chosen Qt platform, X or Wayland (the
    rule the window's own start uses, emulator/gui/app.py)."""
    return (not sys.platform.startswith("linux") or bool(os.environ.get("QT_QPA_PLATFORM"))
            or bool(os.environ.get("DISPLAY")) or bool(os.environ.get("WAYLAND_DISPLAY")))


def is_qasync_loop(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` is qasync's (checked by module: importing qasync loads Qt)."""
    return any(cls.__module__.split(".")[0] == "qasync" for cls in type(loop).__mro__)


def qasync_loop() -> asyncio.AbstractEventLoop:
    """A new qasync event loop on the (one) QApplication, made after Qt WebEngine is set
    up (it must come first: emulator/gui/simulator/engine.py). Needs a display."""
    if not display_available():
        raise AutomationError(NO_DISPLAY)
    # Imported here: Qt, only for a window. The engine module before the application.
    from emulator.gui.simulator import engine  # noqa: F401  # isort: skip
    from PyQt6.QtWidgets import QApplication

    from emulator.gui.loop import event_loop

    app = QApplication.instance() or QApplication(sys.argv[:1])
    loop: asyncio.AbstractEventLoop = event_loop(app)
    return loop


class ShownWindow:
    """The window shown on a launched app; :meth:`close` lets go of the app (the test
    closes the app itself) and closes the window."""

    def __init__(self, window: Any) -> None:
        self.window = window

    def screenshot(self, path: Path) -> Path:
        """Save the window as PNG (AutomationError if it cannot be written)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        self.window.intake.flush()
        if not self.window.grab().save(str(path), "PNG"):
            raise AutomationError(f"cannot write the screenshot {path}")
        return path

    def close(self) -> None:
        self.window.host = None  # the window must not stop the test's app
        self.window.intake.flush()
        self.window.intake.detach()
        self.window.close()
        # Qt deletes it when its pending events are done; until then Python must keep it
        # (a window collected with a web view's events pending crashes the process).
        _closing.add(self.window)
        self.window.destroyed.connect(lambda *_a, w=self.window: _closing.discard(w))
        self.window.deleteLater()


def open_window(host: AppHost) -> ShownWindow:
    """Show the main window on ``host`` (before it starts, so the window sees everything).
    AutomationError without a display or a qasync loop."""
    if not display_available():
        raise AutomationError(NO_DISPLAY)
    if not is_qasync_loop(asyncio.get_running_loop()):
        raise AutomationError(NO_QASYNC)
    # Imported here: Qt (the core imports no Qt).
    from emulator.gui.main_window import MainWindow

    window = MainWindow(lambda _path: host.settings)
    window.attach(host)
    window.setWindowTitle(f"{host.package.name} — swan-emulator (driven by a test)")
    window.show()
    return ShownWindow(window)
