"""The audit log's chain, as the room writes it and the centre checks it (issue 15, finding 7).

Each entry's hash covers its time, actor, action and details and the hash of the entry before it
(the first links to `GENESIS`). The room keeps the log (proctor_console/room/audit.py); the sealed
bundle carries it whole, and the bundle's signed manifest carries a checkpoint of it (`checkpoint`:
how many entries, the newest hash). The centre checks the chain of every bundle, and that each
bundle's log still holds the checkpoint of the room's bundle before it: a log cut or re-chained
after one bundle reached the centre is seen at the next (central_scorer/ingest/bundles.py).
"""

from __future__ import annotations

from typing import Any

from common.canonical import canonical_bytes, sha256_hex

GENESIS = "0" * 64


def entry_hash(prev: str, at: str, actor: str, action: str, details: Any) -> str:
    body = {"at": at, "actor": actor, "action": action, "details": details}
    return sha256_hex(prev.encode() + canonical_bytes(body))


def problem(entries: Any) -> str | None:
    """What is wrong with an exported log's chain (as in the bundle), or None when it is whole."""
    if not isinstance(entries, list):
        return "the audit log is not a list"
    prev = GENESIS
    for n, e in enumerate(entries, start=1):
        try:
            ok = e["prev_hash"] == prev and e["hash"] == entry_hash(
                prev, e["at"], e["actor"], e["action"], e["details"])
        except (KeyError, TypeError, ValueError, RecursionError):
            return f"entry {n} is not a chained audit entry"
        if not ok:
            return f"entry {n} does not match its chain (changed, removed or out of place)"
        prev = e["hash"]
    return None


def checkpoint(entries: list[dict[str, Any]]) -> dict[str, Any]:
    """How many entries, and the newest one's hash: what the manifest signs."""
    head = entries[-1].get("hash") if entries and isinstance(entries[-1], dict) else None
    return {"entries": len(entries), "head": head if isinstance(head, str) else GENESIS}


def extends(entries: list[dict[str, Any]], earlier: dict[str, Any]) -> bool:
    """Whether a log still holds an earlier checkpoint of it (the same entry at the same place)."""
    n, head = earlier.get("entries"), earlier.get("head")
    if type(n) is not int or n < 0 or n > len(entries):
        return False
    if n == 0:
        return True
    last = entries[n - 1]
    return isinstance(last, dict) and last.get("hash") == head
