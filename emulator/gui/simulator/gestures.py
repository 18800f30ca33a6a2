"""A gesture from the web view, handed to the core: the same PageDriver calls headless code
makes (emulator/view/driver.py), so a click in the window and ``tap('#id')`` in a test run
the same handlers in the same order.

Message shapes (assets/input.js, parts.js): ``{type: 'tap'|'longpress', node, x, y}``,
``{type: 'touchstart'|'touchmove'|'touchend', node, touches, changedTouches?}``,
``{type: 'input'|'focus'|'blur'|'confirm', node, value}``, ``{type: 'changing'|'value',
node, value}`` (slider), ``{type: 'scroll', node, top, left, height, width}`` (scroll-view),
``{type: 'load'|'error', node, detail}`` (image), ``{type: 'swipe', node, step: 1|-1,
source: 'touch'|'autoplay'}`` (swiper), ``{type: 'pagescroll', top, height,
viewport}``. No Qt here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError
from emulator.view.controls import swiper
from emulator.view.controls.scroll import Extent

if TYPE_CHECKING:
    from emulator.app.host import AppHost

TOUCHES = frozenset({"touchstart", "touchmove", "touchend", "touchcancel"})


def perform(host: AppHost, message: dict[str, Any]) -> str | None:
    """Run one gesture on the page on screen; an error message for the status bar, or None.

    A gesture on a node that is gone (the page changed under the pointer) does nothing."""
    kind = message.get("type")
    node_id = message.get("node")
    driver = host.page
    try:
        if kind == "pagescroll":
            if host.page_stack:
                host.gestures.scroll_to(host.page_stack[-1].page_id,
                                        float(message.get("top") or 0),
                                        content_height=_number(message.get("height")))
            return None
        if not isinstance(node_id, int) or driver.node(node_id) is None:
            return None
        value = message.get("value")
        if kind == "tap":
            driver.tap_node(node_id)
        elif kind == "longpress":
            detail = {"x": message.get("x", 0), "y": message.get("y", 0)}
            driver.trigger_node(node_id, "longpress", detail)
            driver.trigger_node(node_id, "longtap", detail)
        elif kind in TOUCHES:
            driver.trigger_node(node_id, kind, {"touches": message.get("touches") or [],
                                                "changedTouches": message.get("changedTouches")
                                                or message.get("touches") or []})
        elif kind == "input":
            driver.input_node(node_id, str(value if value is not None else ""))
        elif kind == "focus":
            driver.focus_node(node_id)
        elif kind == "blur":
            driver.blur_node(node_id)
        elif kind == "confirm":
            driver.confirm_node(node_id)
        elif kind in ("changing", "value"):
            driver.set_value_node(node_id, value, done=kind == "value")
        elif kind == "scroll":
            driver.scroll_node(node_id, _number(message.get("top")), _number(message.get("left")),
                               Extent(content_width=_number(message.get("width")) or 0,
                                      content_height=_number(message.get("height")) or 0,
                                      width=_number(message.get("clientWidth")) or 0,
                                      height=_number(message.get("clientHeight")) or 0))
        elif kind == "swipe":
            node = driver.node(node_id)
            step = message.get("step")
            index = swiper.target(node, step) if node is not None and step in (1, -1) \
                else None
            if index is not None:
                driver.swipe_node(node_id, index, "autoplay" if message.get("source")
                                  == "autoplay" else "touch")
        elif kind in ("load", "error"):
            driver.trigger_node(node_id, kind, message.get("detail") or {})
    except EmulatorError as exc:
        return str(exc)
    return None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) else None
