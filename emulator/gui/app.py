"""Starting the desktop window on a qasync loop (the same core as the headless runner)."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

import qasync
from PyQt6.QtCore import QTimer
from PyQt6.QtWidgets import QApplication

from emulator.config import Settings
from emulator.gui.main_window import MainWindow


def run_gui(app_dir: Path | None, settings_for: Callable[[Path], Settings], *,
            page: str | None = None, condition: str | None = None,
            screenshot: Path | None = None, quit_after: float | None = None) -> int:
    """Open the window (on ``app_dir`` if given, first on ``page``, ``ROUTE[?QUERY]``, or
    in the project's compile mode ``condition``, if given; reloads keep it) and run until
    it closes.

    With ``screenshot``, the window is saved as PNG after ``quit_after`` seconds (default 3)
    and the program exits; this works offscreen (QT_QPA_PLATFORM=offscreen).
    """
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("swan-emulator")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = MainWindow(settings_for)
    if screenshot is not None:
        window.resize(1400, 900)  # documentation size, whatever the saved layout
    window.show()
    closed = asyncio.Event()
    app.aboutToQuit.connect(closed.set)
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
        app.quit()

    with loop:
        loop.create_task(start())
        if screenshot is not None or quit_after is not None:
            QTimer.singleShot(int((quit_after if quit_after is not None else 3.0) * 1000),
                              finish)
        loop.run_until_complete(closed.wait())
        if window.host is not None:
            loop.run_until_complete(window.stop())
    return status
