"""The QuickJS context: limits, evaluation with file names, and error translation.

This is the only module that touches ``quickjs`` directly. Every exception the engine
raises leaves here as a :class:`~emulator.errors.ScriptError` whose message and stack
name the app's files.
"""

from __future__ import annotations

import re
import time
from typing import Any

# The engine's C extension itself: the `quickjs` module around it starts a thread pool at
# import for its Function helper (~1.5 ms of a cold start), which the engine does not use.
import _quickjs as quickjs

from emulator.errors import ScriptError, ScriptMemoryError, ScriptTimeout
from emulator.runtime.callee import callee_at
from emulator.runtime.sourcemap import SourceLocation, SourceMap

DEFAULT_TIME_LIMIT = 5.0
DEFAULT_MEMORY_LIMIT = 256 * 1024 * 1024
_STACK_SIZE = 1024 * 1024


class Engine:
    """One QuickJS context, always under a time limit and a memory limit.

    Not thread-safe (neither is QuickJS): use it from the thread that created it.
    """

    def __init__(self, *, time_limit: float = DEFAULT_TIME_LIMIT,
                 memory_limit: int = DEFAULT_MEMORY_LIMIT) -> None:
        if time_limit <= 0:
            raise ValueError("time_limit must be positive")
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self.sources = SourceMap()
        self._ctx = quickjs.Context()
        self._ctx.set_memory_limit(memory_limit)
        self._ctx.set_max_stack_size(_STACK_SIZE)
        # The limit stays on for the context's whole life; it restarts at each entry.
        self._ctx.set_time_limit(time_limit)
        self._current_limit = time_limit

    def eval_file(self, file: str, source: str, *, header: str = "", footer: str = "",
                  internal: bool = False) -> Any:
        """Evaluate ``source`` as file ``file``; errors name that file and line."""
        if "\x00" in source:
            # The engine cannot take a NUL in source text; say where it is.
            line = source.count("\n", 0, source.index("\x00")) + 1
            raise ScriptError("SyntaxError: NUL character in source", file=file, line=line)
        text = self.sources.place(file, source, header=header, footer=footer, internal=internal)
        try:
            return self._guarded(self._ctx.eval, text)
        except ScriptError as exc:
            # Top-level frames sometimes carry no position; the file is still known.
            if exc.file is None:
                exc.file = file
            raise

    def eval(self, source: str, *, file: str = "<eval>") -> Any:
        """Evaluate a snippet (console input, tests) under its own file name."""
        return self.eval_file(file, source)

    def call(self, fn: quickjs.Object, *args: Any) -> Any:
        """Call a JS function with plain arguments (str, int, float, bool, None)."""
        return self._guarded(fn, *args)

    def pump_jobs(self, *, until: float | None = None,
                  max_jobs: int | None = None) -> tuple[int, list[ScriptError], bool]:
        """Run pending promise jobs until none is left, ``until`` (time.monotonic()) has
        passed or ``max_jobs`` ran; return how many ran, the errors that escaped
        (interrupts), and whether jobs may be left."""
        errors: list[ScriptError] = []
        ran = 0
        while True:
            if (max_jobs is not None and ran >= max_jobs) or \
                    (until is not None and ran % 64 == 0 and ran and time.monotonic() >= until):
                return ran, errors, True
            try:
                if not self._guarded(self._ctx.execute_pending_job):
                    return ran, errors, False
            except ScriptError as exc:
                errors.append(exc)
            ran += 1

    def limit_next(self, seconds: float | None) -> None:
        """Cap the CPU time of the coming entries at ``seconds`` (a wall-clock deadline
        drawing near); None restores the script time limit."""
        limit = self.time_limit if seconds is None else max(min(seconds, self.time_limit), 0.001)
        if limit != self._current_limit:
            self._current_limit = limit
            self._ctx.set_time_limit(limit)

    def gc(self) -> None:
        """Run the garbage collector."""
        self._ctx.gc()

    def _guarded(self, fn: Any, *args: Any) -> Any:
        try:
            return fn(*args)
        except quickjs.StackOverflow as exc:
            raise self.translate(str(exc), ScriptMemoryError) from None
        except quickjs.JSException as exc:
            raise self.translate(str(exc)) from None

    def translate(self, raw: str, kind: type[ScriptError] | None = None) -> ScriptError:
        """Turn an engine error text (message + stack) into a ScriptError."""
        message, _, stack = raw.partition("\n")
        if stack.strip() == "undefined":  # a thrown non-Error value has no stack
            stack = ""
        if kind is None:
            if message.startswith("InternalError: interrupted"):
                kind = ScriptTimeout
            elif message.startswith("InternalError: out of memory"):
                kind = ScriptMemoryError
            else:
                kind = ScriptError
        # A syntax error or a re-thrown load error carries its position in the message.
        where = (self.sources.app_frame(message, app_only=True)
                 or self.sources.app_frame(stack))
        message = self.sources.rewrite(message)
        if where is not None:
            message = message.replace(f" (at {where})", "")
            if message == "TypeError: not a function" and where.column is not None:
                line = self.sources.source_line(where)
                callee = callee_at(line, where.column) if line else None
                if callee:
                    message = f"TypeError: {callee} is not a function"
            if kind is ScriptTimeout:
                where = self._loop_after(where)
        if kind is ScriptTimeout and self._current_limit < self.time_limit:
            message = "script was interrupted: the run's time is up (--timeout)"
        elif kind is ScriptTimeout:
            message = (f"script ran longer than {self.time_limit:g} s and was interrupted "
                       "(time limit)")
        elif kind is ScriptMemoryError and "stack" in message.lower():
            message = "RangeError: Maximum call stack size exceeded"
        elif kind is ScriptMemoryError:
            message = (f"out of memory: the script exceeded the "
                       f"{self.memory_limit // (1024 * 1024)} MiB memory limit")
        return kind(
            message,
            file=where.file if where else None,
            line=where.line if where else None,
            column=where.column if where else None,
            stack=_app_frames(self.sources.rewrite(stack.rstrip())),
            raw=raw,
        )

    def _loop_after(self, where: SourceLocation) -> SourceLocation:
        """Where an interrupted script really was: the engine records positions at calls,
        so a tight loop after a call is reported at the call. The first loop from there
        on (within a few lines) is the likelier place."""
        for offset in range(_LOOP_LOOKAHEAD):
            at = SourceLocation(where.file, where.line + offset)
            text = self.sources.source_line(at)
            if text is None:
                break
            start = (where.column or 1) - 1 if offset == 0 else 0
            m = _LOOP.search(text, start)
            if m is None and offset == 0:
                m = _LOOP.search(text)  # the loop may start before the reported column
            if m is not None:
                return SourceLocation(where.file, at.line, m.start() + 1)
        return where


_LOOP = re.compile(r"\b(?:while|for|do)\b\s*[({]")
_LOOP_LOOKAHEAD = 30


def _app_frames(stack: str) -> str:
    """The stack without the emulator's own frames and native ones: they say nothing
    about the app's code (the raw text keeps them)."""
    lines = [line for line in stack.splitlines()
             if "<emulator>/" not in line and not line.strip().endswith("(native)")]
    return "\n".join(lines)
