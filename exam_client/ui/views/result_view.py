"""The result on the screen when the test ends (§24)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import button, label


def _points(value: float | None) -> str:
    if value is None:
        return "0"
    return str(int(value)) if float(value).is_integer() else f"{value:g}".replace(".", ",")


class ResultView(ScreenView):
    """Points, the maximum and the percentage; then on to the survey.

    Signals:
        continue_requested: go on to the survey.
    """

    continue_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "resultView")
        column = self.centred_column()
        self.title = label("title", "title")
        self.score_label = label("score", "big")
        self.percent_label = label("percent", "heading")
        self.note = label("note", "hint")
        self.late = label("lateHeld", "hint")  # answers after the time: with the representative
        self.continue_button = button("toSurvey", "primary")
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.score_label)
        column.addWidget(self.percent_label)
        column.addWidget(self.note)
        column.addWidget(self.late)
        column.addSpacing(12)
        column.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(2)
        self.continue_button.clicked.connect(self.continue_requested)
        model.result_changed.connect(self.relabel)
        self.relabel()

    def relabel(self) -> None:
        lang = self.model.language
        result = self.model.result or {}
        self.title.setText(t("kiosk.result.title", lang))
        self.score_label.setText(t("kiosk.result.score", lang, score=_points(result.get("score")),
                                   max_score=_points(result.get("max_score"))))
        percent = result.get("percent", 0.0)
        self.percent_label.setText(t("kiosk.result.percent",
                                     lang, percent=f"{percent:g}".replace(".", ",")))
        self.note.setText(t("kiosk.result.note", lang))
        held = int(result.get("held_late") or 0)
        self.late.setText(t("kiosk.result.late_held", lang, count=held) if held else "")
        self.late.setVisible(bool(held))
        self.continue_button.setText(t("kiosk.result.continue", lang) + " →")

    def focus_first(self) -> None:
        self.continue_button.setFocus(Qt.FocusReason.OtherFocusReason)
