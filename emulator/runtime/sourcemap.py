"""Virtual line numbers, so that JS stack traces name the app's files.

quickjs-ng's ``eval`` takes no file name: every frame reads ``<input>:LINE:COL``. Each
evaluated file is therefore given its own range of line numbers: its source is preceded by
enough newlines that its first line sits at the start of a range no other file uses
(newlines cost ~6 ms per million to parse). A stack frame's line then names one file, and
the line within it.
"""

from __future__ import annotations

import bisect
import re
from typing import NamedTuple

# Frames look like "    at fn (<input>:12:5)" or "    at <input>:12:5".
_FRAME = re.compile(r"<input>:(\d+)(?::(\d+))?")


class SourceLocation(NamedTuple):
    """A position in a named source file (1-based line and column)."""

    file: str
    line: int
    column: int | None = None

    def __str__(self) -> str:
        if self.column is None:
            return f"{self.file}:{self.line}"
        return f"{self.file}:{self.line}:{self.column}"


class _Range(NamedTuple):
    first: int  # virtual line of the file's line 1
    last: int
    file: str
    internal: bool


class SourceMap:
    """Hands out line ranges to evaluated files and maps virtual lines back."""

    def __init__(self) -> None:
        self._ranges: list[_Range] = []
        self._starts: list[int] = []
        self._sources: list[str] = []  # each range's source, for its lines' text
        self._by_file: dict[str, int] = {}  # file -> index of its (latest) range
        self._next = 1

    def place(self, file: str, source: str, *, header: str = "", footer: str = "",
              internal: bool = False) -> str:
        """Return the text to evaluate so that ``source`` line 1 maps to ``file`` line 1.

        ``header`` goes on the line before the source and ``footer`` on the line after it
        (both must be single lines); ``internal`` marks emulator code, which error reports
        skip when they look for the app frame at fault.
        """
        if "\n" in header or "\n" in footer:
            raise ValueError("header and footer must be single lines")
        lines = source.count("\n") + 1
        pad = self._next  # lines before the header line; header on pad+1
        first = pad + 2
        rng = _Range(first, first + lines - 1, file, internal)
        self._ranges.append(rng)
        self._starts.append(first)
        self._sources.append(source)
        self._by_file[file] = len(self._ranges) - 1
        self._next = rng.last + 2  # one spare line for the footer
        return "\n" * pad + header + "\n" + source + "\n" + footer

    def locate(self, virtual_line: int, column: int | None = None) -> SourceLocation | None:
        """Map a virtual line (and the engine's column) to the file and line it belongs to.

        The engine counts columns in UTF-8 bytes; they are turned into characters, so an
        editor lands on the right spot in a line with non-ASCII text.
        """
        loc = self._lookup(virtual_line)
        if loc is None:
            return None
        rng, line = loc
        if column is not None:
            text = self._line(virtual_line)
            if text is not None and not text.isascii():
                prefix = text.encode("utf-8")[:max(column - 1, 0)]
                column = len(prefix.decode("utf-8", errors="ignore")) + 1
        return SourceLocation(rng.file, line, column)

    def source_line(self, location: SourceLocation) -> str | None:
        """The text of a line of a placed file."""
        i = self._by_file.get(location.file)
        if i is None:
            return None
        return self._line(self._ranges[i].first + location.line - 1)

    def _line(self, virtual_line: int) -> str | None:
        i = bisect.bisect_right(self._starts, virtual_line) - 1
        if i < 0 or virtual_line > self._ranges[i].last:
            return None
        lines = self._sources[i].split("\n", virtual_line - self._ranges[i].first + 1)
        index = virtual_line - self._ranges[i].first
        return lines[index] if index < len(lines) else None

    def is_internal(self, virtual_line: int) -> bool:
        """Whether the virtual line belongs to emulator code rather than the app."""
        loc = self._lookup(virtual_line)
        return loc is not None and loc[0].internal

    def _lookup(self, virtual_line: int) -> tuple[_Range, int] | None:
        i = bisect.bisect_right(self._starts, virtual_line) - 1
        if i < 0:
            return None
        rng = self._ranges[i]
        if virtual_line > rng.last:
            return None
        return rng, virtual_line - rng.first + 1

    def rewrite(self, text: str) -> str:
        """Replace every ``<input>:L:C`` in a stack or message by ``file:line:col``."""

        def repl(m: re.Match[str]) -> str:
            col = int(m.group(2)) if m.group(2) else None
            loc = self.locate(int(m.group(1)), col)
            return str(loc) if loc else m.group(0)

        return _FRAME.sub(repl, text)

    def app_frame(self, text: str, *, app_only: bool = False) -> SourceLocation | None:
        """The first frame in ``text`` that belongs to the app (not emulator code).

        Without ``app_only``, falls back to the first emulator frame when no app frame is
        found.
        """
        fallback = None
        for m in _FRAME.finditer(text):
            line = int(m.group(1))
            loc = self.locate(line, int(m.group(2)) if m.group(2) else None)
            if loc is None:
                continue
            if not self.is_internal(line):
                return loc
            fallback = fallback or loc
        return None if app_only else fallback
