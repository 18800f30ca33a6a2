"""``swan.request``: the Python half (the JS half is runtime/prelude/network.js)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import httpx

from emulator.flows.flow import HttpFlow
from emulator.net.client import Network, Outgoing
from emulator.net.errors import ERR_FAILED, NetError, SizeLimitExceeded
from emulator.runtime.bridge import Runtime, unwire_bytes, wire_bytes

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = 64 * 1024 * 1024


def referer(app_key: str | None) -> str:
    """The fixed Referer the platform sends with every request."""
    return f"https://smartapps.cn/{app_key or 'unknown'}/devtools/page-frame.html"


def request_headers(header: dict[str, str], app_key: str | None) -> list[tuple[str, str]]:
    """The app's headers (already strings, Referer dropped by the JS side) + the Referer."""
    out = [(str(k), str(v)) for k, v in header.items() if str(k).lower() != "referer"]
    out.append(("Referer", referer(app_key)))
    return out


def response_header(flow: HttpFlow) -> tuple[dict[str, str], list[str]]:
    """Response headers as the app sees them (repeated names joined by ", ") and the
    Set-Cookie values."""
    out: dict[str, str] = {}
    cookies: list[str] = []
    names: dict[str, str] = {}
    assert flow.response is not None
    for name, value in flow.response.headers:
        if name.lower() == "set-cookie":
            cookies.append(value)
        key = names.setdefault(name.lower(), name)
        out[key] = f"{out[key]}, {value}" if key in out else value
    return out, cookies


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
            log.error("%s failed unexpectedly", api, exc_info=exc)
            self._fail(api, call_id, ERR_FAILED, f"internal error: {exc}")
        else:
            self.runtime.settle(call_id, True, result)


class RequestService:
    """Handles ``request`` and ``request.abort`` messages."""

    def __init__(self, runtime: Runtime, network: Network, *, timeout_ms: int,
                 app_key: str | None) -> None:
        self.network = network
        self.timeout_s = timeout_ms / 1000
        self.app_key = app_key
        self.calls = TaskCalls(runtime)
        runtime.register("request", self._on_request)
        runtime.register("request.abort", lambda call_id, _a: self.calls.cancel(call_id))

    def _on_request(self, call_id: int, args: dict[str, Any]) -> None:
        data = args.get("data")
        body = unwire_bytes(data)
        if body is None and isinstance(data, str):
            body = data.encode("utf-8")
        out = Outgoing(
            api="request", list_name="request", method=str(args["method"]),
            url=str(args["url"]), headers=request_headers(args.get("header") or {}, self.app_key),
            body=body, timeout=self.timeout_s,
        )
        flow = self.network.start(out)
        as_bytes = args.get("responseType") == "arraybuffer"
        self.calls.start("request", call_id, self._run(flow, out, as_bytes),
                         on_cancel=lambda: self.network.abort_unstarted(flow))

    async def _run(self, flow: HttpFlow, out: Outgoing, as_bytes: bool) -> dict[str, Any]:
        async def read(flow: HttpFlow, response: httpx.Response) -> bytes:
            assert flow.response is not None
            data = bytearray()
            async for chunk in response.aiter_bytes():
                flow.response.body.append(chunk)
                data += chunk
                if len(data) > MAX_RESPONSE_BYTES:
                    raise SizeLimitExceeded(
                        f"response body exceeds {MAX_RESPONSE_BYTES // (1024 * 1024)} MB")
            return bytes(data)

        final, data = await self.network.run(flow, out, read)
        header, cookies = response_header(final)
        assert final.response is not None
        payload: Any
        if as_bytes:
            payload = wire_bytes(data)
        else:
            encoding = _charset(header) or "utf-8"
            try:
                payload = data.decode("utf-8-sig" if encoding.lower() in ("utf-8", "utf8")
                                      else encoding, errors="replace")
            except LookupError:
                payload = data.decode("utf-8", errors="replace")
        return {"statusCode": final.response.status, "header": header, "cookies": cookies,
                "data": payload}


def _charset(header: dict[str, str]) -> str | None:
    for name, value in header.items():
        if name.lower() == "content-type":
            for part in value.split(";")[1:]:
                key, _, val = part.strip().partition("=")
                if key.lower() == "charset" and val:
                    return val.strip('"')
    return None
