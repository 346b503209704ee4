"""After the result: the anonymous survey (§25). Its questions are fetched, the answers sent without
any link to the attempt, or the survey skipped. The worker's answers come through `finished`."""

from __future__ import annotations

from typing import Any, Callable

from PySide6.QtCore import QObject

from exam_client.engine.link import KioskError
from exam_client.engine.sitting import Sitting
from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.network_worker import NetworkWorker


class SurveyFlow(QObject):
    """The survey screen's intents in, the room server's answers to the model."""

    def __init__(self, model: KioskModel, window: Any, worker: NetworkWorker,
                 later: Callable[[Callable[[], None]], None],
                 sitting: Callable[[], Sitting | None], parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.window = window
        self.worker = worker
        self._later = later
        self._sitting = sitting
        self._connect()

    def _connect(self) -> None:
        w = self.window
        w.result_view.continue_requested.connect(self._to_survey)
        s = w.survey_view
        s.answered.connect(self.model.set_survey_answer)
        s.send_requested.connect(self._send_survey)
        s.skip_requested.connect(lambda: self.model.set_phase(Phase.DONE))

    def _to_survey(self) -> None:
        sitting = self._sitting()
        if sitting is None or self.model.phase is not Phase.RESULT:
            return
        self.model.set_survey("loading")
        self.model.set_phase(Phase.SURVEY)
        self.worker.run("survey_questions", sitting.survey_questions)

    def _send_survey(self) -> None:
        sitting = self._sitting()
        if sitting is None or self.model.survey_state not in ("ready", "failed"):
            return
        answers = {q["id"]: self.model.survey_answers.get(q["id"])
                   for q in self.model.survey_questions}
        self.model.set_survey("sending")
        self.worker.run("survey_send", lambda: sitting.send_survey(answers))

    def finished(self, job: str, result: Any, error: BaseException | None) -> None:
        """The worker's answer to "survey_questions" or "survey_send"."""
        if job == "survey_questions":
            if error is None:
                self.model.set_survey("ready", result)
            else:
                self._later(self._ask_questions_again)
            return
        if error is None or (isinstance(error, KioskError) and error.code == "survey_done"):
            self.model.set_survey("sent")
            self.model.set_phase(Phase.DONE)
        else:
            self.model.set_survey("failed")

    def _ask_questions_again(self) -> None:
        sitting = self._sitting()
        if sitting:
            self.worker.run("survey_questions", sitting.survey_questions)
