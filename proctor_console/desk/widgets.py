"""The desk's small widgets: wrapping labels, tables of rows, buttons and headings, built the same
way on every screen and in every dialog (keyboard first; texts wrap instead of being cut)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QLabel, QPushButton, QSizePolicy, QTableWidget

from proctor_console.desk.fonts import FONT_POINT_SIZE


def wrapped(text: str = "", name: str = "", bold: bool = False) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if name:
        label.setObjectName(name)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    return label


def make_table(columns: list[str], name: str) -> QTableWidget:
    table = QTableWidget(0, len(columns))
    table.setObjectName(name)
    table.setHorizontalHeaderLabels(columns)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.setWordWrap(True)
    table.horizontalHeader().setStretchLastSection(True)
    return table


def primary_button(name: str = "primary") -> QPushButton:
    button = QPushButton()
    button.setObjectName(name)
    button.setDefault(True)
    button.setAutoDefault(True)
    button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return button


def button(name: str) -> QPushButton:
    b = QPushButton()
    b.setObjectName(name)
    b.setAutoDefault(True)
    b.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return b


def heading(name: str) -> QLabel:
    label = wrapped("", name, bold=True)
    font = label.font()
    font.setPointSize(FONT_POINT_SIZE + 5)
    label.setFont(font)
    return label
