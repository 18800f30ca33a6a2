"""``scroll-view``: the user scrolled it.

[component/view_scroll-view.md] (shared/spec/view-layer.md §4): only the axes of
``scroll-x``/``scroll-y`` scroll; ``scroll`` fires with ``{scrollLeft, scrollTop,
scrollHeight, scrollWidth, deltaX, deltaY}``; ``scrolltoupper`` when the position comes
within ``upper-threshold`` (50 px) of the start, ``scrolltolower`` within
``lower-threshold`` (50 px) of the end, each once as the position enters that zone, with
``{direction: "top" | "left" | "bottom" | "right"}``. The position is kept as the node's
``scroll-top``/``scroll-left`` (a ``{= =}`` binding gets it).

The core has no layout: the end is known only when the caller gives the content and
viewport sizes (the window knows them); without them there is no ``scrolltolower`` and
``scrollHeight``/``scrollWidth`` are 0. **Choice**: ``deltaX``/``deltaY`` are the previous
position minus the new one (negative while scrolling down or right), as WeChat's are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from emulator.view.controls.errors import ControlError
from emulator.view.controls.props import flag, number, plain, prop_name
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver


@dataclass(frozen=True)
class Extent:
    """Sizes in px: the content (``scrollWidth``/``scrollHeight``) and the visible box.
    0 = unknown."""

    content_width: float = 0
    content_height: float = 0
    width: float = 0
    height: float = 0


def position(node: ViewNode) -> tuple[float, float]:
    """(top, left) the scroll-view is at."""
    return max(number(node, "scroll-top", 0), 0), max(number(node, "scroll-left", 0), 0)


def scroll_to(driver: PageDriver, node: ViewNode, top: float | None, left: float | None,
              extent: Extent = Extent()) -> int:
    """Scroll to ``top``/``left`` (None: that axis stays), within the content when its
    size is known; fires ``scroll`` and, on entering a threshold zone, ``scrolltoupper``
    or ``scrolltolower``. Raises ControlError for a node that is not a scroll-view.
    Returns how many handlers ran."""
    if node.tag != "scroll-view":
        raise ControlError(f"<{node.tag}> does not scroll (only scroll-view does)")
    old_top, old_left = position(node)
    new_top = _within(top, old_top, flag(node, "scroll-y"), extent.content_height,
                      extent.height)
    new_left = _within(left, old_left, flag(node, "scroll-x"), extent.content_width,
                       extent.width)
    if (new_top, new_left) == (old_top, old_left):
        return 0
    moved = {}
    if new_top != old_top:
        moved[prop_name(node, "scroll-top")] = plain(new_top)
    if new_left != old_left:
        moved[prop_name(node, "scroll-left")] = plain(new_left)
    driver.state.change(node, moved)
    ran = driver.trigger_node(node, "scroll", {
        "scrollLeft": plain(new_left), "scrollTop": plain(new_top),
        "scrollHeight": plain(extent.content_height),
        "scrollWidth": plain(extent.content_width),
        "deltaX": plain(old_left - new_left), "deltaY": plain(old_top - new_top)})
    upper = number(node, "upper-threshold", 50)
    lower = number(node, "lower-threshold", 50)
    for direction, old, new in (("top", old_top, new_top), ("left", old_left, new_left)):
        if new <= upper < old:
            ran += driver.trigger_node(node, "scrolltoupper", {"direction": direction})
    for direction, old, new, content, box in (
            ("bottom", old_top, new_top, extent.content_height, extent.height),
            ("right", old_left, new_left, extent.content_width, extent.width)):
        if content and box and content - box - new <= lower < content - box - old:
            ran += driver.trigger_node(node, "scrolltolower", {"direction": direction})
    return ran


def _within(wanted: float | None, old: float, enabled: bool, content: float,
            box: float) -> float:
    if wanted is None or not enabled:
        return old
    wanted = max(float(wanted), 0.0)
    if content and box:
        wanted = min(wanted, max(content - box, 0.0))
    return wanted
