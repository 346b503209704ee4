"""The representative at the kiosk: the exit panel (Ctrl+Alt+Shift+Q, then the proctor's code) and
the incidents the kiosk keeps for them (focus lost, a second screen, closed by the proctor)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from PySide6.QtCore import QObject, Signal

from exam_client.engine.config import KioskConfig
from exam_client.ui.models import KioskModel, Phase


class ProctorFlow(QObject):
    """Opens and closes the proctor's panel, checks the exit code, records incidents.

    Signals:
        incident(str): something the proctor should know (focus lost, a second screen, ...).
    """

    incident = Signal(str)

    def __init__(self, config: KioskConfig, model: KioskModel, window: Any,
                 parent: QObject | None = None):
        super().__init__(parent)
        self.config = config
        self.model = model
        self.window = window
        self._phase_before_proctor = Phase.CONNECTING
        self._connect()

    def _connect(self) -> None:
        w = self.window
        w.proctor_view.code_entered.connect(self._proctor_code)
        w.proctor_view.back_requested.connect(lambda: self.model.set_phase(self._phase_before_proctor))
        w.proctor_requested.connect(self._proctor_panel)
        w.incident.connect(self.report_incident)

    def _proctor_panel(self) -> None:
        if self.model.phase is not Phase.PROCTOR:
            self._phase_before_proctor = self.model.phase
            self.model.set_phase(Phase.PROCTOR)

    def _proctor_code(self, code: str) -> None:
        from common.crypto import passwords  # Argon2 (cryptography): not before the first screen

        stored = self.config.exit_code_hash
        if stored and passwords.verify_password(code, stored):
            self.report_incident("closed_by_proctor")
            self.window.allow_close()
            self.window.close()
            return
        self.window.proctor_view.show_error("kiosk.proctor.wrong")

    def report_incident(self, kind: str) -> None:
        """Keep what happened on this PC's disk and say it (the room server has no endpoint for
        incidents yet: the heartbeat with incidents is the room server's side, issue 5)."""
        line = json.dumps({"at": dt.datetime.now(dt.timezone.utc).isoformat(), "kind": kind,
                           "workstation": self.config.workstation_id,
                           "phase": self.model.phase.value})
        try:
            with open(self.config.data_dir / "incidents.jsonl", "a", encoding="utf-8") as fh:
                fh.write(line + "\n")
        except OSError:
            pass
        self.incident.emit(kind)
