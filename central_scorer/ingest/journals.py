"""`central-scorer ingest-journal FILE`: a kiosk's journal scored without its room (the room PC was
lost before its bundle reached the centre).

The export file (`exam-client export-journal`, common/journal_grant.py) carries the journal and
its grant. The grant must be signed by a room the centre trusts and sealed to this centre; it gives
the attempt's facts and the journal key. The journal is read with the kiosk's own reader (every
record authenticated, the hash chain checked, an unsynced tail cut) and the attempt is scored with
the centre's copy of the package, like an attempt of a bundle.

The result is stored as *recovered*: its bundle row has the room id ``journal:<attempt id>`` and
a manifest of kind ``recovered_journal``. De-duplication: a bundle of the room that arrives later
replaces the recovered result whole (as any newer bundle does); a journal that arrives after the
room's bundle changes nothing (the bundle is authoritative); the same export twice changes nothing;
a longer export of the same journal replaces the earlier one.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select, text

from common.content.variants import apply_permutation
from common.domain.scoring import latest_answers
from common.journal_format import JournalError, scan_journal
from common.journal_grant import GrantError, open_grant, read_export
from common.storage.bulk import insert_rows
from common.storage.central_models import DirectionScore, ItemScore, ReceivedBundle, Response, Result
from central_scorer.centre import Centre
from central_scorer.ingest.bundles import (
    _RESPONSE_COLUMNS, _RESULT_COLUMNS, _json, store_scores)
from central_scorer.scores.store import dimensions, item_numbers, monitoring_day, score_attempt_rows

RECOVERED_PREFIX = "journal:"
EXIT_CODES = {"malformed": 10, "bad_signature": 11, "unknown_signer": 12, "wrong_recipient": 13,
              "journal_corrupt": 14, "unknown_package": 18}


def ingest_journal(centre: Centre, raw: bytes) -> dict[str, Any]:
    """Store one recovered attempt; raises `GrantError` (with a code) when it is refused."""
    grant, journal = read_export(raw)
    opened = open_grant(grant, centre.trusted_rooms(), centre.recipient_key)
    facts = opened.facts
    attempt_id = facts["attempt_id"]
    try:
        scan = scan_journal(Path(f"journal-{attempt_id}.cbtj"), journal, opened.journal_key,
                            AESGCM(opened.journal_key), attempt_id)
    except JournalError as exc:
        raise GrantError("journal_corrupt", str(exc)) from None
    payload = centre.package_payload(facts["package_id"])
    if payload is None:
        raise GrantError("unknown_package", f"package {facts['package_id']} was not made by this centre")
    try:
        content = payload.by_exam_id(facts["exam_id"])
        if facts.get("permutation") is not None:
            apply_permutation(content, facts["permutation"])
    except (KeyError, TypeError, ValueError) as exc:
        raise GrantError("unknown_package", f"variant {facts['exam_id']!r} is not in package "
                                            f"{facts['package_id']} as sent") from exc
    responses = [{"seq": e.seq, "item_id": e.item_id, "answer": e.answer, "client_ts": e.client_ts}
                 for e in scan.entries]
    sha = hashlib.sha256(raw).hexdigest()
    org, code = facts["organisation_code"], facts["individual_code"]
    day = monitoring_day({"created_at": facts["started_at"]}, [facts])
    report = {"status": "stored", "recovered": True, "attempt_id": attempt_id,
              "organisation_code": org, "individual_code": code, "answers": len(scan.entries),
              "unsynced_tail_bytes": len(journal) - scan.good_end}
    with centre.tx() as s:
        if s.get_bind().dialect.name == "postgresql":  # one ingest at a time per organisation
            s.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 18))"),
                      {"key": f"ingest:{org}"})
        earlier = s.scalar(select(Result).where(Result.organisation_code == org,
                                                Result.year == day.year,
                                                Result.individual_code == code))
        bundle = s.scalar(select(ReceivedBundle).where(
            ReceivedBundle.room_id == RECOVERED_PREFIX + attempt_id))
        if earlier is not None:
            if bundle is None or earlier.bundle_pk != bundle.id:
                return {**report, "status": "duplicate",
                        "reason": "the room's bundle already holds this attempt"}
            if bundle.sha256 == sha or earlier_entries(bundle) >= len(scan.entries):
                return {**report, "status": "duplicate",
                        "reason": "this journal (or a longer copy) is already stored"}
            for table in (Response, DirectionScore, ItemScore):
                s.execute(delete(table).where(table.result_id == earlier.id))
            s.execute(delete(Result).where(Result.id == earlier.id))
        manifest = json.dumps({"kind": "recovered_journal", "attempt_id": attempt_id,
                               "room_id": facts["room_id"], "room_key_id": opened.room_key_id,
                               "entries": len(scan.entries)}, sort_keys=True)
        if bundle is None:
            bundle = ReceivedBundle(bundle_id=attempt_id, sha256=sha,
                                    room_id=RECOVERED_PREFIX + attempt_id, organisation_code=org,
                                    sequence=1, manifest_json=manifest)
            s.add(bundle)
        else:
            bundle.sha256, bundle.manifest_json = sha, manifest
        s.flush()
        numbers = item_numbers(s, [content])
        scores = score_attempt_rows(content, latest_answers(responses))
        result = dict(
            bundle_pk=bundle.id, organisation_code=org, individual_code=code,
            full_name=facts["full_name"], package_id=facts["package_id"], exam_id=content.exam_id,
            status="scored", score=scores.total, max_score=content.max_score, room_score=None,
            absence_reason=None, void_reason=None, room_id=facts["room_id"],
            test_language=content.language, **dimensions(s, org, content.grade, day).columns())
        insert_rows(s, Result.__table__, _RESULT_COLUMNS, [tuple(result[c] for c in _RESULT_COLUMNS)])
        rid = s.scalar(select(Result.id).where(Result.bundle_pk == bundle.id))
        store_scores(s, {code: rid}, {code: scores}, numbers)
        insert_rows(s, Response.__table__, _RESPONSE_COLUMNS, [
            (rid, r["seq"], r["item_id"], _json(r["answer"]), r["client_ts"]) for r in responses])
    return {**report, "score": scores.total, "max_score": content.max_score}


def earlier_entries(bundle: ReceivedBundle) -> int:
    return int(json.loads(bundle.manifest_json).get("entries", 0))


def ingest_journal_file(centre: Centre, path: Path) -> tuple[dict[str, Any], int]:
    """One file: its report and exit code (0 stored or duplicate, else the refusal's code)."""
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        return {"error": "unreadable", "message": str(exc)}, 2
    try:
        return ingest_journal(centre, raw), 0
    except GrantError as exc:
        return {"error": exc.code, "message": str(exc)}, EXIT_CODES.get(exc.code, 2)
