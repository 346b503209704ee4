"""A simulated year of the monitoring stored in a centre's database as the ingest stores one: the
campaign opened from a working list by ``campaign.store.open_campaign`` (the selection records the
inclusion probabilities), results with absences and §12 exemptions, and the score store's item
rows. For the tests and the benchmark of the National report (docs/statistics.md)."""

from __future__ import annotations

import csv
import io
import uuid

import numpy as np
from sqlalchemy import func, insert, select

from common.storage.central_models import DirectionScore, ItemScore, ReceivedBundle, Result, ScoredItem
from central_scorer.campaign.selection import DEFAULT_BANDS
from central_scorer.campaign.store import open_campaign
from central_scorer.stats.population.data import sampled_organisations
from central_scorer.stats.population.design import EXEMPT
from central_scorer.stats.population.simulate import Country, responses, sit

HEADER = ("code", "name", "region", "district", "territory", "type", "contingent", "language", "participated")


def working_list(country: Country, rng: np.random.Generator, year: int) -> bytes:
    """The country's list; half of the city organisations took part the year before (excluded)."""
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(HEADER)
    for o in country.organisations:
        pilot = str(year - 1) if o.territory == "city" and rng.random() < 0.5 else ""
        w.writerow((o.code, o.name, o.region, o.district, o.territory, o.type, o.contingent, o.language, pilot))
    return out.getvalue().encode()


def store_year(centre, country: Country, rng: np.random.Generator, *, year: int, grade: str = "4",
               direction: str = "mathematical_literacy", item_ids: list[str], a: np.ndarray, d: np.ndarray,
               shift: float = 0.0, seed: int = 19) -> dict[str, int]:
    """Open the year's campaign, let the selected organisations sit, store the scores."""
    open_campaign(centre, working_list(country, rng, year), year=year, grade=grade, seed=seed,
                  share="0.25", bands=DEFAULT_BANDS)
    with centre.read() as s:
        sample = sampled_organisations(s, year, grade)
    status = sit(country, sample, rng)
    records = np.flatnonzero(status != "")
    scored = records[status[records] == "scored"]
    right = responses(country.theta[scored] + shift, a, d, rng)
    answers = dict(zip(scored.tolist(), right))
    with centre.tx() as s:
        known = dict(s.execute(select(ScoredItem.item_id, ScoredItem.id)).all())
        for item in item_ids:
            if item not in known:
                s.add(ScoredItem(item_id=item, direction=direction, points=1.0, type="single_choice"))
        s.flush()
        known = dict(s.execute(select(ScoredItem.item_id, ScoredItem.id)).all())
        first = (s.scalar(select(func.max(Result.id))) or 0) + 1
        bundles = {}
        for code in sorted({country.school[r] for r in records}):
            bundle = ReceivedBundle(bundle_id=str(uuid.uuid4()), sha256=uuid.uuid4().hex * 2, room_id=f"{code}-{year}",
                                    organisation_code=code, sequence=1, manifest_json="{}")
            s.add(bundle)
            s.flush()
            bundles[code] = bundle.id
        results, items, directions = [], [], []
        by_code = country.by_code
        for k, r in enumerate(records.tolist()):
            org = by_code[country.school[r]]
            st = status[r]
            rid = first + k
            row = {"id": rid, "bundle_pk": bundles[org.code], "organisation_code": org.code,
                   "individual_code": f"{r:08d}", "full_name": f"Student {r}", "status": "absent" if st == EXEMPT else st,
                   "absence_reason": {"absent": "illness", EXEMPT: "home_schooling"}.get(st), "year": year,
                   "grade": grade, "test_language": org.language if org.language != "mixed" else "kk",
                   "region": org.region, "district": org.district, "territory": org.territory,
                   "org_type": org.type, "org_language": org.language, "score": None, "max_score": None}
            if st == "scored":
                x = answers[r]
                row["score"], row["max_score"] = float(x.sum()), float(len(x))
                directions.append({"result_id": rid, "direction": direction, "score": float(x.sum()),
                                   "max_score": float(len(x))})
                items += [{"result_id": rid, "item": known[i], "position": j + 1, "score": float(v), "status": 0}
                          for j, (i, v) in enumerate(zip(item_ids, x))]
            results.append(row)
        s.execute(insert(Result), results)
        s.execute(insert(DirectionScore), directions)
        for start in range(0, len(items), 50_000):
            s.execute(insert(ItemScore), items[start:start + 50_000])
    return {"organisations": len(sample), "records": len(records), "scored": len(scored)}
