"""The two acts (Appendix 1 and 2) as PDFs, read back with pypdf (not with our own writer)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import replace
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from pypdf import PdfReader

from common.documents.acts import render_confiscation_act, render_impostor_act
from common.documents.pdf import format_datetime, local_time
from common.domain.acts import (
    ConfiscationAct,
    FoundItem,
    ImpostorAct,
    ImpostorStage,
    Organisation,
    Person,
)
from common.i18n import LANGUAGES, t

KAZAKH_LETTERS = "ӘҒҚҢӨҰҮҺІ"
REPO = Path(__file__).resolve().parents[2]

# Original sample data; the names carry every Kazakh-specific capital letter between them.
ORG = Organisation(code="0631-017", name="№ 17 «ЖАҢА ҒАСЫР» мектеп-гимназиясы")
TEST_TAKER = Person(surname="Әбілқасымова", name="Ұлжан", patronymic="Нұрланқызы", individual_code="ТЖК-2026-00417")
REPRESENTATIVE = "Қожахметов Ғалым Һидаятұлы"
# 10:35 in Kazakhstan (UTC+5)
DRAWN_UP_AT = datetime(2026, 11, 22, 5, 35, tzinfo=timezone.utc)

CONFISCATION = ConfiscationAct(
    number="A1-2026-0007",
    organisation=ORG,
    drawn_up_at=DRAWN_UP_AT,
    representative=REPRESENTATIVE,
    room="204",
    seat="12",
    test_taker=TEST_TAKER,
    variant="3",
    items=(FoundItem("Ұялы телефон", "Samsung Galaxy A15", 1), FoundItem("Шпаргалка", "—", 2)),
    drawn_up_by=(REPRESENTATIVE, "Үмбетова Іңкәр Өмірзаққызы"),
    language="kk",
)

IMPOSTOR = ImpostorAct(
    number="A2-2026-0002",
    organisation=ORG,
    drawn_up_at=DRAWN_UP_AT,
    representative=REPRESENTATIVE,
    stage=ImpostorStage.DURING_TEST,
    test_taker=TEST_TAKER,
    impostor_full_name="Үмбетова Іңкәр Өмірзаққызы",
    room="204",
    language="kk",
)


def read_back(pdf: bytes, tmp_path: Path, name: str) -> PdfReader:
    path = tmp_path / name
    path.write_bytes(pdf)
    return PdfReader(path)


def text_of(reader: PdfReader) -> str:
    """All pages' text with every run of whitespace (also no-break spaces) made one space."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def squash(text: str) -> str:
    return "".join(text.split())


def base_fonts(reader: PdfReader) -> set[str]:
    fonts = set()
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/FontFile2" in font["/FontDescriptor"].get_object(), f"{font['/BaseFont']} is not embedded"
    return fonts


def check_common(reader: PdfReader, title_key: str, lang: str) -> str:
    text = text_of(reader)
    assert " ".join(t(title_key, lang).split()) in text
    assert TEST_TAKER.full_name in text
    assert TEST_TAKER.individual_code in text
    assert ORG.name in text
    assert ORG.code in text
    assert REPRESENTATIVE in text
    fonts = base_fonts(reader)
    assert fonts and all("DejaVu" in f for f in fonts), fonts
    assert len(reader.pages) == 1, "an act is one A4 page"
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width), round(height)) == (595, 842)  # A4
    if lang == "kk":
        missing = [c for c in KAZAKH_LETTERS if c not in text]
        assert not missing, f"Kazakh letters lost: {missing}"
    return text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_confiscation_act(lang: str, tmp_path: Path) -> None:
    reader = read_back(render_confiscation_act(CONFISCATION, lang), tmp_path, f"act1_{lang}.pdf")
    text = check_common(reader, "act1.title", lang)
    assert " ".join(t("act.appendix_header", lang, n=1).split()) in text
    for item in CONFISCATION.items:
        assert item.name in text and item.brand in text
    assert "Үмбетова Іңкәр Өмірзаққызы" in text  # drew up the act
    assert t("act1.acquainted", lang) in text
    # the date and the local time (10:35 in Kazakhstan, 05:35 UTC), spacing aside
    when = t("act1.datetime", lang, day="22", month=t("month.11", lang), year="2026", hour="10", minute="35")
    assert squash(when) in squash(text)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_impostor_act_during_test(lang: str, tmp_path: Path) -> None:
    reader = read_back(render_impostor_act(IMPOSTOR, lang), tmp_path, f"act2_{lang}.pdf")
    text = check_common(reader, "act2.title", lang)
    assert " ".join(t("act.appendix_header", lang, n=2).split()) in text
    assert IMPOSTOR.impostor_full_name in text
    when = t("act2.datetime", lang, day="22", month=t("month.11", lang), year="2026", hour="10", minute="35")
    assert squash(when) in squash(text)
    assert t("act2.stage.during_test", lang) in text
    assert t("act2.stage.at_entry", lang) not in text
    assert squash(t("act2.decision.during_test", lang, room=IMPOSTOR.room)) in squash(text)
    assert t("act2.acquainted", lang) in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_impostor_act_at_entry_prints_only_that_alternative(lang: str, tmp_path: Path) -> None:
    act = replace(IMPOSTOR, stage=ImpostorStage.AT_ENTRY)
    text = text_of(read_back(render_impostor_act(act, lang), tmp_path, f"act2e_{lang}.pdf"))
    assert " ".join(t("act2.stage.at_entry", lang).split()) in text
    assert squash(t("act2.decision.at_entry", lang)) in squash(text)
    assert t("act2.stage.during_test", lang) not in text
    assert squash(t("act2.decision.during_test", lang, room=act.room)) not in squash(text)


def test_language_defaults_to_the_act_language(tmp_path: Path) -> None:
    ru_act = replace(CONFISCATION, language="ru")
    text = text_of(read_back(render_confiscation_act(ru_act), tmp_path, "ru.pdf"))
    assert t("act1.title", "ru") in text


def test_unknown_language_is_refused() -> None:
    with pytest.raises(ValueError):
        render_confiscation_act(CONFISCATION, "de")


def test_act_without_items_or_authors_still_renders(tmp_path: Path) -> None:
    act = replace(CONFISCATION, items=(), drawn_up_by=())
    reader = read_back(render_confiscation_act(act, "kk"), tmp_path, "bare.pdf")
    assert len(reader.pages) == 1


def test_same_act_gives_same_bytes() -> None:
    assert render_confiscation_act(CONFISCATION) == render_confiscation_act(CONFISCATION)
    assert render_impostor_act(IMPOSTOR, "ru") == render_impostor_act(IMPOSTOR, "ru")


def test_same_bytes_in_a_fresh_process() -> None:
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(0, sys.argv[2]);"
        "from test_acts_pdf import CONFISCATION; from common.documents.acts import render_confiscation_act;"
        "sys.stdout.buffer.write(render_confiscation_act(CONFISCATION))"
    )
    out = subprocess.run([sys.executable, "-c", code, str(REPO), str(Path(__file__).parent)],
                         capture_output=True, check=True, timeout=120).stdout
    assert out == render_confiscation_act(CONFISCATION)


def test_times_are_printed_in_kazakhstan_time() -> None:
    assert local_time(DRAWN_UP_AT).utcoffset() == timedelta(hours=5)
    assert format_datetime(DRAWN_UP_AT, "kk") == "2026 жылғы 22 қараша, 10:35"
    assert format_datetime(DRAWN_UP_AT, "ru") == "22 ноября 2026 г., 10:35"
    assert format_datetime(DRAWN_UP_AT, "en") == "22 November 2026, 10:35"
    with pytest.raises(ValueError):
        local_time(datetime(2026, 11, 22, 10, 35))


@pytest.mark.parametrize("render, act", [(render_confiscation_act, CONFISCATION), (render_impostor_act, IMPOSTOR)])
def test_page_renders_to_a_picture(render, act, tmp_path: Path) -> None:
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    pdf = tmp_path / "act.pdf"
    pdf.write_bytes(render(act, "kk"))
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True, timeout=60)
    png = tmp_path / "page.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.stat().st_size > 10_000


def test_without_tzdata_kazakhstan_time_is_utc_plus_5(monkeypatch: pytest.MonkeyPatch) -> None:
    import common.documents.pdf as pdf

    monkeypatch.setattr(pdf, "_almaty", lambda: None)
    assert local_time(DRAWN_UP_AT).utcoffset() == timedelta(hours=5)
    assert local_time(datetime(2023, 11, 22, 5, 35, tzinfo=timezone.utc)).hour == 10


# --- the appendices' own wording (issue 22) ----------------------------------------------------


def pdftotext(pdf: bytes, tmp_path: Path, name: str) -> str:
    """The act as poppler's pdftotext reads it (a reader other than ours and pypdf), one line."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: packaging/install-os-deps.sh test")
    path = tmp_path / name
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                         capture_output=True, text=True).stdout
    return " ".join(out.split())


def test_kazakh_acts_use_each_appendix_own_abbreviation(tmp_path: Path) -> None:
    # Appendix 1 names the code СЖК throughout; Appendix 2 says СЖК in its text and ТЖК on its
    # last line. The sample code itself starts with "ТЖК-", so count the words, not the code.
    act1 = pdftotext(render_confiscation_act(CONFISCATION, "kk"), tmp_path, "a1.pdf")
    act1 = act1.replace(TEST_TAKER.individual_code, "<code>")
    assert act1.count("СЖК <code>") == 2 and "ТЖК" not in act1
    assert squash("Т.А.Ә. (бар болған жағдайда) Әбілқасымова Ұлжан Нұрланқызы, СЖК <code> нұсқа № 3") \
        in squash(act1)
    act2 = pdftotext(render_impostor_act(IMPOSTOR, "kk"), tmp_path, "a2.pdf")
    act2 = act2.replace(TEST_TAKER.individual_code, "<code>")
    assert "(тестіленушінің Т.А.Ә. (бар болған жағдайда) және СЖК (бар болған жағдайда))" in act2
    assert "(Т.А.Ә. (бар болған жағдайда), СЖК)" in act2
    assert act2.count("ТЖК") == 1 and "ТЖК <code>" in act2
    assert squash("орнына бөгде тұлға Үмбетова Іңкәр Өмірзаққызы") in squash(act2)
    assert "кіру фактісі анықталды." in act2


@pytest.mark.parametrize("stage", list(ImpostorStage))
def test_russian_act_2_names_the_outside_person_first(stage, tmp_path: Path) -> None:
    act = replace(IMPOSTOR, stage=stage)
    text = squash(text_of(read_back(render_impostor_act(act, "ru"), tmp_path, "ru.pdf")))
    y, x = IMPOSTOR.impostor_full_name, f"{TEST_TAKER.full_name}, {TEST_TAKER.individual_code}"
    assert squash(f"выявлен факт прохода постороннего лица {y}") in text
    assert squash(f"вместо тестируемого {x}") in text
    assert text.index(squash(y)) < text.index(squash("вместо тестируемого"))
    assert squash("вместо тестируемого постороннего лица") not in text  # the Kazakh word order
    layout = pdftotext(render_impostor_act(act, "ru"), tmp_path, "ru2.pdf")
    assert "выявлен факт прохода постороннего лица" in layout and "вместо тестируемого" in layout


def test_act_1_has_two_lines_for_those_who_drew_it_up(tmp_path: Path) -> None:
    one = replace(CONFISCATION, drawn_up_by=(REPRESENTATIVE,))
    text = text_of(read_back(render_confiscation_act(one, "kk"), tmp_path, "one.pdf"))
    caption = " ".join(t("act1.caption.drawn_up_by", "kk").split())
    assert text.count(caption) == 1  # one caption under the last of the two lines
    lines_before = render_confiscation_act(replace(CONFISCATION, drawn_up_by=()), "kk")
    assert len(read_back(lines_before, tmp_path, "none.pdf").pages) == 1
