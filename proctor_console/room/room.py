"""The room: one computer room on the day, as the programs that hold it see it.

`Room` is the room's store (store.py: its files, database, memory and writes) with the day's
operations by name. It is a facade and holds no logic: each operation is one call into the module
that owns those records, where the rules are.
"""

from __future__ import annotations

from typing import Any

from common.crypto.signing import SigningKey
from common.domain.exam import ExamContent
from common.storage.room_models import Proctor
from proctor_console.room import (
    answers,
    attendance,
    configuration,
    logins,
    overview,
    package,
    proctors,
    roster,
    sessions,
    sittings,
    submission,
)
from proctor_console.room.store import RoomStore


class Room(RoomStore):
    """One computer room on the day: the store and the operations of the day.

    Why a facade: a room's state (one database, one memory, one write lock) is shared by everyone
    in the process, so each program makes one `Room` and hands it around — the HTTP API
    (room/api/), the desk's in-process server, the command line, the benchmarks and the tests.
    Naming the day's operations on that one object gives them one surface that does not change
    when a rule moves between modules; the rules live in the modules that own the records
    (configuration, proctors, package, roster, attendance, logins, sessions, sittings, answers,
    submission, overview). The rest of the day (incidents, acts, readiness, revocation, survey,
    sealing, exports) is reached through functions that take the room, as these modules' are.
    """

    # --- set-up, sign-in, package, roster, admission, start -----------------------------------

    def configure(self, config: dict[str, Any]) -> dict[str, Any]:
        return configuration.configure(self, config)

    @property
    def signing_key(self) -> SigningKey:
        return configuration.signing_key(self)

    def proctor_signin(self, login: str, pin: str, source: str = "local") -> str:
        return proctors.sign_in(self, login, pin, source)

    def proctor_signout(self, token: str | None) -> None:
        proctors.sign_out(self, token)

    def proctor_for(self, token: str | None) -> Proctor:
        return proctors.proctor_for(self, token)

    def proctor_for_login(self, login: str) -> Proctor:
        return proctors.proctor_for_login(self, login)

    def import_package(self, raw: bytes, actor: str) -> dict[str, Any]:
        return package.import_package(self, raw, actor)

    def import_roster(self, data: bytes | str, actor: str, filename: str = "") -> list[dict[str, str]]:
        return roster.import_roster(self, data, actor, filename)

    def mark_attendance(self, individual_code: str, status: str, reason: str | None,
                        actor: str) -> None:
        attendance.mark_attendance(self, individual_code, status, reason, actor)

    def start(self, start_code: str, actor: str) -> dict[str, Any]:
        return package.start(self, start_code, actor)

    def content(self) -> ExamContent:
        return package.content(self)

    # --- the kiosk's side ---------------------------------------------------------------------

    def login(self, login: str, password: str, workstation_id: str) -> dict[str, Any]:
        return logins.login(self, login, password, workstation_id)

    def attempt_for(self, token: str | None, workstation_id: str | None) -> str:
        return sessions.attempt_for(self, token, workstation_id)

    def in_memory(self, token: str | None = None, attempt_id: str | None = None) -> bool:
        """Whether `attempt_for(token)` / `attempt_state(attempt_id)` would be answered from memory
        alone, without reading the database (the server then answers on its event loop)."""
        if token is not None:
            return sessions.session_in_memory(self, token)
        return attempt_id is not None and sittings.state_in_memory(self, attempt_id)

    def save_answers(self, attempt_id: str, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return answers.save_answers(self, attempt_id, entries)

    def attempt_state(self, attempt_id: str) -> dict[str, Any]:
        return sittings.attempt_state(self, attempt_id)

    def submit(self, attempt_id: str, last_seq: int, reason: str = "student") -> dict[str, Any]:
        return submission.submit(self, attempt_id, last_seq, reason)

    def close_expired(self) -> int:
        return submission.close_expired(self)

    # --- the desk's view ----------------------------------------------------------------------

    def room_view(self) -> dict[str, Any]:
        return overview.room_view(self)
