"""The answers that reached the room after their sitting's time (the room's late_answers.py), on
the desk: a button beside the during-the-test screen's primary button says how many wait; its
dialog lists them with the kiosk's offline period, and the representative accepts or rejects the
chosen ones after a confirmation that says what follows. Each decision is one request to the room
server through the controller; the room audits it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialogButtonBox,
    QPushButton,
    QSizePolicy,
    QTableWidgetItem,
    QWidget,
)

from common.documents.pdf import local_time
from common.i18n import t
from proctor_console.desk.dialogs import ConfirmDialog, DeskDialog
from proctor_console.desk.widgets import button, make_table, wrapped

COLUMNS = ("seat", "student", "question", "deadline", "arrived", "offline", "decision")


def clock(moment: str | None) -> str:
    """A room time (ISO 8601, UTC) as Kazakhstan's local time of day."""
    return local_time(dt.datetime.fromisoformat(moment)).strftime("%H:%M:%S") if moment else ""


class LateAnswersDialog(DeskDialog):
    """The late answers; OK accepts the chosen ones, `reject_button` rejects them.

    `values()`: {"ids": the chosen waiting answers' ids, "decision": "accept" | "reject",
    "rows": those answers}."""

    def __init__(self, rows: list[dict[str, Any]], lang: str, parent: QWidget | None = None):
        super().__init__("lateAnswersDialog", t("console.late.title", lang),
                         t("console.late.accept", lang), lang, parent)
        self.setMinimumWidth(900)
        self.rows = rows
        self.decision = "accept"
        self.body.addWidget(wrapped(t("console.late.explain", lang), "explain"))
        self.table = make_table([t(f"console.late.col.{c}", lang) for c in COLUMNS], "lateAnswers")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.table.setMinimumHeight(220)
        for row in rows:
            self._add(row)
        self.table.resizeColumnsToContents()
        self.body.addWidget(self.table)
        if not rows:
            self.body.addWidget(wrapped(t("console.late.none", lang), "none"))
        self.reject_button = QPushButton(t("console.late.reject", lang))
        self.reject_button.setObjectName("reject")
        self.reject_button.setStyleSheet("QPushButton#reject { color: #b71c1c; font-weight: bold; }")
        self.buttons.addButton(self.reject_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button.setText(t("console.late.close", lang))
        self.ok_button.clicked.disconnect()
        self.ok_button.clicked.connect(lambda: self._decide("accept"))
        self.reject_button.clicked.connect(lambda: self._decide("reject"))
        waiting = any(r["decision"] == "held" for r in rows)
        self.ok_button.setEnabled(waiting)
        self.reject_button.setEnabled(waiting)

    def _add(self, row: dict[str, Any]) -> None:
        lang = self.lang
        offline = (t("console.late.offline", lang, since=clock(row["offline_from"]),
                     until=clock(row["offline_until"])) if row.get("offline_from")
                   else t("console.late.online", lang))
        cells = (row["seat"], row["full_name"],
                 str(row["item_number"]) if row.get("item_number") else row["item_id"],
                 clock(row["deadline_at"]), clock(row["received_at"]), offline,
                 t(f"console.late.decision.{row['decision']}", lang))
        n = self.table.rowCount()
        self.table.insertRow(n)
        for column, text in enumerate(cells):
            self.table.setItem(n, column, QTableWidgetItem(text))

    def chosen(self) -> list[dict[str, Any]]:
        """The chosen answers that still wait for a decision, in the table's order."""
        picked = sorted({index.row() for index in self.table.selectionModel().selectedRows()})
        return [self.rows[n] for n in picked if self.rows[n]["decision"] == "held"]

    def _decide(self, decision: str) -> None:
        self.decision = decision
        self._try_accept()

    def check(self) -> str:
        return "" if self.chosen() else t("console.late.choose", self.lang)

    def values(self) -> dict[str, Any]:
        chosen = self.chosen()
        return {"ids": [r["id"] for r in chosen], "decision": self.decision, "rows": chosen}


class LateAnswers:
    """Adds the late answers' button to the during-the-test screen and runs what it asks."""

    def __init__(self, window: Any, controller: Any):
        self.window, self.controller = window, controller
        self.model = controller.model
        self.button = button("lateAnswers")
        # beside the screen's primary button: the side panel of room actions is full
        self.button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        window.test_page.bottom.insertWidget(0, self.button)
        self.button.clicked.connect(self.open)
        self.model.room.changed.connect(self.relabel)
        self.model.language_changed.connect(lambda *_: self.relabel())
        self.relabel()

    @property
    def waiting(self) -> int:
        return int((self.model.room.view() or {}).get("late_answers_waiting") or 0)

    def relabel(self) -> None:
        lang, waiting = self.model.language, self.waiting
        self.button.setText(t("console.late.button_waiting", lang, count=waiting) if waiting
                            else t("console.late.button", lang))
        # told by the words and by the colour: something waits for the representative
        self.button.setStyleSheet("QPushButton#lateAnswers { color: #b71c1c; font-weight: bold; }"
                                  if waiting else "")

    def open(self) -> None:
        lang = self.model.language
        self.controller.run("late_answers", self.controller.client.late_answers,
                            lambda rows: self.window.prompts.show(
                                LateAnswersDialog(rows, lang, self.window), self.confirm))

    def confirm(self, values: dict[str, Any]) -> None:
        lang, decision, ids = self.model.language, values["decision"], values["ids"]
        students = ", ".join(sorted({f"{r['seat']} {r['full_name']}" for r in values["rows"]}))
        dialog = ConfirmDialog(t(f"console.late.confirm_{decision}", lang),
                               [t("console.late.confirm_what", lang, count=len(ids), students=students),
                                t(f"console.late.effect_{decision}", lang)],
                               t(f"console.late.{decision}", lang).rstrip("…"), lang, self.window,
                               danger=decision == "reject")
        done = t("console.late.accepted" if decision == "accept" else "console.late.rejected", lang,
                 count=len(ids))
        self.window.prompts.show(dialog, lambda _v: self.controller.run(
            "decide_late_answers",
            lambda: self.controller.client.decide_late_answers(ids, decision), done_text=done))
