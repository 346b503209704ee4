"""A scripted student at the kiosk's real window: the demo's shown kiosks sit the test by pressing
the same buttons a student presses, one step per beat, so a viewer sees every screen change.

It only presses what is on the screen (language, login, password, Ready, an option card, a typed
number, Next, Submit and Yes, the survey's Skip); the screen's own code does the rest. A person
may click in the window as well: the autopilot looks at the screen afresh on every beat.

Like the headless runner (engine/headless.py) it prints one JSON line per event on stdout —
`confirmed` for each answer the journal holds, `phase` when the screen changes — so the demo can
check that every confirmed answer reached the centre.
"""

from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from typing import Any, TextIO

from PySide6.QtCore import QObject, QTimer

from exam_client.ui.models import Link, Phase


@dataclass(frozen=True)
class Student:
    """Who the autopilot is (the slip's login and password), its choices, and its pace."""

    login: str
    password: str
    seed: int = 0
    beat_ms: int = 800


class Autopilot(QObject):
    """Presses the next button of the sitting on every beat until the sitting is over."""

    FINAL = (Phase.DONE, Phase.REMOVED)

    def __init__(self, window: Any, controller: Any, student: Student, out: TextIO = sys.stdout,
                 parent: QObject | None = None):
        super().__init__(parent or window)
        self.window, self.model = window, window.model
        self._login, self._password, self._seed = student.login, student.password, student.seed
        self._out = out
        self._timer = QTimer(self)
        self._timer.setInterval(max(50, student.beat_ms))
        self._timer.timeout.connect(self.step)
        controller.saved.connect(self._confirmed)
        self.model.phase_changed.connect(self._phase)

    def start(self) -> None:
        self._timer.start()

    def _emit(self, event: str, **fields: Any) -> None:
        self._out.write(json.dumps({"event": event, **fields}, ensure_ascii=False) + "\n")
        self._out.flush()

    def _confirmed(self, item_id: str, seq: int) -> None:
        self._emit("confirmed", seq=seq, item_id=item_id, answer=self.model.answer(item_id))

    def _phase(self, phase: str) -> None:
        self._emit("phase", phase=phase)
        if Phase(phase) in self.FINAL:
            self._timer.stop()

    # --- one beat: look at the screen, press one thing ------------------------------------------

    def step(self) -> None:
        w, phase = self.window, self.model.phase
        if phase is Phase.CONNECTING:
            if self.model.link is Link.ONLINE:
                _press(w.connect_view.continue_button)
        elif phase in (Phase.LOGIN, Phase.LOCKED):
            view = w.login_view
            if not view.login_edit.text():
                view.login_edit.setText(self._login)
            elif not view.password_edit.text():
                view.password_edit.setText(self._password)
            else:
                _press(view.login_button)
        elif phase is Phase.INSTRUCTIONS:
            _press(w.instructions_view.ready_button)
        elif phase is Phase.TEST:
            self._answer_or_turn()
        elif phase is Phase.REVIEW:
            review = w.review_view
            _press(review.yes_button if review.confirm.isVisible() else review.submit_button)
        elif phase is Phase.RESULT:
            _press(w.result_view.continue_button)
        elif phase is Phase.SURVEY:
            _press(w.survey_view.skip_button)

    def _answer_or_turn(self) -> None:
        view = self.window.test_view
        for box in view.boxes:
            if self.model.answer(box.ref.id) is None:
                self._answer(box.ref.id, box.widget)
                return
        _press(view.next_button)

    def _answer(self, item_id: str, widget: Any) -> None:
        rng = random.Random(f"{self._seed}:{item_id}")
        cards = getattr(widget, "cards", None)
        if isinstance(cards, list):  # single or multiple choice: the student clicks a card
            count = rng.randint(1, min(2, widget.max_choices or 2)) if widget.multiple else 1
            for card in rng.sample(cards, count):
                _press(card)
        elif hasattr(widget, "entry"):  # a typed answer: type it, then Save
            widget.entry.setText(str(rng.randint(0, 100)))
            widget.entry.textEdited.emit(widget.entry.text())
            _press(widget.save_button)
        else:  # a kind this student does not know: left to a person, the page turns
            _press(self.window.test_view.next_button)


def _press(button: Any) -> None:
    """A click as the screen sees it (pressed, released, clicked), only when a person could."""
    if button.isVisible() and button.isEnabled():
        button.click()
