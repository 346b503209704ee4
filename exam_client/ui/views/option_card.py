"""An answer option as a large card with its letter: for single and multiple choice, matching and the
survey's scale."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent, QPainter
from PySide6.QtWidgets import QAbstractButton, QHBoxLayout, QStyle, QStyleOption, QVBoxLayout, QWidget

from exam_client.ui.views.content_widgets import picture_widget
from exam_client.ui.views.style import label, restyle


class OptionCard(QAbstractButton):
    """A large card for one answer option: its letter in a circle, then its text (wrapping).

    A click or Space chooses it. A double click counts once: the second press of a double click
    is swallowed, so a quick student does not undo what they just chose.
    """

    def __init__(self, letter: str, text: str, parent: QWidget | None = None,
                 picture: object = None, lang: str = "kk"):
        super().__init__(parent)
        self.setObjectName("optionCard")
        self.setCheckable(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setProperty("chosen", False)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.letter_label = label("letter", "letter", wrap=False)
        self.letter_label.setText(letter)
        self.letter_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text_label = label("text")
        self.text_label.setText(text)
        self.text_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 10, 12, 10)
        layout.setSpacing(14)
        layout.addWidget(self.letter_label, 0, Qt.AlignmentFlag.AlignTop)
        if picture:
            body = QVBoxLayout()
            body.addWidget(picture_widget(picture, lang, max_width=320))
            body.addWidget(self.text_label)
            layout.addLayout(body, 1)
        else:
            layout.addWidget(self.text_label, 1)
        self.letter = letter
        self.setText(f"{letter}. {text}")  # the accessible text and what a test reads
        self.setAccessibleName(f"{letter}. {text}")

    @property
    def chosen(self) -> bool:
        return bool(self.property("chosen"))

    def set_chosen(self, chosen: bool) -> None:
        if self.property("chosen") != chosen:
            self.setProperty("chosen", chosen)
            for widget in (self, self.letter_label, self.text_label):  # children follow the card
                restyle(widget)
        self.setAccessibleDescription("✓" if chosen else "")

    def sizeHint(self):  # noqa: N802 (Qt's name)
        return self.layout().sizeHint()

    def minimumSizeHint(self):  # noqa: N802
        return self.layout().minimumSize()

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.layout().totalHeightForWidth(width)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        event.accept()  # the first click already chose it

    def paintEvent(self, _event) -> None:  # noqa: N802
        option = QStyleOption()
        option.initFrom(self)
        painter = QPainter(self)
        self.style().drawPrimitive(QStyle.PrimitiveElement.PE_Widget, option, painter, self)
