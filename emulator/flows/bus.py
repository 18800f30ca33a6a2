"""The one dispatcher between the core and its observers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from emulator.flows.events import Event

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Observer = Callable[[E], object]


class EventBus:
    """Delivers events to observers, each guarded: a failing observer is logged and the
    others (and the app) go on."""

    def __init__(self) -> None:
        self._observers: list[tuple[tuple[type[Event], ...], Callable[[Event], object]]] = []

    def subscribe(self, observer: Callable[[E], object], *types: type[E]) -> Callable[[], None]:
        """Call ``observer`` for every event of ``types`` (all events when none are given).

        Returns a function that unsubscribes it.
        """
        entry = (tuple(types) or (Event,), observer)
        self._observers.append(entry)  # type: ignore[arg-type]

        def unsubscribe() -> None:
            if entry in self._observers:
                self._observers.remove(entry)  # type: ignore[arg-type]

        return unsubscribe

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every observer that wants its type."""
        for types, observer in list(self._observers):
            if isinstance(event, types):
                try:
                    observer(event)
                except Exception:
                    log.exception("observer %r failed on %s", observer, type(event).__name__)
