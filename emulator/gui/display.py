"""Whether Qt can open a window here (no Qt imported: headless code asks too)."""

from __future__ import annotations

import os
import sys


def display_available() -> bool:
    """Not Linux, a chosen Qt platform (``QT_QPA_PLATFORM``), X or Wayland; on Linux
    without any of them Qt would abort."""
    return (not sys.platform.startswith("linux") or bool(os.environ.get("QT_QPA_PLATFORM"))
            or bool(os.environ.get("DISPLAY")) or bool(os.environ.get("WAYLAND_DISPLAY")))
