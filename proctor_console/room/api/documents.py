"""The files the representative's desk takes from the room server: the seating sheet, the acts
(as drawn up, or re-printed in another language), the newest sealed bundle for a USB stick, and the
results table (CSV/XLSX). Every endpoint needs the representative's sign-in (`proctor`)."""

# No `from __future__ import annotations`: FastAPI reads the endpoint's annotations at definition.

import json
from pathlib import Path
from typing import Annotated, Callable

from fastapi import APIRouter, Depends, Query, Response
from sqlalchemy import select

from common.documents.acts import render_confiscation_act, render_impostor_act
from common.documents.pdf import local_time
from common.documents.seating import SeatingRow, SeatingSheet, render_seating_sheet
from common.domain.acts import Organisation
from common.protocol import API
from common.storage.base import utcnow
from common.storage.room_models import Act, Bundle
from proctor_console.room import audit, exports
from proctor_console.room.act_input import confiscation_from_dict, impostor_from_dict
from proctor_console.room.errors import NotFound
from proctor_console.room.room import Room


def router(room: Room, proctor: Callable[..., str]) -> APIRouter:
    """`proctor` is the server's dependency that signs the representative in."""
    api = APIRouter()
    Proctor = Annotated[str, Depends(proctor)]

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
