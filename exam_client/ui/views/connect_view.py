"""The first screen: this workstation, the room server, and the language of the screens."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal

from common.i18n import LANGUAGES, t
from exam_client.ui.models import KioskModel, Link
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import WARN_GLYPH, button, hbox, label, set_prop


class ConnectView(ScreenView):
    """Workstation and room, the three languages, and Continue once the room server answered.

    Signals:
        language_chosen(str): kk, ru or en.
        continue_requested: go on to the login.
    """

    language_chosen = Signal(str)
    continue_requested = Signal()
    teacher_survey_requested = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "connectView")
        column = self.centred_column()
        self.title = label("title", "title")
        self.workstation_label = label("workstation", "big")
        self.room_label = label("room", "heading")
        self.status_label = label("status")
        self.language_label = label("languageLabel", "heading")
        self.language_buttons = {}
        langs = hbox(spacing=12)
        for lang in LANGUAGES:
            b = button(f"lang.{lang}", "lang")
            b.setCheckable(True)
            b.setText(t(f"language.{lang}", lang))  # each language named in itself
            b.clicked.connect(lambda _=False, code=lang: self.language_chosen.emit(code))
            langs.addWidget(b)
            self.language_buttons[lang] = b
        langs.addStretch(1)
        self.continue_button = button("continue", "primary")
        self.continue_button.clicked.connect(self.continue_requested)
        # §25: teachers answer their questionnaire here after the students, with a code
        self.teacher_button = button("teacherSurvey")
        self.teacher_button.clicked.connect(self.teacher_survey_requested)
        column.addWidget(self.title)
        column.addWidget(self.workstation_label)
        column.addWidget(self.room_label)
        column.addWidget(self.status_label)
        column.addSpacing(12)
        column.addWidget(self.language_label)
        column.addLayout(langs)
        column.addSpacing(12)
        column.addWidget(self.continue_button, 0, Qt.AlignmentFlag.AlignLeft)
        column.addStretch(1)
        column.addWidget(self.teacher_button, 0, Qt.AlignmentFlag.AlignRight)
        model.room_changed.connect(self.relabel)
        self.relabel()

    def relabel(self) -> None:
        model = self.model
        lang = model.language
        self.title.setText(t("kiosk.app.title", lang))
        self.workstation_label.setText(t("kiosk.connect.workstation", lang,
                                         workstation=model.workstation_id))
        self.language_label.setText(t("kiosk.connect.language", lang))
        for code, b in self.language_buttons.items():
            b.setChecked(code == lang)
        room = model.room
        self.room_label.setVisible(bool(room))
        if room:
            self.room_label.setText(t("kiosk.connect.room", lang, room=room.get("room_id", "")))
        if model.link is Link.ONLINE:
            status, role = t("kiosk.connect.online", lang), "ok"
        elif model.link is Link.UNTRUSTED:
            status, role = f"{WARN_GLYPH} {t('kiosk.connect.untrusted', lang)}", "error"
        elif model.link is Link.OFFLINE:
            status, role = f"{WARN_GLYPH} {t('kiosk.connect.offline', lang)}", "error"
        else:
            status, role = t("kiosk.connect.connecting", lang), "muted"
        self.status_label.setText(status)
        set_prop(self.status_label, "role", role)
        self.continue_button.setText(t("kiosk.connect.continue", lang) + " →")
        self.continue_button.setEnabled(model.link is Link.ONLINE)
        self.teacher_button.setText(t("kiosk.teacher.open", lang))
        self.teacher_button.setEnabled(model.link is Link.ONLINE)

    def focus_first(self) -> None:
        target = self.continue_button if self.continue_button.isEnabled() else \
            self.language_buttons[self.model.language]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
