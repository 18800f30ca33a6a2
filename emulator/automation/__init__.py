"""Drive a mini-program from Python: launch it, read and tap its rendered pages, watch
its network, in plain pytest or a script — no IDE, no window.

    async with launch("path/to/app") as app:
        page = app.current_page()
        await page.query("#go").tap()
        flow = await app.network.wait_for_flow(url="*/echo*")

A thin typed layer over :class:`~emulator.app.host.AppHost` (the object the window and the
headless runner drive): it adds waits with timeouts and failure messages that say what was
awaited and what was seen instead. :mod:`emulator.automation.sync` is the same without
``await`` (for scripts); ``swan-emulator run APP --script`` runs step files on it
(docs/script-steps.md).
"""

from __future__ import annotations

from emulator.automation.errors import AutomationError, WaitTimeout
from emulator.automation.mocks import SwanMock
from emulator.automation.network import Network
from emulator.automation.page import Element, Page
from emulator.automation.program import MiniProgram, launch
from emulator.automation.storage import Storage

__all__ = ["AutomationError", "Element", "MiniProgram", "Network", "Page", "Storage",
           "SwanMock", "WaitTimeout", "launch"]
