"""Cancellation for a territory (§15): the centre's signed revocation list, and a room that refuses
to open a cancelled region's package — driven through the real room server over HTTPS."""

from __future__ import annotations

import base64
import datetime as dt
import json
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from central_scorer.campaign.revocation import revocation_document, sign_revocation
from central_scorer.campaign.store import CampaignError, cancel, open_campaign, participation, summary
from central_scorer.ingest.bundles import ingest
from common.canonical import canonical_bytes
from common.crypto.signing import SigningKey
from common.crypto.tls import pinned_context
from common.demo.roster import demo_content_json
from common.domain.exam import content_from_dict
from common.protocol import API
from common.storage.central_models import Cancellation
from proctor_console.room import sealing
from proctor_console.room.revocation import (
    PackageRevoked,
    RevocationRefused,
    import_revocation,
    read_revocation,
    revocations,
)

# The room of tests/conftest.py belongs to organisation 100200.
WORKING_LIST = """code,name,region,district,territory,type,contingent,language,participated
100200,Тест мектебі,Абай облысы,Аягөз ауданы,city,school,30,kk,
100300,Бесқарағай ауылының мектебі,Абай облысы,Бесқарағай ауданы,village,school,9,kk,
100400,Бурабай гимназиясы,Ақмола облысы,Бурабай ауданы,village,gymnasium,25,ru,
""".encode()


def open_2026(centre, year: int = 2026) -> None:
    open_campaign(centre, WORKING_LIST, year=year, grade="4", seed=1, share="1", bands=(20, 60, 120),
                  first_day=dt.date(year, 4, 13), last_day=dt.date(year, 4, 17))


def cancel_region(centre, tmp_path: Path, region: str, district: str | None = None, year: int = 2026,
                  name: str = "revocation.json") -> dict:
    return cancel(centre, year=year, grade="4", region=region, district=district,
                  grounds="emergency", authority="emergencies_ministry",
                  reference="ТЖМ шешімі № 17, 2026-04-08",
                  text="Су тасқыны: облыста төтенше жағдай жарияланды / паводок: режим ЧС",
                  decided_on=dt.date(2026, 4, 8), out=tmp_path / name)


def proctor_http(server, token: str | None) -> httpx.Client:
    ctx = pinned_context("127.0.0.1", server.port, server.fingerprint)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=f"https://127.0.0.1:{server.port}{API}", verify=ctx,
                        headers=headers, timeout=30)


def test_a_cancelled_regions_package_cannot_be_opened_in_the_room(room_setup, room_server, tmp_path):
    centre = room_setup.centre
    open_2026(centre)
    issued = cancel_region(centre, tmp_path, "Абай облысы")
    assert issued["organisations"] == ["100200", "100300"]
    assert issued["package_ids"] == [room_setup.package["package_id"]]
    plan = summary(centre, 2026, "4")
    assert {o["code"]: o["status"] for o in plan["organisations"]} == {
        "100200": "cancelled", "100300": "cancelled", "100400": "scheduled"}
    assert plan["cancellations"][0]["reference"] == "ТЖМ шешімі № 17, 2026-04-08"
    raw = Path(issued["path"]).read_bytes()

    with proctor_http(room_server, None) as anonymous:
        assert anonymous.post("/proctor/revocations", content=raw).status_code == 401
    with proctor_http(room_server, room_setup.rep_token) as proctor:
        reply = proctor.post("/proctor/revocations", content=raw)
        assert reply.status_code == 200, reply.text
        assert reply.json()["applies_to_this_room"] is True
        assert reply.json()["scope"] == {"region": "Абай облысы", "district": None}
        assert proctor.post("/proctor/revocations", content=raw).status_code == 200  # harmless again

        refused = proctor.post("/proctor/start", json={"start_code": room_setup.package["start_code"]})
        assert refused.status_code == 409
        body = refused.json()
        assert body["error"] == "package_revoked"
        assert "Абай облысы" in body["message"] and "§15" in body["message"]
        assert body["details"]["revocation_id"] == issued["revocation_id"]
        assert proctor.get("/proctor/room").json()["open"] is False
        listed = proctor.get("/proctor/revocations").json()["revocations"]
        assert [r["revocation_id"] for r in listed] == [issued["revocation_id"]]

    # Nothing was opened: the content key was never stored and kiosks are still refused.
    with pytest.raises(Exception, match="not open"):
        room_setup.room.content()


def test_tampered_or_foreign_lists_are_refused_by_the_room_server(room_setup, room_server, tmp_path):
    centre = room_setup.centre
    open_2026(centre)
    raw = Path(cancel_region(centre, tmp_path, "Ақмола облысы")["path"]).read_bytes()
    envelope = json.loads(raw)
    document = json.loads(base64.b64decode(envelope["document"]))
    document["organisations"].append("100200")  # widen the list after signing
    forged = canonical_bytes({**envelope, "document": base64.b64encode(canonical_bytes(document)).decode()})
    with proctor_http(room_server, room_setup.rep_token) as proctor:
        for bad in (forged, (tmp_path / "pkg.cbtpkg").read_bytes(), b"not json"):
            reply = proctor.post("/proctor/revocations", content=bad)
            assert reply.status_code == 400 and reply.json()["error"] == "revocation_refused"
        assert proctor.get("/proctor/revocations").json()["revocations"] == []
        # The genuine list is for another region: this room's package still opens.
        assert proctor.post("/proctor/revocations", content=raw).json()["applies_to_this_room"] is False
        opened = proctor.post("/proctor/start", json={"start_code": room_setup.package["start_code"]})
        assert opened.status_code == 200, opened.text


def test_a_district_cancellation_spares_the_rest_of_the_region(room_setup, tmp_path):
    centre, room = room_setup.centre, room_setup.room
    open_2026(centre)
    issued = cancel_region(centre, tmp_path, "абай облысы", "Бесқарағай ауданы")  # case-insensitive
    assert issued["organisations"] == ["100300"] and issued["package_ids"] == []
    assert import_revocation(room, Path(issued["path"]).read_bytes(), "rep")["applies_to_this_room"] is False
    assert room.start(room_setup.package["start_code"], "rep")["items"] > 0


def test_a_package_made_after_the_decision_is_refused_too(room_setup, tmp_path):
    centre, room = room_setup.centre, room_setup.room
    open_2026(centre)
    issued = cancel_region(centre, tmp_path, "Абай облысы")
    import_revocation(room, Path(issued["path"]).read_bytes(), "rep")
    content = content_from_dict(json.loads(demo_content_json()))
    later = centre.make_package(content, "100200", tmp_path / "later.cbtpkg", kdf_memory_kib=1024)
    assert later["package_id"] not in issued["package_ids"]
    room.import_package((tmp_path / "later.cbtpkg").read_bytes(), "rep")
    with pytest.raises(PackageRevoked, match="is revoked"):
        room.start(later["start_code"], "rep")


def test_cancellations_are_refused_when_they_name_nothing_or_lack_a_basis(centre, tmp_path):
    open_2026(centre)
    with pytest.raises(CampaignError, match="regions in the selection: Абай облысы, Ақмола облысы"):
        cancel_region(centre, tmp_path, "Маңғыстау облысы")
    with pytest.raises(CampaignError, match="basis"):
        cancel(centre, year=2026, grade="4", region="Абай облысы", district=None,
               grounds="emergency", authority="health_ministry", reference=" ", text="x",
               decided_on=dt.date(2026, 4, 8), out=tmp_path / "x.json")
    cancel_region(centre, tmp_path, "Абай облысы")
    with pytest.raises(CampaignError, match="already cancelled"):
        cancel_region(centre, tmp_path, "Абай облысы", name="again.json")
    with centre.read() as s:
        assert len(list(s.scalars(select(Cancellation)))) == 1
    with pytest.raises(CampaignError, match="cancelled"):
        from central_scorer.campaign.store import set_test_day

        set_test_day(centre, 2026, "4", "100200", dt.date(2026, 4, 14))


# --- the format: one negative vector per failure ---------------------------------------------------

CENTRE = SigningKey.from_seed(b"campaign-test-centre")
OTHER = SigningKey.from_seed(b"campaign-test-other")
KEYS = {CENTRE.key_id: CENTRE.verify_key}


def document(**changes) -> dict:
    doc = revocation_document(
        revocation_id="00000000-0000-4000-8000-000000000001", centre_id="KZ-NTC-TEST",
        issued_at="2026-04-08T06:00:00+00:00", year=2026, grade="4", region="Абай облысы",
        district=None, grounds="restrictions", authority="health_ministry", reference="№ 5",
        text="карантин", decided_on="2026-04-07", organisations=["100200"], package_ids=["PKG-1"])
    doc.update(changes)
    return doc


def envelope_with(body: bytes, signer: SigningKey = CENTRE, **changes) -> bytes:
    env = {"format": "cbt-revocation/1", "document": base64.b64encode(body).decode(),
           "key_id": signer.key_id, "signature": base64.b64encode(signer.sign(body)).decode()}
    env.update(changes)
    return json.dumps(env).encode()


def test_a_good_list_reads_back_exactly():
    raw = sign_revocation(document(), CENTRE)
    assert read_revocation(raw, KEYS) == document()
    assert sign_revocation(document(), CENTRE) == raw  # deterministic: Ed25519 and canonical JSON


@pytest.mark.parametrize(("label", "raw", "message"), [
    ("unknown signer", sign_revocation(document(), OTHER), "unknown key"),
    ("signature over other bytes",
     envelope_with(canonical_bytes(document()),
                   signature=base64.b64encode(CENTRE.sign(b"other")).decode()), "does not verify"),
    ("envelope format", envelope_with(canonical_bytes(document()), format="cbt-exam-package/1"),
     "not a revocation list"),
    ("inner format", envelope_with(canonical_bytes(document(format="cbt-exam-package/1"))),
     "another kind of document"),
    ("not canonical", envelope_with(json.dumps(document(), indent=1).encode()), "not canonical"),
    ("missing field", envelope_with(canonical_bytes({k: v for k, v in document().items()
                                                      if k != "package_ids"})), "malformed"),
    ("wrong type", envelope_with(canonical_bytes(document(organisations="100200"))), "wrong type"),
    ("bad base64", envelope_with(b"{}", document="***"), "malformed"),
    ("not json", b"\xff\xfe", "malformed"),
])
def test_negative_vectors(label, raw, message):
    with pytest.raises(RevocationRefused, match=message):
        read_revocation(raw, KEYS)


def test_a_list_edited_in_the_rooms_database_stops_the_start_too(room_setup, tmp_path):
    from common.storage.room_models import Setting

    centre, room = room_setup.centre, room_setup.room
    open_2026(centre)
    issued = cancel_region(centre, tmp_path, "Ақмола облысы")
    import_revocation(room, Path(issued["path"]).read_bytes(), "rep")
    with room.tx() as s:
        row = s.get(Setting, "revocation:" + issued["revocation_id"])
        row.value = row.value.replace('"key_id":"', '"key_id":"x')
    with pytest.raises(RevocationRefused):
        revocations(room)
    with pytest.raises(RevocationRefused):
        room.start(room_setup.package["start_code"], "rep")


# --- participation (§12) ---------------------------------------------------------------------------


def test_exemptions_and_absences_feed_the_participation_rates(room_setup, tmp_path):
    centre, room, creds = room_setup.centre, room_setup.room, room_setup.credentials
    year = dt.date.today().year  # the results are of the year the room sits (today)
    open_2026(centre, year)
    cancel_region(centre, tmp_path, "Ақмола облысы", year=year)
    room.mark_attendance(creds[0]["individual_code"], "absent", "home_schooling", "rep")
    room.mark_attendance(creds[1]["individual_code"], "absent", "illness", "rep")
    for cred in creds[2:]:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    for cred in creds[2:]:
        attempt = room.login(cred["login"], cred["password"], cred["seat"])["attempt_id"]
        room.submit(attempt, 0)
    ingest(centre, Path(sealing.seal(room, "rep")["path"]).read_bytes())

    rates = participation(centre, year, "4")
    assert rates["organisations"] == {"selected": 3, "cancelled": 1, "expected": 2, "reported": 1,
                                      "rate": 0.5}
    students = rates["students"]
    assert (students["students"], students["exempt"], students["absent_objective"]) == (6, 1, 1)
    assert (students["scored"], students["population"]) == (4, 5)
    assert students["attendance_rate"] == 0.8
    assert students["absence_reasons"] == {"home_schooling": 1, "illness": 1}
    ours = next(r for r in rates["by_organisation"] if r["code"] == "100200")
    assert ours["reported"] and ours["attendance_rate"] == 0.8
    cancelled = next(r for r in rates["by_organisation"] if r["code"] == "100400")
    assert cancelled["status"] == "cancelled" and cancelled["attendance_rate"] is None
