"""Factories for flows in tests (and examples): fixed, readable values."""

from __future__ import annotations

from emulator.flows.flow import (
    Body,
    FlowState,
    Headers,
    HttpFlow,
    HttpRequest,
    HttpResponse,
    Timings,
)
from emulator.net.errors import NetError
from emulator.net.policy import Verdict

T0 = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def tflow(
    *,
    flow_id: int = 1,
    api: str = "request",
    method: str = "GET",
    url: str = "https://api.demo.test/json",
    request_headers: Headers | None = None,
    request_body: bytes = b"",
    status: int | None = 200,
    response_headers: Headers | None = None,
    response_body: bytes = b'{"ok":true}',
    error: NetError | None = None,
    verdict: Verdict | None = None,
    queued: float = 0.0,
    wait: float = 0.020,
    receive: float = 0.005,
    body_limit: int = 1024 * 1024,
) -> HttpFlow:
    """A finished (or failed) flow with deterministic id and timings."""
    created = T0 + flow_id
    sent = created + queued
    timings = Timings(created=created, sent=sent,
                      first_byte=sent + wait if status is not None else None,
                      done=sent + wait + receive)
    flow = HttpFlow(
        api=api,
        request=HttpRequest(method, url, request_headers or [("Accept", "*/*")],
                            Body.of(request_body, body_limit)),
        verdict=verdict or Verdict(True, True),
        id=flow_id,
        timings=timings,
    )
    if status is not None:
        flow.response = HttpResponse(
            status, "OK" if status == 200 else "", "HTTP/1.1",
            response_headers or [("Content-Type", "application/json")],
            Body.of(response_body, body_limit))
    flow.error = error
    flow.state = FlowState.FAILED if error else FlowState.DONE
    return flow
