"""What a tap does to the built-in component it lands in, after the app's handlers.

The control that reacts is the nearest one around the tapped node (the node itself, or
the button/checkbox/radio/switch/label/navigator it lies in): a tap on the text inside a
button is a tap on the button. The app's ``tap`` handlers run first (capture, bubbling,
``catch``), then the component's own reaction, which ``catch`` does not stop (the
component reacts to the touch itself; WeChat behaves so with a ``catchtap`` inside a
``navigator``). **Choice**: a disabled control's bound ``tap`` handlers still run (as on
WeChat, which the swan docs do not contradict); the control itself does nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.view.controls import form, navigator
from emulator.view.controls.choices import (
    checked,
    choose_radio,
    label_target,
    set_checkbox,
    set_switch,
)
from emulator.view.controls.open_type import open_type
from emulator.view.controls.props import closest, disabled, text
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

REACTING = ("button", "checkbox", "radio", "switch", "label", "navigator")


def control_at(node: ViewNode) -> ViewNode | None:
    """The control a tap on ``node`` reaches (None: only the app's handlers react)."""
    return closest(node, *REACTING)


def react(driver: PageDriver, node: ViewNode) -> int:
    """The reaction of the control at ``node`` to a tap; returns how many of the app's
    handlers it ran (a group's ``change``, a form's ``submit``…)."""
    control = control_at(node)
    return act(driver, control) if control is not None else 0


def act(driver: PageDriver, control: ViewNode) -> int:
    """One control's own reaction to a tap (a label's is its target's)."""
    if disabled(control):
        return 0
    tag = control.tag
    if tag == "checkbox":
        return set_checkbox(driver, control, not checked(control))
    if tag == "radio":
        return choose_radio(driver, control)
    if tag == "switch":
        return set_switch(driver, control, not checked(control))
    if tag == "label":
        target = label_target(control)
        return act(driver, target) if target is not None else 0
    if tag == "navigator":
        navigator.follow(driver, control)
        return 0
    ran = 0
    form_type = text(control, "form-type")
    if form_type == "submit":
        ran += form.submit(driver, control)
    elif form_type == "reset":
        ran += form.reset(driver, control)
    open_type(driver, control)
    return ran
