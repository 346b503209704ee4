"""The fault and attack suite (issue 11): every test here injects a fault or tries an attack and
records what happened through the `chaos` fixture.

`make test` runs the quick version (a few injections each). `make chaos` sets CHAOS_FULL=1 (the full
counts, e.g. 200 kiosk kills) and CHAOS_REPORT=<file>; `tests/chaos/write_report.py` then turns the
records into docs/RELIABILITY.md. A record is written only after the test's own assertions ran, so a
row in the report is a measured outcome, never a claim.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FULL = os.environ.get("CHAOS_FULL") == "1"
REPORT = os.environ.get("CHAOS_REPORT")


@dataclass
class Chaos:
    full: bool = FULL
    rows: list[dict] = field(default_factory=list)

    def times(self, quick: int, full: int) -> int:
        """How many times to inject: `quick` in `make test`, `full` in `make chaos`."""
        return full if self.full else quick

    def record(self, area: str, fault: str, injected: int, survived: int, lost: int = 0,
               note: str = "") -> None:
        """One row of docs/RELIABILITY.md. `survived` counts injections after which every check
        held (for attacks: refused with the expected message and nothing stored); `lost` counts
        confirmed answers (or stored records) that went missing."""
        row = {"area": area, "fault": fault, "injected": injected, "survived": survived,
               "lost": lost, "note": note, "full": self.full}
        self.rows.append(row)
        if REPORT:
            Path(REPORT).parent.mkdir(parents=True, exist_ok=True)
            with open(REPORT, "a", encoding="utf-8") as f:
                f.write(json.dumps(row, ensure_ascii=False) + "\n")
                f.flush()
                os.fsync(f.fileno())


@pytest.fixture
def chaos() -> Chaos:
    return Chaos()


def pytest_collection_modifyitems(items):
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.chaos)
