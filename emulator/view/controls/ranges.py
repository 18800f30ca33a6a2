"""Sliders and picker views: a value chosen in a range.

[component/formlist_slider.md] (shared/spec/view-layer.md §4): ``slider`` min 0, max 100,
step 1, value 0; dragging fires ``changing`` with ``{value}``, letting go fires ``change``
with ``{value}``. The value is kept within min..max on the step grid from min (as the
thumb can only stop there). [component/formlist_picker-view.md]: ``picker-view`` value is
one index per ``picker-view-column``; turning a column fires ``change`` with ``{value:
[...]}``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.view.controls.errors import ControlError
from emulator.view.controls.props import disabled, number, plain, prop, to_number
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver


def slider_bounds(node: ViewNode) -> tuple[float, float, float]:
    """(min, max, step) of a slider; a max below min is min, a step ≤ 0 is 1."""
    low = number(node, "min", 0)
    high = max(number(node, "max", 100), low)
    step = number(node, "step", 1)
    return low, high, step if step > 0 else 1


def snap(node: ViewNode, value: float) -> float | int:
    """``value`` as the slider can hold it: within min..max, on the step grid from min."""
    low, high, step = slider_bounds(node)
    value = min(max(value, low), high)
    out = low + round((value - low) / step) * step
    if out > high + 1e-9:
        out -= step
    return plain(out)


def slider_value(node: ViewNode) -> float | int:
    """A slider's current value (its ``value`` attribute, held within its range)."""
    return snap(node, number(node, "value", 0))


def set_slider(driver: PageDriver, node: ViewNode, value: Any, *, done: bool = True) -> int:
    """Move a slider to ``value`` (clamped, on the step grid): ``changing`` fires when the
    value moved, then, when ``done`` (the finger lifted), ``change``. The window sends
    ``done=False`` while dragging. Returns how many handlers ran; raises ControlError on a
    value that is not a number."""
    wanted = to_number(value, float("nan"))
    if wanted != wanted:  # NaN: not a number at all
        raise ControlError(f"a slider takes a number, not {value!r}")
    if disabled(node):
        return 0
    new = snap(node, wanted)
    ran = 0
    if new != slider_value(node):
        driver.state.change(node, {"value": new})
        ran += driver.trigger_node(node, "changing", {"value": new})
    if done:
        ran += driver.trigger_node(node, "change", {"value": new})
    return ran


def view_columns(node: ViewNode) -> list[list[str]]:
    """A ``picker-view``'s columns: the text of each item of each ``picker-view-column``."""
    return [[item.text_content().strip() for item in column.children if not item.is_text]
            for column in node.children if column.tag == "picker-view-column"]


def view_value(node: ViewNode) -> list[int]:
    """A ``picker-view``'s selected index per column (0 where not given)."""
    given = prop(node, "value", [])
    given = given if isinstance(given, list) else []
    count = len(view_columns(node))
    out = [int(to_number(v, 0)) for v in given[:count]]
    return out + [0] * (count - len(out))


def set_picker_view(driver: PageDriver, node: ViewNode, value: Any) -> int:
    """Turn a ``picker-view``'s columns to ``value`` (one index per column); it fires
    ``change`` with ``{value}``. Raises ControlError on a wrong shape or an index past a
    column's items. Returns how many handlers ran."""
    columns = view_columns(node)
    if not isinstance(value, list) or len(value) != len(columns):
        raise ControlError(f"this picker-view takes {len(columns)} indices, got {value!r}")
    indices: list[int] = []
    for column, (items, index) in enumerate(zip(columns, value, strict=True)):
        if isinstance(index, bool) or not isinstance(index, int) or \
                not 0 <= index < max(len(items), 1):
            raise ControlError(f"column {column} has {len(items)} items, not index {index!r}")
        indices.append(index)
    if disabled(node):
        return 0
    driver.state.change(node, {"value": indices})
    return driver.trigger_node(node, "change", {"value": indices})
