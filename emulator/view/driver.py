"""Driving the rendered page from code: query, tap, type, set values, scroll, trigger.

The one entry for gestures, from the window ("tap on node 17") and from headless code
alike: the node is found in the core's tree, the event object and the handler order come
from emulator/view/events.py, each handler runs in the logic layer as a page (or
component) method, and then the built-in component reacts as on the device
(emulator/view/controls/: forms, choices, sliders, pickers, navigators, button
open-types, input rules, scroll-views). Gesture methods take a node or a node id (the
window sends ids); the selector forms (``tap``, ``input``, ``set_value``, ``scroll``…)
take a CSS selector too. Each returns how many of the app's handlers ran synchronously
(open-type answers arrive later: ``await host.wait_idle()``). No Qt here.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from emulator.errors import EmulatorError, ScriptError
from emulator.view.controls.state import UserState, page_of
from emulator.view.events import dispatch
from emulator.view.tree import ViewNode, markup

# The built-in components' reactions (emulator/view/controls/: a dozen modules, ~35 ms
# to compile when no bytecode is cached) are imported by the gesture that uses them: an
# app driven by no gesture (a plain `run`) never loads them.
if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.view.controls.scroll import Extent
    from emulator.view.renderer import PageView

NodeRef = ViewNode | int
"""A node of the page on screen, or its id."""

TAP_DETAIL = {"x": 0, "y": 0}  # {x, y} = pageX/pageY: 0, 0 until layout is known


class NoSuchNode(EmulatorError):
    """No node on the current page matches the selector."""


class PageDriver:
    """Reads and acts on the page on top of the stack (or a given one).

    ``state`` keeps the user's changes to built-in components (emulator/view/controls/
    state.py); ``focused`` is the text field that has the focus; ``tasks`` the open-type
    answers still pending.
    """

    def __init__(self, host: AppHost) -> None:
        self.host = host
        self.state = UserState(host)
        self.focused: ViewNode | None = None
        self.tasks: set[asyncio.Task[None]] = set()

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

    def _node(self, ref: NodeRef | str) -> ViewNode:
        """A node from a node, a node id (page on screen) or a selector; NoSuchNode."""
        if isinstance(ref, ViewNode):
            return ref
        if isinstance(ref, str):
            return self._one(ref)
        found = self.node(ref)
        if found is None:
            raise NoSuchNode(f"node {ref} is not on the page on screen")
        return found

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

    def trigger_node(self, node: NodeRef, event_type: str, detail: Any = None) -> int:
        """Fire ``event_type`` on a node (or node id of the page on screen); the handlers
        run on the node's own page. No built-in reaction: see :meth:`tap_node`."""
        node = self._node(node)
        view = page_of(self.host, node) or self.view()
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

    # ---- gestures --------------------------------------------------------------------
    def tap(self, selector: str | int) -> int:
        """A tap on the node (a selector or a node id); see :meth:`tap_node`."""
        return self.tap_node(self._node(selector))

    def tap_node(self, node: NodeRef) -> int:
        """A tap: the app's ``tap`` handlers run (capture, bubbling, catch), then the
        built-in component around the node reacts (emulator/view/controls/tap.py: a
        checkbox toggles, a submit button submits its form, a navigator navigates…). A
        focused field elsewhere blurs (an input before the handlers, a textarea after).
        Returns how many handlers ran."""
        from emulator.view.controls import tap, text_fields

        node = self._node(node)
        focused = self.focused if self.focused is not node else None
        ran = 0
        if focused is not None and focused.tag != "textarea":
            ran += text_fields.blur(self, focused)
        ran += self.trigger_node(node, "tap", dict(TAP_DETAIL))
        ran += tap.react(self, node)
        if focused is not None and focused.tag == "textarea":
            ran += text_fields.blur(self, focused)
        return ran

    def input(self, selector: str, text: str) -> int:
        """Type ``text`` into the first node matching ``selector``; see :meth:`input_node`."""
        return self.input_node(self._one(selector), text)

    def input_node(self, node: NodeRef, text: str) -> int:
        """The input's or textarea's text becomes ``text`` under its rules (maxlength,
        number/digit/idcard filtering; emulator/view/controls/text_fields.py); a ``{= =}``
        binding writes it back into the page's data (no setData the app sees;
        shared/spec/view-layer.md §2), then ``input`` fires with ``{value, cursor,
        keyCode}`` [component/formlist_input.md]. Returns how many handlers ran."""
        from emulator.view.controls import text_fields

        return text_fields.type_text(self, self._node(node), text)

    def focus_node(self, node: NodeRef) -> int:
        """The field gets the focus: ``focus`` ``{value, height}``."""
        from emulator.view.controls import text_fields

        return text_fields.focus(self, self._node(node))

    def blur_node(self, node: NodeRef | None = None) -> int:
        """The field (default: the focused one) loses it: ``blur`` ``{value}``."""
        from emulator.view.controls import text_fields

        return text_fields.blur(self, self._node(node) if node is not None else None)

    def confirm_node(self, node: NodeRef) -> int:
        """The keyboard's confirm key: ``confirm`` ``{value}``, then a blur unless
        ``confirm-hold``."""
        from emulator.view.controls import text_fields

        return text_fields.confirm(self, self._node(node))

    def set_value(self, selector: str, value: Any) -> int:
        """Set the value of the first node matching ``selector``; see
        :meth:`set_value_node`."""
        return self.set_value_node(self._one(selector), value)

    def set_value_node(self, node: NodeRef, value: Any, *, done: bool = True) -> int:
        """The user set a control's value, by kind:

        - ``slider``: a number, clamped to min..max on the step grid; ``changing``, then
          (``done``: the finger lifted) ``change`` ``{value}``;
        - ``switch``/``checkbox``: a bool (``change`` ``{checked}`` / the group's
          ``change``); ``radio``: True (the group's ``change``);
        - ``picker``: an index (selector), indices (multiSelector, ``columnchange`` per
          turned column first), ``"hh:mm"``, ``"YYYY-MM-DD"``, ``[province, city,
          district]``; ``change`` ``{value}``;
        - ``picker-view``: indices; ``change`` ``{value}``;
        - ``input``/``textarea``: text, as :meth:`input_node`.

        Raises ControlError for another node or a value the control cannot hold; a
        disabled control ignores it. Returns how many handlers ran."""
        from emulator.view.controls import picker, ranges
        from emulator.view.controls.choices import choose_radio, set_checkbox, set_switch
        from emulator.view.controls.errors import ControlError

        node = self._node(node)
        tag = node.tag
        if tag == "slider":
            return ranges.set_slider(self, node, value, done=done)
        if tag == "picker":
            return picker.set_picker(self, node, value)
        if tag == "picker-view":
            return ranges.set_picker_view(self, node, value)
        if tag in ("input", "textarea"):
            return self.input_node(node, str(value))
        if not isinstance(value, bool):
            raise ControlError(f"<{tag}> takes true or false, not {value!r}")
        if tag == "switch":
            return set_switch(self, node, value)
        if tag == "checkbox":
            return set_checkbox(self, node, value)
        if tag == "radio" and value:
            return choose_radio(self, node)
        raise ControlError(f"<{tag}> has no value a user sets"
                           + (" (a radio is unchecked by checking another)"
                              if tag == "radio" else ""))

    def turn_column_node(self, node: NodeRef, column: int, index: int) -> int:
        """A multiSelector picker's column turned while its sheet is open:
        ``columnchange`` ``{column, value}``."""
        from emulator.view.controls import picker

        return picker.turn_column(self, self._node(node), column, index)

    def cancel_node(self, node: NodeRef) -> int:
        """A picker's sheet closed without a choice: ``cancel``."""
        from emulator.view.controls import picker

        return picker.cancel(self, self._node(node))

    def scroll(self, selector: str, top: float | None = None, left: float | None = None,
               extent: Extent | None = None) -> int:
        """Scroll the first scroll-view matching ``selector``; see :meth:`scroll_node`."""
        return self.scroll_node(self._one(selector), top, left, extent)

    def scroll_node(self, node: NodeRef, top: float | None = None, left: float | None = None,
                    extent: Extent | None = None) -> int:
        """The user scrolled a scroll-view to ``top``/``left`` px (None: that axis
        stays): ``scroll``, and ``scrolltoupper``/``scrolltolower`` on entering a
        threshold (the end is known from ``extent``: content and box sizes). Returns
        how many handlers ran."""
        from emulator.view.controls import scroll

        return scroll.scroll_to(self, self._node(node), top, left, extent or scroll.Extent())

    def swipe(self, selector: str, index: int, source: str = "touch") -> int:
        """Show item ``index`` of the first swiper matching ``selector``; see
        :meth:`swipe_node`."""
        return self.swipe_node(self._one(selector), index, source)

    def swipe_node(self, node: NodeRef, index: int, source: str = "touch") -> int:
        """A swiper shows item ``index`` (a swipe: ``source`` "touch"; the window's timer:
        "autoplay"): ``change`` and ``animationfinish`` ``{current, source}``
        (emulator/view/controls/swiper.py). Returns how many handlers ran."""
        from emulator.view.controls import swiper

        return swiper.swipe(self, self._node(node), index, source)

    def describe(self, node: NodeRef | str) -> dict[str, Any] | None:
        """What gesture the node wants, for the window's widgets (shapes:
        emulator/view/controls/describe.py); None for none."""
        from emulator.view.controls.describe import describe_control

        return describe_control(self._node(node), self.focused)

    # ---- running handlers --------------------------------------------------------------
    def _run(self, view: PageView, handler: str, event: dict[str, Any], node: ViewNode) -> None:
        # A node a component's template made runs that component's method.
        target = {"instanceId": node.owner} if node.owner else {"pageId": view.page_id}
        result = self.host.runtime.enter("callMethod", {**target, "name": handler,
                                                        "event": event}, now=True) or {}
        if "error" in result:
            # The platform throws when the handler is not a method of the page.
            where = f"{view.template}:{node.pos}" if view.template else view.route
            self.host.runtime.report(ScriptError(
                f"TypeError: {handler} is not a method of {view.route} (the {event['type']} "
                f"binding at {where})"), f"{event['type']} on <{node.tag}>")

    # ---- reading ----------------------------------------------------------------------
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
