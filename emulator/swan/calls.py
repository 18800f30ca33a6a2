"""The asyncio tasks behind pending API calls (request, uploadFile, downloadFile), and the
guard that keeps a network message handler from raising."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from emulator.net.errors import ERR_FAILED, NetError, unexpected
from emulator.runtime.bridge import Handler, Runtime


class TaskCalls:
    """Asyncio tasks behind pending API calls, by call id: each holds the app busy and is
    settled exactly once; an abort cancels it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def start(self, api: str, call_id: int, work: Coroutine[Any, Any, dict[str, Any]],
              on_cancel: Callable[[], None] | None = None) -> None:
        """Run coroutine ``work``; its result is the success payload, a NetError the fail."""
        token = self.runtime.hold()
        task = self.runtime.loop.create_task(self._settle_when_done(api, call_id, work),
                                             name=f"{api}-{call_id}")
        self._tasks[call_id] = task

        def done(t: asyncio.Task[None]) -> None:
            self._tasks.pop(call_id, None)
            token.release()
            if t.cancelled():  # cancelled before it ever ran: nothing was settled yet
                work.close()
                if on_cancel is not None:
                    on_cancel()
                self._fail(api, call_id, ERR_FAILED, "abort")

        task.add_done_callback(done)

    def running(self, call_id: int) -> bool:
        """Whether the call's work is still going."""
        return call_id in self._tasks

    def cancel(self, call_id: int) -> None:
        """Abort the call's work, if it is still running."""
        task = self._tasks.get(call_id)
        if task is not None:
            task.cancel()

    def cancel_all(self) -> None:
        """Abort everything (the app is closing)."""
        for task in list(self._tasks.values()):
            task.cancel()

    def _fail(self, api: str, call_id: int, code: int, reason: str) -> None:
        self.runtime.settle(call_id, False, {"errCode": code, "errMsg": f"{api}:fail {reason}"})

    async def _settle_when_done(self, api: str, call_id: int,
                                work: Coroutine[Any, Any, dict[str, Any]]) -> None:
        # Settling here rather than in a done callback saves a loop turn per call.
        try:
            result = await work
        except asyncio.CancelledError:
            self._fail(api, call_id, ERR_FAILED, "abort")
            return  # the abort is the answer; the task ends normally
        except NetError as exc:
            self._fail(api, call_id, exc.code, exc.reason)
        except Exception as exc:
            error = unexpected(exc, api)
            self._fail(api, call_id, error.code, error.reason)
        else:
            self.runtime.settle(call_id, True, result)


def guarded(runtime: Runtime, api: str, handler: Handler) -> Handler:
    """``handler`` as the bridge needs it, one that never raises: an exception it did not
    foresee is logged (net.errors.unexpected) and fails the call with the generic reason,
    so the app still gets its fail and complete. (A call settled before the exception is
    not settled twice: the JS side ignores a second answer.)"""

    def run(call_id: int, args: Any) -> None:
        try:
            handler(call_id, args)
        except Exception as exc:
            error = unexpected(exc, api)
            if call_id:
                runtime.settle(call_id, False, {"errCode": error.code,
                                                "errMsg": f"{api}:fail {error.reason}"})

    return run
