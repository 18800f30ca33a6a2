"""The network side of request/uploadFile/downloadFile: policy, caps, host mapping, TLS,
redirects, timeouts and error mapping, every step recorded on a flow.

:meth:`Network.start` then :meth:`Network.run` is the one path an HTTP API call takes.
``start`` publishes ``FlowStarted`` at once (a refused call is a flow too); ``run`` then
publishes ``FlowResponse`` and ``FlowFinished``, or ``FlowFailed``. Cancelling the calling
task is an abort.

Contract (the safety net under every step): a started flow ends exactly once, in
``FlowFinished`` or ``FlowFailed``, whatever is raised on the way -- a library error, an
``OSError`` of a file being written, ``MemoryError``, a bug. What nobody foresaw becomes
the generic ``execution failed`` (its traceback in the emulator's log only); no exception
text, host path or class name reaches the app.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import http.cookiejar
import json
import logging
import ssl
import time
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

import httpcore
import httpx

from emulator.errors import ConfigError
from emulator.flows.bus import EventBus
from emulator.flows.events import FlowFailed, FlowFinished, FlowResponse, FlowStarted
from emulator.flows.flow import (
    Body,
    FlowState,
    HttpFlow,
    HttpRequest,
    HttpResponse,
    TransferFlow,
)
from emulator.net.bodies import (
    ACCEPT_ENCODING,
    RESPONSE_LIMIT,
    BodyBudget,
    read_body,
    size_error,
)
from emulator.net.errors import (
    Aborted,
    BadRequest,
    NetError,
    PolicyRefused,
    ProtocolFailed,
    Timeout,
    TLSFailed,
    from_httpx,
    from_os_error,
    unexpected,
)
from emulator.net.hosts import HostMap
from emulator.net.limits import ConcurrencyLimiter
from emulator.net.mapped_backend import MappedNetworkBackend
from emulator.net.policy import DomainPolicy, ListName, Verdict, canonical_url, refusal

log = logging.getLogger(__name__)

T = TypeVar("T")

MAX_REDIRECTS = 10
_REDIRECT_CODES = {301, 302, 303, 307, 308}


class _NoCookies(http.cookiejar.DefaultCookiePolicy):
    """Like the platform: cookies are not stored or sent by the client on its own; the app
    sees Set-Cookie in the response headers and sends Cookie itself."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False

    def return_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


@dataclass
class Outgoing:
    """One API call's request, as the app made it (after the JS side built the body)."""

    api: str
    list_name: ListName
    method: str
    url: str
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes | None = None
    stream: AsyncIterable[bytes] | None = None  # a streamed body (uploads)
    timeout: float = 60.0
    transfer: bool = False  # record as a TransferFlow (uploadFile, downloadFile)
    max_body: int = RESPONSE_LIMIT  # the cap on a redirect hop's body (raw and decoded)
    form: dict[str, str] | None = None  # uploadFile's formData (for mock rules to match)


Consumer = Callable[[HttpFlow, httpx.Response], Awaitable[T]]
TransportLayer = Callable[[Outgoing, HttpFlow, httpx.Request, httpx.AsyncBaseTransport],
                          httpx.AsyncBaseTransport]
"""``layer(out, flow, request, inner) -> transport``: the transport one exchange (one
redirect hop) goes through, ``inner`` or one wrapping or replacing it. See
:meth:`Network.transport_for`."""


@functools.lru_cache(maxsize=1024)
def parsed_url(url: str) -> httpx.URL:
    """``httpx.URL(url)``, kept: an app asks for the same few URLs again and again, and
    parsing one costs more than the rest of building its request (a URL object is
    immutable, so one can serve every request). Raises httpx.InvalidURL."""
    return httpx.URL(url)


def wire_headers(headers: list[tuple[str, str]]) -> list[tuple[bytes, bytes]]:
    """Header lines as the bytes sent: names in ASCII, values in Latin-1 (RFC 7230 §3.2:
    obs-text is 0x80-0xFF, so "José" goes out as 4A 6F 73 E9; httpx alone would take
    ASCII only). The JS argument rules (runtime/prelude/network.js) have already refused
    anything else; a value that still does not encode is refused here too, never handed to
    httpx."""
    out: list[tuple[bytes, bytes]] = []
    for name, value in headers:
        try:
            out.append((name.encode("ascii"), value.encode("latin-1")))
        except UnicodeEncodeError:
            quoted = json.dumps(name, ensure_ascii=False)
            raise BadRequest(f"parameter error: invalid header {quoted}") from None
    return out


class Network:
    """HTTP for one app: shares the caps, the policy and the TLS trust of its calls."""

    def __init__(self, bus: EventBus, *, policy: DomainPolicy, hosts: HostMap,
                 ssl_context: Callable[[bool], ssl.SSLContext],
                 limiter: ConcurrencyLimiter | None = None,
                 default_headers: dict[str, str] | None = None) -> None:
        self.bus = bus
        self.policy = policy
        self.hosts = hosts
        self.limiter = limiter or ConcurrencyLimiter()
        self.buffers = BodyBudget()  # response bodies held in memory, all calls together
        self._ssl_context = ssl_context
        self._default_headers = default_headers or {}
        self._clients: dict[bool, httpx.AsyncClient] = {}
        self._transports: dict[bool, httpx.AsyncHTTPTransport] = {}
        self._closing: set[asyncio.Future[None]] = set()
        self._trust_loading: dict[bool, asyncio.Future[ssl.SSLContext]] = {}
        # The transport stack of each exchange, innermost first (transport_for).
        self.layers: list[TransportLayer] = []
        # The tasks running a call (run), and those cut_all cancelled, with the error.
        self._running: set[asyncio.Task[object]] = set()
        self._cut: dict[asyncio.Task[object], NetError] = {}

    def client(self, verify: bool) -> httpx.AsyncClient:
        """The httpx client (certificates checked or not), made on first use."""
        client = self._clients.get(verify)
        if client is None:
            ctx = self._trust(verify)
            limits = httpx.Limits(max_connections=self.limiter.total,
                                  max_keepalive_connections=self.limiter.total)
            transport = httpx.AsyncHTTPTransport(verify=ctx, limits=limits)
            # httpx takes no network backend, so its pool is rebuilt with ours: the one
            # place that reaches inside httpx (tests cover host mapping end to end).
            transport._pool = httpcore.AsyncConnectionPool(
                ssl_context=ctx,
                max_connections=limits.max_connections,
                max_keepalive_connections=limits.max_keepalive_connections,
                keepalive_expiry=limits.keepalive_expiry,
                network_backend=MappedNetworkBackend(self.hosts),
            )
            client = self._clients[verify] = httpx.AsyncClient(
                transport=transport, trust_env=False, follow_redirects=False, timeout=None,
                headers={"Accept-Encoding": ACCEPT_ENCODING, **self._default_headers},
                cookies=http.cookiejar.CookieJar(policy=_NoCookies()),
            )
            self._transports[verify] = transport
        return client

    def build_request(self, client: httpx.AsyncClient, method: str, url: str,
                      headers: list[tuple[str, str]],
                      content: bytes | AsyncIterable[bytes] | None) -> httpx.Request:
        """The request ``client.build_request`` would make (the client's headers, each
        replaced by an app header of the same name; its timeouts), without its merging
        work: the URL is parsed once per URL (:func:`parsed_url`), and there is no cookie
        to merge (the client keeps none, see ``_NoCookies``). Raises httpx.InvalidURL."""
        app = wire_headers(headers)
        names = {name.lower() for name, _ in app}
        merged = [h for h in client.headers.raw if h[0].lower() not in names] + app
        return httpx.Request(method, parsed_url(url), headers=merged, content=content,
                             extensions={"timeout": client.timeout.as_dict()})

    def transport_for(self, verify: bool, out: Outgoing, flow: HttpFlow,
                      request: httpx.Request) -> httpx.AsyncBaseTransport:
        """The transport of one exchange: the real one, wrapped by each of ``layers`` in
        order. The network lab's mock layer (emulator/net/mock/lab.py) is the first; a
        layer appended after it (weak-network shaping) wraps mocked and real exchanges
        alike. Called after the policy check, inside the caps and the call's deadline."""
        self.client(verify)
        transport: httpx.AsyncBaseTransport = self._transports[verify]
        for layer in self.layers:
            transport = layer(out, flow, request, transport)
        return transport

    async def _send(self, verify: bool, request: httpx.Request, out: Outgoing,
                    flow: HttpFlow) -> httpx.Response:
        """One request on the wire, and nothing else: straight to the transport, so no
        library looks at the answer on its own -- httpx's client would parse a redirect's
        Location even with redirects off, and fail the exchange with its own words when it
        cannot. Redirects are ours alone (:meth:`_follow`)."""
        transport = self.transport_for(verify, out, flow, request)
        response = await transport.handle_async_request(request)
        response.request = request
        return response

    async def _trust_off_loop(self, verify: bool) -> None:
        """Make the TLS context of a mode in a thread (the trust store, ~40 ms of CPU with
        the GIL let go), once for all the calls that start before it is ready; the client
        then takes the cached one. Its error is raised by :meth:`_trust` in the caller."""
        loading = self._trust_loading.get(verify)
        if loading is None:
            loading = self._trust_loading[verify] = asyncio.ensure_future(
                asyncio.to_thread(self._trust, verify))
            loading.add_done_callback(lambda _f: self._trust_loading.pop(verify, None))
        with contextlib.suppress(Exception):
            await asyncio.shield(loading)

    def _trust(self, verify: bool) -> ssl.SSLContext:
        """The TLS context; a CA file that cannot be loaded fails the call (1001), naming
        the setting, not the host path (that goes to the emulator's log)."""
        try:
            return self._ssl_context(verify)
        except (ConfigError, OSError, ssl.SSLError, ValueError) as exc:
            log.warning("TLS trust store not usable: %s", exc)
            raise TLSFailed("ssl handshake failed: the CA file (caFile) cannot be loaded"
                            ) from None

    def reset_clients(self) -> None:
        """Forget the clients (their TLS trust may have changed); open connections of
        running calls finish on the old ones, which are closed in the background."""
        old, self._clients = list(self._clients.values()), {}
        self._transports = {}
        for client in old:
            task = asyncio.ensure_future(client.aclose())
            self._closing.add(task)
            task.add_done_callback(self._closing.discard)

    async def aclose(self) -> None:
        """Close every connection."""
        for client in self._clients.values():
            await client.aclose()
        self._clients.clear()
        self._transports.clear()

    # ---- one API call ---------------------------------------------------------------------
    def start(self, out: Outgoing) -> HttpFlow:
        """Record the call: check the policy and publish FlowStarted (refused calls too).

        The URL is made canonical first (a host's trailing dot dropped), for the check and
        the connection alike."""
        out.url = canonical_url(out.url)
        verdict = self.policy.check(out.list_name, out.url)
        flow = self._new_flow(out, out.method, out.url, out.body, verdict)
        self.bus.publish(FlowStarted(flow=flow))
        return flow

    async def run(self, flow: HttpFlow, out: Outgoing, consume: Consumer[T]) -> tuple[HttpFlow, T]:
        """Run a started call to the end; ``consume`` reads the final response.

        Returns the final flow (the last redirect hop) and what ``consume`` returned.
        Raises NetError (the flow has failed and says why); cancellation is an abort.
        """
        holder = [flow]
        task = asyncio.current_task()
        if task is not None:
            self._running.add(task)
        try:
            if not flow.verdict.allowed:
                raise refusal(flow.verdict, out.url)
            domain = flow.host
            await self.limiter.acquire(domain)
            try:
                flow.timings.sent = time.time()
                flow.state = FlowState.RUNNING
                async with asyncio.timeout(out.timeout):
                    result = await self._follow(out, holder, consume)
            finally:
                self.limiter.release(domain)
        except (asyncio.TimeoutError, TimeoutError):
            raise self._fail(holder[0], Timeout()) from None
        except asyncio.CancelledError:
            cut = self._cut.pop(task, None) if task is not None else None
            if cut is None:
                self._fail(holder[0], Aborted())
                raise
            if task is not None:
                task.uncancel()  # the cancel was ours: the call fails, the task goes on
            raise self._fail(holder[0], cut) from None
        except NetError as exc:
            raise self._fail(holder[0], exc) from None
        except (httpx.HTTPError, httpx.InvalidURL, httpx.StreamError) as exc:
            raise self._fail(holder[0], from_httpx(exc)) from None
        except OSError as exc:
            raise self._fail(holder[0], from_os_error(exc)) from None
        except Exception as exc:  # a bug: the flow still ends, the app still gets its fail
            raise self._fail(holder[0], unexpected(exc, out.api)) from None
        finally:
            if task is not None:
                self._running.discard(task)
                self._cut.pop(task, None)
        final = holder[0]
        self._finish(final)
        return final, result

    def cut_all(self, error: NetError) -> None:
        """End every call under way with ``error`` at once (the device went offline):
        one waiting for a slot, for its response's headers or for the next bytes of its
        body fails now, not at its next read."""
        for task in list(self._running):
            if task not in self._cut and not task.done():
                self._cut[task] = error
                task.cancel()

    def reject(self, flow: HttpFlow, error: NetError) -> None:
        """End a started call that will not be sent (a local check failed)."""
        self._fail(flow, error)

    def end(self, flow: HttpFlow, error: NetError) -> None:
        """End a flow with ``error`` unless it has ended already (the safety net: whatever
        stopped a call, its flow ends once)."""
        self._fail(flow, error)

    def abort_unstarted(self, flow: HttpFlow) -> None:
        """A call cancelled before it ran: its flow ends as aborted (if it has not ended)."""
        self._fail(flow, Aborted())

    def _new_flow(self, out: Outgoing, method: str, url: str, body: bytes | None,
                  verdict: Verdict, parent: HttpFlow | None = None) -> HttpFlow:
        kind = TransferFlow if out.transfer else HttpFlow
        flow = kind(api=out.api, verdict=verdict, host=verdict.host,
                    request=HttpRequest(method, url, list(out.headers), Body.of(body or b"")))
        if parent is not None:
            flow.redirected_from = parent.id
        target = self.hosts.target(flow.host) if verdict.allowed and flow.host else None
        flow.connected_to = str(target) if target else None
        return flow

    def _finish(self, flow: HttpFlow) -> None:
        if flow.state.ended:
            return  # exactly once
        flow.state = FlowState.DONE
        flow.timings.done = time.time()
        self.bus.publish(FlowFinished(flow=flow))

    def _fail(self, flow: HttpFlow, error: NetError) -> NetError:
        if flow.state.ended:
            return error  # exactly once: a flow that ended keeps how it ended
        flow.error = error.detached()
        flow.state = FlowState.ABORTED if isinstance(error, Aborted) else FlowState.FAILED
        flow.timings.done = time.time()
        self.bus.publish(FlowFailed(flow=flow))
        return error

    async def _follow(self, out: Outgoing, holder: list[HttpFlow], consume: Consumer[T]) -> T:
        method, url, body, stream = out.method, out.url, out.body, out.stream
        verify = self.policy.enabled
        if verify not in self._clients:
            await self._trust_off_loop(verify)
        client = self.client(verify)
        location: str | None = None  # the Location that led to this hop
        for _hop in range(MAX_REDIRECTS + 1):
            flow = holder[0]
            try:
                request = self.build_request(client, method, url, out.headers,
                                             stream if stream is not None else body)
            except httpx.InvalidURL:
                if location is None:
                    raise  # the app's URL: its bad argument
                raise unusable_location(location) from None
            flow.request.headers = [(k.decode("latin-1"), v.decode("latin-1"))
                                    for k, v in request.headers.raw]
            response = await self._send(verify, request, out, flow)
            try:
                flow.timings.first_byte = time.time()
                flow.response = HttpResponse(
                    status=response.status_code,
                    reason=response.reason_phrase,
                    http_version=response.http_version,
                    headers=[(k.decode("latin-1"), v.decode("latin-1"))
                             for k, v in response.headers.raw],
                )
                self.bus.publish(FlowResponse(flow=flow))
                location = response.headers.get("location")
                if response.status_code not in _REDIRECT_CODES or not location:
                    return await consume(flow, response)
                # A hop's body is read (and logged) under the call's cap, as any body.
                async for chunk in read_body(response, out.max_body, size_error(
                        f"redirect response body exceeds {out.max_body // (1024 * 1024)} MB")):
                    flow.response.body.append(chunk)
            finally:
                await response.aclose()
            # A redirect: this hop is done; the next one must pass the same policy.
            next_url = url = canonical_url(redirect_target(response.url, location))
            if response.status_code == 303 or (response.status_code in (301, 302)
                                               and method == "POST"):
                method = "GET" if method != "HEAD" else method
                body, stream = None, None
            self._finish(flow)
            verdict = self.policy.check(out.list_name, next_url)
            holder[0] = self._new_flow(out, method, next_url, body, verdict, parent=flow)
            holder[0].timings.sent = time.time()
            holder[0].state = FlowState.RUNNING
            self.bus.publish(FlowStarted(flow=holder[0]))
            if not verdict.allowed:
                raise PolicyRefused(f"redirect to {next_url} refused: {verdict.reason}")
            if stream is not None:
                raise NetError("cannot repeat a streamed body after a redirect")
        raise from_httpx(httpx.TooManyRedirects("too many redirects"))


def redirect_target(base: httpx.URL, location: str) -> str:
    """The absolute URL a redirect's ``Location`` names (RFC 9110 §10.2.2: a reference,
    resolved against the request's URL).

    A Location no URL can be made of is the server's fault, not the app's: a 1001
    :class:`ProtocolFailed` that says so, never the 904 "parameter error" that blames the
    app's arguments.
    """
    try:
        target = base.join(location)
        if not target.is_absolute_url or not target.host:
            raise httpx.InvalidURL("no host")
        return str(target)
    except (httpx.InvalidURL, ValueError, UnicodeError, TypeError):
        raise unusable_location(location) from None


def unusable_location(location: str) -> ProtocolFailed:
    """The error for a redirect whose Location cannot be used (the server's fault)."""
    quoted = json.dumps(location[:200], ensure_ascii=False)
    return ProtocolFailed(f"bad redirect: the server sent an unusable Location {quoted}")
