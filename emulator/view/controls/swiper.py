"""``swiper``: which item is shown, and the events a change of it fires.

[component/swiper.md] (shared/spec/view-layer.md §4): ``current`` (default 0) is the
shown ``swiper-item``; a change fires ``change`` and then ``animationfinish``, both with
``{current, source}``, source ``"touch"`` (a swipe), ``"autoplay"`` or ``""`` (anything
else). ``circular`` wraps from the last item to the first and back; without it a swipe
past either end does nothing. ``current-item-id`` (1.11) names the item by its
``item-id``. Autoplay is the view's timer (the window's), as on the device: headless
code moves a swiper with :func:`swipe`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.view.controls.errors import ControlError
from emulator.view.controls.props import flag, number, prop, prop_name
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

SOURCES = ("touch", "autoplay", "")


def items(swiper: ViewNode) -> list[ViewNode]:
    """The swiper's ``swiper-item`` children, in order."""
    return [c for c in swiper.children if c.tag == "swiper-item"]


def current(swiper: ViewNode) -> int:
    """The index shown: ``current-item-id`` when it names an item, else ``current``."""
    shown = items(swiper)
    wanted = prop(swiper, "current-item-id")
    if isinstance(wanted, str) and wanted:
        for i, item in enumerate(shown):
            if prop(item, "item-id") == wanted:
                return i
    index = int(number(swiper, "current", 0))
    return min(max(index, 0), max(len(shown) - 1, 0))


def target(swiper: ViewNode, step: int) -> int | None:
    """The index ``step`` items away from the shown one (wrapping when ``circular``), or
    None past an end."""
    count = len(items(swiper))
    if count == 0:
        return None
    index = current(swiper) + step
    if flag(swiper, "circular"):
        return index % count
    return index if 0 <= index < count else None


def swipe(driver: PageDriver, swiper: ViewNode, index: int, source: str = "touch") -> int:
    """Show item ``index``: ``current`` changes (kept as a user change until the app's
    data sets it again), then ``change`` and ``animationfinish`` fire with ``{current,
    source}``. ControlError for an index out of range or an unknown source. Returns how
    many handlers ran."""
    if swiper.tag != "swiper":
        raise ControlError(f"<{swiper.tag}> is not a swiper")
    if source not in SOURCES:
        raise ControlError(f"a swiper's change source is one of {SOURCES}, not {source!r}")
    count = len(items(swiper))
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < count:
        raise ControlError(f"this swiper has {count} items, not index {index!r}")
    if index == current(swiper):
        return 0
    driver.state.change(swiper, {prop_name(swiper, "current"): index})
    item_id = prop(items(swiper)[index], "item-id")
    detail = {"current": index, "source": source,
              **({"currentItemId": item_id} if isinstance(item_id, str) else {})}
    ran = driver.trigger_node(swiper, "change", detail)
    return ran + driver.trigger_node(swiper, "animationfinish", dict(detail))
