"""Network errors, translated once from httpx/websockets/ssl into ours.

The mini-program's errMsg is built from these only, and their reasons from our own words:
no exception class name, traceback or library message about the app's arguments ever
reaches it (the detail of an unforeseen exception goes to the emulator's log)::

    NetError                      errCode 1001 unless noted; bare: "execution failed" or
    │                             "network error" for what nobody foresaw
    ├── BadRequest                904: bad arguments (url, method...)
    ├── PolicyRefused             the domain policy said no (reason in the message)
    ├── Aborted                   the app called abort()
    ├── Timeout                   networkTimeout expired
    ├── TLSFailed                 the handshake or certificate check failed
    ├── ConnectFailed             no connection (refused, unreachable, DNS)
    │   └── Offline               the emulated device has no network (network type none)
    ├── ConnectionLost            the connection broke mid-exchange (reset, closed early)
    ├── ProtocolFailed            the peer spoke broken HTTP / WebSocket (or refused it)
    └── SizeLimitExceeded         a body is over the configured limit
"""

from __future__ import annotations

import asyncio
import copy
import json
import logging
import os
import ssl

log = logging.getLogger(__name__)

ERR_ARGS = 904
ERR_FAILED = 1001

# The platform's own description of errCode 1001: the reason for a failure nobody foresaw.
R_EXECUTION_FAILED = "execution failed"
R_NETWORK_ERROR = "network error"
# The device is offline (choice, docs/network-conditions.md): the platform documents no
# reason of its own; "network error" is the spec's 1001 word for it, and the detail is what
# Chromium-based stacks (the Android host's, the devtools' own offline mode) report.
R_OFFLINE = "network error: net::ERR_INTERNET_DISCONNECTED"


class NetError(Exception):
    """Base of every network failure the app can see; ``reason`` goes into errMsg."""

    code = ERR_FAILED

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason

    def detached(self) -> NetError:
        """This error without its traceback or chained exceptions, to keep on a flow: a
        traceback holds the frames it passed through and their locals -- a failed call's
        body chunks, say -- alive for as long as the flow is kept (the network log keeps
        100,000)."""
        clone = copy.copy(self)
        clone.__traceback__ = None
        clone.__context__ = None
        clone.__cause__ = None
        return clone


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


class Offline(ConnectFailed):
    """The emulated device is offline: every network call fails with this (errCode 1001)."""

    def __init__(self, reason: str = R_OFFLINE) -> None:
        super().__init__(reason)


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


def error_detail(exc: BaseException) -> str:
    """What an exception says, for a reason the app reads: an OS error's text without
    the file names or addresses it carries; else its message (may be empty)."""
    if isinstance(exc, OSError) and exc.errno is not None:
        # Never str(exc): it adds the file names the error carries (host paths).
        return (exc.strerror or os.strerror(exc.errno)).strip()
    return str(exc).strip()


def _reason(what: str, exc: BaseException) -> str:
    """``what: detail``, or just ``what`` when the exception says nothing (never its class
    name in its place)."""
    detail = error_detail(exc)
    return f"{what}: {detail}" if detail else what


def invalid_url(url: object) -> str:
    """The reason for a URL that is not one, quoted and escaped as the JS side's argument
    rules quote it (runtime/prelude/network.js), so every API words it the same."""
    return f"parameter error: invalid url {json.dumps(str(url), ensure_ascii=False)}"


def unexpected(exc: BaseException, where: str) -> NetError:
    """An exception nobody foresaw (a bug, or a library doing something new): logged with
    its traceback in the emulator's log; the app gets the generic 1001 reason, never the
    exception's text or class."""
    log.error("%s: unexpected %s", where, type(exc).__name__, exc_info=exc)
    return NetError(R_EXECUTION_FAILED)


def _unforeseen(library: str, exc: BaseException) -> NetError:
    """A library exception with no mapping of its own: a generic network error for the app,
    its class and text for the emulator's log."""
    log.warning("unmapped %s exception %s: %s", library, type(exc).__name__, error_detail(exc))
    return NetError(R_NETWORK_ERROR)


def from_httpx(exc: Exception) -> NetError:
    """Translate an httpx exception (any class) into our error."""
    import httpx  # imported here: only a failed exchange (httpx already loaded) gets here

    tls = _ssl_cause(exc)
    if tls is not None:
        return _tls_failed(tls)
    if isinstance(exc, httpx.TimeoutException):
        return Timeout()
    if isinstance(exc, httpx.ConnectError):
        return ConnectFailed(_reason("connect error", exc))
    if isinstance(exc, (httpx.ReadError, httpx.WriteError, httpx.CloseError)):
        return ConnectionLost(_reason("connection lost", exc))
    if isinstance(exc, httpx.RemoteProtocolError):
        return ProtocolFailed(_reason("bad response", exc))
    if isinstance(exc, httpx.LocalProtocolError):
        # h11 refused what we were about to send; its message quotes our bytes back.
        log.warning("request not sent: %s", error_detail(exc))
        return ProtocolFailed("the request could not be sent")
    if isinstance(exc, httpx.ProtocolError):
        return ProtocolFailed(_reason("protocol error", exc))
    if isinstance(exc, httpx.UnsupportedProtocol):
        return PolicyRefused("url scheme is invalid")
    if isinstance(exc, httpx.ProxyError):
        return ConnectFailed(_reason("proxy error", exc))
    if isinstance(exc, httpx.DecodingError):
        return ProtocolFailed(_reason("cannot decode response", exc))
    if isinstance(exc, httpx.TooManyRedirects):
        return ProtocolFailed("too many redirects")
    if isinstance(exc, httpx.HTTPStatusError):
        return ProtocolFailed(_reason("http error", exc))
    if isinstance(exc, httpx.CookieConflict):
        return ProtocolFailed(_reason("cookie conflict", exc))
    if isinstance(exc, httpx.InvalidURL):
        log.warning("httpx refused a url: %s", error_detail(exc))
        return BadRequest("parameter error: invalid url")
    if isinstance(exc, (httpx.TransportError, httpx.RequestError)):
        return ConnectionLost(_reason("network error", exc))
    # StreamError and anything httpx adds later: a failure we did not foresee, still ours.
    return _unforeseen("httpx", exc)


def from_os_error(exc: OSError) -> NetError:
    """Translate a socket-level error (raised outside httpx) into ours."""
    if isinstance(exc, ssl.SSLError):
        return _tls_failed(exc)
    if isinstance(exc, ConnectionRefusedError):
        return ConnectFailed(_reason("connect error", exc))
    if isinstance(exc, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return ConnectionLost(_reason("connection lost", exc))
    if isinstance(exc, TimeoutError):
        return Timeout()
    return ConnectFailed(_reason("network error", exc))


def from_websockets(exc: BaseException) -> NetError:
    """Translate a websockets (or socket-level) exception from a connection into ours; any
    other exception is :func:`unexpected`."""
    import websockets.exceptions as wse  # as above: only a socket that failed gets here

    tls = _ssl_cause(exc)
    if tls is not None:
        return from_os_error(tls)
    if isinstance(exc, wse.InvalidStatus):
        return ProtocolFailed(f"handshake refused: HTTP {exc.response.status_code}")
    if isinstance(exc, wse.InvalidURI):
        return BadRequest(invalid_url(exc.uri))
    if isinstance(exc, (wse.InvalidHandshake, wse.ProtocolError, wse.PayloadTooBig)):
        return ProtocolFailed(_reason("protocol error", exc))
    if isinstance(exc, wse.ConnectionClosed):
        return ConnectionLost(_reason("connection lost", exc))
    if isinstance(exc, (TimeoutError, asyncio.TimeoutError)):
        return Timeout()
    if isinstance(exc, OSError):
        return from_os_error(exc)
    if isinstance(exc, wse.WebSocketException):
        return _unforeseen("websockets", exc)
    return unexpected(exc, "websocket connection")
