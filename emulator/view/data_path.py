"""``setData`` key paths (``'a.b[2].c'``) applied to a page's data: in place (the view
layer's copy) or copying the containers on the way (the window's, whose values other
observers share). A key path creates what is missing on the way
[framework/app_service_page_setData.md].
"""

from __future__ import annotations

import re
from typing import Any

_PATH = re.compile(r"([^.[\]]+)|\[(\d+)\]")


def set_path(root: dict[str, Any], path: str, value: Any,
             owned: dict[int, Any] | None = None) -> None:
    """Apply a setData key ('a.b[0].c') to ``root``, as the app's side does.

    With ``owned`` (containers by id), a container below the root that is not in it is
    copied (one level) before it changes, and the copy added: the values came in events,
    which other observers hold too, and a deep copy of a 10 MB setData takes seconds."""
    keys: list[Any] = [int(m.group(2)) if m.group(2) is not None else m.group(1)
                       for m in _PATH.finditer(path)]
    if not keys:
        return
    node: Any = root
    for i, key in enumerate(keys[:-1]):
        nxt = keys[i + 1]
        child = node[str(key) if isinstance(node, dict) else key] if _has(node, key) else None
        if not isinstance(child, (dict, list)):
            child = [] if isinstance(nxt, int) else {}
            _put(node, key, child)
            if owned is not None:
                owned[id(child)] = child
        elif owned is not None and id(child) not in owned:
            child = dict(child) if isinstance(child, dict) else list(child)
            owned[id(child)] = child
            _put(node, key, child)
        node = child
    _put(node, keys[-1], value)


def _has(node: Any, key: Any) -> bool:
    if isinstance(node, dict):
        return str(key) in node
    return isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node)


def _put(node: Any, key: Any, value: Any) -> None:
    if isinstance(node, dict):
        node[str(key)] = value  # JSON keys: "a[0]" on an object sets its "0"
    elif isinstance(node, list) and isinstance(key, int):
        while len(node) <= key:
            node.append(None)
        node[key] = value
