"""A streaming multipart/form-data reader for the demo backend's upload endpoint: fields
are kept, files are hashed as they stream by (never held whole in memory)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

_PARAM = re.compile(r';\s*([\w*-]+)="?([^";]*)"?')


@dataclass
class FilePart:
    """What was received for one file field."""

    field: str
    filename: str
    content_type: str
    size: int = 0
    sha256: Any = field(default_factory=hashlib.sha256)

    def summary(self) -> dict[str, Any]:
        return {"field": self.field, "filename": self.filename, "contentType": self.content_type,
                "size": self.size, "sha256": self.sha256.hexdigest()}


@dataclass
class Received:
    """Every part of a multipart body."""

    fields: dict[str, str] = field(default_factory=dict)
    files: list[FilePart] = field(default_factory=list)


def boundary_of(content_type: str | None) -> str | None:
    """The boundary parameter of a multipart/form-data content type."""
    if not content_type or "multipart/form-data" not in content_type.lower():
        return None
    for key, value in _PARAM.findall(content_type):
        if key.lower() == "boundary":
            return value
    return None


async def read_multipart(chunks: AsyncIterator[bytes], boundary: str,
                         max_field: int = 1 << 20) -> Received:
    """Parse the body as it streams."""
    delimiter = b"\r\n--" + boundary.encode()
    out = Received()
    buf = b"\r\n"  # lets the first delimiter match like the others
    part: FilePart | None = None
    value = bytearray()
    name = ""
    state = "preamble"  # preamble | after_delimiter | headers | body
    async for chunk in chunks:
        buf += chunk
        while True:
            if state == "after_delimiter":
                if len(buf) < 2:
                    break
                if buf.startswith(b"--"):
                    return out
                buf = buf[2:]  # the CRLF after the delimiter
                state = "headers"
            elif state == "headers":
                end = buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                headers = buf[:end].decode("utf-8", errors="replace").split("\r\n")
                buf = buf[end + 4:]
                disp = next((h for h in headers if h.lower().startswith("content-disposition")),
                            "")
                params = {k.lower(): v for k, v in _PARAM.findall(disp)}
                name = params.get("name", "")
                ctype = next((h.split(":", 1)[1].strip() for h in headers
                              if h.lower().startswith("content-type")), "")
                part = FilePart(name, params["filename"], ctype) if "filename" in params else None
                value = bytearray()
                state = "body"
            else:
                idx = buf.find(delimiter)
                if idx < 0:
                    # Keep a tail that might hold the start of a delimiter.
                    keep = len(delimiter)
                    if state == "body" and len(buf) > keep:
                        _consume(buf[:-keep], part, value, max_field)
                        buf = buf[-keep:]
                    break
                if state == "body":
                    _consume(buf[:idx], part, value, max_field)
                    if part is not None:
                        out.files.append(part)
                    else:
                        out.fields[name] = value.decode("utf-8", errors="replace")
                buf = buf[idx + len(delimiter):]
                state = "after_delimiter"
    return out


def _consume(data: bytes, part: FilePart | None, value: bytearray, max_field: int) -> None:
    if part is not None:
        part.size += len(data)
        part.sha256.update(data)
    elif len(value) < max_field:
        value.extend(data[: max_field - len(value)])
