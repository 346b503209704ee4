"""The kiosk's screens without a server: pages, item widgets, the unknown type, the look, the
guards, longer Kazakh strings, and the screenshots."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QByteArray, QEvent, QPoint, Qt
from PySide6.QtGui import QContextMenuEvent, QImage, QKeyEvent, QRawFont
from PySide6.QtWidgets import QAbstractButton, QLabel, QWidget

import common.i18n
from common.crypto import passwords
from common.domain.items import ItemType
from common.i18n import LANGUAGES
from common.qt_refcount import needed
from exam_client import cli
from exam_client.engine.config import KioskConfig
from exam_client.engine.kiosk import KioskEngine
from exam_client.ui.app import KioskGuard, KioskWindow, report_window_geometry
from exam_client.ui.controller import KioskController
from exam_client.ui.item_widgets.registry import registered_types, widget_for
from exam_client.ui.item_widgets.unsupported import UnsupportedItemWidget
from exam_client.ui.models import (
    KioskModel,
    Link,
    Phase,
    format_clock,
    is_answered,
    pages_of,
    warning_level,
)
from exam_client.ui.references.periodic import ELEMENTS
from exam_client.ui.references.solubility import ANIONS, CATIONS, SOLUBILITY
from exam_client.ui.sample_exam import sample_content, sample_student
from exam_client.ui.screenshots import render_screenshots, scenes
from exam_client.ui.views.style import FONTS_DIR, WINDOW_SIZE

pytestmark = [
    pytest.mark.qt_log_level_fail("WARNING"),
    pytest.mark.qt_log_ignore(r"This plugin does not support propagateSizeHints\(\)"),
]
REPO = Path(__file__).resolve().parents[2]
KAZAKH = "ӘҒҚҢӨҰҮҺІәғқңөұүһі"


# --- plain helpers ----------------------------------------------------------------------------

def test_pages_group_a_context_and_keep_the_order() -> None:
    pages = pages_of(sample_content("kk"))
    assert [[i["id"] for i in p.items] for p in pages] == [
        ["r1", "r2", "r3"], ["r4"], ["m1"], ["m2"], ["m3"], ["m4"], ["s1"], ["s2"], ["s3"], ["s4"]]
    assert [p.numbers for p in pages][:3] == [(1, 2, 3), (4,), (5,)]
    assert pages[0].context["context"]["kind"] == "passage" and pages[1].context is None
    assert pages[2].context["context"]["table"]["rows"][0][1] == "1,5"
    # A section's legacy passage stands beside each of its items.
    legacy = {"sections": [{"id": "s", "title": "T", "passage": "P", "items": [
        {"id": "a", "type": "numeric", "prompt": "?"}, {"id": "b", "type": "numeric", "prompt": "?"}]}]}
    assert [(p.items[0]["id"], p.context) for p in pages_of(legacy)] == [
        ("a", {"passage": "P"}), ("b", {"passage": "P"})]


def test_the_clock_words_and_levels() -> None:
    assert format_clock(80 * 60) == "1:20:00" and format_clock(59.2) == "01:00"
    assert format_clock(-3) == "00:00" and format_clock(0.4) == "00:01"
    assert [warning_level(s, [10, 5]) for s in (601, 600, 301, 300, 0)] == [0, 1, 1, 2, 2]
    assert warning_level(100, []) == 0


@pytest.mark.parametrize("value, answered", [
    (None, False), ("", False), ("  ", False), ([], False), ({}, False), ({"g1": None}, False),
    ("b", True), (["a"], True), ({"g1": "x"}, True), ([["L1", "R1"]], True), (0, True)])
def test_what_counts_as_answered(value: Any, answered: bool) -> None:
    assert is_answered(value) is answered


def test_the_reference_data_is_whole() -> None:
    assert [e.number for e in ELEMENTS] == list(range(1, 119))
    assert len({(e.row, e.column) for e in ELEMENTS}) == 118
    iron = ELEMENTS[25]
    assert (iron.symbol, iron.names["kk"], iron.names["ru"], iron.names["en"]) == (
        "Fe", "Темір", "Железо", "Iron")
    assert (iron.period, iron.group) == (4, 8)
    assert len(SOLUBILITY) == len(CATIONS) * len(ANIONS)
    assert SOLUBILITY[("Ag⁺", "Cl⁻")] == "N" and SOLUBILITY[("Na⁺", "NO₃⁻")] == "R"


# --- item widgets -----------------------------------------------------------------------------

def test_every_item_type_of_the_content_model_has_a_widget(qapp) -> None:
    assert {kind.value for kind in ItemType} <= set(registered_types())
    for section in sample_content("kk")["sections"]:
        for item in section["items"]:
            widget = widget_for(item, "kk")
            assert not isinstance(widget, UnsupportedItemWidget), item["type"]
            assert item["type"] in widget.type_names
            widget.deleteLater()


@pytest.mark.parametrize("item, reason", [
    ({"id": "x1", "type": "hotspot", "prompt": "Тышқанмен нүктені көрсет."}, "unknown_type"),
    ({"id": "x2", "type": "single_choice", "prompt": "Опциялар жоқ"}, "KeyError"),
    ({"id": "x3", "type": "matching", "prompt": "?", "left": [], "right": []}, "ValueError"),
])
def test_an_item_the_kiosk_cannot_show_asks_for_the_representative(qtbot, item, reason) -> None:
    widget = widget_for(item, "ru")
    qtbot.addWidget(widget)
    assert isinstance(widget, UnsupportedItemWidget)
    assert widget.message.text() == (
        "⚠ Это задание нельзя показать на этом компьютере. Поднимите руку и позовите "
        "уполномоченного представителя.")
    assert item["id"] in widget.detail.text() and reason in widget.detail.text()
    with qtbot.assertNotEmitted(widget.answer_edited):
        widget.set_answer("a")
        widget.commit()


def test_a_page_with_an_unknown_item_still_works(qtbot) -> None:
    content = sample_content("en")
    content["sections"][1]["items"].insert(1, {"id": "x1", "type": "hotspot", "prompt": "Point.",
                                                "points": 1})
    model = KioskModel("07", "en")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    model.load_exam(content, sample_student("en"), {}, set(), 3)
    model.set_phase(Phase.TEST)
    box = window.test_view.boxes[0]
    assert box.ref.id == "x1" and isinstance(box.widget, UnsupportedItemWidget)
    assert box.status_label.text() == "Not answered yet"
    window.test_view.page_requested.connect(model.go_to)  # the controller's part, here by hand
    window.test_view.next_button.click()  # the student moves on
    assert model.page.items[0]["id"] == "m2"


def test_answers_show_again_after_a_restart(qtbot) -> None:
    """What the model holds (the journal's answers) is what every widget shows."""
    model = KioskModel("07", "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    answers = {"r1": "c", "r2": ["a", "d"], "r3": "жауап", "r4": ["c", "b", "a"], "m1": "6",
               "m3": [["L1", "R3"]], "m4": {"g1": "a", "g2": "12"}, "s2": {"G2": "W3"},
               "s3": [["A", "B"]]}
    model.load_exam(sample_content("kk"), sample_student("kk"), answers, {"m3"}, 0)
    model.set_phase(Phase.TEST)
    test = window.test_view
    r1, r2, r3 = (b.widget for b in test.boxes)
    assert [c.chosen for c in r1.cards] == [False, False, True, False]
    assert [c.chosen for c in r2.cards] == [True, False, False, True]
    assert r3.entry.text() == "жауап"
    model.go_to(1)
    assert [test.boxes[0].widget.texts[o] for o in test.boxes[0].widget.order()][0] == \
        sample_content("kk")["sections"][0]["items"][3]["options"][2]["text"]
    model.go_to(4)
    assert test.boxes[0].flag_button.isChecked()
    assert test.boxes[0].widget.cards[("L1", "R3")].chosen
    model.go_to(5)
    gaps = test.boxes[0].widget.gap_widgets
    assert gaps["g1"].currentData() == "a" and gaps["g2"].text() == "12"
    model.go_to(7)
    gaps = test.boxes[0].widget.gap_widgets
    assert gaps["G1"].currentData() is None and gaps["G2"].currentData() == "W3"
    model.go_to(8)
    first, second = test.boxes[0].widget.lines[0]
    assert (first.currentData(), second.currentData()) == ("A", "B")


# --- the look ---------------------------------------------------------------------------------

def test_larger_text_and_high_contrast(qtbot) -> None:
    model = KioskModel("07", "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    window.resize(*WINDOW_SIZE)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    model.load_exam(sample_content("kk"), sample_student("kk"), {}, set(), 3)
    model.set_phase(Phase.TEST)
    window.test_view.text_size_requested.connect(model.step_text_size)  # the controller's part
    window.test_view.contrast_toggled.connect(model.set_high_contrast)
    prompt = window.test_view.boxes[0].widget.prompt_label
    before = prompt.fontInfo().pointSize()
    qtbot.mouseClick(window.test_view.header.larger_button, Qt.MouseButton.LeftButton)
    qtbot.keyClick(window.test_view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert model.text_scale == 1.5
    assert prompt.fontInfo().pointSize() >= round(before * 1.4)
    qtbot.mouseClick(window.test_view.header.larger_button, Qt.MouseButton.LeftButton)  # no further
    assert model.text_scale == 1.5
    background = window.test_view.grab().toImage().pixelColor(5, 200)
    qtbot.mouseClick(window.test_view.header.contrast_button, Qt.MouseButton.LeftButton)
    assert model.high_contrast
    dark = window.test_view.grab().toImage().pixelColor(5, 200)
    assert background.lightness() > 200 and dark.lightness() < 30


def test_the_clock_changes_colour_at_the_warning_times_and_never_blinks(qtbot) -> None:
    model = KioskModel("07", "en")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    model.load_exam(sample_content("en"), sample_student("en"), {}, set(), 0)
    model.set_phase(Phase.TEST)
    clock = window.test_view.header.clock_label
    looks = []
    for remaining in (11 * 60, 10 * 60, 5 * 60, 4 * 60 + 59, 4 * 60 + 58):
        model.set_clock(remaining)
        looks.append((clock.text(), clock.property("level"),
                      clock.grab().toImage().pixelColor(4, clock.height() // 2).name()))
    assert [look[1] for look in looks] == [0, 1, 2, 2, 2]
    assert looks[0][0] == "◷ 11:00" and looks[3][0] == "◷ 04:59"
    assert len({look[2] for look in looks[:3]}) == 3  # three colours
    assert looks[2][2] == looks[3][2] == looks[4][2]  # and each stays as it is: no blinking


def test_every_glyph_and_kazakh_letter_is_in_the_bundled_font(qapp) -> None:
    glyphs = "◷○⚑✓⚠✎▲▼◐↔—→←·" + "⁺⁻²³₂₃₄"
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        font = QRawFont(QByteArray((FONTS_DIR / name).read_bytes()), 12)
        for ch in glyphs + KAZAKH:
            assert font.supportsCharacter(ord(ch)), f"{name} lacks {ch!r}"


def cut_widgets(root: QWidget) -> list[str]:
    """Labels and buttons drawn smaller than their text needs."""
    cut = []
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        if isinstance(widget, QLabel) and widget.text():
            if widget.wordWrap():
                if widget.height() < widget.heightForWidth(widget.width()):
                    cut.append(f"{widget.objectName()}: {widget.text()[:40]}")
            elif widget.width() < widget.sizeHint().width():
                cut.append(f"{widget.objectName()}: {widget.text()[:40]}")
        elif isinstance(widget, QAbstractButton) and widget.objectName() != "optionCard":
            if widget.width() < widget.sizeHint().width():
                cut.append(f"{widget.objectName()}: {widget.text()[:40]}")
    return cut


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_screen_keeps_its_layout_with_40_percent_longer_strings(qtbot, monkeypatch,
                                                                       lang: str) -> None:
    real = common.i18n._load()
    longer = {}
    for key, texts in real.items():
        if key.startswith("kiosk.") or key.startswith("language."):
            texts = {k: v + (" ұзағырақ" * len(v))[: math.ceil(len(v) * 0.4)] for k, v in texts.items()}
        longer[key] = texts
    monkeypatch.setattr(common.i18n, "_load", lambda: longer)
    problems = {}
    for name, setup in scenes():
        model = KioskModel("07", lang)
        window = KioskWindow(model, kiosk_mode=False)
        qtbot.addWidget(window)
        window.resize(*WINDOW_SIZE)
        window.show()
        setup(model, window, lang)
        qtbot.waitUntil(lambda: not cut_widgets(window), timeout=1500) if cut_widgets(window) else None
        if cut_widgets(window) or window.width() != WINDOW_SIZE[0]:
            problems[name] = (window.width(), cut_widgets(window))
        window.allow_close()
        window.close()
    assert not problems, problems


# --- the guards -------------------------------------------------------------------------------

def test_the_kiosk_window_does_not_close_and_swallows_escape_and_menus(qtbot, tmp_path) -> None:
    model = KioskModel("07", "kk")
    window = KioskWindow(model, kiosk_mode=True)
    qtbot.addWidget(window)
    assert window.windowFlags() & Qt.WindowType.FramelessWindowHint
    assert window.windowFlags() & Qt.WindowType.WindowStaysOnTopHint
    window.show()
    assert not window.close() and window.isVisible()  # closing does nothing
    guard = KioskGuard()
    escape = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_Escape, Qt.KeyboardModifier.NoModifier)
    paste = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier, "v")
    alt_f4 = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_F4, Qt.KeyboardModifier.AltModifier)
    letter = QKeyEvent(QEvent.Type.KeyPress, Qt.Key.Key_A, Qt.KeyboardModifier.NoModifier, "a")
    menu = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, QPoint(5, 5), QPoint(5, 5))
    assert guard.eventFilter(window, escape) and guard.eventFilter(window, paste)
    assert guard.eventFilter(window, alt_f4) and guard.eventFilter(window, menu)
    assert not guard.eventFilter(window, letter)
    window.allow_close()
    assert window.close()


def test_the_window_reports_its_size_next_to_its_screen(qtbot, capsys) -> None:
    """The line packaging/linux/check-cage.sh reads: full screen fills the screen, a window does not."""
    import json

    def settled_report(window: KioskWindow) -> dict[str, Any]:
        settle = report_window_geometry(window)
        qtbot.waitUntil(lambda: not settle.isActive(), timeout=5000)
        lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.startswith("{")]
        assert lines and lines[-1]["event"] == "window"
        return lines[-1]

    full = KioskWindow(KioskModel("07", "kk"), kiosk_mode=True)
    qtbot.addWidget(full)
    full.showFullScreen()
    report = settled_report(full)
    screen = full.screen().geometry()
    assert (report["width"], report["height"]) == (screen.width(), screen.height())
    assert (report["screen_width"], report["screen_height"]) == (screen.width(), screen.height())
    assert report["state"] == "fullscreen" and report["platform"] == "offscreen"
    full.allow_close()

    small = KioskWindow(KioskModel("08", "kk"), kiosk_mode=False)
    qtbot.addWidget(small)
    small.resize(700, 500)
    small.show()
    report = settled_report(small)
    assert (report["width"], report["height"]) == (700, 500) and report["state"] == "normal"
    assert report["screen_width"] > 700

    # Asked to be full screen but left small (plain X, no window manager): said "normal".
    from exam_client.ui.app import window_report

    asked = QWidget()
    qtbot.addWidget(asked)
    asked.resize(678, 512)
    asked.setWindowState(Qt.WindowState.WindowFullScreen)
    asked.resize(678, 512)
    report = window_report(asked)
    assert (report["width"], report["height"]) == (678, 512) and report["state"] == "normal"


def test_only_the_proctors_code_closes_the_kiosk(qtbot, tmp_path) -> None:
    code_hash = passwords.hash_password("7319", passwords.FAST)
    config = KioskConfig("127.0.0.1", 9, "ab" * 32, "07", tmp_path / "kiosk", code_hash)
    model = KioskModel("07", "en")
    window = KioskWindow(model, kiosk_mode=True)
    qtbot.addWidget(window)
    controller = KioskController(KioskEngine(config), model, window, retry_ms=60_000)
    window.show()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    controller.start()
    try:
        qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier
                       | Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
        assert model.phase is Phase.PROCTOR
        view = window.proctor_view
        qtbot.keyClicks(view.code_edit, "1111")
        qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)
        assert view.error_label.text() == "⚠ Wrong code." and window.isVisible()
        qtbot.mouseClick(view.back_button, Qt.MouseButton.LeftButton)
        assert model.phase is Phase.CONNECTING
        window.proctor_requested.emit()
        qtbot.keyClicks(view.code_edit, "7319")
        with qtbot.waitSignal(controller.incident) as incident:
            qtbot.keyClick(view.code_edit, Qt.Key.Key_Return)
        assert incident.args == ["closed_by_proctor"] and not window.isVisible()
        assert "closed_by_proctor" in (tmp_path / "kiosk" / "incidents.jsonl").read_text()
    finally:
        controller.shutdown()


def test_a_server_that_cannot_be_reached_is_said_calmly_and_retried(qtbot, tmp_path) -> None:
    config = KioskConfig("127.0.0.1", 9, "ab" * 32, "07", tmp_path / "kiosk")
    model = KioskModel("07", "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    controller = KioskController(KioskEngine(config), model, window, retry_ms=100)
    window.show()
    controller.start()
    try:
        qtbot.waitUntil(lambda: model.link is Link.OFFLINE, timeout=5000)
        view = window.connect_view
        assert view.status_label.text().startswith("⚠ Аудитория серверіне қосылу мүмкін болмады")
        assert not view.continue_button.isEnabled()
        with qtbot.waitSignal(controller.worker.finished, timeout=5000) as again:
            pass
        assert again.args[0] == "status"  # it keeps asking
    finally:
        controller.shutdown()


# --- the screenshots and the binding's bug ----------------------------------------------------

def test_screenshots_in_three_languages(qapp, tmp_path, monkeypatch, capsys) -> None:
    # The command draws every scene (the 40 % test above sets each of them up); here a few.
    chosen = {"login", "item-matching", "review"}
    real = render_screenshots
    monkeypatch.setattr("exam_client.ui.screenshots.render_screenshots",
                        lambda out, only=None, **kw: real(out, only=chosen, **kw))
    assert cli.main(["--screenshots", str(tmp_path)]) == 0
    printed = capsys.readouterr().out.split()
    for name in chosen:
        for lang in LANGUAGES:
            path = tmp_path / f"kiosk-{name}-{lang}.png"
            assert str(path) in printed
            image = QImage(str(path))
            assert (image.width(), image.height()) == WINDOW_SIZE, path
    # The committed pictures are those of every screen (`make screenshots` writes them).
    names = [name for name, _ in scenes()]
    committed = {p.name for p in (REPO / "docs" / "screenshots").glob("kiosk-*.png")}
    assert committed == {f"kiosk-{n}-{lang}.png" for n in names for lang in LANGUAGES}


def test_kazakh_letters_are_drawn_not_boxes(qtbot) -> None:
    """The screens use the bundled DejaVu Sans, and it draws each Kazakh letter as itself: the
    letters look different from one another and from a character no font has (its box)."""
    model = KioskModel("07", "kk")
    window = KioskWindow(model, kiosk_mode=False)
    qtbot.addWidget(window)
    model.set_phase(Phase.LOCKED)
    title = window.login_view.title
    assert title.fontInfo().family() == "DejaVu Sans" and "Тестілеу үзілді" == title.text()

    def drawn(text: str) -> bytes:
        label = QLabel(text)
        label.setFont(title.font())
        label.resize(60, 60)
        image = label.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
        return bytes(image.constBits())

    box = drawn("\ue000")  # a private-use character: no glyph anywhere, the "missing" box
    pictures = {ch: drawn(ch) for ch in KAZAKH}
    assert all(picture != box for picture in pictures.values())
    assert len(set(pictures.values())) == len(KAZAKH)


def test_the_refcount_guard_is_in_place(qapp) -> None:
    if needed():
        assert sys.getrefcount(None) > 1 << 40
    else:
        pytest.skip("this interpreter's None is immortal")
