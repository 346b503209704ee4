"""What the desk asks the proctor before it says what they want: the files to open or save, the
dialogs of admission, the incidents and the acts, and the confirmations that say, in plain words,
what will happen. Each ends, on OK, in one of the window's intents (its signals); Cancel ends in
nothing.

Dialogs open window-modal and never block, so tests and screen readers drive them
(`current_dialog` is the one open).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

from PySide6.QtWidgets import QFileDialog, QMainWindow, QWidget

from common.i18n import t
from proctor_console.desk.dialogs import (
    AbsenceDialog,
    ConfirmDialog,
    ConfiscationDialog,
    DeskDialog,
    ExtendDialog,
    HeadRegisterDialog,
    HeadVisitDialog,
    ImpostorDialog,
    MoveDialog,
    NoteDialog,
)
from proctor_console.desk.model import DeskModel
from proctor_console.desk.pages.page import student_line
from proctor_console.desk.room_map.model import SeatInfo, SeatState


class FileChooser:
    """Where files come from and go to; a test or a script puts its own in place."""

    def __init__(self, parent: QWidget, start_dir: Path):
        self.parent = parent
        self.start_dir = start_dir

    def open_file(self, caption: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(self.parent, caption, str(self.start_dir), filters)
        return Path(path) if path else None

    def save_file(self, caption: str, suggested: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(self.parent, caption,
                                              str(self.start_dir / suggested), filters)
        return Path(path) if path else None


class DeskPrompts:
    """The desk window's questions to the proctor.

    `window` is the `DeskWindow`: the dialogs' parent, whose `model` they read, whose `chooser`
    picks files, and whose signals (the proctor's intents) they emit.
    """

    def __init__(self, window: QMainWindow):
        self.window = window
        self.current_dialog: DeskDialog | None = None

    @property
    def model(self) -> DeskModel:
        return self.window.model

    @property
    def chooser(self) -> FileChooser:
        return self.window.chooser

    def _t(self, key: str, **params: Any) -> str:
        return t(key, self.model.language, **params)

    # --- files and confirmations ----------------------------------------------------------------

    def choose_package(self) -> None:
        path = self.chooser.open_file(self._t("console.import.package_button"),
                                      "BBZhM package (*.cbtpkg);;All files (*)")
        if path:
            self.window.package_chosen.emit(path)

    def choose_roster(self) -> None:
        path = self.chooser.open_file(self._t("console.import.primary"),
                                      "CSV, XLSX (*.csv *.xlsx *.txt);;All files (*)")
        if path:
            self.window.roster_chosen.emit(path)

    def _suggest(self, stem: str, ext: str) -> str:
        room = self.model.room.header().get("room_no") or "room"
        return f"{stem}-{room}-{self.model.language}.{ext}"

    def save_seating(self) -> None:
        path = self.chooser.save_file(self._t("console.seating.save_sheet"),
                                      self._suggest("seating", "pdf"), "PDF (*.pdf)")
        if path:
            self.window.seating_requested.emit(path)

    def save_slips(self) -> None:
        path = self.chooser.save_file(self._t("console.seating.primary"),
                                      self._suggest("slips", "pdf"), "PDF (*.pdf)")
        if path:
            self.window.slips_requested.emit(path)

    def reissue(self, code: str) -> None:
        info = self.model.room.seat(code)
        if info is None:
            return
        self._confirm(self._t("console.reissue.title"),
                      [student_line(info, self.model.language), self._t("console.reissue.effect")],
                      self._t("console.reissue.ok"), lambda: self.window.reissue_requested.emit(code),
                      danger=False)

    def start(self, code: str) -> None:
        """Confirm the start (what opening the room means, with the attendance), then ask for it."""
        code = code.strip()
        if not code:
            self.model.say("error", self._t("console.start.need_code"))
            return
        c = self.model.room.counts()
        self._confirm(self._t("console.start.confirm_title"),
                      [self._t("console.start.summary", present=c.present, absent=c.absent,
                               not_admitted=c.not_admitted, expected=c.expected, total=c.total),
                       self._t("console.start.effect")],
                      self._t("console.start.primary"), lambda: self.window.start_requested.emit(code),
                      danger=False)

    def seal(self) -> None:
        c = self.model.room.counts()
        lines = [self._t("console.end.summary", total=c.total, submitted=c.submitted,
                         sitting=c.sitting, voided=c.voided, absent=c.absent,
                         not_admitted=c.not_admitted), self._t("console.end.seal_effect")]
        self._confirm(self._t("console.end.seal_title"), lines, self._t("console.end.primary"),
                      self.window.seal_requested.emit, danger=c.sitting > 0)

    def save_bundle(self) -> None:
        bundle = self.model.bundle
        suggested = Path(bundle["path"]).name if bundle else "results.cbtbundle"
        path = self.chooser.save_file(self._t("console.end.usb"), suggested, "Bundle (*.cbtbundle)")
        if path:
            self.window.bundle_save_requested.emit(path)

    def export(self, fmt: str) -> None:
        path = self.chooser.save_file(self._t(f"console.end.{fmt}"), self._suggest("results", fmt),
                                      f"{fmt.upper()} (*.{fmt})")
        if path:
            self.window.export_requested.emit(fmt, path)

    def save_act(self, number: str | None, lang: str) -> None:
        if not number:
            return
        path = self.chooser.save_file(self._t(f"console.end.act_{lang}"), f"act-{number}-{lang}.pdf",
                                      "PDF (*.pdf)")
        if path:
            self.window.act_pdf_requested.emit(number, lang, path)

    # --- dialogs --------------------------------------------------------------------------------

    def show(self, dialog: DeskDialog, on_ok: Callable[[dict[str, Any]], None]) -> DeskDialog:
        """Open a dialog of another part of the desk (room_actions.py) like the prompts' own."""
        return self._open(dialog, on_ok)

    def _open(self, dialog: DeskDialog, on_ok: Callable[[dict[str, Any]], None]) -> DeskDialog:
        self.current_dialog = dialog

        def accepted() -> None:
            self.current_dialog = None
            on_ok(dialog.values())

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(lambda: setattr(self, "current_dialog", None))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _confirm(self, title: str, lines: list[str], ok_text: str, then: Callable[[], None],
                 danger: bool = True) -> None:
        dialog = ConfirmDialog(title, lines, ok_text, self.model.language, self.window, danger=danger)
        self._open(dialog, lambda _: then())

    def _student(self, code: str) -> tuple[SeatInfo | None, str]:
        info = self.model.room.seat(code)
        return info, student_line(info, self.model.language)

    def open_absence(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        self._open(AbsenceDialog(line, self.model.language, self.window),
                   lambda v: self.window.mark_requested.emit(code, "absent", v["reason"]))

    def open_act1(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        proctor = self.model.proctor or {}
        lang = self.model.language

        def confirm(values: dict[str, Any]) -> None:
            items = "; ".join(f"{i['name']} {i['brand']} ×{i['count']}".replace("  ", " ")
                              for i in values["items"])
            self._confirm(self._t("console.act1.confirm_title"),
                          [line, self._t("console.act1.confirm_items", items=items),
                           self._t("console.act1.effect")],
                          self._t("console.act1.confirm_ok"),
                          lambda: self.window.act1_requested.emit(code, values["items"],
                                                           values["drawn_up_by"]))

        self._open(ConfiscationDialog(line, proctor.get("full_name", ""), lang, self.window), confirm)

    def open_act2(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        during = info.state is SeatState.SITTING

        def confirm(values: dict[str, Any]) -> None:
            effect = ("console.act2.effect_during" if values["stage"] == "during_test"
                      else "console.act2.effect_entry")
            self._confirm(self._t("console.act2.confirm_title"),
                          [line, self._t("console.act2.confirm_person",
                                         full_name=values["impostor_full_name"]),
                           self._t(effect)],
                          self._t("console.act2.confirm_ok"),
                          lambda: self.window.act2_requested.emit(code, values["impostor_full_name"],
                                                           values["stage"]))

        self._open(ImpostorDialog(line, during, self.model.language, self.window), confirm)

    def open_extend(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        self._open(ExtendDialog(line, self.model.language, self.window),
                   lambda v: self.window.extend_requested.emit(code, v["minutes"], v["reason"]))

    def open_move(self, code: str) -> None:
        info, line = self._student(code)
        if info is None:
            return
        spares = [w["workstation_id"] for w in self.model.room.spares()]

        def confirm(values: dict[str, Any]) -> None:
            effect = ("console.move.effect_sitting" if info.state is SeatState.SITTING
                      else "console.move.effect")
            self._confirm(self._t("console.move.title"),
                          [line, self._t("console.move.to", seat=values["seat"]), self._t(effect)],
                          self._t("console.move.ok"),
                          lambda: self.window.move_requested.emit(code, values["seat"], values["reason"]),
                          danger=False)

        self._open(MoveDialog(line, spares, self.model.language, self.window), confirm)

    def open_note(self, code: str | None) -> None:
        line = self._student(code)[1] if code else None
        self._open(NoteDialog(line, self.model.language, self.window),
                   lambda v: self.window.note_requested.emit(v["text"], code))

    def open_head_visit(self) -> None:
        self._open(HeadVisitDialog(self.model.language, self.window),
                   lambda v: self.window.head_visit_requested.emit(v["login"], v["pin"], v["direction"]))

    def open_head_register(self) -> None:
        self._open(HeadRegisterDialog(self.model.language, self.window),
                   lambda v: self.window.head_register_requested.emit(v["login"], v["full_name"], v["pin"]))
