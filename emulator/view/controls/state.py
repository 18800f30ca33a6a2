"""What the user changed on built-in components, kept on their nodes.

A component's attributes as the app rendered them are its initial state; a user change
(a toggled checkbox, a moved slider, typed text) is written onto the node, published as an
``attrs`` patch (the window's mirror follows, shapes of emulator/view/tree.py) and kept
there until the app's data changes that attribute: re-renders that give the attribute the
value the app had rendered before leave the user's value in place (San updates only what
the data changed; setting the same value again changes nothing). A ``{= =}`` binding on
the attribute writes the value back into the page's data without a setData the app sees
(shared/spec/view-layer.md §2).

How every render of such a node is seen: while it holds user values its ``attrs`` is a
:class:`UserAttrs`, a dict that is never ``!=``-equal to a rendered one, so the tree's diff
(emulator/view/tree.py ``_update``) makes an ``attrs`` patch for the node on each render,
even when the app rendered exactly the user's value; the observer here then tells apart
"the app left it" from "the app changed it" and drops patches left empty. (A tree that
kept rendered attributes apart from user values would make this unnecessary.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.flows.events import PageRendered
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.view.renderer import PageView

MISSING: Any = object()


class UserAttrs(dict[str, Any]):
    """The attributes of a node holding user values: equal (``==``) as a dict is, but
    always ``!=`` to another dict, so that each render of the node yields a patch."""

    def __ne__(self, other: object) -> bool:
        return True

    __hash__ = None  # type: ignore[assignment]


@dataclass
class Kept:
    """One attribute the user changed: what the app last rendered (``MISSING``: absent),
    what the user set, and the value before the first change (what a form reset restores)."""

    rendered: Any
    user: Any
    initial: Any


def same(a: Any, b: Any) -> bool:
    """Equal and of one type (``True`` is not ``1``)."""
    return type(a) is type(b) and a == b


def page_of(host: AppHost, node: ViewNode) -> PageView | None:
    """The open page whose tree holds ``node`` (None when it has been removed)."""
    top = node
    while top.parent is not None:
        if not any(child is top for child in top.parent.children):
            return None
        top = top.parent
    return next((v for v in host.renderer.pages.values() if v.root is top), None)


class UserState:
    """The user's changes to the nodes of one app's pages."""

    def __init__(self, host: AppHost) -> None:
        self.host = host
        self._kept: dict[int, tuple[ViewNode, dict[str, Kept]]] = {}
        self._own: PageRendered | None = None  # the patch being published from here
        host.bus.subscribe(self._on_rendered, PageRendered)

    def change(self, node: ViewNode, values: dict[str, Any]) -> dict[str, Any]:
        """Set attributes on ``node`` as a user change; returns those that changed.

        Publishes one ``attrs`` patch and writes ``{= =}`` bindings back."""
        view = page_of(self.host, node)
        if view is None:
            return {}
        _, kept = self._kept.setdefault(node.id, (node, {}))
        changed: dict[str, Any] = {}
        for name, value in values.items():
            old = node.attrs.get(name, MISSING)
            if same(old, value):
                continue
            entry = kept.get(name) or Kept(rendered=old, user=value, initial=old)
            entry.user = value
            kept[name] = entry
            changed[name] = value
        if not changed:
            return {}
        node.attrs = UserAttrs({**node.attrs, **changed})  # published patches keep theirs
        self._publish(view, node, changed, [])
        for name, value in changed.items():
            if self._write_model(view, node, name, value):
                # The page's data holds the value now: a render with it is no app change.
                kept[name].rendered = value
        self._drop_settled(node, kept)
        return changed

    def restore(self, node: ViewNode) -> dict[str, Any]:
        """Undo every user change on ``node`` (a form reset); returns the restored values
        (``MISSING`` for an attribute the app had not rendered)."""
        view = page_of(self.host, node)
        entry = self._kept.pop(node.id, None)
        if view is None or entry is None:
            return {}
        kept = entry[1]
        restored = {name: k.initial for name, k in kept.items()}
        set_ = {n: v for n, v in restored.items() if v is not MISSING}
        unset = [n for n, v in restored.items() if v is MISSING]
        attrs = {k: v for k, v in node.attrs.items() if k not in unset}
        node.attrs = {**attrs, **set_}  # a plain dict again: no user values left
        self._publish(view, node, set_, unset)
        for name, value in set_.items():
            self._write_model(view, node, name, value)
        return restored

    def changed(self, node: ViewNode) -> bool:
        """Whether the user has changed ``node``."""
        return node.id in self._kept

    def _publish(self, view: PageView, node: ViewNode, set_: dict[str, Any],
                 unset: list[str]) -> None:
        self._own = PageRendered(page_id=view.page_id, route=view.route, patches=[
            {"op": "attrs", "id": node.id, "set": dict(set_), "unset": list(unset)}])
        try:
            self.host.bus.publish(self._own)
        finally:
            self._own = None

    def _write_model(self, view: PageView, node: ViewNode, name: str, value: Any) -> bool:
        path = node.models.get(name)
        # A component's own binding names its data, not the page's: not written yet.
        if not path or node.owner is not None:
            return False
        self.host.renderer.write(view.page_id, path, value)
        self.host.runtime.enter("modelWrite", {"pageId": view.page_id, "path": path,
                                               "value": value})
        return True

    def _drop_settled(self, node: ViewNode, kept: dict[str, Kept]) -> None:
        # Back at the value before the user's first change: nothing to keep or restore.
        for name in [n for n, k in kept.items() if same(k.user, k.initial)]:
            del kept[name]
        if not kept:
            self._kept.pop(node.id, None)
            node.attrs = dict(node.attrs)

    def _on_rendered(self, event: PageRendered) -> None:
        """A render reset a user's value the app did not change: put it back, in the
        render's own patch (observers that batch events see one consistent patch)."""
        if not self._kept or event is self._own:
            return
        for patch in list(event.patches):
            if patch.get("op") != "attrs" or patch.get("id") not in self._kept:
                continue
            node, kept = self._kept[patch["id"]]
            for name, entry in list(kept.items()):
                rendered = node.attrs.get(name, MISSING)
                if not same(rendered, entry.rendered):
                    del kept[name]  # the app changed it: the app's value wins
                    continue
                node.attrs = {**node.attrs, name: entry.user}
                patch.get("set", {}).pop(name, None)
                if name in patch.get("unset", []):
                    patch["unset"] = [n for n in patch["unset"] if n != name]
            if kept:
                node.attrs = UserAttrs(node.attrs)
            else:
                del self._kept[patch["id"]]
            if not patch.get("set") and not patch.get("unset"):
                event.patches.remove(patch)
        # Nodes that left their page (removed, page closed) are forgotten.
        for node_id, (node, _) in list(self._kept.items()):
            if page_of(self.host, node) is None:
                del self._kept[node_id]
