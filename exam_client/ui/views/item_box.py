"""One item on its page: its number, the flag, the item's widget, and whether it is saved."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QWidget

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget
from exam_client.ui.item_widgets.registry import widget_for
from exam_client.ui.models import ItemRef, KioskModel, SaveState
from exam_client.ui.views.style import FLAG_GLYPH, SAVED_GLYPH, WARN_GLYPH, button, hbox, label, set_prop, vbox


class ItemBox(QFrame):
    """One item on its page: its number, the flag, the item's widget, and whether it is saved.

    Signals:
        flag_toggled(str, bool): the student flagged (True) or unflagged the item.
        draft(str, bool): typed text of the item is (not) waiting to be saved.
        read_requested(str): read the item aloud (its id).
    """

    flag_toggled = Signal(str, bool)
    draft = Signal(str, bool)
    read_requested = Signal(str)

    def __init__(self, ref: ItemRef, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ref = ref
        self.lang = lang
        self.setObjectName(f"itemBox.{ref.id}")
        self.setProperty("role", "panel")
        self.number_label = label("itemNumber", "heading", wrap=False)
        self.flag_button = button("flagButton", "flag")
        self.flag_button.setCheckable(True)
        self.read_button = button("readAloud", "flag")
        self.read_button.setText("♪ " + t("kiosk.read_aloud", lang))
        self.read_button.setToolTip(t("kiosk.read_aloud.hint", lang))
        self.read_button.setAccessibleName(t("kiosk.read_aloud", lang))
        self.read_button.hide()
        self.widget: ItemWidget = widget_for(ref.item, lang)
        self.status_label = label("saveStatus")
        self.status_label.setProperty("save", "none")
        top = hbox()
        top.addWidget(self.number_label)
        # Saved or not, at the top of the item where the eye is (a long item's end may be below
        # the fold, and a passage group's second item under the first).
        top.addWidget(self.status_label, 1)
        top.addWidget(self.read_button)
        top.addWidget(self.flag_button)
        layout = vbox(self, margins=16, spacing=10)
        layout.addLayout(top)
        layout.addWidget(self.widget)
        self._drafting = False
        self.flag_button.toggled.connect(lambda on: self.flag_toggled.emit(self.ref.id, on))
        self.widget.draft_changed.connect(self._draft_changed)
        self.read_button.clicked.connect(lambda: self.read_requested.emit(self.ref.id))

    def show_read_aloud(self, on: bool) -> None:
        self.read_button.setVisible(on)

    def _draft_changed(self, dirty: bool) -> None:
        self._drafting = dirty
        self.draft.emit(self.ref.id, dirty)

    def show_state(self, model: KioskModel) -> None:
        lang = self.lang
        item_id = self.ref.id
        self.number_label.setText(t("kiosk.test.item_number", lang, number=self.ref.number))
        flagged = model.is_flagged(item_id)
        if self.flag_button.isChecked() != flagged:
            self.flag_button.blockSignals(True)
            self.flag_button.setChecked(flagged)
            self.flag_button.blockSignals(False)
        self.flag_button.setText(f"{FLAG_GLYPH} " + t(
            "kiosk.test.flagged" if flagged else "kiosk.test.flag", lang))
        self.flag_button.setAccessibleName(t("kiosk.test.flag", lang))
        if not self._drafting:  # typed text waiting for Enter is the student's, not the model's
            self.widget.set_answer(model.answer(item_id))
        self.show_save(model)

    def show_save(self, model: KioskModel) -> None:
        state = model.save_state(self.ref.id)
        if self._drafting:
            text, look = f"✎ {t('kiosk.test.draft', self.lang)}", "none"
        elif state is SaveState.FAILED:
            text, look = f"{WARN_GLYPH} {t('kiosk.test.not_saved', self.lang)}", "failed"
        elif model.is_answered(self.ref.id):
            text, look = f"{SAVED_GLYPH} {t('kiosk.test.saved', self.lang)}", "saved"
        else:
            text, look = t("kiosk.test.no_answer", self.lang), "none"
        self.status_label.setText(text)
        set_prop(self.status_label, "save", look)


class MessageBar(QFrame):
    """The representative's message over the test, until the student closes it.

    Signals:
        closed(int): the student closed the message (its id).
    """

    closed = Signal(int)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("messageBar")
        self.setProperty("role", "panel")
        self.message_id: int | None = None
        self.title = label("messageFrom", "muted")
        self.text = label("messageText", "prompt")
        self.ok_button = button("messageOk", "primary")
        layout = hbox(self, margins=10, spacing=12)
        column = vbox(spacing=2)
        column.addWidget(self.title)
        column.addWidget(self.text)
        layout.addLayout(column, 1)
        layout.addWidget(self.ok_button)
        self.ok_button.clicked.connect(self._close)
        self.hide()

    def show_message(self, message: dict[str, Any] | None, lang: str) -> None:
        if message is None:
            self.message_id = None
            self.hide()
            return
        self.message_id = int(message["id"])
        self.title.setText("✉ " + t("kiosk.message.from", lang))
        self.text.setText(str(message.get("text", "")))
        self.ok_button.setText(t("kiosk.message.ok", lang))
        self.show()

    def _close(self) -> None:
        if self.message_id is not None:
            self.closed.emit(self.message_id)
