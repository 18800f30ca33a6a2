"""Events from the core, handed to the window in batches (never a repaint per event)."""

from __future__ import annotations

from PyQt6.QtCore import QObject, QTimer, pyqtSignal

from emulator.flows.bus import EventBus
from emulator.flows.events import Event

FLUSH_MS = 100


class EventIntake(QObject):
    """Subscribes to a bus; every FLUSH_MS emits ``batch`` with what arrived meanwhile."""

    batch = pyqtSignal(list)

    def __init__(self, parent: QObject | None = None, interval_ms: int = FLUSH_MS) -> None:
        super().__init__(parent)
        self._pending: list[Event] = []
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
