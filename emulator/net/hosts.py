"""Host mapping and TLS trust.

A mapping connects a whitelisted domain to another address (a local backend) while the
URL, the Host header and TLS -- SNI and the certificate check -- keep the domain's name.
So an app is tested against a local server with domain checks *on*.
"""

from __future__ import annotations

import re
import ssl
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from emulator.errors import ConfigError
from emulator.net.policy import normalize_host

BUILTIN = "builtin"
# asyncio ends a TLS handshake after 60 s of its own unless told a limit: as an abort, and
# before a longer networkTimeout. The call's own deadline bounds every handshake, so
# asyncio is given this one, which stands for none (24 h).
TLS_HANDSHAKE_NO_LIMIT = 24 * 3600.0
_TARGET = re.compile(r"^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$")


class Target(NamedTuple):
    """Where a mapped domain really connects."""

    host: str
    port: int

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def parse_target(domain: str, value: str) -> Target | str:
    """``HOST:PORT`` as a Target, or the string ``builtin``; ConfigError otherwise."""
    if value == BUILTIN:
        return BUILTIN
    m = _TARGET.match(value.strip())
    if not m or not 0 < int(m.group(2)) < 65536:
        raise ConfigError(f"host mapping {domain!r}: {value!r} is not HOST:PORT or 'builtin'")
    return Target(m.group(1).strip("[]"), int(m.group(2)))


class HostMap:
    """Domain -> connection target. ``builtin`` entries resolve through ``builtin`` (the
    embedded demo backend), which gets the kind of connection (``http`` or ``ws``)."""

    def __init__(self, mapping: Mapping[str, str] | None = None,
                 builtin: Callable[[str], Target] | None = None) -> None:
        self._map: dict[str, Target | str] = {}
        self._builtin = builtin
        for domain, value in (mapping or {}).items():
            if not domain or "/" in domain or ":" in domain:
                raise ConfigError(f"host mapping: {domain!r} is not a domain name")
            self._map[normalize_host(domain)] = parse_target(domain, value)

    def replace(self, other: HostMap) -> None:
        """Take another map's entries (connections made later use them)."""
        self._map = dict(other._map)

    @property
    def uses_builtin(self) -> bool:
        """Whether any domain maps to the embedded backend."""
        return BUILTIN in self._map.values()

    def target(self, host: str, kind: str = "http") -> Target | None:
        """Where ``host`` connects, or None when it is not mapped."""
        value = self._map.get(normalize_host(host))
        if value is None:
            return None
        if value == BUILTIN:
            if self._builtin is None:
                raise ConfigError(f"{host} maps to the builtin backend, which is not running")
            return self._builtin(kind)
        assert isinstance(value, Target)
        return value


def make_ssl_context(*, verify: bool = True, ca_file: Path | None = None,
                     extra_ca_pem: Iterable[str] = ()) -> ssl.SSLContext:
    """The system trust store plus ``ca_file`` and ``extra_ca_pem`` (e.g. the builtin
    backend's CA). With ``verify`` False, certificates are not checked at all."""
    ctx = ssl.create_default_context()
    if not verify:
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
        return ctx
    try:
        import certifi

        ctx.load_verify_locations(cafile=certifi.where())
    except (ImportError, OSError):
        pass  # the system store alone
    if ca_file is not None:
        try:
            ctx.load_verify_locations(cafile=str(ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise ConfigError(f"CA file {ca_file}: cannot load ({exc})") from None
    for pem in extra_ca_pem:
        ctx.load_verify_locations(cadata=pem)
    return ctx
