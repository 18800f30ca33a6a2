"""The JSON text that crosses the bridge: orjson's, the standard library's where orjson
refuses.

Every entry into JS carries its payload as JSON text and every drained outbox comes back as
one; orjson makes and reads these ~10x faster than the ``json`` module (a request's answer:
0.24 µs against 3.4 µs warm, more with the CPU's caches cold), which was ~3% of a
sequential ``swan.request`` (benchmarks/README.md). What orjson refuses goes through
``json`` as before, so nothing that crossed before fails now.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

# A dataclass or a datetime in a payload is a bug, as it was with ``json``: orjson would
# quietly write them out. (It still writes enums and UUIDs, which ``json`` refused; no
# payload holds one.)
_OPTIONS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME


def dumps(value: Any) -> str:
    """``value`` as JSON text the engine takes as UTF-8. What orjson refuses (a string
    with a lone surrogate, an int beyond 64 bits, a key that is not a string) is written
    by ``json`` with every non-ASCII character escaped: JS reads the same value, lone
    surrogates included. NaN and the infinities are written as null, as JSON.stringify
    does. Raises TypeError or ValueError (a cycle) as ``json.dumps`` does."""
    try:
        return orjson.dumps(value, option=_OPTIONS).decode()
    except orjson.JSONEncodeError:
        return json.dumps(_finite(value))


def _finite(value: Any, path: frozenset[int] = frozenset()) -> Any:
    """``value`` with NaN and the infinities as None, as orjson writes them (``json``
    would write ``NaN``, which JS's JSON.parse refuses). Raises ValueError on a cycle, as
    ``json`` does."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict | list | tuple):
        if id(value) in path:
            raise ValueError("Circular reference detected")
        inner = path | {id(value)}
        if isinstance(value, dict):
            return {k: _finite(v, inner) for k, v in value.items()}
        return [_finite(v, inner) for v in value]
    return value


def loads(text: str) -> Any:
    """The value of JSON text from JS. What orjson refuses (the escape JSON.stringify
    writes for a lone surrogate) is read by ``json``. Integers beyond 64 bits come back as
    floats: the doubles JS had. Raises ValueError when ``text`` is not JSON, or nests
    deeper than either library goes."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        try:
            return json.loads(text)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None
