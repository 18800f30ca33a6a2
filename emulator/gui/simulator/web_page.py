"""The page on screen, in a Qt WebEngine view that mirrors the core's node tree.

Python → page: ``swanMirror.reset(page)`` when another page comes on screen, and
``swanMirror.apply(patches)`` once per batch of renders (never a reload per ``setData``).
Page → Python: raw gestures over QWebChannel (``host.send(json)``), each a dict with a
``type`` (tap, longpress, touchstart/move/end, input, focus, blur, confirm, changing, value,
scroll, pagescroll, load, error, inspect, ready) and the ``node`` id it happened on; the
window hands them to the core (emulator/gui/simulator/gestures.py), which decides what runs.
"""

from __future__ import annotations

import atexit
import json
import logging
import secrets
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PyQt6 import sip
from PyQt6.QtCore import QFile, QIODevice, QObject, QUrl, pyqtSlot
from PyQt6.QtWebChannel import QWebChannel
from PyQt6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PyQt6.QtWebEngineWidgets import QWebEngineView
from PyQt6.QtWidgets import QWidget

from emulator.gui.simulator.scheme import ASSETS, Resolver, SwanSchemeHandler

log = logging.getLogger(__name__)
SHELL_URL = "swan://shell/index.html"
MAX_MESSAGE_CHARS = 1_000_000  # a gesture is small; anything bigger is not ours


def _qwebchannel_js() -> str:
    source = QFile(":/qtwebchannel/qwebchannel.js")
    if not source.open(QIODevice.OpenModeFlag.ReadOnly):
        return ""
    return bytes(source.readAll().data()).decode("utf-8")


MIRROR = ("base.js", "parts.js", "tree.js", "input.js")  # assets/, in load order
_NONCE = secrets.token_urlsafe(16)  # the only scripts the page may run carry it
# What the page may load: its own two scripts, inline styles, images and media from the
# package/sandbox (swan:) and the network; no fetch/XHR, frames, objects or forms — the
# app's markup and css end up in this page and must stay data.
CSP = ("default-src 'none'; "
       f"script-src 'nonce-{_NONCE}'; "
       "style-src 'unsafe-inline'; "
       "img-src swan: https: http: data: blob:; "
       "media-src swan: https: http: data: blob:; "
       "font-src swan: https: http: data:; "
       "base-uri swan:; form-action 'none'; frame-src 'none'")


def shell_html() -> bytes:
    """The mirror's page: default component styles, the page's css slot, the mirror, and a
    Content-Security-Policy (:data:`CSP`)."""
    css = (ASSETS / "components.css").read_text("utf-8")
    scripts = [_qwebchannel_js(), *((ASSETS / name).read_text("utf-8") for name in MIRROR)]
    return ("<!doctype html><html><head><meta charset='utf-8'>"
            f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            "<base id='base' href='swan://app/'>"
            f"<style id='components-css'>{css}</style><style id='page-css'></style></head>"
            "<body><pre id='page-error'></pre><swan-page id='page'></swan-page>"
            "<div id='swan-highlight'></div>"
            + "".join(f"<script nonce='{_NONCE}'>{js}</script>" for js in scripts)
            + "</body></html>").encode()


class _Channel(QObject):
    """The object the page's script calls (``host.send``)."""

    def __init__(self, receive: Callable[[dict[str, Any]], None]) -> None:
        super().__init__()
        self.receive = receive

    @pyqtSlot(str)
    def send(self, text: str) -> None:
        if len(text) > MAX_MESSAGE_CHARS:
            return
        try:
            message = json.loads(text)
        except ValueError:
            return
        if isinstance(message, dict):
            self.receive(message)


class _Page(QWebEnginePage):
    def javaScriptConsoleMessage(self, level: Any, message: str | None,
                                 line: int, source: str | None) -> None:
        # The mirror's own errors (the app's code never runs here): for us, not the console.
        log.warning("web view: %s (%s:%d)", message, source, line)

    def acceptNavigationRequest(self, url: QUrl, kind: Any, is_main_frame: bool) -> bool:
        # The page is the shell, always: a link or a form in the app's markup goes nowhere
        # (navigation is the app's swan.navigateTo, handled by the core).
        return url.toString() == SHELL_URL


def _profile() -> QWebEngineProfile:
    """The web views' one profile: Qt's default, off the record in Qt 6 (no cache or
    cookies on disk); it outlives every page that uses it (Qt requires that)."""
    profile = QWebEngineProfile.defaultProfile()
    assert profile is not None
    if profile.findChild(SwanSchemeHandler) is None:
        handler = SwanSchemeHandler(lambda _where, _path: None, shell_html, profile)
        profile.installUrlSchemeHandler(b"swan", handler)
    return profile


_views: weakref.WeakSet[PageWebView] = weakref.WeakSet()


@atexit.register
def _release_views() -> None:
    """Delete the web views (and the pages they own) before Python's shutdown lets Qt
    tear down the profile under a live page, which crashes the process at exit (a window
    closed but not yet deleted is enough)."""
    for view in list(_views):
        if not sip.isdeleted(view):
            sip.delete(view)


class PageWebView(QWebEngineView):
    """Shows one page at a time; calls ``on_gesture(message)`` for each user gesture."""

    def __init__(self, resolve: Resolver, on_gesture: Callable[[dict[str, Any]], None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        _views.add(self)
        self.on_gesture = on_gesture
        self.ready = False
        self._loaded = False  # the shell said ready at least once
        # Called when the page must be sent whole again (a reloaded shell, a patch that
        # did not apply); the mirror controller sets it.
        self.resync: Callable[[], None] | None = None
        self._pending: list[str] = []
        self.profile = _profile()
        self.scheme = self.profile.findChild(SwanSchemeHandler)
        assert self.scheme is not None
        self.scheme.resolve = resolve  # the newest view serves its app's files
        page = _Page(self.profile, self)
        self.setPage(page)
        self.channel = QWebChannel(page)
        self._bridge = _Channel(self._received)
        self.channel.registerObject("host", self._bridge)
        page.setWebChannel(self.channel)
        page.renderProcessTerminated.connect(self._restart)
        self.setUrl(QUrl(SHELL_URL))

    def _received(self, message: dict[str, Any]) -> None:
        kind = message.get("type")
        if kind == "ready":
            again = self._loaded
            self.ready = self._loaded = True
            for script in self._pending:
                self._run(script)
            self._pending.clear()
            if again and self.resync is not None:
                self.resync()  # the shell was loaded anew: it holds no page
            return
        if kind == "resync":
            log.warning("web view out of step (%s): the page is sent whole",
                        message.get("error"))
            if self.resync is not None:
                self.resync()
            return
        self.on_gesture(message)

    def _restart(self, *_args: Any) -> None:
        # Chromium's renderer died (or the shell reloads): scripts wait for the new one.
        self.ready = False
        self.setUrl(QUrl(SHELL_URL))

    def _run(self, script: str, callback: Callable[[Any], None] | None = None) -> None:
        page = self.page()
        if page is None:
            return
        if callback is None:
            page.runJavaScript(script)
        else:
            page.runJavaScript(script, 0, callback)

    def _call(self, function: str, *args: Any) -> None:
        script = f"swanMirror.{function}({', '.join(json.dumps(a) for a in args)})"
        if self.ready:
            self._run(script)
        elif function == "reset":
            self._pending = [script]  # a new page makes what was queued before moot
        else:
            self._pending.append(script)

    def show_page(self, page: dict[str, Any]) -> None:
        """Replace what is shown with ``page``: ``{root, children, css, error}``
        (emulator/view/mirror.py)."""
        self._call("reset", page)

    def apply(self, patches: list[dict[str, Any]]) -> None:
        """Apply one batch of patches (emulator/view/tree.py shapes)."""
        if patches:
            self._call("apply", patches)

    def highlight(self, node_id: int | None) -> None:
        """Outline a node (the Elements panel's selection); None clears it."""
        if node_id is None:
            self._call("unhighlight")
        else:
            self._call("highlight", node_id)

    def inspect(self, on: bool) -> None:
        """Click-to-inspect: clicks select nodes instead of tapping them."""
        self._call("inspect", on)

    def set_css(self, css: str) -> None:
        """Replace the page's sheet (the app's and its components' css)."""
        self._call("setCss", css)

    def scroll_to(self, top: float) -> None:
        """Scroll the page to ``top`` px (the app's ``pageScrollTo``)."""
        self._call("scrollTo", top)

    def evaluate(self, script: str, callback: Callable[[Any], None]) -> None:
        """Run ``script`` in the mirror's page; ``callback(result)`` (tests, the box model)."""
        self._run(script, callback)


def resolver_for(package_root: Callable[[], Path | None],
                 sandbox_file: Callable[[str], Path | None]) -> Resolver:
    """A :data:`Resolver` over the running app's package and sandbox (looked up per
    request: the app may change under a long-lived view)."""
    from emulator.gui.simulator.scheme import package_file

    def resolve(where: str, path: str) -> Path | None:
        if where == "app":
            root = package_root()
            return package_file(root, path) if root is not None else None
        if where == "file":
            return sandbox_file(path)
        return None

    return resolve
