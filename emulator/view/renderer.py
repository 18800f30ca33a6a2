"""Renders the open pages: the view layer's side of every page.

It observes the core's page events (created with its data, setData changes) and keeps,
per page, the data as the view received it (JSON, as it crossed), the rendered node tree
and the template. Renders are coalesced to one per page per loop turn and published as
:class:`~emulator.flows.events.PageRendered` patches; reading the tree (queries, taps,
dumps) renders what is pending first, so code never sees a stale page.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass, field
from typing import Any

from emulator.app.package import AppPackage
from emulator.errors import TemplateError
from emulator.flows.bus import EventBus
from emulator.flows.events import (
    ComponentCreated,
    Event,
    LoadProblem,
    PageCreated,
    PageDataChanged,
    PageRendered,
)
from emulator.view.context import ViewContext
from emulator.view.tree import ViewNode, camel_case, reconcile

_PATH = re.compile(r"([^.[\]]+)|\[(\d+)\]")


def set_path(root: dict[str, Any], path: str, value: Any) -> None:
    """``setData`` key semantics: ``'a.b[2].c'`` creates what is missing on the way
    [framework/app_service_page_setData.md]."""
    keys: list[str | int] = [int(m.group(2)) if m.group(2) is not None else m.group(1)
                             for m in _PATH.finditer(path)]
    if not keys:
        return
    node: Any = root
    for here, nxt in itertools.pairwise(keys):
        child = _get(node, here)
        if not isinstance(child, (dict, list)):
            child = [] if isinstance(nxt, int) else {}
            _set(node, here, child)
        node = child
    _set(node, keys[-1], value)


def _get(node: Any, key: str | int) -> Any:
    if isinstance(node, list):
        return node[key] if isinstance(key, int) and 0 <= key < len(node) else None
    return node.get(key) if isinstance(node, dict) else None


def _set(node: Any, key: str | int, value: Any) -> None:
    if isinstance(node, list) and isinstance(key, int):
        while len(node) <= key:
            node.append(None)
        node[key] = value
    elif isinstance(node, dict):
        node[str(key)] = value


@dataclass
class PageView:
    """One page as the view layer has it."""

    page_id: int
    route: str
    template: str | None
    data: dict[str, Any]
    root: ViewNode = field(default_factory=lambda: ViewNode("#page"))
    opened: float = field(default_factory=time.monotonic)
    error: str | None = None
    dirty: bool = True


@dataclass
class ComponentView:
    """A custom component instance as the view has it: its data, and its template."""

    instance_id: int
    page_id: int
    name: str
    template: str | None
    data: dict[str, Any]


class Renderer:
    """The view layer of one running app."""

    def __init__(self, package: AppPackage, bus: EventBus,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.package = package
        self.bus = bus
        self.loop = loop
        self.context = ViewContext(package.root)
        self.pages: dict[int, PageView] = {}
        self.components: dict[int, ComponentView] = {}
        self._scheduled: asyncio.Handle | None = None
        bus.subscribe(self._observe)

    def _observe(self, event: Event) -> None:
        if isinstance(event, PageCreated):
            info = self.package.pages.get(event.route)
            data = event.data if isinstance(event.data, dict) else {}
            self.pages[event.page_id] = PageView(event.page_id, event.route,
                                                 info.template if info else None, dict(data))
            self._schedule()
        elif isinstance(event, PageDataChanged) and event.page_id in self.pages:
            view = self.pages[event.page_id]
            for path, value in (event.changes or {}).items():
                set_path(view.data, path, value)
            view.dirty = True
            self._schedule()
        elif isinstance(event, ComponentCreated):
            template = f"{event.path}.swan"
            self.components[event.instance_id] = ComponentView(
                event.instance_id, event.page_id, event.name,
                template if (self.package.root / template).is_file() else None,
                dict(event.data) if isinstance(event.data, dict) else {})
            if event.page_id in self.pages:
                self.pages[event.page_id].dirty = True
                self._schedule()
        elif isinstance(event, PageDataChanged) and event.page_id in self.components:
            comp = self.components[event.page_id]
            for path, value in (event.changes or {}).items():
                set_path(comp.data, path, value)
            if comp.page_id in self.pages:
                self.pages[comp.page_id].dirty = True
                self._schedule()

    def _schedule(self) -> None:
        if self._scheduled is None:
            self._scheduled = self.loop.call_soon(self.flush)

    def flush(self) -> None:
        """Render every page whose data changed since its last render."""
        self._scheduled = None
        for view in list(self.pages.values()):
            if view.dirty:
                self._render(view)

    def _render(self, view: PageView) -> None:
        view.dirty = False
        if view.template is None:
            return
        try:
            plain = self.context.render(view.template, view.data)
        except TemplateError as exc:
            if view.error != str(exc):
                view.error = str(exc)
                self.bus.publish(LoadProblem(file=exc.path or view.template, message=exc.reason))
            return
        view.error = None
        by_name = {c.name: c for c in self.components.values() if c.page_id == view.page_id}
        if by_name:
            try:
                plain = self._expand(plain, by_name)
            except TemplateError as exc:
                if view.error != str(exc):
                    view.error = str(exc)
                    self.bus.publish(LoadProblem(file=exc.path or "", message=exc.reason))
                return
        patches: list[dict[str, Any]] = []
        reconcile(view.root, plain, patches)
        if patches:
            self.bus.publish(PageRendered(page_id=view.page_id, route=view.route,
                                          patches=patches))

    def _expand(self, nodes: list[dict[str, Any]],
                components: dict[str, ComponentView]) -> list[dict[str, Any]]:
        """Custom component tags get their component's template rendered inside them (the
        instance's data, with the tag's attributes as property values), their own nodes
        marked with the instance (``o``) so events reach its methods, and the tag's
        children placed in its ``<slot>``s (by ``slot="name"``) [framework/
        custom-component_temp.md]. One instance per usingComponents entry serves each of
        its tags for now (instances per occurrence come next)."""
        out = []
        for node in nodes:
            if "t" not in node:
                out.append(node)
                continue
            comp = components.get(node["t"])
            children = self._expand(node.get("c") or [], components)
            if comp is None or comp.template is None:
                out.append({**node, "c": children})
                continue
            data = dict(comp.data)
            for name, value in (node.get("a") or {}).items():
                key = camel_case(name)
                if key in data and not name.startswith("data-"):
                    data[key] = value
            inner = self.context.render(comp.template, data)
            out.append({**node, "c": _own(_slot(inner, children), comp.instance_id, children)})
        return out

    def write(self, page_id: int, path: str, value: Any) -> None:
        """The view changed a value itself (a two-way binding): keep it and re-render."""
        view = self.pages.get(page_id)
        if view is not None:
            set_path(view.data, path, value)
            view.dirty = True
            self._schedule()

    def view(self, page_id: int) -> PageView | None:
        """A page's view, rendered up to date."""
        if self._scheduled is not None:
            self._scheduled.cancel()
            self.flush()
        return self.pages.get(page_id)

    def forget(self, alive: set[int]) -> None:
        """Drop the views of pages that are gone."""
        for page_id in list(self.pages):
            if page_id not in alive:
                del self.pages[page_id]


def _slot(nodes: list[dict[str, Any]], content: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``<slot>`` (and ``<slot name>``) replaced by the tag's children that go there."""
    out: list[dict[str, Any]] = []
    for node in nodes:
        if node.get("t") == "slot":
            name = (node.get("a") or {}).get("name")
            for child in content:
                where = (child.get("a") or {}).get("slot") if "t" in child else None
                if (where or None) == (name if isinstance(name, str) and name else None):
                    out.append(child)
            continue
        if "c" in node:
            node = {**node, "c": _slot(node["c"], content)}
        out.append(node)
    return out


def _own(nodes: list[dict[str, Any]], instance_id: int,
         slotted: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The component's own nodes carry its instance id; slot content stays the page's."""
    keep = {id(n) for n in slotted}
    out = []
    for node in nodes:
        if id(node) in keep or "t" not in node:
            out.append(node)
            continue
        out.append({**node, "o": instance_id, "c": _own(node.get("c") or [], instance_id,
                                                        slotted)})
    return out
