"""How one element of the periodic table is drawn: its number and mass small, its symbol large
and bold in the middle, its name in the test's language under it — at any text size, each line
scaled from the table's font (which follows the screen and A+/A−)."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

# Data roles of a cell: the element's lines (set by PeriodicTableView).
NUMBER_ROLE = Qt.ItemDataRole.UserRole + 1
SYMBOL_ROLE = Qt.ItemDataRole.UserRole + 2
NAME_ROLE = Qt.ItemDataRole.UserRole + 3
MASS_ROLE = Qt.ItemDataRole.UserRole + 4
SMALL, LARGE = 0.72, 1.55  # of the table's font


def _scaled(font: QFont, factor: float, bold: bool = False) -> QFont:
    scaled = QFont(font)
    size = font.pointSizeF() if font.pointSizeF() > 0 else font.pixelSize() * 0.75
    scaled.setPointSizeF(max(6.0, size * factor))
    scaled.setBold(bold)
    return scaled


class ElementDelegate(QStyledItemDelegate):
    """Draws an element cell; other cells (the f-block's «57–71») as ordinary text."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        symbol = index.data(SYMBOL_ROLE)
        if not symbol:
            super().paint(painter, option, index)
            return
        painter.save()
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if background is not None:
            painter.fillRect(option.rect, background)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            pen = painter.pen()
            pen.setWidth(3)
            painter.setPen(pen)
            painter.drawRect(option.rect.adjusted(1, 1, -2, -2))
        painter.setPen(index.data(Qt.ItemDataRole.ForegroundRole).color()
                       if index.data(Qt.ItemDataRole.ForegroundRole) is not None else Qt.GlobalColor.black)
        rect = option.rect.adjusted(3, 2, -3, -2)
        small, large = _scaled(option.font, SMALL), _scaled(option.font, LARGE, bold=True)
        lines = ((str(index.data(NUMBER_ROLE)), small), (symbol, large),
                 (str(index.data(NAME_ROLE) or ""), small), (str(index.data(MASS_ROLE)), small))
        y = rect.top()
        for text, font in lines:
            metrics = QFontMetrics(font)
            painter.setFont(font)
            shown = metrics.elidedText(text, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(QRect(rect.left(), y, rect.width(), metrics.height()),
                             int(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop), shown)
            y += metrics.height()
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        if not index.data(SYMBOL_ROLE):
            return super().sizeHint(option, index)
        small = QFontMetrics(_scaled(option.font, SMALL))
        large = QFontMetrics(_scaled(option.font, LARGE, bold=True))
        height = 3 * small.height() + large.height() + 4
        return QSize(large.horizontalAdvance("Mm") + 6, height)
