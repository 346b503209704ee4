"""The campaign at the centre: the selection stored as published, test days, notices, cancellations
and participation — each operation one transaction on the centre's database."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import uuid
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from central_scorer.campaign import calendar as cal
from central_scorer.campaign.revocation import revocation_document, sign_revocation
from central_scorer.campaign.selection import Selection, select as draw, stratum_of
from central_scorer.campaign.working_list import parse_working_list
from central_scorer.centre import Centre
from common.domain.absence import EXEMPT_REASONS, OBJECTIVE_ABSENCE_REASONS
from common.durable import write_durably
from common.storage.base import utcnow
from common.storage.central_models import (
    Campaign,
    CampaignOrganisation,
    Cancellation,
    CentralPackage,
    Result,
)



class CampaignError(ValueError):
    """The campaign operation is refused; the message says why."""


@dataclass(frozen=True)
class OpenedCampaign:
    selection: Selection
    summary: dict[str, Any]


def _find(s, year: int, grade: str) -> Campaign:
    campaign = s.scalar(select(Campaign).where(Campaign.year == year, Campaign.grade == grade))
    if campaign is None:
        raise CampaignError(f"no campaign for grade {grade} in {year}: run `campaign open` first")
    return campaign


def open_campaign(centre: Centre, list_bytes: bytes, *, year: int, grade: str, seed: int,
                  share: str, bands: tuple[int, ...], first_day: dt.date | None = None,
                  last_day: dt.date | None = None) -> OpenedCampaign:
    """Draw the selection from the working list, store it, and give each organisation a test day."""
    cal.check_grade(grade)
    days = cal.available_days(year, grade, first_day, last_day)
    selection = draw(parse_working_list(list_bytes), year=year, seed=seed, share=share, bands=bands)
    chosen = sorted(selection.selected_organisations(), key=lambda o: (o.region, o.district, o.code))
    probability = {s.stratum: s.drawn / s.organisations for s in selection.strata if s.drawn}
    assigned = cal.spread([o.code for o in chosen], days)
    with centre.tx() as s:
        if s.scalar(select(Campaign).where(Campaign.year == year, Campaign.grade == grade)):
            raise CampaignError(f"the campaign for grade {grade} in {year} is already open: "
                                "a published selection is not drawn again")
        campaign = Campaign(
            year=year, grade=grade, share=selection.as_dict()["share"], seed=str(seed),
            list_sha256=hashlib.sha256(list_bytes).hexdigest(),
            selection_json=json.dumps(selection.as_dict(), ensure_ascii=False),
            first_day=days[0], last_day=days[-1])
        s.add(campaign)
        s.flush()
        for org in chosen:
            s.add(CampaignOrganisation(
                campaign_id=campaign.id, code=org.code, name=org.name, region=org.region,
                district=org.district, territory=org.territory, type=org.type,
                language=org.language, contingent=org.contingent,
                stratum=stratum_of(org, selection.bands), test_day=assigned[org.code],
                inclusion_probability=probability[stratum_of(org, selection.bands)]))
    return OpenedCampaign(selection, summary(centre, year, grade))


def set_test_day(centre: Centre, year: int, grade: str, code: str, day: dt.date) -> dict[str, Any]:
    cal.check_test_day(day, year, grade)
    with centre.tx() as s:
        campaign = _find(s, year, grade)
        org = s.scalar(select(CampaignOrganisation).where(
            CampaignOrganisation.campaign_id == campaign.id, CampaignOrganisation.code == code))
        if org is None:
            raise CampaignError(f"organisation {code} is not in the selection for grade {grade} in {year}")
        if org.cancellation_id is not None:
            raise CampaignError(f"organisation {code}: the monitoring there is cancelled (§15)")
        org.test_day = day
    return _org_row(org, None)


def _org_row(org: CampaignOrganisation, revocation_id: str | None) -> dict[str, Any]:
    day = org.test_day
    return {
        "code": org.code, "name": org.name, "region": org.region, "district": org.district,
        "territory": org.territory, "type": org.type, "language": org.language,
        "contingent": org.contingent, "stratum": org.stratum,
        "status": "cancelled" if org.cancellation_id is not None else "scheduled",
        "test_day": day.isoformat() if day else None,
        "notice_deadline": cal.notice_deadline(day).isoformat() if day else None,
        "results_due": cal.results_due(day).isoformat() if day else None,
        "revocation_id": revocation_id,
    }


def summary(centre: Centre, year: int, grade: str) -> dict[str, Any]:
    """The campaign as the centre plans it: window, deadlines, each organisation's day and status."""
    with centre.read() as s:
        campaign = _find(s, year, grade)
        orgs = list(s.scalars(select(CampaignOrganisation).where(
            CampaignOrganisation.campaign_id == campaign.id).order_by(
            CampaignOrganisation.region, CampaignOrganisation.district, CampaignOrganisation.code)))
        cancellations = list(s.scalars(select(Cancellation).where(
            Cancellation.campaign_id == campaign.id).order_by(Cancellation.id)))
    revocation_of = {c.id: c.revocation_id for c in cancellations}
    first, last = cal.window(year, grade)
    scheduled = [o.test_day for o in orgs if o.test_day and o.cancellation_id is None]
    first_test = min(scheduled) if scheduled else None
    return {
        "year": year, "grade": grade,
        "window": {"first": first.isoformat(), "last": last.isoformat()},
        "test_days": {"first": campaign.first_day.isoformat(), "last": campaign.last_day.isoformat()},
        "first_test_day": first_test.isoformat() if first_test else None,
        "notice_deadline": cal.notice_deadline(first_test).isoformat() if first_test else None,
        "share": campaign.share, "seed": int(campaign.seed), "list_sha256": campaign.list_sha256,
        "selected": len(orgs),
        "cancelled": sum(o.cancellation_id is not None for o in orgs),
        "per_day": {d.isoformat(): n for d, n in sorted(Counter(scheduled).items())},
        "organisations": [_org_row(o, revocation_of.get(o.cancellation_id)) for o in orgs],
        "cancellations": [{
            "revocation_id": c.revocation_id, "region": c.region, "district": c.district,
            "grounds": c.grounds, "authority": c.authority, "reference": c.basis_reference,
            "decided_on": c.decided_on.isoformat(), "issued_at": c.issued_at.isoformat()}
            for c in cancellations],
    }


def selection_of(centre: Centre, year: int, grade: str) -> dict[str, Any]:
    with centre.read() as s:
        return json.loads(_find(s, year, grade).selection_json)


def organisations(centre: Centre, year: int, grade: str,
                  codes: list[str] | None = None) -> list[dict[str, Any]]:
    rows = summary(centre, year, grade)["organisations"]
    if codes:
        unknown = sorted(set(codes) - {r["code"] for r in rows})
        if unknown:
            raise CampaignError(f"not in the selection for grade {grade} in {year}: {', '.join(unknown)}")
        rows = [r for r in rows if r["code"] in codes]
    return rows


# --- cancellation (§15) ----------------------------------------------------------------------------


def cancel(centre: Centre, *, year: int, grade: str, region: str, district: str | None,
           grounds: str, authority: str, reference: str, text: str, decided_on: dt.date,
           out: Path) -> dict[str, Any]:
    """Cancel the monitoring in a region (or one district of it): mark its organisations, and write
    the signed revocation list naming them and every package the centre made for them."""
    if not reference.strip() or not text.strip():
        raise CampaignError("a cancellation needs its basis: the decision's reference and text (§15)")
    revocation_id = str(uuid.uuid4())
    issued_at = utcnow()

    def same(a: str, b: str) -> bool:
        return a.strip().casefold() == b.strip().casefold()

    with centre.tx() as s:
        campaign = _find(s, year, grade)
        orgs = list(s.scalars(select(CampaignOrganisation).where(
            CampaignOrganisation.campaign_id == campaign.id)))
        hit = [o for o in orgs if same(o.region, region) and (district is None or same(o.district, district))]
        if not hit:
            regions = sorted({o.region for o in orgs})
            where = region if district is None else f"{region} / {district}"
            raise CampaignError(f"no selected organisation in {where}; regions in the selection: "
                                f"{', '.join(regions) or 'none'}")
        open_orgs = [o for o in hit if o.cancellation_id is None]
        if not open_orgs:
            raise CampaignError("the monitoring there is already cancelled")
        codes = sorted(o.code for o in open_orgs)
        package_ids = []
        for package in s.scalars(select(CentralPackage).where(CentralPackage.organisation_code.in_(codes))):
            try:
                package_grade = str(json.loads(package.content_json).get("grade", grade))
            except ValueError:
                package_grade = grade  # unreadable content: revoke rather than leave it open
            if package_grade == grade:
                package_ids.append(package.package_id)
        document = revocation_document(
            revocation_id=revocation_id, centre_id=centre.centre_id,
            issued_at=issued_at.isoformat(), year=year, grade=grade,
            region=open_orgs[0].region, district=open_orgs[0].district if district else None,
            grounds=grounds, authority=authority, reference=reference.strip(), text=text.strip(),
            decided_on=decided_on.isoformat(), organisations=codes, package_ids=package_ids)
        signed = sign_revocation(document, centre.signing_key)
        write_durably(out, signed)  # on disk before the decision is recorded as issued
        row = Cancellation(
            revocation_id=revocation_id, campaign_id=campaign.id, region=document["scope"]["region"],
            district=document["scope"]["district"], grounds=grounds, authority=authority,
            basis_reference=reference.strip(), basis_text=text.strip(), decided_on=decided_on,
            document_json=signed.decode(), issued_at=issued_at)
        s.add(row)
        s.flush()
        for org in open_orgs:
            org.cancellation_id = row.id
    return {"revocation_id": revocation_id, "path": str(out), "organisations": codes,
            "package_ids": sorted(package_ids), "region": document["scope"]["region"],
            "district": document["scope"]["district"]}


# --- participation (§12) ---------------------------------------------------------------------------


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 4)


def participation(centre: Centre, year: int, grade: str) -> dict[str, Any]:
    """Who took part, from the results received: organisations and students, with the §12 reasons.

    Students schooled at home or in a sanatorium-type institution are exempt: they leave the
    population. Students absent for an objective reason stay in it, so they lower attendance.
    ``attendance = (scored + voided) / (students - exempt)``; voided results count as attended.
    """
    plan = summary(centre, year, grade)
    with centre.read() as s:
        selected = select(CampaignOrganisation.code).where(
            CampaignOrganisation.campaign_id == _find(s, year, grade).id)
        # the campaign's own results: its year and grade (a school's other grades are not counted)
        results = list(s.scalars(select(Result).where(Result.organisation_code.in_(selected),
                                                      Result.year == year, Result.grade == grade)))
    by_org: dict[str, list[Result]] = {}
    for r in results:
        by_org.setdefault(r.organisation_code, []).append(r)

    def counts(rows: list[Result]) -> dict[str, Any]:
        reasons = Counter(r.absence_reason for r in rows if r.status == "absent")
        exempt = sum(reasons[k] for k in EXEMPT_REASONS)
        scored = sum(r.status == "scored" for r in rows)
        voided = sum(r.status == "voided" for r in rows)
        population = len(rows) - exempt
        return {
            "students": len(rows), "exempt": exempt,
            "absent_objective": sum(reasons[k] for k in OBJECTIVE_ABSENCE_REASONS),
            "absent_other": sum(n for k, n in reasons.items()
                                if k not in EXEMPT_REASONS + OBJECTIVE_ABSENCE_REASONS),
            "absence_reasons": {k: reasons[k] for k in sorted(k for k in reasons if k)},
            "scored": scored, "voided": voided, "population": population,
            "attendance_rate": _rate(scored + voided, population),
            "scored_rate": _rate(scored, population),
        }

    rows = []
    for org in plan["organisations"]:
        mine = by_org.get(org["code"], [])
        rows.append({"code": org["code"], "name": org["name"], "region": org["region"],
                     "status": org["status"], "reported": bool(mine), **counts(mine)})
    expected = [r for r in rows if r["status"] != "cancelled"]
    reported = [r for r in expected if r["reported"]]
    everyone = [r for org in expected for r in by_org.get(org["code"], [])]
    return {
        "year": year, "grade": grade,
        "organisations": {"selected": len(rows), "cancelled": len(rows) - len(expected),
                          "expected": len(expected), "reported": len(reported),
                          "rate": _rate(len(reported), len(expected))},
        "students": counts(everyone),
        "by_organisation": rows,
    }
