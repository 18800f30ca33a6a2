"""``swan.getSystemInfo*`` values and the emulated network type."""

from __future__ import annotations

import platform
from typing import Any

from emulator.app.package import AppPackage
from emulator.config import NETWORK_TYPES, Settings

SCREEN_WIDTH = 375
SCREEN_HEIGHT = 667
STATUS_BAR_HEIGHT = 20
NAVIGATION_BAR_HEIGHT = 44


def system_info(package: AppPackage, settings: Settings) -> dict[str, Any]:
    """The emulated device: an iPhone-6-sized phone in the Baidu app, like the devtools."""
    window_height = SCREEN_HEIGHT - STATUS_BAR_HEIGHT - NAVIGATION_BAR_HEIGHT
    return {
        "brand": "devtools",
        "model": "iPhone 6",
        "pixelRatio": 2,
        "devicePixelRatio": 2,
        "screenWidth": SCREEN_WIDTH,
        "screenHeight": SCREEN_HEIGHT,
        "windowWidth": SCREEN_WIDTH,
        "windowHeight": window_height,
        "statusBarHeight": STATUS_BAR_HEIGHT,
        "navigationBarHeight": NAVIGATION_BAR_HEIGHT,
        "language": "zh_CN",
        "version": "13.0.0",
        "system": "iOS 14.0",
        "platform": "devtools",
        "fontSizeSetting": 16,
        "SDKVersion": settings.base_version,
        "swanNativeVersion": settings.base_version,
        "host": "baiduboxapp",
        "host_os": platform.system(),
        "cacheLocation": {},
        "appName": package.name,
    }


def network_status(network_type: str) -> dict[str, Any]:
    """The payload of ``onNetworkStatusChange`` for a network type."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r}")
    return {"isConnected": network_type != "none", "networkType": network_type}
