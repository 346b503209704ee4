"""Screenshots of every screen of the desk and of the room's map, and of the desk's PDFs, in kk, ru
and en, drawn offscreen from a sample room (`proctor-console screenshots`, docs/screenshots/)."""

from __future__ import annotations

import copy
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from common.documents.acts import render_confiscation_act, render_impostor_act
from common.documents.seating import SeatingRow, SeatingSheet, render_seating_sheet
from common.documents.slips import Connection, Slip, render_slips
from common.domain.acts import (
    ConfiscationAct,
    FoundItem,
    ImpostorAct,
    ImpostorStage,
    Organisation,
    Person,
)
from common.i18n import LANGUAGES, t
from common.qt_messages import without_offscreen_noise
from proctor_console.desk.app import WINDOW_SIZE
from proctor_console.desk.enrolments import Enrolments, EnrolmentsDialog
from proctor_console.desk.late_answers import LateAnswers, LateAnswersDialog
from proctor_console.desk.model import STEPS, DeskModel, Step
from proctor_console.desk.room_map.map_view import RoomMapView
from proctor_console.desk.room_map.model import LinkState, RoomModel
from proctor_console.desk.room_map.watch import WINDOW_SIZE as MAP_WINDOW_SIZE
from proctor_console.desk.room_map.watch import qt_application
from proctor_console.desk.sample_room import sample_room
from proctor_console.desk.window import DeskWindow

SETTLE_TURNS = 6


def render_room_map_screenshots(out_dir: Path,
                                size: tuple[int, int] = MAP_WINDOW_SIZE) -> list[Path]:
    """Draw the sample room in kk, ru and en offscreen; save `room-view-<lang>.png` into `out_dir`."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = qt_application()
    out_dir.mkdir(parents=True, exist_ok=True)
    model = RoomModel()
    model.update(sample_room())
    model.set_link(LinkState.ONLINE)
    written = []
    with without_offscreen_noise():
        view = RoomMapView(model)
        view.resize(*size)
        view.show()
        for lang in LANGUAGES:
            view.set_language(lang)
            view.tiles()[0].setFocus()  # show what the keyboard focus looks like
            # A new text asks for a new layout one level up per turn of the event loop (label,
            # tile, grid, scroll area); a few turns let every wrapped line find its room.
            for _ in range(SETTLE_TURNS):
                app.processEvents()
            path = out_dir / f"room-view-{lang}.png"
            if not view.grab().save(str(path)):
                raise OSError(f"could not write {path}")
            written.append(path)
        view.close()
        view.deleteLater()
        app.processEvents()
    return written


def _sample_view() -> dict[str, Any]:
    """The sample room with kiosks, live progress and an act, as the desk would receive it."""
    view = sample_room()
    for seat in view["seats"]:
        n = int(seat["seat"])
        seat.update(grade="4", class_name="АӘБ"[n % 3], language="kk" if n % 4 else "ru",
                    login=f"12-{n:03d}", locked_out=n == 16, away=n == 6, incidents=0)
        reasons = {7: ["unlocked"], 18: ["screen", "disk"], 26: ["silent"]}.get(n, [])
        seat["workstation"] = None if n in (9, 29) else {
            "workstation_id": seat["seat"], "ready": not reasons, "reasons": reasons,
            "build_hash": "b" * 40, "screen": "1920x1080", "clock_offset_ms": 120,
            "free_disk_mb": 30000, "kiosk_locked": True, "seen_seconds_ago": 2,
            "attempt_id": None, "section": None, "journal_seq": None, "hand_raised": n == 12}
        attempt = seat.get("attempt")
        if attempt and attempt["status"] == "in_progress":
            attempt.update(answered=attempt["answers"], time_left_s=60 * (20 + n), section="reading",
                           journal_lag=3 if n == 24 else 0, hand_raised=n == 12,
                           extensions=1 if n == 3 else 0)
    view["spares"] = [{"workstation_id": "31", "ready": True, "reasons": []}]
    view["late_answers_waiting"] = 2
    view["acts"] = [
        {"number": "R190745-12-0001", "kind": "confiscation", "individual_code":
         view["seats"][4]["individual_code"], "created_at": "2026-11-22T05:12:00+00:00"},
        {"number": "R190745-12-0002", "kind": "impostor", "individual_code":
         view["seats"][16]["individual_code"], "created_at": "2026-11-22T05:40:00+00:00"}]
    return view


_PROBLEMS = [
    {"row": 4, "field": "iin", "message": "check digit does not match"},
    {"row": 7, "field": "surname", "message": "is empty"},
    {"row": 7, "field": "grade", "message": "must be one of 4, 9, college-2, college-3"},
    {"row": 12, "field": "iin", "message": "duplicate of line 5"},
    {"row": 15, "field": "language", "message": "must be kk or ru"},
]

_INCIDENTS = [
    {"id": 1, "kind": "head_entered", "at": "2026-11-22T09:41:00+05:00", "actor": "rep",
     "individual_code": None, "details": {"full_name": "Бекова Сәуле Төлегенқызы"}},
    {"id": 2, "kind": "left", "at": "2026-11-22T09:55:00+05:00", "actor": "rep",
     "individual_code": "47515878", "details": {}},
    {"id": 3, "kind": "time_extended", "at": "2026-11-22T10:02:00+05:00", "actor": "rep",
     "individual_code": "23757939", "details": {"minutes": 6}},
]


def _late(id_: int, seat: str, name: str, seq: int, number: int, decision: str,
          offline: tuple[str, str] | None) -> dict[str, Any]:
    return {"id": id_, "attempt_id": f"a-{seat}", "individual_code": f"4751{seat}78",
            "full_name": name, "seat": seat, "workstation_id": seat, "seq": seq,
            "item_id": f"r-{number:03d}", "item_number": number, "answer": "b", "client_ts": 0.0,
            "deadline_at": "2026-11-22T06:10:00+00:00", "received_at": "2026-11-22T06:14:37+00:00",
            "offline_from": offline[0] if offline else None,
            "offline_until": offline[1] if offline else None, "decision": decision,
            "decided_at": None, "decided_by": None}


_OFFLINE = ("2026-11-22T06:02:11+00:00", "2026-11-22T06:14:36+00:00")
_LATE = [
    _late(1, "14", "Әбілқасымова Іңкәр Өмірзаққызы", 57, 19, "held", _OFFLINE),
    _late(2, "14", "Әбілқасымова Іңкәр Өмірзаққызы", 58, 20, "held", _OFFLINE),
    _late(3, "22", "Құрманғали Ұлан Һадиұлы", 61, 20, "rejected", None),
]
_ENROLMENTS = [
    {"workstation_id": f"{n:02d}", "enrolled_at": "2026-11-20T04:30:00+00:00", "enrolled_by": "rep",
     "revoked_at": "2026-11-22T05:20:00+00:00" if n == 9 else None,
     "last_seen_at": None if n == 29 else "2026-11-22T06:20:05+00:00"} for n in range(1, 31)]


def render_document_screenshots(out_dir: Path, languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """The desk's PDFs (seating sheet, slips, acts 1 and 2) from sample data, first page as PNG.

    Needs `pdftoppm` (poppler-utils); without it, says so and draws nothing.
    """
    if shutil.which("pdftoppm") is None:
        print("pdftoppm (poppler-utils) is missing: the PDFs are not drawn", flush=True)
        return []
    view = _sample_view()
    org = Organisation(view["organisation_code"], view["organisation_name"])
    rep = "Қожахметов Ғалым Һидаятұлы"
    day = dt.date(2026, 4, 22)
    at = dt.datetime(2026, 4, 22, 5, 12, tzinfo=dt.timezone.utc)
    seats = view["seats"]
    sheet = SeatingSheet(org, view["room_no"], day, rep, tuple(
        SeatingRow(s["seat"], s["full_name"], s["individual_code"], f"4 {s['class_name']}",
                   s["language"]) for s in seats))
    slips = [Slip(s["full_name"], s["individual_code"], s["seat"], s["login"], f"K7Q-M2X-{n:03d}")
             for n, s in enumerate(seats[:8], 1)]
    person = Person("Өмірзақов", "Дәулет", "Болатұлы", seats[4]["individual_code"])
    act1 = ConfiscationAct("R190745-12-0001", org, at, rep, view["room_no"], "05", person, "3",
                           (FoundItem("Ұялы телефон", "Samsung Galaxy A15", 1),), (rep,))
    impostor = Person("Дүйсенбаев", "Ақжол", "Нұрланұлы", seats[16]["individual_code"])
    act2 = ImpostorAct("R190745-12-0002", org, at, rep, ImpostorStage.DURING_TEST, impostor,
                       "Ұлықбекова Әсем Қайратқызы", view["room_no"])
    connection = Connection("192.168.10.5", 8443, "3f9a0c5be1d27a44" * 4)
    documents = {}
    for lang in languages:
        documents[f"seating-{lang}"] = render_seating_sheet(sheet, lang)
        documents[f"slips-{lang}"] = render_slips(slips, connection, view["room_no"], day, lang)
        documents[f"act1-{lang}"] = render_confiscation_act(act1, lang)
        documents[f"act2-{lang}"] = render_impostor_act(act2, lang)
    written = []
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for name, pdf in documents.items():
            src = Path(tmp) / f"{name}.pdf"
            src.write_bytes(pdf)
            target = out_dir / f"console-pdf-{name}"
            subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile",
                            str(src), str(target)], check=True)
            written.append(target.with_suffix(".png"))
    return written


def render_console_screenshots(out_dir: Path, size: tuple[int, int] = WINDOW_SIZE,
                               languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """Draw every screen of the desk and every dialog, in kk, ru and en, from a sample room."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = qt_application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    view = _sample_view()

    def settle() -> None:
        for _ in range(8):
            app.processEvents()

    def save(widget, name: str) -> None:
        settle()
        path = out_dir / f"console-{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)

    with without_offscreen_noise():
        for lang in languages:
            model = DeskModel(lang)
            window = DeskWindow(model, server="192.168.10.5:8443 · SHA-256 3f9a0c5be1d27a44…")
            window.resize(*size)
            window.show()
            model.set_proctor({"login": "rep", "full_name": "Қожахметов Ғалым Һидаятұлы",
                               "role": "representative"})
            model.room.update(copy.deepcopy(view))
            model.room.set_link(LinkState.ONLINE)
            model.set_part("package", {"package_id": "PKG-2026-04-G4-KK-190745"})
            model.set_part("roster_problems", _PROBLEMS)
            model.set_part("credentials", [{"individual_code": s["individual_code"]}
                                           for s in view["seats"]])
            model.set_part("incidents", _INCIDENTS)
            model.set_part("bundle", {"sequence": 1, "sha256": "5be1d27a443f9a0c" * 4,
                                      "path": "R190745-12-0001.cbtbundle"})
            model.set_part("audit", {"ok": True, "entries": 214, "head_hash": "0" * 64})
            window.test_page.map.select(view["seats"][11]["individual_code"])
            shown_only = SimpleNamespace(model=model, client=None)  # no server: nothing is sent
            late, enrolments = LateAnswers(window, shown_only), Enrolments(window, shown_only)
            for step in STEPS:
                model.set_step(step)
                if step is Step.SIGN_IN:
                    window.sign_in_page.login.setText("rep")
                if step is Step.START:
                    window.start_page.code.setText("K7Q2-9PAX")
                if step is Step.ADMISSION:
                    window.admission_page.select(view["seats"][6]["individual_code"])
                if step is Step.TEST:
                    window.test_page.map.select(view["seats"][11]["individual_code"])
                if step is Step.IMPORT:
                    model.say("error", t("console.error.roster_invalid", lang))
                else:
                    model.say("info", "")
                save(window, f"{step.value}-{lang}")
            model.set_step(Step.TEST)
            code = view["seats"][11]["individual_code"]
            prompts = window.prompts
            dialogs = [
                ("dialog-act1", lambda: prompts.open_act1(code)),
                ("dialog-act2", lambda: prompts.open_act2(code)),
                ("dialog-extend", lambda: prompts.open_extend(code)),
                ("dialog-move", lambda: prompts.open_move(code)),
                ("dialog-note", lambda: prompts.open_note(code)),
                ("dialog-head", prompts.open_head_visit),
                ("dialog-head-register", prompts.open_head_register),
                ("dialog-absence", lambda: prompts.open_absence(view["seats"][6]["individual_code"])),
            ]
            for name, opener in dialogs:
                opener()
                dialog = prompts.current_dialog
                if name == "dialog-act1":
                    dialog.set_item(0, "Ұялы телефон", "Samsung Galaxy A15", 1)
                    dialog.set_item(1, "Шпаргалка", "", 2)
                    save(dialog, f"{name}-{lang}")
                    dialog.ok_button.click()
                    save(prompts.current_dialog, f"dialog-act1-confirm-{lang}")
                    prompts.current_dialog.reject()
                    continue
                if name == "dialog-act2":
                    dialog.impostor.setText("Ұлықбекова Әсем Қайратқызы")
                save(dialog, f"{name}-{lang}")
                dialog.reject()
            for name, dialog, then in (
                    ("late-answers", LateAnswersDialog(_LATE, lang, window), late.confirm),
                    ("enrolments", EnrolmentsDialog(_ENROLMENTS, lang, window), enrolments.confirm)):
                prompts.show(dialog, then)
                dialog.table.selectRow(0)
                save(dialog, f"dialog-{name}-{lang}")
                dialog.ok_button.click()
                save(prompts.current_dialog, f"dialog-{name}-confirm-{lang}")
                prompts.current_dialog.reject()
            window.close()
            window.deleteLater()
            settle()
    return written
