"""Starting the desktop window on a qasync loop (the same core as the headless runner)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QTimer, QtMsgType, qInstallMessageHandler
from PyQt6.QtWidgets import QApplication

from emulator.config import Settings
from emulator.gui.display import display_available
from emulator.gui.loop import event_loop
from emulator.gui.main_window import MainWindow

# Qt's notes on what the machine lacks (a GPU offscreen, a sandbox as root): not the app's.
_QUIET = ("This plugin does not support propagateSizeHints()", "QRhiGles2: Failed to create",
          "Failed to create RHI", "Sandboxing disabled by user", "GPUInfo not initialized")


def _qt_message(kind: QtMsgType, _context: object, message: str | None) -> None:
    """Qt's own log, less what the offscreen platform says on every window."""
    if message and not message.startswith(_QUIET):
        print(message, file=sys.stderr)


def run_gui(app_dir: Path | None, settings_for: Callable[[Path], Settings], *,
            page: str | None = None, condition: str | None = None,
            screenshot: Path | None = None, quit_after: float | None = None,
            panel: str | None = None) -> int:
    """Open the window (on ``app_dir`` if given, first on ``page``, ``ROUTE[?QUERY]``, or
    in the project's compile mode ``condition``, if given; reloads keep it) and run until
    it closes.

    With ``screenshot``, the window is saved as PNG after ``quit_after`` seconds (default 3)
    and the program exits; this works offscreen (QT_QPA_PLATFORM=offscreen).
    """
    if not display_available():
        print("swan-emulator: no display to open the window on. Run it under Xvfb "
              "(xvfb-run -a swan-emulator …), offscreen with a screenshot "
              "(QT_QPA_PLATFORM=offscreen swan-emulator APP --screenshot out.png), or "
              "headless: swan-emulator run APP", file=sys.stderr)
        return 2
    qInstallMessageHandler(_qt_message)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("swan-emulator")
    loop = event_loop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(settings_for)
    if screenshot is not None:
        window.resize(1400, 900)  # documentation size, whatever the saved layout
    if panel is not None or screenshot is not None:
        # The panel in front: the one asked for, else Network (not whatever the last
        # session left raised).
        # AppData is a dock only when the page renders in a web view (else it is the page).
        window.docks.get(panel or "Network", window.docks["Network"]).raise_()
    window.show()
    closed = asyncio.Event()
    # The loop never runs QApplication.exec() (emulator/gui/loop.py): the window closing is
    # the end.
    window.closed.connect(closed.set)
    status = 0

    async def start() -> None:
        if app_dir is not None:
            await window.open_app(app_dir, page, condition)

    def finish() -> None:
        nonlocal status
        if screenshot is not None:
            window.intake.flush()
            app.processEvents()
            if not window.grab().save(str(screenshot), "PNG"):
                print(f"swan-emulator: cannot write {screenshot}", file=sys.stderr)
                status = 1
            else:
                print(f"[screenshot] {screenshot}", file=sys.stderr)
        window.close()

    with loop:
        loop.create_task(start())
        if screenshot is not None or quit_after is not None:
            QTimer.singleShot(int((quit_after if quit_after is not None else 3.0) * 1000),
                              finish)
        loop.run_until_complete(closed.wait())
        if window.host is not None:
            loop.run_until_complete(window.stop())
    return status
