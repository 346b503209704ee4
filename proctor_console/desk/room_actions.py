"""The room-wide actions during the test: pause the room (a power cut, an alarm) and go on, a
message to the chosen seat or to the whole room, and the one-time codes for the teachers' survey
(§25). Their buttons sit with the room's actions on the during-the-test screen; each is a dialog,
then one request to the room server through the controller."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QComboBox, QLineEdit, QPlainTextEdit, QSpinBox, QWidget

from common.i18n import t
from proctor_console.desk.dialogs import DeskDialog
from proctor_console.desk.widgets import button, wrapped

PAUSE_REASONS = ("power", "alarm", "technical", "other")
MAX_MESSAGE = 500


class PauseDialog(DeskDialog):
    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__("pauseDialog", t("console.pause.title", lang), t("console.pause.ok", lang),
                         lang, parent, danger=True)
        self.body.addWidget(wrapped(t("console.pause.effect", lang)))
        self.reason = QComboBox()
        self.reason.setObjectName("reason")
        for reason in PAUSE_REASONS:
            self.reason.addItem(t(f"kiosk.paused.reason.{reason}", lang), reason)
        self.note = QLineEdit()
        self.note.setObjectName("note")
        self.note.setMaxLength(500)
        self.note.setPlaceholderText(t("console.pause.note", lang))
        self.body.addWidget(self.reason)
        self.body.addWidget(self.note)

    def values(self) -> dict[str, Any]:
        return {"reason": self.reason.currentData(), "note": self.note.text().strip()}


class MessageDialog(DeskDialog):
    def __init__(self, to: str, lang: str, parent: QWidget | None = None):
        super().__init__("messageDialog", t("console.message.title", lang),
                         t("console.message.ok", lang), lang, parent)
        self.body.addWidget(wrapped(to, "to", bold=True))
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setTabChangesFocus(True)
        self.body.addWidget(self.text)

    def check(self) -> str:
        text = self.text.toPlainText().strip()
        if not text:
            return t("console.message.need_text", self.lang)
        if len(text) > MAX_MESSAGE:
            return t("console.message.too_long", self.lang, limit=MAX_MESSAGE)
        return ""

    def values(self) -> dict[str, Any]:
        return {"text": self.text.toPlainText().strip()}


class TeacherCodesDialog(DeskDialog):
    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__("teacherCodesDialog", t("console.teachers.title", lang),
                         t("console.teachers.ok", lang), lang, parent)
        self.body.addWidget(wrapped(t("console.teachers.explain", lang)))
        self.count = QSpinBox()
        self.count.setObjectName("count")
        self.count.setRange(1, 200)
        self.count.setValue(5)
        self.body.addWidget(self.count)

    def values(self) -> dict[str, Any]:
        return {"count": self.count.value()}


class CodesShownDialog(DeskDialog):
    """The codes, shown once: the room keeps only their hashes."""

    def __init__(self, codes: list[str], lang: str, parent: QWidget | None = None):
        super().__init__("codesShownDialog", t("console.teachers.codes", lang),
                         t("console.teachers.done", lang), lang, parent)
        self.body.addWidget(wrapped(t("console.teachers.once", lang)))
        self.codes = QPlainTextEdit("\n".join(codes))
        self.codes.setObjectName("codes")
        self.codes.setReadOnly(True)
        self.body.addWidget(self.codes)
        self.cancel_button.hide()


class RoomActions:
    """Adds the buttons to the during-the-test screen and runs what they ask."""

    def __init__(self, window: Any, controller: Any):
        self.window, self.controller = window, controller
        self.model = controller.model
        page = window.test_page
        self.pause_button = button("pauseRoom")
        self.message_button = button("messageButton")
        self.teachers_button = button("teacherCodes")
        for b in (self.pause_button, self.message_button, self.teachers_button):
            page.room_actions.addWidget(b)
        self.pause_button.clicked.connect(self.pause_or_resume)
        self.message_button.clicked.connect(self.open_message)
        self.teachers_button.clicked.connect(self.open_teacher_codes)
        self.model.room.changed.connect(self.relabel)
        self.model.language_changed.connect(lambda *_: self.relabel())
        self.relabel()

    @property
    def paused(self) -> bool:
        return bool((self.model.room.view() or {}).get("paused"))

    def relabel(self) -> None:
        lang = self.model.language
        self.pause_button.setText(t("console.room.resume" if self.paused else "console.room.pause",
                                    lang))
        self.message_button.setText(t("console.room.message", lang))
        self.teachers_button.setText(t("console.room.teacher_codes", lang))

    def pause_or_resume(self) -> None:
        lang = self.model.language
        client = self.controller.client
        if self.paused:
            self.controller.run("resume", client.resume,
                                done_text=t("console.room.resumed", lang))
            return
        self.window.prompts.show(PauseDialog(lang, self.window), lambda v: self.controller.run(
            "pause", lambda: client.pause(v["reason"], v["note"]),
            done_text=t("console.room.paused", lang)))

    def open_message(self) -> None:
        lang = self.model.language
        code = self.window.test_page.selected_code() or None
        info = self.model.room.seat(code) if code else None
        to = (t("console.message.to_seat", lang, seat=info.seat, name=info.full_name) if info
              else t("console.message.to_room", lang))
        self.window.prompts.show(MessageDialog(to, lang, self.window), lambda v: self.controller.run(
            "message", lambda: self.controller.client.message(v["text"], code),
            done_text=t("console.message.sent", lang)))

    def open_teacher_codes(self) -> None:
        lang = self.model.language

        def show(result: dict[str, Any]) -> None:
            self.window.prompts.show(CodesShownDialog(result["codes"], lang, self.window),
                                     lambda _v: None)

        self.window.prompts.show(TeacherCodesDialog(lang, self.window), lambda v: self.controller.run(
            "teacher_codes", lambda: self.controller.client.teacher_codes(v["count"]), show))
