"""Qt WebEngine, if it can start here: set up before the QApplication exists.

Chromium wants three things settled before Qt's application object is made: the
QtWebEngineWidgets module imported, the custom URL schemes registered, and the sandbox
choice made. Importing this module does all three; :data:`UNAVAILABLE` then says why the
web view cannot be used (None when it can), and the window falls back to the page's data.
"""

from __future__ import annotations

import os

SCHEME = b"swan"  # swan://app/<package path>, swan://file/<bdfile path>, swan://shell/...


def _prepare() -> str | None:
    # Chromium's sandbox refuses to run as root (CI, containers): only then is it turned
    # off, for this process's web views only.
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    flags = os.environ.get("QTWEBENGINE_CHROMIUM_FLAGS", "").split()
    if os.environ.get("QT_QPA_PLATFORM") == "offscreen" and "--disable-gpu" not in flags:
        # No GPU to share with offscreen: software compositing, and no GL warnings per view.
        flags.append("--disable-gpu")
    if not any(f.startswith("--log-level") for f in flags):
        # Chromium's own log (no D-Bus in a container, GPU info…) is not the app's output.
        flags.append("--log-level=3")
    os.environ["QTWEBENGINE_CHROMIUM_FLAGS"] = " ".join(flags)
    try:
        from PyQt6 import QtWebChannel, QtWebEngineCore, QtWebEngineWidgets  # noqa: F401
    except ImportError as exc:  # not installed, or its system libraries are missing
        return f"Qt WebEngine cannot start ({exc}); showing the page's data instead"
    from PyQt6.QtCore import QCoreApplication
    from PyQt6.QtWebEngineCore import QWebEngineUrlScheme

    if QCoreApplication.instance() is not None:
        return ("Qt WebEngine was loaded after the application started; showing the page's "
                "data instead")
    scheme = QWebEngineUrlScheme(SCHEME)
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # Not LocalAccessAllowed: the page must never read file:// (the app's markup and css
    # end up in it); everything it loads comes through the scheme's own handler.
    scheme.setFlags(QWebEngineUrlScheme.Flag.SecureScheme
                    | QWebEngineUrlScheme.Flag.CorsEnabled)
    QWebEngineUrlScheme.registerScheme(scheme)
    return None


UNAVAILABLE: str | None = (
    "Qt WebEngine is off (SWAN_EMULATOR_NO_WEBENGINE is set); showing the page's data instead"
    if os.environ.get("SWAN_EMULATOR_NO_WEBENGINE") else _prepare())
