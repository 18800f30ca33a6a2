"""Emulator settings: ``swan-emulator.json`` in the app folder, ``project.swan.json``, and
command-line flags (flags win, then the settings file, then the project file)."""

from __future__ import annotations

import contextlib
import json
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from emulator.errors import ConfigError, did_you_mean
from emulator.net.hosts import HostMap
from emulator.net.policy import DomainPolicy
from emulator.net.shaping.profiles import AUTO, BUILTIN, OFF, Profile, choose, parse_profile
from emulator.swan.devices import DEFAULT_DEVICE, DEVICES

if TYPE_CHECKING:
    from emulator.app.package import ProjectConfig
    from emulator.net.mock.load import RuleReader
    from emulator.net.mock.rules import Rule

SETTINGS_FILE = "swan-emulator.json"
DOMAIN_LISTS = ("request", "uploadFile", "downloadFile", "socket")
DEFAULT_BASE_VERSION = "3.200.0"
NETWORK_TYPES = ("wifi", "2g", "3g", "4g", "5g", "unknown", "none")
SETTINGS_KEYS = ("domains", "urlCheck", "hosts", "caFile", "baseVersion", "limits",
                 "networkType", "account", "scriptTimeLimit", "memoryLimitMB", "chooseFiles",
                 "mocks", "replay", "device", "throttle", "throttleProfiles")
REPLAY_KEYS = ("file", "unmatched")
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


UNMATCHED = ("fail", "pass")  # what a replay does with a call the HAR does not have


@dataclass
class ReplaySettings:
    """``replay`` in the settings (or ``--replay``): the HAR file and what unmatched
    calls do (emulator/net/mock/replay.py)."""

    file: Path
    unmatched: str = "fail"


@dataclass
class Limits:
    """Transfer size limits (bytes)."""

    upload_bytes: int = 25 * 1024 * 1024
    download_bytes: int = 10 * 1024 * 1024


SCOPES = ("scope.userInfo", "scope.userLocation", "scope.writePhotosAlbum", "scope.address",
          "scope.invoiceTitle", "scope.record", "scope.camera")
PROMPT_ANSWERS = ("allow", "deny")
PAYMENT_ANSWERS = ("success", "cancel", "fail")
SESSION_STATES = ("auto", "valid", "expired")


@dataclass
class Account:
    """The emulated user, like the devtools' test account (``account`` in the settings).

    ``scopes`` pre-decides authorisation scopes (true granted, false denied; a scope not
    listed is asked for). Headless, prompts (login, authorize) get ``prompt``; payments
    get ``payment``. ``session``: ``auto`` = valid after a login, until the app's data is
    cleared; ``valid``/``expired`` force checkSession's answer.
    """

    logged_in: bool = True
    nick_name: str = "swan-emulator"
    avatar_url: str = "https://b.bdstatic.com/searchbox/icms/searchbox/img/po/default-avatar.png"
    gender: int = 0
    swanid: str | None = None  # derived from the app id when not set
    scopes: dict[str, bool] = field(default_factory=dict)
    prompt: str = "allow"
    payment: str = "success"
    session: str = "auto"


@dataclass
class Settings:
    """Everything configurable about one run of an app."""

    domains: dict[str, list[str]] = field(default_factory=lambda: {k: [] for k in DOMAIN_LISTS})
    url_check: bool | None = None  # None: decided by project.swan.json, else on
    hosts: dict[str, str] = field(default_factory=dict)
    ca_file: Path | None = None
    base_version: str = DEFAULT_BASE_VERSION
    limits: Limits = field(default_factory=Limits)
    network_type: str = "wifi"
    device: str = DEFAULT_DEVICE  # a name in emulator/swan/devices.py DEVICES
    account: Account = field(default_factory=Account)
    script_time_limit: float = 5.0
    memory_limit_mb: int = 256
    data_dir: Path | None = None
    choose_files: list[Path] = field(default_factory=list)
    har: Path | None = None
    mocks: list[Rule] = field(default_factory=list)  # docs/mocking.md, in priority order
    replay: ReplaySettings | None = None  # answer calls from a recorded HAR
    # Weak network (docs/network-conditions.md): a profile name, "off", or "auto" (the
    # network type's own); custom profiles beside the built-in ones (same name: replaced).
    throttle: str = AUTO
    throttle_profiles: dict[str, Profile] = field(default_factory=dict)
    source: Path | None = None  # the settings file read, if any
    # Where a value came from, for the keys that can come from several places:
    # "baseVersion", "domains.request"… -> "swan-emulator.json", "--base-version",
    # "project.swan.json libVersion"…; a key not listed has its default.
    sources: dict[str, str] = field(default_factory=dict)


def _expect(value: Any, kind: type | tuple[type, ...], what: str, source: str) -> Any:
    if isinstance(value, bool) and kind in (int, float, (int, float)):
        raise ConfigError(f"{source}: {what} must be a number, not {json.dumps(value)}")
    if not isinstance(value, kind):
        raise ConfigError(f"{source}: {what} has the wrong type ({json.dumps(value)})")
    return value


def check_ca_file(path: Path, what: str) -> Path:
    """A CA bundle that exists and loads as PEM certificates; else a ConfigError naming
    ``what`` (the settings key or the flag)."""
    if not path.is_file():
        raise ConfigError(f"{what}: {path} is not a file")
    try:
        ssl.create_default_context().load_verify_locations(cafile=str(path))
    except (OSError, ssl.SSLError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or exc.__class__.__name__
        raise ConfigError(f"{what}: {path} holds no usable PEM certificate ({reason})") from None
    return path


def check_device(name: str, what: str) -> str:
    """A device name of emulator/swan/devices.py; else a ConfigError listing them."""
    if name not in DEVICES:
        raise ConfigError(f"{what}: unknown device {name!r} (one of: {', '.join(DEVICES)})")
    return name


def check_version(value: str, source: str) -> str:
    """Validate a base library version ``X.Y.Z``."""
    if not isinstance(value, str) or not _VERSION.match(value):
        raise ConfigError(f"{source}: base version must look like 3.200.0, not {value!r}")
    return value


class _Problems:
    """The ConfigErrors of a settings file's independent keys, collected: one check names
    every mistake in the file, not only the first."""

    def __init__(self) -> None:
        self.messages: list[str] = []

    @contextlib.contextmanager
    def step(self) -> Iterator[None]:
        """A block whose ConfigError is noted and the check goes on."""
        try:
            yield
        except ConfigError as exc:
            self.messages.append(str(exc))

    def raise_any(self) -> None:
        """One ConfigError naming them all, a line each (if there were any)."""
        if self.messages:
            raise ConfigError("\n".join(self.messages))


def parse_settings(data: Any, source: str) -> Settings:
    """Build Settings from the JSON of a settings file; errors name ``source`` and the key.

    Every key is checked: a ConfigError names all the problems found, one per line."""
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: must be a JSON object")
    problems = _Problems()
    for key in data:
        if key not in SETTINGS_KEYS:
            hint = did_you_mean(key, SETTINGS_KEYS)
            problems.messages.append(f'{source}: unknown key "{key}"{hint}; the keys are '
                                     f"{', '.join(SETTINGS_KEYS)}")
    s = Settings()
    with problems.step():
        _parse_domains(s, data, source)
    with problems.step():
        if "urlCheck" in data:
            s.url_check = _expect(data["urlCheck"], bool, '"urlCheck"', source)
    with problems.step():
        hosts = _expect(data.get("hosts", {}), dict, '"hosts"', source)
        for domain, target in hosts.items():
            _expect(target, str, f'"hosts.{domain}"', source)
        try:
            HostMap(hosts)
        except ConfigError as exc:
            raise ConfigError(f"{source}: {exc}") from None
        s.hosts = dict(hosts)
    with problems.step():
        if data.get("caFile") is not None:
            # Relative to the settings file, not to wherever the command runs; checked now,
            # so a bad one is a settings error and not a run whose every request fails.
            path = Path(_expect(data["caFile"], str, '"caFile"', source))
            s.ca_file = check_ca_file(path if path.is_absolute() else Path(source).parent / path,
                                      f'{source}: "caFile"')
    with problems.step():
        if "baseVersion" in data:
            s.base_version = check_version(data["baseVersion"], source)
            s.sources["baseVersion"] = Path(source).name
    with problems.step():
        limits = _expect(data.get("limits", {}), dict, '"limits"', source)
        if "uploadBytes" in limits:
            s.limits.upload_bytes = _expect(limits["uploadBytes"], int, '"limits.uploadBytes"',
                                            source)
        if "downloadBytes" in limits:
            s.limits.download_bytes = _expect(limits["downloadBytes"], int,
                                              '"limits.downloadBytes"', source)
    with problems.step():
        if "device" in data:
            s.device = check_device(_expect(data["device"], str, '"device"', source),
                                    f'{source}: "device"')
    with problems.step():
        if "networkType" in data:
            kind = _expect(data["networkType"], str, '"networkType"', source)
            if kind not in NETWORK_TYPES:
                raise ConfigError(f'{source}: "networkType" must be one of '
                                  f'{", ".join(NETWORK_TYPES)}')
            s.network_type = kind
    with problems.step():
        if "scriptTimeLimit" in data:
            limit = float(_expect(data["scriptTimeLimit"], (int, float), '"scriptTimeLimit"',
                                  source))
            if limit <= 0:
                raise ConfigError(f'{source}: "scriptTimeLimit" must be positive')
            s.script_time_limit = limit
    with problems.step():
        if "account" in data:
            s.account = parse_account(data["account"], source)
    with problems.step():
        for item in _expect(data.get("chooseFiles", []), list, '"chooseFiles"', source):
            path = Path(_expect(item, str, 'an entry of "chooseFiles"', source))
            # Relative to the settings file, so a sample app carries its own pictures.
            s.choose_files.append(path if path.is_absolute() else Path(source).parent / path)
    with problems.step():
        if "memoryLimitMB" in data:
            megabytes = _expect(data["memoryLimitMB"], int, '"memoryLimitMB"', source)
            if megabytes < 8:
                raise ConfigError(f'{source}: "memoryLimitMB" must be at least 8')
            s.memory_limit_mb = megabytes
    with problems.step():
        if "mocks" in data:
            # After the script limits: a rule's JS function runs under them.
            s.mocks = rule_reader(s, source, Path(source).parent).rules(data["mocks"])
    with problems.step():
        if data.get("replay") is not None:
            s.replay = parse_replay(data["replay"], source)
    with problems.step():
        parse_throttle(s, data, source)
    problems.raise_any()
    return s


def _parse_domains(s: Settings, data: dict[str, Any], source: str) -> None:
    domains = _expect(data.get("domains", {}), dict, '"domains"', source)
    for key, entries in domains.items():
        if key not in DOMAIN_LISTS:
            raise ConfigError(f'{source}: unknown domain list "{key}" '
                              f"(expected one of {', '.join(DOMAIN_LISTS)})")
        _expect(entries, list, f'"domains.{key}"', source)
        for entry in entries:
            _expect(entry, str, f'an entry of "domains.{key}"', source)
        s.domains[key] = list(entries)
        s.sources[f"domains.{key}"] = Path(source).name
    try:
        DomainPolicy(s.domains)
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


def parse_throttle(s: Settings, data: dict[str, Any], source: str) -> None:
    """The ``throttleProfiles`` object (name -> figures, emulator/net/shaping/profiles.py)
    and ``throttle`` (a profile name, ``off`` or ``auto``) into ``s``; errors name the key,
    with a suggestion."""
    profiles = _expect(data.get("throttleProfiles", {}), dict, '"throttleProfiles"', source)
    for name, figures in profiles.items():
        if not name or name in (OFF, AUTO):
            raise ConfigError(f'{source}: "throttleProfiles": {json.dumps(name)} cannot be '
                              f'a profile name ("{OFF}" and "{AUTO}" are taken)')
        s.throttle_profiles[name] = parse_profile(
            name, figures, f'{source}: "throttleProfiles.{name}')
    if "throttle" in data:
        name = _expect(data["throttle"], str, '"throttle"', source)
        s.throttle = choose(name, {**BUILTIN, **s.throttle_profiles}, f'{source}: "throttle"')


def rule_reader(settings: Settings, source: str, base_dir: Path) -> RuleReader:
    """A reader of mock rules (emulator/net/mock/load.py) from ``source``, with file
    bodies relative to ``base_dir`` and JS answers under the settings' script limits."""
    # Imported here: mock answers bring httpx, websockets and QuickJS (~70 ms), which
    # settings without mock rules do not need.
    from emulator.net.mock.load import RuleReader

    return RuleReader(source, base_dir, time_limit=settings.script_time_limit,
                      memory_limit=settings.memory_limit_mb * 1024 * 1024)


def parse_replay(data: Any, source: str) -> ReplaySettings:
    """The ``replay`` object: ``{"file": "run.har", "unmatched": "fail"|"pass"}`` (the
    file relative to the settings file, and readable now)."""
    data = _expect(data, dict, '"replay"', source)
    for key in data:
        if key not in REPLAY_KEYS:
            hint = did_you_mean(key, REPLAY_KEYS)
            raise ConfigError(f'{source}: unknown key "replay.{key}"{hint}; the keys are '
                              f"{', '.join(REPLAY_KEYS)}")
    if "file" not in data:
        raise ConfigError(f'{source}: "replay" needs "file" (a HAR file)')
    path = Path(_expect(data["file"], str, '"replay.file"', source))
    path = path if path.is_absolute() else Path(source).parent / path
    unmatched = data.get("unmatched", "fail")
    if unmatched not in UNMATCHED:
        raise ConfigError(f'{source}: "replay.unmatched" must be one of {", ".join(UNMATCHED)}')
    return check_replay(ReplaySettings(path, unmatched), f'{source}: "replay.file"')


def check_replay(replay: ReplaySettings, what: str) -> ReplaySettings:
    """The replay settings, once its HAR file has been read without a problem
    (ConfigError naming ``what`` otherwise)."""
    if not replay.file.is_file():
        raise ConfigError(f"{what}: {replay.file} is not a file")
    from emulator.net.mock.replay import HarReplay  # the lab's modules wait for a use

    HarReplay(replay)
    return replay


def parse_account(data: Any, source: str) -> Account:
    """The ``account`` object of a settings file; errors name the key."""
    data = _expect(data, dict, '"account"', source)
    a = Account()
    if "loggedIn" in data:
        a.logged_in = _expect(data["loggedIn"], bool, '"account.loggedIn"', source)
    user = _expect(data.get("userInfo", {}), dict, '"account.userInfo"', source)
    if "nickName" in user:
        a.nick_name = _expect(user["nickName"], str, '"account.userInfo.nickName"', source)
    if "avatarUrl" in user:
        a.avatar_url = _expect(user["avatarUrl"], str, '"account.userInfo.avatarUrl"', source)
    if "gender" in user:
        a.gender = _expect(user["gender"], int, '"account.userInfo.gender"', source)
        if a.gender not in (0, 1, 2):
            raise ConfigError(f'{source}: "account.userInfo.gender" must be 0, 1 or 2')
    if data.get("swanid") is not None:
        a.swanid = _expect(data["swanid"], str, '"account.swanid"', source)
    for scope, granted in _expect(data.get("scopes", {}), dict, '"account.scopes"',
                                  source).items():
        if scope not in SCOPES:
            raise ConfigError(f'{source}: unknown scope "{scope}" in "account.scopes" '
                              f"(expected one of {', '.join(SCOPES)})")
        a.scopes[scope] = _expect(granted, bool, f'"account.scopes.{scope}"', source)
    for key, allowed in (("prompt", PROMPT_ANSWERS), ("payment", PAYMENT_ANSWERS),
                         ("session", SESSION_STATES)):
        if key in data:
            value = _expect(data[key], str, f'"account.{key}"', source)
            if value not in allowed:
                raise ConfigError(f'{source}: "account.{key}" must be one of '
                                  f"{', '.join(allowed)}")
            setattr(a, key, value)
    return a


def apply_project(settings: Settings, project: ProjectConfig) -> list[str]:
    """Fill what neither the flags nor the settings file set from the vendor project
    file: the base library version (``libVersion``) and the four domain lists
    (``appInfo.domains``). Returns warnings (a project list the platform would refuse is
    skipped, not fatal)."""
    warnings: list[str] = []
    if "baseVersion" not in settings.sources and project.lib_version:
        settings.base_version = project.lib_version
        settings.sources["baseVersion"] = f"{project.file} libVersion"
    for key in DOMAIN_LISTS:
        if f"domains.{key}" in settings.sources or key not in project.domains:
            continue
        entries = project.domains[key]
        try:
            DomainPolicy({key: entries})
        except ConfigError as exc:
            warnings.append(f"{project.file}: appInfo.domains: {exc}; the list is not used")
            continue
        settings.domains[key] = list(entries)
        settings.sources[f"domains.{key}"] = f"{project.file} appInfo.domains"
    return warnings


def load_settings(app_dir: Path, config_file: Path | None = None) -> Settings:
    """Read ``config_file``, or ``APP_DIR/swan-emulator.json`` when present, else defaults."""
    path = config_file or (app_dir / SETTINGS_FILE)
    if not path.is_file():
        if config_file is not None:
            raise ConfigError(f"{config_file}: settings file not found")
        return Settings()
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{path}:{exc.lineno}: invalid JSON: {exc.msg}") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    settings = parse_settings(data, str(path))
    settings.source = path
    return settings


def data_root(settings: Settings) -> Path:
    """Where per-app sandboxes live: the settings, $SWAN_EMULATOR_HOME, or the XDG data dir."""
    if settings.data_dir is not None:
        return settings.data_dir
    env = os.environ.get("SWAN_EMULATOR_HOME")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_DATA_HOME")
    base = Path(xdg) if xdg else Path.home() / ".local" / "share"
    return base / "swan-emulator"


def save_network_settings(path: Path, settings: Settings) -> None:
    """Write the domain lists, urlCheck, host mapping and CA file into a settings file,
    keeping every other key it has."""
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8-sig"))
            if isinstance(loaded, dict):
                data = loaded
        except (OSError, json.JSONDecodeError):
            pass
    data["domains"] = {k: list(settings.domains.get(k, [])) for k in DOMAIN_LISTS}
    if settings.url_check is not None:
        data["urlCheck"] = settings.url_check
    data["hosts"] = dict(settings.hosts)
    data["caFile"] = str(settings.ca_file) if settings.ca_file else None
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def save_mocks(path: Path, mocks: list[dict[str, Any]]) -> None:
    """Write ``mocks`` (rules as JSON, docs/mocking.md; in priority order) as the settings
    file's ``mocks`` list, keeping every other key it has. Raises ConfigError when the file
    exists but is not a JSON object (it is left as it is), OSError when it cannot be
    written."""
    data: dict[str, Any] = {}
    if path.is_file():
        try:
            loaded = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: not saved, the file cannot be read as JSON ({exc})"
                              ) from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: not saved, the file is not a JSON object")
        data = loaded
    data["mocks"] = mocks
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
