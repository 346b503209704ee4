"""What a kiosk asks of the room server: its readiness reports, the student's login, answers,
submit, the heartbeat during the sitting, and the anonymous survey after it (§25)."""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at definition.

import json
from typing import Annotated, Any, Callable

import anyio
from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel, Field

from common.protocol import API, AnswerBatch, KioskLogin, SubmitRequest
from proctor_console.room import integrity, readiness, slow_lane, survey
from proctor_console.room.room import Room


class SurveyAnswers(BaseModel):
    # question id -> 1..5, or null for a question the student left out; the values are checked
    # by `survey.record`, so that a wrong one is refused with the field's name (and True is not 1)
    answers: dict[str, Any] = Field(max_length=survey.MAX_QUESTIONS)


class TeacherSurveyAnswers(SurveyAnswers):
    code: str = Field(min_length=4, max_length=32)  # the one-time code the representative gave


def router(room: Room, attempt: Callable[..., Any], optional_attempt: Callable[..., Any],
           workstation: Callable[..., Any]) -> APIRouter:
    """`attempt` and `optional_attempt` are the server's dependencies that find the sitting of a
    kiosk's session (required, or only during a sitting); `workstation` the enrolled PC asking
    (room/enrolment.py): every kiosk endpoint but the status and the survey's questions needs it."""
    api = APIRouter()
    AttemptId = Annotated[str, Depends(attempt)]
    MaybeAttempt = Annotated[str | None, Depends(optional_attempt)]
    Enrolled = Annotated[str, Depends(workstation)]

    @api.get(f"{API}/status")
    def status() -> dict[str, Any]:
        view = room.room_view()
        return {"room_id": view["room_id"], "open": view["open"], "disk": view["disk"]}

    # --- readiness and heartbeat --------------------------------------------------------------

    @api.post(f"{API}/kiosk/register")
    def kiosk_register(body: readiness.KioskReport, workstation_id: Enrolled) -> dict[str, Any]:
        return readiness.report(room, workstation_id, body, None, register=True)

    @api.post(f"{API}/kiosk/heartbeat")
    def kiosk_heartbeat(body: readiness.KioskReport, workstation_id: Enrolled,
                        attempt_id: MaybeAttempt) -> dict[str, Any]:
        return readiness.report(room, workstation_id, body, attempt_id, register=False)

    @api.post(f"{API}/kiosk/integrity")
    def kiosk_integrity(body: integrity.IntegrityReport, workstation_id: Enrolled,
                        attempt_id: MaybeAttempt) -> dict[str, Any]:
        # Focus lost, a second screen, a virtual machine, ...: an incident at the seat at once.
        return integrity.report(room, workstation_id, body, attempt_id)

    # --- the sitting --------------------------------------------------------------------------

    logins_at_once = anyio.CapacityLimiter(slow_lane.cores())

    @api.post(f"{API}/session/login")
    async def login(body: KioskLogin, workstation_id: Enrolled) -> Response:
        # The seat is the enrolled PC's, never the body's (room/enrolment.py). When everyone logs
        # in at once, the logins wait on the event loop and at most one per core works at a time
        # (with the reply's JSON, the test's content, made in that thread too): forty at once in
        # the thread pool took the interpreter from the loop serving the sitting kiosks' saves.
        def work() -> bytes:
            reply = room.login(body.login, body.password, workstation_id)
            return json.dumps(reply, ensure_ascii=False, separators=(",", ":")).encode()

        data = await anyio.to_thread.run_sync(work, limiter=logins_at_once)
        return Response(data, media_type="application/json")

    # The next two are answered by api/hot.py before the routing; declared here for the OpenAPI
    # schema (and reached only by an application without that middleware).
    @api.post(f"{API}/attempt/answers", responses={202: {
        "description": "after the sitting's time: held for the representative (late_answers.py)"}})
    def answers(body: AnswerBatch, attempt_id: AttemptId, response: Response) -> dict[str, Any]:
        reply = room.save_answers(attempt_id, [e.model_dump() for e in body.entries])
        if "held" in reply:
            response.status_code = 202
        return reply

    @api.post(f"{API}/attempt/submit")
    def submit(body: SubmitRequest, attempt_id: AttemptId) -> dict[str, Any]:
        return room.submit(attempt_id, body.last_seq)

    @api.get(f"{API}/attempt/state")
    def attempt_state(attempt_id: AttemptId) -> dict[str, Any]:
        return room.attempt_state(attempt_id)

    # --- the anonymous survey (§25) -----------------------------------------------------------

    @api.get(f"{API}/survey")
    def survey_questions(attempt_id: MaybeAttempt) -> dict[str, Any]:
        # the students' questionnaire of the attempt's level (school or college)
        return survey.questions(room, attempt_id)

    @api.get(f"{API}/survey/teacher")
    def teacher_questions() -> dict[str, Any]:
        q = survey.teacher_questionnaire(room)
        return {"questionnaire": q.id, "questions": q.for_kiosk()}

    @api.post(f"{API}/survey/teacher")
    def teacher_answers(body: TeacherSurveyAnswers) -> dict[str, str]:
        # No session: a teacher has no attempt. The one-time code is the only key, and it is
        # struck out, not linked to the response (room/survey.py).
        return survey.record_teacher(room, body.code, body.answers)

    @api.post(f"{API}/attempt/survey")
    def survey_answers(body: SurveyAnswers, attempt_id: AttemptId) -> dict[str, str]:
        return survey.record(room, attempt_id, body.answers)

    return api
