"""The opening handshake, ours rather than the library's.

Redirects: websockets follows a 3xx handshake answer by itself (to any host, port or IP,
none of it checked by the domain policy). We follow none: a 3xx fails the handshake, as it
does on the platform (RFC 6455 §4.1: any status other than 101 is a failed handshake); the
flow keeps the answer's headers and the status is in its error.
"""

from __future__ import annotations

from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import InvalidStatus

from emulator.net.errors import NetError, ProtocolFailed, from_websockets


class NoRedirectConnect(ws_connect):
    """websockets' ``connect`` that follows no redirect: a 3xx answer to the handshake is
    raised as the InvalidStatus it is (websockets would otherwise connect to its Location
    itself, past the domain policy and the network log)."""

    def process_redirect(self, exc: Exception) -> Exception | str:
        """Never a redirect to follow: the exception itself."""
        return exc


def handshake_error(exc: BaseException) -> NetError:
    """Our error for a failed opening handshake (a mock's failure is ours already)."""
    if isinstance(exc, NetError):
        return exc
    if isinstance(exc, InvalidStatus) and 300 <= exc.response.status_code < 400:
        return ProtocolFailed(f"handshake refused: HTTP {exc.response.status_code} "
                              "(redirects are not followed)")
    return from_websockets(exc)

