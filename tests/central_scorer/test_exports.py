"""Staff exports: what the centre stored, as CSV and XLSX, voids marked and never scored."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from central_scorer.ingest.bundles import ingest
from proctor_console.room import sealing


def test_csv_and_xlsx_exports_mark_voids_and_absences(day, tmp_path):
    ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    outputs = {}
    for suffix, lang in ((".csv", "ru"), (".xlsx", "kk")):
        out = tmp_path / f"results{suffix}"
        url = day.centre.engine.url.render_as_string(hide_password=False)
        done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir",
                               str(day.centre.root), "--database-url", url,
                               "export", "--organisation", "100200",
                               "--out", str(out), "--lang", lang],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        outputs[suffix] = out
    with open(outputs[".csv"], encoding="utf-8-sig", newline="") as fh:
        table = list(csv.reader(fh))
    assert table[0][0] == "ИКТ" and len(table) == 1 + 6
    by_code = {row[0]: row for row in table[1:]}
    voided = by_code[day.credentials[1]["individual_code"]]
    assert voided[2] == "результат аннулирован" or "аннулир" in voided[2]
    assert voided[3] == "" and voided[5] == ""  # a voided result is never shown as a score
    absent = by_code[day.credentials[0]["individual_code"]]
    assert "олимпиад" in absent[6]

    book = load_workbook(outputs[".xlsx"], read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    book.close()
    assert rows[0][0] == "ТЖК" and len(rows) == 7
    scored = [r for r in rows[1:] if r[3] is not None]
    assert len(scored) == 4 and all(r[3] == 6.0 and r[4] == 18.0 for r in scored)
