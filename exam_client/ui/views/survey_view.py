"""The anonymous survey on satisfaction with the education services (§25).

Each statement with a scale of five cards, from "No" to "Yes". Any statement may be left out;
the whole survey may be skipped. The screen says plainly that the answers are not linked to the
student.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QLineEdit, QWidget

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.option_card import OptionCard
from exam_client.ui.views.style import WARN_GLYPH, button, hbox, label, vbox


class QuestionBox(QFrame):
    """One statement and its scale; 1–5 on the keyboard choose too.

    Signals:
        chosen(str, int): question id, value.
    """

    chosen = Signal(str, int)

    def __init__(self, question: dict[str, Any], number: int, lang: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.question = question
        self.setObjectName(f"question.{question['id']}")
        self.setProperty("role", "panel")
        self.text_label = label("questionText", "prompt")
        self.text_label.setText(f"{number}. {question['text'][lang]}")
        row = hbox(spacing=8)
        self.cards: dict[int, OptionCard] = {}
        for point in question["scale"]:
            value = int(point["value"])
            card = OptionCard(str(value), point["text"][lang])
            card.clicked.connect(lambda _=False, v=value: self.chosen.emit(self.question["id"], v))
            row.addWidget(card, 1)
            self.cards[value] = card
        layout = vbox(self, margins=14, spacing=10)
        layout.addWidget(self.text_label)
        layout.addLayout(row)

    def show_value(self, value: int | None) -> None:
        for v, card in self.cards.items():
            card.set_chosen(v == value)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        text = event.text()
        if text.isdigit() and int(text) in self.cards:
            event.accept()
            self.cards[int(text)].setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.cards[int(text)].click()
            return
        super().keyPressEvent(event)


class SurveyView(ScreenView):
    """The survey screen.

    Signals:
        answered(str, int): a statement got a value.
        send_requested: send the answers (once).
        skip_requested: leave the survey without answering.
    """

    answered = Signal(str, int)
    send_requested = Signal()
    skip_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "surveyView")
        self.column = self.centred_column(1100)
        self.title = label("title", "title")
        self.explain = label("explain", "hint")
        self.status_label = label("surveyStatus", "muted")
        self.questions_host = QWidget()
        self.questions_host.setObjectName("surveyQuestions")
        self.questions_layout = vbox(self.questions_host, spacing=12)
        self.boxes: dict[str, QuestionBox] = {}
        # A teacher's one-time code (the teachers' questionnaire only)
        self.code_label = label("teacherCodeLabel", "heading")
        self.code_edit = QLineEdit()
        self.code_edit.setObjectName("teacherCode")
        self.code_edit.setMaxLength(32)
        self.code_edit.textChanged.connect(lambda _: self.refresh())
        self.skip_button = button("skipSurvey")
        self.send_button = button("sendSurvey", "primary")
        row = hbox(spacing=12)
        row.addWidget(self.skip_button)
        row.addStretch(1)
        row.addWidget(self.send_button)
        self.column.addWidget(self.title)
        self.column.addWidget(self.explain)
        self.column.addWidget(self.status_label)
        self.column.addWidget(self.questions_host)
        self.column.addWidget(self.code_label)
        self.column.addWidget(self.code_edit)
        # Send and Skip stay on the screen under the scrolling questions (at 1024x768 the last
        # question, and a button under it, were below the fold).
        footer = QWidget()
        footer.setObjectName("surveyFooter")
        footer.setLayout(row)
        row.setContentsMargins(24, 8, 24, 12)
        self.layout().addWidget(footer)
        self.column.addStretch(1)
        self.send_button.clicked.connect(self._send)
        self.skip_button.clicked.connect(self._skip)
        model.survey_changed.connect(self.refresh)
        self._built_for: tuple[str, int] | None = None
        self.refresh()

    def _send(self) -> None:
        if self.model.survey_state in ("ready", "failed", "wrong_code"):
            self.send_button.setEnabled(False)  # one click sends once
            self.send_requested.emit()

    def _skip(self) -> None:
        if self.model.survey_state not in ("sending", "sent"):
            self.skip_button.setEnabled(False)
            self.skip_requested.emit()

    def _rebuild(self) -> None:
        lang = self.model.language
        for box in self.boxes.values():
            self.questions_layout.removeWidget(box)
            box.deleteLater()
        self.boxes = {}
        for number, question in enumerate(self.model.survey_questions, start=1):
            box = QuestionBox(question, number, lang)
            box.chosen.connect(self.answered)
            self.questions_layout.addWidget(box)
            self.boxes[question["id"]] = box
        self._built_for = (lang, id(self.model.survey_questions))

    def refresh(self) -> None:
        model = self.model
        lang = model.language
        if self._built_for != (lang, id(model.survey_questions)):
            self._rebuild()
        for qid, box in self.boxes.items():
            box.show_value(model.survey_answers.get(qid))
        self.explain.setText(t("kiosk.survey.explain", lang))
        state = model.survey_state
        status = {"loading": t("kiosk.survey.loading", lang),
                  "sending": t("kiosk.survey.sending", lang),
                  "failed": f"{WARN_GLYPH} {t('kiosk.survey.failed', lang)}",
                  "wrong_code": f"{WARN_GLYPH} {t('kiosk.teacher.wrong_code', lang)}"}.get(state, "")
        teacher = model.survey_for_teacher
        self.title.setText(t("kiosk.teacher.title" if teacher else "kiosk.survey.title", lang))
        self.code_label.setText(t("kiosk.teacher.code", lang))
        for widget in (self.code_label, self.code_edit):
            widget.setVisible(teacher)
        self.status_label.setText(status)
        self.status_label.setVisible(bool(status))
        self.send_button.setText(t("kiosk.survey.send", lang))
        self.skip_button.setText(t("kiosk.survey.skip", lang))
        self.send_button.setEnabled(state in ("ready", "failed", "wrong_code")
                                    and bool(model.survey_answers)
                                    and (not teacher or len(self.code_edit.text().strip()) >= 4))
        self.skip_button.setEnabled(state not in ("sending", "sent"))

    def relabel(self) -> None:
        self.refresh()

    def focus_first(self) -> None:
        box = next(iter(self.boxes.values()), None)
        if box is not None:
            next(iter(box.cards.values())).setFocus(Qt.FocusReason.OtherFocusReason)
        else:
            self.skip_button.setFocus(Qt.FocusReason.OtherFocusReason)
