"""`central-scorer rescore --package P --content FILE --reason TEXT`: a package's keys changed (an
item's key corrected), so its results are scored again from the stored raw responses — the only
re-scoring after ingest, and recorded: who, when, why, the content's hash before and after, how
many results changed. The new content replaces the package's stored content (its variants must be
the same items; only keys and points may differ).

One transaction per package: the results' totals, their direction and item rows, and the record.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy import delete, select

from central_scorer.centre import Centre
from common.content.payload import payload_from_dict
from common.domain.scoring import latest_answers
from common.storage.central_models import (
    CentralPackage, DirectionScore, ItemScore, Rescoring, Response, Result)
from central_scorer.scores.store import item_numbers, score_attempt_rows


class RescoreRefused(ValueError):
    """The new content does not fit the package (other items), or no reason was given."""


def rescore(centre: Centre, package_id: str, content: dict[str, Any], reason: str,
            actor: str) -> dict[str, Any]:
    if not reason.strip():
        raise RescoreRefused("a re-scoring needs its reason (it is recorded)")
    new_payload = payload_from_dict(content)
    with centre.read() as s:
        package = s.get(CentralPackage, package_id)
        if package is None:
            raise RescoreRefused(f"package {package_id} was not made by this centre")
        old_json = package.content_json
    old_payload = payload_from_dict(json.loads(old_json))
    shape = lambda p: {v.exam_id: [i.id for i in v.items] for v in p.variants}  # noqa: E731
    if shape(old_payload) != shape(new_payload):
        raise RescoreRefused("the new content has other variants or items than the package: only keys "
                             "and points may change")
    new_json = json.dumps(content, ensure_ascii=False)
    with centre.tx() as s:
        numbers = item_numbers(s, new_payload.variants)
    changed = total = 0
    with centre.tx() as s:
        s.get(CentralPackage, package_id).content_json = new_json
        results = list(s.execute(select(Result.id, Result.exam_id, Result.score).where(
            Result.package_id == package_id, Result.status == "scored").order_by(Result.id)))
        ids = select(Result.id).where(Result.package_id == package_id, Result.status == "scored").scalar_subquery()
        logs: dict[int, list[dict[str, Any]]] = {}
        for rid, seq, item_id, answer in s.execute(
                select(Response.result_id, Response.seq, Response.item_id, Response.answer_json)
                .where(Response.result_id.in_(ids))):
            logs.setdefault(rid, []).append({"seq": seq, "item_id": item_id, "answer": json.loads(answer)})
        shown: dict[int, list[tuple[int, int, int]]] = {}  # the order shown and statuses stay
        for rid, number, position, status in s.execute(
                select(ItemScore.result_id, ItemScore.item, ItemScore.position, ItemScore.status)
                .where(ItemScore.result_id.in_(ids))):
            shown.setdefault(rid, []).append((number, position, status))
        s.execute(delete(DirectionScore).where(DirectionScore.result_id.in_(ids)))
        s.execute(delete(ItemScore).where(ItemScore.result_id.in_(ids)))
        for rid, exam_id, old_score in results:
            variant = new_payload.by_exam_id(exam_id) if exam_id else new_payload.first
            scores = score_attempt_rows(variant, latest_answers(logs.get(rid, [])))
            points = {numbers[item]: got for item, _, got, _ in scores.items}
            total += 1
            if old_score is None or abs(old_score - scores.total) > 1e-6:
                changed += 1
            s.get(Result, rid).score = scores.total
            s.get(Result, rid).max_score = variant.max_score
            s.add_all(DirectionScore(result_id=rid, direction=d, score=got, max_score=most)
                      for d, (got, most) in scores.directions.items())
            s.add_all(ItemScore(result_id=rid, item=number, position=position, score=points[number],
                                status=status) for number, position, status in shown.get(rid, []))
        s.add(Rescoring(package_id=package_id, reason=reason.strip(), actor=actor,
                        old_content_sha256=hashlib.sha256(old_json.encode()).hexdigest(),
                        new_content_sha256=hashlib.sha256(new_json.encode()).hexdigest(),
                        results=total, changed=changed))
    return {"package_id": package_id, "results": total, "changed": changed, "reason": reason.strip()}
