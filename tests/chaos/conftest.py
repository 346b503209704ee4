"""The fault and attack suite (issues 11 and 16): every test here injects a fault or tries an attack
and records what happened through the `chaos` fixture.

`make test` runs the quick version (a few injections each). `make chaos` sets CHAOS_FULL=1 (the full
counts, e.g. 200 kiosk power cuts) and CHAOS_REPORT=<file>; `tests/chaos/write_report.py` then turns
the records into docs/RELIABILITY.md.

The records are written whatever the outcome, so the report can show a failure:
- a test records its rows with what it measured (injected, survived, lost) *before* it asserts;
- when a test ends, a `test` record says how it ended (passed, failed, skipped and why) and how
  many rows it wrote; a failing test's message goes with it;
- the session's first record lists every collected test, so a test whose records are missing
  (deleted, or a crash of the run) fails the report as well.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest

FULL = os.environ.get("CHAOS_FULL") == "1"
REPORT = os.environ.get("CHAOS_REPORT")
HERE = Path(__file__).parent
KINDS = ("crash", "power", "network", "disk", "refused")


def _kind_of(area: str) -> str:
    area = area.lower()
    for kind, words in (("power", ("power",)), ("network", ("network",)), ("disk", ("disk",)),
                        ("crash", ("faults",))):
        if any(w in area for w in words):
            return kind
    return "refused"


def write_record(record: dict) -> None:
    """Append one record to the run's file (fsynced: the report must not lose it either)."""
    if not REPORT:
        return
    Path(REPORT).parent.mkdir(parents=True, exist_ok=True)
    with open(REPORT, "a", encoding="utf-8") as f:
        f.write(json.dumps(record, ensure_ascii=False) + "\n")
        f.flush()
        os.fsync(f.fileno())


@dataclass
class Chaos:
    test: str = ""
    full: bool = FULL
    rows: list[dict] = field(default_factory=list)

    def times(self, quick: int, full: int) -> int:
        """How many times to inject: `quick` in `make test`, `full` in `make chaos`."""
        return full if self.full else quick

    def record(self, area: str, fault: str, injected: int, survived: int, lost: int = 0,
               note: str = "", kind: str | None = None) -> None:
        """One row of docs/RELIABILITY.md, written before the test's assertions.

        `injected` counts distinct injections (say in `note` what one is); `survived` those after
        which every check held (for attacks: refused with the expected message and nothing
        stored); `lost` counts confirmed answers (or stored records) that went missing. `kind`
        is crash, power, network, disk (real faults) or refused (bad inputs and attacks).
        """
        kind = kind or _kind_of(area)
        assert kind in KINDS, kind
        row = {"record": "row", "test": self.test, "area": area, "fault": fault,
               "injected": injected, "survived": survived, "lost": lost, "note": note,
               "kind": kind, "full": self.full}
        self.rows.append(row)
        write_record(row)


@pytest.fixture
def chaos(request) -> Chaos:
    return Chaos(test=request.node.nodeid)


def _is_chaos(item) -> bool:
    return HERE in Path(str(item.fspath)).parents


def pytest_collection_modifyitems(items):
    for item in items:
        if _is_chaos(item):
            item.add_marker(pytest.mark.chaos)


def pytest_collection_finish(session):
    tests = [item.nodeid for item in session.items if _is_chaos(item)]
    if tests:
        write_record({"record": "session", "tests": tests, "full": FULL})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if not _is_chaos(item):
        return report
    outcomes = item.stash.setdefault(_OUTCOME, [])
    if report.failed:
        outcomes.append(("failed", f"{report.when}: {_short(report)}"))
    elif report.skipped:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        outcomes.append(("skipped", reason.removeprefix("Skipped: ")))
    if report.when == "teardown":
        chaos = item.funcargs.get("chaos") if hasattr(item, "funcargs") else None
        rows = len(chaos.rows) if isinstance(chaos, Chaos) else 0
        failed = [m for o, m in outcomes if o == "failed"]
        skipped = [m for o, m in outcomes if o == "skipped"]
        outcome = "failed" if failed else "skipped" if skipped else "passed"
        write_record({"record": "test", "test": item.nodeid, "outcome": outcome, "rows": rows,
                      "message": (failed or skipped or [""])[0][:600], "full": FULL})
    return report


_OUTCOME = pytest.StashKey[list]()


def _short(report) -> str:
    crash = getattr(report.longrepr, "reprcrash", None)
    if crash is not None:
        return crash.message.splitlines()[0] if crash.message else str(crash)
    return str(report.longrepr).strip().splitlines()[-1] if report.longrepr else "failed"
