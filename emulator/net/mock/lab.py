"""The network lab of one app: its live rule list and HAR replay, consulted by the HTTP
transport stack and by connectSocket after the policy check (design.md, "Automation and
the network lab").

HTTP: :meth:`NetworkLab.layer` is a transport layer of
:class:`emulator.net.client.Network` (``network.layers``): for each exchange (each
redirect hop) it picks the first matching rule, else the replayed entry, else the real
transport, and marks the flow (``flow.mocked``). Sockets: :meth:`NetworkLab.socket_route`
picks the same way; the socket then connects to a scripted server
(:mod:`emulator.net.mock.sockets`) or fails as the rule says.

Where weak-network shaping goes: a layer appended to ``network.layers`` after this one
wraps whatever this one returns (mocked or real), so mocked calls are throttled too; for
sockets, around :meth:`SocketRoute.open` and the real connect in ``swan/socket/service.py``.
"""

from __future__ import annotations

import asyncio
import errno
import os
import socket
import ssl
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage
from emulator.net.errors import R_EXECUTION_FAILED, Aborted, NetError, PolicyRefused
from emulator.net.hosts import Target
from emulator.net.mock.answers import Fail, MockTransport, tls_error
from emulator.net.mock.dynamic import AnswerProblem
from emulator.net.mock.replay import HarReplay
from emulator.net.mock.rules import MockCall, Rule, RuleList
from emulator.net.mock.sockets import Handler, ScriptedServer
from emulator.net.mock.templates import TemplateProblem
from emulator.net.policy import R_NOT_LISTED

if TYPE_CHECKING:
    from emulator.devserver.certs import ServerCertificates
    from emulator.flows.flow import HttpFlow
    from emulator.net.client import Outgoing


class _Refuse:
    """An answer that fails with a given error (a replay's unmatched call)."""

    kind = "refuse"

    def __init__(self, error: NetError) -> None:
        self.error = error

    async def answer(self, call: MockCall, request: httpx.Request,
                     inner: httpx.AsyncBaseTransport) -> httpx.Response:
        raise self.error


class _Reported(MockTransport):
    """A mock transport whose answer's own failure (a dynamic function that threw, a
    template that cannot render) is said in the console; the app gets ``execution
    failed``."""

    def __init__(self, lab: NetworkLab, name: str, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lab = lab
        self.name = name

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        try:
            return await super().handle_async_request(request)
        except AnswerProblem as exc:
            self.lab.warn(self.name, exc.detail)
            raise
        except TemplateProblem as exc:
            self.lab.warn(self.name, str(exc))
            raise NetError(R_EXECUTION_FAILED) from None


@dataclass
class SocketRoute:
    """Where a mocked socket goes: a scripted server, or a failure kind."""

    name: str
    lab: NetworkLab
    handler: Handler | None = None
    key: object = None
    failure: str | None = None
    error: NetError | None = None
    delay_s: float = 0.0

    def refusal(self) -> NetError | None:
        """The error of a rule that refuses the URL as the policy would (the socket then
        fails before connecting, exactly as a refused one), else None."""
        if self.failure == "notInDomainList":
            return PolicyRefused(R_NOT_LISTED)
        return None

    async def open(self, secure: bool, verify: bool, timeout_s: float
                   ) -> tuple[Target, ssl.SSLContext | None]:
        """The scripted server to connect to (and the TLS context trusting it), or the
        failure raised as the real connection would raise it."""
        if self.delay_s > 0:
            await asyncio.sleep(self.delay_s)
        if self.error is not None:
            raise self.error
        if self.failure is not None:
            await socket_failure(self.failure, timeout_s)
        assert self.handler is not None
        return await self.lab.server(self.key, self.handler, secure, verify)


async def socket_failure(kind: str, timeout_s: float) -> None:
    """Raise what websockets raises for ``kind`` (the timeout after ``timeout_s``, as the
    real open timeout); :func:`emulator.net.errors.from_websockets` words it."""
    if kind == "timeout":
        await asyncio.sleep(timeout_s)
        raise TimeoutError()
    if kind == "abort":
        raise Aborted()
    if kind == "dns":
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    if kind == "reset":
        raise ConnectionResetError(errno.ECONNRESET, os.strerror(errno.ECONNRESET))
    if kind == "tls":
        raise tls_error()
    if kind == "notInDomainList":
        raise PolicyRefused(R_NOT_LISTED)
    raise ValueError(f"unknown failure {kind!r}")


class NetworkLab:
    """Rules + replay for one app (see the module doc)."""

    def __init__(self, bus: EventBus, rules: RuleList | None = None,
                 replay: HarReplay | None = None) -> None:
        self.bus = bus
        self.rules = rules if rules is not None else RuleList()
        self.replay = replay
        self._servers: dict[tuple[int, bool], ScriptedServer] = {}
        self._certs: ServerCertificates | None = None
        self._client_tls: dict[bool, ssl.SSLContext] = {}

    def warn(self, name: str, detail: str) -> None:
        """Say in the console why a mock could not answer."""
        self.bus.publish(ConsoleMessage(level="warn", text=f"mock {name!r}: {detail}",
                                        location=None))

    # ---- HTTP -----------------------------------------------------------------------
    def layer(self, out: Outgoing, flow: HttpFlow, request: httpx.Request,
              inner: httpx.AsyncBaseTransport) -> httpx.AsyncBaseTransport:
        """The transport for one exchange: a mock's, the replay's, or ``inner``."""
        if not len(self.rules) and self.replay is None:
            return inner
        call = MockCall(out.api, flow.request.method, flow.request.url, out.headers,
                        None if out.stream is not None else bytes(flow.request.body.data),
                        out.form)
        rule = self.rules.first_match(call)
        if rule is not None:
            flow.mocked = rule.name
            return _Reported(self, rule.name, rule.answer, call, inner, rule.delay_ms / 1000)
        if self.replay is None:
            return inner
        entry = self.replay.http_answer(call)
        if entry is not None:
            flow.mocked = f"{self.replay.label}#{entry.index}"
            return MockTransport(entry, call, inner)
        if self.replay.settings.unmatched == "pass":
            return inner
        flow.mocked = self.replay.label
        return MockTransport(_Refuse(self.replay.unmatched(
            f"{call.method} {call.url}")), call, inner)

    # ---- sockets --------------------------------------------------------------------
    def socket_route(self, url: str, headers: list[tuple[str, str]]) -> SocketRoute | None:
        """Where ``connectSocket(url)`` goes: a SocketRoute, or None for the real host."""
        if not len(self.rules) and self.replay is None:
            return None
        call = MockCall("connectSocket", "GET", url, headers)
        rule = self.rules.first_match(call)
        if rule is not None:
            return self._rule_route(rule)
        if self.replay is None:
            return None
        entry = self.replay.socket_answer(url)
        if entry is not None:
            return SocketRoute(f"{self.replay.label}#{entry.index}", self, entry.serve, entry)
        if self.replay.settings.unmatched == "pass":
            return None
        return SocketRoute(self.replay.label, self, error=self.replay.unmatched(url))

    def _rule_route(self, rule: Rule) -> SocketRoute:
        answer = rule.answer
        delay = rule.delay_ms / 1000
        if isinstance(answer, Fail):
            return SocketRoute(rule.name, self, failure=answer.failure, delay_s=delay)
        serve = getattr(answer, "serve", None)
        if serve is None:
            return SocketRoute(rule.name, self, error=NetError(R_EXECUTION_FAILED),
                               delay_s=delay)
        return SocketRoute(rule.name, self, serve, answer, delay_s=delay)

    async def server(self, key: object, handler: Handler, secure: bool,
                     verify: bool) -> tuple[Target, ssl.SSLContext | None]:
        """The scripted server of ``key`` (started on first use) and, for wss, the TLS
        context that trusts the lab's own CA (or checks nothing, with checks off)."""
        ident = (id(key), secure)
        server = self._servers.get(ident)
        if server is None:
            server = ScriptedServer(handler, self._server_tls() if secure else None)
            self._servers[ident] = server
        target = await server.target()
        return target, self._client_context(verify) if secure else None

    def _server_tls(self) -> ssl.SSLContext:
        if self._certs is None:
            # Imported here: its CA tooling is heavy, and most runs mock no wss socket.
            from emulator.devserver.certs import ServerCertificates

            self._certs = ServerCertificates(default_names=("localhost",))
        return self._certs.server_context

    def _client_context(self, verify: bool) -> ssl.SSLContext:
        ctx = self._client_tls.get(verify)
        if ctx is None:
            assert self._certs is not None
            ctx = ssl.create_default_context(cadata=self._certs.ca_pem)
            if not verify:
                ctx.check_hostname = False
                ctx.verify_mode = ssl.CERT_NONE
            self._client_tls[verify] = ctx
        return ctx

    async def aclose(self) -> None:
        """Stop every scripted server."""
        servers, self._servers = list(self._servers.values()), {}
        for server in servers:
            await server.close()
