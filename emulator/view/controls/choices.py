"""Checkboxes, radios, switches and labels: what a tap on them does.

[component/formlist_checkbox.md, formlist_radio.md, formlist_switch.md, formlist_label.md]
(shared/spec/view-layer.md §4): a checkbox toggles and its ``checkbox-group`` fires
``change`` with ``{value: [values of the checked boxes]}``; a radio becomes the one checked
in its ``radio-group``, which fires ``change`` with ``{value}`` (a tap on the checked radio
changes nothing); a switch toggles and fires ``change`` with ``{checked}``; a ``label``
passes the tap on to the control its ``for`` names (button, checkbox, radio, switch) or,
without ``for``, to the first such control inside it. A disabled control does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.view.controls.props import closest, disabled, flag, inside, prop
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

LABELLED = ("button", "checkbox", "radio", "switch")


def checked(node: ViewNode) -> bool:
    """A checkbox's, radio's or switch's ``checked``."""
    return flag(node, "checked")


def group_value(group: ViewNode) -> list[object]:
    """The values of the checked checkboxes in a ``checkbox-group`` (document order)."""
    return [prop(box, "value", "") for box in inside(group, "checkbox") if checked(box)]


def radio_value(group: ViewNode) -> object:
    """The value of the checked radio in a ``radio-group`` ("" when none is)."""
    return next((prop(r, "value", "") for r in inside(group, "radio") if checked(r)), "")


def set_checkbox(driver: PageDriver, box: ViewNode, on: bool) -> int:
    """Check or uncheck a checkbox as the user would; its group fires ``change`` when the
    state changed. Returns how many handlers ran."""
    if disabled(box) or checked(box) == on:
        return 0
    driver.state.change(box, {"checked": on})
    group = closest(box.parent, "checkbox-group") if box.parent else None
    if group is None:
        return 0
    return driver.trigger_node(group, "change", {"value": group_value(group)})


def choose_radio(driver: PageDriver, radio: ViewNode) -> int:
    """Make ``radio`` the checked one of its group; the group fires ``change`` with its
    value. Returns how many handlers ran."""
    if disabled(radio) or checked(radio):
        return 0
    group = closest(radio.parent, "radio-group") if radio.parent else None
    if group is not None:
        for other in inside(group, "radio"):
            if other is not radio and checked(other):
                driver.state.change(other, {"checked": False})
    driver.state.change(radio, {"checked": True})
    if group is None:
        return 0
    return driver.trigger_node(group, "change", {"value": prop(radio, "value", "")})


def set_switch(driver: PageDriver, switch: ViewNode, on: bool) -> int:
    """Turn a switch on or off; it fires ``change`` with ``{checked}`` when that changed.
    Returns how many handlers ran."""
    if disabled(switch) or checked(switch) == on:
        return 0
    driver.state.change(switch, {"checked": on})
    return driver.trigger_node(switch, "change", {"checked": on})


def label_target(label: ViewNode) -> ViewNode | None:
    """The control a ``label`` passes a tap to: the node whose id its ``for`` names (on
    the label's page), else the first button/checkbox/radio/switch inside it."""
    target = prop(label, "for")
    if isinstance(target, str) and target:
        root = label
        while root.parent is not None:
            root = root.parent
        return next((n for n in root.walk() if n.tag in LABELLED and n.element_id == target),
                    None)
    found = inside(label, *LABELLED)
    return found[0] if found else None
