"""The test screen's header: who sits here, the link, the raised hand and the clock (always in
view), then the section and the student's tools (text size, contrast, the reference tables).

┌ name · seat ........................... ○ offline   [◷ 01:12:34] ┐
│ section title            [A−][A+][◐] [Periodic table][Solubility] │

A view only: it reads the `KioskModel` and emits what the student asks for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QWidget

from common.i18n import t
from exam_client.ui.models import KioskModel, Link, Page, format_clock
from exam_client.ui.views.style import CLOCK_GLYPH, OFFLINE_GLYPH, button, hbox, label, set_prop, vbox


class TestHeader(QWidget):
    """The header of the test screen.

    Signals:
        text_size_requested(int): +1 larger, −1 smaller.
        contrast_toggled(bool): high contrast on or off.
        references_requested(object): "periodic" or "solubility".
        hand_toggled(bool): the student raised (True) or lowered the hand.
    """

    text_size_requested = Signal(int)
    contrast_toggled = Signal(bool)
    references_requested = Signal(object)
    hand_toggled = Signal(bool)

    def __init__(self, model: KioskModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("testHeader")
        self.setProperty("role", "header")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self._build()
        model.clock_changed.connect(self.show_clock)
        model.room_changed.connect(self.show_link)
        model.hand_changed.connect(self.show_hand)

    def _build(self) -> None:
        self.who_label = label("who", "muted")
        self.offline_label = label("offline", "offline", wrap=False)
        self.offline_label.hide()
        self.hand_button = button("raiseHand", "flag")
        self.hand_button.setCheckable(True)
        self.clock_label = label("clock", wrap=False)
        self.clock_label.setProperty("level", 0)
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.section_label = label("section", "heading")
        self.smaller_button = button("textSmaller", "small")
        self.larger_button = button("textLarger", "small")
        self.contrast_button = button("contrast", "small")
        self.contrast_button.setCheckable(True)
        self.periodic_button = button("periodicButton", "small")
        self.solubility_button = button("solubilityButton", "small")

        first = hbox()
        first.addWidget(self.who_label, 1)
        first.addWidget(self.offline_label)
        first.addWidget(self.hand_button)
        first.addWidget(self.clock_label)
        second = hbox(spacing=6)
        second.addWidget(self.section_label, 1)
        for b in (self.smaller_button, self.larger_button, self.contrast_button,
                  self.periodic_button, self.solubility_button):
            second.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        head = vbox(self, margins=10, spacing=4)
        head.addLayout(first)
        head.addLayout(second)

        self.smaller_button.clicked.connect(lambda: self.text_size_requested.emit(-1))
        self.larger_button.clicked.connect(lambda: self.text_size_requested.emit(1))
        self.contrast_button.toggled.connect(self.contrast_toggled)
        self.hand_button.toggled.connect(self.hand_toggled)
        self.periodic_button.clicked.connect(lambda: self.references_requested.emit("periodic"))
        self.solubility_button.clicked.connect(lambda: self.references_requested.emit("solubility"))

    def relabel(self) -> None:
        lang = self.model.language
        self.smaller_button.setText("A−")
        self.smaller_button.setAccessibleName(t("kiosk.test.smaller", lang))
        self.smaller_button.setToolTip(t("kiosk.test.smaller", lang))
        self.larger_button.setText("A+")
        self.larger_button.setAccessibleName(t("kiosk.test.larger", lang))
        self.larger_button.setToolTip(t("kiosk.test.larger", lang))
        self.contrast_button.setText("◐")
        self.contrast_button.setAccessibleName(t("kiosk.test.contrast", lang))
        self.contrast_button.setToolTip(t("kiosk.test.contrast", lang))
        self.periodic_button.setText(t("kiosk.ref.periodic_short", lang))
        self.periodic_button.setAccessibleName(t("kiosk.ref.periodic", lang))
        self.solubility_button.setText(t("kiosk.ref.solubility_short", lang))
        self.solubility_button.setAccessibleName(t("kiosk.ref.solubility", lang))
        self.show_hand()

    def allow_tables(self, allowed: set[str]) -> None:
        """Show the buttons of the reference tables the specification allows (§20)."""
        self.periodic_button.setVisible("periodic" in allowed)
        self.solubility_button.setVisible("solubility" in allowed)

    def enable_tables(self) -> None:
        self.periodic_button.setEnabled(True)
        self.solubility_button.setEnabled(True)

    def show_who(self) -> None:
        model = self.model
        student = model.student
        if student:
            who = t("kiosk.test.who", model.language, name=student.get("full_name", ""),
                    seat=student.get("seat", model.workstation_id))
            factor = float((student.get("accommodations") or {}).get("extra_time_factor") or 1)
            if factor > 1:  # the extra time set before the day, said beside the name
                shown = f"{factor:g}".replace(".", "," if model.language != "en" else ".")
                who += " · " + t("kiosk.test.extra_time", model.language, factor=shown)
            self.who_label.setText(who)

    def show_section(self, page: Page) -> None:
        model = self.model
        lang = model.language
        section = page.section
        self.section_label.setText(t("kiosk.test.section", lang, title=section.get("title", ""),
                                     first=page.numbers[0], last=page.numbers[-1],
                                     total=len(model.refs)) if len(page.numbers) > 1 else
                                   t("kiosk.test.section_one", lang, title=section.get("title", ""),
                                     number=page.numbers[0], total=len(model.refs)))

    def show_clock(self) -> None:
        remaining = self.model.remaining
        lang = self.model.language
        if remaining is None:
            self.clock_label.setText(f"{CLOCK_GLYPH} --:--")
            return
        clock = format_clock(remaining)
        self.clock_label.setText(f"{CLOCK_GLYPH} {clock}")
        level = min(self.model.level, 3)
        words = t("kiosk.test.time_left", lang, time=clock)
        if level:
            words += ". " + t("kiosk.test.time_warning", lang, minutes=max(1, int(remaining // 60) + 1))
        self.clock_label.setAccessibleName(words)
        self.clock_label.setToolTip(words)
        set_prop(self.clock_label, "level", level)

    def show_link(self) -> None:
        model = self.model
        offline = model.link in (Link.OFFLINE, Link.UNTRUSTED)
        self.offline_label.setVisible(offline)
        if offline:
            self.offline_label.setText(f"{OFFLINE_GLYPH} " + t("kiosk.test.offline", model.language))
            self.offline_label.setToolTip(t("kiosk.test.offline_detail", model.language,
                                            pending=model.pending))

    def show_hand(self) -> None:
        raised = self.model.hand_raised
        lang = self.model.language
        if self.hand_button.isChecked() != raised:
            self.hand_button.blockSignals(True)
            self.hand_button.setChecked(raised)
            self.hand_button.blockSignals(False)
        self.hand_button.setText("☝ " + t("kiosk.test.hand_raised" if raised else "kiosk.test.hand", lang))
        self.hand_button.setAccessibleName(t("kiosk.test.hand", lang))

    def set_look(self, contrast: bool) -> None:
        if self.contrast_button.isChecked() != contrast:
            self.contrast_button.blockSignals(True)
            self.contrast_button.setChecked(contrast)
            self.contrast_button.blockSignals(False)
