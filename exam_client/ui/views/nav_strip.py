"""The test's navigation strip: one numbered button per item, the current one outlined, saved
ones filled and marked ✓, flagged ones marked ⚑."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from common.i18n import t
from exam_client.ui.models import ItemRef, KioskModel, SaveState
from exam_client.ui.views.flow_layout import FlowLayout
from exam_client.ui.views.style import FLAG_GLYPH, SAVED_GLYPH, WARN_GLYPH, button, set_prop


class NavStrip(QWidget):
    """One numbered button per item: the current one outlined, answered filled, flagged ⚑.

    Signals:
        item_chosen(str): the student chose an item by its number.
    """

    item_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("navStrip")
        self.flow = FlowLayout(self, spacing=5)
        self.buttons: dict[str, Any] = {}

    def rebuild(self, refs: list[ItemRef]) -> None:
        for b in self.buttons.values():
            self.flow.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        for ref in refs:
            b = button(f"nav.{ref.number}", "nav")
            b.clicked.connect(lambda _=False, i=ref.id: self.item_chosen.emit(i))
            self.flow.addWidget(b)
            self.buttons[ref.id] = b
        self.updateGeometry()

    def show_state(self, model: KioskModel) -> None:
        lang = model.language
        page = model.page_index
        for ref in model.refs:
            b = self.buttons.get(ref.id)
            if b is None:
                continue
            answered, flagged = model.is_answered(ref.id), model.is_flagged(ref.id)
            current = ref.page == page
            # Saved (on this PC's disk) is told on the strip too: ✓, or ⚠ when the save failed.
            failed = model.save_state(ref.id) is SaveState.FAILED
            mark = WARN_GLYPH if failed else SAVED_GLYPH if answered else ""
            b.setText(f"{ref.number}{mark}{FLAG_GLYPH if flagged else ''}")
            words = [t("kiosk.test.item_number", lang, number=ref.number),
                     t("kiosk.nav.answered" if answered else "kiosk.nav.unanswered", lang)]
            if flagged:
                words.append(t("kiosk.nav.flagged", lang))
            if current:
                words.append(t("kiosk.nav.current", lang))
            b.setAccessibleName(", ".join(words))
            b.setToolTip(", ".join(words))
            for name, value in (("answered", answered), ("flagged", flagged), ("current", current)):
                set_prop(b, name, value)
