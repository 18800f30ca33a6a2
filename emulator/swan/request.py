"""``swan.request``: the Python half (the JS half is runtime/prelude/network.js).

The response body is read under :data:`MAX_RESPONSE_BYTES`, raw and decoded bytes each
counted as they arrive (:func:`emulator.net.bodies.read_body`), and the whole answer is
built inside the exchange: whatever fails, the flow and the app's fail say the same.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx

from emulator.flows.flow import HttpFlow
from emulator.net import bodies
from emulator.net.bodies import RESPONSE_LIMIT, size_error
from emulator.net.client import Network, Outgoing
from emulator.runtime.bridge import Runtime, unwire_bytes, wire_bytes
from emulator.swan.calls import TaskCalls, app_error, guarded

log = logging.getLogger(__name__)

MAX_RESPONSE_BYTES = RESPONSE_LIMIT
R_TOO_LARGE = f"response body exceeds {MAX_RESPONSE_BYTES // (1024 * 1024)} MB"


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


class RequestService:
    """Handles ``request`` and ``request.abort`` messages."""

    def __init__(self, runtime: Runtime, network: Network, *, timeout_ms: int,
                 app_key: str | None) -> None:
        self.network = network
        self.timeout_s = timeout_ms / 1000
        self.app_key = app_key
        self.calls = TaskCalls(runtime)
        runtime.register("request", guarded(runtime, "request", self._on_request))
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
        as_bytes = args.get("responseType") == "arraybuffer"
        flow = self.network.start(out)
        work = self._run(flow, out, as_bytes)
        try:
            self.calls.start("request", call_id, work,
                             on_cancel=lambda: self.network.abort_unstarted(flow),
                             on_error=lambda error: self.network.end(flow, error))
        except BaseException as exc:  # the flow exists: it ends, whatever happened
            work.close()
            self.network.end(flow, app_error(exc, "request"))
            raise

    async def _run(self, flow: HttpFlow, out: Outgoing, as_bytes: bool) -> dict[str, Any]:
        async def read(final: HttpFlow, response: httpx.Response) -> dict[str, Any]:
            assert final.response is not None
            async with bodies.whole_body(response, MAX_RESPONSE_BYTES, size_error(R_TOO_LARGE),
                                         self.network.buffers,
                                         final.response.body.append) as data:
                return answer(final, data, as_bytes)

        _final, result = await self.network.run(flow, out, read)
        return result


def answer(final: HttpFlow, data: bytes, as_bytes: bool) -> dict[str, Any]:
    """The success object for the app: status, headers, cookies and the body (a string in
    the response's charset, or bytes for ``responseType: 'arraybuffer'``)."""
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
