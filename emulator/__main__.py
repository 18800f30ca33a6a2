"""``python -m emulator`` is the ``swan-emulator`` command."""

from emulator.cli import command

command()
