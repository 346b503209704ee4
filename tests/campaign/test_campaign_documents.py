"""The notice and the published selection as PDFs, read back with pypdf and drawn to a picture."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from common.documents.notice import Notice, render_notice
from common.documents.selection import SelectionDocument, StratumRow, render_selection

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІ"


def notice(**changes) -> Notice:
    values = dict(
        number="2026-9-300001", year=2026, organisation_code="300001",
        organisation_name="Әбу Насыр әл-Фараби атындағы мектеп", region="Ұлытау облысы",
        district="Жезқазған", grade="9", language_of_instruction="mixed", contingent=48,
        test_day=dt.date(2026, 4, 14), results_due=dt.date(2026, 4, 17),
        issued_on=dt.date(2026, 3, 2), deadline=dt.date(2026, 3, 13))
    values.update(changes)
    return Notice(**values)


def text_of(pdf: bytes, tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(pdf)
    reader = PdfReader(path)
    fonts = {str(f.get("/BaseFont")) for page in reader.pages
             for f in (page["/Resources"].get("/Font") or {}).values()}
    assert all("DejaVu" in f for f in fonts), fonts  # embedded, never a base-14 font
    return " ".join(" ".join(p.extract_text().split()) for p in reader.pages)


@pytest.mark.parametrize(("lang", "expected"), [
    ("kk", ["хабарлама", "2026 жылғы 14 сәуір", "оқу сауаттылығы (қазақ, орыс және ағылшын тілдерінде)",
            "аралас (қазақ/орыс)", "12-тармақ"]),
    ("ru", ["Уведомление", "14 апреля 2026 г.", "читательская грамотность (на казахском, русском",
            "смешанный (казахский/русский)", "п. 12"]),
    ("en", ["Notice of the monitoring", "14 April 2026", "reading literacy (in Kazakh, Russian and English)",
            "mixed (Kazakh/Russian)", "§12"]),
])
def test_the_notice_in_each_language(lang, expected, tmp_path):
    text = text_of(render_notice(notice(), lang), tmp_path, f"n-{lang}.pdf")
    for phrase in expected:
        assert phrase in text, phrase
    assert "Әбу Насыр әл-Фараби" in text and "Ұлытау облысы" in text


def test_the_notice_is_deterministic_and_refuses_an_unknown_grade():
    assert render_notice(notice(), "kk") == render_notice(notice(), "kk")
    with pytest.raises(ValueError, match="grade"):
        render_notice(notice(grade="11"), "kk")


def test_every_kazakh_letter_prints(tmp_path):
    text = text_of(render_notice(notice(organisation_name="Әғқңөұүһі " + KAZAKH_LETTERS), "kk"),
                   tmp_path, "letters.pdf")
    assert all(letter in text for letter in KAZAKH_LETTERS)


def test_a_selection_with_nobody_selected_says_so(tmp_path):
    doc = SelectionDocument(
        year=2026, grade="college-2", share="0.25", seed=5, list_sha256="ab" * 32, bands=(20, 60, 120),
        organisations=2, excluded=2, eligible=0, target=0,
        strata=(StratumRow("city", "college", "ru", "61-120", 2, 2, 0, "0", 0),), selected=())
    for lang, phrase in (("kk", "Ешбір ұйым іріктелмеді."), ("ru", "Ни одна организация не отобрана."),
                         ("en", "No organisation was selected.")):
        text = text_of(render_selection(doc, lang), tmp_path, f"s-{lang}.pdf")
        assert phrase in text and "ab" * 32 in text.replace(" ", "")  # the hash wraps


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils is not installed")
def test_the_notice_draws_to_a_picture(tmp_path):
    (tmp_path / "n.pdf").write_bytes(render_notice(notice(), "kk"))
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(tmp_path / "n.pdf"), str(tmp_path / "n")],
                   check=True, timeout=60)
    pages = sorted(tmp_path.glob("n*.png"))
    assert len(pages) == 1 and pages[0].stat().st_size > 5000
