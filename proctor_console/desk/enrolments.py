"""The room's enrolled kiosk computers (the room's enrolment.py) on the desk: a button on the
readiness screen opens the list — each seat's computer, when it was enrolled, when its kiosk last
reported, whether its enrolment stands — and revokes the chosen one after a confirmation (a
stolen or replaced computer). One request to the room server through the controller; the room
audits it."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QTableWidgetItem, QWidget

from common.documents.pdf import local_time
from common.i18n import t
from proctor_console.desk.dialogs import ConfirmDialog, DeskDialog
from proctor_console.desk.widgets import button, make_table, wrapped

COLUMNS = ("seat", "enrolled", "seen", "state")


def _when(moment: str | None) -> str:
    """A room time as the local date and time of day (enrolments are made days before)."""
    if not moment:
        return ""
    return local_time(dt.datetime.fromisoformat(moment)).strftime("%Y-%m-%d %H:%M")


class EnrolmentsDialog(DeskDialog):
    """The enrolments; OK asks to revoke the chosen one. `values()`: {"workstation_id": seat}."""

    def __init__(self, rows: list[dict[str, Any]], lang: str, parent: QWidget | None = None):
        super().__init__("enrolmentsDialog", t("console.enrolments.title", lang),
                         t("console.enrolments.revoke", lang), lang, parent, danger=True)
        self.setMinimumWidth(760)
        self.rows = rows
        self.body.addWidget(wrapped(t("console.enrolments.explain", lang), "explain"))
        self.table = make_table([t(f"console.enrolments.col.{c}", lang) for c in COLUMNS],
                                "enrolments")
        self.table.setMinimumHeight(240)
        for row in rows:
            state = (t("console.enrolments.revoked", lang, at=_when(row["revoked_at"]))
                     if row.get("revoked_at") else t("console.enrolments.active", lang))
            seen = (_when(row["last_seen_at"]) if row.get("last_seen_at")
                    else t("console.enrolments.never", lang))
            n = self.table.rowCount()
            self.table.insertRow(n)
            for column, text in enumerate((row["workstation_id"], _when(row["enrolled_at"]), seen,
                                           state)):
                self.table.setItem(n, column, QTableWidgetItem(text))
        self.table.resizeColumnsToContents()
        self.body.addWidget(self.table)
        if not rows:
            self.body.addWidget(wrapped(t("console.enrolments.none", lang), "none"))
        self.cancel_button.setText(t("console.late.close", lang))
        self.ok_button.setEnabled(any(not r.get("revoked_at") for r in rows))

    def chosen(self) -> dict[str, Any] | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked:
            return None
        row = self.rows[picked[0].row()]
        return None if row.get("revoked_at") else row

    def select_seat(self, seat: str) -> None:
        for n, row in enumerate(self.rows):
            if row["workstation_id"] == seat:
                self.table.selectRow(n)

    def check(self) -> str:
        return "" if self.chosen() else t("console.enrolments.choose", self.lang)

    def values(self) -> dict[str, Any]:
        chosen = self.chosen()
        return {"workstation_id": chosen["workstation_id"] if chosen else None}


class Enrolments:
    """Adds the enrolments' button to the readiness screen and runs what it asks."""

    def __init__(self, window: Any, controller: Any):
        self.window, self.controller = window, controller
        self.model = controller.model
        self.button = button("enrolments")
        window.readiness_page.actions.addWidget(self.button)
        self.button.clicked.connect(self.open)
        self.model.language_changed.connect(lambda *_: self.relabel())
        self.relabel()

    def relabel(self) -> None:
        self.button.setText(t("console.enrolments.button", self.model.language))

    def open(self) -> None:
        lang = self.model.language
        self.controller.run("enrolments", self.controller.client.enrolments,
                            lambda rows: self.window.prompts.show(
                                EnrolmentsDialog(rows, lang, self.window), self.confirm))

    def confirm(self, values: dict[str, Any]) -> None:
        lang, seat = self.model.language, values["workstation_id"]
        dialog = ConfirmDialog(t("console.enrolments.confirm_title", lang, seat=seat),
                               [t("console.enrolments.effect", lang)],
                               t("console.enrolments.revoke", lang).rstrip("…"), lang, self.window)
        self.window.prompts.show(dialog, lambda _v: self.controller.run(
            "revoke_enrolment", lambda: self.controller.client.revoke_enrolment(seat),
            done_text=t("console.enrolments.revoked_done", lang, seat=seat)))
