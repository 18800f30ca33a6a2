"""The error a gesture on a built-in component raises when it cannot happen."""

from __future__ import annotations

from emulator.errors import EmulatorError


class ControlError(EmulatorError, ValueError):
    """The node takes no such gesture (a value for a ``view``), or the value is not one
    the control can hold (a picker index past its range, ``"25:00"`` for a time)."""
