"""Forms: submit collects the named controls' values, reset restores them.

[component/formlist_form.md] (shared/spec/view-layer.md §4): a ``<button
form-type="submit">`` (``formType`` in the docs' example) inside a ``<form>`` fires the
form's ``submit`` with ``{value: {name: value…}, formId}``; ``form-type="reset"`` puts
the controls back and fires ``reset``. Collected: ``switch`` (checked), ``input`` and
``textarea`` (value text), ``checkbox-group`` ([checked values]), ``radio-group`` (the
checked value), ``slider`` (number), ``picker`` (its value for its mode) that have a
``name``. ``formId`` is "" unless ``report-submit`` is set, then a mock id (the platform's
is for template messages the emulator does not send).

Not collected yet: custom components with the ``swan://form-field`` behaviour (the view
does not know a component's behaviours).
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from emulator.view.controls.choices import checked, group_value, radio_value
from emulator.view.controls.picker import picker_value
from emulator.view.controls.props import closest, flag, inside, prop
from emulator.view.controls.ranges import slider_value
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

FIELDS = ("switch", "input", "textarea", "checkbox-group", "radio-group", "slider", "picker")
RESETTABLE = ("switch", "input", "textarea", "checkbox", "radio", "slider", "picker",
              "picker-view")


def field_value(node: ViewNode) -> Any:
    """What a form collects from one control (see the module docstring)."""
    if node.tag == "switch":
        return checked(node)
    if node.tag in ("input", "textarea"):
        value = prop(node, "value", "")
        return "" if value is True else str(value)
    if node.tag == "checkbox-group":
        return group_value(node)
    if node.tag == "radio-group":
        return radio_value(node)
    if node.tag == "slider":
        return slider_value(node)
    return picker_value(node)


def form_values(form: ViewNode) -> dict[str, Any]:
    """``{name: value}`` of the named controls inside ``form`` (a later duplicate name
    wins, as the platform's object assignment does)."""
    out: dict[str, Any] = {}
    for node in inside(form, *FIELDS):
        name = prop(node, "name")
        if isinstance(name, str) and name:
            out[name] = field_value(node)
    return out


def submit(driver: PageDriver, button: ViewNode) -> int:
    """The form around ``button`` fires ``submit``; returns how many handlers ran."""
    form = closest(button, "form")
    if form is None:
        return 0
    form_id = secrets.token_hex(16) if flag(form, "report-submit") else ""
    return driver.trigger_node(form, "submit", {"value": form_values(form),
                                                "formId": form_id})


def reset(driver: PageDriver, button: ViewNode) -> int:
    """The controls of the form around ``button`` go back to what the app rendered, and
    the form fires ``reset``; returns how many handlers ran."""
    form = closest(button, "form")
    if form is None:
        return 0
    for node in inside(form, *RESETTABLE):
        driver.state.restore(node)
    return driver.trigger_node(form, "reset", {})
