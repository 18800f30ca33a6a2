"""The phones the emulator can pretend to be: what ``getSystemInfo`` reports, how wide the
simulator's page is (750rpx), and the bottom inset of the safe area.

Sizes are CSS px (the platform's "logical" px), as the devtools' device list gives them;
``statusBarHeight`` and the 34 px home-indicator inset of notched iPhones follow
[framework/view_css.md] (the ``swan-security-*`` classes) and the devtools' presets.
"""

from __future__ import annotations

from typing import NamedTuple

NAVIGATION_BAR_HEIGHT = 44  # px, the default navigation bar [api/show/navigationbar]


class Device(NamedTuple):
    """One emulated phone."""

    name: str
    width: int  # px
    height: int  # px
    pixel_ratio: float
    status_bar: int  # px
    safe_bottom: int  # px of the home-indicator inset (0: none)
    system: str  # as getSystemInfo's "system"
    brand: str = "devtools"

    @property
    def platform(self) -> str:
        """``ios`` or ``android``, from the system."""
        return "ios" if self.system.startswith("iOS") else "android"


DEVICES: dict[str, Device] = {d.name: d for d in (
    Device("iPhone 6", 375, 667, 2, 20, 0, "iOS 14.0"),
    Device("iPhone 6 Plus", 414, 736, 3, 20, 0, "iOS 14.0"),
    Device("iPhone X", 375, 812, 3, 44, 34, "iOS 14.0"),
    Device("iPhone 12 Pro Max", 428, 926, 3, 47, 34, "iOS 14.0"),
    Device("Galaxy S5", 360, 640, 3, 24, 0, "Android 10", "samsung"),
    Device("Pixel 5", 393, 851, 2.75, 24, 0, "Android 11", "google"),
)}
DEFAULT_DEVICE = "iPhone 6"
