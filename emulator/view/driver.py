"""Driving the rendered page from code: query, tap, input, trigger, text, markup.

The same path a tap in the window takes: the node is found in the core's tree, the event
object and the handler order come from emulator/view/events.py, and each handler runs in
the logic layer as a page method. No Qt here: headless runs, tests and the automation API
use it as they are.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, ScriptError
from emulator.view.events import dispatch
from emulator.view.tree import ViewNode, markup

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.view.renderer import PageView


class NoSuchNode(EmulatorError):
    """No node on the current page matches the selector."""


class PageDriver:
    """Reads and acts on the page on top of the stack (or a given one)."""

    def __init__(self, host: AppHost) -> None:
        self.host = host

    def view(self, page_id: int | None = None) -> PageView | None:
        """The view of ``page_id`` (default: the page on screen), rendered up to date."""
        if page_id is None:
            if not self.host.page_stack:
                return None
            page_id = self.host.page_stack[-1].page_id
        return self.host.renderer.view(page_id)

    def query_all(self, selector: str, page_id: int | None = None) -> list[ViewNode]:
        """Every node matching the CSS selector, in document order."""
        # Imported here: lxml and cssselect cost ~10 ms, and most runs never query.
        from emulator.view.select import select_all

        view = self.view(page_id)
        return select_all(view.root.children, selector) if view else []

    def query(self, selector: str, page_id: int | None = None) -> ViewNode | None:
        """The first node matching the CSS selector, or None."""
        found = self.query_all(selector, page_id)
        return found[0] if found else None

    def _one(self, selector: str) -> ViewNode:
        node = self.query(selector)
        if node is None:
            stack = self.host.page_stack
            raise NoSuchNode(f"no node matches {selector!r} on "
                             f"{stack[-1].route if stack else 'no page'}")
        return node

    def trigger(self, selector: str, event_type: str, detail: Any = None) -> int:
        """Fire ``event_type`` on the node: capture, target and bubbling handlers run as
        page methods; returns how many ran."""
        return self.trigger_node(self._one(selector), event_type, detail)

    def node(self, node_id: int) -> ViewNode | None:
        """The node with this id on the page on screen (the window sends ids)."""
        view = self.view()
        if view is None:
            return None
        for node in view.root.walk():
            if node.id == node_id:
                return node
        return None

    def trigger_node(self, node: ViewNode | int, event_type: str, detail: Any = None) -> int:
        """Fire ``event_type`` on a node (or node id) of the page on screen."""
        if isinstance(node, int):
            found = self.node(node)
            if found is None:
                raise NoSuchNode(f"node {node} is not on the page on screen")
            node = found
        view = self.view()
        assert view is not None
        calls = dispatch(node, event_type, detail, started=view.opened)
        for call in calls:
            self._run(view, call.handler, call.event, call.node)
        return len(calls)

    def component_event(self, instance_id: int, name: str, detail: Any,
                        options: dict[str, Any]) -> int:
        """A component's ``triggerEvent``: the ``bind:<name>`` handlers on its tag run
        (and, with ``bubbles``, those on the tags around it)."""
        comp = self.host.renderer.components.get(instance_id)
        view = self.host.renderer.view(comp.page_id) if comp else None
        if comp is None or view is None:
            return 0
        tag = next((n for n in view.root.walk() if n.tag == comp.name and n.owner is None), None)
        if tag is None:
            return 0
        path = [tag, *tag.ancestors()] if options.get("bubbles") else [tag]
        ran = 0
        for node in path:
            for b in node.events.get(name, []):
                if b.capture:
                    continue
                event = {"type": name, "timeStamp": 0, "detail": detail,
                         "target": {"id": tag.element_id, "tagName": tag.tag,
                                    "dataset": tag.dataset},
                         "currentTarget": {"id": node.element_id, "tagName": node.tag,
                                           "dataset": node.dataset}}
                self._run(view, b.handler, event, node)
                ran += 1
        return ran

    def tap(self, selector: str | int) -> int:
        """A tap on the node (a selector or a node id; ``detail`` {x, y} = 0, 0 until
        layout is known)."""
        if isinstance(selector, int):
            return self.trigger_node(selector, "tap", {"x": 0, "y": 0})
        return self.trigger(selector, "tap", {"x": 0, "y": 0})

    def _run(self, view: PageView, handler: str, event: dict[str, Any], node: ViewNode) -> None:
        # A node a component's template made runs that component's method.
        target = {"instanceId": node.owner} if node.owner else {"pageId": view.page_id}
        result = self.host.runtime.enter("callMethod", {**target, "name": handler,
                                                        "event": event}) or {}
        if "error" in result:
            # The platform throws when the handler is not a method of the page.
            where = f"{view.template}:{node.pos}" if view.template else view.route
            self.host.runtime.report(ScriptError(
                f"TypeError: {handler} is not a method of {view.route} (the {event['type']} "
                f"binding at {where})"), f"{event['type']} on <{node.tag}>")

    def input(self, selector: str, text: str) -> int:
        """Type ``text`` into the first node matching ``selector``; see :meth:`input_node`."""
        return self.input_node(self._one(selector), text)

    def input_node(self, node: ViewNode, text: str) -> int:
        """Type ``text`` into an input or textarea: its value changes, a ``{= =}`` binding
        writes it back into the page's data (no setData the app sees; shared/spec/
        view-layer.md §2), then ``input`` fires with ``{value, cursor, keyCode}``
        [component/formlist_input.md]. Returns how many handlers ran."""
        view = self.view()
        assert view is not None
        node.attrs["value"] = text
        path = node.models.get("value")
        if path:
            self.host.renderer.write(view.page_id, path, text)
            self.host.runtime.enter("modelWrite", {"pageId": view.page_id, "path": path,
                                                   "value": text})
        return self.trigger_node(node, "input", {"value": text, "cursor": len(text),
                                                 "keyCode": None})

    def text(self, selector: str) -> str:
        """The text content of the first matching node."""
        return self._one(selector).text_content()

    def markup(self, page_id: int | None = None) -> str:
        """The rendered page as indented SWAN-like markup."""
        view = self.view(page_id)
        if view is None:
            return ""
        if view.error:
            return f"<!-- {view.error} -->"
        return markup(view.root.children)
