"""``swan.uploadFile`` and ``swan.downloadFile``: streamed from and to the sandbox, with
progress for the app (one callback per percent at most) and for observers (coalesced)."""

from __future__ import annotations

import mimetypes
import os
import secrets
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx

from emulator.config import Limits
from emulator.flows.bus import EventBus
from emulator.flows.events import TransferProgress
from emulator.flows.flow import TransferFlow
from emulator.net.client import Network, Outgoing
from emulator.net.errors import ERR_FAILED, SizeLimitExceeded
from emulator.runtime.bridge import Runtime
from emulator.swan.calls import TaskCalls, guarded
from emulator.swan.files import AppFiles, FileAccessError, open_for_write
from emulator.swan.request import request_headers

EVENT_INTERVAL = 0.05  # observers get at most ~20 progress events per second per transfer
UNKNOWN_LENGTH_INTERVAL = 0.1  # app callbacks while the size is unknown
MAX_CHUNK = 64 * 1024
MIN_CHUNK = 1024


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB"


class Progress:
    """Byte counts -> the app's onProgressUpdate (at most one per percent) and
    TransferProgress events for observers (at most one per EVENT_INTERVAL)."""

    def __init__(self, runtime: Runtime, bus: EventBus, call_id: int, flow: TransferFlow,
                 sent_key: str, expected_key: str) -> None:
        self.runtime = runtime
        self.bus = bus
        self.call_id = call_id
        self.flow = flow
        self.sent_key = sent_key
        self.expected_key = expected_key
        self._percent = -1
        self._last_app = 0.0
        self._last_event = 0.0

    def update(self, done: int, expected: int) -> None:
        """Record progress; tell the app and observers when it is worth it."""
        self.flow.bytes_done = done
        self.flow.bytes_expected = expected
        now = time.monotonic()
        if expected > 0:
            percent = min(100, done * 100 // expected)
            if percent > self._percent:
                self._percent = percent
                self._tell_app(percent, done, expected)
        elif now - self._last_app >= UNKNOWN_LENGTH_INTERVAL:
            self._last_app = now
            self._tell_app(0, done, 0)
        if now - self._last_event >= EVENT_INTERVAL:
            self._last_event = now
            self.bus.publish(TransferProgress(flow=self.flow))

    def finish(self) -> None:
        """The transfer completed: 100% (with the real total when it was unknown)."""
        done = self.flow.bytes_done
        if self.flow.bytes_expected <= 0:
            self.flow.bytes_expected = done
        if self._percent < 100:
            self._percent = 100
            self._tell_app(100, done, self.flow.bytes_expected)
        self.bus.publish(TransferProgress(flow=self.flow))

    def _tell_app(self, percent: int, done: int, expected: int) -> None:
        self.runtime.enter("progress", {"id": self.call_id, "res": {
            "progress": percent, self.sent_key: done, self.expected_key: expected}})


@dataclass
class Multipart:
    """A multipart/form-data body streamed from a file, with its exact length known."""

    boundary: str
    head: bytes
    path: Path
    file_size: int
    tail: bytes

    @classmethod
    def build(cls, fields: dict[str, str], name: str, path: Path, filename: str) -> Multipart:
        boundary = f"----SwanEmulatorBoundary{secrets.token_hex(12)}"
        head = bytearray()
        for key, value in fields.items():
            head += (f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(key)}"'
                     f"\r\n\r\n").encode() + value.encode() + b"\r\n"
        ctype = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        head += (f'--{boundary}\r\nContent-Disposition: form-data; name="{_quote(name)}"; '
                 f'filename="{_quote(filename)}"\r\nContent-Type: {ctype}\r\n\r\n').encode()
        return cls(boundary, bytes(head), path, path.stat().st_size,
                   f"\r\n--{boundary}--\r\n".encode())

    @property
    def length(self) -> int:
        """Total body bytes."""
        return len(self.head) + self.file_size + len(self.tail)

    @property
    def content_type(self) -> str:
        return f"multipart/form-data; boundary={self.boundary}"

    async def stream(self, progress: Progress) -> AsyncIterator[bytes]:
        """The body, read from disk in chunks small enough for one event per percent."""
        total = self.length
        chunk = max(MIN_CHUNK, min(MAX_CHUNK, total // 100))
        sent = len(self.head)
        progress.update(0, total)
        yield self.head
        progress.update(sent, total)
        with self.path.open("rb") as f:
            while True:
                data = f.read(chunk)
                if not data:
                    break
                yield data
                sent += len(data)
                progress.update(sent, total)
        yield self.tail
        progress.update(sent + len(self.tail), total)


def _quote(value: str) -> str:
    # WHATWG multipart encoding of names: quote, CR and LF are percent-encoded.
    return value.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")


class TransferService:
    """Handles uploadFile/downloadFile (and their aborts) for one app."""

    def __init__(self, runtime: Runtime, network: Network, files: AppFiles, *,
                 limits: Limits, timeouts_ms: dict[str, int], app_key: str | None) -> None:
        self.runtime = runtime
        self.network = network
        self.files = files
        self.limits = limits
        self.timeouts_ms = timeouts_ms
        self.app_key = app_key
        self.calls = TaskCalls(runtime)
        self._call_of_flow: dict[int, int] = {}
        runtime.register("uploadFile", guarded(runtime, "uploadFile", self._on_upload))
        runtime.register("downloadFile", guarded(runtime, "downloadFile", self._on_download))
        runtime.register("uploadFile.abort", lambda call_id, _a: self.calls.cancel(call_id))
        runtime.register("downloadFile.abort", lambda call_id, _a: self.calls.cancel(call_id))

    def abort(self, flow_id: int) -> bool:
        """Abort a running transfer as the app's ``abort()`` would (the app gets its fail).
        False when it is not running."""
        call_id = self._call_of_flow.pop(flow_id, None)
        if call_id is None or not self.calls.running(call_id):
            return False
        self.calls.cancel(call_id)
        return True

    def _progress(self, call_id: int, flow: TransferFlow, upload: bool) -> Progress:
        if upload:
            return Progress(self.runtime, self.network.bus, call_id, flow,
                            "totalBytesSent", "totalBytesExpectedToSend")
        return Progress(self.runtime, self.network.bus, call_id, flow,
                        "totalBytesWritten", "totalBytesExpectedToWrite")

    def _refuse(self, api: str, call_id: int, exc: FileAccessError) -> None:
        self.runtime.settle(call_id, False, {"errCode": exc.code,
                                             "errMsg": f"{api}:fail {exc.reason}"})

    # ---- upload ---------------------------------------------------------------------------
    def _on_upload(self, call_id: int, args: dict[str, Any]) -> None:
        try:
            source = self.files.existing_file(args.get("filePath"))
        except FileAccessError as exc:
            self._refuse("uploadFile", call_id, exc)
            return
        body = Multipart.build(dict(args.get("formData") or {}), str(args["name"]),
                               source.host, source.host.name)
        headers = request_headers(args.get("header") or {}, self.app_key)
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers += [("Content-Type", body.content_type), ("Content-Length", str(body.length))]
        out = Outgoing(api="uploadFile", list_name="uploadFile", method="POST",
                       url=str(args["url"]), headers=headers, body=body.head,
                       timeout=self.timeouts_ms["uploadFile"] / 1000, transfer=True)
        flow = self.network.start(out)
        assert isinstance(flow, TransferFlow)
        flow.file = source.virtual
        flow.bytes_expected = body.length
        if body.file_size > self.limits.upload_bytes:
            # Refused before a byte is sent.
            self.network.reject(flow, SizeLimitExceeded(
                f"file size exceeds limit ({_mb(body.file_size)} > "
                f"{_mb(self.limits.upload_bytes)})"))
            self.runtime.settle(call_id, False, {
                "errCode": ERR_FAILED, "errMsg": f"uploadFile:fail {flow.error_message}"})
            return
        progress = self._progress(call_id, flow, upload=True)
        out.stream = body.stream(progress)
        self._call_of_flow[flow.id] = call_id
        self.calls.start("uploadFile", call_id, self._upload(flow, out, progress),
                         on_cancel=lambda: self.network.abort_unstarted(flow))

    async def _upload(self, flow: TransferFlow, out: Outgoing,
                      progress: Progress) -> dict[str, Any]:
        async def read(final: Any, response: httpx.Response) -> bytes:
            data = bytearray()
            async for chunk in response.aiter_bytes():
                final.response.body.append(chunk)
                data += chunk
            return bytes(data)

        final, data = await self.network.run(flow, out, read)
        progress.finish()
        assert final.response is not None
        return {"statusCode": final.response.status,
                "data": data.decode("utf-8", errors="replace")}

    # ---- download -------------------------------------------------------------------------
    def _on_download(self, call_id: int, args: dict[str, Any]) -> None:
        target = None
        try:
            if args.get("filePath") is not None:
                target = self.files.writable(args["filePath"])
        except FileAccessError as exc:
            self._refuse("downloadFile", call_id, exc)
            return
        headers = request_headers(args.get("header") or {}, self.app_key)
        out = Outgoing(api="downloadFile", list_name="downloadFile", method="GET",
                       url=str(args["url"]), headers=headers,
                       timeout=self.timeouts_ms["downloadFile"] / 1000, transfer=True)
        flow = self.network.start(out)
        assert isinstance(flow, TransferFlow)
        progress = self._progress(call_id, flow, upload=False)
        self._call_of_flow[flow.id] = call_id
        self.calls.start("downloadFile", call_id,
                         self._download(flow, out, progress, target, str(args["url"])),
                         on_cancel=lambda: self.network.abort_unstarted(flow))

    async def _download(self, flow: TransferFlow, out: Outgoing, progress: Progress,
                        target: Any, url: str) -> dict[str, Any]:
        limit = self.limits.download_bytes
        partial: list[Path] = []

        async def save(final: Any, response: httpx.Response) -> str:
            length = response.headers.get("content-length")
            encoded = response.headers.get("content-encoding", "identity") != "identity"
            expected = int(length) if length and length.isdigit() and not encoded else 0
            if expected > limit:
                raise SizeLimitExceeded(f"file size exceeds limit ({_mb(expected)} > {_mb(limit)})")
            if target is not None:
                dest = target
                dest.host.parent.mkdir(parents=True, exist_ok=True)
                self.files.resolve(dest.virtual)  # folders made: still inside the sandbox
            else:
                dest = self.files.new_temp(_suffix(url, response.headers.get("content-type")))
            final.file = dest.virtual
            part = dest.host.with_name(f".{dest.host.name}.part-{secrets.token_hex(4)}")
            partial.append(part)
            fd = open_for_write(part)
            written = 0
            progress.update(0, expected)
            try:
                async for chunk in response.aiter_bytes():
                    written += len(chunk)
                    if written > limit:
                        raise SizeLimitExceeded(
                            f"file size exceeds limit (more than {_mb(limit)} received)")
                    os.write(fd, chunk)
                    final.response.body.append(chunk)
                    progress.update(written, expected)
            finally:
                os.close(fd)
            os.replace(part, dest.host)
            partial.clear()
            self.files.changed(dest.virtual)
            return dest.virtual

        try:
            final, virtual = await self.network.run(flow, out, save)
        finally:
            for part in partial:  # failed, aborted or timed out: no half file is left
                part.unlink(missing_ok=True)
        progress.finish()
        assert final.response is not None
        key = "filePath" if target is not None else "tempFilePath"
        return {key: virtual, "statusCode": final.response.status}


def _suffix(url: str, content_type: str | None) -> str:
    """An extension for a temp file: from the URL path, else from the content type. The
    server's Content-Disposition never decides it (nor the host path)."""
    ext = PurePosixPath(urlsplit(url).path).suffix
    if ext and len(ext) <= 8 and ext[1:].isalnum():
        return ext.lower()
    if content_type:
        guessed = mimetypes.guess_extension(content_type.split(";")[0].strip())
        if guessed:
            return guessed
    return ""
