"""Typed answers: a number (`numeric`, with a comma or a point, and its unit after the box) or a
word or phrase (`text_entry`).

Answer value: the typed text, trimmed (the room parses '3,5', '−2' and '12' the same way the
centre does, and normalises words the same way too), or None when the field is emptied. The text
is sent on Enter, on the Save button and when the page changes — not at every key, so the journal holds answers, not keystrokes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QLineEdit

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget, register
from exam_client.ui.views.style import button, hbox, label

NUMBER_PATTERN = r"^[-−]?[0-9]{0,12}([.,][0-9]{0,8})?$"
MAX_LENGTH = 24


class AnswerLine(QLineEdit):
    """A line for a typed answer without the clipboard: no context menu, no copy or paste."""

    def __init__(self) -> None:
        super().__init__()
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        from PySide6.QtGui import QKeySequence

        if any(event.matches(k) for k in (QKeySequence.StandardKey.Copy, QKeySequence.StandardKey.Paste,
                                          QKeySequence.StandardKey.Cut)):
            event.accept()
            return
        super().keyPressEvent(event)


class _TypedWidget(ItemWidget):
    """Shared by the typed answers: a line, a Save button, and the draft's state."""

    def _entry(self, validator: QRegularExpressionValidator | None, width_chars: int,
               unit: str | None = None, max_length: int | None = None) -> None:
        caption = label("entryCaption", "hint")
        caption.setText(t("kiosk.item.type_answer", self.lang))
        self.entry = AnswerLine()
        self.entry.setObjectName("answerEntry")
        self.entry.setMaxLength(max_length or (MAX_LENGTH if validator is not None else 200))
        if validator is not None:
            self.entry.setValidator(validator)
        self.entry.setMinimumWidth(width_chars * self.entry.fontMetrics().averageCharWidth())
        self.entry.setAccessibleName(t("kiosk.item.type_answer", self.lang))
        caption.setBuddy(self.entry)
        self.save_button = button("saveAnswer")
        self.save_button.setText(t("kiosk.item.save", self.lang))
        row = hbox()
        row.addWidget(self.entry, 1)
        if unit:
            self.unit_label = label("unit", "prompt", wrap=False)
            self.unit_label.setText(unit)
            row.addWidget(self.unit_label)
        row.addWidget(self.save_button)
        row.addStretch(0)
        self.layout_.addWidget(caption)
        self.layout_.addLayout(row)
        self._saved_text = ""
        self._dirty = False
        self.entry.returnPressed.connect(self.commit)
        self.entry.editingFinished.connect(self.commit)
        self.save_button.clicked.connect(self.commit)
        self.entry.textEdited.connect(self._edited)

    def _edited(self, _text: str) -> None:
        dirty = self.entry.text().strip() != self._saved_text
        if dirty != self._dirty:
            self._dirty = dirty
            self.draft_changed.emit(dirty)

    def commit(self) -> None:
        text = self.entry.text().strip()
        if text == self._saved_text:
            return
        self._saved_text = text
        self._dirty = False
        self.draft_changed.emit(False)
        self.answer_edited.emit(text or None)

    def set_answer(self, value: Any) -> None:
        text = "" if value is None else str(value)
        self._saved_text = text.strip()
        if self.entry.text() != text:
            self.entry.setText(text)
        if self._dirty:
            self._dirty = False
            self.draft_changed.emit(False)

    def focus_first(self) -> None:
        self.entry.setFocus(Qt.FocusReason.OtherFocusReason)


@register("numeric")
class NumericWidget(_TypedWidget):
    def _build(self) -> None:
        self._prompt()
        self._entry(QRegularExpressionValidator(QRegularExpression(NUMBER_PATTERN)), 12,
                    unit=self.item.get("unit"))


@register("text_entry")
class TextEntryWidget(_TypedWidget):
    """A word or a short phrase, typed; the answer is the text as typed (trimmed)."""

    def _build(self) -> None:
        self._prompt()
        limit = self.item.get("max_length")
        self._entry(None, 24, max_length=int(limit) if limit else None)
