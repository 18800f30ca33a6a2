"""The app's network as a test sees it: its flows, waits for one, its mock rules
(``mock``/``clear_mocks``: the same live rule list the settings' ``mocks`` fill,
docs/mocking.md) and its conditions (``throttle``, ``offline``/``online``: the same
state the network-type picker and the settings' ``throttle`` set,
docs/network-conditions.md)."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.automation.errors import AutomationError
from emulator.automation.waiting import DEFAULT_TIMEOUT, until
from emulator.errors import ConfigError
from emulator.flows.flow import HttpFlow, SocketFlow, TransferFlow
from emulator.flows.har import make_har, write_har
from emulator.net.mock.dynamic import PyAnswer, PyHandler
from emulator.net.mock.load import RuleReader
from emulator.net.mock.rules import Rule
from emulator.net.shaping.profiles import Profile, parse_profile

if TYPE_CHECKING:
    from emulator.app.host import AppHost

Flow = HttpFlow | TransferFlow | SocketFlow


def flow_url(flow: Flow) -> str:
    return flow.url if isinstance(flow, SocketFlow) else flow.request.url


def flow_line(flow: Flow) -> str:
    """One line per flow, for failure messages (a mocked one says by which rule)."""
    mark = f" [mocked: {flow.mocked}]" if flow.mocked is not None else ""
    if isinstance(flow, SocketFlow):
        return f"#{flow.id} socket {flow.url} {flow.state.value}{mark}"
    status = flow.response.status if flow.response else (flow.error_message or flow.state.value)
    return f"#{flow.id} {flow.api} {flow.request.method} {flow.request.url} -> {status}{mark}"


_UNSET: Any = object()


class MockHandle:
    """A rule added by :meth:`Network.mock`: ``calls`` it answered so far, ``remove()``."""

    def __init__(self, network: Network, rule: Rule) -> None:
        self._network = network
        self.rule = rule

    @property
    def calls(self) -> int:
        """How many calls the rule has answered."""
        return self.rule.used

    def remove(self) -> bool:
        """Take the rule out of the list (the next call no longer sees it); False when it
        was gone already."""
        return self._network._host.mocks.remove(self.rule)

    def __repr__(self) -> str:
        return f"<MockHandle {self.rule.name!r} {self.rule.api} {self.rule.url} calls={self.calls}>"


class Network:
    """Flows of the running app (requests, uploads, downloads, sockets), in order."""

    def __init__(self, host: AppHost) -> None:
        self._host = host
        self._before_offline: str | None = None

    @property
    def flows(self) -> list[Flow]:
        return list(self._host.flows)

    def _matches(self, flow: Flow, url: str | None, method: str | None, api: str | None,
                 status: int | None, ended: bool) -> bool:
        if url is not None and not fnmatch.fnmatchcase(flow_url(flow), url):
            return False
        if api is not None and flow.api != api:
            return False
        if isinstance(flow, SocketFlow):
            return method is None and status is None
        if method is not None and flow.request.method != method.upper():
            return False
        if ended and not flow.state.ended:
            return False
        return status is None or (flow.response is not None and flow.response.status == status)

    async def wait_for_flow(self, *, url: str | None = None, method: str | None = None,
                            api: str | None = None, status: int | None = None,
                            ended: bool = True, timeout: float = DEFAULT_TIMEOUT) -> Flow:
        """The first flow matching every given filter (``url`` is a glob: ``*/echo*``),
        ended unless ``ended=False``. WaitTimeout lists the last flows seen."""
        def found() -> Flow | None:
            for flow in self.flows:
                if self._matches(flow, url, method, api, status, ended):
                    return flow
            return None

        def describe() -> str:
            wanted = ", ".join(f"{k}={v!r}" for k, v in (("url", url), ("method", method),
                                                          ("api", api), ("status", status))
                               if v is not None)
            seen = [flow_line(f) for f in self.flows[-5:]] or ["(no flows at all)"]
            return (f"no flow with {wanted or 'any properties'} within {timeout:g} s; "
                    "the last flows:\n  " + "\n  ".join(seen))

        return await until(found, timeout, describe)

    async def wait_idle(self, timeout: float = DEFAULT_TIMEOUT) -> None:
        """Until the app has nothing left to do (no timers, calls or queued work)."""
        await until(lambda: self._host.runtime.idle or None, timeout,
                    lambda: f"the app was still busy after {timeout:g} s")

    def mock(self, url: str = "*", *, api: str = "request", method: str | None = None,
             params: dict[str, str] | None = None, times: int | None = None,
             name: str | None = None, url_regex: str | None = None, delay: float = 0,
             status: int | None = None, headers: dict[str, str] | None = None,
             json: Any = _UNSET, text: str | None = None, file: str | Path | None = None,
             template: Any = _UNSET, fail: str | None = None,
             rewrite: dict[str, Any] | None = None, js: str | None = None,
             handler: PyHandler | None = None, socket: dict[str, Any] | None = None,
             first: bool = False) -> MockHandle:
        """Add a mock rule (docs/mocking.md) at the end of the list (``first``: at the
        front, before the settings' rules); it answers the next matching call.

        ``url`` is a glob (``url_regex`` a regular expression); ``params`` maps paths
        (``query.page``, ``data.user.id``, ``header.x-token``, ``formData.kind``) to
        regular expressions; ``times`` limits it to the first N calls; ``delay`` in ms.
        The answer is one of: ``status``/``headers`` with a body (``json``, ``text``,
        ``file``, ``template``); ``fail`` (``timeout``, ``abort``, ``dns``, ``reset``,
        ``tls``, ``notInDomainList``); ``rewrite`` (the rule file's object); ``js`` (a
        function's source); ``handler`` (``fn(options) -> {statusCode, header, data}``,
        async allowed); ``socket`` (a script, with ``api="connectSocket"``).
        AutomationError when the rule is not valid."""
        rule: dict[str, Any] = {"api": api, "delay": delay}
        if url_regex is not None:
            rule["urlRegex"] = url_regex
        else:
            rule["url"] = url
        for key, value in (("method", method), ("params", params), ("times", times),
                           ("name", name), ("fail", fail), ("rewrite", rewrite), ("js", js),
                           ("socket", socket)):
            if value is not None:
                rule[key] = value
        response: dict[str, Any] = {}
        for key, value in (("status", status), ("headers", headers), ("text", text),
                           ("file", None if file is None else str(file))):
            if value is not None:
                response[key] = value
        if json is not _UNSET:
            response["json"] = json
        if template is not _UNSET:
            response["template"] = template
        if response or (not any(k in rule for k in ("fail", "rewrite", "js", "socket")) \
                and handler is None):
            rule["response"] = response
        if handler is not None:
            if any(k in rule for k in ("response", "fail", "rewrite", "js", "socket")):
                raise AutomationError("mock(): handler= answers alone (no other answer)")
            rule["response"] = {}
        host = self._host
        reader = RuleReader("network.mock()", Path.cwd(),
                            time_limit=host.settings.script_time_limit,
                            memory_limit=host.settings.memory_limit_mb * 1024 * 1024)
        try:
            made = reader.rule(rule, "mock")
        except ConfigError as exc:
            raise AutomationError(str(exc)) from None
        if name is None:
            made.name = f"mock {len(host.mocks) + 1}: {url_regex or url}"
        if handler is not None:
            made.answer = PyAnswer(handler)
        host.mocks.add(made, 0 if first else None)
        return MockHandle(self, made)

    def clear_mocks(self) -> None:
        """Remove every mock rule (the settings' and ``--mock``'s too) for the rest of the
        run."""
        self._host.mocks.clear()

    def throttle(self, profile: str | dict[str, Any] | Profile = "auto") -> Profile | None:
        """Shape the network from the next bytes on: a profile name (``2g``, ``3g``,
        ``4g``, ``5g``, ``wifi``, ``slow-3g`` or the settings' ``throttleProfiles``),
        ``"off"``, ``"auto"`` (the network type's own), or custom figures as the settings
        spell them (``{"latencyMs": 300, "downloadBytesPerSec": 65536}``; named
        ``custom``). Returns the profile now in force (None: none). AutomationError for an
        unknown name or bad figures."""
        if isinstance(profile, dict):
            try:
                profile = parse_profile("custom", profile, 'network.throttle(): "custom')
            except ConfigError as exc:
                raise AutomationError(str(exc)) from None
        try:
            self._host.set_throttle(profile)
        except ConfigError as exc:
            raise AutomationError(f"network.{exc}") from None
        return self._host.throttle

    def offline(self) -> None:
        """Take the device offline (network type ``none``): every call fails with the
        offline error, open sockets close (1006 after onError), the app's
        onNetworkStatusChange listeners fire."""
        if self._host.network_type != "none":
            self._before_offline = self._host.network_type
        self._host.set_network_type("none")

    def online(self, network_type: str | None = None) -> None:
        """Back online: ``network_type``, or the one before :meth:`offline` (else
        ``wifi``); onNetworkStatusChange fires. AutomationError for an unknown type."""
        chosen = network_type or self._before_offline or "wifi"
        try:
            self._host.set_network_type(chosen)
        except ValueError as exc:
            raise AutomationError(f"network.online(): {exc}") from None

    @property
    def conditions(self) -> str:
        """What is in force, in one line: ``offline``, ``no throttling`` or the
        profile's figures (as the window's status bar shows them)."""
        return self._host.conditions.describe()

    def har(self) -> dict[str, Any]:
        """The network log as HAR 1.2."""
        return make_har(self.flows)

    def save_har(self, path: str | Path) -> Path:
        """Write the HAR; returns the path."""
        write_har(Path(path), self.flows)
        return Path(path)

    def summary(self) -> str:
        """All flows, a line each (for reports)."""
        return "\n".join(flow_line(f) for f in self.flows) or "(no flows)"

    def __repr__(self) -> str:
        last = json.dumps([flow_url(f) for f in self.flows][-3:])
        return f"<Network {len(self.flows)} flows, the last: {last}>"
