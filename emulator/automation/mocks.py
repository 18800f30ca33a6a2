"""``swan.<name>`` answered by the test: canned results or a Python function.

Through the one bridge (shared/spec/runtime-notes.md): the prelude's ``mocks.js`` replaces
the member of the app's ``swan`` object; an async call posts ``mock.call`` like any API
call and is answered here with ``Runtime.settle`` (so success/fail, then complete, exactly
once, always asynchronously); a ``…Sync`` call returns the value left on the JS side, since
JS never waits for Python. The prelude has no Promise forms of the APIs (callbacks only),
so neither do mocks.
"""

from __future__ import annotations

import asyncio
import base64
import inspect
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from emulator.automation.errors import AutomationError
from emulator.runtime.bridge import Runtime, wire_bytes
from emulator.swan.surface import ASYNC, NAMESPACE, SYNC, TASK, surface

Answer = dict[str, Any] | Callable[[dict[str, Any]], Any]
"""A canned result (a dict; any JSON value for a Sync API), or ``fn(options) -> dict``
(an awaitable of one is awaited)."""

ERR_FAILED = 1001  # the platform's generic failure code [appendix/error.md]


@dataclass
class SwanMock:
    """One mocked API. ``calls`` holds what the app passed, in order: the options (without
    callbacks; ArrayBuffers as ``{"__bytes__": base64}``) of an async call, the argument
    list of a Sync call. ``errors`` holds what went wrong answering (the function raised,
    its result was not JSON)."""

    name: str
    kind: str
    answer: Answer
    calls: list[Any] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def is_failure(result: Any) -> bool:
    """A result that fails the call: it has ``errCode``, or an ``errMsg`` not ending in
    ``:ok``."""
    if not isinstance(result, dict):
        return False
    message = result.get("errMsg")
    return "errCode" in result or (message is not None and not str(message).endswith(":ok"))


def failure(name: str, result: dict[str, Any]) -> dict[str, Any]:
    """The fail object the app gets: ``errCode`` (1001 unless given) and an ``errMsg`` of
    the platform's form ``<api>:fail <reason>``."""
    out = dict(result)
    out.setdefault("errCode", ERR_FAILED)
    message = str(out.get("errMsg", "mocked failure"))
    out["errMsg"] = message if ":fail" in message else f"{name}:fail {message}"
    return out


def api_kind(name: str) -> tuple[str, list[str]]:
    """The kind of ``swan.<name>`` (``async``, ``task`` or ``sync``) from the platform's API
    table (emulator/swan/surface.py), and a task API's task members. A name the table lacks
    is Sync if it ends in ``Sync``, else async. Listeners, factories and namespaces cannot
    be mocked (AutomationError)."""
    table = surface()
    node: dict[str, Any] | None = None
    apis = table["apis"]
    parts = name.split(".")
    for i, part in enumerate(parts):
        node = apis.get(part)
        if node is None:
            break
        if i < len(parts) - 1:
            apis = node.get("c", {}) if node.get("k") == NAMESPACE else {}
    kind = node.get("k") if node else (SYNC if name.endswith("Sync") else ASYNC)
    if kind not in (ASYNC, TASK, SYNC):
        raise AutomationError(f"swan.{name} is a {kind}: mock_swan answers calls of async "
                              "and Sync APIs")
    members: list[str] = []
    if kind == TASK and node is not None:
        cls = table["classes"].get(str(node.get("r")), {})
        members = sorted(cls.get("c", {}))
    return str(kind), members


def to_wire(value: Any) -> Any:
    """JSON for the bridge: bytes become an ArrayBuffer on the JS side."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return wire_bytes(bytes(value))
    if isinstance(value, dict):
        return {str(k): to_wire(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_wire(v) for v in value]
    return value


def from_wire(value: Any) -> Any:
    """What JS sent, with ArrayBuffers (``{"__bytes__": …}``) as bytes."""
    if isinstance(value, dict):
        if isinstance(value.get("__bytes__"), str) and len(value) == 1:
            return base64.b64decode(value["__bytes__"])
        return {k: from_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [from_wire(v) for v in value]
    return value


class SwanMocks:
    """The mocks of one app's runtime (``MiniProgram.mock_swan`` uses it)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.active: dict[str, SwanMock] = {}
        self._pending: dict[int, asyncio.Task[None]] = {}
        runtime.register("mock.call", self._on_call)
        runtime.register("mock.sync", self._on_sync)
        runtime.register("mock.abort", self._on_abort)

    def mock(self, name: str, answer: Answer) -> SwanMock:
        """Answer the app's next calls of ``swan.<name>`` with ``answer``; replaces an
        earlier mock of the same name. A function cannot answer a Sync API
        (AutomationError): its value must be known on the JS side beforehand."""
        kind, members = api_kind(name)
        fail: str | None = None
        value: Any = None
        if kind == SYNC:
            if callable(answer):
                raise AutomationError(
                    f"swan.{name} is a Sync API: it returns before Python could run a "
                    "function (JS never waits for Python); give its result instead")
            value = to_wire(answer)
            if is_failure(answer):
                assert isinstance(answer, dict)
                fail = failure(name, answer)["errMsg"].partition(":fail")[2].strip()
            _check_json(name, value)
        elif not callable(answer):
            if not isinstance(answer, dict):
                raise AutomationError(f"the result of async swan.{name} must be a dict "
                                      f"(the success object), not {type(answer).__name__}")
            _check_json(name, to_wire(answer))
        mock = SwanMock(name, kind, answer)
        self.active[name] = mock
        self.runtime.enter("mockSwan", {"name": name, "kind": kind, "value": value,
                                        "fail": fail, "members": members})
        return mock

    def restore(self, name: str) -> bool:
        """The real ``swan.<name>`` again; whether a mock was in place."""
        known = self.active.pop(name, None)
        self.runtime.enter("restoreSwan", {"name": name})
        return known is not None

    # ---- messages from JS ---------------------------------------------------------------
    def _on_sync(self, _id: int, args: dict[str, Any]) -> None:
        mock = self.active.get(str(args.get("name")))
        if mock is not None:
            mock.calls.append(from_wire(args.get("args") or []))

    def _on_call(self, call_id: int, args: dict[str, Any]) -> None:
        name = str(args.get("name"))
        mock = self.active.get(name)
        if mock is None:  # restored in the same turn: the app still gets an answer
            self.runtime.settle(call_id, False, failure(name, {"errMsg": "mock removed"}))
            return
        options = from_wire(args.get("options") or {})
        mock.calls.append(options)
        if not callable(mock.answer):
            self._settle(mock, call_id, mock.answer)
            return
        try:
            result = mock.answer(options)
        except Exception as exc:
            mock.errors.append(f"{type(exc).__name__}: {exc}")
            self.runtime.settle(call_id, False, failure(name, {"errMsg": str(exc)}))
            return
        if inspect.isawaitable(result):
            token = self.runtime.hold()  # the app is not idle while the answer is awaited
            task = self.runtime.loop.create_task(self._await(mock, call_id, result),
                                                 name=f"mock-{name}-{call_id}")
            self._pending[call_id] = task

            def done(t: asyncio.Task[None]) -> None:
                self._pending.pop(call_id, None)
                token.release()
                if t.cancelled():  # aborted, perhaps before it started
                    if inspect.iscoroutine(result):
                        result.close()
                    self.runtime.settle(call_id, False, failure(name, {"errMsg": "abort"}))

            task.add_done_callback(done)
            return
        self._settle(mock, call_id, result)

    async def _await(self, mock: SwanMock, call_id: int, result: Awaitable[Any]) -> None:
        try:
            value = await result
        except Exception as exc:
            mock.errors.append(f"{type(exc).__name__}: {exc}")
            self.runtime.settle(call_id, False, failure(mock.name, {"errMsg": str(exc)}))
            return
        self._settle(mock, call_id, value)

    def _on_abort(self, call_id: int, _args: Any) -> None:
        # An answer already given turns into a fail abort on the JS side; one still
        # awaited is cancelled (and answers fail abort).
        task = self._pending.get(call_id)
        if task is not None:
            task.cancel()

    def _settle(self, mock: SwanMock, call_id: int, result: Any) -> None:
        result = {} if result is None else result
        if not isinstance(result, dict):
            self._bad(mock, call_id, f"the mock returned {type(result).__name__}, not a dict")
            return
        wired = to_wire(result)
        try:
            json.dumps(wired)
        except (TypeError, ValueError) as exc:
            self._bad(mock, call_id, f"the mock's result is not JSON ({exc})")
            return
        if is_failure(result):
            self.runtime.settle(call_id, False, failure(mock.name, wired))
        else:
            self.runtime.settle(call_id, True, wired)

    def _bad(self, mock: SwanMock, call_id: int, reason: str) -> None:
        mock.errors.append(reason)
        self.runtime.settle(call_id, False, failure(mock.name, {"errMsg": reason}))


def _check_json(name: str, value: Any) -> None:
    try:
        json.dumps(value)
    except (TypeError, ValueError) as exc:
        raise AutomationError(f"the result for swan.{name} is not JSON: {exc}") from exc
