"""GUI tests: the real window on a qasync loop (offscreen), apps on the builtin backend."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import qasync

from emulator.config import load_settings
from emulator.gui.loop import event_loop
from emulator.gui.main_window import MainWindow

REPO = Path(__file__).resolve().parents[2]
BUILTIN = {
    "domains": {"request": ["https://api.demo.test"], "uploadFile": ["https://api.demo.test"],
                "downloadFile": ["https://api.demo.test"], "socket": ["wss://api.demo.test"]},
    "hosts": {"api.demo.test": "builtin"},
}


class Driver:
    """Runs a test's scenario inside the window's qasync loop (so the app's tasks always
    run with the loop running), and waits for conditions."""

    def __init__(self, loop: qasync.QEventLoop, window: MainWindow) -> None:
        self.loop = loop
        self.window = window

    def run(self, coro: Coroutine[Any, Any, Any]) -> Any:
        return self.loop.run_until_complete(coro)

    async def until(self, condition: Callable[[], Any], timeout: float = 15.0) -> Any:
        """Let the loop and Qt run until ``condition()`` is truthy (or fail)."""
        deadline = time.monotonic() + timeout
        while True:
            self.window.intake.flush()
            value = condition()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {condition}")
            await asyncio.sleep(0.05)

    async def open(self, path: Path) -> None:
        await self.window.start(path)

    def console_text(self) -> str:
        return "\n".join(line.text for line in self.window.console.lines)


@pytest.fixture(scope="session")
def qapp_args() -> list[str]:
    """Chromium (Qt WebEngine) needs a program name in the application's arguments."""
    return ["swan-emulator-tests"]


@pytest.fixture
def gui(qapp: Any) -> Any:
    """The main window on a fresh qasync loop; the app is stopped afterwards."""
    loop = event_loop(qapp)
    asyncio.set_event_loop(loop)
    window = MainWindow(lambda p: load_settings(p))
    window.show()
    driver = Driver(loop, window)
    yield driver

    async def shut() -> None:
        await window.stop()
        await asyncio.sleep(0.1)  # cancelled work finishes while the loop runs

    driver.run(shut())
    window.intake.detach()
    window.close()
    window.deleteLater()
    loop.close()
    asyncio.set_event_loop(None)


@pytest.fixture
def opened_windows(monkeypatch: pytest.MonkeyPatch) -> list[MainWindow]:
    """The windows `swan-emulator` opens during the test (run through cli.main in the
    test's process), in order."""
    from emulator.gui import app as gui_app

    windows: list[MainWindow] = []

    class Recorded(MainWindow):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            windows.append(self)

    monkeypatch.setattr(gui_app, "MainWindow", Recorded)
    return windows
