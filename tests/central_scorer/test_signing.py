"""Signed outputs: a report PDF (PAdES) and an export (detached CMS) verify with `central-scorer
verify`; one changed byte does not; a print-to-PDF copy is a new, unsigned file."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from central_scorer.ingest.bundles import ingest
from central_scorer.reports.batch import due_tasks, make_reports
from common.storage.central_models import OrganisationReportFile
from tests.central_scorer.rooms import sat_room

YEAR = dt.date.today().year


def verify(centre, *args: str) -> tuple[int, dict]:
    env = {**os.environ, "CBT_CENTRE_DATABASE_URL": centre.engine.url.render_as_string(hide_password=False)}
    done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                           "verify", *args], capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in done.stderr, done.stderr
    return done.returncode, json.loads(done.stdout) if done.stdout.strip() else {}


@pytest.mark.parametrize("centre", ["sqlite"], indirect=True)
def test_a_signed_report_verifies_and_one_changed_byte_does_not(tmp_path, centre):
    ingest(centre, sat_room(tmp_path, centre, "100200", "R-A", 3).read_bytes())
    make_reports(centre, due_tasks(centre))
    with centre.read() as s:
        files = {f.kind: f.path for f in s.scalars(select(OrganisationReportFile).where(OrganisationReportFile.lang == "kk"))}
    pdf, table = files["pdf"], files["csv"]
    code, out = verify(centre, pdf)
    assert code == 0 and out["valid"] and out["kind"] == "pdf" and "Ұлттық тестілеу орталығы" in out["signer"]
    code, out = verify(centre, table)  # beside it: FILE.p7s
    assert code == 0 and out["kind"] == "detached"

    raw = Path(pdf).read_bytes()
    for where in (len(raw) // 5, len(raw) // 2, raw.index(b"/Producer") + 12):  # content, middle, metadata
        bad = bytearray(raw)
        bad[where] ^= 0x01
        (tmp_path / "bad.pdf").write_bytes(bytes(bad))
        code, out = verify(centre, str(tmp_path / "bad.pdf"))
        assert code == 3 and out["valid"] is False, where
    data = Path(table).read_bytes()
    (tmp_path / "bad.csv").write_bytes(data.replace(b",6,", b",7,", 1))
    shutil.copy(table + ".p7s", tmp_path / "bad.csv.p7s")
    code, out = verify(centre, str(tmp_path / "bad.csv"))
    assert code == 3 and out["valid"] is False

    if shutil.which("pdftocairo"):  # print to PDF: the copy carries no signature, and says so
        subprocess.run(["pdftocairo", "-pdf", pdf, str(tmp_path / "printed.pdf")], check=True, timeout=60)
        code, out = verify(centre, str(tmp_path / "printed.pdf"))
        assert code == 3 and "no signature" in out["message"]
    if shutil.which("openssl"):  # the detached signature is plain CMS: another tool checks it too
        done = subprocess.run(["openssl", "cms", "-verify", "-binary", "-inform", "DER", "-in", table + ".p7s",
                               "-content", table, "-CAfile", str(centre.root / "keys" / "centre-documents.crt"),
                               "-purpose", "any", "-out", "/dev/null"], capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
