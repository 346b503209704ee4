"""Exports: an organisation's table (stable ASCII headers, codes, voids never scored), the
analysts' long and wide files in CSV, XLSX and SPSS .sav (kk and ru value labels)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

from central_scorer.ingest.bundles import ingest
from proctor_console.room import sealing

YEAR = dt.date.today().year


def cli(centre, *args: str) -> subprocess.CompletedProcess:
    url = centre.engine.url.render_as_string(hide_password=False)
    return subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                           *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CBT_CENTRE_DATABASE_URL": url})


def test_the_organisations_table_marks_voids_absences_and_exemptions(day, tmp_path):
    ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    out = tmp_path / "org.csv"
    done = cli(day.centre, "export", "--organisation", "100200", "--year", str(YEAR), "--grade", "4",
               "--out", str(out))
    assert done.returncode == 0, done.stderr
    raw = out.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r\n" not in raw  # one convention: no BOM, \n
    table = list(csv.reader(raw.decode("utf-8").splitlines()))
    assert table[0][:8] == ["individual_code", "full_name", "status", "score", "max_score", "percent",
                            "absence_reason", "void_reason"]
    assert all(h.isascii() for h in table[0]) and len(table) == 1 + 6
    by_code = {row[0]: row for row in table[1:]}
    voided = by_code[day.credentials[1]["individual_code"]]
    assert voided[2] == "voided" and voided[3] == "" and voided[5] == "" and voided[7] == "confiscation"
    assert by_code[day.credentials[0]["individual_code"]][2:7:4] == ["absent", "competition"]
    scored = [row for row in table[1:] if row[2] == "scored"]
    assert len(scored) == 4 and all(row[3] == "6" and row[4] == "18" and row[5] == "33.3" for row in scored)
    surnames = [row[1].split()[0] for row in table[1:]]
    assert surnames == sorted(surnames, key=lambda s: [("аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя".find(c.lower()))
                                                       for c in s])  # by surname, Kazakh alphabet


def test_analysts_exports_long_wide_and_sav(day, tmp_path):
    ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    files = {}
    for form, suffix in (("long", "csv"), ("wide", "csv"), ("wide", "xlsx"), ("wide", "sav")):
        out = tmp_path / f"{form}.{suffix}"
        done = cli(day.centre, "export", "--year", str(YEAR), "--grade", "4", "--form", form, "--out", str(out),
                   "--lang", "ru")
        assert done.returncode == 0, done.stderr
        files[(form, suffix)] = (out, json.loads(done.stdout))
    long = list(csv.DictReader(files[("long", "csv")][0].read_text("utf-8").splitlines()))
    assert files[("long", "csv")][1]["rows"] == len(long) == 4 * 6 + 1  # every answer change, kiosk's order
    assert "full_name" not in long[0] and long[0]["item_id"] and json.loads(long[0]["answer_json"]) is not None
    wide = list(csv.DictReader(files[("wide", "csv")][0].read_text("utf-8").splitlines()))
    assert len(wide) == 6 and {"r1", "m1", "s2", "score_reading_literacy"} <= set(wide[0])
    scored = [r for r in wide if r["status"] == "scored"]
    assert all(r["r3"] == "2" and r["s2"] == "0" and r["score"] == "6" for r in scored)
    assert all(r["r1"] == "" for r in wide if r["status"] != "scored")
    book = load_workbook(files[("wide", "xlsx")][0], read_only=True)
    assert [s for s in book.sheetnames] == [f"wide-{YEAR}-4", "legend"]
    book.close()

    pyreadstat = pytest.importorskip("pyreadstat")
    frame, meta = pyreadstat.read_sav(str(files[("wide", "sav")][0]))
    assert len(frame) == 6 and meta.variable_value_labels["status"]["voided"].startswith("результат")
    kk = tmp_path / "wide-kk.sav"
    assert cli(day.centre, "export", "--year", str(YEAR), "--grade", "4", "--out", str(kk), "--lang", "kk").returncode == 0
    _, meta_kk = pyreadstat.read_sav(str(kk))
    assert meta_kk.variable_value_labels["absence_reason"]["competition"] == \
        "жарыстар мен олимпиадаларға қатысуына байланысты"
    assert meta_kk.column_names_to_labels["individual_code"] == "ТЖК"
