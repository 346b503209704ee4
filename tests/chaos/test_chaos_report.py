"""The chaos report can fail: a failed test, a loss, a surviving mutant or a deleted record is
shown at the top of docs/RELIABILITY.md and makes write_report.py (and so `make chaos`) exit 1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent / "write_report.py"
T1, T2 = "tests/chaos/test_a.py::test_one", "tests/chaos/test_b.py::test_two"


def records() -> list[dict]:
    row = {"record": "row", "area": "Faults: power", "fault": "cut", "injected": 5, "survived": 5,
           "lost": 0, "note": "", "kind": "power", "full": True}
    return [
        {"record": "session", "tests": [T1, T2], "full": True},
        {**row, "test": T1}, {**row, "test": T1, "fault": "another cut"},
        {"record": "test", "test": T1, "outcome": "passed", "rows": 2, "message": ""},
        {**row, "test": T2, "area": "Attacks", "kind": "refused", "fault": "bad input"},
        {"record": "test", "test": T2, "outcome": "passed", "rows": 1, "message": ""},
        {"record": "mutants", "names": ["m1"]},
        {"record": "mutant", "name": "m1", "what": "fsync removed", "killed": True,
         "by": "test_a.py", "message": "AssertionError: lost", "seconds": 3},
    ]


def run(tmp_path: Path, recs: list[dict]) -> tuple[int, str]:
    src, dst = tmp_path / "chaos.jsonl", tmp_path / "RELIABILITY.md"
    src.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    done = subprocess.run([sys.executable, str(SCRIPT), str(src), str(dst)], capture_output=True,
                          text=True, timeout=60)
    return done.returncode, dst.read_text(encoding="utf-8")


def test_a_complete_run_passes_and_counts_by_kind(tmp_path):
    code, text = run(tmp_path, records())
    assert code == 0, text
    assert "No failure" in text and "❌ FAILURES" not in text
    assert "| power cuts (process killed and unsynced writes lost, torn or garbage) | 10 | 10 | 0 |" in text
    assert "| `m1` | fsync removed | killed |" in text


@pytest.mark.parametrize("index", range(8))
def test_deleting_any_record_fails_the_report(tmp_path, index):
    recs = records()
    del recs[index]
    code, text = run(tmp_path, recs)
    assert code == 1
    assert "❌ FAILURES" in text


def test_a_failed_test_a_loss_and_a_surviving_mutant_are_shown_in_red(tmp_path):
    recs = records()
    recs[1] = {**recs[1], "survived": 4, "lost": 2}
    recs[3] = {**recs[3], "outcome": "failed", "message": "AssertionError: 2 answers lost"}
    recs[7] = {**recs[7], "killed": False, "message": "every test passed"}
    code, text = run(tmp_path, recs)
    assert code == 1
    top = text.split("## Summary")[0]
    assert f"**`{T1}` FAILED: AssertionError: 2 answers lost**" in top
    assert "**Faults: power — cut: 5 injected, 4 survived, 2 lost**" in top
    assert "**mutant `m1` SURVIVED: every test passed**" in top
