"""The desk's screens without a server: every screen and dialog is drawn in every language, no
button text is cut at 1366×800 (Kazakh runs longest), intents are emitted by keyboard, and a voided
sitting never shows a score."""

from __future__ import annotations

import copy
from pathlib import Path
from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QPushButton

from common.i18n import LANGUAGES
from proctor_console import cli
from proctor_console.desk.enrolments import Enrolments
from proctor_console.desk.late_answers import LateAnswers
from proctor_console.desk.model import STEPS, DeskModel, Step
from proctor_console.desk.screenshots import _sample_view, render_console_screenshots
from proctor_console.desk.window import DeskWindow

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]

DIALOGS = ("act1", "act1-confirm", "act2", "extend", "move", "note", "head", "head-register",
           "absence", "late-answers", "late-answers-confirm", "enrolments", "enrolments-confirm")


@pytest.fixture
def desk(qtbot):
    model = DeskModel("kk")
    window = DeskWindow(model, server="192.168.10.5:8443")
    qtbot.addWidget(window)
    window.language_requested.connect(model.set_language)
    window.step_requested.connect(lambda step: model.set_step(Step(step)))
    window.resize(1366, 800)
    window.show()
    qtbot.waitExposed(window)
    model.set_proctor({"login": "rep", "full_name": "Қожахметов Ғалым Һидаятұлы",
                       "role": "representative"})
    model.room.update(_sample_view())
    shown_only = SimpleNamespace(model=model, client=None)  # the buttons wire() adds, no server
    window.late_answers, window.enrolments = LateAnswers(window, shown_only), Enrolments(window, shown_only)
    return window


def test_every_screen_and_dialog_is_drawn(qapp, tmp_path: Path) -> None:
    written = render_console_screenshots(tmp_path, languages=("kk",))
    names = {p.name for p in written}
    assert names == ({f"console-{s.value}-kk.png" for s in STEPS}
                     | {f"console-dialog-{d}-kk.png" for d in DIALOGS})
    for path in written:
        image = QImage(str(path))
        assert image.width() >= 400 and image.height() >= 100, path
    assert QImage(str(tmp_path / "console-test-kk.png")).width() == 1366


def test_the_screenshots_command_draws_the_pdfs_too(qapp, tmp_path: Path, capsys) -> None:
    assert cli.main(["screenshots", "--out", str(tmp_path), "--what", "pdf"]) == 0
    printed = capsys.readouterr().out.split()
    for lang in LANGUAGES:
        for doc in ("seating", "slips", "act1", "act2"):
            path = tmp_path / f"console-pdf-{doc}-{lang}.png"
            assert str(path) in printed and path.stat().st_size > 5_000


def cut_buttons(window: DeskWindow) -> list[str]:
    cut = []
    for b in window.findChildren(QPushButton):
        if b.isVisibleTo(window) and b.text():
            if b.fontMetrics().horizontalAdvance(b.text()) + 8 > b.width():
                cut.append(f"{b.objectName()}: {b.text()!r} ({b.width()} px)")
    return cut


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_button_text_is_cut_on_any_screen(qtbot, desk: DeskWindow, lang: str) -> None:
    desk.model.set_language(lang)
    for step in STEPS:
        desk.model.set_step(step)
        qtbot.wait(1)
        assert cut_buttons(desk) == [], (lang, step)


def test_the_language_chooser_relabels_every_screen(qtbot, desk: DeskWindow) -> None:
    desk.language.setCurrentIndex(LANGUAGES.index("ru"))
    assert desk.model.language == "ru"
    assert desk.title.text() == "Рабочее место представителя Министерства"
    assert desk.steps.item(4).text() == "5. Допуск к тестированию"
    assert desk.admission_page.primary.text() == "Присутствует — допустить"
    assert desk.test_page.map.tiles()[0].state_label.text() == "сдал(а)"
    desk.language.setCurrentIndex(LANGUAGES.index("en"))
    assert desk.end_page.primary.text() == "Seal the results"


def test_sign_in_by_keyboard_emits_the_intent(qtbot, desk: DeskWindow) -> None:
    desk.model.set_step(Step.SIGN_IN)
    page = desk.sign_in_page
    qtbot.keyClicks(page.login, "rep")
    qtbot.keyClicks(page.pin, "2468")
    with qtbot.waitSignal(desk.sign_in) as signed:
        qtbot.keyClick(page.pin, Qt.Key.Key_Return)
    assert signed.args == ["rep", "2468"]


def test_acts_ask_for_confirmation_and_say_what_will_happen(qtbot, desk: DeskWindow) -> None:
    desk.model.set_step(Step.TEST)
    seat = next(s for s in desk.model.room.seats() if s.state.value == "sitting")
    desk.prompts.open_act1(seat.individual_code)
    dialog = desk.prompts.current_dialog
    dialog.ok_button.click()  # nothing found written: refused, says why
    assert dialog.error.text() == "Кемінде бір табылған затты жазыңыз."
    dialog.set_item(0, "Ұялы телефон", "Redmi", 1)
    with qtbot.assertNotEmitted(desk.act1_requested):
        dialog.ok_button.click()
    confirm = desk.prompts.current_dialog
    assert confirm.objectName() == "confirmDialog"
    assert "нәтижелері жойылады" in confirm.summary.text() and seat.full_name in confirm.summary.text()
    with qtbot.waitSignal(desk.act1_requested) as requested:
        confirm.ok_button.click()
    assert requested.args[0] == seat.individual_code
    assert requested.args[1] == [{"name": "Ұялы телефон", "brand": "Redmi", "count": 1}]
    assert requested.args[2] == ["Қожахметов Ғалым Һидаятұлы"]


def test_cancelling_the_confirmation_does_nothing(qtbot, desk: DeskWindow) -> None:
    seat = next(s for s in desk.model.room.seats() if s.state.value == "sitting")
    desk.prompts.open_act2(seat.individual_code)
    desk.prompts.current_dialog.impostor.setText("Бөгде Адам")
    assert desk.prompts.current_dialog.stage.currentData() == "during_test"
    desk.prompts.current_dialog.ok_button.click()
    with qtbot.assertNotEmitted(desk.act2_requested):
        desk.prompts.current_dialog.cancel_button.click()
    assert desk.prompts.current_dialog is None


def test_a_voided_sitting_shows_no_score_even_if_the_server_sent_one(qtbot, desk: DeskWindow) -> None:
    view = copy.deepcopy(desk.model.room.view())
    voided = next(s for s in view["seats"] if (s["attempt"] or {}).get("status") == "voided")
    voided["attempt"].update(score=17, max_score=20)
    desk.model.room.update(view)
    info = desk.model.room.seat(voided["individual_code"])
    assert info.score is None and info.max_score is None
    tile = next(t for t in desk.test_page.map.tiles() if t.individual_code == voided["individual_code"])
    assert "17" not in tile.detail_label.text() and "нәтижесі жойылды" in tile.state_label.text()
