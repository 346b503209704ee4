"""Sealing the room's results into a bundle for the centre, and sending it."""

from __future__ import annotations

import base64
import json
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from common.bundle import seal_bundle
from common.canonical import sha256_hex
from common.crypto.sealing import RecipientPublicKey
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.room_models import Act, Answer, Attempt, Bundle, Student
from proctor_console import audit
from proctor_console.room import Room, full_name


def collect_parts(room: Room) -> dict[str, list[dict[str, Any]]]:
    with room.read() as s:
        students = {st.id: st for st in s.scalars(select(Student).order_by(Student.seat))}
        attempts = []
        for a in s.scalars(select(Attempt).order_by(Attempt.started_at)):
            st = students[a.student_id]
            responses = [
                {"seq": r.seq, "item_id": r.item_id, "answer": json.loads(r.answer_json),
                 "client_ts": r.client_ts, "received_at": r.received_at.isoformat()}
                for r in s.scalars(select(Answer).where(Answer.attempt_id == a.id).order_by(Answer.seq))
            ]
            attempts.append({
                "attempt_id": a.id, "individual_code": st.individual_code, "package_id": a.package_id,
                "workstation_id": a.workstation_id, "status": a.status.value,
                "started_at": a.started_at.isoformat(), "deadline_at": a.deadline_at.isoformat(),
                "finished_at": a.finished_at.isoformat() if a.finished_at else None,
                "logins": a.logins, "room_score": a.score, "max_score": a.max_score,
                "void_reason": a.void_reason, "responses": responses,
            })
        attendance = [
            {"individual_code": st.individual_code, "full_name": full_name(st), "seat": st.seat,
             "grade": st.grade, "class": st.class_name, "language": st.language,
             "attendance": st.attendance.value, "absence_reason": st.absence_reason}
            for st in students.values()
        ]
        acts = []
        for act in s.scalars(select(Act).order_by(Act.id)):
            pdf = Path(act.pdf_path).read_bytes()
            acts.append({"number": act.number, "kind": act.kind,
                         "individual_code": students[act.student_id].individual_code,
                         "data": json.loads(act.data_json), "pdf_sha256": act.pdf_sha256,
                         "pdf": base64.b64encode(pdf).decode()})
        log = audit.export(s)
    return {"attempts": attempts, "attendance": attendance, "acts": acts, "incidents": [],
            "audit": log}


def seal(room: Room, actor: str) -> dict[str, Any]:
    """Close what is over, seal everything into the next bundle, and keep it on disk."""
    room.close_expired()
    with room.tx() as s:
        audit.record(s, actor, "bundle_sealing")
    parts = collect_parts(room)
    with room.read() as s:
        sequence = (s.scalar(select(func.max(Bundle.sequence))) or 0) + 1
    bundle_id = str(uuid.uuid4())
    raw = seal_bundle(
        parts,
        signer=room.signing_key,
        recipient=RecipientPublicKey.from_b64(room.setting("centre_recipient_key") or ""),
        centre_id=room.setting("centre_id") or "",
        room_id=room.setting("room_id") or "",
        organisation_code=room.setting("organisation_code") or "",
        sequence=sequence,
        bundle_id=bundle_id,
    )
    path = room.paths.bundles / f"{room.setting('room_id')}-{sequence:04d}.cbtbundle"
    write_durably(path, raw)
    digest = sha256_hex(raw)
    with room.tx() as s:
        s.add(Bundle(bundle_id=bundle_id, sequence=sequence, sha256=digest, path=str(path)))
        audit.record(s, actor, "bundle_sealed", bundle_id=bundle_id, sequence=sequence, sha256=digest)
    return {"bundle_id": bundle_id, "sequence": sequence, "path": str(path), "sha256": digest,
            "counts": {k: len(v) for k, v in parts.items()}}


def upload(room: Room, url: str, actor: str, attempts: int = 5) -> dict[str, Any]:
    """Send the newest bundle; retry with back-off. Sending twice is harmless at the centre."""
    with room.read() as s:
        bundle = s.scalars(select(Bundle).order_by(Bundle.sequence.desc()).limit(1)).first()
    if bundle is None:
        raise ValueError("no bundle has been sealed yet")
    raw = Path(bundle.path).read_bytes()
    delay = 0.5
    last_error = ""
    for _ in range(attempts):
        try:
            response = httpx.post(url.rstrip("/") + "/api/v1/bundles", content=raw, timeout=60,
                                  headers={"Content-Type": "application/octet-stream"})
            if response.status_code < 500:
                break
            last_error = f"HTTP {response.status_code}"
        except httpx.TransportError as exc:
            last_error = str(exc)
        time.sleep(delay)
        delay *= 2
    else:
        raise ConnectionError(f"the centre did not take the bundle: {last_error}")
    body = response.json()
    if response.status_code >= 400:
        raise ValueError(f"the centre refused the bundle: {body}")
    with room.tx() as s:
        s.get(Bundle, bundle.id).uploaded_at = utcnow()
        audit.record(s, actor, "bundle_uploaded", bundle_id=bundle.bundle_id, url=url)
    return body
