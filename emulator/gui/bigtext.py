"""Big text from the app, cut to what the window can lay out at once.

Whatever the app or a server sends (a console line, a setData value, a body, a header, a
frame) may be megabytes. Qt lays a paragraph out as a whole, and wrapping a line that has
no place to break (a hash, a token, ``'x'.repeat(n)``) is quadratic in its length: 300 KB
took seconds, 1 MB more than a minute. So the window hands Qt only previews of the sizes
below, and rows of at most :data:`ROW_CHARS`; the whole text is shown on demand by the
viewer (:mod:`emulator.gui.viewer`), which fills itself a slice at a time.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

CONSOLE_CHARS = 8 * 1024  # of one console message
CONSOLE_LINES = 40  # of one console message (a deep stack, pretty-printed JSON)
DETAIL_CHARS = 32 * 1024  # of a details pane (headers, a body as text, a frame)
HEX_PREVIEW_BYTES = 4 * 1024  # dumped in hex in a details pane (256 rows)
CELL_CHARS = 300  # of a table cell or a tree value (one line; the cell shows less)
KEY_CHARS = 120  # of a key in a JSON tree
ROW_CHARS = 1000  # longest row given to a text widget; longer lines are broken into rows
SLICE_CHARS = 256 * 1024  # read from a big text per step of the viewer

# Characters QTextCursor.insertText turns into a paragraph break (or a frame): shown as
# line ends or U+FFFD, so that rows and paragraphs stay one to one.
_DISPLAY = str.maketrans({"\r": "\n", "\u2029": "\n", "\ufdd0": "\ufffd", "\ufdd1": "\ufffd"})


@dataclass(frozen=True)
class Preview:
    """The start of a text, as shown, and the size of all of it."""

    text: str
    total: int  # characters in the whole text

    @property
    def cut(self) -> bool:
        """Whether only part of the text is shown."""
        return len(self.text) < self.total

    @property
    def more(self) -> str:
        """What is not shown, in words (empty when nothing is cut)."""
        rest = self.total - len(self.text)
        return f"… {rest:,} more characters ({self.total:,} in all)" if rest > 0 else ""


def preview(text: str, chars: int, lines: int | None = None) -> Preview:
    """The first ``chars`` characters of ``text`` and, if ``lines`` is given, no more than
    that many lines of them."""
    head = text[:chars]
    if lines is not None:
        end = -1
        for _ in range(lines):
            end = head.find("\n", end + 1)
            if end < 0:
                break
        else:
            head = head[:end]
    return Preview(head, len(text))


def cell(text: str, chars: int = CELL_CHARS) -> str:
    """``text`` as one line for a table cell: line ends shown as ⏎, cut after ``chars``
    characters with the full size said (a cell shows a few hundred at most)."""
    if len(text) <= chars:
        return text.replace("\r\n", "⏎").replace("\n", "⏎").replace("\r", "⏎")
    return cell(text[:chars], chars) + f"… ({len(text):,} characters)"


def for_display(text: str) -> str:
    """``text`` with only ``\\n`` as line end, so one line is one text block."""
    return text.replace("\r\n", "\n").translate(_DISPLAY)


def slices(text: str, size: int = SLICE_CHARS) -> Iterator[str]:
    """``text`` in pieces of ``size`` characters."""
    for start in range(0, len(text), size):
        yield text[start:start + size]


def gathered(chunks: Iterable[str], size: int = SLICE_CHARS) -> Iterator[str]:
    """Small chunks (a JSON encoder yields one per token) joined into pieces of about
    ``size`` characters."""
    buf: list[str] = []
    held = 0
    for chunk in chunks:
        buf.append(chunk)
        held += len(chunk)
        if held >= size:
            yield "".join(buf)
            buf, held = [], 0
    if buf:
        yield "".join(buf)


class RowBreaker:
    """Breaks lines longer than ``width`` into rows as a text streams through, and keeps
    the numbers of the rows whose end it added (a copy takes those ends out again)."""

    def __init__(self, width: int = ROW_CHARS) -> None:
        self.width = width
        self.col = 0  # characters on the current row
        self.rows = 0  # row ends emitted so far
        self.soft: set[int] = set()  # rows that end where the text has no line end
        self._cr = False  # the last chunk ended in "\r" (its "\n" may start the next)

    def feed(self, chunk: str) -> str:
        """The next piece of the text, as rows."""
        if self._cr and chunk.startswith("\n"):
            chunk = chunk[1:]
        self._cr = chunk.endswith("\r")
        parts = for_display(chunk).split("\n")
        width = self.width
        if self.col + len(parts[0]) <= width and max(map(len, parts)) <= width:
            # The usual case, kept out of the per-row loop below.
            self.rows += len(parts) - 1
            self.col = len(parts[-1]) + (self.col if len(parts) == 1 else 0)
            return "\n".join(parts)
        out: list[str] = []
        for i, part in enumerate(parts):
            if i:
                out.append("\n")
                self.rows += 1
                self.col = 0
            while self.col + len(part) > width:
                take = width - self.col
                out += (part[:take], "\n")
                self.soft.add(self.rows)
                self.rows += 1
                self.col = 0
                part = part[take:]
            out.append(part)
            self.col += len(part)
        return "".join(out)


def hexdump(data: bytes, limit: int = 64 * 1024) -> str:
    """A classic hex dump of the first ``limit`` bytes."""
    text = "".join(hexdump_rows(data[:limit])).rstrip("\n")
    if len(data) > limit:
        text += f"\n… {len(data) - limit} more bytes"
    return text


def hexdump_rows(data: bytes, rows_per_piece: int = 2048) -> Iterator[str]:
    """A hex dump of all of ``data``, produced a piece at a time (a viewer pulls it)."""
    step = 16 * rows_per_piece
    for base in range(0, len(data), step):
        rows = []
        for off in range(base, min(len(data), base + step), 16):
            chunk = data[off:off + 16]
            hexes = " ".join(f"{b:02x}" for b in chunk)
            text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
            rows.append(f"{off:08x}  {hexes:<48}  {text}\n")
        yield "".join(rows)


def decoded_head(data: bytes, chars: int) -> str:
    """The first ``chars`` characters of UTF-8 ``data``: only their bytes are decoded (a
    frame or a body may be megabytes)."""
    return data[:chars * 4].decode("utf-8", errors="replace")[:chars]
