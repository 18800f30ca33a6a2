"""``picker``: the bottom sheet, by mode.

[component/formlist_picker.md] (shared/spec/view-layer.md §4): mode ``selector``
(default): ``range`` (items, ``range-key`` names the label of object items), ``value`` an
index (0), ``change`` ``{value: index}``; ``multiSelector``: a 2-D ``range``, ``value`` an
index per column, ``columnchange`` ``{column, value}`` as a column turns, ``change``
``{value: [...]}``; ``time``: ``"hh:mm"`` within ``start``/``end``; ``date``:
``"YYYY-MM-DD"`` (today by default) within ``start``/``end``, shortened by ``fields``
year|month; ``region``: ``[province, city, district]`` names, ``custom-item`` an extra
first entry per column. Closing the sheet without choosing fires ``cancel``.

**Choice**: a time or date outside start..end is moved to the nearer bound (the wheels
stop there); without bounds time is 00:00..23:59 and date 1900-01-01..2100-12-31.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING, Any

from emulator.view.controls.errors import ControlError
from emulator.view.controls.props import disabled, prop, text, to_number
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

MODES = ("selector", "multiSelector", "time", "date", "region")
TIME_BOUNDS = ("00:00", "23:59")
DATE_BOUNDS = ("1900-01-01", "2100-12-31")
_TIME = re.compile(r"^(\d{1,2}):(\d{1,2})$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


def mode(node: ViewNode) -> str:
    """The picker's mode (an unknown one is ``selector``, as the platform falls back)."""
    value = text(node, "mode", "selector")
    return value if value in MODES else "selector"


def _label(item: Any, key: str) -> str:
    if isinstance(item, dict):
        item = item.get(key, "") if key else ""
    return "" if item is None else str(item)


def columns(node: ViewNode) -> list[list[str]]:
    """The labels of the items: one column for ``selector``, one per column for
    ``multiSelector``, none for the other modes."""
    items = prop(node, "range", [])
    items = items if isinstance(items, list) else []
    key = text(node, "range-key")
    if mode(node) == "selector":
        return [[_label(item, key) for item in items]]
    if mode(node) == "multiSelector":
        return [[_label(item, key) for item in col] if isinstance(col, list) else []
                for col in items]
    return []


def parse_time(value: Any) -> str:
    """``"9:05"`` → ``"09:05"``; raises ControlError when it is no time of day."""
    match = _TIME.match(value.strip()) if isinstance(value, str) else None
    if not match or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ControlError(f"a time picker takes \"hh:mm\", not {value!r}")
    return f"{int(match.group(1)):02d}:{int(match.group(2)):02d}"


def parse_date(value: Any) -> dt.date:
    """``"2024-05-01"``, ``"2024-05"`` or ``"2024"`` as a date (missing parts are 1);
    raises ControlError when it is no date."""
    match = _DATE.match(value.strip()) if isinstance(value, str) else None
    try:
        if match:
            return dt.date(int(match.group(1)), int(match.group(2) or 1),
                           int(match.group(3) or 1))
    except ValueError:
        pass
    raise ControlError(f"a date picker takes \"YYYY-MM-DD\", not {value!r}")


def date_text(node: ViewNode, day: dt.date) -> str:
    """A date as the picker's ``fields`` show it."""
    fields = text(node, "fields", "day")
    if fields == "year":
        return f"{day.year:04d}"
    if fields == "month":
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def bounds(node: ViewNode) -> tuple[str, str]:
    """(start, end) of a time or date picker, the defaults where not given or unreadable."""
    if mode(node) == "time":
        low, high = TIME_BOUNDS
        parse: Any = parse_time
    else:
        low, high = DATE_BOUNDS
        parse = lambda v: date_text(node, parse_date(v))  # noqa: E731
    out = []
    for name, default in (("start", low), ("end", high)):
        try:
            out.append(parse(prop(node, name, default)))
        except ControlError:
            out.append(parse(default))
    return out[0], out[1]


def picker_value(node: ViewNode) -> Any:
    """The picker's current value, typed for its mode (what ``change`` and a form give)."""
    value = prop(node, "value")
    kind = mode(node)
    if kind == "selector":
        return int(to_number(value, 0))
    if kind == "multiSelector":
        count = len(columns(node))
        given = [int(to_number(v, 0)) for v in value] if isinstance(value, list) else []
        return (given + [0] * count)[:max(count, len(given))]
    if kind == "region":
        return [str(v) for v in value] if isinstance(value, list) else []
    if kind == "date" and value is None:
        return date_text(node, dt.date.today())
    return "" if value is None or value is True else str(value)


def _clamp(value: str, low: str, high: str) -> str:
    # Zero-padded hh:mm and YYYY[-MM[-DD]] order as text.
    return min(max(value, low), high)


def chosen(node: ViewNode, value: Any) -> Any:
    """``value`` checked and normalised for the picker's mode; raises ControlError."""
    kind = mode(node)
    if kind == "selector":
        count = len(columns(node)[0])
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < count:
            raise ControlError(f"this picker has {count} items, not index {value!r}")
        return value
    if kind == "multiSelector":
        cols = columns(node)
        if not isinstance(value, list) or len(value) != len(cols):
            raise ControlError(f"this picker has {len(cols)} columns, got {value!r}")
        for column, (items, index) in enumerate(zip(cols, value, strict=True)):
            if isinstance(index, bool) or not isinstance(index, int) or \
                    not 0 <= index < len(items):
                raise ControlError(f"column {column} has {len(items)} items, "
                                   f"not index {index!r}")
        return list(value)
    if kind == "time":
        return _clamp(parse_time(value), *bounds(node))
    if kind == "date":
        return _clamp(date_text(node, parse_date(value)), *bounds(node))
    if not isinstance(value, list) or not 1 <= len(value) <= 3 or \
            not all(isinstance(v, str) for v in value):
        raise ControlError(f"a region picker takes [province, city, district], "
                           f"not {value!r}")
    return list(value)


def set_picker(driver: PageDriver, node: ViewNode, value: Any) -> int:
    """Choose ``value`` in the sheet and confirm: for ``multiSelector`` each column that
    turned fires ``columnchange`` first; then ``change`` with ``{value}``. Raises
    ControlError on a value the mode cannot hold. Returns how many handlers ran."""
    new = chosen(node, value)
    if disabled(node):
        return 0
    ran = 0
    if mode(node) == "multiSelector":
        old = picker_value(node)
        for column, index in enumerate(new):
            if column >= len(old) or old[column] != index:
                ran += driver.trigger_node(node, "columnchange",
                                           {"column": column, "value": index})
    driver.state.change(node, {"value": new})
    return ran + driver.trigger_node(node, "change", {"value": new})


def turn_column(driver: PageDriver, node: ViewNode, column: int, index: int) -> int:
    """A ``multiSelector`` column turned to ``index`` while the sheet is open: fires
    ``columnchange`` with ``{column, value}`` (the value is kept only on confirm). Returns
    how many handlers ran."""
    cols = columns(node)
    if mode(node) != "multiSelector" or not 0 <= column < len(cols):
        raise ControlError(f"no column {column} on this picker")
    if not 0 <= index < len(cols[column]):
        raise ControlError(f"column {column} has {len(cols[column])} items, not index {index}")
    if disabled(node):
        return 0
    return driver.trigger_node(node, "columnchange", {"column": column, "value": index})


def cancel(driver: PageDriver, node: ViewNode) -> int:
    """The sheet closed without a choice: ``cancel`` fires. Returns how many ran."""
    return driver.trigger_node(node, "cancel", {})
