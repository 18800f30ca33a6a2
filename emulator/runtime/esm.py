"""ES module syntax (``import``/``export``) turned into CommonJS, as the platform's devtools
compile it before the app runs.

A statement-level rewrite, not a full parser: the forms mini-programs use (default, named,
namespace and side-effect imports; ``export default``, ``export const/let/var/function/
class``, export lists, re-exports) at the start of a line. Line numbers are kept — every
rewritten statement spans the same lines as the original — so errors still point at the
app's own lines. Exports are assigned when the module body has run (no live bindings).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable

_IMPORT = re.compile(
    r"^(?P<indent>[ \t]*)import(?=[\s{*'\"])\s*(?P<clause>[^'\";]*?)\s*(?:\bfrom\s*)?"
    r"(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q)\s*;?", re.M | re.S)
_EXPORT_FROM = re.compile(
    r"^(?P<indent>[ \t]*)export\s*(?P<what>\*|\*\s*as\s+[\w$]+|\{[^}]*\})\s*from\s*"
    r"(?P<q>['\"])(?P<spec>[^'\"]+)(?P=q)\s*;?", re.M | re.S)
_EXPORT_LIST = re.compile(r"^(?P<indent>[ \t]*)export\s*\{(?P<names>[^}]*)\}\s*;?", re.M | re.S)
_EXPORT_DEFAULT_DECL = re.compile(
    r"^(?P<indent>[ \t]*)export\s+default\s+(?P<kind>(?:async\s+)?function\s*\*?|class)"
    r"\s+(?P<name>[\w$]+)", re.M)
_EXPORT_DEFAULT = re.compile(r"^(?P<indent>[ \t]*)export\s+default\s+", re.M)
_EXPORT_DECL = re.compile(
    r"^(?P<indent>[ \t]*)export\s+(?P<kind>(?:async\s+)?function\s*\*?|class|const|let|var)"
    r"\s+(?P<name>[\w$]+)", re.M)
# A line that starts with ES module syntax. Searched for after a newline, not with ^ and
# MULTILINE: re finds a leading literal fast, and a megabyte bundle is read at each start
# (4.7 -> 1.2 ms per MB); the first line is matched on its own.
_STATEMENT = r"[ \t]*(?:import(?=[\s{*'\"])|export[\s{*])"
_DETECT_FIRST = re.compile(_STATEMENT)
_DETECT = re.compile("\n" + _STATEMENT)
_LINE_STARTS = {word: re.compile(r"\n[ \t]*" + word) for word in ("import", "export")}


def is_module(source: str) -> bool:
    """Whether the source uses ES module syntax at the start of a line."""
    return _DETECT_FIRST.match(source) is not None or _DETECT.search(source) is not None


def _sub_statements(pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str],
                    text: str, keyword: str) -> str:
    """``pattern.sub(replace, text)`` for a pattern that matches only at the start of a
    line beginning with ``keyword``: only those lines are tried. (re's search for a ^ with
    MULTILINE steps through every character, ~4.7 ms per MB: six of them over a module
    were the most of a start's Python for an app of ES modules.)"""
    starts = [0] + [m.start() + 1 for m in _LINE_STARTS[keyword].finditer(text)]
    parts: list[str] = []
    done = 0
    for start in starts:
        if start < done:
            continue  # inside the statement replaced last
        m = pattern.match(text, start)
        if m is not None:
            parts += (text[done:start], replace(m))
            done = m.end()
    parts.append(text[done:])
    return "".join(parts)


def _keep_lines(original: str, replacement: str) -> str:
    # Same number of newlines as the text replaced, so later lines keep their numbers.
    return replacement + "\n" * original.count("\n")


def _bindings(clause: str, module: str) -> list[str]:
    """`x`, `* as ns`, `{a, b as c}`, `x, {a}`, `x, * as ns` -> declarations."""
    out: list[str] = []
    clause = clause.strip()
    named = re.search(r"\{([^}]*)\}", clause)
    star = re.search(r"\*\s*as\s+([\w$]+)", clause)
    default = re.match(r"([\w$]+)", clause)
    if default and not clause.startswith(("{", "*")):
        out.append(f"{default.group(1)} = __swan_host__.esmDefault({module})")
    if star:
        out.append(f"{star.group(1)} = {module}")
    if named:
        for part in named.group(1).split(","):
            part = part.strip()
            if not part:
                continue
            src, _, alias = part.partition(" as ")
            out.append(f"{(alias or src).strip()} = {module}.{src.strip()}")
    return out


def to_commonjs(source: str) -> tuple[str, str]:
    """Rewrite ES module statements as CommonJS (same line count); also return the
    statements that set the exports, to run after the body (on a line of their own)."""
    exports: list[str] = []
    counter = [0]

    def import_(m: re.Match[str]) -> str:
        counter[0] += 1
        module = f"__esm{counter[0]}"
        spec = json.dumps(m.group("spec"))
        decls = _bindings(m.group("clause") or "", module)
        text = f"var {module} = require({spec})" + "".join(f", {d}" for d in decls) + ";"
        return _keep_lines(m.group(0), m.group("indent") + text)

    def export_from(m: re.Match[str]) -> str:
        counter[0] += 1
        module = f"__esm{counter[0]}"
        what = m.group("what")
        text = f"var {module} = require({json.dumps(m.group('spec'))});"
        if what == "*":
            exports.append(f"__swan_host__.esmReexport(exports, {module});")
        elif what.startswith("*"):
            exports.append(f"exports.{what.split()[-1]} = {module};")
        else:
            for part in what.strip("{} \n").split(","):
                src, _, alias = part.strip().partition(" as ")
                if src:
                    exports.append(f"exports.{(alias or src).strip()} = {module}.{src.strip()};")
        return _keep_lines(m.group(0), m.group("indent") + text)

    def export_list(m: re.Match[str]) -> str:
        for part in m.group("names").split(","):
            src, _, alias = part.strip().partition(" as ")
            if src:
                exports.append(f"exports.{(alias or src).strip()} = {src.strip()};")
        return _keep_lines(m.group(0), m.group("indent"))

    def default_decl(m: re.Match[str]) -> str:
        exports.append(f"exports.default = {m.group('name')};")
        return f"{m.group('indent')}{m.group('kind')} {m.group('name')}"

    def decl(m: re.Match[str]) -> str:
        exports.append(f"exports.{m.group('name')} = {m.group('name')};")
        return f"{m.group('indent')}{m.group('kind')} {m.group('name')}"

    out = _sub_statements(_IMPORT, import_, source, "import")
    out = _sub_statements(_EXPORT_FROM, export_from, out, "export")
    out = _sub_statements(_EXPORT_LIST, export_list, out, "export")
    out = _sub_statements(_EXPORT_DEFAULT_DECL, default_decl, out, "export")
    out = _sub_statements(_EXPORT_DEFAULT, lambda m: f"{m.group('indent')}exports.default = ",
                          out, "export")
    out = _sub_statements(_EXPORT_DECL, decl, out, "export")
    epilogue = "Object.defineProperty(exports, '__esModule', {value: true}); " + " ".join(exports)
    return out, epilogue
