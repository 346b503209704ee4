"""Texts with gaps: inline_choice (a drop-down or a small box in each gap) and gap_match (a word
from the given words in each gap, chosen from a drop-down — no dragging needed).

The text flows like a paragraph; each gap is a control in the line. Answer: ``{gap id: value}``
with the empty gaps left out, or None when every gap is empty. A typed gap is sent on Enter, when
it loses the focus, and when the page changes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import QComboBox, QWidget

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget, register
from exam_client.ui.item_widgets.matching import choice_box, select
from exam_client.ui.item_widgets.numeric import NUMBER_PATTERN, AnswerLine
from exam_client.ui.views.flow_layout import FlowLayout
from exam_client.ui.views.style import label, set_prop


class _GapText(ItemWidget):
    """The running text with its gaps, laid out word by word so that it wraps like prose."""

    def _text(self) -> None:
        self.gap_widgets: dict[str, QWidget] = {}
        host = QWidget()
        host.setObjectName("gapText")
        flow = FlowLayout(host, spacing=6)
        gaps = {str(g["id"]): g for g in self.item["gaps"]}
        number = 0
        for segment in self.item["segments"]:
            if isinstance(segment, dict):
                gap_id = str(segment["gap"])
                number += 1
                widget = self._gap_widget(gaps[gap_id], number)
                widget.setAccessibleName(t("kiosk.item.gap_label", self.lang, number=number))
                flow.addWidget(widget)
                self.gap_widgets[gap_id] = widget
            else:
                for word in str(segment).split():
                    piece = label("word", "prompt", wrap=False)
                    piece.setText(word)
                    flow.addWidget(piece)
        self.layout_.addWidget(host)
        self._value: dict[str, Any] | None = None

    def _gap_widget(self, gap: dict[str, Any], number: int) -> QWidget:
        raise NotImplementedError

    def _read(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for gap_id, widget in self.gap_widgets.items():
            if isinstance(widget, QComboBox):
                value = widget.currentData()
            else:
                value = widget.text().strip() or None
            if value is not None:
                out[gap_id] = value
        return out

    def _emit_if_changed(self) -> None:
        value = self._read() or None
        if value != self._value:
            self._value = value
            self.answer_edited.emit(value)

    def set_answer(self, value: Any) -> None:
        value = value if isinstance(value, dict) else {}
        for gap_id, widget in self.gap_widgets.items():
            given = value.get(gap_id)
            if isinstance(widget, QComboBox):
                select(widget, None if given is None else str(given))
            else:
                widget.setText("" if given is None else str(given))
        self._value = self._read() or None

    def commit(self) -> None:
        self._emit_if_changed()

    def focus_first(self) -> None:
        first = next(iter(self.gap_widgets.values()), None)
        if first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)


@register("inline_choice")
class InlineChoiceWidget(_GapText):
    def _build(self) -> None:
        self._prompt()
        self._text()

    def _gap_widget(self, gap: dict[str, Any], number: int) -> QWidget:
        if gap.get("options"):
            box = choice_box(f"gap.{gap['id']}", [(str(o["id"]), str(o["text"])) for o in gap["options"]],
                             t("kiosk.item.gap_choose", self.lang))
            box.activated.connect(lambda _i: self._emit_if_changed())
            return box
        line = AnswerLine()
        line.setObjectName(f"gap.{gap['id']}")
        length = int(gap.get("expected_length") or 10)
        line.setMaxLength(max(length * 2, 20))
        line.setFixedWidth((length + 3) * line.fontMetrics().averageCharWidth() * 2)
        if gap.get("input") == "numeric":
            line.setValidator(QRegularExpressionValidator(QRegularExpression(NUMBER_PATTERN)))
        line.editingFinished.connect(self._emit_if_changed)
        return line


@register("gap_match")
class GapMatchWidget(_GapText):
    def _build(self) -> None:
        self._prompt()
        self.choices = [(str(c["id"]), str(c["text"])) for c in self.item["choices"]]
        self.max_uses = {str(c["id"]): int(c.get("max_uses") or 0) for c in self.item["choices"]}
        self._hint(t("kiosk.item.gap_match_hint", self.lang,
                     words=" · ".join(text for _, text in self.choices)))
        self._text()

    def _gap_widget(self, gap: dict[str, Any], number: int) -> QWidget:
        box = choice_box(f"gap.{gap['id']}", self.choices, t("kiosk.item.gap_choose", self.lang))
        box.activated.connect(lambda _i, b=box: self._placed(b))
        return box

    def _placed(self, box: QComboBox) -> None:
        chosen = box.currentData()
        limit = self.max_uses.get(chosen, 0) if chosen is not None else 0
        if limit:
            others = [b for b in self.gap_widgets.values() if b is not box and b.currentData() == chosen]
            # A word that may be used once moves: it leaves the gap it was in before.
            for other in others[: max(0, len(others) + 1 - limit)]:
                select(other, None)
        set_prop(self.hint_label, "role", "hint")
        self._emit_if_changed()
