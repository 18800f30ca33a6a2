"""Naming the callee of a failed call.

quickjs-ng says only ``TypeError: not a function``; the devtools (V8) say
``this.dispatch is not a function``. The engine's column points into the failed call (at
the ``.`` before the method name, its ``(``, or one of its arguments), so the call
expression around the column, in the source line, names the callee.
"""

from __future__ import annotations

import re

# A callee: a name or `this`, then .member or ['member'] parts, then "(".
_CALL = re.compile(
    r"(?<![\w$.])((?:[A-Za-z_$][\w$]*)(?:\s*\.\s*[A-Za-z_$][\w$]*|\[\s*(?:'[^']*'|\"[^\"]*\")\s*\])*)\s*\(")
_KEYWORDS = {"if", "for", "while", "switch", "catch", "function", "return", "typeof", "new",
             "with", "do", "else", "in", "of", "void", "delete", "await", "yield"}


def callee_at(line: str, column: int) -> str | None:
    """The callee of the call in ``line`` that the engine's 1-based ``column`` points
    into; None when no call matches."""
    col = column - 1
    best: tuple[int, str] | None = None
    for m in _CALL.finditer(line):
        name = m.group(1)
        if name.split(".")[0].strip() in _KEYWORDS or name in _KEYWORDS:
            continue
        start, paren = m.start(1), m.end() - 1
        end = _closing(line, paren)
        if not start <= col <= end:
            continue
        # The nearest call whose member dot or "(" is at the column wins.
        dot = name.rfind(".")
        anchor = start + dot if dot >= 0 else paren
        distance = min(abs(col - anchor), abs(col - paren))
        if best is None or distance < best[0]:
            best = (distance, re.sub(r"\s+", "", name))
    return best[1] if best else None


def _closing(line: str, paren: int) -> int:
    """The index of the ")" closing the "(" at ``paren`` (the line's end if unclosed)."""
    depth = 0
    quote = ""
    for i in range(paren, len(line)):
        c = line[i]
        if quote:
            if c == "\\":
                continue
            if c == quote:
                quote = ""
        elif c in "'\"`":
            quote = c
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
    return len(line)
