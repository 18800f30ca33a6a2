"""``swan.getSystemInfo*`` values and the emulated network type."""

from __future__ import annotations

import os
import sys
from typing import Any

from emulator.app.package import AppPackage
from emulator.config import NETWORK_TYPES, Settings
from emulator.swan.devices import DEVICES, NAVIGATION_BAR_HEIGHT

# What platform.system() says, without importing platform (~2 ms of a start).
_HOST_OS = os.uname().sysname if hasattr(os, "uname") else \
    {"win32": "Windows", "cygwin": "Windows"}.get(sys.platform, sys.platform)


def system_info(package: AppPackage, settings: Settings) -> dict[str, Any]:
    """The emulated device (``settings.device``, emulator/swan/devices.py) in the Baidu
    app, like the devtools: sizes in px; ``windowHeight`` is the screen less the status
    and navigation bars; ``safeArea`` leaves out the status bar and the home indicator."""
    device = DEVICES[settings.device]
    window_height = device.height - device.status_bar - NAVIGATION_BAR_HEIGHT
    return {
        "brand": device.brand,
        "model": device.name,
        "pixelRatio": device.pixel_ratio,
        "devicePixelRatio": device.pixel_ratio,
        "screenWidth": device.width,
        "screenHeight": device.height,
        "windowWidth": device.width,
        "windowHeight": window_height,
        "statusBarHeight": device.status_bar,
        "navigationBarHeight": NAVIGATION_BAR_HEIGHT,
        "safeArea": {"left": 0, "right": device.width, "top": device.status_bar,
                     "bottom": device.height - device.safe_bottom, "width": device.width,
                     "height": device.height - device.status_bar - device.safe_bottom},
        "language": "zh_CN",
        "version": "13.0.0",
        "system": device.system,
        "platform": device.platform,
        "fontSizeSetting": 16,
        "SDKVersion": settings.base_version,
        "swanNativeVersion": settings.base_version,
        "host": "baiduboxapp",
        "host_os": _HOST_OS,
        "cacheLocation": {},
        "appName": package.name,
    }


def network_status(network_type: str) -> dict[str, Any]:
    """The payload of ``onNetworkStatusChange`` for a network type."""
    if network_type not in NETWORK_TYPES:
        raise ValueError(f"unknown network type {network_type!r}")
    return {"isConnected": network_type != "none", "networkType": network_type}
