"""Waiting for the room to open: calm words, no countdown, no button to press."""

from __future__ import annotations

from common.i18n import t
from exam_client.ui.models import KioskModel, Link
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import OFFLINE_GLYPH, label


class WaitingView(ScreenView):
    """Shown while the kiosk logs in and the representative has not opened the room yet.

    The kiosk asks again every few seconds by itself; the test starts as soon as the room opens.
    """

    def __init__(self, model: KioskModel):
        super().__init__(model, "waitingView")
        column = self.centred_column()
        self.title = label("title", "title")
        self.explain = label("explain", "prompt")
        self.link_label = label("link", "offline")
        column.addStretch(1)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addWidget(self.link_label)
        column.addStretch(2)
        model.room_changed.connect(self.relabel)
        model.login_changed.connect(self.relabel)
        self.relabel()

    def relabel(self) -> None:
        lang = self.model.language
        self.title.setText(t("kiosk.waiting.title", lang))
        self.explain.setText(t("kiosk.waiting.explain", lang))
        offline = self.model.link is Link.OFFLINE
        self.link_label.setVisible(offline)
        self.link_label.setText(f"{OFFLINE_GLYPH} {t('kiosk.connect.offline', lang)}")

    def focus_first(self) -> None:
        self.setFocus()
