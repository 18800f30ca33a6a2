"""Events on the node tree: which handlers run, in what order, with what event object.

[framework/view_incident.md] (shared/spec/view-layer.md §3): capture runs from the
outermost node inward, then bubbling from the target outward; ``catch`` stops bubbling,
``capture-catch`` stops the capture and cancels bubbling. Only touch/tap/longpress/
transition/animation events bubble; component events (input, change, submit, scroll…)
fire on their node only. The event object has ``type``, ``timeStamp``, ``target`` and
``currentTarget`` (``{id, tagName, dataset}``), ``detail``, ``touches``,
``changedTouches``.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from emulator.view.tree import ViewNode

BUBBLING = frozenset({"tap", "longtap", "longpress", "touchstart", "touchmove", "touchcancel",
                      "touchend", "touchforcechange", "transitionend", "animationstart",
                      "animationiteration", "animationend"})


class Call(NamedTuple):
    """One handler to run: its name and the event object it gets."""

    handler: str
    event: dict[str, Any]
    node: ViewNode


def _target(node: ViewNode) -> dict[str, Any]:
    return {"id": node.element_id, "tagName": node.tag, "dataset": node.dataset}


def dispatch(target: ViewNode, event_type: str, detail: Any = None, *,
             touches: list[dict[str, Any]] | None = None,
             started: float | None = None, path: list[ViewNode] | None = None,
             bubbles: bool | None = None, capture: bool = True) -> list[Call]:
    """The handlers ``event_type`` on ``target`` runs, in order (capture, then bubble).
    ``path`` (target first; default: the target and its ancestors), ``bubbles`` (default:
    by event type) and ``capture`` are for a component's triggerEvent, whose options set
    them (emulator/view/components.py)."""
    path = path if path is not None else [target, *target.ancestors()]  # target first
    stamp = int((time.monotonic() - (started or 0.0)) * 1000) if started else int(
        time.time() * 1000)
    touches = touches or []
    calls: list[Call] = []

    def event_for(current: ViewNode) -> dict[str, Any]:
        return {"type": event_type, "timeStamp": stamp, "target": _target(target),
                "currentTarget": _target(current), "detail": detail if detail is not None
                else {}, "touches": touches, "changedTouches": touches}

    # Capture: outermost first.
    for node in reversed(path) if capture else []:
        for b in node.events.get(event_type, []):
            if b.capture:
                calls.append(Call(b.handler, event_for(node), node))
                if b.catch:
                    return calls
    bubbles = event_type in BUBBLING if bubbles is None else bubbles
    for node in path if bubbles else [target]:
        stop = False
        for b in node.events.get(event_type, []):
            if not b.capture:
                calls.append(Call(b.handler, event_for(node), node))
                stop = stop or b.catch
        if stop:
            break
    return calls
