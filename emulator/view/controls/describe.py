"""What gesture a node wants: for the window to draw a native-feeling widget.

:func:`describe_control` gives, per built-in component, a plain dict (JSON-ready)::

    common      {"kind": str, "id": node id, "disabled": bool}
    button      kind "button": formType ("" | "submit" | "reset"), openType (str, "" none)
    navigator   kind "link": url, openType (the API it calls, None: goes nowhere)
    label       kind "label": target (node id of the control it forwards to, or None)
    checkbox    kind "checkbox": checked, value, color ("#3c76ff")
    radio       kind "radio": checked, value, color ("#3c76ff")
    switch      kind "switch": checked, type ("switch" | "checkbox"), color ("#3388ff")
    input       kind "text": multiline false, value, inputType (text|number|digit|
                idcard), password, maxlength (int | None), placeholder, confirmType,
                focused
    textarea    kind "text": multiline true, and the same fields (inputType "text")
    slider      kind "slider": value, min, max, step, showValue
    picker      kind "picker": mode, value (typed per mode), and
                  selector / multiSelector: columns (list of columns of item labels)
                  time / date: start, end (bounds as text), fields (date: year|month|day)
                  region: customItem ("" none), columns None (no region table yet)
    picker-view kind "picker-view": value (index per column), columns (item labels)
    swiper      kind "swiper": current, count, circular, vertical, autoplay, interval (ms)
    scroll-view kind "scroll": scrollX, scrollY, scrollTop, scrollLeft,
                upperThreshold, lowerThreshold (px)
    any other element with tap/longpress bindings: kind "tap"

and None for a node that wants no gesture (text, a plain view). Taps go to
``PageDriver.tap_node``, text to ``input_node``/``focus_node``/``blur_node``/
``confirm_node``, values to ``set_value_node`` (``turn_column_node`` and
``cancel_node`` while a picker's sheet is open), scrolling to ``scroll_node``.
"""

from __future__ import annotations

from typing import Any

from emulator.view.controls import picker, ranges, scroll, swiper, text_fields
from emulator.view.controls.choices import checked, label_target
from emulator.view.controls.navigator import api_of
from emulator.view.controls.props import disabled, flag, number, plain, prop, text
from emulator.view.tree import ViewNode

TAP_EVENTS = ("tap", "longtap", "longpress")


def describe_control(node: ViewNode, focused: ViewNode | None = None) -> dict[str, Any] | None:
    """What ``node`` wants (see the module docstring); ``focused`` is the field that has
    the focus, if any."""
    if node.is_text:
        return None
    describe = _KINDS.get(node.tag)
    if describe is None:
        if any(e in node.events for e in TAP_EVENTS):
            return {"kind": "tap", "id": node.id, "disabled": False}
        return None
    return {"id": node.id, "disabled": disabled(node), **describe(node, focused)}


def _button(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": "button", "formType": text(node, "form-type"),
            "openType": text(node, "open-type")}


def _navigator(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": "link", "url": text(node, "url"), "openType": api_of(node)}


def _label(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    found = label_target(node)
    return {"kind": "label", "target": found.id if found else None}


def _choice(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": node.tag, "checked": checked(node), "value": prop(node, "value", ""),
            "color": text(node, "color", "#3c76ff")}


def _switch(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": "switch", "checked": checked(node), "type": text(node, "type", "switch"),
            "color": text(node, "color", "#3388ff")}


def _field(node: ViewNode, focused: ViewNode | None) -> dict[str, Any]:
    textarea = node.tag == "textarea"
    return {"kind": "text", "multiline": textarea, "value": text_fields.value_of(node),
            "inputType": "text" if textarea else text(node, "type", "text"),
            "password": flag(node, "password"), "maxlength": text_fields.maxlength(node),
            "placeholder": text(node, "placeholder"),
            "confirmType": text(node, "confirm-type", "default" if textarea else "done"),
            "focused": focused is node}


def _slider(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    low, high, step = ranges.slider_bounds(node)
    return {"kind": "slider", "value": ranges.slider_value(node), "min": plain(low),
            "max": plain(high), "step": plain(step), "showValue": flag(node, "show-value")}


def _picker(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    mode = picker.mode(node)
    out: dict[str, Any] = {"kind": "picker", "mode": mode, "value": picker.picker_value(node)}
    if mode in ("selector", "multiSelector"):
        out["columns"] = picker.columns(node)
    elif mode in ("time", "date"):
        out["start"], out["end"] = picker.bounds(node)
        if mode == "date":
            out["fields"] = text(node, "fields", "day")
    else:
        out["customItem"] = text(node, "custom-item")
        out["columns"] = None
    return out


def _picker_view(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": "picker-view", "value": ranges.view_value(node),
            "columns": ranges.view_columns(node)}


def _swiper(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    return {"kind": "swiper", "current": swiper.current(node), "count": len(swiper.items(node)),
            "circular": flag(node, "circular"), "vertical": flag(node, "vertical"),
            "autoplay": flag(node, "autoplay"), "interval": number(node, "interval", 5000)}


def _scroll(node: ViewNode, _f: ViewNode | None) -> dict[str, Any]:
    top, left = scroll.position(node)
    return {"kind": "scroll", "scrollX": flag(node, "scroll-x"),
            "scrollY": flag(node, "scroll-y"), "scrollTop": top, "scrollLeft": left,
            "upperThreshold": number(node, "upper-threshold", 50),
            "lowerThreshold": number(node, "lower-threshold", 50)}


_KINDS = {"button": _button, "navigator": _navigator, "label": _label, "checkbox": _choice,
          "radio": _choice, "switch": _switch, "input": _field, "textarea": _field,
          "slider": _slider, "picker": _picker, "picker-view": _picker_view,
          "scroll-view": _scroll, "swiper": _swiper}
