"""The room server's API for the representative's desk and for the kiosks' readiness reports.

Mounted by `server.create_app`; every proctor endpoint needs the proctor's sign-in. Each endpoint is
a thin call into `readiness`, `incidents`, `exports` or the documents of `common.documents`.
"""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at definition.

import json
from pathlib import Path
from typing import Annotated, Any, Callable

from fastapi import APIRouter, Depends, Header, Query, Response
from pydantic import BaseModel, Field
from sqlalchemy import select

from common.documents.acts import render_confiscation_act, render_impostor_act
from common.documents.pdf import local_time
from common.documents.seating import SeatingRow, SeatingSheet, render_seating_sheet
from common.domain.acts import Organisation
from common.protocol import API
from common.storage.base import utcnow
from common.storage.room_models import Act, Bundle
from proctor_console.room import audit, exports, incidents, readiness
from proctor_console.room.act_input import confiscation_from_dict, impostor_from_dict
from proctor_console.room.errors import NotFound
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


class HeadVisit(BaseModel):
    login: str
    pin: str
    direction: str = Field(pattern="^(entered|left)$")


def router(room: Room, proctor: Callable[..., str], attempt: Callable[..., str]) -> APIRouter:
    api = APIRouter()
    Proctor = Annotated[str, Depends(proctor)]

    def optional_attempt(authorization: Annotated[str | None, Header()] = None,
                         x_workstation: Annotated[str | None, Header()] = None) -> str | None:
        if not authorization or not authorization.lower().startswith("bearer "):
            return None
        return room.attempt_for(authorization[7:].strip(), x_workstation)

    MaybeAttempt = Annotated[str | None, Depends(optional_attempt)]

    # --- kiosks: readiness and heartbeat ------------------------------------------------------

    @api.post(f"{API}/kiosk/register")
    def kiosk_register(body: readiness.KioskReport) -> dict[str, Any]:
        return readiness.report(room, body, None, register=True)

    @api.post(f"{API}/kiosk/heartbeat")
    def kiosk_heartbeat(body: readiness.KioskReport, attempt_id: MaybeAttempt) -> dict[str, Any]:
        return readiness.report(room, body, attempt_id, register=False)

    # --- the representative -------------------------------------------------------------------

    @api.get(f"{API}/proctor/me")
    def me(who: Proctor) -> dict[str, Any]:
        p = room.proctor_for_login(who)
        return {"login": p.login, "full_name": p.full_name, "role": p.role}

    @api.get(f"{API}/proctor/readiness")
    def get_readiness(who: Proctor) -> dict[str, Any]:
        return readiness.readiness(room)

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

    @api.get(f"{API}/proctor/audit/verify")
    def audit_verify(who: Proctor) -> dict[str, Any]:
        with room.read() as s:
            return audit.verify(s, room.paths.root).to_dict()

    # --- documents and exports ----------------------------------------------------------------

    @api.get(f"{API}/proctor/documents/seating", response_class=Response,
             responses={200: {"content": {"application/pdf": {}}}})
    def seating(who: Proctor, lang: Annotated[str, Query(pattern="^(kk|ru|en)$")] = "kk") -> Response:
        view = room.room_view()
        sheet = SeatingSheet(
            organisation=Organisation(view["organisation_code"] or "", view["organisation_name"] or ""),
            room=view["room_no"] or "", day=local_time(utcnow()).date(),
            representative=room.proctor_for_login(who).full_name,
            rows=tuple(SeatingRow(s["seat"], s["full_name"], s["individual_code"],
                                  f"{s['grade']} {s['class_name']}".strip(), s["language"])
                       for s in view["seats"]))
        return Response(render_seating_sheet(sheet, lang), media_type="application/pdf")

    @api.get(f"{API}/proctor/acts/{{number}}/pdf", response_class=Response,
             responses={200: {"content": {"application/pdf": {}}}})
    def act_pdf(number: str, who: Proctor,
                lang: Annotated[str | None, Query(pattern="^(kk|ru|en)$")] = None) -> Response:
        """The act as drawn up; with `lang`, the same act (same data, same hash) in that language."""
        with room.read() as s:
            act = s.scalar(select(Act).where(Act.number == number))
        if act is None:
            raise NotFound(f"no act {number}")
        data = json.loads(act.data_json)
        if lang is None or lang == data.get("language"):
            return Response(Path(act.pdf_path).read_bytes(), media_type="application/pdf")
        if act.kind == "confiscation":
            pdf = render_confiscation_act(confiscation_from_dict(data), lang)
        else:
            pdf = render_impostor_act(impostor_from_dict(data), lang)
        return Response(pdf, media_type="application/pdf")

    @api.get(f"{API}/proctor/bundle/latest", response_class=Response,
             responses={200: {"content": {"application/octet-stream": {}}}})
    def latest_bundle(who: Proctor) -> Response:
        """The newest sealed bundle's bytes, for a copy on a USB stick."""
        with room.read() as s:
            bundle = s.scalars(select(Bundle).order_by(Bundle.sequence.desc()).limit(1)).first()
        if bundle is None:
            raise NotFound("no bundle has been sealed yet")
        with room.tx() as s:
            audit.record(s, who, "bundle_copied", bundle_id=bundle.bundle_id, sequence=bundle.sequence)
        return Response(Path(bundle.path).read_bytes(), media_type="application/octet-stream",
                        headers={"Content-Disposition":
                                 f'attachment; filename="{Path(bundle.path).name}"'})

    @api.get(f"{API}/proctor/export/results", response_class=Response)
    def export_results(who: Proctor,
                       fmt: Annotated[str, Query(alias="format", pattern="^(csv|xlsx)$")] = "xlsx",
                       lang: Annotated[str, Query(pattern="^(kk|ru|en)$")] = "kk") -> Response:
        data = exports.results_bytes(room.room_view(), fmt, lang)
        media = ("text/csv; charset=utf-8" if fmt == "csv" else
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        with room.tx() as s:
            audit.record(s, who, "results_exported", format=fmt, lang=lang)
        return Response(data, media_type=media)

    return api
