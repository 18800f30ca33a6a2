"""Template expressions are null-safe, as San evaluates them: ``{{a.b.c}}`` with ``a``
missing renders nothing instead of throwing.

Done by rewriting member access into JavaScript's optional chaining (``a.b`` ->
``a?.b``, ``a[i]`` -> ``a?.[i]``) with a small tokenizer that leaves strings, numbers
and spreads alone; the expression is then run by the JS engine as usual.
"""

from __future__ import annotations

_KEYWORDS = frozenset({"in", "typeof", "instanceof", "new", "void", "delete", "of"})


def null_safe(source: str) -> str:
    """``source`` with every member access made optional."""
    out: list[str] = []
    prev = "op"  # kind of the previous token: id, num, str, close, op
    i = 0
    n = len(source)
    while i < n:
        c = source[i]
        if c in "\"'`":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            out.append(source[i:j + 1])
            prev = "str"
            i = j + 1
            continue
        if c.isalpha() or c in "_$":
            j = i
            while j < n and (source[j].isalnum() or source[j] in "_$"):
                j += 1
            word = source[i:j]
            out.append(word)
            prev = "op" if word in _KEYWORDS else "id"
            i = j
            continue
        if c.isdigit():
            j = i
            while j < n and (source[j].isalnum() or source[j] == "."):
                j += 1
            out.append(source[i:j])
            prev = "num"
            i = j
            continue
        if c == "." and source.startswith("...", i):
            out.append("...")
            prev = "op"
            i += 3
            continue
        if c == "." and prev in ("id", "close", "str"):
            out.append("?.")
            prev = "op"
            i += 1
            continue
        if c == "[" and prev in ("id", "close"):
            out.append("?.[")
            prev = "op"
            i += 1
            continue
        if c == "?" and source.startswith("?.", i) and not source[i + 2:i + 3].isdigit():
            out.append("?.")
            prev = "op"
            i += 2
            continue
        out.append(c)
        if c in ")]":
            prev = "close"
        elif not c.isspace():
            prev = "op"
        i += 1
    return "".join(out)
