"""``swan.saveFile``, ``getSavedFileList``, ``removeSavedFile``, ``getFileInfo`` and the file
system manager, inside the app's sandbox (paths checked by :class:`AppFiles`).

Every write is checked against the user space (:class:`~emulator.swan.files.UserSpace`,
10 MB for the user folder and saved files) before it is made. Whatever an operation
raises, the call gets exactly one answer: a FileAccessError its reason, an OSError its
errno's words with the virtual path (never a host path), anything else ``execution
failed`` (traceback in the emulator's log).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from emulator.flows.bus import EventBus
from emulator.flows.events import ConsoleMessage
from emulator.net.errors import ERR_ARGS
from emulator.runtime.bridge import Runtime, unwire_bytes, wire_bytes
from emulator.swan.calls import app_error, guarded
from emulator.swan.files import (
    USER_DATA_PATH,
    AppFile,
    AppFiles,
    Area,
    FileAccessError,
    file_size,
    open_for_write,
)

log = logging.getLogger(__name__)

MAX_READ = 64 * 1024 * 1024
MIRROR_FILE = 1024 * 1024  # files up to this size are readable synchronously
MIRROR_TOTAL = 32 * 1024 * 1024
# Node-style encodings the platform accepts, by Python codec.
ENCODINGS = {"utf8": "utf-8", "utf-8": "utf-8", "ascii": "ascii", "latin1": "latin-1",
             "binary": "latin-1", "ucs2": "utf-16-le", "ucs-2": "utf-16-le",
             "utf16le": "utf-16-le", "utf-16le": "utf-16-le", "base64": "base64",
             "hex": "hex"}


def _js(value: object) -> str:
    """A value quoted as the JS side quotes it in errMsg (JSON.stringify)."""
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        return json.dumps(str(value), ensure_ascii=False)


def _codec(encoding: object, default: str | None) -> str | None:
    """The Python codec of an encoding option (None: none given and no default); any
    other type or an unknown name is the app's bad argument (904)."""
    if encoding is None:
        encoding = default
        if encoding is None:
            return None
    codec = ENCODINGS.get(encoding.lower()) if isinstance(encoding, str) else None
    if codec is None:
        raise FileAccessError(f"parameter error: unknown encoding {_js(encoding)}", ERR_ARGS)
    return codec


def _decode(data: bytes, encoding: object) -> Any:
    codec = _codec(encoding, None)
    if codec is None:
        return wire_bytes(data)
    if codec == "base64":
        return base64.b64encode(data).decode("ascii")
    if codec == "hex":
        return data.hex()
    return data.decode(codec, errors="replace")


def _encode(data: Any, encoding: object) -> bytes:
    raw = unwire_bytes(data)
    if raw is not None:
        return raw
    if not isinstance(data, str):
        raise FileAccessError("parameter error: data must be a string or an ArrayBuffer", ERR_ARGS)
    codec = _codec(encoding or None, "utf8")
    try:
        if codec == "base64":
            return base64.b64decode(data, validate=False)
        if codec == "hex":
            return bytes.fromhex(data)
        return data.encode(codec)
    except ValueError as exc:
        raise FileAccessError(f"parameter error: data is not valid {encoding}: {exc}",
                              ERR_ARGS) from None


def _stats(path: Path) -> dict[str, Any]:
    st = path.stat()
    return {"mode": st.st_mode, "size": st.st_size, "lastAccessedTime": int(st.st_atime),
            "lastModifiedTime": int(st.st_mtime), "isDirectory": path.is_dir(),
            "isFile": path.is_file()}


def _parent(virtual: str) -> str | None:
    """The folder above a user-folder path, up to ``bdfile://usr`` itself; None elsewhere."""
    v = virtual.rstrip("/")
    if not v.startswith(USER_DATA_PATH + "/"):
        return None
    return v.rsplit("/", 1)[0]


def _whole(value: object, name: str, default: int) -> int:
    """A whole-number option (position, length); 904 for anything else."""
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
        raise FileAccessError(f"parameter error: {name} must be a whole number, not "
                              f"{_js(value)}", ERR_ARGS)
    return int(value)


class FileService:
    """Handles the file messages of one app."""

    def __init__(self, runtime: Runtime, files: AppFiles, bus: EventBus) -> None:
        self.runtime = runtime
        self.files = files
        ops: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "saveFile": self.save_file,
            "getSavedFileList": self.saved_file_list,
            "removeSavedFile": self.remove_saved_file,
            "getFileInfo": self.file_info,
        }
        for op, fn in ops.items():
            runtime.register(op, guarded(runtime, op, self._handler(op, fn)))
        runtime.register("fs", guarded(runtime, "fs", self._on_fs,
                                       name=lambda a: str((a or {}).get("method", "fs"))))
        runtime.register("fs.sync", guarded(runtime, "fs.sync", self._on_sync_write))
        files.on_change(self.push)
        self._bus = bus

    # ---- the JS-side mirror (for the synchronous APIs) -----------------------------------
    def snapshot(self) -> list[dict[str, Any]]:
        """Every file and folder of the app, for the mirror at start."""
        entries: list[dict[str, Any]] = []
        budget = [MIRROR_TOTAL]
        for area in Area:
            root = self.files.root(area)
            if area is Area.USR:
                entries.append(self._entry(self.files.virtual(area, root), root, budget))
            for path in sorted(root.rglob("*")):
                if not path.is_symlink() and not path.name.startswith("."):
                    entries.append(self._entry(self.files.virtual(area, path), path, budget))
        return entries

    def _entry(self, virtual: str, path: Path, budget: list[int]) -> dict[str, Any]:
        st = path.stat()
        entry: dict[str, Any] = {"path": virtual, "dir": path.is_dir(), "size": st.st_size,
                                 "mtime": int(st.st_mtime), "mode": st.st_mode}
        if path.is_file() and st.st_size <= MIRROR_FILE and st.st_size <= budget[0]:
            data = path.read_bytes()
            budget[0] -= len(data)
            entry["data"] = base64.b64encode(data).decode("ascii")
            entry["size"] = len(data)
        return entry

    def _state(self, virtual: str, entries: list[dict[str, Any]], removed: list[str],
               budget: list[int]) -> AppFile | None:
        """Add what the host has at ``virtual`` (or that it has nothing there)."""
        try:
            f = self.files.resolve(virtual)
            if f.host.is_symlink() or not f.host.exists():
                removed.append(f.virtual)
                return None
            entries.append(self._entry(f.virtual, f.host, budget))
            return f
        except (FileAccessError, OSError):
            # Not a path the host can have: the mirror must not have it either.
            removed.append(virtual)
            return None

    def push(self, virtual: tuple[str, ...]) -> None:
        """Send the current state of changed paths (with their folders, up to the user
        folder, and what is inside them) to the mirror: after this, the mirror has
        exactly what the host has there, whatever the JS side had assumed."""
        entries: list[dict[str, Any]] = []
        removed: list[str] = []
        budget = [MIRROR_TOTAL]
        seen: set[str] = set()
        for v in virtual:
            if not isinstance(v, str) or v in seen:
                continue
            seen.add(v)
            f = self._state(v, entries, removed, budget)
            if f is not None and f.host.is_dir():
                try:
                    for path in sorted(f.host.rglob("*")):
                        if not path.is_symlink():
                            entries.append(self._entry(self.files.virtual(f.area, path), path,
                                                       budget))
                except OSError:
                    log.warning("cannot list %s for the mirror", f.virtual)
            # The folders above it (the JS side may have made them for a sync write).
            parent = _parent(v)
            while parent is not None and parent not in seen:
                seen.add(parent)
                self._state(parent, entries, removed, budget)
                parent = _parent(parent)
        self.runtime.enter("fsSync", {"set": entries, "remove": removed})

    def _on_sync_write(self, _id: int, args: dict[str, Any]) -> None:
        # The JS side already answered the app (a sync call cannot wait); if the host
        # refuses, the mirror is put right and the console says why.
        method = str(args.get("method"))
        fn = getattr(self, f"fs_{method}", None)
        try:
            if fn is None:
                raise FileAccessError(f"{method} is not supported")
            fn(args)
        except Exception as exc:
            reason = app_error(exc, f"{method}Sync").reason
            paths = [str(args[k]) for k in ("filePath", "dirPath", "destPath", "newPath",
                                            "oldPath") if isinstance(args.get(k), str)]
            self.push(tuple(paths))
            self._bus.publish(ConsoleMessage(level="error", text=(
                f"{method}Sync: the host could not complete it: {reason}")))

    def _handler(self, api: str, fn: Callable[[dict[str, Any]], dict[str, Any]]
                 ) -> Callable[[int, Any], None]:
        def handle(call_id: int, args: Any) -> None:
            self._answer(api, call_id, lambda: fn(args or {}))
        return handle

    def _answer(self, api: str, call_id: int, fn: Callable[[], dict[str, Any]]) -> None:
        try:
            result = fn()
        except Exception as exc:
            error = app_error(exc, api).detached()  # no cycle through the traceback
            self.runtime.settle(call_id, False, {"errCode": error.code,
                                                 "errMsg": f"{api}:fail {error.reason}"})
        else:
            self.runtime.settle(call_id, True, result)

    def _on_fs(self, call_id: int, args: dict[str, Any]) -> None:
        method = str(args.get("method"))
        fn = getattr(self, f"fs_{method}", None)
        if fn is None:
            self.runtime.settle(call_id, False, {
                "errCode": 1001, "errMsg": f"{method}:fail not supported by the emulator"})
            return
        self._answer(method, call_id, lambda: fn(args))

    # ---- saved files --------------------------------------------------------------------
    def save_file(self, args: dict[str, Any]) -> dict[str, Any]:
        """Move a temp file into the saved files; its temp path stops working."""
        src = self.files.existing_file(args.get("tempFilePath"))
        if src.area is not Area.TMP:
            raise FileAccessError(f"not a temp file {src.virtual!r}")
        name = "store_" + src.host.name.removeprefix("tmp_")
        dest = self.files.root(Area.STORE) / name
        saved = self.files.virtual(Area.STORE, dest)
        self._move(src, AppFile(saved, Area.STORE, dest))
        return {"savedFilePath": saved}

    def _move(self, src: AppFile, dest: AppFile) -> None:
        """Move a file into the user space (counted against it), replacing ``dest``."""
        if dest.host.is_dir():
            raise FileAccessError(f"illegal operation on a directory {dest.virtual!r}")
        size = file_size(src.host)
        old = file_size(dest.host)
        grow = (0 if self.files.counted(src) else size) - old
        self.files.space.check(grow)
        import shutil  # on first use: see remove_tree in app/temp_runs.py

        try:
            shutil.move(src.host, dest.host)
        except OSError:
            self.files.space.recount()
            raise
        self.files.space.changed(grow)
        self.files.changed(src.virtual, dest.virtual)

    def saved_file_list(self, _args: dict[str, Any]) -> dict[str, Any]:
        """Every saved file with its size and creation time (seconds)."""
        store = self.files.root(Area.STORE)
        entries = sorted((p for p in store.iterdir() if p.is_file()),
                         key=lambda p: p.stat().st_mtime)
        return {"fileList": [{"filePath": self.files.virtual(Area.STORE, p),
                              "size": p.stat().st_size, "createTime": int(p.stat().st_mtime)}
                             for p in entries]}

    def remove_saved_file(self, args: dict[str, Any]) -> dict[str, Any]:
        """Delete a saved file."""
        f = self.files.existing_file(args.get("filePath"))
        if f.area is not Area.STORE:
            raise FileAccessError(f"not a saved file {f.virtual!r}")
        size = file_size(f.host)
        f.host.unlink()
        self.files.space.changed(-size)
        self.files.changed(f.virtual)
        return {}

    def file_info(self, args: dict[str, Any]) -> dict[str, Any]:
        """Size and digest (md5 by default, or sha1) of a file."""
        f = self.files.existing_file(args.get("filePath"))
        algorithm = str(args.get("digestAlgorithm") or "md5").lower()
        if algorithm not in ("md5", "sha1"):
            raise FileAccessError("parameter error: digestAlgorithm must be md5 or sha1",
                                  ERR_ARGS)
        digest = hashlib.new(algorithm)
        with f.host.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
        st = f.host.stat()
        return {"size": st.st_size, "digest": digest.hexdigest(), "createTime": int(st.st_mtime)}

    # ---- the file system manager ---------------------------------------------------------
    def fs_access(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.resolve(args.get("path"))
        if not f.host.exists():
            raise FileAccessError(f"no such file or directory {f.virtual!r}")
        return {}

    def fs_readFile(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.existing_file(args.get("filePath"))
        size = f.host.stat().st_size
        position = _whole(args.get("position"), "position", 0)
        length = _whole(args.get("length"), "length", size - position)
        if position < 0 or length < 0 or position + length > size:
            raise FileAccessError("parameter error: position/length out of range", ERR_ARGS)
        if length > MAX_READ:
            raise FileAccessError(f"file too large to read at once ({length} bytes)")
        with f.host.open("rb") as fh:
            fh.seek(position)
            data = fh.read(length)
        return {"data": _decode(data, args.get("encoding"))}

    def _write(self, args: dict[str, Any], append: bool) -> dict[str, Any]:
        f = self.files.writable(args.get("filePath"))
        data = _encode(args.get("data", ""), args.get("encoding"))
        if not f.host.parent.is_dir():
            raise FileAccessError(f"no such file or directory, open {f.virtual!r}")
        if f.host.is_dir():
            raise FileAccessError(f"illegal operation on a directory, open {f.virtual!r}")
        grow = len(data) if append else len(data) - file_size(f.host)
        self.files.space.check(grow)
        try:
            fd = open_for_write(f.host, append=append)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view):]
            finally:
                os.close(fd)
        except OSError:
            self.files.space.recount()
            raise
        self.files.space.changed(grow)
        self.files.changed(f.virtual)
        return {}

    def fs_writeFile(self, args: dict[str, Any]) -> dict[str, Any]:
        return self._write(args, append=False)

    def fs_appendFile(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.existing_file(args.get("filePath"))
        return self._write({**args, "filePath": f.virtual}, append=True)

    def fs_copyFile(self, args: dict[str, Any]) -> dict[str, Any]:
        src = self.files.existing_file(args.get("srcPath"))
        dest = self.files.writable(args.get("destPath"))
        if dest.host.is_dir():
            raise FileAccessError(f"illegal operation on a directory {dest.virtual!r}")
        if dest.host == src.host:
            return {}
        grow = file_size(src.host) - file_size(dest.host)
        self.files.space.check(grow)
        import shutil  # on first use: see remove_tree in app/temp_runs.py

        try:
            shutil.copyfile(src.host, dest.host, follow_symlinks=False)
        except OSError:
            self.files.space.recount()
            raise
        self.files.space.changed(grow)
        self.files.changed(dest.virtual)
        return {}

    def fs_rename(self, args: dict[str, Any]) -> dict[str, Any]:
        src = self.files.writable(args.get("oldPath"))
        dest = self.files.writable(args.get("newPath"))
        if not src.host.exists():
            raise FileAccessError(f"no such file or directory {src.virtual!r}")
        replaced = file_size(dest.host)
        try:
            os.replace(src.host, dest.host)
        except OSError:
            self.files.space.recount()
            raise
        self.files.space.changed(-replaced)
        self.files.changed(src.virtual, dest.virtual)
        return {}

    def fs_mkdir(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.writable(args.get("dirPath"))
        if f.host.exists():
            raise FileAccessError(f"file already exists {f.virtual!r}")
        f.host.mkdir(parents=bool(args.get("recursive")))
        self.files.changed(f.virtual)
        return {}

    def fs_readdir(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.resolve(args.get("dirPath"))
        if not f.host.is_dir():
            raise FileAccessError(f"no such directory {f.virtual!r}")
        return {"files": sorted(p.name for p in f.host.iterdir()
                                if not p.name.startswith(".") or f.area is not Area.USR)}

    def fs_rmdir(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.writable(args.get("dirPath"))
        if not f.host.is_dir():
            raise FileAccessError(f"no such directory {f.virtual!r}")
        import shutil  # on first use: see remove_tree in app/temp_runs.py

        try:
            if args.get("recursive"):
                shutil.rmtree(f.host)
            else:
                f.host.rmdir()
        finally:
            self.files.space.recount()
        self.files.changed(f.virtual)
        return {}

    def fs_unlink(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.writable(args.get("filePath"))
        if f.host.is_dir():
            raise FileAccessError(f"operation not permitted, unlink a directory {f.virtual!r}")
        if not f.host.exists() and not f.host.is_symlink():
            raise FileAccessError(f"no such file or directory {f.virtual!r}")
        size = file_size(f.host)
        f.host.unlink()
        self.files.space.changed(-size)
        self.files.changed(f.virtual)
        return {}

    def fs_stat(self, args: dict[str, Any]) -> dict[str, Any]:
        f = self.files.resolve(args.get("path"))
        if not f.host.exists():
            raise FileAccessError(f"no such file or directory {f.virtual!r}")
        if args.get("recursive") and f.host.is_dir():
            out = [{"path": "/", "stats": _stats(f.host)}]
            for p in sorted(f.host.rglob("*")):
                if not p.is_symlink():
                    out.append({"path": "/" + p.relative_to(f.host).as_posix(),
                                "stats": _stats(p)})
            return {"stats": out}
        return {"stats": _stats(f.host)}

    def fs_getFileInfo(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.file_info(args)

    def fs_saveFile(self, args: dict[str, Any]) -> dict[str, Any]:
        if args.get("filePath"):
            src = self.files.existing_file(args.get("tempFilePath"))
            dest = self.files.writable(args["filePath"])
            self._move(src, dest)
            return {"savedFilePath": dest.virtual}
        return self.save_file(args)

    def fs_removeSavedFile(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.remove_saved_file(args)

    def fs_getSavedFileList(self, args: dict[str, Any]) -> dict[str, Any]:
        return self.saved_file_list(args)
