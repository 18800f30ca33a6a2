"""The network conditions of one app: the profile in force, offline or not, and the one
emulated link every call's bytes go through.

The link is shared, as a phone's radio is: one pacer per direction for all of the app's
requests, transfers and sockets together, so two downloads at once each get about half
the bandwidth. A pacer is a virtual clock -- each piece of data is due when the link would
have finished carrying it (``previous due + size / rate``) -- so a wait that wakes late,
or a reader busy between two pieces, does not slow the link down; only a link idle for
longer than :data:`IDLE_S` starts again from now (an idle link grants no burst).

Going offline wakes every wait at once with :class:`~emulator.net.errors.Offline`: a
transfer in progress fails there and then, as on a device losing its network.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from emulator.errors import ConfigError
from emulator.net.errors import Offline
from emulator.net.shaping.profiles import (
    AUTO,
    BUILTIN,
    NETWORK_TYPE_PROFILES,
    OFF,
    SEGMENT,
    Profile,
    choose,
)

Observer = Callable[["NetworkConditions"], None]
# How far the link may fall behind its own schedule and still catch up (a timer firing a
# millisecond late, the reader writing a piece to disk); past it the link was idle.
IDLE_S = 0.05


class Pacer:
    """One direction of the link: when the next bytes are through (loop time, seconds),
    and how many bytes it has carried (stalls are drawn by position in that count)."""

    def __init__(self) -> None:
        self.free_at = 0.0
        self.carried = 0

    def reserve(self, size: int, rate: float | None, now: float) -> float:
        """Carry ``size`` bytes at ``rate`` bytes/s after what is already on the link;
        returns when the last of them is through (``now`` when unlimited)."""
        start = self.free_at if now - self.free_at < IDLE_S else now
        self.carried += size
        if rate is None:
            return start
        self.free_at = start + size / rate
        return self.free_at


class NetworkConditions:
    """Profile + offline state of one app, and its link (see the module doc).

    ``profiles`` are the built-in ones overlaid with the settings' own; ``throttle`` is a
    profile name, ``off`` or ``auto`` (the network type's profile). Observers are called
    after every change (the window's status bar, tests)."""

    def __init__(self, network_type: str = "wifi", throttle: str = AUTO,
                 profiles: dict[str, Profile] | None = None) -> None:
        self.profiles: dict[str, Profile] = {**BUILTIN, **(profiles or {})}
        self.network_type = network_type
        self.throttle = choose(throttle, self.profiles, "throttle")
        self.profile: Profile | None = None
        self.stalls = 0  # stalls drawn so far (for tests and the log)
        self.down = Pacer()
        self.up = Pacer()
        self._rng = random.Random(0)
        self._sleepers: set[asyncio.Future[None]] = set()
        self._observers: list[Observer] = []
        self._apply()

    # ---- state ---------------------------------------------------------------------------
    @property
    def offline(self) -> bool:
        """Whether the device has no network (network type ``none``)."""
        return self.network_type == "none"

    @property
    def label(self) -> str:
        """What is in force, in a word: ``offline``, ``off`` or the profile's name."""
        if self.offline:
            return "offline"
        return self.profile.name if self.profile is not None else OFF

    def describe(self) -> str:
        """One line for the status bar and the log."""
        if self.offline:
            return "offline"
        if self.profile is None:
            return "no throttling"
        return self.profile.describe()

    def subscribe(self, observer: Observer) -> None:
        """Call ``observer(self)`` after each change."""
        self._observers.append(observer)

    def set_network_type(self, network_type: str) -> None:
        """Follow a new network type (its profile, unless a throttle is chosen); ``none``
        wakes every wait of the link with Offline."""
        self.network_type = network_type
        self._apply()

    def set_throttle(self, throttle: str | Profile) -> None:
        """Choose a profile by name, ``off``, ``auto``, or a :class:`Profile` (added to the
        profiles under its name). ConfigError for an unknown name (nothing changes)."""
        if isinstance(throttle, Profile):
            self.profiles[throttle.name] = throttle
            throttle = throttle.name
        self.throttle = choose(throttle, self.profiles, "throttle")
        self._apply()

    def _apply(self) -> None:
        name = self.throttle
        if name == AUTO:
            name = NETWORK_TYPE_PROFILES.get(self.network_type, OFF)
        profile = None if name == OFF else self.profiles.get(name)
        if name != OFF and profile is None:
            raise ConfigError(f"throttle: unknown profile {name!r}")
        if profile != self.profile:
            self.profile = profile
            # A new profile is a new link: no backlog carried over, stalls drawn afresh.
            self.down, self.up = Pacer(), Pacer()
            self._rng = random.Random(profile.seed if profile is not None else 0)
            self.stalls = 0
        if self.offline:
            self._wake_all()
        for observer in list(self._observers):
            observer(self)

    # ---- the link ------------------------------------------------------------------------
    def check(self) -> None:
        """Raise Offline when the device has no network."""
        if self.offline:
            raise Offline()

    def _stall_s(self, profile: Profile) -> float:
        if profile.stalls and self._rng.random() < profile.stall_probability:
            self.stalls += 1
            return profile.stall_ms / 1000
        return 0.0

    def due(self, direction: str, size: int, *, frame: bool = False) -> float | None:
        """When ``size`` bytes sent now one way (``"down"``/``"up"``) are through, in loop
        time: after the bytes already on the link, plus any stall drawn. A socket
        ``frame`` adds the latency and draws one stall chance; body bytes draw one per
        :data:`SEGMENT` boundary they cross (by position on the link, so how the bytes
        happen to be chunked does not change the draws). None when no profile is in
        force."""
        profile = self.profile
        if profile is None:
            return None
        loop = asyncio.get_running_loop()
        pacer, rate = ((self.down, profile.download) if direction == "down"
                       else (self.up, profile.upload))
        before = pacer.carried
        done = pacer.reserve(size, rate, loop.time())
        draws = 1 if frame else (before + size) // SEGMENT - before // SEGMENT
        for _ in range(draws if profile.stalls else 0):
            done += self._stall_s(profile)
        if done > pacer.free_at:
            pacer.free_at = done  # a stalled segment holds back the ones after it
        return done + profile.latency_s if frame else done

    async def transmit(self, direction: str, size: int) -> None:
        """Wait until ``size`` bytes have crossed the link one way. Raises Offline."""
        self.check()
        due = self.due(direction, size)
        if due is not None:
            await self.sleep_until(due)

    async def latency(self) -> None:
        """Wait the profile's latency (an exchange or handshake starting). Raises Offline."""
        self.check()
        profile = self.profile
        if profile is not None and profile.latency_ms > 0:
            await self.sleep_until(asyncio.get_running_loop().time() + profile.latency_s)

    async def sleep_until(self, when: float) -> None:
        """Sleep until loop time ``when``; raises Offline at once if the device goes
        offline meanwhile (or is offline on waking)."""
        loop = asyncio.get_running_loop()
        if when > loop.time():
            waiter: asyncio.Future[None] = loop.create_future()
            handle = loop.call_at(when, _wake, waiter)
            self._sleepers.add(waiter)
            try:
                await waiter
            finally:
                handle.cancel()
                self._sleepers.discard(waiter)
        self.check()

    def _wake_all(self) -> None:
        for waiter in list(self._sleepers):
            if not waiter.done():
                waiter.set_exception(Offline())


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
