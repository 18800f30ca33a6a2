"""Cold start of `swan-emulator run sample_apps/hello`, against raw baselines.

Prints wall time of the whole command against a bare `python -c "import quickjs"` run,
and, in process, the time from nothing to a launched app against creating a raw QuickJS
context and evaluating the same JS sources. Usage: python benchmarks/bench_startup.py [N]

The command runs with the environment's bytecode setting. With PYTHONDONTWRITEBYTECODE set,
every emulator module is compiled again on every start (~70 ms here), so a second line
gives the command with a bytecode cache (a fresh PYTHONPYCACHEPREFIX, filled by one run
first), as an installed emulator starts.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import quickjs

from emulator.app.host import AppHost
from emulator.app.package import load_package
from emulator.config import Settings
from emulator.flows.bus import EventBus

REPO = Path(__file__).resolve().parents[1]
HELLO = REPO / "sample_apps" / "hello"


def timed(fn: object, n: int) -> float:
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        fn()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    env = dict(os.environ, SWAN_EMULATOR_HOME=tempfile.mkdtemp())
    raw_cmd = timed(lambda: subprocess.run([sys.executable, "-c", "import quickjs"],
                                           check=True, env=env), n)
    command = [sys.executable, "-m", "emulator", "run", str(HELLO)]
    cli = timed(lambda: subprocess.run(command, check=True, env=env, capture_output=True), n)
    print(f"command: swan-emulator run hello {cli * 1000:.0f} ms, "
          f"python -c 'import quickjs' {raw_cmd * 1000:.0f} ms, ratio {cli / raw_cmd:.2f}")
    if env.get("PYTHONDONTWRITEBYTECODE"):
        cached_env = dict(env, PYTHONPYCACHEPREFIX=tempfile.mkdtemp())
        del cached_env["PYTHONDONTWRITEBYTECODE"]
        subprocess.run(command, check=True, env=cached_env, capture_output=True)
        cached = timed(lambda: subprocess.run(command, check=True, env=cached_env,
                                              capture_output=True), n)
        print(f"  with a bytecode cache (PYTHONDONTWRITEBYTECODE is set here): "
              f"{cached * 1000:.0f} ms, ratio {cached / raw_cmd:.2f}")

    sources = [p.read_text(encoding="utf-8") for p in sorted(HELLO.rglob("*.js"))]

    def raw() -> None:
        ctx = quickjs.Context()
        for src in sources:
            ctx.eval(f"(function(){{ {src}\n}})")

    async def launch() -> None:
        host = AppHost(load_package(HELLO), Settings(data_dir=Path(env["SWAN_EMULATOR_HOME"])),
                       EventBus())
        await host.start()
        await host.close()

    in_raw = timed(raw, n * 5)
    in_app = timed(lambda: asyncio.run(launch()), n * 5)
    print(f"in process: load+launch hello {in_app * 1000:.1f} ms, raw context+eval "
          f"{in_raw * 1000:.2f} ms, ratio {in_app / in_raw:.1f}")


if __name__ == "__main__":
    main()
