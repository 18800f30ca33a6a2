"""Replay and edit-and-resend: a recorded HTTP flow sent again, outside the app (issue 13
part 3).

The request goes through the app's own :class:`~emulator.net.client.Network` -- the
domain policy, host mapping, TLS trust, the concurrency caps, the call's timeout and the
transport layers (mock rules, HAR replay) -- so it is answered exactly as the app's call
would be now. It makes a new flow, marked with the id of the one it repeats
(``flow.replayed``; HAR ``_replayed``); nothing reaches the app's JS.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from emulator.flows.events import FlowStarted
from emulator.flows.flow import HttpFlow
from emulator.net.bodies import RESPONSE_LIMIT, read_body, size_error
from emulator.net.client import Network, Outgoing
from emulator.net.errors import NetError
from emulator.net.policy import ListName

# Recomputed by httpx from the (possibly edited) URL and body: the recorded ones would lie.
_RECOMPUTED = frozenset({"host", "content-length", "transfer-encoding"})
_LISTS: dict[str, ListName] = {"request": "request", "uploadFile": "uploadFile",
                               "downloadFile": "downloadFile"}


class CannotReplay(ValueError):
    """The flow cannot be sent again as it was recorded (a socket, or a request body the
    log did not keep whole)."""


@dataclass
class RequestEdits:
    """What "Edit and resend" changes; None keeps the recorded value. ``headers`` replace
    the recorded ones as a whole (name, value pairs in order); ``body`` is the bytes
    sent."""

    method: str | None = None
    url: str | None = None
    headers: list[tuple[str, str]] | None = None
    body: bytes | None = None


def outgoing_of(flow: HttpFlow, edits: RequestEdits | None, timeout_s: float,
                max_body: int = RESPONSE_LIMIT) -> Outgoing:
    """The request to send for ``flow`` with ``edits`` applied (headers httpx computes --
    Host, Content-Length, Transfer-Encoding -- are left to it).

    Raises CannotReplay when the recorded body was cut (an upload past the 1 MB capture)
    and no edited body replaces it.
    """
    edits = edits or RequestEdits()
    req = flow.request
    body = edits.body
    if body is None:
        if req.body.truncated:
            raise CannotReplay(f"the request body was not kept whole ({len(req.body.data):,} "
                               f"of {req.body.size:,} bytes): edit the body to send one")
        body = bytes(req.body.data)
    headers = edits.headers if edits.headers is not None else req.headers
    return Outgoing(
        api=flow.api, list_name=_LISTS.get(flow.api, "request"),
        method=(edits.method or req.method).strip().upper(),
        url=(edits.url or req.url).strip(),
        headers=[(k, v) for k, v in headers if k.lower() not in _RECOMPUTED],
        body=body or None, timeout=timeout_s, max_body=max_body)


async def resend(network: Network, flow: HttpFlow, edits: RequestEdits | None = None, *,
                 timeout_s: float = 60.0, max_body: int = RESPONSE_LIMIT) -> HttpFlow:
    """Send ``flow``'s request again (with ``edits``) and return the new flow, ended: with
    its response (body read and logged, at most ``max_body`` bytes decoded) or with the
    error the app would have got (refused by the policy, timed out after ``timeout_s``,
    ...). A redirect is followed as the app's call follows it; the flow returned is the
    last hop, every hop is marked.

    Raises CannotReplay (no flow made) when the request cannot be repeated.
    """
    out = outgoing_of(flow, edits, timeout_s, max_body)
    hops: list[HttpFlow] = []
    starting = True

    def mark(event: FlowStarted) -> None:
        # Marked as they start (start() publishes synchronously; a redirect hop names its
        # parent), so every observer after this one and the HAR see the mark.
        hop = event.flow
        if isinstance(hop, HttpFlow) and (starting or hop.redirected_from in
                                          {h.id for h in hops}):
            hop.replayed = flow.id
            hops.append(hop)

    unsubscribe = network.bus.subscribe(mark, FlowStarted)
    try:
        try:
            first = network.start(out)
        finally:
            starting = False

        async def read(final: HttpFlow, response: httpx.Response) -> None:
            assert final.response is not None
            too_large = size_error(f"response body exceeds {max_body // (1024 * 1024)} MB")
            async for chunk in read_body(response, max_body, too_large):
                final.response.body.append(chunk)

        try:
            final, _ = await network.run(first, out, read)
        except NetError:
            # The flow has ended with the error: that is the answer here, not a failure.
            return hops[-1] if hops else first
        return final
    finally:
        unsubscribe()
