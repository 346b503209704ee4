"""Screens that only say something: sending the answers, thank you, the sitting was ended."""

from __future__ import annotations

from common.i18n import t
from exam_client.ui.models import KioskModel, Link, Phase
from exam_client.ui.views.base import ScreenView
from exam_client.ui.views.style import OFFLINE_GLYPH, label, set_prop

# phase -> (title key, text key)
TEXTS = {
    Phase.SUBMITTING: ("kiosk.submitting.title", "kiosk.submitting.explain"),
    Phase.DONE: ("kiosk.done.title", "kiosk.done.explain"),
    Phase.REMOVED: ("kiosk.removed.title", "kiosk.removed.explain"),
    Phase.AWAY: ("kiosk.away.title", "kiosk.away.explain"),
    Phase.PAUSED: ("kiosk.paused.title", "kiosk.paused.explain"),
}


class MessageView(ScreenView):
    """A title and a few calm words, per phase; the notice (e.g. time over) above them."""

    def __init__(self, model: KioskModel):
        super().__init__(model, "messageView")
        column = self.centred_column()
        self.notice_label = label("notice", "notice")
        self.title = label("title", "title")
        self.explain = label("explain", "prompt")
        self.link_label = label("link", "offline")
        column.addStretch(1)
        column.addWidget(self.notice_label)
        column.addWidget(self.title)
        column.addWidget(self.explain)
        column.addWidget(self.link_label)
        column.addStretch(2)
        for signal in (model.phase_changed, model.notice_changed, model.room_changed,
                       model.events.changed):
            signal.connect(lambda *_: self.relabel())
        self.relabel()

    def relabel(self) -> None:
        model = self.model
        lang = model.language
        title, text = TEXTS.get(model.phase, TEXTS[Phase.SUBMITTING])
        self.title.setText(t(title, lang))
        self.explain.setText(t(text, lang))
        set_prop(self, "phase", model.phase.value)
        self.notice_label.setVisible(model.notice is not None and model.phase is Phase.SUBMITTING)
        if model.notice:
            self.notice_label.setText(t(model.notice, lang))
        paused = model.events.paused if model.phase is Phase.PAUSED else None
        if paused:  # why, in the representative's words too
            reason = t(f"kiosk.paused.reason.{paused.get('reason', 'other')}", lang)
            note = str(paused.get("note") or "").strip()
            self.notice_label.setText(f"{reason}. {note}" if note else reason)
            self.notice_label.setVisible(True)
        offline = model.phase is Phase.SUBMITTING and model.link is Link.OFFLINE
        self.link_label.setVisible(offline)
        self.link_label.setText(f"{OFFLINE_GLYPH} {t('kiosk.submitting.offline', lang)}")

    def focus_first(self) -> None:
        self.setFocus()
