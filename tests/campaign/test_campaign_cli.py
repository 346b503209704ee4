"""`central-scorer sample`, `campaign ...` and `notices`, run through the real command line."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
from pypdf import PdfReader

from central_scorer.cli.main import main

DATA = Path(__file__).resolve().parent.parent / "data" / "working_lists"
NATIONAL = DATA / "national_sample.csv"


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def pdf_text(path: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(path).pages)


def test_sample_prints_the_selection_and_writes_pdf_and_xlsx(capsys, tmp_path):
    code, out, _ = run(capsys, "sample", str(NATIONAL), "--share", "0.25", "--seed", "7",
                       "--year", "2026", "--grade", "4", "--json",
                       "--pdf", str(tmp_path / "a.pdf"), "--xlsx", str(tmp_path / "a.xlsx"))
    assert code == 0
    result = json.loads(out)
    assert result["seed"] == 7 and result["share"] == "0.25"
    assert len(result["selected"]) == result["target"] == 23
    assert sum(s["drawn"] for s in result["strata"]) == 23
    for stratum in result["strata"]:
        assert {"stratum", "eligible", "excluded", "drawn"} <= set(stratum)

    text = pdf_text(tmp_path / "a.pdf")
    assert "2026 жылы ББЖМ-ға қатысатын білім беру ұйымдарын іріктеу нәтижесі" in text
    assert "ББЖМ іріктеуі 2026, seed 7" in text
    assert all(code in text for code in result["selected"])
    assert "Ғ. Мүсірепов" in text or "Ы. Алтынсарин" in text or "жалпы білім беретін мектеп" in text

    book = openpyxl.load_workbook(tmp_path / "a.xlsx", read_only=True)
    selected_sheet = book.worksheets[2]
    codes = [row[1] for row in selected_sheet.iter_rows(min_row=2, values_only=True)]
    assert codes == result["selected"]
    strata_rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert len(strata_rows) == len(result["strata"])
    assert sum(r[-1] for r in strata_rows) == 23
    book.close()

    # The same list and seed again: the same bytes, in the JSON, the PDF and the XLSX.
    code, again, _ = run(capsys, "sample", str(NATIONAL), "--share", "0.25", "--seed", "7",
                         "--year", "2026", "--grade", "4", "--json",
                         "--pdf", str(tmp_path / "b.pdf"), "--xlsx", str(tmp_path / "b.xlsx"))
    assert again == out
    assert (tmp_path / "a.pdf").read_bytes() == (tmp_path / "b.pdf").read_bytes()
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_sample_needs_no_centre(capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "sample", str(DATA / "kazakh_bom.tsv"), "--seed", "1", "--year", "2026")
    assert code == 0 and "seed 1" in out
    assert not (tmp_path / "var").exists()


def test_sample_without_a_seed_draws_one_and_records_it(capsys):
    code, out, _ = run(capsys, "sample", str(NATIONAL), "--year", "2026", "--json")
    assert code == 0
    seed = json.loads(out)["seed"]
    _, again, _ = run(capsys, "sample", str(NATIONAL), "--year", "2026", "--json", "--seed", str(seed))
    assert again == out


def test_a_bad_list_is_refused_naming_rows_and_fields(capsys):
    code, out, err = run(capsys, "sample", str(DATA / "broken.csv"), "--seed", "1", "--year", "2026", "--json")
    assert code == 2 and out == ""
    error = json.loads(err)
    assert {"row": 4, "field": "code", "message": "duplicate of row 2"} in error["problems"]
    assert len(error["problems"]) == 8


def test_a_bad_share_is_refused(capsys):
    code, _, err = run(capsys, "sample", str(NATIONAL), "--seed", "1", "--year", "2026", "--share", "2", "--json")
    assert code == 2 and "at most 1" in json.loads(err)["message"]


def test_the_campaign_at_the_centre_days_notices_and_one_draw_only(capsys, tmp_path):
    centre_dir = str(tmp_path / "central")
    assert run(capsys, "--data-dir", centre_dir, "init", "--centre-id", "KZ-NTC-TEST")[0] == 0
    code, out, _ = run(capsys, "--data-dir", centre_dir, "campaign", "open", str(NATIONAL),
                       "--year", "2026", "--grade", "4", "--seed", "7",
                       "--first-day", "2026-04-13", "--last-day", "2026-04-17",
                       "--pdf", str(tmp_path / "selection.pdf"))
    assert code == 0, out
    opened = json.loads(out)
    assert opened["selected"] == 23 and opened["seed"] == 7
    assert opened["first_test_day"] == "2026-04-13"
    assert opened["notice_deadline"] == "2026-03-13"
    assert sum(opened["per_day"].values()) == 23 and len(opened["per_day"]) == 5
    assert (tmp_path / "selection.pdf").exists()

    # The published selection equals what `sample` prints for the same list and seed.
    _, sampled, _ = run(capsys, "sample", str(NATIONAL), "--seed", "7", "--year", "2026", "--json")
    _, shown, _ = run(capsys, "--data-dir", centre_dir, "campaign", "show", "--year", "2026", "--grade", "4")
    shown = json.loads(shown)
    assert sorted(o["code"] for o in shown["organisations"]) == json.loads(sampled)["selected"]
    first = shown["organisations"][0]
    assert first["results_due"] == {
        "2026-04-13": "2026-04-16", "2026-04-14": "2026-04-17", "2026-04-15": "2026-04-20",
        "2026-04-16": "2026-04-21", "2026-04-17": "2026-04-22"}[first["test_day"]]

    code, _, err = run(capsys, "--data-dir", centre_dir, "campaign", "open", str(NATIONAL),
                       "--year", "2026", "--grade", "4", "--seed", "8", "--json")
    assert code == 2 and "already open" in json.loads(err)["message"]

    code, _, err = run(capsys, "--data-dir", centre_dir, "campaign", "set-day", "--year", "2026",
                       "--grade", "4", "--organisation", first["code"], "--day", "2026-04-18", "--json")
    assert code == 2 and "not a working day" in json.loads(err)["message"]
    code, out, _ = run(capsys, "--data-dir", centre_dir, "campaign", "set-day", "--year", "2026",
                       "--grade", "4", "--organisation", first["code"], "--day", "2026-04-28")
    assert code == 0 and json.loads(out)["notice_deadline"] == "2026-03-27"

    code, out, _ = run(capsys, "--data-dir", centre_dir, "notices", "--year", "2026", "--grade", "4",
                       "--out", str(tmp_path / "notices"), "--lang", "kk", "ru", "en",
                       "--date", "2026-03-10", "--organisation", first["code"])
    assert code == 0
    written = json.loads(out)
    assert written["late"] == []
    files = written["notices"][0]["files"]
    assert len(files) == 3
    kk, ru, en = (pdf_text(Path(f)) for f in files)
    assert "Білім алушылардың білім жетістіктерінің мониторингін (ББЖМ) өткізу туралы хабарлама" in kk
    assert "2026 жылғы 28 сәуір" in kk and first["name"] in kk
    assert "оқу сауаттылығы, математикалық сауаттылық" in kk
    assert "Уведомление о проведении мониторинга" in ru and "28 апреля 2026 г." in ru
    assert "компьютерные классы" in ru
    assert "Notice of the monitoring" in en and "28 April 2026" in en
    assert "2026-4-" + first["code"] in en

    code, out, _ = run(capsys, "--data-dir", centre_dir, "notices", "--year", "2026", "--grade", "4",
                       "--out", str(tmp_path / "late"), "--date", "2026-04-01")
    assert code == 0
    late = json.loads(out)
    assert len(late["notices"]) == 23 and len(late["late"]) == 23  # after every deadline
