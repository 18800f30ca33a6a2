"""Weak-network profiles: the figures a throttled link has, the built-in ones, and custom
ones read from the settings (``throttleProfiles``).

A :class:`Profile` is latency (ms, added once per exchange -- each HTTP request or redirect
hop, each socket's opening handshake -- and once per socket frame), download and upload
bandwidth (bytes per second; None: unlimited) and packet-loss-like stalls (each
:data:`SEGMENT` of data, and each socket frame, is held ``stall_ms`` longer with
probability ``stall_probability``, as a lost packet is resent after a timeout; drawn from a
generator seeded with ``seed``, so a run repeats exactly).

The built-in figures are the browsers' devtools presets (no devtools publishes a 5G one:
that one is our choice), see :data:`BUILTIN`. docs/network-conditions.md has the table.
"""

from __future__ import annotations

import json
import math
from typing import Any, NamedTuple

from emulator.errors import ConfigError, did_you_mean

SEGMENT = 16 * 1024  # bytes paced (and drawn for a stall) at a time
OFF = "off"  # no shaping at all
AUTO = "auto"  # the network type's profile (NETWORK_TYPE_PROFILES)
PROFILE_KEYS = ("latencyMs", "downloadBytesPerSec", "uploadBytesPerSec", "stallProbability",
                "stallMs", "seed")


class Profile(NamedTuple):
    """One set of link figures (see the module doc); ``source`` says where they come from."""

    name: str
    latency_ms: float = 0.0
    download: float | None = None  # bytes per second; None: unlimited
    upload: float | None = None
    stall_probability: float = 0.0
    stall_ms: float = 0.0
    seed: int = 0
    source: str = ""

    @property
    def latency_s(self) -> float:
        """The latency in seconds."""
        return self.latency_ms / 1000

    @property
    def stalls(self) -> bool:
        """Whether stalls can happen at all."""
        return self.stall_probability > 0 and self.stall_ms > 0

    def transfer_s(self, size: int, direction: str) -> float:
        """Seconds ``size`` bytes take one way (``"down"`` or ``"up"``) once the exchange
        has started, stalls left out: the figure benchmarks and tests compare against."""
        rate = self.download if direction == "down" else self.upload
        return size / rate if rate else 0.0

    def describe(self) -> str:
        """A short line for the status bar: ``3g: 563 ms, ↓176 KiB/s ↑82 KiB/s``."""
        parts = [f"{self.latency_ms:g} ms" if self.latency_ms < 10 else
                 f"{round(self.latency_ms)} ms"]
        parts.append(f"↓{_rate(self.download)} ↑{_rate(self.upload)}")
        if self.stalls:
            parts.append(f"stalls {self.stall_probability:.0%} × {self.stall_ms:g} ms")
        return f"{self.name}: {', '.join(parts)}"

    def as_json(self) -> dict[str, Any]:
        """The profile as the settings spell it (``throttleProfiles`` values)."""
        out: dict[str, Any] = {"latencyMs": self.latency_ms}
        if self.download is not None:
            out["downloadBytesPerSec"] = self.download
        if self.upload is not None:
            out["uploadBytesPerSec"] = self.upload
        if self.stalls:
            out.update(stallProbability=self.stall_probability, stallMs=self.stall_ms,
                       seed=self.seed)
        return out


def _rate(rate: float | None) -> str:
    if rate is None:
        return "∞"
    if rate >= 1024 * 1024:
        return f"{rate / (1024 * 1024):.1f} MiB/s"
    return f"{rate / 1024:.0f} KiB/s"


_CHROME = "Chrome DevTools preset (puppeteer PredefinedNetworkConditions)"
_LEGACY = "the legacy Chrome DevTools / Firefox DevTools preset"
# Bandwidths as the presets compute them: Chrome's current ones in 1000-bit kbit/s with
# its own correction factors, the legacy ones in 1024-bit kbit/s.
BUILTIN: dict[str, Profile] = {p.name: p for p in (
    Profile("2g", 300, 250 * 1024 / 8, 50 * 1024 / 8,
            source=f'"Regular 2G", {_LEGACY}'),
    Profile("slow-3g", 400 * 5, 500 * 1000 / 8 * 0.8, 500 * 1000 / 8 * 0.8,
            source=f'"3G" (formerly "Slow 3G"), {_CHROME}'),
    Profile("3g", 150 * 3.75, 1.6 * 1000 * 1000 / 8 * 0.9, 750 * 1000 / 8 * 0.9,
            source=f'"Fast 3G" (today "Slow 4G"), {_CHROME}'),
    Profile("4g", 60 * 2.75, 9 * 1000 * 1000 / 8 * 0.9, 1.5 * 1000 * 1000 / 8 * 0.9,
            source=f'"Fast 4G", {_CHROME}'),
    Profile("5g", 20, 100 * 1000 * 1000 / 8, 20 * 1000 * 1000 / 8,
            source="our choice (no devtools has a 5G preset): 100 Mbit/s down, "
                   "20 Mbit/s up, 20 ms"),
    Profile("wifi", 2, 30 * 1024 * 1024 / 8, 15 * 1024 * 1024 / 8,
            source=f'"WiFi", {_LEGACY}'),
)}

# The profile a network type brings when no ``throttle`` is chosen. wifi (the default) and
# unknown are the desktop's own network, unshaped, as "WiFi" is the unthrottled default of
# the vendors' devtools: shaping it would slow every run. ``--throttle wifi`` gives the
# Wi-Fi figures. none is offline, not a profile.
NETWORK_TYPE_PROFILES: dict[str, str] = {"2g": "2g", "3g": "3g", "4g": "4g", "5g": "5g",
                                         "wifi": OFF, "unknown": OFF, "none": OFF}


def _number(data: dict[str, Any], key: str, where: str, low: float, high: float,
            integer: bool = False) -> float:
    value = data[key]
    ok = isinstance(value, int) if integer else isinstance(value, (int, float))
    if isinstance(value, bool) or not ok or not math.isfinite(value):
        kind = "an integer" if integer else "a number"
        raise ConfigError(f'{where}.{key}" must be {kind}, not {json.dumps(value)}')
    if not low <= value <= high:
        raise ConfigError(f'{where}.{key}" must be between {low:g} and {high:g}, '
                          f"not {value:g}")
    return value


def parse_profile(name: str, data: Any, where: str) -> Profile:
    """A custom profile from its settings object; ``where`` starts the error messages
    (``'swan-emulator.json: "throttleProfiles.slow'``, the closing quote added here).

    Keys (all optional): ``latencyMs`` (0-60000), ``downloadBytesPerSec`` and
    ``uploadBytesPerSec`` (> 0; absent: unlimited), ``stallProbability`` (0-1),
    ``stallMs`` (0-60000), ``seed`` (an integer). Raises ConfigError naming the key, with a
    suggestion for a misspelt one."""
    if not isinstance(data, dict):
        raise ConfigError(f'{where}" must be an object of figures ({", ".join(PROFILE_KEYS)})')
    for key in data:
        if key not in PROFILE_KEYS:
            hint = did_you_mean(key, PROFILE_KEYS)
            raise ConfigError(f'{where}.{key}": unknown key{hint}; the keys are '
                              f"{', '.join(PROFILE_KEYS)}")
    rates: dict[str, float | None] = {}
    for key in ("downloadBytesPerSec", "uploadBytesPerSec"):
        rates[key] = None
        if data.get(key) is not None:
            rates[key] = _number(data, key, where, 1, 1e12)
    return Profile(
        name,
        latency_ms=_number(data, "latencyMs", where, 0, 60_000) if "latencyMs" in data else 0,
        download=rates["downloadBytesPerSec"],
        upload=rates["uploadBytesPerSec"],
        stall_probability=(_number(data, "stallProbability", where, 0, 1)
                           if "stallProbability" in data else 0.0),
        stall_ms=_number(data, "stallMs", where, 0, 60_000) if "stallMs" in data else 0.0,
        seed=int(_number(data, "seed", where, -2**63, 2**63, integer=True))
        if "seed" in data else 0,
        source="settings",
    )


def choose(name: str, profiles: dict[str, Profile], what: str) -> str:
    """``name`` when it is ``off``, ``auto`` or a profile of ``profiles``; else a
    ConfigError naming ``what`` with a suggestion and the names there are."""
    if name in (OFF, AUTO) or name in profiles:
        return name
    names = [OFF, AUTO, *profiles]
    hint = did_you_mean(name, names)  # "3G" for "3g" too
    raise ConfigError(f"{what}: unknown profile {json.dumps(name)}{hint}; the profiles are "
                      f"{', '.join(names)}")
