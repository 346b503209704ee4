"""How the test works, for a ten-year-old: a few short steps, each beside a picture of the very
button or sign it is about (drawn with the test screen's own style), then "I am ready"."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import (
    CLOCK_GLYPH,
    FLAG_GLYPH,
    SAVED_GLYPH,
    button,
    hbox,
    label,
    set_prop,
)

# The steps in the order a student meets them on the test screen.
STEPS = ("choose", "saved", "flag", "next", "timer", "hand", "review")


def _picture(step: str, lang: str) -> QWidget:
    """The button or sign the step is about, as the test screen draws it; not clickable."""
    texts = {
        "choose": "A", "saved": f"{SAVED_GLYPH} {t('kiosk.test.saved', lang)}",
        "flag": f"{FLAG_GLYPH} {t('kiosk.test.flag', lang)}",
        "next": t("kiosk.test.next", lang) + " →", "timer": f"{CLOCK_GLYPH} 45:00",
        "hand": "☝ " + t("kiosk.test.hand", lang), "review": t("kiosk.test.review", lang),
    }
    if step in ("saved", "timer"):
        picture: QWidget = label("saveStatus" if step == "saved" else "clock", wrap=False)
        picture.setText(texts[step])
        if step == "saved":
            set_prop(picture, "save", "saved")
        else:
            set_prop(picture, "level", 0)
    else:
        role = {"next": "primary", "flag": "flag", "hand": "flag"}.get(step)
        picture = button(f"picture.{step}", role)
        picture.setText(texts[step])
        picture.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        picture.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
    if step != "timer":  # the clock's look comes with its object name
        picture.setObjectName(f"picture.{step}")
    picture.setProperty("picture", step)
    picture.setAccessibleName(texts[step])
    return picture


class InstructionsView(ScreenView):
    """The steps, each a picture and one short line; then "I am ready".

    Signals:
        ready: the student read them and wants to begin.
        back_requested: back to the login.
    """

    ready = Signal()
    back_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "instructionsView")
        self.column = self.centred_column()
        self.title = label("title", "title")
        self.column.addWidget(self.title)
        self.steps = QWidget()
        self.steps.setObjectName("steps")
        self.column.addWidget(self.steps)
        self.back_button = button("backToLogin")
        self.ready_button = button("readyButton", "primary")
        row = hbox(spacing=12)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.ready_button)
        self.column.addSpacing(8)
        self.column.addLayout(row)
        self.column.addStretch(1)
        self.ready_button.clicked.connect(self.ready)
        self.back_button.clicked.connect(self.back_requested)
        self._built_for: str | None = None
        self.step_labels: list[tuple[str, QLabel]] = []
        self.relabel()

    def _build_steps(self, lang: str) -> None:
        old = self.steps.layout()
        if old is not None:
            while old.count():
                item = old.takeAt(0)
                if item.widget() is not None:
                    item.widget().hide()
                    item.widget().deleteLater()
            QWidget().setLayout(old)  # the old layout goes with a throwaway widget
        grid = QGridLayout(self.steps)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(10)
        grid.setColumnStretch(1, 1)
        self.step_labels = []
        for row, step in enumerate(STEPS):
            picture = _picture(step, lang)
            words = label(f"step.{step}", "prompt")
            words.setText(t(f"kiosk.instructions.step.{step}", lang))
            grid.addWidget(picture, row, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(words, row, 1)
            self.step_labels.append((step, words))
        self._built_for = lang

    def relabel(self) -> None:
        lang = self.model.language
        self.title.setText(t("kiosk.instructions.title", lang))
        if self._built_for != lang:
            self._build_steps(lang)
        self.back_button.setText("← " + t("kiosk.login.back", lang))
        self.ready_button.setText(t("kiosk.instructions.ready", lang))

    def pictures(self) -> list[QWidget]:
        return [w for w in self.steps.findChildren(QWidget) if w.property("picture")]

    def focus_first(self) -> None:
        self.ready_button.setFocus(Qt.FocusReason.OtherFocusReason)
