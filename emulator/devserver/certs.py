"""The emulator's own CA: certificates for whatever domain is mapped to the builtin backend.

Made fresh for each run and trusted only by the emulator's own HTTP client; nothing is
added to the system's trust store.
"""

from __future__ import annotations

import ssl

import trustme


class ServerCertificates:
    """A CA and a server TLS context that issues a certificate per requested name (SNI)."""

    def __init__(self, ca: trustme.CA | None = None,
                 default_names: tuple[str, ...] = ("api.demo.test",)) -> None:
        self.ca = ca or trustme.CA(organization_name="swan-emulator builtin CA")
        self._contexts: dict[str, ssl.SSLContext] = {}
        self._default = self._context_for(default_names)
        self._default.sni_callback = self._pick

    @property
    def ca_pem(self) -> str:
        """The CA certificate, for clients that should trust this backend."""
        return self.ca.cert_pem.bytes().decode("ascii")

    @property
    def server_context(self) -> ssl.SSLContext:
        """The context to serve TLS with."""
        return self._default

    def _context_for(self, names: tuple[str, ...]) -> ssl.SSLContext:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert(*names).configure_cert(ctx)
        return ctx

    def _pick(self, sock: ssl.SSLObject | ssl.SSLSocket, name: str | None,
              _ctx: ssl.SSLContext) -> None:
        if not name:
            return
        name = name.lower().rstrip(".")
        ctx = self._contexts.get(name)
        if ctx is None:
            ctx = self._contexts[name] = self._context_for((name,))
        sock.context = ctx
