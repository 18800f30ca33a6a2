"""Network.build_request: the request httpx's client would build, made cheaper."""

from __future__ import annotations

import ssl

import httpx

from emulator.flows.bus import EventBus
from emulator.net.client import Network, parsed_url
from emulator.net.hosts import HostMap
from emulator.net.policy import DomainPolicy


def network() -> Network:
    return Network(EventBus(), policy=DomainPolicy({}), hosts=HostMap(),
                   ssl_context=lambda verify: ssl.create_default_context(),
                   default_headers={"User-Agent": "swan-test/1"})


async def test_build_request_matches_the_clients_own() -> None:
    """Method, URL, headers (client defaults replaced by app headers of the same name, in
    httpx's order), body and timeouts are those of ``client.build_request``."""
    net = network()
    client = net.client(True)
    headers = [("content-type", "application/json"), ("user-agent", "app/2"),
               ("X-Trace", "José")]
    ours = net.build_request(client, "POST", "https://Api.Test/p?q=1", headers, b"{}")
    theirs = client.build_request("POST", "https://Api.Test/p?q=1", content=b"{}", headers=[
        (k.encode("ascii"), v.encode("latin-1")) for k, v in headers])
    assert (ours.method, ours.url) == (theirs.method, theirs.url)
    assert ours.headers.raw == theirs.headers.raw
    assert ours.content == theirs.content == b"{}"
    assert ours.extensions == theirs.extensions
    await net.aclose()


def test_parsed_url_is_kept_per_url() -> None:
    """The same URL text gives the same (immutable) parsed URL; another text its own."""
    assert parsed_url("https://a.test/x") is parsed_url("https://a.test/x")
    assert parsed_url("https://a.test/y") == httpx.URL("https://a.test/y")
