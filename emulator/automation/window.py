"""``launch(window=True)``: the desktop window on the app a test drives.

The window observes the same :class:`~emulator.app.host.AppHost` the test drives (its event
bus), on the running event loop, which must be qasync's (Qt's events run on it; ``pytest
--swan-window`` provides it). This module checks those conditions without Qt; the window
itself is emulator/gui/driven.py, imported only when one is asked for, so the automation
API stays Qt-free (tests/test_architecture.py).
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.automation.errors import AutomationError
from emulator.gui.display import display_available

if TYPE_CHECKING:
    from emulator.app.host import AppHost

NO_DISPLAY = ("launch(window=True) needs a display to open the window on: run the tests "
              "under Xvfb (xvfb-run -a pytest --swan-window …), or set "
              "QT_QPA_PLATFORM=offscreen to run the window unseen")
NO_QASYNC = ("launch(window=True) needs the qasync event loop (Qt's events run on it): "
             "run the test with pytest --swan-window, or a script with qasync.run(main())")


def is_qasync_loop(loop: asyncio.AbstractEventLoop) -> bool:
    """Whether ``loop`` is qasync's (checked by module: importing qasync loads Qt)."""
    return any(cls.__module__.split(".")[0] == "qasync" for cls in type(loop).__mro__)


def qasync_loop() -> asyncio.AbstractEventLoop:
    """A new qasync event loop on the (one) QApplication, Qt WebEngine set up first.
    AutomationError without a display."""
    if not display_available():
        raise AutomationError(NO_DISPLAY)
    from emulator.gui.driven import qasync_loop as make  # Qt, only for a window

    return make()


class ShownWindow:
    """The window shown on a launched app; :meth:`close` lets go of the app (the test
    closes the app itself) and closes the window."""

    def __init__(self, driven: Any) -> None:
        self.driven = driven  # emulator.gui.driven.DrivenWindow
        self.window = driven.window

    def screenshot(self, path: Path) -> Path:
        """Save the window as PNG (AutomationError if it cannot be written)."""
        if not self.driven.screenshot(path):
            raise AutomationError(f"cannot write the screenshot {path}")
        return path

    def close(self) -> None:
        self.driven.close()


def open_window(host: AppHost) -> ShownWindow:
    """Show the main window on ``host`` (before it starts, so the window sees everything).
    AutomationError without a display or a qasync loop."""
    if not display_available():
        raise AutomationError(NO_DISPLAY)
    if not is_qasync_loop(asyncio.get_running_loop()):
        raise AutomationError(NO_QASYNC)
    from emulator.gui.driven import DrivenWindow  # Qt, only for a window

    return ShownWindow(DrivenWindow(host))
