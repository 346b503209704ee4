"""Step 8, the end: sealing the results, the bundle to a USB stick or uploaded to the centre, the
results table, the acts in Kazakh or Russian, and the audit log's check."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QWidget

from common.i18n import t
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.pages.page import Page
from proctor_console.desk.widgets import button, wrapped




class EndPage(Page):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(Step.END, parent)
        self.summary = wrapped("", "endSummary")
        self.bundle_label = wrapped("", "bundleState")
        self.usb_button = button("saveBundle")
        self.centre_url = QLineEdit()
        self.centre_url.setObjectName("centreUrl")
        self.upload_button = button("upload")
        self.csv_button = button("exportCsv")
        self.xlsx_button = button("exportXlsx")
        self.audit_button = button("verifyAudit")
        self.audit_label = wrapped("", "auditState")
        self.acts_label = wrapped("", "actsTitle", bold=True)
        self.acts = QComboBox()
        self.acts.setObjectName("acts")
        self.act_kk_button = button("actKk")
        self.act_ru_button = button("actRu")
        self.body.addWidget(self.summary)
        self.body.addWidget(self.bundle_label)
        row = QHBoxLayout()
        row.addWidget(self.usb_button)
        row.addWidget(self.centre_url, 1)
        row.addWidget(self.upload_button)
        self.body.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.csv_button)
        row.addWidget(self.xlsx_button)
        self.body.addLayout(row)
        self.body.addWidget(self.acts_label)
        row = QHBoxLayout()
        row.addWidget(self.acts, 1)
        row.addWidget(self.act_kk_button)
        row.addWidget(self.act_ru_button)
        self.body.addLayout(row)
        row = QHBoxLayout()
        row.addWidget(self.audit_button)
        row.addWidget(self.audit_label, 1)
        self.body.addLayout(row)
        self.body.addStretch(1)

    def relabel(self, lang: str) -> None:
        super().relabel(lang)
        self.usb_button.setText(t("console.end.usb", lang))
        self.upload_button.setText(t("console.end.upload", lang))
        self.centre_url.setPlaceholderText(t("console.end.centre_url", lang))
        self.csv_button.setText(t("console.end.csv", lang))
        self.xlsx_button.setText(t("console.end.xlsx", lang))
        self.audit_button.setText(t("console.end.audit", lang))
        self.acts_label.setText(t("console.end.acts", lang))
        self.act_kk_button.setText(t("console.end.act_kk", lang))
        self.act_ru_button.setText(t("console.end.act_ru", lang))

    def show_state(self, model: DeskModel) -> None:
        lang = model.language
        c = model.room.counts()
        self.summary.setText(t("console.end.summary", lang, total=c.total, submitted=c.submitted,
                               sitting=c.sitting, voided=c.voided, absent=c.absent,
                               not_admitted=c.not_admitted))
        bundle = model.bundle
        self.bundle_label.setText(t("console.end.bundle", lang, sequence=bundle["sequence"],
                                    sha256=bundle["sha256"][:16]) if bundle
                                  else t("console.end.no_bundle", lang))
        for b in (self.usb_button, self.upload_button):
            b.setEnabled(bundle is not None)
        audit = model.audit
        if audit is None:
            self.audit_label.setText("")
        elif audit.get("ok"):
            self.audit_label.setText(t("console.end.audit_ok", lang, entries=audit["entries"]))
        else:
            self.audit_label.setText(t("console.end.audit_broken", lang, entry=audit["broken_entry"]))
        view = model.room.view() or {}
        if not self.centre_url.text() and view.get("centre_url"):
            self.centre_url.setText(view["centre_url"])
        current = self.acts.currentData()
        self.acts.clear()
        for act in view.get("acts", []):
            kind = t(f"console.act.kind.{act['kind']}", lang)
            self.acts.addItem(f"{act['number']} — {kind} — {act.get('individual_code') or ''}",
                              act["number"])
        if current is not None and self.acts.findData(current) >= 0:
            self.acts.setCurrentIndex(self.acts.findData(current))
        has_acts = self.acts.count() > 0
        self.act_kk_button.setEnabled(has_acts)
        self.act_ru_button.setEnabled(has_acts)

    def show_room(self, model: DeskModel) -> None:
        self.show_state(model)
