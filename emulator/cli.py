"""The ``swan-emulator`` command.

``swan-emulator run APP_DIR [options]`` runs an app headless; ``swan-emulator [APP_DIR]``
opens the desktop window.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path

# Only what parsing the command line needs is imported here: the headless runner (and
# with it the app host, QuickJS and asyncio), the window, the automation package and the
# mock rule reader are imported by the subcommand or option that uses them, so `--help`
# and a plain `run` do not pay for the rest (issue 14: start-up time).
from emulator import __version__
from emulator.app.package import AppPackage, load_package
from emulator.config import (
    NETWORK_TYPES,
    UNMATCHED,
    ReplaySettings,
    Settings,
    check_ca_file,
    check_replay,
    check_version,
    load_settings,
)
from emulator.errors import ConfigError, PackageError
from emulator.net.hosts import parse_target
from emulator.net.shaping.profiles import BUILTIN, choose
from emulator.swan.devices import DEFAULT_DEVICE, DEVICES


def _device(name: str) -> str:
    """A device name as --device takes it: any case (``iphone x``)."""
    for known in DEVICES:
        if known.lower() == name.strip().lower():
            return known
    raise argparse.ArgumentTypeError(f"unknown device {name!r} (one of: {', '.join(DEVICES)})")


def _add_common(p: argparse.ArgumentParser, app_required: bool = True) -> None:
    if app_required:
        p.add_argument("app_dir", metavar="APP_DIR", type=Path, help="the mini-program folder")
    else:
        p.add_argument("app_dir", metavar="APP_DIR", type=Path, nargs="?",
                       help="the mini-program folder to open")
    p.add_argument("--config", type=Path, metavar="FILE",
                   help="settings file (default: APP_DIR/swan-emulator.json)")
    p.add_argument("--base-version", metavar="X.Y.Z", help="base library version to emulate")
    p.add_argument("--no-url-check", action="store_true",
                   help="do not check request domains against the app's lists (logged loudly)")
    p.add_argument("--map-host", action="append", default=[], metavar="DOMAIN=HOST:PORT",
                   help="connect DOMAIN to HOST:PORT (or 'builtin'); repeatable")
    p.add_argument("--ca-file", type=Path, metavar="PEM", help="extra CA certificates to trust")
    p.add_argument("--har", type=Path, metavar="FILE", help="write the network log as HAR")
    p.add_argument("--choose-file", action="append", default=[], type=Path, metavar="PATH",
                   help="file handed to the next chooseImage/chooseFile call; repeatable")
    p.add_argument("--network-type", choices=NETWORK_TYPES, help="emulated network type")
    p.add_argument("--throttle", metavar="PROFILE",
                   help="weak network: a profile (" + ", ".join(BUILTIN) + ", or one of the "
                        "settings' throttleProfiles), 'off', or 'auto' (the network type's "
                        "own, the default); docs/network-conditions.md")
    p.add_argument("--device", type=_device, metavar="NAME",
                   help=f"emulated phone: {', '.join(DEVICES)} (default {DEFAULT_DEVICE})")
    p.add_argument("--mock", action="append", default=[], type=Path, metavar="FILE",
                   help="mock rules from a JSON file (a list of rules, docs/mocking.md), "
                        "after the settings' own; repeatable")
    p.add_argument("--replay", type=Path, metavar="FILE.har",
                   help="answer the app's calls from a recorded HAR (ours or Chrome's)")
    p.add_argument("--replay-unmatched", choices=UNMATCHED,
                   help="a call the HAR does not have: fail it (default) or pass it through")
    p.add_argument("--script-time-limit", type=float, metavar="SECONDS",
                   help="CPU time one entry into JS may take before it is interrupted (5)")
    p.add_argument("--memory-limit", type=int, metavar="MB", help="JS heap limit in MiB (256)")
    p.add_argument("--data-dir", type=Path, metavar="DIR",
                   help="where app sandboxes live (default: $SWAN_EMULATOR_HOME or "
                        "~/.local/share/swan-emulator)")
    start = p.add_mutually_exclusive_group()
    start.add_argument("--page", metavar="ROUTE[?QUERY]", help="open this page first")
    start.add_argument("--condition", metavar="NAME",
                       help="start as the project file's compile mode NAME (its page and "
                            "query; a number picks by position, from 0)")


def build_parser() -> tuple[argparse.ArgumentParser, argparse.ArgumentParser]:
    """The parsers of the GUI form and of ``run``."""
    return gui_parser(), run_parser()


def _help_formatter(prog: str) -> argparse.HelpFormatter:
    """argparse's formatter, told the terminal's width: left to itself it imports shutil
    (and with it bz2 and lzma, ~3 ms) for each argument added, to ask the same."""
    # As shutil.get_terminal_size: $COLUMNS, else the terminal's; 0 or less is unknown.
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return argparse.HelpFormatter(prog, width=(columns if columns > 0 else 80) - 2)


def gui_parser() -> argparse.ArgumentParser:
    """The parser of the GUI form: ``swan-emulator [APP_DIR] [options]``."""
    gui = argparse.ArgumentParser(
        prog="swan-emulator", formatter_class=_help_formatter,
        description="Run a Baidu smart mini-program and inspect its network traffic in a "
                    "window. `swan-emulator run APP_DIR` runs it headless.",
    )
    gui.add_argument("--version", action="version", version=f"swan-emulator {__version__}")
    _add_common(gui, app_required=False)
    gui.add_argument("--screenshot", type=Path, metavar="FILE.png",
                     help="save the window as PNG after --quit-after seconds, then exit")
    gui.add_argument("--panel", choices=("Network", "Transfers", "Sockets", "Console",
                                         "Elements", "AppData", "Mocks", "Domains"),
                     help="the panel in front (with --screenshot: Network by default)")
    gui.add_argument("--quit-after", type=float, metavar="SECONDS",
                     help="close the window after this long (default 3 with --screenshot)")
    return gui


def run_parser() -> argparse.ArgumentParser:
    """The parser of ``swan-emulator run APP_DIR [options]``."""
    run = argparse.ArgumentParser(
        prog="swan-emulator run", formatter_class=_help_formatter,
        description="Run a mini-program headless until it is idle. Exit status: 0 ok, "
                    "1 the app failed to load or threw an uncaught error, 2 bad usage or "
                    "settings, 3 --timeout expired.",
    )
    _add_common(run)
    run.add_argument("--timeout", type=float, metavar="SECONDS",
                     help="stop with status 3 if the app is still busy after this long")
    run.add_argument("-v", "--verbose", action="store_true",
                     help="also print page lifecycle, page stack and setData")
    run.add_argument("--dump-page", action="store_true",
                     help="print the rendered page on screen as markup at the end")
    run.add_argument("--script", type=Path, metavar="STEPS.json|yaml",
                     help="run these steps (docs/script-steps.md) and report each; exit 0 "
                          "when all pass, 1 when one fails (--timeout: the whole run)")
    run.add_argument("--junit", type=Path, metavar="FILE.xml",
                     help="with --script: write the steps' results as JUnit XML")
    return run


def settings_from_args(args: argparse.Namespace) -> Settings:
    """Settings of the app folder, overridden by the command-line flags."""
    app_dir: Path = args.app_dir
    settings = load_settings(app_dir, args.config)
    if args.base_version:
        settings.base_version = check_version(args.base_version, "--base-version")
        settings.sources["baseVersion"] = "--base-version"
    if args.no_url_check:
        settings.url_check = False
    for item in args.map_host:
        domain, sep, target = item.partition("=")
        if not sep or not domain or not target:
            raise ConfigError(f"--map-host {item!r}: expected DOMAIN=HOST:PORT or DOMAIN=builtin")
        parse_target(domain, target)
        settings.hosts[domain] = target
    if args.ca_file:
        settings.ca_file = check_ca_file(args.ca_file.resolve(), "--ca-file")
    if args.har:
        settings.har = args.har
    settings.choose_files.extend(args.choose_file)
    if args.network_type:
        settings.network_type = args.network_type
    if args.device:
        settings.device = args.device
    if args.throttle:
        settings.throttle = choose(args.throttle, {**BUILTIN, **settings.throttle_profiles},
                                   "--throttle")
    if args.script_time_limit is not None:
        if args.script_time_limit <= 0:
            raise ConfigError("--script-time-limit must be positive")
        settings.script_time_limit = args.script_time_limit
    if args.memory_limit is not None:
        if args.memory_limit < 8:
            raise ConfigError("--memory-limit must be at least 8 (MiB)")
        settings.memory_limit_mb = args.memory_limit
    if args.data_dir:
        settings.data_dir = args.data_dir
    if args.mock:
        from emulator.net.mock.load import read_rule_file
    for path in args.mock:  # after the script limits: a rule's JS runs under them
        settings.mocks.extend(read_rule_file(path, time_limit=settings.script_time_limit,
                                             memory_limit=settings.memory_limit_mb << 20))
    if args.replay:
        unmatched = args.replay_unmatched or (settings.replay.unmatched if settings.replay
                                              else "fail")
        settings.replay = check_replay(ReplaySettings(args.replay, unmatched), "--replay")
    elif args.replay_unmatched:
        if settings.replay is None:
            raise ConfigError("--replay-unmatched needs --replay (or replay in the settings)")
        settings.replay.unmatched = args.replay_unmatched
    return settings


def start_page(package: AppPackage, args: argparse.Namespace) -> str | None:
    """The ``--page`` to open, or the page and query of ``--condition NAME``."""
    if not getattr(args, "condition", None):
        return args.page
    condition = package.project.condition(args.condition)
    if condition is None:
        names = ", ".join(f"{i}: {c.name!r}" for i, c in enumerate(package.project.conditions))
        names = names or "none"
        raise ConfigError(f"--condition {args.condition!r}: no such compile mode in "
                          f"{package.project.file or 'project.swan.json'} (there are: {names})")
    return f"{condition.path}?{condition.query}" if condition.query else condition.path


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``swan-emulator`` command; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    # An app's text may hold what the terminal's encoding cannot (a lone surrogate): it
    # is shown escaped, never a crash of the printer.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    if not argv or argv[0] != "run":
        return _gui(gui_parser().parse_args(argv))
    parser = run_parser()
    args = parser.parse_args(argv[1:])
    import asyncio

    from emulator.headless import EXIT_APP_ERROR, EXIT_USAGE, run_app

    if args.timeout is not None and args.timeout <= 0:
        parser.error("--timeout must be positive")
    if args.junit is not None and args.script is None:
        parser.error("--junit needs --script")
    try:
        package = load_package(args.app_dir)
        settings = settings_from_args(args)
        page = start_page(package, args)
    except ConfigError as exc:
        for line in str(exc).splitlines():  # a settings file's problems, a line each
            print(f"swan-emulator: {line}", file=sys.stderr)
        return EXIT_USAGE
    except PackageError as exc:
        detail = exc.reason if exc.path == str(Path(args.app_dir).resolve()) else str(exc)
        print(f"[error] failed to load {args.app_dir}: {detail}", file=sys.stderr)
        return EXIT_APP_ERROR
    if args.script is not None:
        return _script(args, settings, page)
    return asyncio.run(run_app(package, settings, timeout=args.timeout, verbose=args.verbose,
                               page=page, dump_page=args.dump_page))


def _script(args: argparse.Namespace, settings: Settings, page: str | None) -> int:
    """``run --script``: the steps through the automation API (emulator/automation/
    script.py)."""
    # Imported here: plain runs need none of it.
    import asyncio

    from emulator.automation.script import run_script
    from emulator.automation.steps import StepFileError, load_steps
    from emulator.headless import EXIT_USAGE

    try:
        steps = load_steps(args.script)
    except StepFileError as exc:
        print(f"swan-emulator: {exc}", file=sys.stderr)
        return EXIT_USAGE
    return asyncio.run(run_script(args.app_dir, settings, steps, script=args.script,
                                  page=page, junit=args.junit, timeout=args.timeout,
                                  dump_page=args.dump_page))


def _gui(args: argparse.Namespace) -> int:
    """Open the desktop window."""
    from emulator.headless import EXIT_USAGE

    if args.quit_after is not None and args.quit_after <= 0:
        print("swan-emulator: --quit-after must be positive", file=sys.stderr)
        return EXIT_USAGE
    try:
        from emulator.gui.app import run_gui
    except ImportError as exc:  # a broken Qt install: say what is missing
        print(f"swan-emulator: the desktop window cannot start: {exc}", file=sys.stderr)
        return EXIT_USAGE

    def settings_for(path: Path) -> Settings:
        return settings_from_args(argparse.Namespace(**{**vars(args), "app_dir": path}))

    page = args.page
    if args.app_dir is not None:
        try:
            settings_for(args.app_dir)  # bad flags are reported before a window opens
            if args.condition:
                page = start_page(load_package(args.app_dir), args)
        except ConfigError as exc:
            for line in str(exc).splitlines():
                print(f"swan-emulator: {line}", file=sys.stderr)
            return EXIT_USAGE
        except PackageError:
            pass  # the window shows the load error
    # The condition goes along with the page it resolved to, so the window's compile-mode
    # picker shows it selected (and a reload re-reads it from the project file).
    return run_gui(args.app_dir, settings_for, page=page, condition=args.condition,
                   screenshot=args.screenshot, quit_after=args.quit_after, panel=args.panel)


if __name__ == "__main__":
    sys.exit(main())
