"""The reference tables on the screen, in the place of the item, with a way back to it.

They open inside the test's window (never a pop-up) when the student asks, and the timer stays
visible above them. Every cell is reachable with the arrow keys; the chosen element is named in
full under the table in the screen's language.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from common.i18n import t
from exam_client.ui.references.element_cell import (
    MASS_ROLE,
    NAME_ROLE,
    NUMBER_ROLE,
    SYMBOL_ROLE,
    ElementDelegate,
)
from exam_client.ui.references.periodic import ELEMENTS, Element
from exam_client.ui.references.solubility import ANIONS, CATIONS, SOLUBILITY
from exam_client.ui.views.style import button, hbox, label, set_prop, vbox

INK = QColor("#1a1a1a")
BLOCK_FILLS = {"s": "#ffd9d9", "p": "#fff3c4", "d": "#d6e8ff", "f": "#dff5dc"}
SOLUBILITY_FILLS = {"R": "#d7f0d2", "M": "#fff0b8", "N": "#f8d0cc", "-": "#e6e6e6"}


def _table(name: str, rows: int, columns: int) -> QTableWidget:
    table = QTableWidget(rows, columns)
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move inside it
    table.setWordWrap(True)
    return table


def _cell(text: str, fill: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
    item.setBackground(QBrush(QColor(fill)))
    item.setForeground(QBrush(INK))
    item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
    if tip:
        item.setToolTip(tip)
    return item


class PeriodicTableView(QWidget):
    """18 groups, 7 periods, lanthanides and actinides below; the chosen element named in full."""

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.lang = lang
        self.setObjectName("periodicTable")
        self.table = _table("periodicGrid", 9, 18)
        self.table.verticalHeader().setVisible(False)
        self.table.setHorizontalHeaderLabels([str(g) for g in range(1, 19)])
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        # Four lines per cell (number, symbol large, name, mass: element_cell.py); a larger text
        # size scrolls, never cuts.
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setItemDelegate(ElementDelegate(self.table))
        self._by_cell: dict[tuple[int, int], Element] = {}
        for element in ELEMENTS:
            self._by_cell[(element.row, element.column)] = element
            item = _cell(f"{element.number}\n{element.symbol}\n{element.mass}",
                         BLOCK_FILLS[element.block])
            item.setData(NUMBER_ROLE, element.number)
            item.setData(SYMBOL_ROLE, element.symbol)
            item.setData(MASS_ROLE, element.mass)
            self.table.setItem(element.row, element.column, item)
        for row, text in ((5, "57–71"), (6, "89–103")):
            self.table.setItem(row, 2, _cell(text, BLOCK_FILLS["f"]))
        self.detail = label("elementDetail", "heading")
        self.detail.setMinimumHeight(self.detail.fontMetrics().height() * 2)
        self.table.currentCellChanged.connect(lambda row, column, *_: self._show(row, column))
        layout = vbox(self, spacing=6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        self.set_language(lang)

    def element_at(self, row: int, column: int) -> Element | None:
        return self._by_cell.get((row, column))

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.table.setAccessibleName(t("kiosk.ref.periodic", lang))
        for (row, column), element in self._by_cell.items():
            item = self.table.item(row, column)
            item.setToolTip(self.describe(element))
            item.setData(NAME_ROLE, element.names[lang])  # the name in the test's language
        self._show(self.table.currentRow(), self.table.currentColumn())

    def describe(self, element: Element) -> str:
        return t("kiosk.ref.element", self.lang, number=element.number, symbol=element.symbol,
                 name=element.names[self.lang], mass=element.mass)

    def _show(self, row: int, column: int) -> None:
        element = self.element_at(row, column)
        self.detail.setText(self.describe(element) if element else t("kiosk.ref.choose_element",
                                                                      self.lang))


class SolubilityTableView(QWidget):
    """Cations down, anions across; a letter and a colour per cell; the legend under it."""

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("solubilityTable")
        self.table = _table("solubilityGrid", len(CATIONS), len(ANIONS))
        self.table.setVerticalHeaderLabels(list(CATIONS))
        self.table.setHorizontalHeaderLabels(list(ANIONS))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.legend = label("solubilityLegend", "hint")
        self.detail = label("solubilityDetail", "heading")
        self.table.currentCellChanged.connect(lambda row, column, *_: self._show(row, column))
        layout = vbox(self, spacing=6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.legend)
        self.set_language(lang)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.table.setAccessibleName(t("kiosk.ref.solubility", lang))
        for r, cation in enumerate(CATIONS):
            for c, anion in enumerate(ANIONS):
                value = SOLUBILITY[(cation, anion)]
                self.table.setItem(r, c, _cell(self.letter(value), SOLUBILITY_FILLS[value],
                                               self.meaning(cation, anion)))
        self.legend.setText("   ".join(
            f"{self.letter(v)} — {t(f'kiosk.ref.sol.{self._key(v)}', lang)}" for v in "RMN-"))
        self._show(self.table.currentRow(), self.table.currentColumn())

    @staticmethod
    def _key(value: str) -> str:
        return {"R": "soluble", "M": "slightly", "N": "insoluble", "-": "none"}[value]

    def letter(self, value: str) -> str:
        return "—" if value == "-" else t(f"kiosk.ref.sol.letter.{self._key(value)}", self.lang)

    def meaning(self, cation: str, anion: str) -> str:
        value = SOLUBILITY[(cation, anion)]
        return f"{cation} + {anion}: {t(f'kiosk.ref.sol.{self._key(value)}', self.lang)}"

    def _show(self, row: int, column: int) -> None:
        if 0 <= row < len(CATIONS) and 0 <= column < len(ANIONS):
            self.detail.setText(self.meaning(CATIONS[row], ANIONS[column]))
        else:
            self.detail.setText(t("kiosk.ref.choose_cell", self.lang))


class ReferencesView(QWidget):
    """The two tables, switchable, with a button back to the item.

    Signals:
        table_requested(str): the student asked for "periodic" or "solubility".
        back_requested: the student wants the item again.
    """

    table_requested = Signal(str)
    back_requested = Signal()

    def __init__(self, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("referencesView")
        self.lang = lang
        self.title = label("referencesTitle", "muted")
        self.periodic_button = button("showPeriodic", "tab")
        self.solubility_button = button("showSolubility", "tab")
        for b in (self.periodic_button, self.solubility_button):
            b.setCheckable(True)
        self.back_button = button("backToItem", "primary")
        self.periodic = PeriodicTableView(lang)
        self.solubility = SolubilityTableView(lang)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.periodic)
        self.stack.addWidget(self.solubility)
        top = hbox(spacing=8)
        top.addWidget(self.periodic_button)
        top.addWidget(self.solubility_button)
        top.addStretch(1)
        top.addWidget(self.back_button)
        layout = vbox(self, spacing=6)
        layout.addLayout(top)
        layout.addWidget(self.title)
        layout.addWidget(self.stack, 1)
        self.periodic_button.clicked.connect(lambda: self.table_requested.emit("periodic"))
        self.solubility_button.clicked.connect(lambda: self.table_requested.emit("solubility"))
        self.back_button.clicked.connect(self.back_requested)
        self.set_language(lang)

    def set_language(self, lang: str) -> None:
        self.lang = lang
        self.periodic_button.setText(t("kiosk.ref.periodic_short", lang))
        self.periodic_button.setAccessibleName(t("kiosk.ref.periodic", lang))
        self.solubility_button.setText(t("kiosk.ref.solubility_short", lang))
        self.solubility_button.setAccessibleName(t("kiosk.ref.solubility", lang))
        self.back_button.setText(t("kiosk.ref.back", lang))
        self.periodic.set_language(lang)
        self.solubility.set_language(lang)
        self._title()

    def show_table(self, which: str) -> None:
        periodic = which == "periodic"
        self.stack.setCurrentWidget(self.periodic if periodic else self.solubility)
        self.periodic_button.setChecked(periodic)
        self.solubility_button.setChecked(not periodic)
        set_prop(self, "table", which)
        self._title()

    def current_table(self) -> str:
        return "periodic" if self.stack.currentWidget() is self.periodic else "solubility"

    def _title(self) -> None:
        key = "kiosk.ref.periodic" if self.current_table() == "periodic" else "kiosk.ref.solubility"
        self.title.setText(t(key, self.lang))

    def focus_table(self) -> None:
        table = self.periodic.table if self.current_table() == "periodic" else self.solubility.table
        table.setFocus(Qt.FocusReason.OtherFocusReason)
        if table.currentRow() < 0:
            table.setCurrentCell(0, 0)
