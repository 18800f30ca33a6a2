"""Rules of the architecture that a test can hold."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import emulator


def test_core_imports_no_qt() -> None:
    """Importing every core module (all but emulator.gui) loads neither Qt nor qasync."""
    core = [m.name for m in pkgutil.walk_packages(emulator.__path__, "emulator.")
            if not m.name.startswith("emulator.gui") and m.name != "emulator.__main__"]
    assert "emulator.runtime.bridge" in core and "emulator.app.host" in core
    code = ("import sys\n" + "".join(f"import {name}\n" for name in core) +
            "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PyQt6', 'qasync'))\n"
            "print(','.join(bad))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
