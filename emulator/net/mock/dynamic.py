"""Dynamic answers: a JavaScript function in a QuickJS context of its own, or (from the
automation API only) a Python callable.

Like the vendors' dynamic mocks, the function gets the call's options
(:meth:`MockCall.options`: ``{api, url, method, header, query, data, formData}``) and
returns ``{statusCode, header, data}`` (``data``: a string is sent as text, anything else
as JSON), or ``{fail: KIND}`` with a kind of :data:`answers.FAILURES`.

The JS context is not the app's: it cannot see or change the app, and it runs under the
same CPU-time and memory limits as the app's runtime (``scriptTimeLimit``,
``memoryLimitMB``). A function that throws, runs past the limit or returns something
unusable fails the call with the platform's generic ``execution failed`` (1001); why is
said in the console, and the host goes on.
"""

from __future__ import annotations

import dataclasses
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx

from emulator.errors import ScriptError
from emulator.net.errors import R_EXECUTION_FAILED, NetError
from emulator.net.mock.answers import FAILURES, Fail, Respond, data_body
from emulator.net.mock.rules import MockCall
from emulator.runtime.engine import Engine

PyHandler = Callable[[dict[str, Any]], Any]


class AnswerProblem(NetError):
    """A dynamic answer failed: the app gets ``execution failed``; ``detail`` (for the
    console) says why."""

    def __init__(self, detail: str) -> None:
        super().__init__(R_EXECUTION_FAILED)
        self.detail = detail


def reply_of(result: Any) -> Respond | Fail:
    """The answer a dynamic function's result stands for; AnswerProblem when it is none."""
    if not isinstance(result, dict):
        raise AnswerProblem(f"the function returned {json.dumps(result)[:80]}, not an object "
                            "{statusCode, header, data}")
    if "fail" in result:
        if result["fail"] not in FAILURES:
            raise AnswerProblem(f"fail must be one of {', '.join(FAILURES)}")
        return Fail(str(result["fail"]))
    status = result.get("statusCode", 200)
    header = result.get("header") or {}
    if not isinstance(status, int) or isinstance(status, bool) or not 100 <= status <= 999:
        raise AnswerProblem(f"statusCode {json.dumps(status)} is not an HTTP status")
    if not isinstance(header, dict):
        raise AnswerProblem("header must be an object")
    body = data_body(result["data"]) if "data" in result else None
    return Respond(status, [(str(k), str(v)) for k, v in header.items()], body)


@dataclass
class JsAnswer:
    """``function (options) {...}`` source, run in its own context per rule."""

    source: str
    time_limit: float = 5.0
    memory_limit: int = 64 * 1024 * 1024
    kind: str = "js"
    _engine: Engine | None = field(default=None, repr=False)

    def _function_engine(self) -> Engine:
        if self._engine is None:
            engine = Engine(time_limit=self.time_limit, memory_limit=self.memory_limit)
            engine.eval_file("mock.js", f"var __mock__ = ({self.source});\n"
                             "if (typeof __mock__ !== 'function') "
                             "throw new TypeError('the mock is not a function');")
            self._engine = engine
        return self._engine

    def __deepcopy__(self, memo: dict[int, Any]) -> JsAnswer:
        """The same function, to run in a context of its own (made on first use)."""
        return dataclasses.replace(self, _engine=None)

    def check(self) -> None:
        """Raise ScriptError when the source is not a function (for the settings)."""
        self._function_engine()

    def run(self, call: MockCall) -> Respond | Fail:
        """Call the function; AnswerProblem when it throws, loops or returns junk."""
        try:
            engine = self._function_engine()
            text = engine.eval(f"JSON.stringify(__mock__({json.dumps(call.options())}))",
                               file="mock-call.js")
        except ScriptError as exc:
            self._engine = None  # an interrupted or exhausted context is not reused
            raise AnswerProblem(exc.message) from None
        if not isinstance(text, str):
            raise AnswerProblem("the function returned nothing")
        return reply_of(json.loads(text))

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        response: httpx.Response = await self.run(call).answer(call, request, inner)
        return response


@dataclass
class PyAnswer:
    """``fn(options) -> {statusCode, header, data}`` (or an awaitable of one)."""

    fn: PyHandler
    kind: str = "python"

    def __deepcopy__(self, memo: dict[int, Any]) -> PyAnswer:
        """Itself: the function and what it keeps are the caller's (a test's recorder
        must see every launch's calls; a lock or a loop it holds cannot be copied)."""
        return self

    async def run(self, call: MockCall) -> Respond | Fail:
        """Call the function; AnswerProblem when it raises or returns junk."""
        try:
            result = self.fn(call.options())
            if inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # the test's own function: its failure is reported
            raise AnswerProblem(f"{type(exc).__name__}: {exc}") from None
        return reply_of(result)

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        response: httpx.Response = await (await self.run(call)).answer(call, request, inner)
        return response
