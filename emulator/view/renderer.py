"""Renders the open pages: the view layer's side of every page.

It observes the core's page events (created with its data, setData changes) and keeps,
per page, the data as the view received it (JSON, as it crossed), the rendered node tree
and the template; custom components expand per occurrence (emulator/view/components.py).
A page renders first when the logic layer asks (after its onLoad and onShow: a
``page.render`` message); renders are coalesced to one per page per loop turn and published as
:class:`~emulator.flows.events.PageRendered` patches; reading the tree (queries, taps,
dumps) renders what is pending first, so code never sees a stale page.

Renders are incremental: the view context keeps each page's and instance's data and
gets only the setData changes (key paths, in order); what renders as before comes back
as stubs the tree keeps (emulator/view/context.py, tree.py). The data is kept here too
(as it crossed) for a full resend after a failure.
"""

from __future__ import annotations

import asyncio
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
    PageLifecycle,
    PageRendered,
)
from emulator.runtime.bridge import Runtime, WorkToken
from emulator.view.components import Components, ComponentView, RenderPass
from emulator.view.context import ViewContext
from emulator.view.data_path import set_path
from emulator.view.tree import Reserved, ViewNode, reconcile, stubs

__all__ = ["ComponentView", "PageView", "Renderer"]

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
    released: bool = False  # the logic layer asked for the first render
    rendered: bool = False  # the first render happened (onReady was told)
    hold: WorkToken | None = None  # keeps the app busy until the first render
    instances: dict[int, int] = field(default_factory=dict)  # tag node id -> instance id
    order: list[int] = field(default_factory=list)  # instance ids in document order
    changes: list[tuple[str, Any]] | None = None  # setData since the last render
    # (None: the view context gets the whole data next time)


class Renderer:
    """The view layer of one running app.

    ``runtime``: the logic layer's dispatcher, for the component entries (without it,
    custom component tags render as plain tags).
    """

    def __init__(self, package: AppPackage, bus: EventBus,
                 loop: asyncio.AbstractEventLoop, *, runtime: Runtime | None = None) -> None:
        self.package = package
        self.bus = bus
        self.loop = loop
        self.runtime = runtime
        self.context = ViewContext(package.root)
        self.pages: dict[int, PageView] = {}
        self.occurrences = Components(self)
        self._scheduled: asyncio.Handle | None = None
        self._rendering = False
        bus.subscribe(self._observe, PageCreated, PageDataChanged, ComponentCreated,
                      PageLifecycle)

    @property
    def components(self) -> dict[int, ComponentView]:
        """The custom component occurrences of the open pages, by instance id."""
        return self.occurrences.by_id

    def enter(self, entry: str, payload: Any, *, now: bool = False) -> Any:
        """Enter the logic layer (None without a runtime, or when the call was queued
        behind running JS: its messages then arrive later). ``now``: the result is read,
        so it runs at once while entries wait for the next slice (Runtime.enter)."""
        if self.runtime is None:
            return None
        return self.runtime.enter(entry, payload, now=now)

    def _observe(self, event: Event) -> None:
        if isinstance(event, PageCreated):
            info = self.package.pages.get(event.route)
            data = event.data if isinstance(event.data, dict) else {}
            self.pages[event.page_id] = PageView(event.page_id, event.route,
                                                 info.template if info else None, dict(data))
        elif isinstance(event, PageDataChanged) and event.page_id in self.pages:
            view = self.pages[event.page_id]
            for path, value in (event.changes or {}).items():
                set_path(view.data, path, value)
                if view.changes is not None:
                    view.changes.append((path, value))
            view.dirty = True
            self._schedule()
        elif isinstance(event, ComponentCreated):
            comp = self.occurrences.created(event.instance_id, event.data,
                                            event.add_global_class, event.external_classes)
            if comp is not None and comp.page_id in self.pages and not self._rendering:
                self.pages[comp.page_id].dirty = True
                self._schedule()
        elif isinstance(event, PageDataChanged) and event.page_id in self.components:
            comp = self.components[event.page_id]
            for path, value in (event.changes or {}).items():
                set_path(comp.data, path, value)
                if comp.changes is not None:
                    comp.changes.append((path, value))
            if comp.page_id in self.pages:
                self.pages[comp.page_id].dirty = True
                self._schedule()
        elif isinstance(event, PageLifecycle) and event.hook == "onUnload":
            self._drop(event.page_id)

    def release(self, page_id: int) -> None:
        """The logic layer asks for the page's first render (its onLoad and onShow ran);
        the app counts as busy until it is done and the logic layer told."""
        view = self.pages.get(page_id)
        if view is None or view.released:
            return
        view.released = True
        view.dirty = True
        if self.runtime is not None:
            view.hold = self.runtime.hold()
        self._schedule()

    def _schedule(self) -> None:
        if self._scheduled is None:
            self._scheduled = self.loop.call_soon(self.flush)

    def flush(self) -> None:
        """Render every page whose data changed since its last render."""
        if self._scheduled is not None:
            self._scheduled.cancel()
        self._scheduled = None
        if self._rendering:
            return
        for view in list(self.pages.values()):
            if view.dirty and view.released:
                self._rendering = True
                try:
                    self._render(view)
                finally:
                    self._rendering = False
                    if view.hold is not None:
                        view.hold.release()
                        view.hold = None

    def _render(self, view: PageView) -> None:
        view.dirty = False
        first = not view.rendered
        view.rendered = True
        plain: list[dict[str, Any]] | None = None
        reserved: Reserved = {}
        if view.template is not None:
            if first:
                self.occurrences.check_tags(view.template, self.occurrences.using(view, None))
            try:
                plain, reserved = self.render_store(
                    view.template, view.page_id, view,
                    [*self.occurrences.using(view, None), "slot"])
                view.error = None
            except TemplateError as exc:
                if view.error != str(exc):
                    view.error = str(exc)
                    self.bus.publish(LoadProblem(file=exc.path or view.template,
                                                 message=exc.reason))
        if plain is None and not first:
            return  # a broken template keeps the page (and its occurrences) as they were
        found = RenderPass()
        if plain is not None:
            patches: list[dict[str, Any]] = []
            try:
                if self.occurrences.using(view, None):
                    plain = self.occurrences.expand(view, plain, view.root, found, reserved)
                reconcile(view.root, plain, patches, reserved)
            except BaseException:
                # The tree did not take this render: the next one starts from scratch.
                self.context.forget(view.page_id)
                raise
            if patches:
                self.bus.publish(PageRendered(page_id=view.page_id, route=view.route,
                                              patches=patches))
        self.occurrences.finish(view, plain or [], found, first)

    def render_store(self, template: str, key: int, holder: PageView | ComponentView,
                     pin: list[str]) -> tuple[list[dict[str, Any]], Reserved]:
        """Render a page's or instance's ``template`` in the view context with the
        ``holder``'s changes since its last render (its whole data after a failure or
        the first time): the plain nodes and the nodes their stubs keep. A stub naming
        no node (the tree lost it) makes a render from scratch. Raises TemplateError."""
        changes, holder.changes = holder.changes, []
        try:
            plain, some = self.context.render_store(
                template, key, data=holder.data if changes is None else None,
                changes=changes, pin=pin)
            reserved = stubs(plain) if some else {}
            if None in reserved.values():
                self.context.forget(key)
                plain, _ = self.context.render_store(template, key, pin=pin)
                reserved = {}
        except BaseException:
            holder.changes = None
            raise
        return plain, reserved

    def write(self, page_id: int, path: str, value: Any) -> None:
        """The view changed a value itself (a two-way binding): keep it and re-render."""
        view = self.pages.get(page_id)
        if view is not None:
            set_path(view.data, path, value)
            if view.changes is not None:
                view.changes.append((path, value))
            view.dirty = True
            self._schedule()

    def view(self, page_id: int) -> PageView | None:
        """A page's view, rendered up to date (as it is, while a render is under way)."""
        if self._scheduled is not None and not self._rendering:
            self.flush()
        return self.pages.get(page_id)

    def instance_of(self, node: ViewNode | int) -> int | None:
        """The logic layer's instance id of the custom-component occurrence whose tag is
        ``node`` (a node or a node id), else None: what ``Element.data()`` and
        ``call_method()`` of automation address."""
        return self.occurrences.instance_of(node)

    def forget(self, alive: set[int]) -> None:
        """Drop the views of pages that are gone."""
        for page_id in list(self.pages):
            if page_id not in alive:
                self._drop(page_id)

    def _drop(self, page_id: int) -> None:
        view = self.pages.pop(page_id, None)
        if view is not None:
            self.context.drop(page_id)
        if view is not None and view.hold is not None:
            view.hold.release()  # unloaded before its first render: nothing to wait for
        self.occurrences.forget_page(page_id)
