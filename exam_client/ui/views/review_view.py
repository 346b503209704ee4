"""Before submitting: every item with its state (answered, not answered, flagged), then a clear
confirmation in the screen itself — never a pop-up."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QWidget

from common.i18n import t
from exam_client.ui.models import KioskModel
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.flow_layout import FlowLayout
from exam_client.ui.views.style import FLAG_GLYPH, SAVED_GLYPH, WARN_GLYPH, button, hbox, label, set_prop, vbox


class ReviewView(ScreenView):
    """The review screen.

    Signals:
        item_chosen(str): go back to this item.
        back_requested: back to the test where the student was.
        submit_confirmed: the student confirmed: submit now (emitted once per confirmation).
    """

    item_chosen = Signal(str)
    back_requested = Signal()
    submit_confirmed = Signal()

    def __init__(self, model: KioskModel):
        super().__init__(model, "reviewView")
        column = self.centred_column(1100)
        self.title = label("title", "title")
        self.summary = label("summary", "heading")
        self.legend = label("legend", "hint")
        self.grid_host = QWidget()
        self.grid_host.setObjectName("reviewGrid")
        self.grid = FlowLayout(self.grid_host, spacing=8)
        self.tiles: dict[str, QWidget] = {}
        self.back_button = button("backToTest")
        self.submit_button = button("submitButton", "primary")
        row = hbox(spacing=12)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.submit_button)
        # the confirmation, in place of the buttons
        self.confirm = QFrame()
        self.confirm.setObjectName("confirmPanel")
        self.confirm.setProperty("role", "panel")
        self.confirm_text = label("confirmText", "heading")
        self.confirm_warning = label("confirmWarning", "error")
        self.no_button = button("confirmNo")
        self.yes_button = button("confirmYes", "primary")
        confirm_buttons = hbox(spacing=12)
        confirm_buttons.addWidget(self.no_button)
        confirm_buttons.addStretch(1)
        confirm_buttons.addWidget(self.yes_button)
        inner = vbox(self.confirm, margins=16)
        inner.addWidget(self.confirm_text)
        inner.addWidget(self.confirm_warning)
        inner.addLayout(confirm_buttons)
        self.confirm.hide()
        column.addWidget(self.title)
        column.addWidget(self.summary)
        column.addWidget(self.legend)
        column.addWidget(self.grid_host)
        column.addLayout(row)
        column.addWidget(self.confirm)
        column.addStretch(1)
        self.back_button.clicked.connect(self.back_requested)
        self.submit_button.clicked.connect(self.ask)
        self.no_button.clicked.connect(self.cancel)
        self.yes_button.clicked.connect(self._yes)
        model.exam_changed.connect(self._rebuild)
        model.answer_changed.connect(lambda _: self.refresh())
        model.flag_changed.connect(lambda _: self.refresh())
        model.phase_changed.connect(lambda _: self.cancel())
        self._rebuild()

    def _rebuild(self) -> None:
        for tile in self.tiles.values():
            self.grid.removeWidget(tile)
            tile.deleteLater()
        self.tiles = {}
        for ref in self.model.refs:
            tile = button(f"review.{ref.number}", "nav")
            tile.setMinimumWidth(110)
            tile.clicked.connect(lambda _=False, i=ref.id: self.item_chosen.emit(i))
            self.grid.addWidget(tile)
            self.tiles[ref.id] = tile
        self.refresh()

    def refresh(self) -> None:
        model = self.model
        lang = model.language
        counts = model.counts()
        self.title.setText(t("kiosk.review.title", lang))
        self.summary.setText(t("kiosk.review.summary", lang, **counts))
        self.legend.setText(t("kiosk.review.legend", lang))
        for ref in model.refs:
            tile = self.tiles.get(ref.id)
            if tile is None:
                continue
            answered, flagged = model.is_answered(ref.id), model.is_flagged(ref.id)
            state = t("kiosk.nav.answered" if answered else "kiosk.nav.unanswered", lang)
            glyph = SAVED_GLYPH if answered else "—"
            text = f"{ref.number}  {glyph}" + (f" {FLAG_GLYPH}" if flagged else "")
            tile.setText(text)
            words = [t("kiosk.test.item_number", lang, number=ref.number), state]
            if flagged:
                words.append(t("kiosk.nav.flagged", lang))
            tile.setAccessibleName(", ".join(words))
            tile.setToolTip(", ".join(words))
            set_prop(tile, "answered", answered)
            set_prop(tile, "flagged", flagged)
        self.back_button.setText("← " + t("kiosk.review.back", lang))
        self.submit_button.setText(t("kiosk.review.submit", lang))
        self.confirm_text.setText(t("kiosk.review.confirm", lang))
        unanswered = counts["unanswered"]
        self.confirm_warning.setVisible(unanswered > 0)
        self.confirm_warning.setText(f"{WARN_GLYPH} " + t("kiosk.review.unanswered_warning", lang,
                                                          unanswered=unanswered))
        self.no_button.setText(t("kiosk.review.no", lang))
        self.yes_button.setText(t("kiosk.review.yes", lang))

    def relabel(self) -> None:
        self.refresh()

    def ask(self) -> None:
        """Show the confirmation; the safe answer (No) has the focus."""
        self.refresh()
        self.submit_button.hide()
        self.back_button.hide()
        self.yes_button.setEnabled(True)
        self.confirm.show()
        self.no_button.setFocus(Qt.FocusReason.OtherFocusReason)

    def cancel(self) -> None:
        self.confirm.hide()
        self.submit_button.show()
        self.back_button.show()
        self.yes_button.setEnabled(True)

    def _yes(self) -> None:
        if not self.yes_button.isEnabled() or not self.confirm.isVisible():
            return
        self.yes_button.setEnabled(False)  # a double click submits once
        self.no_button.setEnabled(False)
        self.submit_confirmed.emit()

    def focus_first(self) -> None:
        self.submit_button.setFocus(Qt.FocusReason.OtherFocusReason)
