"""After the result: the anonymous survey (§25). Its questions are fetched, the answers sent without
any link to the attempt, or the survey skipped. The worker's answers come through `finished`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from PySide6.QtCore import QObject, QTimer

from exam_client.engine.link import KioskError
from exam_client.ui.models import KioskModel, Phase
from exam_client.ui.network_worker import NetworkWorker

if TYPE_CHECKING:  # the sitting's module loads with the first login (docs/BENCHMARKS.md)
    from exam_client.engine.sitting import Sitting


TEACHER_DONE_MS = 8000  # the thank-you stays this long, then the kiosk waits for the next teacher


class SurveyFlow(QObject):
    """The survey screen's intents in, the room server's answers to the model."""

    def __init__(self, model: KioskModel, window: Any, worker: NetworkWorker,
                 later: Callable[[Callable[[], None]], None],
                 sitting: Callable[[], Sitting | None], parent: QObject | None = None,
                 engine: Any = None):
        super().__init__(parent)
        self.engine = engine  # the teachers' survey has no sitting: it asks the engine
        self.model = model
        self.window = window
        self.worker = worker
        self._later = later
        self._sitting = sitting
        self._connect()

    def _connect(self) -> None:
        w = self.window
        w.when_built("result_view", lambda r: r.continue_requested.connect(self._to_survey))
        w.when_built("survey_view", self._connect_survey_view)
        w.connect_view.teacher_survey_requested.connect(self._to_teacher_survey)

    def _connect_survey_view(self, s: Any) -> None:
        s.answered.connect(self.model.set_survey_answer)
        s.send_requested.connect(self._send_survey)
        s.skip_requested.connect(self._skip)

    def _skip(self) -> None:
        if self.model.survey_for_teacher:
            self._back_to_connect()
        else:
            self.model.set_phase(Phase.DONE)

    def _to_teacher_survey(self) -> None:
        if self.engine is None or self.model.phase is not Phase.CONNECTING:
            return
        self.model.survey_for_teacher = True
        self.model.set_survey("loading")
        self.model.set_phase(Phase.SURVEY)
        self.worker.run("survey_teacher_questions", self.engine.teacher_survey_questions)

    def _next_teacher(self) -> None:
        if self.model.phase is Phase.DONE and self.model.survey_for_teacher:
            self._back_to_connect()

    def _back_to_connect(self) -> None:
        """After a teacher: the kiosk is ready for the next one, nothing of this one kept."""
        self.model.survey_for_teacher = False
        self.model.survey_answers = {}
        self.window.survey_view.code_edit.clear()
        self.model.set_survey("idle", [])
        self.model.set_phase(Phase.CONNECTING)

    def _to_survey(self) -> None:
        sitting = self._sitting()
        if sitting is None or self.model.phase is not Phase.RESULT:
            return
        self.model.set_survey("loading")
        self.model.set_phase(Phase.SURVEY)
        self.worker.run("survey_questions", sitting.survey_questions)

    def _send_survey(self) -> None:
        if self.model.survey_for_teacher:
            answers = {q["id"]: self.model.survey_answers.get(q["id"])
                       for q in self.model.survey_questions}
            code = self.window.survey_view.code_edit.text().strip()
            self.model.set_survey("sending")
            self.worker.run("survey_send", lambda: self.engine.send_teacher_survey(code, answers))
            return
        sitting = self._sitting()
        if sitting is None or self.model.survey_state not in ("ready", "failed"):
            return
        answers = {q["id"]: self.model.survey_answers.get(q["id"])
                   for q in self.model.survey_questions}
        self.model.set_survey("sending")
        self.worker.run("survey_send", lambda: sitting.send_survey(answers))

    def finished(self, job: str, result: Any, error: BaseException | None) -> None:
        """The worker's answer to "survey_questions" or "survey_send"."""
        if job == "survey_teacher_questions":
            if error is None:
                self.model.set_survey("ready", result["questions"])
            else:
                self._back_to_connect()
            return
        if self.model.survey_for_teacher and job == "survey_send":
            if error is None:
                self.model.set_survey("sent")
                self.model.set_phase(Phase.DONE)
                # tied to this flow: cancelled if the kiosk's window and flows are gone
                QTimer.singleShot(TEACHER_DONE_MS, self, self._next_teacher)
            else:
                wrong = isinstance(error, KioskError) and error.code in ("unauthorized", "conflict")
                self.model.set_survey("wrong_code" if wrong else "failed")
            return
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
