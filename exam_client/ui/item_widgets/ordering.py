"""An ordering item: the cards in a column, moved up and down with ▲ ▼ (or Alt+↑ / Alt+↓).

Answer: every option id in the order shown (first = top), saved at each move and by the button
"This order is my answer" (so a student who agrees with the starting order can say so).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QWidget

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget, register
from exam_client.ui.views.style import button, hbox, label, set_prop


class _Place(QFrame):
    """One position of the column: its number, the card there, and the two arrows."""

    def __init__(self, position: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.position = position
        self.setObjectName("orderPlace")
        self.setProperty("role", "panel")
        self.number = label("position", "heading", wrap=False)
        self.number.setText(f"{position + 1}.")
        self.text = label("cardText", "prompt")
        self.up = button("moveUp")
        self.up.setText("▲")
        self.down = button("moveDown")
        self.down.setText("▼")
        row = hbox(self, margins=8, spacing=10)
        row.addWidget(self.number)
        row.addWidget(self.text, 1)
        row.addWidget(self.up)
        row.addWidget(self.down)


@register("ordering")
class OrderingWidget(ItemWidget):
    def _build(self) -> None:
        self._prompt()
        self._hint(t("kiosk.item.ordering_hint", self.lang))
        self.texts = {str(o["id"]): str(o["text"]) for o in self.item["options"]}
        self.start = [str(o["id"]) for o in self.item["options"]]
        if len(self.start) < 2:
            raise ValueError("an ordering item needs at least two options")
        self.places: list[_Place] = []
        for position in range(len(self.start)):
            place = _Place(position)
            place.up.clicked.connect(lambda _=False, p=position: self.move(p, -1))
            place.down.clicked.connect(lambda _=False, p=position: self.move(p, 1))
            place.up.installEventFilter(self)
            place.down.installEventFilter(self)
            place.up.setAccessibleName(t("kiosk.item.move_up", self.lang))
            place.down.setAccessibleName(t("kiosk.item.move_down", self.lang))
            self.layout_.addWidget(place)
            self.places.append(place)
        self.keep_button = button("keepOrder")
        self.keep_button.setText(t("kiosk.item.ordering_keep", self.lang))
        self.keep_button.clicked.connect(self._keep)
        self.layout_.addWidget(self.keep_button, 0, Qt.AlignmentFlag.AlignLeft)
        self._order = list(self.start)
        self._saved: list[str] | None = None
        self._show()

    def order(self) -> list[str]:
        return list(self._order)

    def move(self, position: int, step: int) -> None:
        target = position + step
        if not 0 <= target < len(self._order):
            return
        order = list(self._order)
        order[position], order[target] = order[target], order[position]
        self._order = order
        self._show()
        arrow = self.places[target].up if step < 0 else self.places[target].down
        if not arrow.isEnabled():
            arrow = self.places[target].down if step < 0 else self.places[target].up
        arrow.setFocus(Qt.FocusReason.OtherFocusReason)  # the focus travels with the card
        self._emit()

    def _keep(self) -> None:
        self._emit()

    def _emit(self) -> None:
        if self._order != self._saved:
            self._saved = list(self._order)
            self.answer_edited.emit(list(self._order))

    def _show(self) -> None:
        last = len(self._order) - 1
        for place, option in zip(self.places, self._order):
            place.text.setText(self.texts[option])
            place.up.setEnabled(place.position > 0)
            place.down.setEnabled(place.position < last)
            set_prop(place, "answered", self._saved is not None)

    def set_answer(self, value: Any) -> None:
        if isinstance(value, list) and sorted(map(str, value)) == sorted(self.start):
            self._order = [str(v) for v in value]
            self._saved = list(self._order)
        else:
            self._order = list(self.start)
            self._saved = None
        self._show()

    def focus_first(self) -> None:
        self.places[0].down.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, obj, event) -> bool:  # noqa: N802 (Qt's name)
        """Alt+↑ / Alt+↓ on a card's arrow moves that card."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent) and (
                event.modifiers() & Qt.KeyboardModifier.AltModifier) and event.key() in (
                Qt.Key.Key_Up, Qt.Key.Key_Down):
            place = next((p for p in self.places if obj in (p.up, p.down)), None)
            if place is not None:
                self.move(place.position, -1 if event.key() == Qt.Key.Key_Up else 1)
                return True
        return super().eventFilter(obj, event)
