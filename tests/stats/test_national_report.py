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
        # the city − village gap, from the same replicates: the simulated country puts it near
        # 0.5 θ (50 points), significant
        gap = {"kk": "Топтар арасындағы айырмашылықтар", "ru": "Различия между группами"}[lang]
        assert gap in text and re.search(r"−\s*\S+\s+\d+ \(\d+,\d\) \*", text), "the gap with its SE"
        # nothing identifying an organisation or a student
        assert not any(c in text for c in codes) and "Student" not in text
        book = load_workbook(next(p for p in files if p.name.endswith(f"-{lang}.xlsx")), read_only=True)
        withheld = shown = 0
        gaps = [list(r) for r in book["gaps"].iter_rows(values_only=True)]
        assert any(str(r[1]).endswith(" *") and FIGURE.match(str(r[1])[:-2]) for r in gaps[2:]), gaps
        for sheet in [w for w in book.worksheets if w.title[0].isdigit()]:  # the tables
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
    assert err.count("\n") == 1 and err.startswith("central-scorer: national: доклад не составлен") and "Traceback" not in err
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
        # the command's own code on this centre (main() would open a second engine and leave it open)
        from central_scorer.reports.national import make_national_report

        done = make_national_report(centre, 2026, "4", "mathematical_literacy", langs=("kk",))
        national = next(tb for tb in done.report.tables if tb.dimensions == ("region",)).rows[-1]
        assert done.report.students == stored["scored"] and national.mean == pytest.approx(500, abs=0.01)
        assert all(p.stat().st_size > 0 for p in done.files)
    finally:
        centre.engine.dispose()


def test_item_matrix_is_the_same_whatever_the_stream_partition(two_years) -> None:
    """item_matrix scatters the stream a partition at a time; a student's rows split across two
    partitions must land in one row (batch 7 splits nearly every student)."""
    from central_scorer.scores.read import item_matrix

    centre, _ = two_years
    with centre.read() as s:
        whole = item_matrix(s, 2026, "4", "mathematical_literacy")
        split = item_matrix(s, 2026, "4", "mathematical_literacy", batch=7)
    assert whole.result_ids == split.result_ids and whole.students == split.students
    assert np.array_equal(whole.scores, split.scores, equal_nan=True)
    assert np.array_equal(whole.status, split.status)
    assert whole.scores.shape == (len(set(whole.result_ids)), 20) and not np.isnan(whole.scores).all(axis=1).any()


def test_the_selection_records_each_organisations_inclusion_probability(two_years) -> None:
    """`campaign open` stores π = drawn / organisations of the stratum beside each selected
    organisation (migration 0007_i19); the published selection says the same."""
    from sqlalchemy import select

    from common.storage.central_models import Campaign, CampaignOrganisation

    centre, _ = two_years
    with centre.read() as s:
        campaign = s.scalar(select(Campaign).where(Campaign.year == 2026, Campaign.grade == "4"))
        strata = {x["stratum"]: x for x in json.loads(campaign.selection_json)["strata"]}
        rows = s.scalars(select(CampaignOrganisation).where(CampaignOrganisation.campaign_id == campaign.id)).all()
    assert rows and all(r.inclusion_probability is not None for r in rows)
    for r in rows:
        published = strata[r.stratum]
        assert r.inclusion_probability == pytest.approx(published["drawn"] / published["organisations"])
    # the pilot year's exclusions make the city strata's probability lower than the villages'
    city = [r.inclusion_probability for r in rows if r.territory == "city" and r.type == "school"]
    village = [r.inclusion_probability for r in rows if r.territory == "village" and r.type == "school"]
    assert max(city) < min(village)
