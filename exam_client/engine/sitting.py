"""One student's sitting on this kiosk: answer → journal (fsync) → replicate, the server's clock
and deadline, submit and the survey, and the files kept next to the journal."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import threading
import time
from pathlib import Path
from typing import Any

from common.durable import write_durably
from exam_client.engine.journal import AnswerJournal
from common.journal_format import JournalEntry
from exam_client.engine.link import KioskError, Offline, RoomLink
from exam_client.engine.journals_on_disk import FINISHED_SUFFIX

REPLICATE_BATCH = 200
PLACE_SUFFIX = ".place.json"  # where the student was and what they flagged (no answers in it)
# The room server's answers when its disk refuses writes: not an error of the sitting, the answers
# stay on this PC and are sent again later.
ROOM_DISK_TROUBLE = ("disk_full", "disk_read_only")


class Sitting:
    """One student's test on this kiosk, from login to result."""

    def __init__(self, link: RoomLink, login_reply: dict[str, Any], journal: AnswerJournal,
                 clock_offset: float, journal_path: Path | None = None):
        # The answer checks bring pydantic's item models (0.3 s, 30 MB): loaded when a sitting
        # opens (at login, on the network thread), not before the kiosk's first screen.
        importlib.import_module("common.domain.answer_checks")

        self.link = link
        self.attempt_id: str = login_reply["attempt_id"]
        self.content: dict[str, Any] = login_reply["content"]
        self.student: dict[str, Any] = login_reply["student"]
        self.resumed: bool = login_reply["resumed"]
        self.deadline = dt.datetime.fromisoformat(login_reply["deadline"]).timestamp()
        self.journal = journal
        self._journal_path = journal_path
        self.clock_offset = clock_offset
        # The server's time as last measured, against this PC's monotonic clock: a wall clock
        # that jumps (a wrong BIOS time, NTP) does not move the test's end.
        self._anchor = (time.time() + clock_offset, time.monotonic())
        self.acked_seq: int = int(login_reply["acked_seq"])
        self.server_had_at_login: int = self.acked_seq  # less than the journal's after a crash
        self.result: dict[str, Any] | None = None
        # The network side (replicate, reconcile, submit, survey) runs one call at a time, whoever
        # calls it; `answer` never waits for it.
        self._net = threading.RLock()
        self.online: bool = True  # did the last call to the room server get an answer?
        self.last_contact: float = time.monotonic()
        self.room_disk: str | None = None  # the room server's disk refused our answers (a code)
        # Answers that reached the room after the sitting's time: held for the representative,
        # who accepts or rejects them (the room's late_answers.py); kept in the journal as ever.
        self.held_seqs: list[int] = []
        # The room's pause as the server last told it ({"since", "reason", "note"}), and the
        # representative's messages to this seat or the room (each {"id", "at", "text", ...}).
        self.paused: dict[str, Any] | None = None
        self.messages: list[dict[str, Any]] = []
        # Accommodations set before the day (extra-time factor, large print, ...): the room
        # already counted the factor into the deadline; the screen applies the rest.
        self.accommodations: dict[str, Any] = dict(self.student.get("accommodations") or {})

    # --- what the screen asks -----------------------------------------------------------------

    @property
    def items(self) -> list[dict[str, Any]]:
        return [item for section in self.content["sections"] for item in section["items"]]

    def answers(self) -> dict[str, Any]:
        return {item: entry.answer for item, entry in self.journal.latest_answers().items()}

    def server_now(self) -> float:
        server_then, mono_then = self._anchor
        return server_then + (time.monotonic() - mono_then)

    def remaining_seconds(self) -> float:
        """The server's deadline less the server's time; while the room is paused the clock
        stands at the pause."""
        now = self.server_now()
        if self.paused is not None:
            now = min(now, dt.datetime.fromisoformat(self.paused["since"]).timestamp())
        return max(0.0, self.deadline - now)

    @property
    def pending(self) -> int:
        return self.journal.last_seq - self.acked_seq

    # --- what the student does ----------------------------------------------------------------

    def answer(self, item_id: str, value: Any) -> JournalEntry:
        """Durable on return: the screen may show it as saved. Replication is attempted after."""
        if self.result is not None:
            raise KioskError("attempt_closed", "the test is already submitted")
        item = next((i for i in self.items if i["id"] == item_id), None)
        if item is None:
            raise KeyError(item_id)
        from common.domain.answer_checks import AnswerInvalid, check_answer  # loaded in __init__

        try:  # the room refuses such an answer: say so now, before it is journalled
            check_answer(item, value)
        except AnswerInvalid as exc:
            raise KioskError("answer_invalid", str(exc)) from None
        if self.remaining_seconds() <= 0:
            raise KioskError("time_over", "time is over")
        if self.paused is not None:
            raise KioskError("room_paused", "the room is paused")
        return self.journal.append(item_id, value, client_ts=self.server_now())

    def replicate(self) -> int | None:
        """Send what the server lacks; return the acknowledged seq, or None when offline."""
        with self._net:
            try:
                while self.acked_seq < self.journal.last_seq:
                    batch = [
                        {"seq": e.seq, "item_id": e.item_id, "answer": e.answer,
                         "client_ts": e.client_ts}
                        for e in self.journal.entries[self.acked_seq:self.acked_seq + REPLICATE_BATCH]
                    ]
                    reply = self._call("POST", "/attempt/answers", {"entries": batch})
                    if "held" in reply:  # 202: the time was over when they arrived
                        self.held_seqs = sorted(set(self.held_seqs) | set(reply["held"]))
                    acked = int(reply["acked_seq"])
                    if acked <= self.acked_seq:
                        raise KioskError("no_progress", "the room server did not take the answers")
                    self.acked_seq = acked
            except Offline:
                return None
            except KioskError as exc:
                if exc.code not in ROOM_DISK_TROUBLE:
                    raise
                self.room_disk = exc.code  # the room's disk refused: the answers stay pending here
                return None
            self.room_disk = None
            return self.acked_seq

    def reconcile(self) -> dict[str, Any]:
        """Ask the room server for the attempt's state and take its clock and deadline.

        The server's clock is the authority: the offset is measured again at every call (the
        midpoint of the round trip), and a deadline the proctor moved is taken over. If the
        server holds fewer answers than were acknowledged (a restored server), the rest is sent
        again by the next `replicate`. Raises `Offline` (the sitting goes on from the journal) and
        `Removed` when the representative voided the attempt.
        """
        with self._net:
            sent = time.time()
            state = self._call("GET", "/attempt/state")
            received = time.time()
            server_time = dt.datetime.fromisoformat(state["server_time"]).timestamp()
            self.clock_offset = server_time - (sent + received) / 2
            self._anchor = (server_time + (received - sent) / 2, time.monotonic())
            self.deadline = dt.datetime.fromisoformat(state["deadline"]).timestamp()
            self.paused = state.get("paused") or None
            self.messages = list(state.get("messages") or [])
            server_acked = int(state["acked_seq"])
            if server_acked < self.acked_seq:
                self.acked_seq = server_acked
            return state

    def submit(self) -> dict[str, Any]:
        """Everything reaches the server first; then the server scores and the result is shown."""
        with self._net:
            for _ in range(3):
                try:
                    acked = self.replicate()
                except KioskError as exc:
                    if exc.code != "attempt_closed":
                        raise
                    # The room closed the sitting (its time is over) and takes no more answers:
                    # what it holds is final, and submitting again only fetches the result.
                    self.result = self._with_held(
                        self._call("POST", "/attempt/submit", {"last_seq": self.acked_seq}))
                    self.mark_finished()
                    return self.result
                if acked is None:
                    raise Offline("the room server is not reachable; answers are kept on this PC")
                try:
                    self.result = self._with_held(self._call("POST", "/attempt/submit",
                                                             {"last_seq": self.journal.last_seq}))
                    self.mark_finished()
                    return self.result
                except KioskError as exc:
                    if exc.code != "conflict":
                        raise
                    self.acked_seq = int(exc.details.get("acked_seq", 0))
            raise KioskError("submit_failed", "the room server did not accept the submission")

    def _with_held(self, result: dict[str, Any]) -> dict[str, Any]:
        """The room's result, with how many answers it holds for the representative (the
        screen says they were sent to the representative, not lost, not an error)."""
        return {**result, "held_late": len(self.held_seqs)} if self.held_seqs else result

    def survey_questions(self) -> list[dict[str, Any]]:
        """The anonymous survey's questions (§25), each with its text in kk, ru and en."""
        with self._net:
            return list(self._call("GET", "/survey")["questions"])

    def send_survey(self, answers: dict[str, int | None]) -> dict[str, Any]:
        """Send the survey; the room stores it without any link to this attempt (§25)."""
        with self._net:
            return self._call("POST", "/attempt/survey", {"answers": answers})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        try:
            reply = self.link.call(method, path, body)
        except Offline:
            self.online = False
            raise
        except KioskError:
            self._contact()
            raise
        self._contact()
        return reply

    def _contact(self) -> None:
        self.online = True
        self.last_contact = time.monotonic()

    # --- the kiosk's own files ------------------------------------------------------------------

    @property
    def journal_path(self) -> Path:
        if self._journal_path is None:  # made without a path: the journal knows its file
            return Path(self.journal._path)  # noqa: SLF001
        return self._journal_path

    def mark_finished(self) -> None:
        """Note on disk that this sitting ended, so the next start shows no lock screen."""
        write_durably(self.journal_path.with_name(self.journal_path.name + FINISHED_SUFFIX), b"")

    def save_place(self, place: dict[str, Any]) -> None:
        """Keep where the student is and what they flagged, so a restart resumes there.

        It holds item ids and a page number only, never answers (those are in the journal).
        """
        write_durably(self.journal_path.with_name(self.journal_path.name + PLACE_SUFFIX),
                      json.dumps(place, sort_keys=True).encode())

    def load_place(self) -> dict[str, Any]:
        path = self.journal_path.with_name(self.journal_path.name + PLACE_SUFFIX)
        try:
            place = json.loads(path.read_text("utf-8"))
        except (OSError, ValueError):
            return {}
        return place if isinstance(place, dict) else {}

    def close(self) -> None:
        self.journal.close()
        self.link.close()
