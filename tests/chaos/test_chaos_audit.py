"""Tampering with the room's audit log in its SQLite file: every changed, removed or reordered entry
is reported by the real `proctor-console audit verify`, run as a separate process."""

from __future__ import annotations

import json
import random
import sqlite3
import subprocess
import sys
from pathlib import Path

AREA = "Attacks: audit chain"
REPO = Path(__file__).resolve().parents[2]
COLUMNS = ("at", "actor", "action", "details_json", "prev_hash", "hash")


def verify(data_dir: Path, *flags: str) -> tuple[int, str]:
    done = subprocess.run([sys.executable, "-m", "proctor_console.cli", "audit", "verify",
                           "--data-dir", str(data_dir), *flags],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    return done.returncode, done.stdout


def busy_room(setup) -> Path:
    room = setup.room
    for cred in setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(setup.package["start_code"], "rep")
    for cred in setup.credentials[:3]:
        room.login(cred["login"], cred["password"], cred["seat"])
    return room.paths.root


def rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as c:
        return c.execute(f"SELECT id, {', '.join(COLUMNS)} FROM audit_log ORDER BY id").fetchall()


def run_sql(db: Path, *statements: tuple[str, tuple]) -> None:
    c = sqlite3.connect(db)
    with c:
        for sql, params in statements:
            c.execute(sql, params)
    c.close()


def tampering(kind: str, entries: list[tuple], rng: random.Random) -> tuple[list, int]:
    """SQL for one kind of tampering, and the entry `verify` must name."""
    ids = [e[0] for e in entries]
    if kind == "change":
        victim = rng.choice(entries)
        column = rng.choice(COLUMNS)
        index = 1 + COLUMNS.index(column)
        old = victim[index]
        new = {"at": "2026-01-01 00:00:00.000000", "prev_hash": "e" * 64, "hash": "f" * 64}.get(
            column, (old or "") + " ")
        if column == "details_json":
            details = json.loads(old)
            details["tampered"] = True
            new = json.dumps(details, ensure_ascii=False, sort_keys=True)
        return [(f"UPDATE audit_log SET {column} = ? WHERE id = ?", (new, victim[0]))], victim[0]
    if kind == "remove":
        victim = rng.choice(ids)
        return [("DELETE FROM audit_log WHERE id = ?", (victim,))], victim
    if kind == "remove-newest":
        return [("DELETE FROM audit_log WHERE id = ?", (ids[-1],))], ids[-1]
    if kind == "reorder":  # two entries swap places (every stored field moves, the ids stay)
        a, b = sorted(rng.sample(range(len(entries)), 2))
        sets = ", ".join(f"{c} = ?" for c in COLUMNS)
        return [(f"UPDATE audit_log SET {sets} WHERE id = ?", (*entries[b][1:], entries[a][0])),
                (f"UPDATE audit_log SET {sets} WHERE id = ?", (*entries[a][1:], entries[b][0]))], entries[a][0]
    if kind == "renumber":  # an entry moved to the end under a new id
        victim = rng.choice(ids[:-1])
        return [("UPDATE audit_log SET id = ? WHERE id = ?", (ids[-1] + 1, victim))], victim
    raise AssertionError(kind)


KINDS = ("change", "remove", "remove-newest", "reorder", "renumber")


def test_every_tampering_is_reported_by_audit_verify(room_setup, chaos, tmp_path):
    data_dir = busy_room(room_setup)
    db = data_dir / "room.sqlite3"
    room_setup.room.engine.dispose()  # the last connection checkpoints the WAL into the file
    code, out = verify(data_dir, "--json")
    assert code == 0 and json.loads(out)["ok"], out
    pristine = db.read_bytes()
    original = rows(db)
    rng = random.Random(1100)
    # Quick: the three the issue names, once each; full: every kind, eight times each.
    plan = [k for k in KINDS for _ in range(8)] if chaos.full else ["change", "remove", "reorder"]
    survived = 0
    for kind in plan:
        copy = tmp_path / f"tampered-{survived}"
        copy.mkdir()
        (copy / "room.sqlite3").write_bytes(pristine)
        (copy / "audit-head.json").write_bytes((data_dir / "audit-head.json").read_bytes())
        assert rows(copy / "room.sqlite3") == original
        statements, victim = tampering(kind, original, rng)
        run_sql(copy / "room.sqlite3", *statements)
        code, out = verify(copy, "--json")
        verdict = json.loads(out)
        assert code == 1 and verdict["ok"] is False, (kind, verdict)
        assert verdict["broken_entry"] == victim, (kind, victim, verdict)
        if chaos.full or survived == 0:  # the words a person reads, too
            code, human = verify(copy)
            assert code == 1 and f"BROKEN at entry {victim}" in human, human
        survived += 1
    chaos.record(AREA, "changed, removed, reordered or renumbered audit entries (SQL on the room "
                 "database)", len(plan), survived, 0,
                 "`proctor-console audit verify` exits 1 and names the first broken entry; "
                 f"kinds: {', '.join(sorted(set(plan)))}")
