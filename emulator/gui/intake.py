"""Events from the core, handed to the window in batches every 50 ms (never a repaint per
event)."""

from __future__ import annotations

import gc

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from emulator.flows.bus import EventBus
from emulator.flows.events import Event

FLUSH_MS = 50
# Full cyclic-GC passes over 100k+ long-lived flows stall the window for hundreds of ms.
# After this many events, young garbage is collected and the survivors (flows, frames) are
# moved out of the collector's sight (gc.freeze); they are still freed by reference count.
FREEZE_EVERY = 20_000


class EventIntake(QObject):
    """Subscribes to a bus; every FLUSH_MS emits ``batch`` with what arrived meanwhile."""

    batch = pyqtSignal(list)

    def __init__(self, parent: QObject | None = None, interval_ms: int = FLUSH_MS) -> None:
        super().__init__(parent)
        self._pending: list[Event] = []
        self._since_freeze = 0
        self._unsubscribe = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.flush)
        self._timer.start()

    def attach(self, bus: EventBus) -> None:
        """Observe ``bus`` (detaching from the previous one)."""
        self.detach()
        self._unsubscribe = bus.subscribe(self._receive)

    def detach(self) -> None:
        """Stop observing."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None

    def _receive(self, event: Event) -> None:
        self._pending.append(event)

    def flush(self) -> None:
        """Emit what is pending now."""
        if self._pending:
            events, self._pending = self._pending, []
            self.batch.emit(events)
            self._since_freeze += len(events)
            if self._since_freeze >= FREEZE_EVERY:
                self._since_freeze = 0
                gc.collect(1)
                gc.freeze()
