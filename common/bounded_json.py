"""Reading JSON whose nesting is deeper than the parser's stack, without giving up on all of it.

Python's `json.loads` recurses once per level and raises RecursionError near 1000 levels: one
answer nested that deep made a whole result bundle unreadable (issue 15, finding 1). The bundle's
reader falls back to `read_bounded`, which cuts every value nested deeper than `MAX_DEPTH` to a
marker object (so that the attempt holding it is refused on its own by the answer checks) and
hashes each top-level part from its original bytes (so the signed manifest's hashes still check).
"""

from __future__ import annotations

import json
import re
from typing import Any

from common.canonical import sha256_hex

MAX_DEPTH = 48  # levels kept; nothing the system writes is deeper than about ten
TOO_DEEP = {"cbt:too_deep": True}  # what a cut value reads as
_TOKEN = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_MARKER = json.dumps(TOO_DEEP, separators=(",", ":")).encode()


class TooDeep(ValueError):
    """The text is not JSON even with its deep values cut off."""


def read_bounded(data: bytes) -> tuple[Any, dict[str, str]]:
    """The value of `data` with values deeper than MAX_DEPTH replaced by `TOO_DEEP`, and the
    SHA-256 of each top-level member's original bytes (when the top level is an object)."""
    depth = 0
    key = None  # the last string seen directly inside the top-level object
    part_start = 0
    hashes: dict[str, str] = {}
    cuts: list[tuple[int, int]] = []
    cut_from: int | None = None
    for match in _TOKEN.finditer(data):
        token = match.group()
        if token[:1] == b'"':
            if depth == 1 and cut_from is None:
                key = token
            continue
        if token in (b"[", b"{"):
            depth += 1
            if depth == 2:
                part_start = match.start()
            if depth > MAX_DEPTH and cut_from is None:
                cut_from = match.start()
        else:
            depth -= 1
            if cut_from is not None and depth == MAX_DEPTH:
                cuts.append((cut_from, match.end()))
                cut_from = None
            if depth == 1 and key is not None:
                try:
                    hashes[json.loads(key)] = sha256_hex(data[part_start:match.end()])
                except ValueError:
                    pass
            if depth < 0:
                raise TooDeep("unbalanced brackets")
    if depth != 0:
        raise TooDeep("unbalanced brackets")
    pieces, at = [], 0
    for start, end in cuts:
        pieces += [data[at:start], _MARKER]
        at = end
    pieces.append(data[at:])
    try:
        return json.loads(b"".join(pieces)), hashes
    except (ValueError, RecursionError) as exc:
        raise TooDeep("not JSON") from exc
