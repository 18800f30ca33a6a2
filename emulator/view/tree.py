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

Incremental renders (emulator/view/context.py ``render_store``) give, among plain nodes,
stubs ``{"same": u}``: "the node(s) that rendered with memo id ``u`` last time, unchanged".
A stub keeps its node as it is (no walk, no patch; the user's values on it stay); a stub
whose node is not among the parent's old children (its parent was replaced) is built
again from the plain the node was made from. Nodes a stub names are *reserved* for it:
no other plain node takes them over, so what they were made from stays intact.
"""

from __future__ import annotations

import itertools
import json
import re
import weakref
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
    # Classes in ``class`` that came in through the component's externalClasses, and who
    # passed them (the instance whose template holds the tag; 0: the page).
    outer: tuple[tuple[str, ...], int] | None = None
    memo: int | None = None  # the memo id (``u``) of the plain node it is as rendered
    source: dict[str, Any] | None = field(default=None, repr=False)  # that plain node
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
        if self.outer is not None:
            out["outer"] = {"classes": list(self.outer[0]), "owner": self.outer[1]}
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


# Memo id -> the node last made from the plain node with that id. Ids are unique in the
# process (context.py); a stale entry (its node gone or remade) is never asked for, as a
# render names only the ids of its last render.
_by_memo: weakref.WeakValueDictionary[int, ViewNode] = weakref.WeakValueDictionary()

Reserved = dict[int, "ViewNode | None"]
"""Memo id -> the node a stub of this render names (None: unknown)."""


def _remember(node: ViewNode, plain: dict[str, Any]) -> None:
    memo = plain.get("u")
    node.memo = memo
    if memo is None:
        node.source = None
    else:
        node.source = plain
        _by_memo[memo] = node


def _outer(plain: dict[str, Any]) -> tuple[tuple[str, ...], int] | None:
    classes = plain.get("xc")
    return (tuple(classes), int(plain.get("xo") or 0)) if classes else None


def build(plain: dict[str, Any], parent: ViewNode | None = None) -> ViewNode:
    """A new subtree (new ids) from a plain rendered node (a stub: from the plain its
    node was made from). Raises LookupError for a stub naming no known node."""
    if "same" in plain:
        old = _by_memo.get(plain["same"])
        if old is None or old.source is None or old.memo != plain["same"]:
            raise LookupError(f"stub {plain['same']} names no rendered node")
        return build(old.source, parent)
    if "x" in plain:
        node = ViewNode(TEXT, text=str(plain["x"]), parent=parent)
        if "u" in plain:
            _remember(node, plain)
        return node
    node = ViewNode(str(plain["t"]), attrs=dict(plain.get("a") or {}), events=_events(plain),
                    key=plain.get("k"), pos=str(plain.get("p") or ""),
                    models=dict(plain.get("m") or {}), raw_events=plain.get("e") or {},
                    owner=plain.get("o"), outer=_outer(plain), parent=parent)
    node.children = [build(c, node) for c in plain.get("c") or []]
    if "u" in plain:
        _remember(node, plain)
    return node


def _same_kind(node: ViewNode, plain: dict[str, Any]) -> bool:
    if node.is_text:
        return "x" in plain
    return "t" in plain and plain["t"] == node.tag and plain.get("k") == node.key


def stubs(plain_children: list[dict[str, Any]], into: Reserved | None = None) -> Reserved:
    """The nodes the stubs in ``plain_children`` (at any depth) name, added to ``into``."""
    out: Reserved = {} if into is None else into
    for plain in plain_children:
        if "same" in plain:
            out[plain["same"]] = _by_memo.get(plain["same"])
        elif plain.get("c"):
            stubs(plain["c"], out)
    return out


def pair(old: list[ViewNode], plain_children: list[dict[str, Any]],
         reserved: Reserved | None = None) -> list[ViewNode | None]:
    """The old node each plain node becomes (None: built new): a stub keeps its own node
    when that is among ``old``; else the ``trackBy`` key when there is one, else position
    and tag (snabbdom/San's rule), never a node a stub names."""
    reserved = reserved if reserved is not None else {}
    if _aligned(old, plain_children, reserved):
        return list(old)
    keyed: dict[tuple[str, Any], ViewNode] = {}
    unkeyed: list[ViewNode] = []
    old_ids: set[int] | None = None
    for n in old:
        if n.memo is not None and n.memo in reserved:
            continue
        if n.key is not None:
            keyed[(n.tag, _hashable(n.key))] = n
        else:
            unkeyed.append(n)
    used: set[int] = set()
    cursor = 0
    out: list[ViewNode | None] = []
    for plain in plain_children:
        match: ViewNode | None = None
        if "same" in plain:
            cand = reserved.get(plain["same"])
            if cand is not None and cand.id not in used:
                if old_ids is None:
                    old_ids = {n.id for n in old}
                if cand.id in old_ids:
                    match = cand
        elif "k" in plain and plain.get("k") is not None:
            cand = keyed.get((str(plain.get("t")), _hashable(plain["k"])))
            if cand is not None and cand.id not in used:
                match = cand
        else:
            while cursor < len(unkeyed) and unkeyed[cursor].id in used:
                cursor += 1
            if cursor < len(unkeyed) and _same_kind(unkeyed[cursor], plain):
                match = unkeyed[cursor]
                cursor += 1
        if match is not None:
            used.add(match.id)
        out.append(match)
    return out


def _aligned(old: list[ViewNode], plain_children: list[dict[str, Any]],
             reserved: Reserved) -> bool:
    """Whether each plain node pairs with the old node at its place (the usual update:
    same rows, some changed), checked in one pass; :func:`pair`'s rule gives the same
    then (keys being unique, as the docs require of ``trackBy``)."""
    if len(old) != len(plain_children):
        return False
    for node, plain in zip(old, plain_children, strict=True):
        memo = plain.get("same")
        if memo is not None:
            if node.memo != memo:
                return False
        elif node.memo is not None and node.memo in reserved:
            return False
        elif plain.get("k") is not None:
            if (node.key is None or node.tag != plain.get("t")
                    or _hashable(node.key) != _hashable(plain["k"])):
                return False
        elif node.key is not None or not _same_kind(node, plain):
            return False
    return True


def reconcile(parent: ViewNode, plain_children: list[dict[str, Any]],
              patches: list[dict[str, Any]], reserved: Reserved | None = None) -> None:
    """Make ``parent``'s children those rendered, reusing nodes; append the patches.
    ``reserved``: :func:`stubs` of the whole render (found here when not given)."""
    if reserved is None:
        reserved = stubs(plain_children)
        if None in reserved.values():  # checked before anything changes
            raise LookupError("a stub names no rendered node (the tree is not the one "
                              "the memo rendered into)")
    old = parent.children
    if _aligned(old, plain_children, reserved):
        # Every node stays at its place: update the rendered ones, keep the stubs' nodes.
        for node, plain in zip(old, plain_children, strict=True):
            if "same" not in plain:
                _update(node, plain, patches, reserved)
        return
    matches = pair(old, plain_children, reserved)
    used: set[int] = set()
    inserted: list[tuple[int, int]] = []  # (index, id), in patch order
    result: list[ViewNode] = []
    for index, (plain, match) in enumerate(zip(plain_children, matches, strict=True)):
        if match is not None and "same" in plain:
            used.add(match.id)
            result.append(match)
            continue
        if match is None:
            node = build(plain, parent)
            patches.append({"op": "insert", "parent": parent.id, "index": index,
                            "node": node.to_json()})
            inserted.append((index, node.id))
            result.append(node)
            continue
        used.add(match.id)
        _update(match, plain, patches, reserved)
        result.append(match)
    for node in old:
        if node.id not in used:
            patches.append({"op": "remove", "id": node.id})
    # Moves: where the window's children stand after the inserts (each at its index
    # among those there then) and removes differ from the result, every node from the
    # first wrong place on is placed in order (each move settles one more place).
    window = [n.id for n in old]
    for index, node_id in inserted:
        window.insert(index, node_id)
    removed = {n.id for n in old if n.id not in used}
    if removed:
        window = [i for i in window if i not in removed]
    final = [n.id for n in result]
    if window != final:
        first = next(i for i, (a, b) in enumerate(zip(window, final, strict=True)) if a != b)
        for index in range(first, len(result)):
            patches.append({"op": "move", "id": result[index].id, "parent": parent.id,
                            "index": index})
    parent.children = result


def _update(node: ViewNode, plain: dict[str, Any], patches: list[dict[str, Any]],
            reserved: Reserved) -> None:
    if node.memo is not None or "u" in plain:
        _remember(node, plain)
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
    node.outer = _outer(plain)
    if plain.get("m") or node.models:
        node.models = dict(plain.get("m") or {})
    reconcile(node, plain.get("c") or [], patches, reserved)


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
