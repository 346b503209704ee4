"""A scripted student for the headless kiosk: the same engine as the screen, driven by a seed.

It prints one JSON line per event, so a test or the demo can follow the sitting and check that
every answer it confirmed reached the room server. A restarted runner with the same seed carries
on where the journal says the student was.
"""

from __future__ import annotations

import json
import logging
import random
import sys
import time
from typing import Any, TextIO

from exam_client.engine.kiosk import KioskEngine
from exam_client.engine.link import KioskError, Offline, Removed
from exam_client.engine.sitting import Sitting


# What the kiosk's log keeps of an event: never an answer (nor the item it answers), never a name.
LOGGED = ("seq", "code", "attempt_id", "resumed", "recovered", "answered", "server_had", "acked_seq",
          "server_acked", "status")
log = logging.getLogger("kiosk.sitting")


def emit(out: TextIO, event: str, **fields: Any) -> None:
    out.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
    out.flush()
    if event not in ("confirmed",):  # one per answer: the journal holds them, not the log
        log.info("%s %s", event, {k: v for k, v in fields.items() if k in LOGGED})


def choose(item: dict[str, Any], rng: random.Random) -> Any:
    """A plausible answer of the item's type, the way a student might give it."""
    ids = [o["id"] for o in item.get("options", [])]
    kind = item["type"]
    if kind == "single_choice":
        return rng.choice(ids)
    if kind == "multiple_choice":
        return sorted(rng.sample(ids, rng.randint(1, min(3, len(ids)))))
    if kind == "ordering":
        return rng.sample(ids, len(ids))
    if kind == "matching":
        right = [o["id"] for o in item["right"]]
        lefts = [o["id"] for o in item["left"]]
        picks = rng.sample(right, min(len(right), len(lefts)))
        return [[left, r] for left, r in zip(lefts, picks) if rng.random() < 0.9]
    if kind == "association":
        shuffled = rng.sample(ids, len(ids))
        limit = item.get("max_associations") or len(ids) // 2
        return [shuffled[i:i + 2] for i in range(0, min(len(ids) - 1, 2 * limit), 2)]
    if kind == "gap_match":
        choices = [c["id"] for c in item["choices"]]
        picks = rng.sample(choices, min(len(choices), len(item["gaps"])))
        return {g["id"]: c for g, c in zip(item["gaps"], picks)}
    if kind == "inline_choice":
        out: dict[str, str] = {}
        for gap in item["gaps"]:
            if gap.get("options"):
                out[gap["id"]] = rng.choice([o["id"] for o in gap["options"]])
            elif gap.get("input") == "numeric":
                out[gap["id"]] = str(rng.randint(0, 100))
            else:
                out[gap["id"]] = rng.choice(["су", "вода", "water", "Астана"])
        return out
    if kind == "text_entry":
        return rng.choice(["Астана", "су", "вода", "water", "күн", "солнце", " Абай "])
    number = rng.choice([rng.randint(0, 500), rng.randint(0, 60) / 2])
    return str(number).replace(".", ",") if rng.random() < 0.5 else str(number)


def sit(engine: KioskEngine, login: str, password: str, seed: int, think: float,
        out: TextIO = sys.stdout, wait_open: float = 60.0) -> int:
    """Log in (waiting for the room to open), answer every item, submit. Returns an exit code."""
    deadline = time.monotonic() + wait_open
    while True:
        try:
            sitting = engine.login(login, password)
            break
        except KioskError as exc:
            if exc.code == "attempt_closed":
                # Killed after the server took the submission but before the kiosk heard it:
                # the sitting is over and every answer is at the server.
                emit(out, "already_submitted", message=str(exc))
                return 0
            if exc.code != "room_not_open" or time.monotonic() > deadline:
                emit(out, "refused", code=exc.code, message=str(exc))
                return 3
        except Offline as exc:
            if time.monotonic() > deadline:
                emit(out, "offline", message=str(exc))
                return 4
        time.sleep(0.5)
    answered = sitting.answers()
    emit(out, "login", attempt_id=sitting.attempt_id, resumed=sitting.resumed,
         recovered=sitting.journal.last_seq, answered=len(answered),
         server_had=sitting.server_had_at_login, acked_seq=sitting.acked_seq,
         deadline=sitting.deadline)
    try:
        _answer_all(sitting, answered, seed, think, out)
        result = _submit(sitting, out)
        emit(out, "result", **result)
        return 0
    except Removed as exc:
        emit(out, "removed", message=str(exc))
        return 0
    except (KioskError, Offline) as exc:
        emit(out, "stopped", code=getattr(exc, "code", "offline"), message=str(exc))
        return 5
    finally:
        sitting.close()


def _answer_all(sitting: Sitting, answered: dict[str, Any], seed: int, think: float,
                out: TextIO) -> None:
    for item in sitting.items:
        if item["id"] in answered:
            continue
        rng = random.Random(f"{seed}:{item['id']}")
        changes = 2 if rng.random() < 0.3 else 1  # some students change their minds
        for _ in range(changes):
            time.sleep(think)
            entry = sitting.answer(item["id"], choose(item, rng))
            emit(out, "confirmed", seq=entry.seq, item_id=entry.item_id, answer=entry.answer)
            _replicate(sitting, out)


def _replicate(sitting: Sitting, out: TextIO) -> None:
    """Send what the server lacks. Back after a time offline (a cut cable, a restarted room
    server), first take the server's state again: its clock, the deadline, what it holds."""
    if not sitting.online:
        try:
            state = sitting.reconcile()
        except Offline:
            return
        emit(out, "resynced", deadline=sitting.deadline, server_acked=int(state["acked_seq"]))
    acked = sitting.replicate()
    if acked is None:
        if sitting.room_disk:  # the room's disk refused them: they wait here, on this PC
            emit(out, "pending", code=sitting.room_disk, seq=sitting.journal.last_seq)
        else:
            emit(out, "link_lost", seq=sitting.journal.last_seq)
        return
    emit(out, "acked", seq=acked)


def _submit(sitting: Sitting, out: TextIO, retry: float = 0.5) -> dict[str, Any]:
    """Submit; while the room server cannot be reached, keep the answers and try again until
    the time (and the server's grace for late answers) is over, as the kiosk's screen does."""
    while True:
        try:
            return sitting.submit()
        except Offline:
            if sitting.remaining_seconds() <= 0 and time.monotonic() - sitting.last_contact > 60:
                raise
            time.sleep(retry)
            _replicate(sitting, out)
