"""Mutants of the durability code: each must be killed by a power-cut test (`make chaos` runs this).

    python tests/chaos/mutants.py [--report var/chaos.jsonl] [--only NAME]

For each mutant the working tree's files are copied to a temporary folder, one piece of durability
code is broken there (fsync removed, SQLite told not to sync, an acknowledgement sent before the
commit, a directory's fsync removed), and the power-cut tests named for it run against that copy
(with full counts; they stop at the first loss). A mutant is killed when a test fails; the output
names the test and its message. A mutant that survives, or one whose code no longer matches the
source (`apply` fails), makes this script exit 1. With --report the outcomes are appended to the
chaos records, and docs/RELIABILITY.md shows them.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
KIOSK_CUTS = "tests/chaos/test_chaos_powercut_kiosk.py"
ROOM_CUTS = "tests/chaos/test_chaos_powercut_room.py"


@dataclass(frozen=True)
class Mutant:
    name: str
    what: str
    path: str
    old: str
    new: str
    tests: tuple[str, ...]
    # Kill-only tests run too (quick counts), to show that they cannot tell this mutant apart.
    contrast: tuple[str, ...] = ()

    def apply(self, root: Path) -> None:
        """Break the copy under `root`; ValueError when the code is not there exactly once."""
        file = root / self.path
        text = file.read_text(encoding="utf-8")
        if text.count(self.old) != 1:
            raise ValueError(f"{self.name}: the code to mutate occurs {text.count(self.old)} times "
                             f"in {self.path}, not once (update tests/chaos/mutants.py)")
        file.write_text(text.replace(self.old, self.new), encoding="utf-8")


MUTANTS = (
    Mutant("journal-no-fsync", "the kiosk journal's append returns without fsync",
           "exam_client/engine/journal.py",
           "            try:\n                _fsync(self._fd)\n            except OSError as exc:\n"
           "                # After a failed fsync",
           "            try:\n                pass\n            except OSError as exc:\n"
           "                # After a failed fsync",
           (KIOSK_CUTS,), ("tests/chaos/test_chaos_kiosk_crash.py",)),
    Mutant("journal-no-dir-fsync", "a new journal's name is not fsynced in its folder",
           "exam_client/engine/journal.py",
           "            _fsync(fd)\n            _fsync_dir(path.parent)\n        except BaseException:",
           "            _fsync(fd)\n        except BaseException:",
           (KIOSK_CUTS,)),
    Mutant("data-folder-no-dir-fsync", "the kiosk's new data folder is not fsynced in its parent",
           "common/durable.py",
           "                raise\n    fsync_directory(path.parent)\n",
           "                raise\n",
           (KIOSK_CUTS,)),
    Mutant("sqlite-synchronous-off", "the room's SQLite database at synchronous=OFF",
           "common/storage/base.py",
           'cur.execute("PRAGMA synchronous=FULL")',
           'cur.execute("PRAGMA synchronous=OFF")',
           (ROOM_CUTS,), ("tests/chaos/test_chaos_room_crash.py",)),
    Mutant("ack-before-commit", "the room acknowledges answers before their transaction commits",
           "proctor_console/room/answers.py",
           "    return room.write_later(_write_saves, _Save(attempt_id, entries, payload))\n",
           "    import concurrent.futures\n"
           "    room.write_later(_write_saves, _Save(attempt_id, entries, payload))\n"
           "    acked: concurrent.futures.Future = concurrent.futures.Future()\n"
           "    acked.set_result({\"acked_seq\": max([int(e[\"seq\"]) for e in entries] or [0])})\n"
           "    return acked\n",
           (ROOM_CUTS,)),
)


def copy_tree(dst: Path) -> None:
    """The working tree's files (tracked and new, not ignored), as they are now."""
    try:
        listed = subprocess.run(["git", "ls-files", "-z", "-co", "--exclude-standard"], cwd=REPO,
                                capture_output=True, check=True).stdout.split(b"\0")
    except (OSError, subprocess.CalledProcessError):  # not a git checkout: every source file
        skip = {".venv", "var", ".git", "__pycache__", "dist", "build"}
        listed = [os.fsencode(p.relative_to(REPO)) for p in REPO.rglob("*")
                  if p.is_file() and not skip & set(p.relative_to(REPO).parts)]
    for name in filter(None, listed):
        src = REPO / os.fsdecode(name)
        if src.is_file():
            target = dst / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)


def run_mutant(mutant: Mutant) -> dict:
    with tempfile.TemporaryDirectory(prefix=f"mutant-{mutant.name}-") as tmp:
        root = Path(tmp)
        copy_tree(root)
        mutant.apply(root)
        env = {**os.environ, "PYTHONPATH": str(root), "CHAOS_FULL": "1",
               "QT_QPA_PLATFORM": "offscreen"}
        env.pop("CHAOS_REPORT", None)
        started = time.monotonic()
        contrast = {}
        for test in mutant.contrast:  # quick counts: what a kill-only test says of this mutant
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                   "-o", "addopts=", test], cwd=root, env={**env, "CHAOS_FULL": "0"},
                                  capture_output=True, text=True, timeout=1800)
            contrast[test] = "passed (cannot tell)" if done.returncode == 0 else "failed"
        for test in mutant.tests:
            done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider",
                                   "-o", "addopts=", test], cwd=root, env=env,
                                  capture_output=True, text=True, timeout=1800)
            out = done.stdout + done.stderr
            if "skipped" in out and "passed" not in out and "failed" not in out:
                return {"killed": False, "by": test, "skipped": True,
                        "message": _last(out, "SKIPPED") or "skipped",
                        "seconds": round(time.monotonic() - started)}
            if done.returncode != 0:
                return {"killed": True, "by": test, "message": _last(out, "E   ") or _last(out, "FAILED"),
                        "seconds": round(time.monotonic() - started), "kill_only": contrast}
        return {"killed": False, "by": ", ".join(mutant.tests), "message": "every test passed",
                "seconds": round(time.monotonic() - started), "kill_only": contrast}


def _last(text: str, marker: str) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip().startswith(marker)]
    return lines[0][:300] if lines else ""


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--report", type=Path, help="append the outcomes to these chaos records")
    parser.add_argument("--only", action="append", help="run only this mutant (repeatable)")
    args = parser.parse_args(argv)
    bad = 0
    chosen = [m for m in MUTANTS if not args.only or m.name in args.only]
    if args.report:
        with open(args.report, "a", encoding="utf-8") as f:
            f.write(json.dumps({"record": "mutants", "names": [m.name for m in chosen]}) + "\n")
    for mutant in chosen:
        try:
            outcome = run_mutant(mutant)
        except ValueError as exc:
            outcome = {"killed": False, "by": "", "message": str(exc), "seconds": 0}
        bad += not outcome["killed"]
        verdict = "killed" if outcome["killed"] else "SURVIVED"
        print(f"{mutant.name:26} {verdict:8} by {outcome['by']} ({outcome['seconds']} s): "
              f"{outcome['message']}", flush=True)
        for test, said in outcome.get("kill_only", {}).items():
            print(f"{'':26} kill-only {test}: {said}", flush=True)
        if args.report:
            with open(args.report, "a", encoding="utf-8") as f:
                f.write(json.dumps({"record": "mutant", "name": mutant.name, "what": mutant.what,
                                    **outcome}, ensure_ascii=False) + "\n")
    print(f"{bad} mutant(s) survived" if bad else "every mutant killed")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
