"""The server-domain whitelist ("服务器域名"), checked the way the platform checks it.

Four lists (request, uploadFile, downloadFile, socket) of at most 20 domains each. With
checking on, a URL must use the list's scheme (https, or wss for sockets), name a listed
host exactly (case-insensitive, trailing dot ignored), and carry no port, no user info, no
IP address in any notation and no localhost; openapi.baidu.com is never allowed. The host
checked is the host httpx will connect to (parsed by httpx itself), so the check and the
connection cannot disagree.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from typing import Literal, NamedTuple

from emulator.errors import ConfigError
from emulator.net.errors import BadRequest, NetError, PolicyRefused, invalid_url

ListName = Literal["request", "uploadFile", "downloadFile", "socket"]
LISTS: tuple[ListName, ...] = ("request", "uploadFile", "downloadFile", "socket")
MAX_ENTRIES = 20
FORBIDDEN_HOST = "openapi.baidu.com"

_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$")
_HOST_CHARS = re.compile(r"^[a-z0-9.-]+$")
_BAD_CHARS = re.compile(r"[\s\\\x00-\x1f\x7f]")

# Reasons, as they appear after "<api>:fail " in errMsg.
R_INVALID = "invalid url"
R_SCHEME = "url scheme is invalid"
R_PORT = "url must not contain a port"
R_USERINFO = "url must not contain user info"
R_IP = "url must not be an IP address"
R_LOCALHOST = "url must not be localhost"
R_OPENAPI = "openapi.baidu.com can not be called"
R_NOT_LISTED = "url not in domain list"


def scheme_of(list_name: ListName) -> str:
    """The one scheme a list accepts."""
    return "wss" if list_name == "socket" else "https"


def _is_ip(host: str) -> bool:
    if ":" in host or host.startswith("["):
        return True  # IPv6, IPv4-mapped IPv6 included
    labels = host.rstrip(".").split(".")
    # inet_aton accepts 1 to 4 parts in decimal, octal (leading 0) or hex (0x): "127.1",
    # "2130706433", "0x7f.1". No real domain has an all-numeric last label.
    return bool(labels) and _NUMERIC_LABEL.match(labels[-1]) is not None


def normalize_host(host: str) -> str:
    """Lower case, without the one trailing dot of a fully qualified name: the form hosts
    are compared in (``Good.Test.`` is ``good.test``; ``good.test..`` keeps a dot and is
    no valid name)."""
    host = host.lower()
    return host[:-1] if host.endswith(".") else host


_AUTHORITY = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#]*)")
_FQDN_DOT = re.compile(r"(?<=[^.])\.(?=(:[0-9]*)?$)")


def canonical_url(url: str) -> str:
    """The URL with its host's one trailing dot dropped (``https://good.test./`` is
    ``https://good.test/``), and nothing else changed.

    The policy ignores that dot (it compares :func:`normalize_host` forms), so the
    connection must too: with the dot left in, the Host header, SNI and the certificate
    check (RFC 6125 §6.4.1 names carry no trailing dot) would all see ``good.test.`` and
    TLS would fail for a URL the policy let through. Used before both, for every hop.
    """
    return _canonical(url) if isinstance(url, str) else url


@functools.lru_cache(maxsize=1024)  # kept per URL text: an app asks for the same URLs
def _canonical(url: str) -> str:
    m = _AUTHORITY.match(url)
    if not m or m.group(2).rpartition("@")[2].startswith("["):
        return url
    userinfo, at, hostport = m.group(2).rpartition("@")
    fixed = _FQDN_DOT.sub("", hostport, count=1)
    if fixed == hostport:
        return url
    return m.group(1) + userinfo + at + fixed + url[m.end():]


class ParsedUrl(NamedTuple):
    """What the policy needs to know of a URL."""

    scheme: str
    host: str  # ASCII (punycode), lower case, no trailing dot
    explicit_port: bool
    userinfo: bool


@functools.lru_cache(maxsize=4096)
def parse_url(url: str) -> ParsedUrl | None:
    """Parse like httpx does, plus what httpx normalises away (an explicit :443, userinfo).

    None when the URL is not a usable absolute URL.
    """
    if _BAD_CHARS.search(url):
        return None
    m = re.match(r"^([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)", url)
    if not m:
        return None
    authority = m.group(2)
    userinfo = "@" in authority
    hostport = authority.rpartition("@")[2]
    if hostport.startswith("["):
        explicit_port = ":" in hostport.partition("]")[2]
    else:
        explicit_port = ":" in hostport
    # Imported here: httpx costs ~40 ms to import, and an app with no domain list and no
    # request never needs it.
    import httpx

    try:
        parsed = httpx.URL(url)
        raw_host = parsed.raw_host.decode("ascii")
    except (httpx.InvalidURL, UnicodeError, ValueError):
        return None
    if not raw_host or (parsed.port is not None and not 0 < parsed.port <= 65535):
        return None  # no host, or a port no connection can use (RFC 793: 16 bits, not 0)
    return ParsedUrl(m.group(1).lower(), normalize_host(raw_host), explicit_port, userinfo)


class Verdict(NamedTuple):
    """The policy's answer for one URL.

    ``checked`` is False when checking is off: the URL was let through unverified (and says
    so in the log). ``reason`` explains a refusal.
    """

    allowed: bool
    checked: bool
    reason: str | None = None
    list_name: str = "request"
    host: str = ""  # the host checked ('' when the URL did not parse)

    @property
    def label(self) -> str:
        """A short word for logs: allowed, refused, or not verified."""
        if not self.checked:
            return "not verified"
        return "allowed" if self.allowed else "refused"


def host_problem(parsed: ParsedUrl) -> str | None:
    """A reason the host can never be allowed (IP, localhost, openapi), or None."""
    if _is_ip(parsed.host):
        return R_IP
    if parsed.host == "localhost" or parsed.host.endswith(".localhost"):
        return R_LOCALHOST
    if parsed.host == FORBIDDEN_HOST:
        return R_OPENAPI
    if not _HOST_CHARS.match(parsed.host) or ".." in parsed.host \
            or parsed.host.startswith(".") or parsed.host.endswith("."):
        return R_INVALID  # RFC 1035 §2.3.1: no empty label
    return None


_MAX_VERDICTS = 4096


class DomainPolicy:
    """The four whitelists and whether they are enforced."""

    def __init__(self, lists: Mapping[str, Iterable[str]] | None = None, *,
                 enabled: bool = True) -> None:
        self.enabled = enabled
        self._verdicts: dict[tuple[str, str, bool], Verdict] = {}
        self._hosts: dict[str, frozenset[str]] = {}
        self.entries: dict[str, list[str]] = {}
        for name in LISTS:
            entries = list((lists or {}).get(name, []))
            self.entries[name] = entries
            self._hosts[name] = frozenset(validate_entry(name, e) for e in entries)
            if len(entries) > MAX_ENTRIES:
                raise ConfigError(f'domain list "{name}" has {len(entries)} entries; '
                                  f"the platform allows at most {MAX_ENTRIES}")

    def check(self, list_name: ListName, url: str) -> Verdict:
        """Decide whether ``url`` may be used by an API of ``list_name``.

        Verdicts are kept (they are immutable, and an app asks about the same few URLs
        again and again), by list, URL and whether checking is on."""
        key = (list_name, url, self.enabled)
        found = self._verdicts.get(key) if isinstance(url, str) else None
        if found is None:
            found = self._check(list_name, url)
            if isinstance(url, str):
                if len(self._verdicts) >= _MAX_VERDICTS:
                    self._verdicts.clear()
                self._verdicts[key] = found
        return found

    def _check(self, list_name: ListName, url: str) -> Verdict:
        parsed = parse_url(url) if isinstance(url, str) else None
        if parsed is None:
            return Verdict(False, True, R_INVALID, list_name)

        def verdict(allowed: bool, reason: str | None, checked: bool = True) -> Verdict:
            return Verdict(allowed, checked, reason, list_name, parsed.host)

        wanted = scheme_of(list_name)
        insecure = "http" if wanted == "https" else "ws"
        if not self.enabled:
            if parsed.scheme in (wanted, insecure):
                return verdict(True, None, checked=False)
            return verdict(False, R_SCHEME)
        if parsed.scheme != wanted:
            return verdict(False, R_SCHEME)
        if parsed.userinfo:
            return verdict(False, R_USERINFO)
        if parsed.explicit_port:
            return verdict(False, R_PORT)
        problem = host_problem(parsed)
        if problem:
            return verdict(False, problem)
        if parsed.host not in self._hosts[list_name]:
            return verdict(False, R_NOT_LISTED)
        return verdict(True, None)


def refusal(verdict: Verdict, url: str) -> NetError:
    """The error for a URL the policy refused. One that does not even parse is the app's
    bad argument (904, the URL named, as on every API); any other refusal is the policy's
    (1001, its reason)."""
    if verdict.reason == R_INVALID and not verdict.host:
        return BadRequest(invalid_url(url))
    return PolicyRefused(verdict.reason or R_NOT_LISTED)


def entry_problem(list_name: str, entry: str) -> str | None:
    """Why a whitelist entry is invalid (as the platform's console would say), or None."""
    if not isinstance(entry, str) or not entry.strip():
        return "is empty"
    wanted = scheme_of(list_name)  # type: ignore[arg-type]
    text = entry.strip()
    if "://" not in text:
        text = f"{wanted}://{text}"
    parsed = parse_url(text)
    if parsed is None:
        return "is not a valid domain"
    if parsed.scheme != wanted:
        return f"must use {wanted}://"
    if parsed.userinfo:
        return "must not contain user info"
    if parsed.explicit_port:
        return "must not contain a port"
    path = re.sub(r"^[A-Za-z][A-Za-z0-9+.-]*://[^/?#]*", "", text)
    if path not in ("", "/"):
        return "must be a domain only, without a path"
    problem = host_problem(parsed)
    if problem == R_IP:
        return "must not be an IP address"
    if problem == R_LOCALHOST:
        return "must not be localhost"
    if problem == R_OPENAPI:
        return "openapi.baidu.com can not be configured"
    if problem:
        return "is not a valid domain"
    return None


def validate_entry(list_name: str, entry: str) -> str:
    """Return the host an entry allows; raise ConfigError naming a bad entry."""
    problem = entry_problem(list_name, entry)
    if problem:
        raise ConfigError(f'domain list "{list_name}": entry {entry!r} {problem}')
    text = entry.strip()
    parsed = parse_url(text if "://" in text else f"{scheme_of(list_name)}://{text}")  # type: ignore[arg-type]
    assert parsed is not None
    return parsed.host
