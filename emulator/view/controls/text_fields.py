"""``input`` and ``textarea``: what typed text becomes, focus, blur and confirm.

[component/formlist_input.md, formlist_textarea.md] (shared/spec/view-layer.md §4):
``maxlength`` 140 by default, -1 for no limit (text past it is cut off); input ``type``
number keeps digits, digit digits and a decimal point, idcard digits and X; ``password``
only hides the characters (the value is the text). ``input`` fires ``{value, cursor,
keyCode}`` (textarea ``{value, cursor}``), ``focus`` ``{value, height}`` (height: the
keyboard's, 0 here: no on-screen keyboard), ``blur`` ``{value}`` (textarea ``{value,
cursor}``), ``confirm`` ``{value}``; after ``confirm`` the keyboard closes (a blur) unless
``confirm-hold``. A tap elsewhere blurs the focused field: an input before the tap's
handlers, a textarea after them (its blur "comes after a tap elsewhere", §4). A disabled
field takes no text and no focus.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from emulator.view.controls.props import disabled, flag, number, prop, text
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

DEFAULT_MAXLENGTH = 140
_REFUSED = {"number": re.compile(r"[^0-9]"), "digit": re.compile(r"[^0-9.]"),
            "idcard": re.compile(r"[^0-9Xx]")}


def value_of(node: ViewNode) -> str:
    """The field's current text."""
    value = prop(node, "value", "")
    return "" if value is True else str(value)


def maxlength(node: ViewNode) -> int | None:
    """The most characters the field takes (None: no limit)."""
    limit = int(number(node, "maxlength", DEFAULT_MAXLENGTH))
    return None if limit < 0 else limit


def accepted(node: ViewNode, typed: str) -> str:
    """``typed`` as the field keeps it: characters its type refuses dropped, then cut at
    ``maxlength``."""
    if node.tag == "input":
        refused = _REFUSED.get(text(node, "type", "text"))
        if refused is not None:
            typed = refused.sub("", typed)
    limit = maxlength(node)
    return typed if limit is None else typed[:limit]


def type_text(driver: PageDriver, node: ViewNode, typed: str) -> int:
    """The field's text becomes ``typed`` (the whole new text, as the window sends it)
    under the field's rules; ``input`` fires. A keystroke the rules refuse entirely (a
    letter in a number field) changes nothing and fires nothing. Returns how many
    handlers ran."""
    if disabled(node):
        return 0
    value = accepted(node, typed)
    if value != typed and value == value_of(node):
        return 0
    driver.state.change(node, {"value": value})
    detail: dict[str, Any] = {"value": value, "cursor": len(value)}
    if node.tag == "input":
        detail["keyCode"] = None
    return driver.trigger_node(node, "input", detail)


def focus(driver: PageDriver, node: ViewNode) -> int:
    """The field gets the focus (the one focused before is blurred first); ``focus``
    fires. Returns how many handlers ran."""
    if disabled(node) or driver.focused is node:
        return 0
    ran = blur(driver) if driver.focused is not None else 0
    driver.focused = node
    return ran + driver.trigger_node(node, "focus", {"value": value_of(node), "height": 0})


def blur(driver: PageDriver, node: ViewNode | None = None) -> int:
    """The field (default: the focused one) loses the focus; ``blur`` fires. Returns how
    many handlers ran (0 when it was not focused)."""
    node = node or driver.focused
    if node is None or driver.focused is not node:
        return 0
    driver.focused = None
    detail: dict[str, Any] = {"value": value_of(node)}
    if node.tag == "textarea":
        detail["cursor"] = len(detail["value"])
    return driver.trigger_node(node, "blur", detail)


def confirm(driver: PageDriver, node: ViewNode) -> int:
    """The keyboard's confirm key: ``confirm`` fires, then the field blurs unless
    ``confirm-hold``. Returns how many handlers ran."""
    if disabled(node):
        return 0
    ran = driver.trigger_node(node, "confirm", {"value": value_of(node)})
    if not flag(node, "confirm-hold"):
        ran += blur(driver, node)
    return ran
