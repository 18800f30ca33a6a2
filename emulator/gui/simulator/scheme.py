"""``swan://`` for the web view: the mirror's own page, the app's package files, and the
files of the app's sandbox — nothing else on the disk.

- ``swan://shell/index.html``: the page the mirror runs in (assets/ next to this file).
- ``swan://app/<path>``: a file of the mini-program package (images the templates name).
- ``swan://file/<name>``: a sandbox file, as the app names it ``bdfile://<name>`` (a
  downloaded or chosen image), resolved by the sandbox's own rules.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path

from PyQt6.QtCore import QBuffer, QByteArray, QFile, QIODevice, QObject
from PyQt6.QtWebEngineCore import QWebEngineUrlRequestJob, QWebEngineUrlSchemeHandler

MAX_FILE_BYTES = 64 * 1024 * 1024  # an image bigger than this is not shown (the app runs on)
ASSETS = Path(__file__).with_name("assets")

#: (host part, path part) -> the file to serve, or None (404)
Resolver = Callable[[str, str], Path | None]


class SwanSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``swan://`` requests from the web view with files the resolver allows."""

    def __init__(self, resolve: Resolver, shell: Callable[[], bytes],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.resolve = resolve
        self.shell = shell

    def requestStarted(self, job: QWebEngineUrlRequestJob | None) -> None:
        if job is None:
            return
        url = job.requestUrl()
        where, path = url.host(), url.path().lstrip("/")
        if where == "shell":
            self._reply(job, self.shell(), "text/html")
            return
        try:
            found = self.resolve(where, path)
        except Exception:  # a resolver error is a missing image, not a broken window
            found = None
        if found is None or not found.is_file() or found.stat().st_size > MAX_FILE_BYTES:
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        mime = mimetypes.guess_type(found.name)[0] or "application/octet-stream"
        # Streamed from the file by Chromium's reads, not copied into memory here.
        source = QFile(str(found), job)  # owned by the job: closed when it is done
        if not source.open(QIODevice.OpenModeFlag.ReadOnly):
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        job.reply(mime.encode(), source)

    @staticmethod
    def _reply(job: QWebEngineUrlRequestJob, data: bytes, mime: str) -> None:
        buffer = QBuffer(job)  # owned by the job: freed when the request is done
        buffer.setData(QByteArray(data))
        buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        job.reply(mime.encode(), buffer)


def package_file(root: Path, path: str) -> Path | None:
    """A file inside the package ``root`` (no ``..`` or link escapes), or None."""
    base = root.resolve()
    try:
        found = (base / path).resolve()
    except (OSError, RuntimeError):
        return None
    return found if found.is_relative_to(base) else None
