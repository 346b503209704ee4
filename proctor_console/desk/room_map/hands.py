"""Raised hands as the representative cannot miss them: a banner over the room's map with how
many and at which seats, and a sound each time one more goes up."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QWidget

from common.i18n import t
from proctor_console.desk.room_map.looks import HAND_GLYPH
from proctor_console.desk.room_map.model import SeatInfo, SeatState
from proctor_console.desk.room_map.tiles import map_label


class HandsBanner(QLabel):
    """`☝ 2 raised hands: seats 07, 12` in amber; hidden when no hand is up. `rang` counts the
    sounds made (for tests: the offscreen platform has no speaker)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        label = map_label("hands", wrap=True, bold=True, point_delta=2)
        self.setObjectName(label.objectName())
        self.setFont(label.font())
        self.setWordWrap(True)
        self.setContentsMargins(10, 6, 10, 6)
        self.setStyleSheet("QLabel#hands { color: #4a3300; background: #ffe9a8;"
                           " border: 3px solid #f2b600; border-radius: 4px; }")
        self.seats: list[str] = []
        self.rang = 0
        self.hide()

    def show_hands(self, seats: list[SeatInfo], lang: str) -> None:
        raised = [s.seat for s in seats if s.hand_raised and s.state is SeatState.SITTING]
        if len(set(raised) - set(self.seats)) > 0:
            self.rang += 1
            QApplication.beep()
        self.seats = raised
        self.setVisible(bool(raised))
        if raised:
            self.setText(f"{HAND_GLYPH} " + t("room_view.hands", lang, count=len(raised),
                                               seats=", ".join(raised)))
