"""What automation raises."""

from __future__ import annotations

from emulator.errors import EmulatorError


class AutomationError(EmulatorError):
    """Something a test asked of the app could not be done (no such node, no page…)."""


class WaitTimeout(AutomationError, AssertionError):
    """A wait ran out: the message says what was awaited and what was seen instead. An
    AssertionError too, so pytest reports it as a failed expectation."""


class AppErrors(AutomationError, AssertionError):
    """The app threw uncaught errors during a test that did not allow them."""
