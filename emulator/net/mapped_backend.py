"""httpcore's network layer with host mapping (emulator/net/hosts.py).

A module of its own so that reading the host mapping (settings, ``--map-host``) does not
import httpcore: only the HTTP client (emulator/net/client.py) needs this class.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import httpcore

from emulator.net.hosts import HostMap
from emulator.net.stream_backend import AsyncioBackend


class MappedNetworkBackend(httpcore.AsyncNetworkBackend):
    """httpcore's network layer with mapped domains connecting elsewhere.

    httpcore still does TLS with ``server_hostname`` = the URL's host, so SNI and the
    certificate check are for the domain, not for the address we connect to.
    """

    def __init__(self, hosts: HostMap, inner: httpcore.AsyncNetworkBackend | None = None) -> None:
        self.hosts = hosts
        self._inner = inner or AsyncioBackend()

    async def connect_tcp(self, host: str, port: int, timeout: float | None = None,
                          local_address: str | None = None,
                          socket_options: Iterable[Any] | None = None
                          ) -> httpcore.AsyncNetworkStream:
        target = self.hosts.target(host, "http")
        if target is not None:
            host, port = target.host, target.port
        return await self._inner.connect_tcp(host, port, timeout=timeout,
                                             local_address=local_address,
                                             socket_options=socket_options)

    async def connect_unix_socket(self, path: str, timeout: float | None = None,
                                  socket_options: Iterable[Any] | None = None
                                  ) -> httpcore.AsyncNetworkStream:
        return await self._inner.connect_unix_socket(path, timeout=timeout,
                                                     socket_options=socket_options)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)
