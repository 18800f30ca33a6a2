"""The Python side of the argument boundary: headers go out as Latin-1, an unparsable URL is
the app's bad argument, and no library's words or exception class names reach a reason."""

from __future__ import annotations

import inspect
import logging

import httpx
import pytest
import websockets.exceptions as wse

from emulator.net import errors as E
from emulator.net.client import wire_headers
from emulator.net.policy import DomainPolicy, parse_url, refusal


def _httpx_classes() -> list[type[Exception]]:
    return sorted((obj for _, obj in inspect.getmembers(httpx, inspect.isclass)
                   if issubclass(obj, Exception)), key=lambda c: c.__name__)


def _bare(cls: type[Exception]) -> Exception:
    """An instance that says nothing (str() is empty) when the class allows it."""
    request = httpx.Request("GET", "https://api.demo.test/")
    for args, kwargs in (((), {}), (("",), {}), (("",), {"request": request}),
                         (("",), {"request": request,
                                  "response": httpx.Response(500, request=request)})):
        try:
            return cls(*args, **kwargs)  # type: ignore[call-arg]
        except TypeError:
            continue
    raise AssertionError(f"cannot build {cls}")


@pytest.mark.parametrize("cls", _httpx_classes(), ids=lambda c: c.__name__)
def test_no_reason_names_an_exception_class(cls: type[Exception]) -> None:
    """An httpx exception with no message maps to our words, not to its class name."""
    reason = E.from_httpx(_bare(cls)).reason  # type: ignore[arg-type]
    assert cls.__name__ not in reason and "Error" not in reason, reason


def test_unforeseen_exception_in_a_connection_is_generic(caplog: pytest.LogCaptureFixture) -> None:
    """websockets' ValueError for a bad subprotocol: 'execution failed', the detail logged."""
    caplog.set_level(logging.ERROR)
    mapped = E.from_websockets(ValueError("invalid subprotocol: room 1"))
    assert (mapped.code, mapped.reason) == (E.ERR_FAILED, "execution failed")
    assert any(r.exc_info and "room 1" in str(r.exc_info[1]) for r in caplog.records)


def test_invalid_uri_names_the_url_without_library_text() -> None:
    """websockets' InvalidURI is a 904 naming the URL as the JS rules name one."""
    mapped = E.from_websockets(wse.InvalidURI("wss://a b/", "isn't a valid URI"))
    assert (mapped.code, mapped.reason) == (904, 'parameter error: invalid url "wss://a b/"')
    assert E.from_httpx(httpx.InvalidURL("Invalid port: 'x'")).reason == \
        "parameter error: invalid url"


def test_local_protocol_error_does_not_quote_our_bytes() -> None:
    """h11 refusing what we would send: a reason of ours, not h11's message with the bytes."""
    mapped = E.from_httpx(httpx.LocalProtocolError("Illegal header value b'a\\r\\nb'"))
    assert mapped.reason == "the request could not be sent"


def test_header_values_are_encoded_as_latin1() -> None:
    """'José' becomes 4A 6F 73 E9; a value outside Latin-1 is a 904 naming the header."""
    assert wire_headers([("X-Name", "José"), ("X-Max", "ÿ")]) == [
        (b"X-Name", b"Jos\xe9"), (b"X-Max", b"\xff")]
    with pytest.raises(E.BadRequest) as info:
        wire_headers([("X-City", "北京")])
    assert info.value.code == 904
    assert info.value.reason == 'parameter error: invalid header "X-City"'


@pytest.mark.parametrize("url", ["not a url", "https:///x", "https://a.test/a b",
                                 "https://a.test:99999/", "https://a.test:0/"])
def test_unparsable_url_is_a_bad_argument(url: str) -> None:
    """A URL that does not parse (checking on or off) is a 904 naming it, on every list."""
    for enabled in (True, False):
        verdict = DomainPolicy({"request": ["https://a.test"]}, enabled=enabled).check(
            "request", url)
        error = refusal(verdict, url)
        assert isinstance(error, E.BadRequest), (url, enabled)
        assert error.reason == E.invalid_url(url)
    assert parse_url(url) is None


def test_policy_refusals_stay_policy_refusals() -> None:
    """A URL that parses but is refused keeps the policy's reason and errCode 1001."""
    policy = DomainPolicy({"request": ["https://a.test"]})
    for url, reason in (("https://b.test/", "url not in domain list"),
                        ("http://a.test/", "url scheme is invalid"),
                        ("https://a.test:8443/", "url must not contain a port")):
        error = refusal(policy.check("request", url), url)
        assert (type(error), error.code, error.reason) == (E.PolicyRefused, 1001, reason)
