"""Step 2: the exam package, then the roster; a roster's problems are listed row by row."""

from __future__ import annotations

from PySide6.QtWidgets import QTableWidgetItem, QWidget

from common.i18n import t
from proctor_console.desk.controller import field_name, roster_message
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.widgets import button, make_table, wrapped




class ImportPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.IMPORT, parent)
        self.package_label = wrapped("", "packageState")
        self.package_button = button("choosePackage")
        self.roster_hint = wrapped("", "rosterHint")
        self.problems_label = wrapped("", "problemsLabel", bold=True)
        self.problems = make_table(["", "", ""], "problems")
        self.problems.setMinimumHeight(180)
        self.body.addWidget(self.package_label)
        self.body.addWidget(self.package_button)
        self.body.addSpacing(10)
        self.body.addWidget(self.roster_hint)
        self.body.addWidget(self.problems_label)
        self.body.addWidget(self.problems, 1)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.package_button.setText(t("console.import.package_button", lang))
        self.roster_hint.setText(t("console.import.roster_hint", lang))
        self.problems.setHorizontalHeaderLabels([t("console.import.col.row", lang),
                                                 t("console.import.col.field", lang),
                                                 t("console.import.col.message", lang)])

    def show_state(self, model: DeskModel) -> None:
        lang = model.language
        package = model.package
        self.package_label.setText(
            t("console.import.package_ok", lang, package_id=package["package_id"]) if package
            else t("console.import.package_none", lang))
        problems = model.roster_problems
        self.problems_label.setText(t("console.import.problems", lang, count=len(problems))
                                    if problems else "")
        self.problems.setVisible(bool(problems))
        self.problems.setRowCount(len(problems))
        for row, p in enumerate(problems):
            cells = (str(p.get("row", p.get("line", ""))), field_name(p.get("field", ""), lang),
                     roster_message(p.get("message", ""), lang))
            for column, text in enumerate(cells):
                self.problems.setItem(row, column, QTableWidgetItem(text))
        self.problems.resizeRowsToContents()
