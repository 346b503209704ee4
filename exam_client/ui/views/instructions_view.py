"""How the test works, in the chosen language, before it starts."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import button, hbox, label

RULES = ("one_page", "choose", "saved", "flag", "timer", "references", "review", "hand")


class InstructionsView(ScreenView):
    """The rules of the screen, one short line each; then "I am ready".

    Signals:
        ready: the student read them and wants to begin.
        back_requested: back to the login.
    """

    ready = Signal()
    back_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "instructionsView")
        column = self.centred_column()
        self.title = label("title", "title")
        column.addWidget(self.title)
        self.rule_labels = []
        for key in RULES:
            rule = label(f"rule.{key}", "prompt")
            column.addWidget(rule)
            self.rule_labels.append((key, rule))
        self.back_button = button("backToLogin")
        self.ready_button = button("readyButton", "primary")
        row = hbox(spacing=12)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.ready_button)
        column.addSpacing(8)
        column.addLayout(row)
        column.addStretch(1)
        self.ready_button.clicked.connect(self.ready)
        self.back_button.clicked.connect(self.back_requested)
        self.relabel()

    def relabel(self) -> None:
        lang = self.model.language
        self.title.setText(t("kiosk.instructions.title", lang))
        for number, (key, rule) in enumerate(self.rule_labels, start=1):
            rule.setText(f"{number}. {t(f'kiosk.instructions.{key}', lang)}")
        self.back_button.setText("← " + t("kiosk.login.back", lang))
        self.ready_button.setText(t("kiosk.instructions.ready", lang))

    def focus_first(self) -> None:
        self.ready_button.setFocus(Qt.FocusReason.OtherFocusReason)
