"""Keeps the web view in step with the page on screen.

The core publishes each render of each page as patches (PageRendered); the window receives
them in batches. This applies the on-screen page's patches once per batch, and when another
page comes on screen (or the app restarts) sends that page whole. A page sent whole already
contains every render published up to that moment, so the patches of those renders, still
on their way in the batch queue, are skipped: counted per page as they are published and as
they arrive.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from emulator.flows.events import Event, PageRendered, UiRequest
from emulator.swan.devices import DEVICES
from emulator.view.mirror import MirrorPrep, owners_of
from emulator.view.styles import StyleBook

if TYPE_CHECKING:
    from emulator.app.host import AppHost
    from emulator.gui.simulator.web_page import PageWebView



class MirrorController:
    """Feeds one :class:`PageWebView` from one running app at a time."""

    def __init__(self, web: PageWebView) -> None:
        self.web = web
        web.resync = lambda: self.show(self.shown)
        self.host: AppHost | None = None
        self.prep: MirrorPrep | None = None
        self.shown: int | None = None  # page id on screen
        self._published: Counter[int] = Counter()
        self._arrived: Counter[int] = Counter()
        self._skip: dict[int, int] = {}
        self._unsubscribe: Callable[[], None] | None = None

    def attach(self, host: AppHost) -> None:
        """Mirror ``host``'s pages (call before it starts, so every render is counted)."""
        self.detach()
        self.host = host
        self.prep = MirrorPrep(self._styles(host), owners_of(host.renderer))
        self._unsubscribe = host.bus.subscribe(self._count, PageRendered)

    @staticmethod
    def _styles(host: AppHost) -> StyleBook:
        # The emulated phone's width is 750rpx; notched phones get the safe-area classes.
        device = DEVICES[host.settings.device]
        return StyleBook(host.package.root, device.width,
                         app_json=host.package.app_json, safe_area_bottom=device.safe_bottom)

    def detach(self) -> None:
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self.host = None
        self.prep = None
        self.shown = None
        self._published.clear()
        self._arrived.clear()
        self._skip.clear()

    def _count(self, event: PageRendered) -> None:
        self._published[event.page_id] += 1

    def take(self, events: list[Event]) -> None:
        """One batch from the core: the on-screen page's patches, applied once."""
        host = self.host
        if host is None or self.prep is None:
            return
        patches: list[dict[str, Any]] = []
        scroll_to: Any = None
        for e in events:
            if isinstance(e, PageRendered):
                self._arrived[e.page_id] += 1
                if e.page_id == self.shown and self._arrived[e.page_id] > self._skip.get(
                        e.page_id, 0):
                    patches.extend(e.patches)
            elif isinstance(e, UiRequest) and e.kind == "pageScrollTo":
                scroll_to = e.options.get("scrollTop")
        top = host.page_stack[-1].page_id if host.page_stack else None
        if top != self.shown:
            self.show(top)
        elif patches and top is not None:
            view = host.renderer.pages.get(top)
            if view is not None:
                known = len(self.prep.components)
                self.web.apply(self.prep.patches(view, patches))
                if len(self.prep.components) > known:  # a component shown for the first time
                    self.web.set_css(self.prep.css(view.route))
        if isinstance(scroll_to, (int, float)):
            self.web.scroll_to(float(scroll_to))

    def show(self, page_id: int | None) -> None:
        """Send ``page_id``'s whole tree (None: an empty page)."""
        host = self.host
        self.shown = page_id
        if host is None or self.prep is None or page_id is None:
            self.web.show_page({"root": 0, "children": [], "css": "", "error": ""})
            return
        view = host.page.view(page_id)  # renders what is pending: that publishes too
        if view is None:
            return
        self._skip[page_id] = self._published[page_id]
        self.web.show_page(self.prep.page(view))

    def refresh(self) -> None:
        """Send the page on screen whole again (its styles changed)."""
        if self.host is not None and self.prep is not None:
            self.prep = MirrorPrep(self._styles(self.host), owners_of(self.host.renderer))
            self.show(self.shown)
