"""The test: one page at a time (an item, or the items of one passage), the timer always in view.

┌ TestHeader: name · seat, offline, hand, ◷ clock; section, A− A+ ◐, reference tables ┐
├ passage / table (left)   │  3  ⚑ flag        item 3 (right)                             │
│                          │  prompt, option cards, ✓ saved                             │
├ [1][2][3✓][4⚑] ... navigation strip (NavStrip) .........................................┤
└ [← Back]                       [Review and submit]                         [Next →]  ┘

A view only: it reads the `KioskModel` when the model says something changed and emits what the
student asks for. Keyboard: Tab moves through everything, A/B/C or 1/2/3 choose an option,
PageDown/PageUp (or Ctrl+→/Ctrl+←) turn pages, Ctrl+= / Ctrl+− change the text size.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QFrame, QHBoxLayout, QScrollArea, QStackedWidget, QWidget

from common.i18n import t
from exam_client.ui.models import KioskModel, Page
from exam_client.ui.references.references_view import ReferencesView
from exam_client.ui.views.context_view import ContextView
from exam_client.ui.views.item_box import ItemBox, MessageBar
from exam_client.ui.views.nav_strip import NavStrip
from exam_client.ui.views.style import WARN_GLYPH, button, hbox, label, vbox
from exam_client.ui.views.test_header import TestHeader

# A passage and its items side by side need this many letters' heights of width each (about 45
# characters of Kazakh text a line); narrower, they are stacked.
PANE_EMS = 22
PAGE_MARGIN = 14


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
        read_requested(str): read this item aloud (its id).
        message_closed(int): the student closed the representative's message (its id).
    """

    answer_given = Signal(str, object)
    flag_toggled = Signal(str, bool)
    page_requested = Signal(int)
    review_requested = Signal()
    text_size_requested = Signal(int)
    contrast_toggled = Signal(bool)
    references_requested = Signal(object)
    hand_toggled = Signal(bool)
    read_requested = Signal(str)
    message_closed = Signal(int)

    def __init__(self, model: KioskModel, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = model
        self.setObjectName("testView")
        self.setProperty("screen", True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.boxes: list[ItemBox] = []
        self.context_view: ContextView | None = None
        self._stacked = False
        self._shown_page: tuple[int, str] | None = None
        self._build()
        self._shortcuts()
        model.exam_changed.connect(self._exam_changed)
        model.page_changed.connect(lambda _: self._show_page())
        model.answer_changed.connect(self._answer_changed)
        model.flag_changed.connect(self._answer_changed)
        model.language_changed.connect(lambda _: self._relabel())
        model.references_changed.connect(self._show_references)
        model.notice_changed.connect(self._show_notice)
        model.events.changed.connect(self._show_events)
        self._exam_changed()  # and a test loaded before this screen was built is shown

    # --- layout ---------------------------------------------------------------------------------

    def _build(self) -> None:
        self.header = TestHeader(self.model)
        self.notice_label = label("notice", "notice")
        self.notice_label.hide()
        self.message_bar = MessageBar()
        self.message_bar.closed.connect(self.message_closed)

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

        content = vbox(margins=PAGE_MARGIN, spacing=10)
        content.addWidget(self.notice_label)
        content.addWidget(self.message_bar)
        content.addWidget(self.body, 1)
        content.addWidget(self.nav)
        content.addLayout(footer)
        outer = vbox(self, spacing=0)
        outer.addWidget(self.header)
        outer.addLayout(content, 1)

        self.prev_button.clicked.connect(lambda: self._turn(-1))
        self.next_button.clicked.connect(self._next)
        self.review_button.clicked.connect(self._review)
        self.nav.item_chosen.connect(self._go_to_item)
        self.header.text_size_requested.connect(self.text_size_requested)
        self.header.contrast_toggled.connect(self.contrast_toggled)
        self.header.hand_toggled.connect(self.hand_toggled)
        self.header.references_requested.connect(self.references_requested)
        self.references.table_requested.connect(lambda which: self.references_requested.emit(which))
        self.references.back_requested.connect(lambda: self.references_requested.emit(None))

    def _shortcuts(self) -> None:
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for keys, slot in (
            (("PgDown", "Ctrl+Right"), self._next),
            (("PgUp", "Ctrl+Left"), lambda: self._turn(-1)),
            (("Ctrl+=", "Ctrl++"), lambda: self.text_size_requested.emit(1)),
            (("Ctrl+-",), lambda: self.text_size_requested.emit(-1)),
            (("F9",), self._read_first),
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
        self.header.relabel()
        self.references.set_language(lang)
        self._shown_page = None
        self._show_page()
        self.header.show_clock()
        self.header.show_link()
        self._show_notice()
        self._show_references()

    def _exam_changed(self) -> None:
        self.nav.rebuild(self.model.refs)
        # The specification names the tables allowed (§20); content without the key allows both.
        tables = self.model.content.get("reference_tables")
        allowed = {"periodic", "solubility"} if tables is None else {
            {"periodic_table": "periodic", "solubility_table": "solubility"}.get(x, x) for x in tables}
        self.header.allow_tables(allowed)
        self._relabel()

    def _show_page(self) -> None:
        model = self.model
        page = model.page
        lang = model.language
        self.header.show_who()
        if page is None:
            return
        key = (page.index, lang)
        if key != self._shown_page:
            self._build_page(page, lang)
            self._shown_page = key
        total = len(model.pages)
        self.header.show_section(page)
        self.prev_button.setEnabled(page.index > 0)
        last = page.index >= total - 1
        self.next_button.setText(t("kiosk.test.review" if last else "kiosk.test.next", lang)
                                 + ("" if last else " →"))
        self.review_button.setVisible(not last and model.references is None)
        for box in self.boxes:
            box.show_state(model)
        self.nav.show_state(model)

    def side_by_side(self) -> bool:
        """Whether a passage and its items fit side by side: each half at least
        `PANE_EMS` of the item text's letters wide; else they are stacked in one scroll."""
        em = self.fontMetrics().height()  # the style sheet sets the text scale and screen
        width = self.width() - 2 * PAGE_MARGIN  # the page's width (the page host's, once laid out)
        return width >= 2 * PANE_EMS * em

    def _build_page(self, page: Page, lang: str) -> None:
        old = self.items_scroll.takeWidget()
        if old is not None:
            old.hide()  # hidden now: deleted only when the event loop comes round
            old.deleteLater()
        if self.context_view is not None:
            self.page_layout.removeWidget(self.context_view)
            self.context_view.hide()
            self.context_view.deleteLater()
            self.context_view = None
        host = QWidget()
        host.setObjectName("itemsHost")
        layout = vbox(host, spacing=14)
        self._stacked = bool(page.context) and not self.side_by_side()
        if page.context:
            self.context_view = ContextView(page.context, lang, scrolls=not self._stacked)
            if self._stacked:  # the passage above its items, all in the one scroll
                layout.addWidget(self.context_view)
            else:
                self.page_layout.insertWidget(0, self.context_view, 1)
        self.boxes = []
        for number, item in zip(page.numbers, page.items):
            box = ItemBox(self.model.ref(str(item["id"])), lang)
            box.widget.answer_edited.connect(
                lambda value, i=str(item["id"]): self.answer_given.emit(i, value))
            box.flag_toggled.connect(self.flag_toggled)
            box.read_requested.connect(self.read_requested)
            box.show_read_aloud(self.model.events.read_aloud)
            box.draft.connect(lambda _i, _dirty, b=box: b.show_save(self.model))
            layout.addWidget(box)
            self.boxes.append(box)
        layout.addStretch(1)
        self.items_scroll.setWidget(host)
        # Tab order: the options of the items first, then the strip and the page buttons.
        if self.boxes and self.isVisible() and self.model.references is None:
            self.boxes[0].widget.focus_first()

    def resizeEvent(self, event) -> None:  # noqa: N802 (Qt's name)
        super().resizeEvent(event)
        page = self.model.page
        if page is not None and page.context and self._stacked == self.side_by_side():
            self._shown_page = None  # the page fits the other way now
            self._show_page()

    def box(self, item_id: str) -> ItemBox | None:
        return next((b for b in self.boxes if b.ref.id == item_id), None)

    def _answer_changed(self, item_id: str) -> None:
        box = self.box(item_id)
        if box is not None:
            box.show_state(self.model)
        self.nav.show_state(self.model)

    def _read_first(self) -> None:
        """F9: read the item that has the keyboard focus, else the page's first."""
        focused = next((b for b in self.boxes if b.isAncestorOf(self.focusWidget())), None)
        box = focused or (self.boxes[0] if self.boxes else None)
        if box is not None and self.model.events.read_aloud:
            self.read_requested.emit(box.ref.id)

    def _show_events(self) -> None:
        for box in self.boxes:
            box.show_read_aloud(self.model.events.read_aloud)
        self.message_bar.show_message(self.model.events.unread, self.model.language)

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
            self.header.enable_tables()
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
        self.header.set_look(contrast)
