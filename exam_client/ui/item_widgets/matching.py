"""Matching and association items: the student makes pairs by clicking, never by dragging.

matching — each element on the left is a line; the right elements are cards in that line; a click
pairs or unpairs them. Answer: ``[[left id, right id], ...]`` sorted, or None.
association — pairs of options chosen in lines of two drop-down boxes. Answer:
``[[id, id], ...]`` (each pair sorted, the list sorted), or None.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QFrame, QWidget

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget, register
from exam_client.ui.views.flow_layout import FlowLayout
from exam_client.ui.views.option_card import OptionCard
from exam_client.ui.views.style import LETTERS, hbox, label, set_prop, vbox

LONG_TEXT = 28  # right-hand texts longer than this are stacked, not set side by side


class _PairRow(QFrame):
    """One left element and the right elements it may be paired with."""

    def __init__(self, number: int, text: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("pairRow")
        self.title = label("left", "heading")
        self.title.setText(f"{number}. {text}")
        self.cards: list[OptionCard] = []
        self.layout_ = vbox(self, spacing=6)
        self.layout_.addWidget(self.title)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        key = event.text().upper()
        index = LETTERS.find(key) if key and key in LETTERS else -1
        if 0 <= index < len(self.cards):
            event.accept()
            self.cards[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.cards[index].click()
            return
        super().keyPressEvent(event)


@register("matching")
class MatchingWidget(ItemWidget):
    def _build(self) -> None:
        self._prompt()
        self._hint(t("kiosk.item.matching_hint", self.lang))
        self.left = [(str(o["id"]), str(o["text"])) for o in self.item["left"]]
        self.right = [(str(o["id"]), str(o["text"])) for o in self.item["right"]]
        if not self.left or not self.right:
            raise ValueError("a matching item needs elements on both sides")
        self.max_left = int(self.item.get("max_per_left", 1))
        self.max_right = int(self.item.get("max_per_right", 1))
        stacked = any(len(text) > LONG_TEXT for _, text in self.right)
        self.rows: list[_PairRow] = []
        self.cards: dict[tuple[str, str], OptionCard] = {}
        for number, (left_id, left_text) in enumerate(self.left, start=1):
            row = _PairRow(number, left_text)
            holder = QWidget()
            places = vbox(holder, spacing=6) if stacked else FlowLayout(holder, spacing=8)
            for index, (right_id, right_text) in enumerate(self.right):
                card = OptionCard(LETTERS[index], right_text)
                card.setAccessibleName(f"{number}. {left_text} — {LETTERS[index]}. {right_text}")
                card.clicked.connect(lambda _=False, pair=(left_id, right_id): self._toggle(pair))
                places.addWidget(card)
                row.cards.append(card)
                self.cards[(left_id, right_id)] = card
            row.layout_.addWidget(holder)
            self.layout_.addWidget(row)
            self.rows.append(row)
        self._pairs: set[tuple[str, str]] = set()

    def _toggle(self, pair: tuple[str, str]) -> None:
        pairs = set(self._pairs)
        left, right = pair
        if pair in pairs:
            pairs.discard(pair)
        else:
            if self.max_left == 1:
                pairs = {p for p in pairs if p[0] != left}  # the line's old pair moves
            elif self.max_left and sum(1 for p in pairs if p[0] == left) >= self.max_left:
                return
            if self.max_right == 1:
                pairs = {p for p in pairs if p[1] != right}  # taken from the other line
            elif self.max_right and sum(1 for p in pairs if p[1] == right) >= self.max_right:
                return
            pairs.add(pair)
        self._show(pairs)
        self.answer_edited.emit([list(p) for p in sorted(pairs)] if pairs else None)

    def _show(self, pairs: set[tuple[str, str]]) -> None:
        self._pairs = pairs
        for key, card in self.cards.items():
            card.set_chosen(key in pairs)

    def set_answer(self, value: Any) -> None:
        pairs: set[tuple[str, str]] = set()
        if isinstance(value, list):
            for p in value:
                if isinstance(p, list) and len(p) == 2 and tuple(map(str, p)) in self.cards:
                    pairs.add((str(p[0]), str(p[1])))
        self._show(pairs)

    def focus_first(self) -> None:
        self.rows[0].cards[0].setFocus(Qt.FocusReason.OtherFocusReason)


def choice_box(name: str, options: list[tuple[str, str]], placeholder: str) -> QComboBox:
    """A drop-down of options (id as item data) with an empty first entry."""
    box = QComboBox()
    box.setObjectName(name)
    box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    box.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    box.addItem(placeholder, None)
    for option_id, text in options:
        box.addItem(text, option_id)
    return box


def select(box: QComboBox, option_id: str | None) -> None:
    """Show `option_id` in `box` without telling anyone."""
    index = box.findData(option_id) if option_id is not None else 0
    box.blockSignals(True)
    box.setCurrentIndex(max(0, index))
    box.blockSignals(False)


@register("association")
class AssociationWidget(ItemWidget):
    def _build(self) -> None:
        self._prompt()
        self._hint(t("kiosk.item.association_hint", self.lang))
        self.options = [(str(o["id"]), str(o["text"])) for o in self.item["options"]]
        if len(self.options) < 2:
            raise ValueError("an association item needs at least two options")
        self.max_uses = {str(o["id"]): int(o.get("max_uses") or 0) for o in self.item["options"]}
        count = int(self.item.get("max_associations") or 0) or max(1, len(self.options) // 2)
        placeholder = t("kiosk.item.gap_choose", self.lang)
        self.lines: list[tuple[QComboBox, QComboBox]] = []
        for number in range(1, count + 1):
            row = hbox(spacing=10)
            caption = label("pairCaption", "heading", wrap=False)
            caption.setText(t("kiosk.item.pair_label", self.lang, number=number))
            first = choice_box("pairFirst", self.options, placeholder)
            second = choice_box("pairSecond", self.options, placeholder)
            for box in (first, second):
                box.setAccessibleName(t("kiosk.item.pair_label", self.lang, number=number))
                box.activated.connect(lambda _i, b=box: self._changed(b))
            link = label("pairLink", wrap=False)
            link.setText("↔")
            row.addWidget(caption)
            row.addWidget(first)
            row.addWidget(link)
            row.addWidget(second)
            row.addStretch(1)
            self.layout_.addLayout(row)
            self.lines.append((first, second))
        self._value: list[list[str]] | None = None

    def _current(self) -> list[list[str]]:
        pairs = set()
        for first, second in self.lines:
            a, b = first.currentData(), second.currentData()
            if a is not None and b is not None and a != b:
                pairs.add(tuple(sorted((a, b))))
        return [list(p) for p in sorted(pairs)]

    def _changed(self, box: QComboBox) -> None:
        chosen = box.currentData()
        if chosen is not None and self.max_uses.get(chosen):
            uses = sum(1 for line in self.lines for b in line if b.currentData() == chosen)
            if uses > self.max_uses[chosen]:
                select(box, None)  # used up: say so, and leave the box empty
                set_prop(self.hint_label, "role", "error")
                return
        set_prop(self.hint_label, "role", "hint")
        value = self._current() or None
        if value != self._value:
            self._value = value
            self.answer_edited.emit(value)

    def set_answer(self, value: Any) -> None:
        pairs = [p for p in value if isinstance(p, list) and len(p) == 2] if isinstance(value, list) else []
        for index, (first, second) in enumerate(self.lines):
            pair = pairs[index] if index < len(pairs) else [None, None]
            select(first, None if pair[0] is None else str(pair[0]))
            select(second, None if pair[1] is None else str(pair[1]))
        self._value = self._current() or None

    def focus_first(self) -> None:
        self.lines[0][0].setFocus(Qt.FocusReason.OtherFocusReason)
