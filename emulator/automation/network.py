"""The app's network as a test sees it: its flows, and waits for one."""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.automation.waiting import DEFAULT_TIMEOUT, until
from emulator.flows.flow import HttpFlow, SocketFlow, TransferFlow
from emulator.flows.har import make_har, write_har

if TYPE_CHECKING:
    from emulator.app.host import AppHost

Flow = HttpFlow | TransferFlow | SocketFlow


def flow_url(flow: Flow) -> str:
    return flow.url if isinstance(flow, SocketFlow) else flow.request.url


def flow_line(flow: Flow) -> str:
    """One line per flow, for failure messages."""
    if isinstance(flow, SocketFlow):
        return f"#{flow.id} socket {flow.url} {flow.state.value}"
    status = flow.response.status if flow.response else (flow.error_message or flow.state.value)
    return f"#{flow.id} {flow.api} {flow.request.method} {flow.request.url} -> {status}"


class Network:
    """Flows of the running app (requests, uploads, downloads, sockets), in order."""

    def __init__(self, host: AppHost) -> None:
        self._host = host

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
