"""The National report's tables (issue 19): a simulated country's two years stored in a centre as
the ingest stores them, `central-scorer national` run as a user runs it, the PDF read back with
pdftotext and the XLSX with openpyxl, in kk and ru."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from openpyxl import load_workbook

from central_scorer.centre import Centre
from central_scorer.cli.main import main
from central_scorer.stats.population.simulate import make_country
from central_scorer.stats.population.simulated_year import store_year

FIGURE = re.compile(r"^-?\d+(,\d)? \(\d+,\d\)$")  # "493 (14,2)": every figure with its SE
SHIFT = 0.25  # the true change of ability between the two years


@pytest.fixture(scope="module")
def two_years(tmp_path_factory):
    root = tmp_path_factory.mktemp("national") / "central"
    centre = Centre(root)
    centre.init("KZ-NTC-TEST")
    rng = np.random.default_rng(5)
    country = make_country(rng, 4, 0.5)
    a, d = rng.uniform(0.7, 1.8, 24), rng.uniform(-1.5, 1.5, 24)
    ids = [f"m{j:02d}" for j in range(24)]
    store_year(centre, country, rng, year=2026, item_ids=ids[:20], a=a[:20], d=d[:20])
    store_year(centre, country, rng, year=2027, item_ids=ids[4:], a=a[4:], d=d[4:], shift=SHIFT)
    return centre, country


def _run(centre, capsys, *args: str) -> tuple[int, str, str]:
    code = main(["--data-dir", str(centre.root), "national", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def _pdf_text(path: Path) -> str:
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def test_national_report_of_a_simulated_year(two_years, capsys) -> None:
    centre, country = two_years
    code, out, err = _run(centre, capsys, "--year", "2026", "--grade", "4", "--lang", "kk", "--lang", "ru")
    assert code == 0, err
    report = json.loads(out)["reports"][0]
    assert report["scale_made"] and report["base_year"] == 2026
    assert report["mean"] == pytest.approx(500.0, abs=0.01) and 3 < report["se"] < 15
    files = [Path(p) for p in report["files"]]
    assert sorted(p.suffix for p in files) == [".pdf", ".pdf", ".xlsx", ".xlsx"]
    codes = {o.code for o in country.organisations}
    for lang, title in (("kk", "Ұлттық баяндама"), ("ru", "Национальный доклад")):
        pdf = next(p for p in files if p.name.endswith(f"-{lang}.pdf"))
        text = _pdf_text(pdf)
        assert title in text and "Ұлытау облысы" in text and "Алматы қаласы" in text
        if lang == "kk":
            assert all(letter in text.lower() for letter in "әғқңөұүі"), "Kazakh letters lost in the PDF"
        assert re.search(r"\b\d{3} \(\d+,\d\)", text), "a mean with its SE"
        # nothing identifying an organisation or a student
        assert not any(c in text for c in codes) and "Student" not in text
        book = load_workbook(next(p for p in files if p.name.endswith(f"-{lang}.xlsx")), read_only=True)
        withheld = shown = 0
        for sheet in book.worksheets[:-1]:
            rows = [list(r) for r in sheet.iter_rows(values_only=True)]
            header = rows[1]
            first = header.index(next(h for h in header if "(SE)" in str(h)))
            for row in rows[2:]:
                figures = [str(v) for v in row[first:]]
                if all(f == "x" for f in figures):
                    withheld += 1
                else:
                    assert all(FIGURE.match(f) for f in figures), row
                    shown += 1
                assert not any(str(v) in codes for v in row)
        assert withheld >= 1 and shown >= 20, (withheld, shown)


def test_a_later_year_is_linked_and_gets_its_trend(two_years, capsys) -> None:
    centre, _ = two_years
    assert _run(centre, capsys, "--year", "2026", "--grade", "4", "--lang", "kk")[0] == 0
    code, out, err = _run(centre, capsys, "--year", "2027", "--grade", "4", "--lang", "ru")
    assert code == 0, err
    report = json.loads(out)["reports"][0]
    assert report["base_year"] == 2026 and not report["scale_made"] and report["linking_error"] > 0
    # the true change is SHIFT in θ, about SHIFT × 100 points on a scale whose SD is about 1 θ
    change = report["mean"] - 500.0
    assert abs(change - 100 * SHIFT) < 3 * np.hypot(report["se"], 8.0), change
    text = _pdf_text(next(Path(p) for p in report["files"] if p.endswith(".pdf")))
    assert "Изменение с базового года" in text and "2026 год" in text


def test_a_year_without_a_campaign_is_one_line_and_nothing_written(two_years, capsys) -> None:
    centre, _ = two_years
    before = sorted((centre.root / "reports").rglob("*")) if (centre.root / "reports").exists() else []
    code, out, err = _run(centre, capsys, "--year", "2031", "--grade", "4", "--direction",
                          "mathematical_literacy", "--lang", "ru")
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("national: доклад не составлен") and "Traceback" not in err
    after = sorted((centre.root / "reports").rglob("*")) if (centre.root / "reports").exists() else []
    assert before == after
    code, _, err = _run(centre, capsys, "--year", "2026", "--grade", "4", "--cuts", "500,400")
    assert code == 2 and "400,475,550,625" in err


@pytest.mark.postgres
def test_the_same_on_postgresql(postgres_url, tmp_path, capsys) -> None:
    """The centre's national database is PostgreSQL: the loader's queries and the report run there."""
    centre = Centre(tmp_path / "central", postgres_url)
    centre.init("KZ-NTC-TEST")
    try:
        rng = np.random.default_rng(7)
        country = make_country(rng, 2, 0.5)
        a, d = rng.uniform(0.7, 1.8, 16), rng.uniform(-1.5, 1.5, 16)
        stored = store_year(centre, country, rng, year=2026, item_ids=[f"m{j:02d}" for j in range(16)], a=a, d=d)
        code = main(["--data-dir", str(centre.root), "--database-url", postgres_url, "national", "--year", "2026",
                     "--grade", "4", "--lang", "kk"])
        out = capsys.readouterr()
        assert code == 0, out.err
        report = json.loads(out.out)["reports"][0]
        assert report["students"] == stored["scored"] and report["mean"] == pytest.approx(500, abs=0.01)
        assert all(Path(p).stat().st_size > 0 for p in report["files"])
    finally:
        centre.engine.dispose()
