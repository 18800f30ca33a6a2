"""The event bus: typed subscriptions and guarded observers."""

from __future__ import annotations

import logging

import pytest

from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, Event, UiRequest


def test_failing_observer_is_logged_and_others_still_run(caplog: pytest.LogCaptureFixture) -> None:
    """An observer that raises does not stop delivery to the next one."""
    bus = EventBus()
    got: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("observer bug")

    bus.subscribe(broken)
    bus.subscribe(got.append)
    with caplog.at_level(logging.ERROR):
        bus.publish(ConsoleMessage(level="log", text="x"))
    assert [e.text for e in got] == ["x"]  # type: ignore[attr-defined]
    assert "observer bug" in caplog.text


def test_subscription_by_type_and_unsubscribe() -> None:
    """Observers get only the types they asked for, until they unsubscribe."""
    bus = EventBus()
    ui: list[Event] = []
    stop = bus.subscribe(ui.append, UiRequest)
    bus.publish(ConsoleMessage(level="log", text="ignored"))
    bus.publish(UiRequest(kind="showToast", options={}))
    stop()
    bus.publish(UiRequest(kind="showToast", options={}))
    assert len(ui) == 1 and isinstance(ui[0], UiRequest)
