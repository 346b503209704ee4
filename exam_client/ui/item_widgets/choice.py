"""Single- and multiple-choice items: the options as large cards with their letters.

Answer values: single choice — the chosen option's id (a string); multiple choice — the sorted
list of chosen option ids, or None when none is chosen.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget, register
from exam_client.ui.views.option_card import OptionCard
from exam_client.ui.views.style import LETTERS, set_prop


class _ChoiceWidget(ItemWidget):
    multiple = False

    def _build(self) -> None:
        self._prompt()
        self.max_choices = int(self.item.get("max_choices") or 0) if self.multiple else 1
        if self.multiple:
            self._hint(t("kiosk.item.choose_up_to", self.lang, max=self.max_choices)
                       if self.max_choices else t("kiosk.item.choose_many", self.lang))
        options = self.item["options"]
        if not options:
            raise ValueError("a choice item needs options")
        self.cards: list[OptionCard] = []
        self._ids: list[str] = []
        for index, option in enumerate(options):
            card = OptionCard(LETTERS[index], str(option["text"]), picture=option.get("image"),
                              lang=self.lang)
            card.setObjectName("optionCard")
            card.clicked.connect(lambda _=False, i=index: self._clicked(i))
            self.layout_.addWidget(card)
            self.cards.append(card)
            self._ids.append(str(option["id"]))
        self._value: Any = None

    def _chosen(self) -> set[str]:
        if self._value is None:
            return set()
        return {self._value} if isinstance(self._value, str) else set(self._value)

    def _clicked(self, index: int) -> None:
        option = self._ids[index]
        if self.multiple:
            chosen = self._chosen() ^ {option}
            if self.max_choices and len(chosen) > self.max_choices:
                set_prop(self.hint_label, "role", "error")  # says how many, in words; no sound
                return
            set_prop(self.hint_label, "role", "hint")
            value: Any = sorted(chosen) if chosen else None
        else:
            if self._value == option:
                return  # choosing the chosen one again changes nothing
            value = option
        self._show(value)
        self.answer_edited.emit(value)

    def _show(self, value: Any) -> None:
        self._value = value
        chosen = self._chosen()
        for card, option in zip(self.cards, self._ids):
            card.set_chosen(option in chosen)

    def set_answer(self, value: Any) -> None:
        if self.multiple and value is not None and not isinstance(value, list):
            value = None
        if not self.multiple and value is not None and not isinstance(value, str):
            value = None
        self._show(value)

    def focus_first(self) -> None:
        chosen = self._chosen()
        target = next((c for c, o in zip(self.cards, self._ids) if o in chosen), self.cards[0])
        target.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt's name)
        """A, B, C ... (or 1, 2, 3 ...) choose an option, as a student would say it."""
        key = event.text().upper()
        index = LETTERS.find(key) if key and key in LETTERS else -1
        if index < 0 and key.isdigit() and key != "0":
            index = int(key) - 1
        if 0 <= index < len(self.cards) and not event.modifiers() & ~Qt.KeyboardModifier.ShiftModifier:
            event.accept()
            self.cards[index].setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.cards[index].click()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            focused = next((i for i, c in enumerate(self.cards) if c.hasFocus()), None)
            if focused is not None:
                step = 1 if event.key() == Qt.Key.Key_Down else -1
                target = min(max(0, focused + step), len(self.cards) - 1)
                self.cards[target].setFocus(Qt.FocusReason.TabFocusReason)
                event.accept()
                return
        super().keyPressEvent(event)


@register("single_choice")
class SingleChoiceWidget(_ChoiceWidget):
    multiple = False


@register("multiple_choice")
class MultipleChoiceWidget(_ChoiceWidget):
    multiple = True
