"""A page of the running app, and the elements of its rendered view."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from emulator.app.page_gestures import GestureError
from emulator.automation.components import component_of
from emulator.automation.errors import AutomationError
from emulator.automation.waiting import DEFAULT_TIMEOUT, until
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.automation.program import MiniProgram


class Element:
    """A node of the rendered page. Actions settle the app (its handlers, their setData and
    the re-render) before they return."""

    def __init__(self, page: Page, node: ViewNode) -> None:
        self.page = page
        self.node = node

    async def _settle(self) -> None:
        await self.page.program.settle()

    async def tap(self) -> None:
        """Tap it: the bound handlers run as on the device (capture, bubble, catch)."""
        self.page.program.host.page.trigger_node(self.node, "tap", {"x": 0, "y": 0})
        await self._settle()

    async def long_press(self) -> None:
        """A long press (``longpress``, then no tap)."""
        self.page.program.host.page.trigger_node(self.node, "longpress", {"x": 0, "y": 0})
        await self._settle()

    async def input(self, text: str) -> None:
        """Type ``text``: the value (and its ``{= =}`` binding) changes, ``bindinput`` runs."""
        self.page.program.host.page.input_node(self.node, text)
        await self._settle()

    async def trigger(self, event: str, detail: Any = None) -> None:
        """Fire any event on it with ``detail``."""
        self.page.program.host.page.trigger_node(self.node, event, detail)
        await self._settle()

    def text(self) -> str:
        """Its text content."""
        return self.node.text_content()

    def attribute(self, name: str) -> Any:
        """An attribute as rendered (None when absent)."""
        return self.node.attrs.get(name)

    def dataset(self) -> dict[str, Any]:
        """Its ``data-*`` attributes, as handlers get them."""
        return self.node.dataset

    def value(self) -> Any:
        """The ``value`` attribute (inputs)."""
        return self.node.attrs.get("value")

    def query(self, selector: str) -> Element | None:
        """The first node under this one matching ``selector``."""
        from emulator.view.select import select

        found = select(self.node.children, selector)
        return Element(self.page, found) if found else None

    def _instance_call(self, body: str, *args: Any) -> Any:
        """Run ``body`` (JS using ``c``, the instance, and ``args``) on the instance of the
        custom component this node is or is inside; its value through JSON."""
        host = self.page.program.host
        instance_id = component_of(host, self.node)
        if instance_id is None:
            raise AutomationError(f"{self!r} is not in a custom component (its tag or its "
                                  "template)")
        found = self.page.program.call_js(
            "function (iid, args) { var c = __swan_host__.framework.instances.get(iid); "
            f"if (!c) return null; return {{v: (function () {{ {body} }})()}}; }}",
            instance_id, list(args))
        if found is None:
            comp = host.renderer.components.get(instance_id)
            raise AutomationError(f"the instance {instance_id} of "
                                  f"<{comp.name if comp else '?'}> is gone")
        return found.get("v")

    def data(self, path: str | None = None) -> Any:
        """The data of the custom component this node is (its tag) or is inside (its
        template), as the instance has it (``path`` like ``a.b[0]``). AutomationError for
        a node outside any component."""
        return self._instance_call("return args[0] === null ? c.data : c.getData(args[0]);",
                                   path)

    async def call_method(self, name: str, *args: Any) -> Any:
        """Call a method of that component instance with JSON arguments; its result, as
        JSON (after the app settles)."""
        result = self._instance_call(
            "var f = c[args[0]]; if (typeof f !== 'function') throw new TypeError("
            "args[0] + ' is not a method of ' + c.is); return f.apply(c, args[1]);",
            name, list(args))
        await self._settle()
        return result

    def exists(self) -> bool:
        """Whether the node is still on its page."""
        view = self.page.program.host.page.view(self.page.page_id)
        return view is not None and any(n is self.node for n in view.root.walk())

    def __repr__(self) -> str:
        return f"<Element {self.node.tag}#{self.node.element_id} id={self.node.id}>"


class Page:
    """One page of the stack."""

    def __init__(self, program: MiniProgram, page_id: int, path: str,
                 options: dict[str, str]) -> None:
        self.program = program
        self.page_id = page_id
        self.path = path
        self.options = options  # the page's query, onLoad's argument (page.options in JS)

    def data(self, path: str | None = None) -> Any:
        """The page's data as the view has it (``path`` like ``a.b[0]``)."""
        view = self.program.host.page.view(self.page_id)
        if view is None:
            raise AutomationError(f"page {self.path} is not open")
        return self.program.evaluate_json(
            f"(getCurrentPages().find(function (p) {{ return p.__id__ === {self.page_id}; }}) || "
            f"{{getData: function () {{ return null; }}}}).getData({_js(path)})")

    async def set_data(self, changes: dict[str, Any]) -> None:
        """``setData`` on the page, as the app would call it."""
        self.program.host.runtime.evaluate(
            f"getCurrentPages().find(function (p) {{ return p.__id__ === {self.page_id}; }})"
            f".setData({_js(changes)})")
        await self.program.settle()

    async def call_method(self, name: str, *args: Any) -> Any:
        """Call a page method with JSON arguments; its result, as JSON."""
        result = self.program.evaluate_json(
            f"(function () {{ var p = getCurrentPages().find(function (x) {{ return x.__id__ === "
            f"{self.page_id}; }}); return p[{_js(name)}].apply(p, {_js(list(args))}); }})()")
        await self.program.settle()
        return result

    # ---- page gestures (emulator/app/page_gestures.py) ----------------------------------
    async def scroll_to(self, y: float, *, content_height: float | None = None) -> None:
        """Scroll the page to ``y`` px: ``onPageScroll({scrollTop: y})`` runs and the
        viewport's SelectorQuery ``scrollOffset`` reports it. With ``content_height`` (px;
        the view has no layout to know it), ``onReachBottom`` runs on arriving within the
        page's ``onReachBottomDistance`` (default 50) of the bottom."""
        with _gesture():
            self.program.host.gestures.scroll_to(self.page_id, y, content_height=content_height)
        await self.program.settle()

    async def pull_down_refresh(self) -> None:
        """Pull the page down: ``onPullDownRefresh()`` runs; :attr:`refreshing` stays
        True until the app calls ``swan.stopPullDownRefresh``. AutomationError when the
        page's JSON (or app.json's window) does not enable ``enablePullDownRefresh``."""
        with _gesture():
            self.program.host.gestures.pull_down_refresh(self.page_id)
        await self.program.settle()

    async def reach_bottom(self) -> None:
        """Scroll to the page's bottom: ``onReachBottom()`` runs."""
        with _gesture():
            self.program.host.gestures.reach_bottom(self.page_id)
        await self.program.settle()

    @property
    def refreshing(self) -> bool:
        """Whether the pull-down refresh is showing (until ``stopPullDownRefresh``)."""
        return self.program.host.gestures.state(self.page_id).refreshing

    @property
    def scroll_top(self) -> float:
        """The page's scroll position in px."""
        return self.program.host.gestures.state(self.page_id).scroll_top

    def query_all(self, selector: str) -> list[Element]:
        """Every rendered node matching the CSS selector."""
        return [Element(self, n) for n in self.program.host.page.query_all(selector,
                                                                         self.page_id)]

    def query(self, selector: str) -> Element | None:
        """The first rendered node matching the CSS selector, or None."""
        found = self.query_all(selector)
        return found[0] if found else None

    async def wait_for(self, what: str | Callable[[], Any] | float,
                       timeout: float = DEFAULT_TIMEOUT) -> Any:
        """Until a node matches the selector ``what`` (its Element), until the predicate
        ``what()`` is truthy (its value; the app runs meanwhile), or for ``what`` seconds.
        WaitTimeout shows the page's markup."""
        if isinstance(what, (int, float)) and not isinstance(what, bool):
            await asyncio.sleep(what)
            await self.program.settle()
            return None

        def describe() -> str:
            markup = self.markup()
            if len(markup) > 2000:
                markup = markup[:2000] + "\n…"
            awaited = f"no node matches {what!r}" if isinstance(what, str) else \
                "the condition was not met"
            return f"{awaited} on {self.path} within {timeout:g} s; the page:\n{markup}"

        if callable(what):
            return await until(what, timeout, describe)
        return await until(lambda: self.query(what), timeout, describe)

    def markup(self) -> str:
        """The rendered page as markup."""
        return self.program.host.page.markup(self.page_id)

    def __repr__(self) -> str:
        return f"<Page {self.path} {self.options}>"


@contextmanager
def _gesture() -> Iterator[None]:
    try:
        yield
    except GestureError as exc:
        raise AutomationError(str(exc)) from exc


def _js(value: Any) -> str:
    """A JSON value as JS source."""
    return json.dumps(value, ensure_ascii=False)
