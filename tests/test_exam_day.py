"""The acceptance scenario of the walking skeleton, run exactly as a person runs it:
`cbt-demo --headless --students 30 --json`, every program a real process, every link real."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader

KAZAKH = set("ӘҒҚҢӨҰҮІ")


@pytest.mark.slow
def test_one_exam_day_end_to_end(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "cbt_demo.cli", "--headless", "--students", "30", "--json",
         "--work-dir", str(tmp_path / "day")],
        capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    s = json.loads(done.stdout)
    assert (s["students"], s["absent"], s["voided"], s["scored"]) == (30, 1, 2, 27)
    assert s["resumed"] == 1
    crash = s["crash"]  # the killed kiosk found every answer it had confirmed in its journal
    assert crash["recovered_from_journal"] >= crash["confirmed_before_kill"] == 4
    assert s["lost_answers"] == 0, s["lost_detail"]
    assert s["score_mismatches"] == 0
    assert s["central"]["scored"] == 27 and s["central"]["voided"] == 2
    assert s["central"]["ingest"]["status"] == "stored"

    bundle = Path(s["bundle"]["path"])
    import hashlib

    assert hashlib.sha256(bundle.read_bytes()).hexdigest() == s["bundle"]["sha256"]
    assert len(s["acts"]) == 2
    titles = []
    for path in s["acts"]:
        text = PdfReader(path).pages[0].extract_text()
        titles.append(text)
        assert "Акт" in text or "акт" in text
    assert any("тәркілен" in t for t in titles) and any("бөгде" in t for t in titles)
    report = "".join(p.extract_text() for p in PdfReader(s["report"]).pages)
    assert "Абай атындағы № 45 мектеп-гимназия" in report
    assert KAZAKH & set(report), "Kazakh letters must survive into the report's text"
