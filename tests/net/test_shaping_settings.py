"""Throttle settings and flags: custom profiles read and checked like every settings key
(errors name the key, with a suggestion), --throttle, which profile a network type brings,
and the one-line description the status bar shows."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from emulator.cli import build_parser, settings_from_args
from emulator.config import parse_settings
from emulator.errors import ConfigError
from emulator.net.shaping.conditions import NetworkConditions, Pacer
from emulator.net.shaping.profiles import BUILTIN, Profile
from tests.conftest import write_app
from tests.test_cli import cli


def test_custom_profiles_and_the_chosen_one_are_read() -> None:
    """throttleProfiles become Profiles (absent bandwidth: unlimited); throttle may name
    one of them, a built-in one, off or auto."""
    s = parse_settings({"throttle": "slow", "throttleProfiles": {
        "slow": {"latencyMs": 400, "downloadBytesPerSec": 65536, "stallProbability": 0.1,
                 "stallMs": 900, "seed": 3}}}, "swan-emulator.json")
    assert s.throttle == "slow"
    assert s.throttle_profiles["slow"] == Profile("slow", 400, 65536, None, 0.1, 900, 3,
                                                  source="settings")
    assert parse_settings({"throttle": "3g"}, "s.json").throttle == "3g"
    assert parse_settings({}, "s.json").throttle == "auto"


@pytest.mark.parametrize(("data", "message"), [
    ({"throttle": "3G"}, 's.json: "throttle": unknown profile "3G" (did you mean "3g"?)'),
    ({"throttle": 3}, 's.json: "throttle" has the wrong type (3)'),
    ({"throttleProfiles": {"slow": {"latencyMS": 1}}},
     's.json: "throttleProfiles.slow.latencyMS": unknown key (did you mean "latencyMs"?)'),
    ({"throttleProfiles": {"slow": {"downloadBytesPerSec": 0}}},
     's.json: "throttleProfiles.slow.downloadBytesPerSec" must be between 1 and'),
    ({"throttleProfiles": {"slow": {"stallProbability": 1.5}}},
     's.json: "throttleProfiles.slow.stallProbability" must be between 0 and 1'),
    ({"throttleProfiles": {"slow": {"latencyMs": "300"}}},
     's.json: "throttleProfiles.slow.latencyMs" must be a number, not "300"'),
    ({"throttleProfiles": {"slow": {"seed": 1.5}}},
     's.json: "throttleProfiles.slow.seed" must be an integer'),
    ({"throttleProfiles": {"slow": 300}}, 's.json: "throttleProfiles.slow" must be an object'),
    ({"throttleProfiles": {"off": {}}}, 's.json: "throttleProfiles": "off" cannot be'),
    ({"throttleProfiles": []}, 's.json: "throttleProfiles" has the wrong type'),
    ({"throtle": "3g"}, 's.json: unknown key "throtle" (did you mean "throttle"?)'),
])
def test_bad_throttle_settings_name_the_key(data: dict[str, Any], message: str) -> None:
    """Each mistake is a ConfigError that names the key (and suggests the right one)."""
    with pytest.raises(ConfigError) as caught:
        parse_settings(data, "s.json")
    assert str(caught.value).startswith(message), str(caught.value)


def test_throttle_flag_overrides_and_is_checked(tmp_path: Path) -> None:
    """--throttle wins over the settings and knows the settings' own profiles; an
    unknown one is a usage error (status 2) with a suggestion."""
    root = write_app(tmp_path / "app", {"swan-emulator.json": {
        "throttle": "3g", "throttleProfiles": {"slow": {"latencyMs": 100}}}})
    _gui, run = build_parser()
    assert settings_from_args(run.parse_args([str(root), "--throttle", "slow"])).throttle == "slow"
    assert settings_from_args(run.parse_args([str(root)])).throttle == "3g"
    with pytest.raises(ConfigError, match='--throttle: unknown profile "slwo" '
                                          r'\(did you mean "slow"\?\)'):
        settings_from_args(run.parse_args([str(root), "--throttle", "slwo"]))
    result = cli("run", root, "--throttle", "5G")
    assert result.returncode == 2 and 'did you mean "5g"' in result.stderr
    assert "Traceback" not in result.stderr


def test_network_types_bring_their_profiles() -> None:
    """auto follows the network type (wifi and unknown unshaped, none offline); a chosen
    profile stays whatever the type; a custom profile named like a built-in replaces it."""
    c = NetworkConditions("wifi")
    assert c.profile is None and c.label == "off" and c.describe() == "no throttling"
    for kind in ("2g", "3g", "4g", "5g"):
        c.set_network_type(kind)
        assert c.profile == BUILTIN[kind] and c.label == kind
    c.set_network_type("none")
    assert c.offline and c.label == "offline" and c.describe() == "offline"
    c.set_throttle("slow-3g")
    c.set_network_type("2g")
    assert c.profile == BUILTIN["slow-3g"]
    mine = Profile("3g", latency_ms=1)
    assert NetworkConditions("3g", profiles={"3g": mine}).profile == mine
    with pytest.raises(ConfigError):
        c.set_throttle("nope")
    assert c.profile == BUILTIN["slow-3g"]


def test_status_line_and_pacer_arithmetic() -> None:
    """The status line gives latency and rates; the pacer queues bytes behind each other
    and grants no burst after idling."""
    assert BUILTIN["3g"].describe() == "3g: 562 ms, ↓176 KiB/s ↑82 KiB/s"
    assert "stalls 5% × 900 ms" in Profile("x", 0, None, None, 0.05, 900).describe()
    pacer = Pacer()
    assert pacer.reserve(1000, 1000.0, now=10.0) == 11.0
    assert pacer.reserve(500, 1000.0, now=10.2) == 11.5  # behind the first
    assert pacer.reserve(1000, 1000.0, now=20.0) == 21.0  # idle: no credit saved up
    assert json.dumps(BUILTIN["wifi"].as_json())
