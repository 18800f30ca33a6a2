"""The emulator's own exceptions.

Library and engine exceptions are translated into these at one boundary each, so that
neither the CLI, the GUI nor the mini-program ever sees a raw traceback::

    EmulatorError
    ├── ConfigError        bad settings file or command-line value
    ├── PackageError       a broken mini-program folder (missing/invalid file, named)
    │   └── TemplateError  a .swan template that cannot be parsed or compiled (file:line:col)
    └── ScriptError        an error raised by the app's JavaScript (file:line when known)
        ├── ScriptTimeout  a script ran past the time limit and was interrupted
        └── ScriptMemoryError  the context hit its memory limit or stack limit
"""

from __future__ import annotations

from collections.abc import Iterable


class EmulatorError(Exception):
    """Base class of every error the emulator reports to a user."""


class ConfigError(EmulatorError):
    """A settings file or command-line value is invalid."""


class PackageError(EmulatorError):
    """The mini-program folder is broken; the message names the file at fault."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(f"{path}: {message}" if path else message)
        self.path = path
        self.reason = message


class TemplateError(PackageError):
    """A ``.swan`` template is broken; ``path`` is ``file:line:col``."""


class ScriptError(EmulatorError):
    """An exception thrown by JavaScript, mapped back to the app's own files.

    ``file``/``line``/``column`` point at the innermost stack frame that belongs to the app
    (not to the emulator's prelude), when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        column: int | None = None,
        stack: str = "",
        raw: str = "",
    ) -> None:
        super().__init__(message)
        self.raw = raw  # the engine's own text, positions unmapped
        self.message = message
        self.file = file
        self.line = line
        self.column = column
        self.stack = stack

    @property
    def location(self) -> str | None:
        """``file:line:column`` of the app frame at fault, or None."""
        if self.file is None:
            return None
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        where = self.location
        return f"{where}: {self.message}" if where else self.message


class ScriptTimeout(ScriptError):
    """A script ran longer than the per-entry time limit and was interrupted."""


class ScriptMemoryError(ScriptError):
    """The script exhausted the context's memory limit or its stack."""


def did_you_mean(word: str, choices: Iterable[str], *, cutoff: float = 0.6,
                 shown: str = "{}") -> str:
    """`` (did you mean "x"?)`` for the closest of ``choices`` to a misspelt ``word`` (a
    settings key, a step, a profile), or "" when none is close; ``shown`` formats the
    guess (``"faker.{}"``). Any case matches first ("3G" for "3g")."""
    import difflib  # only a misspelling gets here; every start imports this module

    names = list(choices)
    same = [n for n in names if n.lower() == word.lower()]
    close = same or difflib.get_close_matches(word, names, n=1, cutoff=cutoff)
    return f' (did you mean "{shown.format(close[0])}"?)' if close else ""
