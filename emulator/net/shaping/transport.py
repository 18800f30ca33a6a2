"""Weak-network shaping of HTTP exchanges: a transport layer of
:class:`emulator.net.client.Network` (``network.layers``), appended after the mock lab so it
wraps mocked and real exchanges alike, inside the caps and the call's deadline.

Per exchange (each redirect hop): offline fails it with
:class:`~emulator.net.errors.Offline`; else the profile's latency is waited once, the
request body is paced as it is sent and the response body as it is read, in pieces of at
most :data:`~emulator.net.shaping.profiles.SEGMENT` bytes -- so the API code, which reads
the paced streams, shows the pacing in its progress events. The flow records the profile
(``flow.throttle``).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterable, AsyncIterator
from typing import TYPE_CHECKING

import httpx

from emulator.net.shaping.conditions import NetworkConditions
from emulator.net.shaping.profiles import SEGMENT

if TYPE_CHECKING:
    from emulator.flows.flow import HttpFlow
    from emulator.net.client import Outgoing, TransportLayer


class PacedStream(httpx.AsyncByteStream):
    """A body stream whose bytes cross the link one way as they are read; an offline
    device fails the next read (even with no profile in force)."""

    def __init__(self, inner: AsyncIterable[bytes], conditions: NetworkConditions,
                 direction: str) -> None:
        self.inner = inner
        self.conditions = conditions
        self.direction = direction
        self._reading: AsyncGenerator[bytes, None] | None = None

    def __aiter__(self) -> AsyncIterator[bytes]:
        self._reading = self._read()
        return self._reading

    async def _read(self) -> AsyncGenerator[bytes, None]:
        conditions = self.conditions
        chunks = aiter(self.inner)
        try:
            async for chunk in chunks:
                if conditions.profile is None:
                    conditions.check()
                    yield chunk
                    continue
                view = memoryview(chunk)
                for start in range(0, len(chunk), SEGMENT):
                    piece = view[start:start + SEGMENT]
                    await conditions.transmit(self.direction, len(piece))
                    yield bytes(piece)
        except GeneratorExit:
            # Closed half way (an abort, a cap) by aclose, on the loop: httpcore's generator
            # is closed here too, else the garbage collector finds it and cannot run its
            # async clean-up ("async generator ignored GeneratorExit" under qasync).
            close = getattr(chunks, "aclose", None)
            if close is not None:
                await close()
            raise

    async def aclose(self) -> None:
        """Stop reading (if a read was left half way) and close the stream it reads."""
        reading, self._reading = self._reading, None
        if reading is not None and reading.ag_frame is not None:  # left half way
            await reading.aclose()
        close = getattr(self.inner, "aclose", None)
        if close is not None:
            await close()


class ShapedTransport(httpx.AsyncBaseTransport):
    """``inner`` behind the emulated link (see the module doc)."""

    def __init__(self, conditions: NetworkConditions, inner: httpx.AsyncBaseTransport) -> None:
        self.conditions = conditions
        self.inner = inner

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        """The exchange, delayed and paced; Offline when the device has no network."""
        conditions = self.conditions
        conditions.check()
        if conditions.profile is not None:
            request.stream = PacedStream(request.stream, conditions, "up")
            await conditions.latency()
        response = await self.inner.handle_async_request(request)
        response.stream = PacedStream(response.stream, conditions, "down")
        return response

    async def aclose(self) -> None:
        """Close the transport it wraps."""
        await self.inner.aclose()


def shaping_layer(conditions: NetworkConditions) -> TransportLayer:
    """The transport layer (``Network.layers``) of ``conditions``: marks each exchange's
    flow with the conditions in force and puts the exchange behind the link."""

    def layer(out: Outgoing, flow: HttpFlow, request: httpx.Request,
              inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        label = conditions.label
        flow.throttle = None if label == "off" else label
        return ShapedTransport(conditions, inner)

    return layer
