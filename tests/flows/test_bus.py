"""The event bus: typed subscriptions and guarded observers."""

from __future__ import annotations

import logging

import pytest

from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage, Event, FlowStarted, UiRequest


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


def test_base_class_subscription_gets_subclass_events_in_subscription_order() -> None:
    """An observer of a base class hears its subclasses; delivery keeps subscription order."""
    bus = EventBus()
    got: list[str] = []
    bus.subscribe(lambda e: got.append("all"))
    bus.subscribe(lambda e: got.append("flow"), FlowStarted, UiRequest)
    bus.subscribe(lambda e: got.append("console"), ConsoleMessage)
    bus.publish(FlowStarted(flow=None))  # type: ignore[arg-type]
    bus.publish(ConsoleMessage(level="log", text="x"))
    assert got == ["all", "flow", "all", "console"]


def test_subscribing_after_a_publish_is_heard_from_the_next_event() -> None:
    """A subscription made after events of a class were published still hears the next one,
    and an unsubscribed observer no longer does (the per-class cache is renewed)."""
    bus = EventBus()
    bus.publish(ConsoleMessage(level="log", text="before"))
    got: list[Event] = []
    stop = bus.subscribe(got.append, ConsoleMessage)
    bus.publish(ConsoleMessage(level="log", text="after"))
    stop()
    bus.publish(ConsoleMessage(level="log", text="gone"))
    assert [e.text for e in got] == ["after"]  # type: ignore[attr-defined]


def test_wants_says_whether_anyone_observes_a_class() -> None:
    """``wants`` is true only while some observer would receive events of the class."""
    bus = EventBus()
    assert not bus.wants(FlowStarted)
    stop = bus.subscribe(lambda e: None, FlowStarted)
    assert bus.wants(FlowStarted) and not bus.wants(ConsoleMessage)
    stop()
    assert not bus.wants(FlowStarted)
