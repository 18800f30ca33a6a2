"""A built-in component's properties, read off its node as the component types them.

Templates give attributes as written: ``form-type`` or ``formType`` (both spellings appear
in the docs, shared/spec/view-layer.md §4), literal strings (``max="50"``) or bound values
(``max="{{50}}"``), ``True`` for a valueless or empty attribute (§2). The readers here turn
that into what the component sees.
"""

from __future__ import annotations

import math
from typing import Any

from emulator.view.tree import ViewNode, camel_case

_MISSING = object()


def prop(node: ViewNode, name: str, default: Any = None) -> Any:
    """The attribute ``name`` (kebab-case) or its camelCase spelling; ``default`` when
    neither is there."""
    value = node.attrs.get(name, _MISSING)
    if value is _MISSING:
        value = node.attrs.get(camel_case(name), _MISSING)
    return default if value is _MISSING or value is None else value


def prop_name(node: ViewNode, name: str) -> str:
    """Which spelling of ``name`` the node uses (kebab-case when it has neither)."""
    camel = camel_case(name)
    return camel if camel != name and camel in node.attrs and name not in node.attrs else name


def flag(node: ViewNode, name: str, default: bool = False) -> bool:
    """A boolean property. **Choice**: the literal string ``"false"`` is false (San's
    boolean props), any other string is true (``focus="autoFocus"`` in the demo app)."""
    value = prop(node, name, default)
    if isinstance(value, str):
        return value.strip().lower() != "false"
    return bool(value)


def number(node: ViewNode, name: str, default: float) -> float:
    """A numeric property; ``default`` when absent or not a finite number."""
    return to_number(prop(node, name, default), default)


def to_number(value: Any, default: float) -> float:
    """``value`` as a finite float, else ``default`` (``"12"`` → 12.0, ``True`` → default)."""
    if isinstance(value, bool):
        return default
    try:
        out = float(value)
    except (TypeError, ValueError):
        return default
    return out if math.isfinite(out) else default


def plain(value: float) -> float | int:
    """``3.0`` → ``3``: whole numbers as ints, as the platform's JS numbers print."""
    return int(value) if float(value).is_integer() else round(value, 10)


def text(node: ViewNode, name: str, default: str = "") -> str:
    """A string property (a valueless attribute reads as ``default``)."""
    value = prop(node, name, default)
    if value is True:
        return default
    return value if isinstance(value, str) else str(value)


def disabled(node: ViewNode) -> bool:
    """The ``disabled`` property."""
    return flag(node, "disabled")


def closest(node: ViewNode, *tags: str) -> ViewNode | None:
    """The node itself or its nearest ancestor with one of ``tags``."""
    here: ViewNode | None = node
    while here is not None:
        if here.tag in tags:
            return here
        here = here.parent
    return None


def inside(node: ViewNode, *tags: str) -> list[ViewNode]:
    """Descendants (document order) with one of ``tags``."""
    return [n for n in node.walk()[1:] if n.tag in tags]
