"""The one dispatcher between the core and its observers."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from emulator.flows.events import Event

log = logging.getLogger(__name__)

E = TypeVar("E", bound=Event)
Observer = Callable[[E], object]
_Entry = tuple[tuple[type[Event], ...], Callable[[Event], object]]


class EventBus:
    """Delivers events to observers, each guarded: a failing observer is logged and the
    others (and the app) go on.

    Who wants an event is worked out once per event class and kept until the next
    subscribe or unsubscribe: a request publishes three events, and most observers (the
    view layer, the problem counter) want none of them, so the isinstance walk over every
    observer per event was work done for nobody (issue 14).
    """

    def __init__(self) -> None:
        self._observers: list[_Entry] = []
        self._by_class: dict[type[Event], tuple[Callable[[Event], object], ...]] = {}

    def subscribe(self, observer: Callable[[E], object], *types: type[E]) -> Callable[[], None]:
        """Call ``observer`` for every event of ``types`` (all events when none are given).

        Returns a function that unsubscribes it.
        """
        entry = (tuple(types) or (Event,), observer)
        self._observers.append(entry)  # type: ignore[arg-type]
        self._by_class.clear()

        def unsubscribe() -> None:
            if entry in self._observers:
                self._observers.remove(entry)  # type: ignore[arg-type]
                self._by_class.clear()

        return unsubscribe

    def wants(self, kind: type[Event]) -> bool:
        """Whether anyone observes events of class ``kind``: a publisher whose event is
        costly to build can skip building it."""
        return bool(self._observers_of(kind))

    def publish(self, event: Event) -> None:
        """Deliver ``event`` to every observer that wants its type, in subscription order."""
        for observer in self._observers_of(type(event)):
            try:
                observer(event)
            except Exception:
                log.exception("observer %r failed on %s", observer, type(event).__name__)

    def _observers_of(self, kind: type[Event]) -> tuple[Callable[[Event], object], ...]:
        found = self._by_class.get(kind)
        if found is None:
            found = tuple(observer for types, observer in self._observers
                          if issubclass(kind, types))
            self._by_class[kind] = found
        return found
