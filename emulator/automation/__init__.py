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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from emulator.automation.errors import AutomationError, WaitTimeout
    from emulator.automation.mocks import SwanMock
    from emulator.automation.network import Network
    from emulator.automation.page import Element, Page
    from emulator.automation.program import MiniProgram, launch
    from emulator.automation.storage import Storage

__all__ = ["AutomationError", "Element", "MiniProgram", "Network", "Page", "Storage",
           "SwanMock", "WaitTimeout", "launch"]

# Imported on first use: the pytest plugin (loaded by every pytest run where the emulator
# is installed, and by each xdist controller) lives in this package, and the app host,
# QuickJS and the mock machinery behind these names cost ~0.12 s.
_MODULE_OF = {"AutomationError": "errors", "WaitTimeout": "errors", "SwanMock": "mocks",
              "Network": "network", "Element": "page", "Page": "page",
              "MiniProgram": "program", "launch": "program", "Storage": "storage"}


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
