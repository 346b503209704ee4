"""The room server over real HTTPS on loopback, driven by the kiosk's own engine and by the proctor's API."""

from __future__ import annotations

import httpx
import pytest
from pypdf import PdfReader

from common.crypto.tls import CertificatePinMismatch, pinned_context
from exam_client.engine.link import KioskError, Removed


def proctor_http(server, token: str | None) -> httpx.Client:
    ctx = pinned_context("127.0.0.1", server.port, server.fingerprint)
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=f"https://127.0.0.1:{server.port}/api/v1", verify=ctx,
                        headers=headers, timeout=30)


def admit_all_and_start(setup) -> None:
    for cred in setup.credentials:
        setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    setup.room.start(setup.package["start_code"], "rep")


def test_login_waits_for_the_start_then_answers_reach_the_server(kiosk, room_setup, room_server):
    cred = room_setup.credentials[0]
    engine = kiosk(cred["seat"])
    room_setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    with pytest.raises(KioskError) as refused:
        engine.login(cred["login"], cred["password"])
    assert refused.value.code == "room_not_open"

    room_setup.room.start(room_setup.package["start_code"], "rep")
    sitting = engine.login(cred["login"], cred["password"])
    assert not sitting.resumed
    assert all("correct" not in item and "value" not in item for item in sitting.items)
    first = sitting.items[0]
    sitting.answer(first["id"], first["options"][0]["id"])
    sitting.answer(first["id"], first["options"][1]["id"])  # a change of mind
    assert sitting.replicate() == 2
    seat = next(s for s in room_setup.room.room_view()["seats"] if s["seat"] == cred["seat"])
    assert seat["attempt"]["answers"] == 2
    sitting.close()

    # The kiosk restarts: same attempt, the journal and the server agree, nothing is lost.
    again = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    assert again.resumed
    assert again.answers() == {first["id"]: first["options"][1]["id"]}
    result = again.submit()
    assert result["status"] == "submitted" and result["max_score"] == 18.0
    again.close()


def test_refusals_name_their_reason(kiosk, room_setup, room_server):
    absent, other, victim = room_setup.credentials[:3]
    room_setup.room.mark_attendance(absent["individual_code"], "absent", "illness", "rep")
    for cred in (other, victim):
        room_setup.room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room_setup.room.start(room_setup.package["start_code"], "rep")

    def code_of(engine, login, password):
        with pytest.raises(KioskError) as exc:
            engine.login(login, password)
        return exc.value.code

    assert code_of(kiosk(absent["seat"]), absent["login"], absent["password"]) == "not_admitted"
    assert code_of(kiosk(victim["seat"]), other["login"], other["password"]) == "wrong_seat"
    guesser = kiosk(victim["seat"])
    for _ in range(5):
        assert code_of(guesser, victim["login"], "wrong-guess") == "unauthorized"
    # Locked out now, even with the right password.
    assert code_of(guesser, victim["login"], victim["password"]) == "locked_out"


def test_a_token_does_not_work_from_another_workstation(kiosk, room_setup, room_server):
    admit_all_and_start(room_setup)
    cred = room_setup.credentials[0]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    thief = kiosk("99")
    thief.link.token = sitting.link.token
    with pytest.raises(KioskError) as exc:
        thief.link.call("POST", "/attempt/answers", {"entries": [
            {"seq": 1, "item_id": "r1", "answer": "a", "client_ts": 0}]})
    assert exc.value.code == "unauthorized"
    sitting.close()


def test_the_kiosk_refuses_a_server_with_another_certificate(kiosk, room_setup, room_server):
    engine = kiosk("01", fingerprint="ab" * 32)
    with pytest.raises(CertificatePinMismatch):
        engine.room_status()


def test_proctor_actions_need_the_proctors_signin(room_setup, room_server):
    with proctor_http(room_server, None) as anonymous:
        for path in ("/proctor/room", "/proctor/bundle"):
            reply = anonymous.request("GET" if path.endswith("room") else "POST", path)
            assert reply.status_code == 401, path
    with proctor_http(room_server, "forged-token") as forged:
        assert forged.get("/proctor/room").status_code == 401
    with proctor_http(room_server, room_setup.rep_token) as proctor:
        assert proctor.get("/proctor/room").status_code == 200


def test_a_bad_roster_names_line_and_field(room_setup, room_server):
    bad = "iin,surname,name,patronymic,grade,class,language\n123,Әлиев,Нұр,,4,А,kk\n"
    with proctor_http(room_server, room_setup.rep_token) as proctor:
        reply = proctor.post("/proctor/roster", content=bad.encode())
    assert reply.status_code == 422
    problems = reply.json()["details"]["problems"]
    assert {"line": 2, "row": 2, "field": "iin", "message": "must be exactly 12 digits"} in problems


def test_confiscation_act_voids_and_removes_the_student(kiosk, room_setup, room_server):
    admit_all_and_start(room_setup)
    cred = room_setup.credentials[1]
    sitting = kiosk(cred["seat"]).login(cred["login"], cred["password"])
    item = sitting.items[0]
    sitting.answer(item["id"], item["options"][0]["id"])
    assert sitting.replicate() == 1
    with proctor_http(room_server, room_setup.rep_token) as proctor:
        reply = proctor.post("/proctor/acts/confiscation", json={
            "individual_code": cred["individual_code"],
            "items": [{"name": "Ұялы телефон", "brand": "Xiaomi", "count": 1}]})
        assert reply.status_code == 200, reply.text
        act = reply.json()
    assert act["voided"] is True
    text = PdfReader(act["pdf_path"]).pages[0].extract_text()
    assert cred["individual_code"] in text and "Xiaomi" in text
    sitting.answer(item["id"], item["options"][1]["id"])  # saved locally, refused by the server
    with pytest.raises(Removed):
        sitting.replicate()
    seat = next(s for s in room_setup.room.room_view()["seats"] if s["seat"] == cred["seat"])
    assert seat["attempt"]["status"] == "voided" and seat["attempt"]["void_reason"] == "confiscation"
    sitting.close()
