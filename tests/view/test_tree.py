"""The diff: patches proportional to the change, ids stable, keyed items move."""

from __future__ import annotations

from typing import Any

from emulator.view.tree import ViewNode, markup, reconcile


def rows(items: list[Any], keyed: bool = False) -> list[dict[str, Any]]:
    out = []
    for item in items:
        node: dict[str, Any] = {"t": "view", "a": {"class": "row"}, "c": [{"x": str(item)}]}
        if keyed:
            node["k"] = item
        out.append(node)
    return out


def test_one_changed_row_of_a_thousand_is_one_patch() -> None:
    """Changing one item of a 1,000-row list patches that row's text only."""
    root = ViewNode("#page")
    first: list[dict[str, Any]] = []
    reconcile(root, rows(range(1000)), first)
    assert len(first) == 1000 and {p["op"] for p in first} == {"insert"}
    ids = [n.id for n in root.children]
    items = list(range(1000))
    items[500] = "changed"
    patches: list[dict[str, Any]] = []
    reconcile(root, rows(items), patches)
    assert patches == [{"op": "text", "id": root.children[500].children[0].id, "text": "changed"}]
    assert [n.id for n in root.children] == ids


def test_keyed_items_move_instead_of_rerendering() -> None:
    """With trackBy keys, a reorder moves the same nodes; a removed key is removed."""
    root = ViewNode("#page")
    reconcile(root, rows(["a", "b", "c"], keyed=True), [])
    by_key = {n.key: n.id for n in root.children}
    patches: list[dict[str, Any]] = []
    reconcile(root, rows(["c", "a"], keyed=True), patches)
    assert [n.id for n in root.children] == [by_key["c"], by_key["a"]]
    assert {"op": "remove", "id": by_key["b"]} in patches
    assert not [p for p in patches if p["op"] == "insert"]


def test_attribute_changes_and_inserts() -> None:
    """An attribute change is one attrs patch (set and unset); a new node is an insert."""
    root = ViewNode("#page")
    reconcile(root, [{"t": "view", "a": {"class": "a", "hidden": True}, "c": []}], [])
    patches: list[dict[str, Any]] = []
    reconcile(root, [{"t": "view", "a": {"class": "b"}, "c": []},
                     {"t": "text", "a": {}, "c": [{"x": "new"}]}], patches)
    view = root.children[0]
    assert patches[0] == {"op": "attrs", "id": view.id, "set": {"class": "b"}, "unset": ["hidden"]}
    assert patches[1]["op"] == "insert" and patches[1]["index"] == 1


def test_markup_dump() -> None:
    """The tree prints as indented markup with its bindings."""
    root = ViewNode("#page")
    reconcile(root, [{"t": "view", "a": {"class": "x", "hidden": True}, "e": {"tap": [{"h": "go"}]},
                      "c": [{"t": "text", "a": {}, "c": [{"x": "hi"}]}]}], [])
    assert markup(root.children) == '<view class="x" hidden bind:tap="go">\n  <text>hi</text>\n</view>'


def test_patches_rebuild_the_order_when_kept_nodes_follow_removed_ones() -> None:
    """A keyed list [a, b] becoming [b, x]: applied in order (insert at its index among
    the children there, remove, move), the patches give [b, x], not [x, b]."""
    root = ViewNode("#page")
    reconcile(root, rows(["a", "b"], keyed=True), [])
    window = [n.id for n in root.children]
    patches: list[dict[str, Any]] = []
    reconcile(root, rows(["b", "x"], keyed=True), patches)
    for p in patches:
        if p["op"] == "insert":
            window.insert(p["index"], p["node"]["id"])
        elif p["op"] == "remove":
            window.remove(p["id"])
        elif p["op"] == "move":
            window.remove(p["id"])
            window.insert(p["index"], p["id"])
    assert window == [n.id for n in root.children]
    assert [n.key for n in root.children] == ["b", "x"]
