"""The panel for an item the kiosk cannot show: calm, clear, and never a crash."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QFrame, QWidget

from common.i18n import t
from exam_client.ui.item_widgets.base import ItemWidget
from exam_client.ui.views.style import WARN_GLYPH, label, vbox


class UnsupportedItemWidget(ItemWidget):
    """Says the item cannot be shown and asks the student to call the representative.

    `reason` is technical (for the representative and the log), shown small under the message.
    """

    def __init__(self, item: dict[str, Any], lang: str, parent: QWidget | None = None,
                 reason: str = "unknown_type"):
        self.reason = reason
        super().__init__(item, lang, parent)

    def _build(self) -> None:
        if self.item.get("prompt"):
            self._prompt()
        panel = QFrame()
        panel.setObjectName("unsupported")
        panel.setProperty("role", "panel")
        inner = vbox(panel, margins=16)
        self.message = label("unsupportedMessage", "error")
        self.message.setText(f"{WARN_GLYPH} {t('kiosk.item.unsupported', self.lang)}")
        self.detail = label("unsupportedDetail", "muted")
        self.detail.setText(t("kiosk.item.unsupported_detail", self.lang,
                              item_id=str(self.item.get("id", "?")),
                              type=str(self.item.get("type", "?")), reason=self.reason))
        inner.addWidget(self.message)
        inner.addWidget(self.detail)
        self.layout_.addWidget(panel)

    def set_answer(self, value: Any) -> None:
        """Nothing to show: the answer, if any, stays in the journal untouched."""
