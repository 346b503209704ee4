"""The organisation's results report as a PDF, read back with pypdf."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from common.documents.report import OrganisationReport, ReportRow, render_organisation_report
from common.i18n import LANGUAGES, t

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІ"

# Original sample data; between them the names carry every Kazakh-specific capital letter.
ROWS = (
    ReportRow("ТЖК-2026-00417", "Әбілқасымова Ұлжан Нұрланқызы", "scored", 27.0, 30.0),
    ReportRow("ТЖК-2026-00418", "Қожахметов Ғалым Һидаятұлы", "scored", 18.5, 30.0),
    ReportRow("ТЖК-2026-00419", "Үмбетова Іңкәр Өмірзаққызы", "absent", None, None, absence_reason="illness"),
    ReportRow("ТЖК-2026-00420", "Сейітқазы Аружан Бекболатқызы", "absent", None, None, absence_reason="competition"),
    ReportRow("ТЖК-2026-00421", "Ережепов Нұрсұлтан Ерікұлы", "voided", None, None, void_reason="confiscation"),
    ReportRow("ТЖК-2026-00422", "Тілеубердиев Ерасыл", "voided", None, None, void_reason="impostor"),
)

REPORT = OrganisationReport(
    organisation_code="0631-017",
    organisation_name="№ 17 «ЖАҢА ҒАСЫР» мектеп-гимназиясы",
    grade="4",
    language_of_instruction="kk",
    monitoring_date=date(2026, 4, 14),
    due_date=date(2026, 4, 17),
    generated_at=datetime(2026, 4, 15, 4, 0, tzinfo=timezone.utc),
    rows=ROWS,
)


def read_back(pdf: bytes, tmp_path: Path, name: str) -> PdfReader:
    path = tmp_path / name
    path.write_bytes(pdf)
    return PdfReader(path)


def words(text: str) -> str:
    return " ".join(text.split())


def text_of(reader: PdfReader) -> str:
    return words(" ".join(page.extract_text() for page in reader.pages))


@pytest.mark.parametrize("lang", LANGUAGES)
def test_report(lang: str, tmp_path: Path) -> None:
    reader = read_back(render_organisation_report(REPORT, lang), tmp_path, f"report_{lang}.pdf")
    text = text_of(reader)
    assert words(t("report.title", lang)) in text
    assert REPORT.organisation_name in text
    assert REPORT.organisation_code in text
    for row in ROWS:
        assert row.full_name in text
        assert row.individual_code in text
    for status in ("scored", "absent", "voided"):
        assert t(f"status.{status}", lang) in text
    for reason in ("absence.illness", "absence.competition"):
        assert words(t(reason, lang)) in text
    for reason in ("void.confiscation", "void.impostor"):
        assert words(t(reason, lang)) in text
    assert words(t("report.note_legal", lang)) in text
    decimal = "," if lang in ("kk", "ru") else "."
    assert "27 / 30" in text and f"18{decimal}5 / 30" in text
    assert f"90{decimal}0" not in text and "90" in text  # 27/30 = 90 %
    # mean of the two scored: 22.75 points, 75.8 %
    assert f"22{decimal}8" in text and f"75{decimal}8 %" in text
    fonts = set()
    for page in reader.pages:
        fonts |= {str(ref.get_object()["/BaseFont"]) for ref in page["/Resources"]["/Font"].values()}
    assert fonts and all("DejaVu" in f for f in fonts), fonts
    if lang == "kk":
        missing = [c for c in KAZAKH_LETTERS if c not in text]
        assert not missing, f"Kazakh letters lost: {missing}"


def test_report_summary_counts(tmp_path: Path) -> None:
    text = text_of(read_back(render_organisation_report(REPORT, "en"), tmp_path, "en.pdf"))
    assert f"{t('report.summary.students', 'en')} 6" in text
    assert f"{t('report.summary.absent', 'en')} 2" in text
    assert f"{t('report.summary.voided', 'en')} 2" in text
    assert f"{t('report.summary.scored', 'en')} 2" in text
    assert "14 April 2026" in text and "17 April 2026" in text
    assert "15 April 2026, 09:00" in text  # generated 04:00 UTC, printed in Kazakhstan time


@pytest.mark.parametrize("lang, name, grade", [("kk", "Кешенді тестілеу", "4-сынып"),
                                               ("ru", "Комплексное тестирование", "4 класс"),
                                               ("en", "Complex testing", "Grade 4")])
def test_the_tests_name_and_grade_are_in_the_reports_language(lang, name, grade, tmp_path: Path) -> None:
    text = text_of(read_back(render_organisation_report(REPORT, lang), tmp_path, f"{lang}.pdf"))
    assert name in text and grade in text
    assert words(t("report.issuer", lang))[:40] in text


def test_exempt_students_are_not_counted_absent(tmp_path: Path) -> None:
    rows = (*ROWS, ReportRow("ТЖК-2026-00423", "Әлиев Дәулет", "absent", None, None, absence_reason="home_schooling"))
    text = text_of(read_back(render_organisation_report(replace(REPORT, rows=rows), "en"), tmp_path, "ex.pdf"))
    assert f"{t('report.summary.absent', 'en')} 2" in text  # illness and competition only
    assert f"{words(t('report.summary.exempt', 'en'))} 1" in text and t("status.exempt", "en") in text


def test_same_report_gives_same_bytes() -> None:
    assert render_organisation_report(REPORT, "kk") == render_organisation_report(REPORT, "kk")


def test_long_report_breaks_across_pages_and_repeats_its_header(tmp_path: Path) -> None:
    rows = tuple(
        ReportRow(f"ТЖК-2026-{i:05d}", f"Оқушы {i:03d} Қайратұлы", "scored", float(i % 31), 30.0)
        for i in range(120)
    )
    reader = read_back(render_organisation_report(replace(REPORT, rows=rows), "kk"), tmp_path, "long.pdf")
    assert len(reader.pages) > 1
    header = t("report.col.status", "kk")
    for number, page in enumerate(reader.pages, 1):
        text = words(page.extract_text())
        assert header in text, f"page {number} lacks the table header"
        assert t("doc.page", "kk", page=number, pages=len(reader.pages)) in text
    text = text_of(reader)
    assert all(row.individual_code in text for row in rows)


def test_empty_report_renders(tmp_path: Path) -> None:
    reader = read_back(render_organisation_report(replace(REPORT, rows=()), "ru"), tmp_path, "empty.pdf")
    assert t("report.title", "ru") in text_of(reader)


@pytest.mark.parametrize("row", [
    ReportRow("X", "Y", "passed", 1.0, 2.0),
    ReportRow("X", "Y", "scored", None, None),
    ReportRow("X", "Y", "absent", None, None, absence_reason="holiday"),
    ReportRow("X", "Y", "voided", None, None, void_reason="cheating"),
])
def test_bad_rows_are_refused(row: ReportRow) -> None:
    with pytest.raises(ValueError):
        render_organisation_report(replace(REPORT, rows=(row,)), "kk")


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        render_organisation_report(REPORT, "de")


def test_page_renders_to_a_picture(tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(render_organisation_report(REPORT, "kk"))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    png = tmp_path / "page.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000
