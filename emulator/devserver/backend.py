"""The builtin backend: the demo routes over HTTPS and WSS on free 127.0.0.1 ports."""

from __future__ import annotations

from emulator.devserver.certs import ServerCertificates
from emulator.devserver.http import HttpServer
from emulator.devserver.routes import handle
from emulator.devserver.ws import WsServer
from emulator.net.hosts import Target


class DemoBackend:
    """Started in-process; any domain mapped to ``builtin`` connects here, with a
    certificate for that domain from the emulator's own CA."""

    def __init__(self, certificates: ServerCertificates | None = None) -> None:
        self.certificates = certificates or ServerCertificates()
        self.http = HttpServer(handle, ssl_context=self.certificates.server_context)
        self.ws = WsServer(ssl_context=self.certificates.server_context)

    @property
    def ca_pem(self) -> str:
        """The CA the emulator's client must trust for this backend."""
        return self.certificates.ca_pem

    async def start(self) -> DemoBackend:
        """Listen on a free port."""
        await self.http.start()
        await self.ws.start()
        return self

    async def close(self) -> None:
        """Stop and drop every connection."""
        await self.http.close()
        await self.ws.close()

    def target(self, kind: str) -> Target:
        """Where a connection of ``kind`` (http, ws) to the backend goes."""
        return Target("127.0.0.1", self.ws.port if kind == "ws" else self.http.port)
