"""Step 4: the room's kiosks on the seating map: ready, not ready (and why), or not registered."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.room_map.map_view import RoomMapView
from proctor_console.desk.widgets import wrapped




class ReadinessPage(Page):
    def __init__(self, model: DeskModel, parent: QWidget | None = None):
        super().__init__(Step.READINESS, parent)
        self.map = RoomMapView(model.room, model.language)
        self.map.setObjectName("readinessMap")
        self.map.set_mode("readiness")
        self.map.set_embedded(True)
        self.summary = wrapped("", "readySummary", bold=True)
        # the enrolled computers (desk/enrolments.py adds its button here)
        self.actions = QHBoxLayout()
        top = QHBoxLayout()
        top.addWidget(self.summary, 1)
        top.addLayout(self.actions)
        self.body.addLayout(top)
        self.body.addWidget(self.map, 1)

    def show_room(self, model: DeskModel) -> None:
        counts = model.room.readiness_counts()
        self.summary.setText(t("console.readiness.summary", model.language, ready=counts["ready"],
                               total=counts["total"]))

    def first_field(self) -> QWidget:
        tiles = self.map.tiles()
        return tiles[0] if tiles else self.primary
