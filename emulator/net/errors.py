"""Network errors, translated once from httpx/websockets/ssl into ours.

The mini-program's errMsg is built from these only::

    NetError                      errCode 1001 unless noted
    ├── BadRequest                904: bad arguments (url, method...)
    ├── PolicyRefused             the domain policy said no (reason in the message)
    ├── Aborted                   the app called abort()
    ├── Timeout                   networkTimeout expired
    ├── TLSFailed                 the handshake or certificate check failed
    ├── ConnectFailed             no connection (refused, unreachable, DNS)
    ├── ConnectionLost            the connection broke mid-exchange (reset, closed early)
    ├── ProtocolFailed            the peer spoke broken HTTP / WebSocket (or refused it)
    └── SizeLimitExceeded         a body is over the configured limit
"""

from __future__ import annotations

import asyncio
import ssl

import httpx
import websockets.exceptions as wse

ERR_ARGS = 904
ERR_FAILED = 1001


class NetError(Exception):
    """Base of every network failure the app can see; ``reason`` goes into errMsg."""

    code = ERR_FAILED

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class BadRequest(NetError):
    """The app passed arguments the API refuses."""

    code = ERR_ARGS


class PolicyRefused(NetError):
    """The domain policy refused the URL."""


class Aborted(NetError):
    """The app aborted the task."""

    def __init__(self, reason: str = "abort") -> None:
        super().__init__(reason)


class Timeout(NetError):
    """The task ran past its networkTimeout."""

    def __init__(self, reason: str = "timeout") -> None:
        super().__init__(reason)


class TLSFailed(NetError):
    """The TLS handshake or the certificate check failed."""


class ConnectFailed(NetError):
    """No connection could be made."""


class ConnectionLost(NetError):
    """The connection broke during the exchange."""


class ProtocolFailed(NetError):
    """The server's answer is not valid protocol."""


class SizeLimitExceeded(NetError):
    """A body is larger than the limit."""


def _ssl_cause(exc: BaseException) -> ssl.SSLError | None:
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        if isinstance(cur, ssl.SSLError):
            return cur
        cur = cur.__cause__ or cur.__context__
    return None


def _tls_failed(exc: ssl.SSLError) -> TLSFailed:
    detail = getattr(exc, "verify_message", None) or getattr(exc, "reason", None) or str(exc)
    return TLSFailed(f"ssl handshake failed: {detail}")


def _detail(exc: BaseException) -> str:
    text = str(exc).strip()
    return text or type(exc).__name__


def from_httpx(exc: Exception) -> NetError:
    """Translate an httpx exception (any class) into our error."""
    tls = _ssl_cause(exc)
    if tls is not None:
        return _tls_failed(tls)
    if isinstance(exc, httpx.TimeoutException):
        return Timeout()
    if isinstance(exc, httpx.ConnectError):
        return ConnectFailed(f"connect error: {_detail(exc)}")
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        return ConnectionLost(f"connection lost: {_detail(exc)}")
    if isinstance(exc, httpx.RemoteProtocolError):
        return ProtocolFailed(f"bad response: {_detail(exc)}")
    if isinstance(exc, httpx.ProtocolError):
        return ProtocolFailed(f"protocol error: {_detail(exc)}")
    if isinstance(exc, httpx.UnsupportedProtocol):
        return PolicyRefused("url scheme is invalid")
    if isinstance(exc, httpx.ProxyError):
        return ConnectFailed(f"proxy error: {_detail(exc)}")
    if isinstance(exc, httpx.DecodingError):
        return ProtocolFailed(f"cannot decode response: {_detail(exc)}")
    if isinstance(exc, httpx.TooManyRedirects):
        return ProtocolFailed("too many redirects")
    if isinstance(exc, httpx.HTTPStatusError):
        return ProtocolFailed(f"http error: {_detail(exc)}")
    if isinstance(exc, httpx.CookieConflict):
        return ProtocolFailed(f"cookie conflict: {_detail(exc)}")
    if isinstance(exc, httpx.InvalidURL):
        return BadRequest(f"parameter error: invalid url ({_detail(exc)})")
    if isinstance(exc, (httpx.TransportError, httpx.RequestError)):
        return ConnectionLost(f"network error: {_detail(exc)}")
    # StreamError and anything httpx adds later: a failure we did not foresee, still ours.
    return NetError(f"network error: {type(exc).__name__}: {_detail(exc)}")


def from_os_error(exc: OSError) -> NetError:
    """Translate a socket-level error (raised outside httpx) into ours."""
    if isinstance(exc, ssl.SSLError):
        return _tls_failed(exc)
    if isinstance(exc, ConnectionRefusedError):
        return ConnectFailed(f"connect error: {_detail(exc)}")
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return ConnectionLost(f"connection lost: {_detail(exc)}")
    if isinstance(exc, TimeoutError):
        return Timeout()
    return ConnectFailed(f"network error: {_detail(exc)}")


def from_websockets(exc: BaseException) -> NetError:
    """Translate a websockets (or socket-level) exception from a connection into ours."""
    tls = _ssl_cause(exc)
    if tls is not None:
        return from_os_error(tls)
    if isinstance(exc, wse.InvalidStatus):
        return ProtocolFailed(f"handshake refused: HTTP {exc.response.status_code}")
    if isinstance(exc, wse.InvalidURI):
        return BadRequest(f"parameter error: invalid url ({_detail(exc)})")
    if isinstance(exc, (wse.InvalidHandshake, wse.ProtocolError, wse.PayloadTooBig)):
        return ProtocolFailed(f"protocol error: {_detail(exc)}")
    if isinstance(exc, wse.ConnectionClosed):
        return ConnectionLost(f"connection lost: {_detail(exc)}")
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return Timeout()
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if isinstance(exc, wse.WebSocketException):
        return ProtocolFailed(f"websocket error: {_detail(exc)}")
    return NetError(f"network error: {type(exc).__name__}: {_detail(exc)}")
