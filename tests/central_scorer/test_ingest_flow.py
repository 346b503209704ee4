"""Room → sealed bundle → centre: re-scored from raw responses, voids applied, refusals store nothing."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from central_scorer.ingest.bundles import IngestRefused, ingest
from central_scorer.reports.organisation import organisation_results, report_pdf
from common.storage.central_models import ReceivedBundle, Response, Result
from common.storage.room_models import Attempt
from proctor_console.room import sealing


def count(centre, model) -> int:
    with centre.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_centre_rescores_voids_and_reports(day, tmp_path):
    centre = day.centre
    bundle = sealing.seal(day.room, "rep")
    report = ingest(centre, Path(bundle["path"]).read_bytes())
    assert (report.scored, report.voided, report.absent) == (4, 1, 1)
    assert report.score_mismatches == []
    results = {r["individual_code"]: r for r in organisation_results(centre, "100200")}
    scored = [r for r in results.values() if r["status"] == "scored"]
    # r1 1 + r2 1 + r3 2 + m1 1 + m3 1 + s2 (a right, c wrong → 0 of 2) = 6
    assert {r["score"] for r in scored} == {6.0}
    assert results[day.credentials[1]["individual_code"]]["void_reason"] == "confiscation"
    assert results[day.credentials[0]["individual_code"]]["absence_reason"] == "competition"

    year = next(iter(results.values()))["year"]
    pdf = report_pdf(centre, "100200", year, "4", "ru")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert day.credentials[2]["individual_code"] in text and "Комплексное тестирование" in text


def test_the_centre_never_trusts_the_rooms_score(day):
    with day.room.tx() as s:  # a faulty or dishonest room inflates one score before sealing
        attempt = s.scalars(select(Attempt).where(Attempt.status == "submitted")).first()
        attempt.score = 18.0
    report = ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    assert len(report.score_mismatches) == 1
    assert report.score_mismatches[0]["central"] == 6.0


def test_same_bundle_twice_changes_nothing_and_old_replays_are_refused(day):
    centre = day.centre
    first = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    assert ingest(centre, first).status == "stored"
    before = (count(centre, Result), count(centre, Response), count(centre, ReceivedBundle))
    assert ingest(centre, first).status == "duplicate"
    assert (count(centre, Result), count(centre, Response), count(centre, ReceivedBundle)) == before

    second = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    assert ingest(centre, second).status == "stored"  # supersedes: rows replaced, not doubled
    assert count(centre, Result) == before[0] and count(centre, Response) == before[1]
    with centre.read() as s:  # no foreign key on responses.result_id (migration 0005): none orphaned
        assert s.scalar(select(func.count()).select_from(Response).where(
            Response.result_id.not_in(select(Result.id)))) == 0
    assert ingest(centre, first).status == "duplicate"  # already seen: still harmless


def test_an_older_bundle_arriving_after_a_newer_one_is_refused(day):
    older = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    newer = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    assert ingest(day.centre, newer).status == "stored"
    results_before = organisation_results(day.centre, "100200")
    with pytest.raises(IngestRefused) as exc:
        ingest(day.centre, older)
    assert exc.value.code == "replayed_old"
    assert organisation_results(day.centre, "100200") == results_before


@pytest.mark.parametrize("damage, code", [
    (lambda raw: raw[: len(raw) // 2], "malformed"),
    (lambda raw: raw.replace(b'"payload":"', b'"payload":"AAAA', 1), "payload_mismatch"),
    (lambda raw: b"not a bundle", "malformed"),
])
def test_a_damaged_bundle_is_refused_and_nothing_is_stored(day, damage, code):
    raw = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    with pytest.raises(IngestRefused) as exc:
        ingest(day.centre, damage(raw))
    assert exc.value.code == code
    assert count(day.centre, ReceivedBundle) == 0 and count(day.centre, Result) == 0


def test_a_bundle_from_an_unregistered_room_is_refused(day, tmp_path):
    from central_scorer.centre import Centre

    stranger = Centre(tmp_path / "other-centre")  # knows the same keys? no: a different centre
    stranger.init("KZ-NTC-TEST")
    raw = Path(sealing.seal(day.room, "rep")["path"]).read_bytes()
    with pytest.raises(IngestRefused) as exc:
        ingest(stranger, raw)
    assert exc.value.code == "unknown_signer"
