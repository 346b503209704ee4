"""Sealing the room's results into a bundle for the centre, and sending it."""

from __future__ import annotations

import base64
import json
import ssl
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import func, select

from common import upload_auth
from common.bundle import seal_bundle
from common.canonical import sha256_hex
from common.crypto.sealing import RecipientPublicKey
from common.crypto.signing import SigningKey
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.room_models import Act, Answer, Attempt, Bundle, Student
from proctor_console.room import audit, late_answers, survey
from proctor_console.room.configuration import signing_key
from proctor_console.room.errors import CentreRefused, CentreUnreachable, Conflict, RoomError
from proctor_console.room.incidents import incident_list
from proctor_console.room.package import content
from proctor_console.room.roster import full_name
from proctor_console.room.store import RoomStore
from proctor_console.room.submission import close_expired


def collect_parts(room: RoomStore) -> dict[str, list[dict[str, Any]]]:
    with room.read() as s:
        students = {st.id: st for st in s.scalars(select(Student).order_by(Student.seat))}
        attempts = []
        for a in s.scalars(select(Attempt).order_by(Attempt.started_at)):
            st = students[a.student_id]
            late = late_answers.accepted_seqs(s, a.id)  # marked: accepted after the time
            responses = [
                {"seq": r.seq, "item_id": r.item_id, "answer": json.loads(r.answer_json),
                 "client_ts": r.client_ts, "received_at": r.received_at.isoformat(),
                 **({"late_accepted": True} if r.seq in late else {})}
                for r in s.scalars(select(Answer).where(Answer.attempt_id == a.id).order_by(Answer.seq))
            ]
            attempts.append({
                "attempt_id": a.id, "individual_code": st.individual_code, "package_id": a.package_id,
                # the student's own variant and the order the kiosk showed it (assignment.py)
                "exam_id": a.exam_id or content(room).exam_id,
                "permutation": json.loads(a.permutation_json) if a.permutation_json else None,
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
    return {"attempts": attempts, "attendance": attendance, "acts": acts,
            "incidents": incident_list(room), "audit": log, "survey": survey.responses(room)}


def seal(room: RoomStore, actor: str) -> dict[str, Any]:
    """Close what is over, seal everything into the next bundle, and keep it on disk."""
    close_expired(room)
    with room.tx() as s:
        audit.record(s, actor, "bundle_sealing")
    parts = collect_parts(room)
    with room.read() as s:
        sequence = (s.scalar(select(func.max(Bundle.sequence))) or 0) + 1
    bundle_id = str(uuid.uuid4())
    raw = seal_bundle(
        parts,
        signer=signing_key(room),
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


CHUNK = 1024 * 1024


def upload(room: RoomStore, url: str, actor: str, attempts: int = 8, chunk: int = CHUNK) -> dict[str, Any]:
    """Send the newest bundle to the centre, resuming where the centre's copy ends.

    Transport errors and 5xx answers are retried with back-off; each retry first asks the centre how
    much it already has. Sending a bundle the centre has already taken is harmless.
    """
    with room.read() as s:
        bundle = s.scalars(select(Bundle).order_by(Bundle.sequence.desc()).limit(1)).first()
    if bundle is None:
        raise Conflict("no bundle has been sealed yet")
    try:
        address = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise RoomError(f"the centre's address is not a valid URL ({exc})") from None
    if address.scheme not in ("http", "https") or not address.host:
        raise RoomError("the centre's address must be an http(s) URL with a host")
    raw = Path(bundle.path).read_bytes()
    target = f"{url.rstrip('/')}/api/v1/uploads/{bundle.sha256}"
    ca = room.setting("centre_tls_ca")
    verify: Any = ssl.create_default_context(cadata=ca) if ca else True
    delay, last_error = 0.5, ""
    with httpx.Client(verify=verify, timeout=60) as http:
        for _ in range(attempts):
            try:
                result = _send(http, target, raw, chunk, signing_key(room), bundle.sha256)
                break
            except (httpx.TransportError, _Retry) as exc:
                last_error = str(exc)
            time.sleep(delay)
            delay = min(delay * 2, 30)
        else:
            raise CentreUnreachable(f"the centre did not take the bundle: {last_error}")
    if "error" in result:
        raise CentreRefused(f"the centre refused the bundle: {result.get('message', result)}",
                            centre=result)
    with room.tx() as s:
        s.get(Bundle, bundle.id).uploaded_at = utcnow()
        audit.record(s, actor, "bundle_uploaded", bundle_id=bundle.bundle_id, url=url,
                     centre_status=result.get("status"))
    return result


class _Retry(Exception):
    """The centre answered, but not yet usefully (5xx or a lost race): try again."""


def _send(http: httpx.Client, target: str, raw: bytes, chunk: int, key: SigningKey,
          sha256: str) -> dict[str, Any]:
    offset = http.get(target).raise_for_status().json()["received"]
    while True:
        piece = raw[offset:offset + chunk]
        # every chunk signed by the room's key: the centre stores nothing unsigned (upload_auth)
        reply = http.put(target, params={"offset": offset, "total": len(raw)}, content=piece,
                         headers={"Content-Type": "application/octet-stream",
                                  **upload_auth.sign(key, sha256, offset, len(raw), piece)})
        if reply.status_code >= 500:
            raise _Retry(f"HTTP {reply.status_code}")
        body = reply.json()
        if reply.status_code == 409 and body.get("error") == "offset_mismatch":
            offset = int(body["details"]["received"])
            continue
        if reply.status_code >= 400:
            return body
        if "status" in body:  # the last chunk: the centre's ingest answer
            return body
        offset = int(body["received"])
