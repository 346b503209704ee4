"""Every kiosk screen, drawn offscreen in kk, ru and en: `docs/screenshots/kiosk-<screen>-<lang>.png`.

The screens are the real window and views, fed a made-up sitting (`sample_exam`) through the
model, exactly as the controller feeds them; no server is needed.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from common.i18n import LANGUAGES
from common.qt_messages import without_offscreen_noise

SETTLE_TURNS = 8


def _survey_questions() -> list[dict]:
    from common.content.questionnaire import shipped

    return shipped("student", "school").for_kiosk()


def scenes() -> list[tuple[str, Callable]]:
    """(name, set-up) pairs; each set-up puts the model (and window) into one screen's state."""
    from exam_client.ui.models import Link, Phase
    from exam_client.ui.sample_exam import sample_content, sample_student

    def sitting(model, lang, page=0, answers=None, flags=(), remaining=63 * 60 + 21):
        model.load_exam(sample_content(lang), sample_student(lang), answers or {}, set(flags), page)
        model.set_link(Link.ONLINE, 0)
        model.set_clock(remaining)
        model.open_references(None)
        model.set_phase(Phase.TEST)

    def answered(lang):
        return {"r1": "a", "r2": ["a", "b"]}

    def more(lang):
        return {**answered(lang), "r4": ["b", "c", "a"], "m1": "6", "m3": [["L1", "R2"], ["L2", "R1"]],
                "m4": {"g1": "b"}, "s2": {"G1": "W1"}, "s3": [["A", "C"]]}

    def connect(model, window, lang):
        model.set_room({"room_id": "R190745-12", "open": True}, Link.ONLINE)
        model.set_phase(Phase.CONNECTING)

    def login(model, window, lang):
        model.interrupted = False
        model.set_login(False, None)
        model.set_phase(Phase.LOGIN)
        window.login_view.login_edit.setText("12-007")

    def login_error(model, window, lang):
        login(model, window, lang)
        model.set_login(False, "kiosk.error.unauthorized")

    def lock(model, window, lang):
        model.interrupted = True
        model.set_login(False, None)
        model.set_phase(Phase.LOCKED)
        model.interrupted = False

    def instructions(model, window, lang):
        model.set_phase(Phase.INSTRUCTIONS)

    def waiting(model, window, lang):
        model.set_link(Link.ONLINE)
        model.set_phase(Phase.WAITING)

    def group(model, window, lang):
        sitting(model, lang, 0, answered(lang), flags=("m2",))

    def page(index, warn=False, flags=()):
        def setup(model, window, lang):
            sitting(model, lang, index, more(lang), flags=flags,
                    remaining=4 * 60 + 37 if warn else 63 * 60 + 21)
            if warn:
                model.set_link(Link.OFFLINE, 3)
        return setup

    def paused(model, window, lang):
        sitting(model, lang, 0, answered(lang))
        model.events.set_paused({"since": "2026-04-15T05:12:00+00:00", "reason": "power",
                                 "note": {"kk": "Жарық өшті", "ru": "Отключили свет",
                                          "en": "The power went off"}[lang]})
        model.set_phase(Phase.PAUSED)

    def message(model, window, lang):
        sitting(model, lang, 3, more(lang))
        model.events.set_read_aloud(True)
        model.events.set_messages([{"id": 1, "at": "2026-04-15T05:40:00+00:00", "to_room": True,
                                    "text": {"kk": "10 минут қалды. Жауаптарыңызды тексеріңіз.",
                                             "ru": "Осталось 10 минут. Проверьте ответы.",
                                             "en": "10 minutes left. Check your answers."}[lang]}])

    def larger(model, window, lang):
        sitting(model, lang, 0, answered(lang))
        model.step_text_size(2)

    def contrast(model, window, lang):
        sitting(model, lang, 4, more(lang))
        model.set_high_contrast(True)

    def periodic(model, window, lang):
        sitting(model, lang, 6, more(lang))
        model.open_references("periodic")
        table = window.test_view.references.periodic.table
        table.setCurrentCell(3, 7)  # Fe

    def solubility(model, window, lang):
        sitting(model, lang, 6, more(lang))
        model.open_references("solubility")
        table = window.test_view.references.solubility.table
        table.setCurrentCell(5, 7)  # BaSO4

    def unsupported(model, window, lang):
        content = sample_content(lang)
        content["sections"][1]["items"].insert(1, {
            "id": "x1", "type": "hotspot", "prompt": content["sections"][1]["items"][1]["prompt"],
            "points": 1})
        model.load_exam(content, sample_student(lang), {}, set(), 3)
        model.set_link(Link.ONLINE, 0)
        model.set_clock(40 * 60)
        model.set_phase(Phase.TEST)

    def review(model, window, lang):
        sitting(model, lang, 9, more(lang), flags=("m2", "s3"))
        model.set_phase(Phase.REVIEW)
        window.review_view.ask()

    def submitting(model, window, lang):
        model.set_notice("kiosk.notice.time_over")
        model.set_link(Link.OFFLINE, 2)
        model.set_phase(Phase.SUBMITTING)

    def result(model, window, lang):
        model.set_notice(None)
        model.set_result({"status": "submitted", "score": 4.0, "max_score": 6.0, "percent": 66.7})
        model.set_phase(Phase.RESULT)

    def survey(model, window, lang):
        model.survey_answers.clear()
        model.set_survey("ready", _survey_questions())
        model.set_survey_answer("lessons_interesting", 4)
        model.set_survey_answer("feel_safe", 5)
        model.set_phase(Phase.SURVEY)

    def done(model, window, lang):
        model.set_phase(Phase.DONE)

    def removed(model, window, lang):
        model.set_phase(Phase.REMOVED)

    return [("connect", connect), ("login", login), ("login-error", login_error), ("lock", lock),
            ("instructions", instructions), ("waiting", waiting),
            ("item-passage-group", group), ("item-ordering", page(1)),
            ("item-table-numeric", page(2)), ("item-single-warning", page(3, warn=True, flags=("m2",))),
            ("item-matching", page(4)), ("item-inline-choice", page(5)),
            ("item-single-solubility", page(6)), ("item-gap-match", page(7)),
            ("item-association", page(8)), ("item-picture", page(9)),
            ("item-larger-text", larger), ("item-high-contrast", contrast),
            ("item-unsupported", unsupported), ("references-periodic", periodic),
            ("references-solubility", solubility), ("review", review),
            ("submitting", submitting), ("result", result), ("survey", survey), ("done", done),
            ("removed", removed), ("paused", paused), ("item-message-read-aloud", message)]


def render_screenshots(out_dir: Path, only: set[str] | None = None,
                       size: tuple[int, int] | None = None,
                       languages: tuple[str, ...] = LANGUAGES) -> list[Path]:
    """Draw every scene in every language at a screen size (the lab's usual 1366×768 unless
    told); return the PNGs written."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from exam_client.ui.app import KioskWindow, application
    from exam_client.ui.models import KioskModel
    from exam_client.ui.views.style import WINDOW_SIZE

    size = size or WINDOW_SIZE

    app = application()
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with without_offscreen_noise():
        for name, setup in scenes():
            if only is not None and name not in only:
                continue
            for lang in languages:
                model = KioskModel("07", lang)
                window = KioskWindow(model, kiosk_mode=False)
                window.resize(*size)
                window.show()
                setup(model, window, lang)
                for _ in range(SETTLE_TURNS):
                    app.processEvents()
                view = window.current_view()
                if hasattr(view, "focus_first"):
                    view.focus_first()
                for _ in range(2):
                    app.processEvents()
                path = out_dir / f"kiosk-{name}-{lang}.png"
                if not window.grab().save(str(path)):
                    raise OSError(f"could not write {path}")
                written.append(path)
                window.allow_close()
                window.close()
                window.deleteLater()
                app.processEvents()
    return written
