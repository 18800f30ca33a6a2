"""``swan.request``: the Python half (the JS half is runtime/prelude/network.js)."""

from __future__ import annotations

import logging
from typing import Any

import httpx

from emulator.flows.flow import HttpFlow
from emulator.net.client import Network, Outgoing
from emulator.net.errors import SizeLimitExceeded
from emulator.runtime.bridge import Runtime, unwire_bytes, wire_bytes
from emulator.swan.calls import TaskCalls, guarded

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
