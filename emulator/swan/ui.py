"""Toasts, loading, modals and action sheets: published as events; answered by a responder.

Headless, a modal is answered with its confirm button and an action sheet with its first
item. The GUI installs a responder that shows the dialog and waits for the user.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from emulator.flows.bus import EventBus
from emulator.flows.events import UiRequest
from emulator.runtime.bridge import Runtime

log = logging.getLogger(__name__)

Responder = Callable[[str, dict[str, Any]], Awaitable[dict[str, Any]]]
"""``responder(kind, options)`` -> the success result of a modal or action sheet."""


async def headless_responder(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """What a user in a hurry would do: confirm every modal, pick the first item."""
    if kind == "showModal":
        return {"confirm": True, "cancel": False}
    if kind == "showActionSheet":
        return {"tapIndex": 0}
    return {}


class UiService:
    """Handles the ``ui`` message of a runtime."""

    def __init__(self, runtime: Runtime, bus: EventBus,
                 responder: Responder = headless_responder) -> None:
        self.runtime = runtime
        self.bus = bus
        self.responder = responder
        self._tasks: set[asyncio.Task[None]] = set()
        runtime.register("ui", self._on_ui)

    def _on_ui(self, call_id: int, args: dict[str, Any]) -> None:
        kind = str(args.get("kind"))
        options = args.get("options") or {}
        self.bus.publish(UiRequest(kind=kind, options=options))
        if kind not in ("showModal", "showActionSheet"):
            self.runtime.settle(call_id, True)
            return
        token = self.runtime.hold()
        task = self.runtime.loop.create_task(self._answer(call_id, kind, options, token),
                                             name=f"ui-{kind}-{call_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _answer(self, call_id: int, kind: str, options: dict[str, Any], token: Any) -> None:
        try:
            result = await self.responder(kind, options)
            self.runtime.settle(call_id, True, result)
        except asyncio.CancelledError:
            self.runtime.settle(call_id, False, {"errCode": 1001, "errMsg": f"{kind}:fail cancel"})
            raise
        except Exception as exc:
            log.exception("ui responder failed")
            self.runtime.settle(call_id, False, {"errCode": 1001, "errMsg": f"{kind}:fail {exc}"})
        finally:
            token.release()
