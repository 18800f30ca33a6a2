"""What the user does to a page as a whole: scroll it, pull it down to refresh, reach its
bottom — and which page hooks that fires.

Qt-free: the automation API, the headless runner and the window's pull-down action all
use it. The hooks run in the logic layer through the runtime's ``callMethod`` entry (the
one a tap's handler takes), so a page without the hook simply has nothing run.

Rules [shared/spec/view-layer.md §6; framework/app_service_page.md; tutorial/devjson.md]:

- ``onPageScroll({scrollTop})`` on every scroll (here: once per scroll, at its end);
  ``disableScroll`` in the page's JSON keeps the page from scrolling.
- ``onPullDownRefresh()`` only when the page's JSON (or ``app.json`` ``window``) sets
  ``enablePullDownRefresh``; the page stays "refreshing" until the app calls
  ``swan.stopPullDownRefresh``. ``swan.startPullDownRefresh`` starts it as a user's pull
  would (the platform: "效果与用户手动下拉刷新一致").
- ``onReachBottom()`` when the page is scrolled to within ``onReachBottomDistance``
  (default 50 px) of its bottom; once per arrival (scrolling back up re-arms it).
  Values written as strings (``"true"``, ``"50"``) are coerced, as the sample apps write
  them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from emulator.app.package import AppPackage
from emulator.errors import EmulatorError
from emulator.flows.events import ConsoleMessage, Event, PageStackChanged, UiRequest
from emulator.swan.system import system_info

if TYPE_CHECKING:
    from emulator.app.host import AppHost

DEFAULT_REACH_BOTTOM_DISTANCE = 50.0  # px [tutorial/devjson.md]


class GestureError(EmulatorError):
    """The gesture cannot happen on that page (not open, pull-down refresh off, scrolling
    disabled)."""


@dataclass
class PageScroll:
    """One page's scroll state."""

    scroll_top: float = 0.0  # px
    refreshing: bool = False  # pull-down refresh shown, until stopPullDownRefresh
    at_bottom: bool = False  # within onReachBottomDistance of the bottom (fired already)


def window_config(package: AppPackage, route: str) -> dict[str, Any]:
    """The window keys of a page: ``app.json`` ``window``, overridden by the page's JSON."""
    page = package.pages.get(route)
    return {**package.window, **(page.config if page else {})}


def _flag(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


def pull_down_enabled(package: AppPackage, route: str) -> bool:
    """Whether ``enablePullDownRefresh`` is on for the page (default off)."""
    return _flag(window_config(package, route).get("enablePullDownRefresh"))


def scroll_disabled(package: AppPackage, route: str) -> bool:
    """Whether the page's own JSON sets ``disableScroll`` (a page-only key)."""
    page = package.pages.get(route)
    return _flag(page.config.get("disableScroll")) if page else False


def reach_bottom_distance(package: AppPackage, route: str) -> float:
    """``onReachBottomDistance`` of the page in px (default 50; a bad value: the default)."""
    value = window_config(package, route).get("onReachBottomDistance")
    try:
        distance = float(value) if value is not None and not isinstance(value, bool) else None
    except ValueError:
        distance = None
    return DEFAULT_REACH_BOTTOM_DISTANCE if distance is None or distance < 0 else distance


def reaches_bottom(scroll_top: float, window_height: float, content_height: float,
                   distance: float) -> bool:
    """Whether the visible part ends within ``distance`` px of the content's end."""
    return scroll_top + window_height >= content_height - distance


class PageGestures:
    """Scroll state of each open page, and the gestures on it. Also answers the app's own
    ``pageScrollTo`` / ``startPullDownRefresh`` / ``stopPullDownRefresh`` (seen as UI
    requests on the bus) for the page on screen."""

    def __init__(self, host: AppHost) -> None:
        self.host = host
        self.pages: dict[int, PageScroll] = {}
        host.bus.subscribe(self._observe, PageStackChanged, UiRequest)

    def state(self, page_id: int) -> PageScroll:
        """The page's scroll state (a fresh one for a page never scrolled)."""
        return self.pages.setdefault(page_id, PageScroll())

    def _route(self, page_id: int) -> str:
        for ref in self.host.page_stack:
            if ref.page_id == page_id:
                return ref.route
        raise GestureError(f"page {page_id} is not open")

    def _hook(self, page_id: int, name: str, event: dict[str, Any]) -> None:
        # The event is the hook's argument; a page without the hook answers {"error"}:
        # nothing to run, as on the platform.
        self.host.runtime.enter("callMethod", {"pageId": page_id, "name": name,
                                               "event": event})

    def scroll_to(self, page_id: int, scroll_top: float, *,
                  content_height: float | None = None) -> list[str]:
        """Scroll the page to ``scroll_top`` px: ``onPageScroll({scrollTop})`` runs, the
        viewport's ``scrollOffset`` reports it, and — when ``content_height`` (px) is
        known — ``onReachBottom`` runs on arriving within ``onReachBottomDistance`` of the
        bottom. Returns the hooks fired. GestureError: page not open, or ``disableScroll``."""
        route = self._route(page_id)
        if scroll_disabled(self.host.package, route):
            raise GestureError(f"{route} cannot scroll: its JSON sets disableScroll")
        top = max(float(scroll_top), 0.0)
        state = self.state(page_id)
        state.scroll_top = top
        self.host.runtime.enter("pageScroll", {"pageId": page_id, "scrollTop": top})
        self._hook(page_id, "onPageScroll", {"scrollTop": top})
        fired = ["onPageScroll"]
        if content_height is not None:
            window = system_info(self.host.package, self.host.settings)["windowHeight"]
            near = reaches_bottom(top, float(window), content_height,
                                  reach_bottom_distance(self.host.package, route))
            if near and not state.at_bottom:
                self._hook(page_id, "onReachBottom", {})
                fired.append("onReachBottom")
            state.at_bottom = near
        return fired

    def reach_bottom(self, page_id: int) -> None:
        """The page was scrolled to its bottom: ``onReachBottom()`` runs."""
        self._route(page_id)
        self.state(page_id).at_bottom = True
        self._hook(page_id, "onReachBottom", {})

    def pull_down_refresh(self, page_id: int) -> None:
        """The user pulls the page down: ``onPullDownRefresh()`` runs and the page shows
        its refresh until ``stopPullDownRefresh``. GestureError when the page's JSON (or
        app.json's window) does not set ``enablePullDownRefresh``."""
        route = self._route(page_id)
        if not pull_down_enabled(self.host.package, route):
            raise GestureError(
                f"pull-down refresh is off on {route}: set \"enablePullDownRefresh\": true "
                f"in {route}.json (or in app.json's \"window\")")
        self.state(page_id).refreshing = True
        self._hook(page_id, "onPullDownRefresh", {})

    def stop_pull_down_refresh(self, page_id: int) -> None:
        """The refresh indicator goes away (the app's ``stopPullDownRefresh``)."""
        self.state(page_id).refreshing = False

    # ---- the app's own calls -------------------------------------------------------------
    def _observe(self, event: Event) -> None:
        if isinstance(event, PageStackChanged):
            alive = {p.page_id for p in event.pages}
            for page_id in [p for p in self.pages if p not in alive]:
                del self.pages[page_id]
            return
        if not isinstance(event, UiRequest) or not self.host.page_stack:
            return
        page_id = self.host.page_stack[-1].page_id
        try:
            if event.kind == "pageScrollTo":
                self.scroll_to(page_id, float(event.options.get("scrollTop", 0)))
            elif event.kind == "startPullDownRefresh":
                self.pull_down_refresh(page_id)
            elif event.kind == "stopPullDownRefresh":
                self.stop_pull_down_refresh(page_id)
        except GestureError as exc:
            self.host.bus.publish(ConsoleMessage(level="warn",
                                                 text=f"swan.{event.kind}: {exc}"))
