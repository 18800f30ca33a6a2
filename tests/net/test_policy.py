"""The domain whitelist: a table of URLs, each allowed or refused with its reason."""

from __future__ import annotations

import pytest

from emulator.errors import ConfigError
from emulator.net import policy as P
from emulator.net.policy import DomainPolicy

LISTS = {
    "request": ["https://api.demo.test", "Shop.Example.COM", "https://xn--fiq228c.com/"],
    "uploadFile": ["https://up.demo.test"],
    "downloadFile": ["dl.demo.test"],
    "socket": ["wss://ws.demo.test"],
}
ON = DomainPolicy(LISTS)

CASES = [
    # (list, url, reason or None when allowed)
    ("request", "https://api.demo.test/x?y=1", None),
    ("request", "https://api.demo.test", None),
    ("request", "https://API.Demo.TEST/path", None),
    ("request", "https://api.demo.test./trailing-dot", None),
    ("request", "https://shop.example.com/", None),
    ("request", "https://中文.com/unicode-domain", None),
    ("request", "https://api.demo.test/path#frag@evil.com", None),
    ("request", "https://api.demo.test/?next=https://evil.com", None),
    ("uploadFile", "https://up.demo.test/upload", None),
    ("downloadFile", "https://dl.demo.test/f.bin", None),
    ("socket", "wss://ws.demo.test/chat", None),
    ("request", "http://api.demo.test/", P.R_SCHEME),
    ("request", "ftp://api.demo.test/", P.R_SCHEME),
    ("request", "wss://api.demo.test/", P.R_SCHEME),
    ("socket", "ws://ws.demo.test/", P.R_SCHEME),
    ("socket", "https://ws.demo.test/", P.R_SCHEME),
    ("request", "https://api.demo.test:443/", P.R_PORT),
    ("request", "https://api.demo.test:8443/", P.R_PORT),
    ("request", "https://api.demo.test:/", P.R_PORT),
    ("socket", "wss://ws.demo.test:443/", P.R_PORT),
    ("request", "https://api.demo.test@evil.com/", P.R_USERINFO),
    ("request", "https://user:pw@api.demo.test/", P.R_USERINFO),
    ("request", "https://evil.com@api.demo.test/", P.R_USERINFO),
    ("request", "https://api.demo.test\\@evil.com/", P.R_INVALID),
    ("request", "https://127.0.0.1/", P.R_IP),
    ("request", "https://2130706433/", P.R_IP),
    ("request", "https://0x7f000001/", P.R_IP),
    ("request", "https://0x7f.0.0.1/", P.R_IP),
    ("request", "https://127.1/", P.R_IP),
    ("request", "https://10.0.0.1/", P.R_IP),
    ("request", "https://[::1]/", P.R_IP),
    ("request", "https://[::ffff:127.0.0.1]/", P.R_IP),
    ("request", "https://[::ffff:7f00:1]/", P.R_IP),
    ("request", "https://[fe80::1%25eth0]/", P.R_IP),
    ("request", "https://0177.0.0.1/", P.R_INVALID),
    ("request", "https://%31%32%37.0.0.1/", P.R_IP),
    ("request", "https://localhost/", P.R_LOCALHOST),
    ("request", "https://LOCALHOST./", P.R_LOCALHOST),
    ("request", "https://api.localhost/", P.R_LOCALHOST),
    ("request", "https://openapi.baidu.com/rest/2.0", P.R_OPENAPI),
    ("request", "https://OpenAPI.Baidu.com./x", P.R_OPENAPI),
    ("request", "https://evil.com/", P.R_NOT_LISTED),
    ("request", "https://sub.api.demo.test/", P.R_NOT_LISTED),
    ("request", "https://api.demo.test.evil.com/", P.R_NOT_LISTED),
    ("request", "https://demo.test/", P.R_NOT_LISTED),
    ("request", "https://up.demo.test/", P.R_NOT_LISTED),  # listed for uploadFile only
    ("uploadFile", "https://api.demo.test/", P.R_NOT_LISTED),
    ("downloadFile", "https://api.demo.test/", P.R_NOT_LISTED),
    ("socket", "wss://api.demo.test/", P.R_NOT_LISTED),
    ("request", "https://xn--fiq228c.com.evil/", P.R_NOT_LISTED),
    ("request", "", P.R_INVALID),
    ("request", "api.demo.test/x", P.R_INVALID),
    ("request", "https:///x", P.R_INVALID),
    ("request", "https://api.demo.test/a b", P.R_INVALID),
    ("request", "https://api.demo.test/\x00", P.R_INVALID),
    ("request", "//api.demo.test/", P.R_INVALID),
]


@pytest.mark.parametrize(("list_name", "url", "reason"), CASES,
                         ids=[f"{c[0]}:{c[1]!r}" for c in CASES])
def test_policy_table(list_name: P.ListName, url: str, reason: str | None) -> None:
    """Each URL is allowed, or refused with exactly its reason, while checking is on."""
    verdict = ON.check(list_name, url)
    assert verdict.checked
    assert verdict.allowed is (reason is None)
    assert verdict.reason == reason


def test_table_is_large_enough() -> None:
    """The table covers at least 40 URLs, allowed and refused."""
    assert len(CASES) >= 40
    assert sum(1 for c in CASES if c[2] is None) >= 10


def test_checking_off_lets_http_and_any_host_through_unverified() -> None:
    """urlCheck off: any host, http too, is allowed but marked not verified."""
    off = DomainPolicy(LISTS, enabled=False)
    for url in ["http://127.0.0.1:8080/x", "https://evil.com/", "https://localhost:3000"]:
        v = off.check("request", url)
        assert (v.allowed, v.checked, v.label) == (True, False, "not verified")
    assert off.check("socket", "ws://127.0.0.1:9000").allowed
    assert off.check("request", "ftp://x.com/").reason == P.R_SCHEME
    assert off.check("request", "nonsense").reason == P.R_INVALID


@pytest.mark.parametrize(("name", "entry", "problem"), [
    ("request", "https://127.0.0.1", "must not be an IP address"),
    ("request", "[::1]", "must not be an IP address"),
    ("request", "localhost", "must not be localhost"),
    ("request", "https://api.demo.test:8443", "must not contain a port"),
    ("request", "http://api.demo.test", "must use https://"),
    ("socket", "https://ws.demo.test", "must use wss://"),
    ("request", "openapi.baidu.com", "openapi.baidu.com can not be configured"),
    ("request", "https://api.demo.test/v1", "must be a domain only, without a path"),
    ("request", "", "is empty"),
    ("request", "bad host!", "is not a valid domain"),
])
def test_invalid_entries_are_config_errors_naming_the_entry(name: str, entry: str,
                                                            problem: str) -> None:
    """A bad whitelist entry is refused when the settings load, naming it and why."""
    with pytest.raises(ConfigError) as info:
        DomainPolicy({name: [entry]})
    assert f'domain list "{name}": entry {entry!r} {problem}' == str(info.value)


def test_list_over_20_entries_is_refused() -> None:
    """The platform allows at most 20 domains per list."""
    DomainPolicy({"request": [f"d{i}.example.com" for i in range(20)]})
    with pytest.raises(ConfigError, match="21 entries; the platform allows at most 20"):
        DomainPolicy({"request": [f"d{i}.example.com" for i in range(21)]})


def test_settings_file_entry_error_names_the_file(tmp_path) -> None:
    """The settings loader reports a bad entry with the file's path."""
    from emulator.config import load_settings

    (tmp_path / "swan-emulator.json").write_text('{"domains": {"request": ["10.1.2.3"]}}')
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path)
    assert "swan-emulator.json" in str(info.value) and "'10.1.2.3'" in str(info.value)


def test_a_kept_verdict_follows_the_checking_switch() -> None:
    """The same URL asked again after checking is turned off (or on) gets that mode's
    verdict, not the one kept from before."""
    policy = DomainPolicy({"request": ["https://good.test"]})
    assert not policy.check("request", "https://other.test/x").allowed
    policy.enabled = False
    unchecked = policy.check("request", "https://other.test/x")
    assert unchecked.allowed and not unchecked.checked
    policy.enabled = True
    assert not policy.check("request", "https://other.test/x").allowed
    assert policy.check("request", "https://good.test/x") is policy.check("request",
                                                                          "https://good.test/x")
