"""The test: one page at a time (an item, or the items of one passage), the timer always in view.

┌ name · seat ........................... ○ offline   [◷ 01:12:34] ┐
│ section title            [A−][A+][◐] [Periodic table][Solubility] │
├ passage / table (left)   │  3  ⚑ flag        item 3 (right)          │
│                          │  prompt, option cards, ✓ saved          │
├ [1][2][3✓][4⚑] ... navigation strip ................................┤
└ [← Back]                       [Review and submit]      [Next →]  ┘

A view only: it reads the `KioskModel` when the model says something changed and emits what the
student asks for. Keyboard: Tab moves through everything, A/B/C or 1/2/3 choose an option,
PageDown/PageUp (or Ctrl+→/Ctrl+←) turn pages, Ctrl+= / Ctrl+− change the text size.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QStackedWidget, QWidget

from common.i18n import t
from exam_client.ui.item_widgets import ItemWidget, widget_for
from exam_client.ui.models import ItemRef, KioskModel, Link, Page, SaveState, format_clock
from exam_client.ui.references.references_view import ReferencesView
from exam_client.ui.views.context_view import ContextView
from exam_client.ui.views.flow_layout import FlowLayout
from exam_client.ui.views.style import (
    CLOCK_GLYPH,
    FLAG_GLYPH,
    OFFLINE_GLYPH,
    SAVED_GLYPH,
    WARN_GLYPH,
    button,
    hbox,
    label,
    set_prop,
    vbox,
)


class ItemBox(QFrame):
    """One item on its page: its number, the flag, the item's widget, and whether it is saved.

    Signals:
        flag_toggled(str, bool): the student flagged (True) or unflagged the item.
        draft(str, bool): typed text of the item is (not) waiting to be saved.
    """

    flag_toggled = Signal(str, bool)
    draft = Signal(str, bool)

    def __init__(self, ref: ItemRef, lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ref = ref
        self.lang = lang
        self.setObjectName(f"itemBox.{ref.id}")
        self.setProperty("role", "panel")
        self.number_label = label("itemNumber", "heading", wrap=False)
        self.flag_button = button("flagButton", "flag")
        self.flag_button.setCheckable(True)
        self.widget: ItemWidget = widget_for(ref.item, lang)
        self.status_label = label("saveStatus")
        self.status_label.setProperty("save", "none")
        top = hbox()
        top.addWidget(self.number_label)
        top.addStretch(1)
        top.addWidget(self.flag_button)
        layout = vbox(self, margins=16, spacing=10)
        layout.addLayout(top)
        layout.addWidget(self.widget)
        layout.addWidget(self.status_label)
        self._drafting = False
        self.flag_button.toggled.connect(lambda on: self.flag_toggled.emit(self.ref.id, on))
        self.widget.draft_changed.connect(self._draft_changed)

    def _draft_changed(self, dirty: bool) -> None:
        self._drafting = dirty
        self.draft.emit(self.ref.id, dirty)

    def show_state(self, model: KioskModel) -> None:
        lang = self.lang
        item_id = self.ref.id
        self.number_label.setText(t("kiosk.test.item_number", lang, number=self.ref.number))
        flagged = model.is_flagged(item_id)
        if self.flag_button.isChecked() != flagged:
            self.flag_button.blockSignals(True)
            self.flag_button.setChecked(flagged)
            self.flag_button.blockSignals(False)
        self.flag_button.setText(f"{FLAG_GLYPH} " + t(
            "kiosk.test.flagged" if flagged else "kiosk.test.flag", lang))
        self.flag_button.setAccessibleName(t("kiosk.test.flag", lang))
        if not self._drafting:  # typed text waiting for Enter is the student's, not the model's
            self.widget.set_answer(model.answer(item_id))
        self.show_save(model)

    def show_save(self, model: KioskModel) -> None:
        state = model.save_state(self.ref.id)
        if self._drafting:
            text, look = f"✎ {t('kiosk.test.draft', self.lang)}", "none"
        elif state is SaveState.FAILED:
            text, look = f"{WARN_GLYPH} {t('kiosk.test.not_saved', self.lang)}", "failed"
        elif model.is_answered(self.ref.id):
            text, look = f"{SAVED_GLYPH} {t('kiosk.test.saved', self.lang)}", "saved"
        else:
            text, look = t("kiosk.test.no_answer", self.lang), "none"
        self.status_label.setText(text)
        set_prop(self.status_label, "save", look)


class NavStrip(QWidget):
    """One numbered button per item: the current one outlined, answered filled, flagged ⚑.

    Signals:
        item_chosen(str): the student chose an item by its number.
    """

    item_chosen = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("navStrip")
        self.flow = FlowLayout(self, spacing=5)
        self.buttons: dict[str, Any] = {}

    def rebuild(self, refs: list[ItemRef]) -> None:
        for b in self.buttons.values():
            self.flow.removeWidget(b)
            b.deleteLater()
        self.buttons = {}
        for ref in refs:
            b = button(f"nav.{ref.number}", "nav")
            b.clicked.connect(lambda _=False, i=ref.id: self.item_chosen.emit(i))
            self.flow.addWidget(b)
            self.buttons[ref.id] = b
        self.updateGeometry()

    def show_state(self, model: KioskModel) -> None:
        lang = model.language
        page = model.page_index
        for ref in model.refs:
            b = self.buttons.get(ref.id)
            if b is None:
                continue
            answered, flagged = model.is_answered(ref.id), model.is_flagged(ref.id)
            current = ref.page == page
            b.setText(f"{ref.number}{FLAG_GLYPH}" if flagged else str(ref.number))
            words = [t("kiosk.test.item_number", lang, number=ref.number),
                     t("kiosk.nav.answered" if answered else "kiosk.nav.unanswered", lang)]
            if flagged:
                words.append(t("kiosk.nav.flagged", lang))
            if current:
                words.append(t("kiosk.nav.current", lang))
            b.setAccessibleName(", ".join(words))
            b.setToolTip(", ".join(words))
            for name, value in (("answered", answered), ("flagged", flagged), ("current", current)):
                set_prop(b, name, value)


class TestView(QWidget):
    """The test screen.

    Signals:
        answer_given(str, object): an item's answer changed (item id, value).
        flag_toggled(str, bool): flag or unflag an item.
        page_requested(int): show this page.
        review_requested: show the review screen.
        text_size_requested(int): +1 larger, −1 smaller.
        contrast_toggled(bool): high contrast on or off.
        references_requested(object): "periodic", "solubility", or None to go back to the item.
        hand_toggled(bool): the student raised (True) or lowered the hand.
    """

    answer_given = Signal(str, object)
    flag_toggled = Signal(str, bool)
    page_requested = Signal(int)
    review_requested = Signal()
    text_size_requested = Signal(int)
    contrast_toggled = Signal(bool)
    references_requested = Signal(object)
    hand_toggled = Signal(bool)

    def __init__(self, model: KioskModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("testView")
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.boxes: list[ItemBox] = []
        self.context_view: ContextView | None = None
        self._shown_page: tuple[int, str] | None = None
        self._build()
        self._shortcuts()
        model.exam_changed.connect(self._exam_changed)
        model.page_changed.connect(lambda _: self._show_page())
        model.answer_changed.connect(self._answer_changed)
        model.flag_changed.connect(self._answer_changed)
        model.clock_changed.connect(self._show_clock)
        model.room_changed.connect(self._show_link)
        model.language_changed.connect(lambda _: self._relabel())
        model.references_changed.connect(self._show_references)
        model.notice_changed.connect(self._show_notice)
        model.hand_changed.connect(self._show_hand)
        self._relabel()

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.who_label = label("who", "muted")
        self.offline_label = label("offline", "offline", wrap=False)
        self.offline_label.hide()
        self.hand_button = button("raiseHand", "flag")
        self.hand_button.setCheckable(True)
        self.clock_label = label("clock", wrap=False)
        self.clock_label.setProperty("level", 0)
        self.clock_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.section_label = label("section", "heading")
        self.smaller_button = button("textSmaller", "small")
        self.larger_button = button("textLarger", "small")
        self.contrast_button = button("contrast", "small")
        self.contrast_button.setCheckable(True)
        self.periodic_button = button("periodicButton", "small")
        self.solubility_button = button("solubilityButton", "small")
        self.notice_label = label("notice", "notice")
        self.notice_label.hide()

        first = hbox()
        first.addWidget(self.who_label, 1)
        first.addWidget(self.offline_label)
        first.addWidget(self.hand_button)
        first.addWidget(self.clock_label)
        second = hbox(spacing=6)
        second.addWidget(self.section_label, 1)
        for b in (self.smaller_button, self.larger_button, self.contrast_button,
                  self.periodic_button, self.solubility_button):
            second.addWidget(b, 0, Qt.AlignmentFlag.AlignTop)
        header = QWidget()
        header.setObjectName("testHeader")
        header.setProperty("role", "header")
        header.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        head = vbox(header, margins=10, spacing=4)
        head.addLayout(first)
        head.addLayout(second)

        # the page: context on the left, the items on the right
        self.page_host = QWidget()
        self.page_host.setObjectName("pageHost")
        self.page_layout = QHBoxLayout(self.page_host)
        self.page_layout.setContentsMargins(0, 0, 0, 0)
        self.page_layout.setSpacing(14)
        self.items_scroll = QScrollArea()
        self.items_scroll.setObjectName("itemsScroll")
        self.items_scroll.setWidgetResizable(True)
        self.items_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.items_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.page_layout.addWidget(self.items_scroll, 1)

        self.references = ReferencesView(self.model.language)
        self.body = QStackedWidget()
        self.body.setObjectName("testBody")
        self.body.addWidget(self.page_host)
        self.body.addWidget(self.references)

        self.nav = NavStrip()
        self.prev_button = button("previousPage")
        self.review_button = button("reviewButton")
        self.next_button = button("nextPage", "primary")
        footer = hbox(spacing=12)
        footer.addWidget(self.prev_button)
        footer.addStretch(1)
        footer.addWidget(self.review_button)
        footer.addWidget(self.next_button)

        content = vbox(margins=14, spacing=10)
        content.addWidget(self.notice_label)
        content.addWidget(self.body, 1)
        content.addWidget(self.nav)
        content.addLayout(footer)
        outer = vbox(self, spacing=0)
        outer.addWidget(header)
        outer.addLayout(content, 1)

        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(self._next)
        self.review_button.clicked.connect(self._review)
        self.nav.item_chosen.connect(self._go_to_item)
        self.smaller_button.clicked.connect(lambda: self.text_size_requested.emit(-1))
        self.larger_button.clicked.connect(lambda: self.text_size_requested.emit(1))
        self.contrast_button.toggled.connect(self.contrast_toggled)
        self.hand_button.toggled.connect(self.hand_toggled)
        self.periodic_button.clicked.connect(lambda: self.references_requested.emit("periodic"))
        self.solubility_button.clicked.connect(lambda: self.references_requested.emit("solubility"))
        self.references.table_requested.connect(lambda which: self.references_requested.emit(which))
        self.references.back_requested.connect(lambda: self.references_requested.emit(None))

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (("PgDown", "Ctrl+Right"), self._next),
            (("PgUp", "Ctrl+Left"), lambda: self._turn(-1)),
            (("Ctrl+=", "Ctrl++"), lambda: self.text_size_requested.emit(1)),
            (("Ctrl+-",), lambda: self.text_size_requested.emit(-1)),
        ):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                shortcut.setContext(context)
                shortcut.activated.connect(slot)

    # --- what the student asks ------------------------------------------------------------------

    def commit_drafts(self) -> None:
        """Send every typed answer of the page that is not sent yet."""
        for box in self.boxes:
            box.widget.commit()

    def _turn(self, step: int) -> None:
        self.commit_drafts()
        target = self.model.page_index + step
        if 0 <= target < len(self.model.pages):
            self.page_requested.emit(target)

    def _next(self) -> None:
        if self.model.page_index >= len(self.model.pages) - 1:
            self._review()
        else:
            self._turn(1)

    def _review(self) -> None:
        self.commit_drafts()
        self.review_requested.emit()

    def _go_to_item(self, item_id: str) -> None:
        self.commit_drafts()
        self.page_requested.emit(self.model.ref(item_id).page)

    # --- what the view shows --------------------------------------------------------------------

    def _relabel(self) -> None:
        lang = self.model.language
        self.prev_button.setText("← " + t("kiosk.test.previous", lang))
        self.next_button.setText(t("kiosk.test.next", lang) + " →")
        self.review_button.setText(t("kiosk.test.review", lang))
        self.smaller_button.setText("A−")
        self.smaller_button.setAccessibleName(t("kiosk.test.smaller", lang))
        self.smaller_button.setToolTip(t("kiosk.test.smaller", lang))
        self.larger_button.setText("A+")
        self.larger_button.setAccessibleName(t("kiosk.test.larger", lang))
        self.larger_button.setToolTip(t("kiosk.test.larger", lang))
        self.contrast_button.setText("◐")
        self.contrast_button.setAccessibleName(t("kiosk.test.contrast", lang))
        self.contrast_button.setToolTip(t("kiosk.test.contrast", lang))
        self.periodic_button.setText(t("kiosk.ref.periodic_short", lang))
        self.periodic_button.setAccessibleName(t("kiosk.ref.periodic", lang))
        self.solubility_button.setText(t("kiosk.ref.solubility_short", lang))
        self.solubility_button.setAccessibleName(t("kiosk.ref.solubility", lang))
        self.references.set_language(lang)
        self._show_hand()
        self._shown_page = None
        self._show_page()
        self._show_clock()
        self._show_link()
        self._show_notice()
        self._show_references()

    def _exam_changed(self) -> None:
        self.nav.rebuild(self.model.refs)
        # The specification names the tables allowed (§20); content without the key allows both.
        tables = self.model.content.get("reference_tables")
        allowed = {"periodic", "solubility"} if tables is None else {
            {"periodic_table": "periodic", "solubility_table": "solubility"}.get(x, x) for x in tables}
        self.periodic_button.setVisible("periodic" in allowed)
        self.solubility_button.setVisible("solubility" in allowed)
        self._shown_page = None
        self._show_page()

    def _show_page(self) -> None:
        model = self.model
        page = model.page
        lang = model.language
        student = model.student
        if student:
            self.who_label.setText(t("kiosk.test.who", lang, name=student.get("full_name", ""),
                                     seat=student.get("seat", model.workstation_id)))
        if page is None:
            return
        key = (page.index, lang)
        if key != self._shown_page:
            self._build_page(page, lang)
            self._shown_page = key
        total = len(model.pages)
        section = page.section
        self.section_label.setText(t("kiosk.test.section", lang, title=section.get("title", ""),
                                     first=page.numbers[0], last=page.numbers[-1],
                                     total=len(model.refs)) if len(page.numbers) > 1 else
                                   t("kiosk.test.section_one", lang, title=section.get("title", ""),
                                     number=page.numbers[0], total=len(model.refs)))
        self.prev_button.setEnabled(page.index > 0)
        last = page.index >= total - 1
        self.next_button.setText(t("kiosk.test.review" if last else "kiosk.test.next", lang)
                                 + ("" if last else " →"))
        self.review_button.setVisible(not last and model.references is None)
        for box in self.boxes:
            box.show_state(model)
        self.nav.show_state(model)

    def _build_page(self, page: Page, lang: str) -> None:
        old = self.items_scroll.takeWidget()
        if old is not None:
            old.deleteLater()
        if self.context_view is not None:
            self.page_layout.removeWidget(self.context_view)
            self.context_view.deleteLater()
            self.context_view = None
        if page.context:
            self.context_view = ContextView(page.context, lang)
            self.page_layout.insertWidget(0, self.context_view, 1)
        host = QWidget()
        host.setObjectName("itemsHost")
        layout = vbox(host, spacing=14)
        self.boxes = []
        for number, item in zip(page.numbers, page.items):
            box = ItemBox(self.model.ref(str(item["id"])), lang)
            box.widget.answer_edited.connect(
                lambda value, i=str(item["id"]): self.answer_given.emit(i, value))
            box.flag_toggled.connect(self.flag_toggled)
            box.draft.connect(lambda _i, _dirty, b=box: b.show_save(self.model))
            layout.addWidget(box)
            self.boxes.append(box)
        layout.addStretch(1)
        self.items_scroll.setWidget(host)
        # Tab order: the options of the items first, then the strip and the page buttons.
        if self.boxes and self.isVisible() and self.model.references is None:
            self.boxes[0].widget.focus_first()

    def box(self, item_id: str) -> ItemBox | None:
        return next((b for b in self.boxes if b.ref.id == item_id), None)

    def _answer_changed(self, item_id: str) -> None:
        box = self.box(item_id)
        if box is not None:
            box.show_state(self.model)
        self.nav.show_state(self.model)

    def _show_clock(self) -> None:
        remaining = self.model.remaining
        lang = self.model.language
        if remaining is None:
            self.clock_label.setText(f"{CLOCK_GLYPH} --:--")
            return
        clock = format_clock(remaining)
        self.clock_label.setText(f"{CLOCK_GLYPH} {clock}")
        level = min(self.model.level, 3)
        words = t("kiosk.test.time_left", lang, time=clock)
        if level:
            words += ". " + t("kiosk.test.time_warning", lang, minutes=max(1, int(remaining // 60) + 1))
        self.clock_label.setAccessibleName(words)
        self.clock_label.setToolTip(words)
        set_prop(self.clock_label, "level", level)

    def _show_link(self) -> None:
        model = self.model
        offline = model.link in (Link.OFFLINE, Link.UNTRUSTED)
        self.offline_label.setVisible(offline)
        if offline:
            self.offline_label.setText(f"{OFFLINE_GLYPH} " + t("kiosk.test.offline", model.language))
            self.offline_label.setToolTip(t("kiosk.test.offline_detail", model.language,
                                            pending=model.pending))

    def _show_hand(self) -> None:
        raised = self.model.hand_raised
        lang = self.model.language
        if self.hand_button.isChecked() != raised:
            self.hand_button.blockSignals(True)
            self.hand_button.setChecked(raised)
            self.hand_button.blockSignals(False)
        self.hand_button.setText("☝ " + t("kiosk.test.hand_raised" if raised else "kiosk.test.hand", lang))
        self.hand_button.setAccessibleName(t("kiosk.test.hand", lang))

    def _show_notice(self) -> None:
        key = self.model.notice
        self.notice_label.setVisible(key is not None)
        if key is not None:
            self.notice_label.setText(f"{WARN_GLYPH} {t(key, self.model.language)}")

    def _show_references(self) -> None:
        which = self.model.references
        # The tables take the room of the strip and the page buttons; the clock stays in view.
        for widget in (self.nav, self.prev_button, self.review_button, self.next_button):
            widget.setVisible(which is None)
        if which is None:
            self._show_page()
            self.body.setCurrentWidget(self.page_host)
            self.periodic_button.setEnabled(True)
            self.solubility_button.setEnabled(True)
            if self.boxes and self.isVisible():
                self.boxes[0].widget.focus_first()
        else:
            self.references.show_table(which)
            self.body.setCurrentWidget(self.references)
            if self.isVisible():
                self.references.focus_table()

    def focus_first(self) -> None:
        if self.model.references is not None:
            self.references.focus_table()
        elif self.boxes:
            self.boxes[0].widget.focus_first()

    def set_look(self, contrast: bool) -> None:
        if self.contrast_button.isChecked() != contrast:
            self.contrast_button.blockSignals(True)
            self.contrast_button.setChecked(contrast)
            self.contrast_button.blockSignals(False)
