"""The figures behind the methodological recommendations of a direction (§29): item p pooled over
variants and languages, content areas (the items' ``metadata.content_area``), and wrong options
chosen by at least ``DISTRACTOR_SHARE`` of the students shown the item or more often than the key."""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from common.documents.recommendations import AreaRow, DistractorRow, Recommendations, SolvedItem
from central_scorer.stats.dataset import UnitData
from central_scorer.stats.items import FlagBounds, analyse_items

SHOWN = 5  # items in each of the most / least solved lists
DISTRACTOR_SHARE = 0.30


def recommendations(unit: UnitData) -> Recommendations | None:
    if unit.n_students == 0:
        return None
    stats = [s for s in analyse_items(unit.scored_responses(), FlagBounds()).items if np.isfinite(s.p)]
    if not stats:
        return None
    area_of = {i.id: str((i.metadata or {}).get("content_area") or "") for i in unit.items}
    solved = [SolvedItem(s.id, area_of.get(s.id, ""), float(s.p), float(s.omitted)) for s in stats]
    ordered = sorted(solved, key=lambda i: (i.p, i.id))
    by_area: dict[str, list[float]] = defaultdict(list)
    for i in solved:
        by_area[i.content_area].append(i.p)
    areas = sorted((AreaRow(a, len(ps), float(np.mean(ps))) for a, ps in by_area.items() if a),
                   key=lambda r: (r.mean_p, r.content_area))
    distractors = []
    for s in stats:
        key_share = sum(o.share for o in s.options if o.is_key)
        for o in s.options:
            if not o.is_key and (o.share >= DISTRACTOR_SHARE or o.share > key_share):
                distractors.append(DistractorRow(s.id, o.option, float(o.share), float(key_share)))
    distractors.sort(key=lambda d: (-d.share, d.id))
    k = min(SHOWN, len(ordered) // 2) or 1  # the two lists never share an item
    return Recommendations(tuple(ordered[-k:][::-1]), tuple(ordered[:k]), tuple(areas), tuple(distractors[:10]))
