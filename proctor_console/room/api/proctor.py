"""What the representative's desk asks of the room server: sign-in, the package and the roster,
admission and the start, the room and its readiness, the incidents of the test, the acts, the
centre's revocation lists, the survey's counts, the audit log, and sealing and sending the results.

Every endpoint but the sign-in needs the representative's sign-in (`proctor`).
"""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at definition.

from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Header, Request
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from common.protocol import (
    API,
    AttendanceMark,
    ConfiscationIn,
    ImpostorIn,
    ProctorSignin,
    StartRequest,
    UploadRequest,
)
from proctor_console.room import (
    acts,
    audit,
    enrolment,
    incidents,
    integrity,
    late_answers,
    messages,
    readiness,
    revocation,
    room_pause,
    sealing,
    survey,
)
from proctor_console.room.room import Room


class StudentRef(BaseModel):
    individual_code: str


class Extension(BaseModel):
    individual_code: str
    minutes: int = Field(ge=1, le=incidents.MAX_EXTENSION_MINUTES)
    reason: str = Field(min_length=1, max_length=500)


class SeatMove(BaseModel):
    individual_code: str
    seat: str = Field(min_length=1, max_length=16)
    reason: str = Field(default="", max_length=500)


class Note(BaseModel):
    text: str = Field(min_length=1, max_length=incidents.MAX_NOTE)
    individual_code: str | None = None


class HeadIn(BaseModel):
    login: str = Field(min_length=1, max_length=64)
    full_name: str = Field(min_length=1, max_length=200)
    pin: str = Field(min_length=4, max_length=32)


class EnrolIn(BaseModel):
    workstation_id: str = Field(min_length=1, max_length=16)


class LateDecisionIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=10_000)
    decision: str = Field(pattern="^(accept|reject)$")


class HeadVisit(BaseModel):
    login: str
    pin: str
    direction: str = Field(pattern="^(entered|left)$")


class PauseIn(BaseModel):
    reason: str = Field(pattern="^(" + "|".join(room_pause.REASONS) + ")$")
    note: str = Field(default="", max_length=room_pause.MAX_NOTE)


class MessageIn(BaseModel):
    text: str = Field(min_length=1, max_length=messages.MAX_TEXT)
    individual_code: str | None = None  # None: to the whole room


class TeacherCodesIn(BaseModel):
    count: int = Field(ge=1, le=survey.MAX_TEACHER_CODES)


class PolicyIn(BaseModel):
    policy: str = Field(pattern="^(" + "|".join(integrity.POLICIES) + ")$")
    on: bool


def router(room: Room, proctor: Callable[..., str]) -> APIRouter:
    """`proctor` is the server's dependency that signs the representative in."""
    api = APIRouter()
    Proctor = Annotated[str, Depends(proctor)]

    # --- sign-in, package, roster, admission, start -------------------------------------------

    @api.post(f"{API}/proctor/signin")
    def signin(body: ProctorSignin, request: Request) -> dict[str, str]:
        # Wrong PINs are counted per login and caller's address (room/proctors.py).
        source = request.client.host if request.client else "unknown"
        return {"token": room.proctor_signin(body.login, body.pin, source)}

    @api.post(f"{API}/proctor/signout")
    def signout(who: Proctor, authorization: Annotated[str | None, Header()] = None) -> dict[str, str]:
        room.proctor_signout(authorization[7:].strip() if authorization else None)
        return {"status": "signed_out"}

    @api.get(f"{API}/proctor/me")
    def me(who: Proctor) -> dict[str, Any]:
        p = room.proctor_for_login(who)
        return {"login": p.login, "full_name": p.full_name, "role": p.role}

    @api.post(f"{API}/proctor/package")
    async def import_package(request: Request, who: Proctor) -> dict[str, Any]:
        # Heavy work (the signature, the package's key derivation) off the event loop: the
        # kiosks' requests go on meanwhile. The body's size is bounded by api/limits.py.
        return await run_in_threadpool(room.import_package, await request.body(), who)

    @api.post(f"{API}/proctor/revocations")
    async def import_list(request: Request, who: Proctor) -> dict[str, Any]:
        return await run_in_threadpool(revocation.import_revocation, room, await request.body(), who)

    @api.get(f"{API}/proctor/revocations")
    def list_revocations(who: Proctor) -> dict[str, Any]:
        organisation = room.setting("organisation_code")
        return {"revocations": [revocation.summary(d, organisation)
                                for d in revocation.revocations(room)]}

    @api.post(f"{API}/proctor/roster")
    async def import_roster(request: Request, who: Proctor,
                            x_filename: Annotated[str | None, Header()] = None) -> dict[str, Any]:
        # The file as it is (CSV or XLSX); X-Filename (optional) names it, e.g. "4A.xlsx".
        # A spreadsheet is parsed off the event loop, within common/domain/roster.py's limits.
        data = await request.body()
        return {"credentials": await run_in_threadpool(room.import_roster, data, who, x_filename or "")}

    @api.post(f"{API}/proctor/attendance")
    def attendance(body: AttendanceMark, who: Proctor) -> dict[str, str]:
        room.mark_attendance(body.individual_code, body.status, body.reason, who)
        return {"status": "recorded"}

    @api.post(f"{API}/proctor/start")
    def start(body: StartRequest, who: Proctor) -> dict[str, Any]:
        return room.start(body.start_code, who)

    # --- the room -----------------------------------------------------------------------------

    @api.get(f"{API}/proctor/enrolments")
    def list_enrolments(who: Proctor) -> dict[str, Any]:
        return {"enrolments": enrolment.enrolments(room)}

    @api.post(f"{API}/proctor/enrolments")
    def enrol(body: EnrolIn, who: Proctor) -> dict[str, str]:
        """Enrol a kiosk PC at a seat: its credential, shown this once (room/enrolment.py)."""
        return enrolment.enrol(room, body.workstation_id, who)

    @api.post(f"{API}/proctor/enrolments/{{workstation_id}}/revoke")
    def revoke_enrolment(workstation_id: str, who: Proctor) -> dict[str, str]:
        return enrolment.revoke(room, workstation_id, who)

    @api.get(f"{API}/proctor/late-answers")
    def list_late_answers(who: Proctor) -> dict[str, Any]:
        """Answers that arrived after their sitting's time, with the kiosk's offline period
        (room/late_answers.py)."""
        return {"late_answers": late_answers.held_answers(room)}

    @api.post(f"{API}/proctor/late-answers/decide")
    def decide_late_answers(body: LateDecisionIn, who: Proctor) -> dict[str, Any]:
        return late_answers.decide(room, body.ids, body.decision, who)

    @api.get(f"{API}/proctor/room")
    def room_view(who: Proctor) -> dict[str, Any]:
        return room.room_view()

    @api.get(f"{API}/proctor/readiness")
    def get_readiness(who: Proctor) -> dict[str, Any]:
        return readiness.readiness(room)

    # --- during the test ----------------------------------------------------------------------

    @api.get(f"{API}/proctor/incidents")
    def get_incidents(who: Proctor) -> dict[str, Any]:
        return {"incidents": incidents.incident_list(room)}

    @api.post(f"{API}/proctor/leave")
    def leave(body: StudentRef, who: Proctor) -> dict[str, Any]:
        return incidents.leave(room, body.individual_code, who)

    @api.post(f"{API}/proctor/return")
    def come_back(body: StudentRef, who: Proctor) -> dict[str, Any]:
        return incidents.come_back(room, body.individual_code, who)

    @api.post(f"{API}/proctor/extend")
    def extend(body: Extension, who: Proctor) -> dict[str, Any]:
        return incidents.extend_time(room, body.individual_code, body.minutes, body.reason, who)

    @api.post(f"{API}/proctor/move")
    def move(body: SeatMove, who: Proctor) -> dict[str, Any]:
        return incidents.move_seat(room, body.individual_code, body.seat, body.reason, who)

    @api.post(f"{API}/proctor/note")
    def note(body: Note, who: Proctor) -> dict[str, Any]:
        return incidents.add_note(room, body.text, who, body.individual_code)

    @api.post(f"{API}/proctor/head")
    def add_head(body: HeadIn, who: Proctor) -> dict[str, str]:
        incidents.add_head(room, body.login, body.full_name, body.pin, who)
        return {"status": "registered"}

    @api.post(f"{API}/proctor/head/visit")
    def head_visit(body: HeadVisit, who: Proctor) -> dict[str, Any]:
        return incidents.head_visit(room, body.login, body.pin, body.direction, who)

    @api.post(f"{API}/proctor/password")
    def reissue(body: StudentRef, who: Proctor) -> dict[str, str]:
        return incidents.reissue_password(room, body.individual_code, who)

    @api.post(f"{API}/proctor/unlock")
    def unlock(body: StudentRef, who: Proctor) -> dict[str, str]:
        incidents.unlock_login(room, body.individual_code, who)
        return {"status": "unlocked"}

    @api.post(f"{API}/proctor/pause")
    def pause(body: PauseIn, who: Proctor) -> dict[str, Any]:
        return room_pause.pause(room, body.reason, body.note, who)

    @api.post(f"{API}/proctor/resume")
    def resume(who: Proctor) -> dict[str, Any]:
        return room_pause.resume(room, who)

    @api.post(f"{API}/proctor/message")
    def message(body: MessageIn, who: Proctor) -> dict[str, Any]:
        return messages.send(room, body.text, body.individual_code, who)

    @api.post(f"{API}/proctor/policy")
    def set_policy(body: PolicyIn, who: Proctor) -> dict[str, bool]:
        return integrity.set_policy(room, body.policy, body.on, who)

    @api.post(f"{API}/proctor/acts/confiscation")
    def confiscation(body: ConfiscationIn, who: Proctor) -> dict[str, Any]:
        return acts.draw_up_confiscation(room, body.individual_code,
                                         [i.model_dump() for i in body.items], body.drawn_up_by, who)

    @api.post(f"{API}/proctor/acts/impostor")
    def impostor(body: ImpostorIn, who: Proctor) -> dict[str, Any]:
        return acts.draw_up_impostor(room, body.individual_code, body.impostor_full_name,
                                     body.stage, who)

    # --- after the test -----------------------------------------------------------------------

    @api.get(f"{API}/proctor/survey")
    def survey_summary(who: Proctor) -> dict[str, Any]:
        return survey.summary(room)

    @api.post(f"{API}/proctor/survey/teacher-codes")
    def teacher_codes(body: TeacherCodesIn, who: Proctor) -> dict[str, Any]:
        return survey.issue_teacher_codes(room, body.count, who)

    @api.get(f"{API}/proctor/audit/verify")
    def audit_verify(who: Proctor) -> dict[str, Any]:
        with room.read() as s:
            return audit.verify(s, room.paths.root).to_dict()

    @api.post(f"{API}/proctor/bundle")
    def seal(who: Proctor) -> dict[str, Any]:
        return sealing.seal(room, who)

    @api.post(f"{API}/proctor/bundle/upload")
    def upload(body: UploadRequest, who: Proctor) -> dict[str, Any]:
        return sealing.upload(room, body.central_url, who)

    return api
