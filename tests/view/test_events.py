"""Event order and objects on the node tree [framework/view_incident.md]."""

from __future__ import annotations

from typing import Any

import pytest

from emulator.view.events import dispatch
from emulator.view.select import SelectorError, select, select_all
from emulator.view.tree import ViewNode, reconcile


def tree(plain: list[dict[str, Any]]) -> ViewNode:
    root = ViewNode("#page")
    reconcile(root, plain, [])
    return root


def el(tag: str, events: dict[str, Any] | None = None, children: list[Any] | None = None,
       **attrs: Any) -> dict[str, Any]:
    return {"t": tag, "a": attrs, "e": events or {}, "c": children or []}


def b(handler: str, catch: bool = False, capture: bool = False) -> dict[str, Any]:
    return {"h": handler, "c": catch, "p": capture}


def test_capture_then_bubble_in_the_documented_order() -> None:
    """Both capture-bind and bind on outer and inner, touch inner: outer-capture,
    inner-capture, inner-bind, outer-bind."""
    root = tree([el("view", {"touchstart": [b("outerCapture", capture=True), b("outerBind")]}, [
        el("view", {"touchstart": [b("innerCapture", capture=True), b("innerBind")]}, id="inner")],
        id="outer")])
    inner = select(root.children, "#inner")
    assert inner is not None
    assert [c.handler for c in dispatch(inner, "touchstart")] == [
        "outerCapture", "innerCapture", "innerBind", "outerBind"]


def test_catch_stops_bubbling_and_capture_catch_stops_everything() -> None:
    """catch stops the bubble at its node; capture-catch ends the event there."""
    root = tree([el("view", {"tap": [b("outer")], "touchstart": [b("grab", catch=True, capture=True)]}, [
        el("view", {"tap": [b("middle", catch=True)], "touchstart": [b("never")]}, [
            el("text", {"tap": [b("inner")]}, id="t")])])])
    target = select(root.children, "#t")
    assert target is not None
    assert [c.handler for c in dispatch(target, "tap")] == ["inner", "middle"]
    assert [c.handler for c in dispatch(target, "touchstart")] == ["grab"]


def test_component_events_do_not_bubble() -> None:
    """input fires on its node only."""
    root = tree([el("view", {"input": [b("outer")]}, [el("input", {"input": [b("own")]}, id="i")])])
    target = select(root.children, "#i")
    assert target is not None
    assert [c.handler for c in dispatch(target, "input", {"value": "x"})] == ["own"]


def test_event_object_targets_and_dataset() -> None:
    """target is where it happened, currentTarget whose handler runs; data-* names are
    camelCased and bound values keep their type."""
    root = tree([el("view", {"tap": [b("outer")]}, [
        el("text", id="t", **{"data-car-color": "red", "data-index": 3})], id="o")])
    target = select(root.children, "#t")
    assert target is not None
    [call] = dispatch(target, "tap", {"x": 1, "y": 2})
    event = call.event
    assert event["type"] == "tap" and event["detail"] == {"x": 1, "y": 2}
    assert event["target"] == {"id": "t", "tagName": "text", "dataset": {"carColor": "red", "index": 3}}
    assert event["currentTarget"] == {"id": "o", "tagName": "view", "dataset": {}}
    assert isinstance(event["timeStamp"], int)


def test_css_selectors_by_cssselect() -> None:
    """Ids, classes, attributes, descendants and :nth-child select nodes; a bad selector
    is a clear error."""
    root = tree([el("view", children=[el("text", **{"class": "a b"}), el("text", **{"data-k": "v"}),
                                      el("button", id="go")], id="box")])
    assert [n.tag for n in select_all(root.children, "#box > text")] == ["text", "text"]
    assert select(root.children, ".b") is not None
    assert select(root.children, '[data-k="v"]') is not None
    assert select(root.children, "view button:nth-child(3)") is not None
    with pytest.raises(SelectorError):
        select_all(root.children, "view[")
