"""Every httpx exception becomes one of ours, with a reason fit for errMsg."""

from __future__ import annotations

import inspect
import ssl

import httpx
import pytest

from emulator.net import errors as E


def _httpx_exception_classes() -> list[type[Exception]]:
    return sorted((obj for _, obj in inspect.getmembers(httpx, inspect.isclass)
                   if issubclass(obj, Exception)), key=lambda c: c.__name__)


def _make(cls: type[Exception]) -> Exception:
    request = httpx.Request("GET", "https://api.demo.test/")
    response = httpx.Response(500, request=request)
    for args, kwargs in (((), {}), (("boom",), {}), (("boom",), {"request": request}),
                         (("boom",), {"request": request, "response": response})):
        try:
            return cls(*args, **kwargs)  # type: ignore[call-arg]
        except TypeError:
            continue
    raise AssertionError(f"cannot build {cls}")


def test_the_httpx_exception_list_is_what_we_expect() -> None:
    """httpx has not grown an exception class we have not looked at."""
    names = {c.__name__ for c in _httpx_exception_classes()}
    assert {"ConnectError", "ReadTimeout", "RemoteProtocolError", "InvalidURL",
            "StreamConsumed", "HTTPStatusError", "TooManyRedirects"} <= names
    assert len(names) <= 30, sorted(names)


@pytest.mark.parametrize("cls", _httpx_exception_classes(), ids=lambda c: c.__name__)
def test_every_httpx_exception_is_mapped(cls: type[Exception]) -> None:
    """Each class maps to a specific subclass of NetError (not the catch-all)."""
    mapped = E.from_httpx(_make(cls))  # type: ignore[arg-type]
    assert isinstance(mapped, E.NetError)
    if cls.__name__ in ("HTTPError", "RequestError", "TransportError", "NetworkError"):
        return  # abstract bases: a generic network failure is the honest answer
    if issubclass(cls, httpx.StreamError):
        assert mapped.reason == "network error", mapped.reason  # our own misuse
        return
    assert type(mapped) is not E.NetError, f"{cls.__name__} fell through to the catch-all"
    assert mapped.reason


def test_mapping_of_the_common_cases() -> None:
    """Timeouts, refusals, resets and TLS failures say what happened."""
    assert isinstance(E.from_httpx(httpx.ReadTimeout("x")), E.Timeout)
    assert E.from_httpx(httpx.ConnectTimeout("x")).reason == "timeout"
    assert isinstance(E.from_httpx(httpx.ConnectError("refused")), E.ConnectFailed)
    assert isinstance(E.from_httpx(httpx.ReadError("reset")), E.ConnectionLost)
    tls = httpx.ConnectError("handshake")
    tls.__cause__ = ssl.SSLCertVerificationError(1, "certificate verify failed")
    mapped = E.from_httpx(tls)
    assert isinstance(mapped, E.TLSFailed) and mapped.reason.startswith("ssl handshake failed")
    assert E.from_httpx(httpx.InvalidURL("bad")).code == E.ERR_ARGS


def test_os_errors_are_mapped() -> None:
    """Socket errors raised outside httpx are ours too."""
    assert isinstance(E.from_os_error(ConnectionRefusedError()), E.ConnectFailed)
    assert isinstance(E.from_os_error(ConnectionResetError()), E.ConnectionLost)
    assert isinstance(E.from_os_error(ssl.SSLError()), E.TLSFailed)
    assert isinstance(E.from_os_error(TimeoutError()), E.Timeout)
