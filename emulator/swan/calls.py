"""The asyncio tasks behind pending API calls (request, uploadFile, downloadFile), and the
guard that keeps a message handler from raising.

The safety net of every HTTP API (issue 10, kind 6): whatever is raised -- before the
flow exists, while it runs, after it ended -- the app gets exactly one fail (or success)
and one complete, and a started flow ends exactly once. Errors become the app's errMsg
through :func:`app_error` only: a NetError or FileAccessError keeps its own reason, an
OSError its errno's words (never its file names), anything else the generic
``execution failed`` with the traceback in the emulator's log.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from emulator.net.errors import ERR_FAILED, Aborted, NetError, unexpected
from emulator.runtime.bridge import Handler, Runtime
from emulator.swan.files import FileAccessError, os_reason

log = logging.getLogger(__name__)

FlowEnd = Callable[[NetError], None]


def app_error(exc: BaseException, api: str) -> NetError:
    """The error an exception is for the app: its code and reason, and nothing else."""
    if isinstance(exc, NetError):
        return exc
    if isinstance(exc, FileAccessError):
        error = NetError(exc.reason)
        error.code = exc.code
        return error
    if isinstance(exc, OSError):
        log.warning("%s: %s", api, exc)
        return NetError(os_reason(exc))
    return unexpected(exc, api)


class TaskCalls:
    """Asyncio tasks behind pending API calls, by call id: each holds the app busy and is
    settled exactly once; an abort cancels it."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._tasks: dict[int, asyncio.Task[None]] = {}

    def start(self, api: str, call_id: int, work: Coroutine[Any, Any, dict[str, Any]],
              on_cancel: Callable[[], None] | None = None,
              on_error: FlowEnd | None = None) -> None:
        """Run coroutine ``work``; its result is the success payload, a NetError the fail.

        ``on_error(error)`` hears every way the work ended without success (its flow ends
        there, if it has not); ``on_cancel()`` a cancel before the work ever ran.
        """
        token = self.runtime.hold()
        task = self.runtime.loop.create_task(
            self._settle_when_done(api, call_id, work, on_error), name=f"{api}-{call_id}")
        self._tasks[call_id] = task

        def done(t: asyncio.Task[None]) -> None:
            self._tasks.pop(call_id, None)
            token.release()
            if t.cancelled():  # cancelled before it ever ran: nothing was settled yet
                work.close()
                if on_cancel is not None:
                    on_cancel()
                if on_error is not None:
                    on_error(Aborted())
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

    def _fail(self, api: str, call_id: int, code: int, reason: str, *,
              soon: bool = False) -> None:
        result = {"errCode": code, "errMsg": f"{api}:fail {reason}"}
        if soon:
            self.runtime.settle_soon(call_id, False, result, self._failed(api))
        else:
            self.runtime.settle(call_id, False, result)

    @staticmethod
    def _failed(api: str) -> Callable[[Exception], dict[str, Any]]:
        """The fail of a call whose answer could not be sent (MemoryError...)."""

        def failed(exc: Exception) -> dict[str, Any]:
            error = unexpected(exc, api).detached()
            return {"errCode": error.code, "errMsg": f"{api}:fail {error.reason}"}

        return failed

    async def _settle_when_done(self, api: str, call_id: int,
                                work: Coroutine[Any, Any, dict[str, Any]],
                                on_error: FlowEnd | None) -> None:
        # Settling here rather than in a done callback saves a loop turn per call.
        try:
            result = await work
        except asyncio.CancelledError:
            if on_error is not None:
                on_error(Aborted())
            self._fail(api, call_id, ERR_FAILED, "abort", soon=True)
            return  # the abort is the answer; the task ends normally
        except Exception as exc:
            # Detached: a local holding the raised exception would make a cycle with its
            # traceback, keeping the failed call's frames (its body chunks) alive until the
            # garbage collector's next full pass.
            error = app_error(exc, api).detached()
            if on_error is not None:
                on_error(error)
            self._fail(api, call_id, error.code, error.reason, soon=True)
            return
        # Answered with the other calls that end this loop turn (one entry into JS).
        self.runtime.settle_soon(call_id, True, result, self._failed(api))


def guarded(runtime: Runtime, api: str, handler: Handler,
            name: Callable[[Any], str] | None = None) -> Handler:
    """``handler`` as the bridge needs it, one that never raises: an exception is turned
    into the call's fail by :func:`app_error`, so the app still gets its fail and
    complete. (A call settled before the exception is not settled twice: the JS side
    ignores a second answer.) ``name(args)`` gives the API name for the errMsg when one
    handler serves several APIs."""

    def run(call_id: int, args: Any) -> None:
        try:
            handler(call_id, args)
        except Exception as exc:
            shown = api
            if name is not None:
                try:
                    shown = name(args)
                except Exception:
                    shown = api
            error = app_error(exc, shown).detached()  # no cycle through the traceback
            if call_id:
                try:
                    runtime.settle(call_id, False, {"errCode": error.code,
                                                    "errMsg": f"{shown}:fail {error.reason}"})
                except Exception:
                    log.exception("%s: the fail could not be delivered", shown)

    return run
