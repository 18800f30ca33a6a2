"""The rendered page as a node tree with stable ids, and the diff that keeps it current.

A render (emulator/view/compile.py) gives plain nodes; :func:`reconcile` folds them into
the previous tree: nodes that stay keep their id, and the patches list what changed —
proportional to the change, not to the page (one row of a 1,000-row list changed: one
patch). Children match by ``trackBy`` key when they have one, else by position and tag
(snabbdom/San's rule).

Patch shapes (what the window applies): ``{"op": "insert", "parent", "index", "node"}``,
``{"op": "remove", "id"}``, ``{"op": "move", "id", "parent", "index"}``,
``{"op": "attrs", "id", "set": {...}, "unset": [...]}``, ``{"op": "text", "id",
"text"}``, ``{"op": "events", "id", "events"}``.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from typing import Any

TEXT = "#text"
_ids = itertools.count(1)


@dataclass
class Binding:
    """One event binding: the handler's name, ``catch`` (stops bubbling), ``capture``."""

    handler: str
    catch: bool = False
    capture: bool = False


@dataclass(eq=False)
class ViewNode:
    """An element or a text node of the rendered page."""

    tag: str
    attrs: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    children: list[ViewNode] = field(default_factory=list)
    events: dict[str, list[Binding]] = field(default_factory=dict)
    key: Any = None
    pos: str = ""  # line:col in its template
    models: dict[str, str] = field(default_factory=dict)  # attribute -> {= path =} it writes
    raw_events: dict[str, Any] = field(default_factory=dict, repr=False)  # as rendered
    owner: int | None = None  # the component instance whose template made it (else the page)
    id: int = field(default_factory=lambda: next(_ids))
    parent: ViewNode | None = field(default=None, repr=False)

    @property
    def is_text(self) -> bool:
        return self.tag == TEXT

    @property
    def element_id(self) -> str:
        """The ``id`` attribute ("" when none)."""
        value = self.attrs.get("id")
        return "" if value is None or value is True else str(value)

    @property
    def dataset(self) -> dict[str, Any]:
        """``data-*`` attributes, names camelCased, bound values keeping their type
        [framework/view_incident.md; the type rule is a choice, view-layer.md §3]."""
        out: dict[str, Any] = {}
        for name, value in self.attrs.items():
            if name.startswith("data-"):
                out[camel_case(name[5:].lower())] = value
        return out

    @property
    def classes(self) -> list[str]:
        value = self.attrs.get("class")
        return str(value).split() if isinstance(value, str) else []

    def text_content(self) -> str:
        """All the text under this node."""
        if self.is_text:
            return self.text
        return "".join(child.text_content() for child in self.children)

    def walk(self) -> list[ViewNode]:
        """This node and all below it, in document order."""
        out = [self]
        for child in self.children:
            out.extend(child.walk())
        return out

    def ancestors(self) -> list[ViewNode]:
        """From the parent up to the root."""
        out = []
        node = self.parent
        while node is not None:
            out.append(node)
            node = node.parent
        return out

    def to_json(self) -> dict[str, Any]:
        """The node and its subtree as plain data (for the window and dumps)."""
        if self.is_text:
            return {"id": self.id, "text": self.text}
        out = {"id": self.id, "tag": self.tag, "attrs": self.attrs,
               "events": sorted(self.events),
               "children": [c.to_json() for c in self.children]}
        if self.owner is not None:
            out["owner"] = self.owner  # the mirror scopes component css by it
        return out


def camel_case(name: str) -> str:
    """``car-color`` -> ``carColor`` (dataset and property names)."""
    return re.sub(r"-([a-z])", lambda m: m.group(1).upper(), name)


def _events(plain: dict[str, Any]) -> dict[str, list[Binding]]:
    out: dict[str, list[Binding]] = {}
    for event, bindings in (plain.get("e") or {}).items():
        out[event] = [Binding(str(b.get("h") or ""), bool(b.get("c")), bool(b.get("p")))
                      for b in bindings]
    return out


def build(plain: dict[str, Any], parent: ViewNode | None = None) -> ViewNode:
    """A new subtree (new ids) from a plain rendered node."""
    if "x" in plain:
        return ViewNode(TEXT, text=str(plain["x"]), parent=parent)
    node = ViewNode(str(plain["t"]), attrs=dict(plain.get("a") or {}), events=_events(plain),
                    key=plain.get("k"), pos=str(plain.get("p") or ""),
                    models=dict(plain.get("m") or {}), raw_events=plain.get("e") or {},
                    owner=plain.get("o"), parent=parent)
    node.children = [build(c, node) for c in plain.get("c") or []]
    return node


def _same_kind(node: ViewNode, plain: dict[str, Any]) -> bool:
    if node.is_text:
        return "x" in plain
    return "t" in plain and plain["t"] == node.tag and plain.get("k") == node.key


def reconcile(parent: ViewNode, plain_children: list[dict[str, Any]],
              patches: list[dict[str, Any]]) -> None:
    """Make ``parent``'s children those rendered, reusing nodes; append the patches."""
    old = parent.children
    keyed = {(n.tag, _hashable(n.key)): n for n in old if n.key is not None}
    unkeyed = [n for n in old if n.key is None]
    used: set[int] = set()
    cursor = 0
    result: list[ViewNode] = []
    for index, plain in enumerate(plain_children):
        match: ViewNode | None = None
        if "k" in plain and plain.get("k") is not None:
            cand = keyed.get((str(plain.get("t")), _hashable(plain["k"])))
            if cand is not None and cand.id not in used:
                match = cand
        else:
            while cursor < len(unkeyed) and unkeyed[cursor].id in used:
                cursor += 1
            if cursor < len(unkeyed) and _same_kind(unkeyed[cursor], plain):
                match = unkeyed[cursor]
                cursor += 1
        if match is None:
            node = build(plain, parent)
            patches.append({"op": "insert", "parent": parent.id, "index": index,
                            "node": node.to_json()})
            result.append(node)
            continue
        used.add(match.id)
        _update(match, plain, patches)
        result.append(match)
    for node in old:
        if node.id not in used:
            patches.append({"op": "remove", "id": node.id})
    # Moves: a kept node whose place among the kept ones changed.
    kept_old = [n.id for n in old if n.id in used]
    kept_new = [n.id for n in result if n.id in used]
    if kept_old != kept_new:
        for index, node in enumerate(result):
            if node.id in used:
                patches.append({"op": "move", "id": node.id, "parent": parent.id,
                                "index": index})
    parent.children = result


def _update(node: ViewNode, plain: dict[str, Any], patches: list[dict[str, Any]]) -> None:
    if node.is_text:
        text = str(plain["x"])
        if text != node.text:
            node.text = text
            patches.append({"op": "text", "id": node.id, "text": text})
        return
    attrs = dict(plain.get("a") or {})
    if attrs != node.attrs:
        changed = {k: v for k, v in attrs.items() if node.attrs.get(k, _MISSING) != v}
        removed = [k for k in node.attrs if k not in attrs]
        node.attrs = attrs
        patches.append({"op": "attrs", "id": node.id, "set": changed, "unset": removed})
    raw_events = plain.get("e") or {}
    if raw_events != node.raw_events:  # plain data compared: no Binding objects per render
        node.raw_events = raw_events
        node.events = _events(plain)
        patches.append({"op": "events", "id": node.id, "events": sorted(node.events)})
    node.pos = str(plain.get("p") or node.pos)
    node.owner = plain.get("o")
    if plain.get("m") or node.models:
        node.models = dict(plain.get("m") or {})
    reconcile(node, plain.get("c") or [], patches)


_MISSING = object()


def _hashable(value: Any) -> Any:
    return value if isinstance(value, (str, int, float, bool)) else repr(value)


def markup(nodes: list[ViewNode], indent: str = "") -> str:
    """The tree as indented SWAN-like markup (``--dump-page``): tags, attributes as
    rendered, event bindings, text."""
    lines: list[str] = []
    for node in nodes:
        if node.is_text:
            text = node.text.strip()
            if text:
                lines.append(indent + text)
            continue
        parts = [node.tag]
        for name, value in node.attrs.items():
            if value is True:
                parts.append(name)
            else:
                shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
                quote = "'" if '"' in shown and "'" not in shown else '"'
                shown = shown if quote == "'" else shown.replace('"', "&quot;")
                parts.append(f"{name}={quote}{shown}{quote}")
        for event, bindings in node.events.items():
            for b in bindings:
                prefix = ("capture-" if b.capture else "") + ("catch" if b.catch else "bind")
                parts.append(f'{prefix}:{event}="{b.handler}"')
        if not node.children:
            lines.append(f"{indent}<{' '.join(parts)} />")
            continue
        if len(node.children) == 1 and node.children[0].is_text:
            lines.append(f"{indent}<{' '.join(parts)}>{node.children[0].text.strip()}</{node.tag}>")
            continue
        lines.append(f"{indent}<{' '.join(parts)}>")
        inner = markup(node.children, indent + "  ")
        if inner:
            lines.append(inner)
        lines.append(f"{indent}</{node.tag}>")
    return "\n".join(lines)
