"""``python -m emulator`` is the ``swan-emulator`` command."""

import sys

from emulator.cli import main

sys.exit(main())
