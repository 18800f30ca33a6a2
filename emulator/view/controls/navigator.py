"""``navigator``: a tap runs the navigation API its ``open-type`` names.

[component/nav_navigator.md] (shared/spec/view-layer.md §4): open-type navigate (default)
| redirect | switchTab | navigateBack | reLaunch | exit, with ``url`` and ``delta``
(navigateBack, default 1). [framework/app_service_routestyle.md] writes
``navigateTo``/``redirectTo``: **Choice**: both spellings work. The API runs as the app's
own call would (relative urls from the page on screen, its lifecycle hooks, its failures
reported the same way). ``exit`` and ``target="miniProgram"`` (leave this app) have
nothing to go to in the emulator and do nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from emulator.view.controls.props import number, text
from emulator.view.tree import ViewNode

if TYPE_CHECKING:
    from emulator.view.driver import PageDriver

APIS = {"navigate": "navigateTo", "navigateTo": "navigateTo",
        "redirect": "redirectTo", "redirectTo": "redirectTo",
        "switchTab": "switchTab", "reLaunch": "reLaunch", "navigateBack": "navigateBack"}


def api_of(node: ViewNode) -> str | None:
    """The swan API a tap on this navigator calls (None: it goes nowhere)."""
    if text(node, "target", "self") == "miniProgram":
        return None
    return APIS.get(text(node, "open-type", "navigate"))


def follow(driver: PageDriver, node: ViewNode) -> str | None:
    """Run the navigator's API; returns its name (None when it goes nowhere)."""
    api = api_of(node)
    if api is None:
        return None
    delta = int(number(node, "delta", 1))
    driver.host.navigate(api, text(node, "url"), delta)
    return api
