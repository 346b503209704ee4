"""The desk's controller: turns the screens' intents into calls to the room server and their
answers into the models. Thin by design — the rules live in the room server, the words in the
catalogue, the state in `DeskModel` / `RoomModel`.

Calls run one at a time in a worker thread (Argon2id over a class's passwords takes seconds), and
each call that changes the room fetches the room view right after, so the map is current the
moment the call is reported done. A `RoomWatcher` polls the room once a second besides.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from common.documents.slips import Connection, Slip, render_slips
from common.durable import write_durably
from common.i18n import t
from proctor_console.desk.client import DeskClient, DeskError
from proctor_console.desk.model import DeskModel, Step
from proctor_console.desk.room_map.watch import RoomWatcher

KNOWN_ERRORS = ("conflict", "not_found", "unauthorized", "forbidden", "offline", "untrusted",
                "roster_invalid", "package_refused", "package_revoked", "bad_request", "invalid",
                "seat_locked", "room_not_open", "locked_out", "internal", "disk_full",
                "disk_read_only")


def error_text(error: DeskError, lang: str) -> str:
    code = error.code if error.code in KNOWN_ERRORS else "other"
    return t(f"console.error.{code}", lang)


# Roster problems come from the room in English; the desk says them in the proctor's language.
_ROSTER_MESSAGES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^must be exactly 12 digits$"), "iin_digits"),
    (re.compile(r"^check digit does not match$"), "iin_check"),
    (re.compile(r"^digits 1-6 are not a valid birth date"), "iin_date"),
    (re.compile(r"^digit 7 must be 1-6"), "iin_century"),
    (re.compile(r"^was saved as a rounded number"), "iin_rounded"),
    (re.compile(r"^duplicate of line (?P<line>\d+)$"), "duplicate"),
    (re.compile(r"^is empty"), "empty"),
    (re.compile(r"^must be one of"), "grade"),
    (re.compile(r"^must be kk or ru$"), "language"),
    (re.compile(r"^column is missing from the header$"), "missing_column"),
    (re.compile(r"^column appears twice"), "twice"),
    (re.compile(r"^the file is empty$"), "file_empty"),
    (re.compile(r"^the list has no students$"), "no_students"),
    (re.compile(r"^contains digits$"), "digits_in_name"),
    (re.compile(r"^has characters other than"), "name_characters"),
    (re.compile(r"^also given on line (?P<line>\d+)$"), "seat_twice"),
    (re.compile(r"^(neither UTF-8|is not a|an old Excel|an OpenDocument|cannot be read)"), "file"),
]


def roster_message(message: str, lang: str) -> str:
    for pattern, key in _ROSTER_MESSAGES:
        match = pattern.match(message)
        if match:
            return t(f"console.roster.problem.{key}", lang, **match.groupdict())
    return message


def field_name(field: str, lang: str) -> str:
    key = f"console.field.{field}"
    try:
        return t(key, lang)
    except KeyError:
        return field


class _Relay(QObject):
    """Carries a worker's answer back to the GUI thread (queued signals)."""

    finished = Signal(object, object)
    failed = Signal(object, object)


class _Task(QRunnable):
    def __init__(self, relay: _Relay, fn: Callable[[], Any], on_done: Callable[[Any], None],
                 on_fail: Callable[[DeskError], None]):
        super().__init__()
        self._relay, self._fn, self._on_done, self._on_fail = relay, fn, on_done, on_fail

    def run(self) -> None:
        try:
            result = self._fn()
        except DeskError as exc:
            self._relay.failed.emit(self._on_fail, exc)
        except Exception as exc:  # noqa: BLE001 - shown to the proctor, never swallowed silently
            self._relay.failed.emit(self._on_fail, DeskError("internal", f"{type(exc).__name__}: {exc}"))
        else:
            self._relay.finished.emit(self._on_done, result)


class DeskController(QObject):
    """Signals:
        done(str, object): an action finished (its name, its result).
        failed(str, str, str): an action failed (its name, the error code, the server's message).
    """

    done = Signal(str, object)
    failed = Signal(str, str, str)

    def __init__(self, model: DeskModel, client: DeskClient, connection: Connection,
                 out_dir: Path | None = None, watch: bool = True, parent: QObject | None = None):
        super().__init__(parent)
        self.model = model
        self.client = client
        self.connection = connection  # what the slips' QR codes tell the kiosks
        self.out_dir = Path(out_dir) if out_dir else Path.cwd()
        self._watch = watch
        self._watcher: RoomWatcher | None = None
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)  # one call at a time, in order
        self._relay = _Relay(self)
        self._relay.finished.connect(lambda callback, result: callback(result))
        self._relay.failed.connect(lambda callback, error: callback(error))

    # --- plumbing -----------------------------------------------------------------------------

    def run(self, action: str, fn: Callable[[], Any], on_done: Callable[[Any], Any] | None = None,
            done_text: str | None = None) -> None:
        """An action of another part of the desk (room_actions.py), run like the controller's own."""
        self._run(action, fn, on_done, done_text=done_text)

    def _run(self, action: str, fn: Callable[[], Any], on_done: Callable[[Any], Any] | None = None,
             refresh: bool = True, done_text: str | None = None) -> None:
        model = self.model
        model.begin()

        def work() -> tuple[Any, dict[str, Any] | None]:
            result = fn()
            return result, (self.client.room() if refresh and self.client.token else None)

        def finished(answer: tuple[Any, dict[str, Any] | None]) -> None:
            result, view = answer
            try:
                if view is not None:
                    model.room.update(view)
                if on_done is not None:
                    on_done(result)
                if done_text is not None:
                    model.say("done", done_text)
            finally:
                model.end()
            self.done.emit(action, result)

        def failed(error: DeskError) -> None:
            lang = model.language
            model.say("error", error_text(error, lang), str(error))
            if action == "import_roster" and error.code == "roster_invalid":
                model.set_part("roster_problems", error.details.get("problems", []))
            model.end()
            self.failed.emit(action, error.code, str(error))

        self._pool.start(_Task(self._relay, work, finished, failed))

    def wait(self, msecs: int = 30000) -> bool:
        """Wait for the calls under way (for the command line and for tests)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Stop watching, finish the call under way, and drop any answer still on its way."""
        if self._watcher is not None:
            self._watcher.stop()
            self._watcher.deleteLater()
            self._watcher = None
        self._pool.waitForDone(30000)
        self._relay.blockSignals(True)  # nothing reaches a screen that is closing
        self.client.close()

    def _t(self, key: str, **params: Any) -> str:
        return t(key, self.model.language, **params)

    # --- sign-in ------------------------------------------------------------------------------

    def sign_in(self, login: str, pin: str) -> None:
        self._signed_in("sign_in", lambda: self.client.sign_in(login.strip(), pin))

    def take_session(self, token: str) -> None:
        """Go on with a session signed in elsewhere: the screen of the day the room is at."""
        self._signed_in("take_session", lambda: self.client.take_session(token))

    def _signed_in(self, action: str, call: Callable[[], dict[str, Any]]) -> None:
        def done(proctor: dict[str, Any]) -> None:
            self.model.set_proctor(proctor)
            self._start_watch()
            view = self.model.room.view() or {}
            if view.get("open"):
                self.model.set_step(Step.TEST)
            elif view.get("seats"):
                self.model.set_step(Step.SEATING)
            else:
                self.model.set_step(Step.IMPORT)

        self._run(action, call, done, done_text=self._t("console.signin.done"))

    def _start_watch(self) -> None:
        if not self._watch or self._watcher is not None or not self.client.token:
            return
        a = self.client.address
        self._watcher = RoomWatcher(self.model.room, a.port, a.fingerprint, self.client.token,
                                    host=a.host, parent=self)
        self._watcher.start()

    # --- package and roster -------------------------------------------------------------------

    def import_package(self, path: Path) -> None:
        def call() -> dict[str, Any]:
            return self.client.import_package(Path(path).read_bytes())

        self._run("import_package", call, lambda info: self.model.set_part("package", info),
                  done_text=self._t("console.import.package_done"))

    def import_roster(self, path: Path) -> None:
        path = Path(path)
        self.model.set_part("roster_problems", [])

        def call() -> list[dict[str, str]]:
            return self.client.import_roster(path.read_bytes(), path.name)

        def done(credentials: list[dict[str, str]]) -> None:
            self.model.set_part("credentials", credentials)
            self.model.say("done", self._t("console.import.roster_done", count=len(credentials)))
            self.model.set_step(Step.SEATING)

        self._run("import_roster", call, done)

    # --- documents ----------------------------------------------------------------------------

    def save_seating(self, path: Path) -> None:
        lang = self.model.language

        def call() -> str:
            write_durably(Path(path), self.client.seating_pdf(lang))
            return str(path)

        self._run("save_seating", call, refresh=False,
                  done_text=self._t("console.saved", path=str(path)))

    def save_slips(self, path: Path, only: list[str] | None = None) -> None:
        """The credential slips of the passwords issued in this session (all, or `only` codes)."""
        lang = self.model.language
        creds = [c for c in self.model.credentials if only is None or c["individual_code"] in only]
        view = self.model.room.view() or {}
        seats = {s["individual_code"]: s["seat"] for s in view.get("seats", [])}
        if not creds:
            self.model.say("error", self._t("console.seating.no_passwords"))
            self.failed.emit("save_slips", "no_passwords", "")
            return
        slips = [Slip(c["full_name"], c["individual_code"], seats.get(c["individual_code"], c["seat"]),
                      c["login"], c["password"]) for c in creds]
        room = view.get("room_no") or ""

        def call() -> str:
            write_durably(Path(path), render_slips(slips, self.connection, room, dt.date.today(), lang))
            return str(path)

        self._run("save_slips", call, refresh=False,
                  done_text=self._t("console.saved", path=str(path)))

    # --- admission and start ------------------------------------------------------------------

    def mark(self, individual_code: str, status: str, reason: str | None = None) -> None:
        self._run("mark", lambda: self.client.mark(individual_code, status, reason))

    def start(self, start_code: str) -> None:
        def done(_: Any) -> None:
            self.model.set_step(Step.TEST)

        self._run("start", lambda: self.client.start(start_code.strip()), done,
                  done_text=self._t("console.start.done"))

    # --- during the test ----------------------------------------------------------------------

    def leave(self, code: str) -> None:
        self._run("leave", lambda: self.client.leave(code), done_text=self._t("console.test.left_done"))

    def come_back(self, code: str) -> None:
        self._run("come_back", lambda: self.client.come_back(code),
                  done_text=self._t("console.test.returned_done"))

    def extend(self, code: str, minutes: int, reason: str) -> None:
        self._run("extend", lambda: self.client.extend(code, minutes, reason),
                  done_text=self._t("console.test.extended_done", minutes=minutes))

    def move(self, code: str, seat: str, reason: str) -> None:
        self._run("move", lambda: self.client.move(code, seat, reason),
                  done_text=self._t("console.test.moved_done", seat=seat))

    def note(self, text: str, code: str | None = None) -> None:
        self._run("note", lambda: self.client.note(text, code), self._reload_incidents,
                  done_text=self._t("console.test.note_done"))

    def add_head(self, login: str, full_name: str, pin: str) -> None:
        self._run("add_head", lambda: self.client.add_head(login, full_name, pin), refresh=False,
                  done_text=self._t("console.head.registered"))

    def head_visit(self, login: str, pin: str, direction: str) -> None:
        self._run("head_visit", lambda: self.client.head_visit(login, pin, direction),
                  self._reload_incidents, done_text=self._t(f"console.head.{direction}_done"))

    def reissue(self, code: str) -> None:
        def done(cred: dict[str, str]) -> None:
            rest = [c for c in self.model.credentials if c["individual_code"] != code]
            self.model.set_part("credentials", [*rest, cred])

        self._run("reissue", lambda: self.client.reissue_password(code), done,
                  done_text=self._t("console.test.password_done"))

    def unlock(self, code: str) -> None:
        self._run("unlock", lambda: self.client.unlock(code),
                  done_text=self._t("console.test.unlock_done"))

    def load_incidents(self) -> None:
        self._run("incidents", lambda: None, self._reload_incidents, refresh=False)

    def _reload_incidents(self, _: Any = None) -> None:
        def call() -> list[dict[str, Any]]:
            return self.client.incidents()

        self._run("incidents_loaded", call,
                  lambda rows: self.model.set_part("incidents", rows), refresh=False)

    # --- acts ---------------------------------------------------------------------------------

    def act_confiscation(self, code: str, items: list[dict[str, Any]], drawn_up_by: list[str]) -> None:
        self._run("act", lambda: self.client.act_confiscation(code, items, drawn_up_by),
                  lambda act: self.model.set_part("last_act", act),
                  done_text=self._t("console.act.done"))

    def act_impostor(self, code: str, impostor_full_name: str, stage: str) -> None:
        self._run("act", lambda: self.client.act_impostor(code, impostor_full_name, stage),
                  lambda act: self.model.set_part("last_act", act),
                  done_text=self._t("console.act.done"))

    def save_act_pdf(self, number: str, lang: str, path: Path) -> None:
        def call() -> str:
            write_durably(Path(path), self.client.act_pdf(number, lang))
            return str(path)

        self._run("save_act", call, refresh=False, done_text=self._t("console.saved", path=str(path)))

    # --- the end ------------------------------------------------------------------------------

    def seal(self) -> None:
        self._run("seal", self.client.seal, lambda b: self.model.set_part("bundle", b),
                  done_text=self._t("console.end.sealed"))

    def save_bundle(self, path: Path) -> None:
        def call() -> str:
            target = Path(path)
            data = self.client.bundle_bytes()
            write_durably(target, data)
            return str(target)

        self._run("save_bundle", call, refresh=False,
                  done_text=self._t("console.saved", path=str(path)))

    def upload(self, url: str) -> None:
        self._run("upload", lambda: self.client.upload(url), refresh=False,
                  done_text=self._t("console.end.uploaded"))

    def export(self, fmt: str, path: Path) -> None:
        lang = self.model.language

        def call() -> str:
            write_durably(Path(path), self.client.export_results(fmt, lang))
            return str(path)

        self._run("export", call, lambda p: self.model.set_part("last_export", p), refresh=False,
                  done_text=self._t("console.saved", path=str(path)))

    def verify_audit(self) -> None:
        self._run("audit", self.client.audit_verify, lambda v: self.model.set_part("audit", v),
                  refresh=False)

    def refresh(self) -> None:
        self._run("refresh", lambda: None)
