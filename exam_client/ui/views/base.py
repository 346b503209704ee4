"""What every kiosk screen shares: the model it reads, a centred column, relabelling."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QVBoxLayout, QWidget

from exam_client.ui.models import KioskModel
from exam_client.ui.views.style import hbox, vbox

COLUMN_WIDTH = 980  # a line of text a child can follow; the rest of a wide screen stays calm


class ScreenView(QWidget):
    """A screen: reads the model, relabels itself when the language changes."""

    def __init__(self, model: KioskModel, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName(name)
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        model.language_changed.connect(lambda _: self.relabel())

    def centred_column(self, width: int = COLUMN_WIDTH) -> QVBoxLayout:
        """A scrollable column in the middle of the screen; returns its layout."""
        scroll = QScrollArea()
        scroll.setObjectName("screenScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        host = QWidget()
        host.setObjectName("screenHost")
        column = QWidget()
        column.setObjectName("screenColumn")
        column.setMaximumWidth(width)
        row = hbox(host, margins=24)
        row.addStretch(1)
        row.addWidget(column, 100)
        row.addStretch(1)
        scroll.setWidget(host)
        outer = vbox(self)
        outer.addWidget(scroll)
        return vbox(column, spacing=16)

    def relabel(self) -> None:
        """Set every text in the model's language."""

    def focus_first(self) -> None:
        """Put the keyboard focus where the student starts on this screen."""
        self.focusNextChild()
