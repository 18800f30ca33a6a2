"""``swan.uploadFile`` and ``swan.downloadFile``: streamed from and to the sandbox, with
progress for the app (one callback per percent at most) and for observers (coalesced).

Caps as the bytes flow: a download's body (raw and decoded, each) stops at
``limits.downloadBytes`` (10 MB), and under the user folder also at the user space
(10 MB shared with saved files); an upload's file at ``limits.uploadBytes`` before a byte
is sent, and the server's answer to it at :data:`UPLOAD_RESPONSE_LIMIT`. Once its flow is
started, whatever a transfer raises ends that flow once and fails the call once.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import secrets
import time
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import httpx

from emulator.config import Limits
from emulator.flows.bus import EventBus
from emulator.flows.events import TransferProgress
from emulator.flows.flow import TransferFlow
from emulator.net import bodies
from emulator.net.bodies import RESPONSE_LIMIT, size_error
from emulator.net.client import Network, Outgoing
from emulator.net.errors import NetError, SizeLimitExceeded
from emulator.runtime.bridge import Runtime
from emulator.swan.calls import TaskCalls, app_error, guarded
from emulator.swan.files import (
    AppFile,
    AppFiles,
    FileAccessError,
    file_size,
    open_for_write,
    os_reason,
    partial_name,
)
from emulator.swan.request import request_headers

EVENT_INTERVAL = 0.05  # observers get at most ~20 progress events per second per transfer
UNKNOWN_LENGTH_INTERVAL = 0.1  # app callbacks while the size is unknown
MAX_CHUNK = 64 * 1024
MIN_CHUNK = 1024
# Download chunks are gathered into writes of this size (see Download.write).
WRITE_BYTES = 64 * 1024
_WRITEV = hasattr(os, "writev")  # not on Windows: one write per chunk there
# Choice: uploadFile's response (the server's answer to the upload) has request's cap.
UPLOAD_RESPONSE_LIMIT = RESPONSE_LIMIT
R_UPLOAD_RESPONSE = f"response body exceeds {UPLOAD_RESPONSE_LIMIT // (1024 * 1024)} MB"


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

    def _begin(self, api: str, call_id: int, flow: TransferFlow,
               work: Callable[[], Coroutine[Any, Any, dict[str, Any]]]) -> None:
        """Run a started transfer; however it ends, its flow ends once (the caller ends
        it if this raises)."""
        self._call_of_flow[flow.id] = call_id

        def ended(error: NetError) -> None:
            self._call_of_flow.pop(flow.id, None)
            self.network.end(flow, error)

        task = self._forget_after(flow, work)
        try:
            self.calls.start(api, call_id, task,
                             on_cancel=lambda: self.network.abort_unstarted(flow),
                             on_error=ended)
        except BaseException:
            task.close()
            self._call_of_flow.pop(flow.id, None)
            raise

    async def _forget_after(self, flow: TransferFlow,
                            work: Callable[[], Coroutine[Any, Any, dict[str, Any]]]
                            ) -> dict[str, Any]:
        try:
            return await work()
        finally:
            self._call_of_flow.pop(flow.id, None)

    # ---- upload ---------------------------------------------------------------------------
    def _on_upload(self, call_id: int, args: dict[str, Any]) -> None:
        source = self.files.existing_file(args.get("filePath"))
        form = dict(args.get("formData") or {})
        body = Multipart.build(form, str(args["name"]), source.host, source.host.name)
        headers = request_headers(args.get("header") or {}, self.app_key)
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        headers += [("Content-Type", body.content_type), ("Content-Length", str(body.length))]
        out = Outgoing(api="uploadFile", list_name="uploadFile", method="POST",
                       url=str(args["url"]), headers=headers, body=body.head,
                       timeout=self.timeouts_ms["uploadFile"] / 1000, transfer=True,
                       form=form)
        flow = self.network.start(out)
        try:
            assert isinstance(flow, TransferFlow)
            flow.file = source.virtual
            flow.bytes_expected = body.length
            if body.file_size > self.limits.upload_bytes:
                # Refused before a byte is sent.
                raise SizeLimitExceeded(f"file size exceeds limit ({_mb(body.file_size)} > "
                                        f"{_mb(self.limits.upload_bytes)})")
            progress = self._progress(call_id, flow, upload=True)
            out.stream = body.stream(progress)
            self._begin("uploadFile", call_id, flow,
                        lambda: self._upload(flow, out, progress))
        except BaseException as exc:  # the flow exists: it ends, whatever happened
            self.network.end(flow, app_error(exc, "uploadFile"))
            raise

    async def _upload(self, flow: TransferFlow, out: Outgoing,
                      progress: Progress) -> dict[str, Any]:
        async def read(final: Any, response: httpx.Response) -> dict[str, Any]:
            async with bodies.whole_body(response, UPLOAD_RESPONSE_LIMIT,
                                         size_error(R_UPLOAD_RESPONSE), self.network.buffers,
                                         final.response.body.append) as data:
                progress.finish()
                return {"statusCode": final.response.status,
                        "data": data.decode("utf-8", errors="replace")}

        _final, result = await self.network.run(flow, out, read)
        return result

    # ---- download -------------------------------------------------------------------------
    def _on_download(self, call_id: int, args: dict[str, Any]) -> None:
        target = None
        if args.get("filePath") is not None:
            target = self.files.writable(args["filePath"])
            if target.host.is_dir():
                raise FileAccessError(f"illegal operation on a directory {target.virtual!r}")
        headers = request_headers(args.get("header") or {}, self.app_key)
        out = Outgoing(api="downloadFile", list_name="downloadFile", method="GET",
                       url=str(args["url"]), headers=headers,
                       timeout=self.timeouts_ms["downloadFile"] / 1000, transfer=True,
                       max_body=self.limits.download_bytes)
        flow = self.network.start(out)
        try:
            assert isinstance(flow, TransferFlow)
            progress = self._progress(call_id, flow, upload=False)
            download = Download(self.files, target, self.limits.download_bytes,
                                str(args["url"]))
            self._begin("downloadFile", call_id, flow,
                        lambda: self._download(flow, out, progress, download))
        except BaseException as exc:  # the flow exists: it ends, whatever happened
            self.network.end(flow, app_error(exc, "downloadFile"))
            raise

    async def _download(self, flow: TransferFlow, out: Outgoing, progress: Progress,
                        download: Download) -> dict[str, Any]:
        async def save(final: Any, response: httpx.Response) -> dict[str, Any]:
            length = response.headers.get("content-length")
            encoded = bool(bodies.codings(response)) and \
                bodies.codings(response) != ["identity"]
            expected = int(length) if length and length.isdigit() and not encoded else 0
            dest = download.open(response, expected)
            final.file = dest.virtual
            progress.update(0, expected)
            written = 0
            async for chunk in bodies.read_body(response, download.limit, download.too_large):
                written += len(chunk)
                download.write(chunk)
                final.response.body.append(chunk)
                progress.update(written, expected)
            download.commit()
            progress.finish()
            key = "filePath" if download.target is not None else "tempFilePath"
            return {key: dest.virtual, "statusCode": final.response.status}

        try:
            _final, result = await self.network.run(flow, out, save)
        finally:
            download.discard()  # failed, aborted or timed out: no half file is left
        return result


class Download:
    """Where a download goes, step by step: :meth:`open` a partial file next to the
    destination, :meth:`write` each chunk (counted against the user space when the
    destination is under the user folder), :meth:`commit` it into place, or
    :meth:`discard` it. File errors come out as NetError naming the virtual path only."""

    def __init__(self, files: AppFiles, target: AppFile | None, limit: int, url: str) -> None:
        self.files = files
        self.target = target
        self.limit = limit
        self.url = url
        self.dest: AppFile | None = None
        self._part: Path | None = None
        self._fd: int | None = None
        self._pending: list[bytes] = []  # written, not yet on disk (see write)
        self._pending_bytes = 0
        self._written = 0
        self._old = 0  # bytes of the file being replaced (freed when this one lands)
        self._held = 0  # user space reserved so far

    def too_large(self, what: str) -> NetError:
        """The error for a body over the limit (``what`` as :func:`bodies.read_body`)."""
        if what == "declared":
            return SizeLimitExceeded(f"file size exceeds limit (more than {_mb(self.limit)})")
        return SizeLimitExceeded(f"file size exceeds limit (more than {_mb(self.limit)} "
                                 "received)")

    def open(self, response: httpx.Response, expected: int) -> AppFile:
        """Pick the destination and open its partial file."""
        if expected > self.limit:
            raise SizeLimitExceeded(f"file size exceeds limit ({_mb(expected)} > "
                                    f"{_mb(self.limit)})")
        try:
            if self.target is not None:
                dest = self.target
                dest.host.parent.mkdir(parents=True, exist_ok=True)
                self.files.resolve(dest.virtual)  # folders made: still inside the sandbox
                if dest.host.is_dir():
                    raise FileAccessError(f"illegal operation on a directory {dest.virtual!r}")
                self._old = file_size(dest.host)
                self._grow(expected)
            else:
                dest = self.files.new_temp(_suffix(self.url,
                                                   response.headers.get("content-type")))
            self.dest = dest
            # A name of our own, short whatever the destination's length (NAME_MAX).
            self._part = dest.host.parent / partial_name(secrets.token_hex(8))
            self._fd = open_for_write(self._part)
        except (FileAccessError, OSError) as exc:
            raise self._error(exc) from None
        return dest

    def write(self, chunk: bytes) -> None:
        """Write one chunk to the partial file (gathered into one writev per WRITE_BYTES: a
        TLS connection delivers 16 KiB records; 64 KiB measured best of 0/64/128/512 KiB
        on a 1 GiB download, 512 KiB stalling the reads behind long writes)."""
        assert self._fd is not None
        try:
            self._grow(self._written + len(chunk))
        except FileAccessError as exc:
            raise self._error(exc) from None
        self._pending.append(chunk)
        self._pending_bytes += len(chunk)
        self._written += len(chunk)
        if self._pending_bytes >= WRITE_BYTES:
            self._flush()

    def _flush(self) -> None:
        assert self._fd is not None
        pending, self._pending, self._pending_bytes = self._pending, [], 0
        try:
            # One system call for the gathered chunks (POSIX writev); a short write goes
            # on from where it stopped.
            written = os.writev(self._fd, pending) if pending and _WRITEV else 0
            for chunk in pending:
                if written >= len(chunk):
                    written -= len(chunk)
                    continue
                view = memoryview(chunk)[written:]
                written = 0
                while view:
                    view = view[os.write(self._fd, view):]
        except OSError as exc:
            raise self._error(exc) from None

    def commit(self) -> None:
        """Move the complete file into place; the mirror hears of it."""
        assert self._fd is not None and self._part is not None and self.dest is not None
        self._flush()
        try:
            os.close(self._fd)
            self._fd = None
            os.replace(self._part, self.dest.host)
        except OSError as exc:
            raise self._error(exc) from None
        self._part = None
        if self.target is not None:
            self.files.space.release(self._held)
            self._held = 0
            self.files.space.changed(self._written - self._old)
        self.files.changed(self.dest.virtual)

    def discard(self) -> None:
        """Remove what a download that did not complete left (nothing after a commit)."""
        self._pending, self._pending_bytes = [], 0
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        if self._part is not None:
            with contextlib.suppress(OSError):
                self._part.unlink(missing_ok=True)
            self._part = None
        if self._held:
            self.files.space.release(self._held)
            self._held = 0

    def _grow(self, total: int) -> None:
        """Reserve user space for ``total`` bytes of the destination (less what the file
        it replaces frees); StorageFull when they do not fit."""
        if self.target is None:
            return
        want = max(0, total - self._old)
        if want > self._held:
            self.files.space.reserve(want - self._held)
            self._held = want

    def _error(self, exc: FileAccessError | OSError) -> NetError:
        if isinstance(exc, FileAccessError):
            error = NetError(exc.reason)
            error.code = exc.code
            return error
        where = self.dest.virtual if self.dest is not None else (
            self.target.virtual if self.target is not None else "")
        return NetError(f"{os_reason(exc)} {where!r}" if where else os_reason(exc))


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
