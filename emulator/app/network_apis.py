"""The app's network APIs -- ``request``, ``uploadFile``/``downloadFile``, ``connectSocket``
-- and what they share: the HTTP stack (policy, host mapping, TLS trust, caps), the mock
lab and weak-network shaping.

:class:`~emulator.app.host.AppHost` makes them when the app first calls one of them
(:data:`~emulator.app.host.NETWORK_OPS`): this module imports httpx, httpcore and
websockets (~70 ms), which an app that never touches the network does not need at start.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable
from typing import TYPE_CHECKING

from emulator.net.client import Network
from emulator.net.mock.lab import NetworkLab
from emulator.net.shaping.transport import shaping_layer
from emulator.swan.request import RequestService
from emulator.swan.socket import SocketService
from emulator.swan.transfer import TransferService

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.net.mock.replay import HarReplay
    from emulator.net.policy import DomainPolicy


class NetworkApis:
    """The network services of one app, wired as AppHost used to wire them at start."""

    def __init__(self, host: AppHost, *, policy: DomainPolicy, replay: HarReplay | None,
                 ssl_context: Callable[[bool], ssl.SSLContext], user_agent: str) -> None:
        package, settings = host.package, host.settings
        self.network = Network(
            host.bus,
            policy=policy,
            hosts=host.hosts,
            ssl_context=ssl_context,
            default_headers={"User-Agent": user_agent},
        )
        # Mock rules and HAR replay: between the policy check and the transport.
        self.lab = NetworkLab(host.bus, host.mocks, replay)
        self.network.layers.append(self.lab.layer)
        # Weak network and offline: outside the mock layer, so mocked calls are shaped too.
        self.network.layers.append(shaping_layer(host.conditions))
        self.requests = RequestService(host.runtime, self.network,
                                       timeout_ms=package.network_timeout_ms["request"],
                                       app_key=package.project.key)
        self.transfers = TransferService(host.runtime, self.network, host.files,
                                         limits=settings.limits,
                                         timeouts_ms=package.network_timeout_ms,
                                         app_key=package.project.key)
        self.sockets = SocketService(host.runtime, host.bus, policy=lambda: self.network.policy,
                                     hosts=host.hosts, ssl_context=ssl_context,
                                     timeout_ms=package.network_timeout_ms["connectSocket"],
                                     app_key=package.project.key, lab=self.lab,
                                     conditions=host.conditions)

    async def aclose(self) -> None:
        """Close every connection and the lab's scripted servers."""
        await self.network.aclose()
        await self.lab.aclose()
