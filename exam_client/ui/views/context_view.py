"""What several items share, shown on the left of their page: a passage, a table, a picture.

Plain data in, widgets out; nothing here is interactive except scrolling. A stimulus this kiosk
cannot draw is said so in words, like an unknown item, rather than left blank.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget

from common.i18n import t
from exam_client.ui.views.content_widgets import picture_widget, table_widget, text_of
from exam_client.ui.views.style import WARN_GLYPH, label, vbox


class ContextView(QScrollArea):
    """The shared stimulus of a page, scrollable on its own (the items scroll separately)."""

    def __init__(self, context: dict[str, Any], lang: str, parent: QWidget | None = None,
                 scrolls: bool = True):
        super().__init__(parent)
        self.setObjectName("contextView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        if not scrolls:
            # Stacked above the items, in their scroll: as tall as its content, no scroll of its own.
            self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            self.setSizeAdjustPolicy(QScrollArea.SizeAdjustPolicy.AdjustToContents)
        host = QFrame()
        host.setObjectName("contextPanel")
        host.setProperty("role", "panel")
        layout = vbox(host, margins=16, spacing=12)
        self.texts: list[str] = []
        inner = context.get("context") if isinstance(context.get("context"), dict) else {}
        if inner.get("title"):
            title = label("contextTitle", "heading")
            title.setText(text_of(inner["title"]))
            layout.addWidget(title)
        for block in self._blocks(context):
            kind, value = block
            if kind == "passage":
                passage = label("passage", "prompt")
                passage.setText(text_of(value))
                passage.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
                layout.addWidget(passage)
                self.texts.append(passage.text())
            elif kind == "table":
                layout.addWidget(table_widget(value))
            elif kind == "picture":
                layout.addWidget(picture_widget(value, lang))
            else:
                unknown = label("contextUnknown", "error")
                unknown.setText(f"{WARN_GLYPH} {t('kiosk.context.unsupported', lang)}")
                layout.addWidget(unknown)
        layout.addStretch(1)
        self.setWidget(host)
        self._scrolls = scrolls

    def minimumSizeHint(self):  # noqa: N802 (Qt's name)
        hint = super().minimumSizeHint()
        if not self._scrolls and self.widget() is not None:
            # the content's height at this width, so the items' scroll shows all of it
            host = self.widget()
            height = host.heightForWidth(self.width()) if host.hasHeightForWidth() else -1
            hint.setHeight(max(hint.height(), height if height > 0 else host.sizeHint().height()))
        return hint

    @staticmethod
    def _blocks(view: dict[str, Any]) -> list[tuple[str, Any]]:
        """A page's left side in reading order: the section's passage, then the context's
        title, text, table and picture (docs/content.md, CONTEXT)."""
        blocks: list[tuple[str, Any]] = []
        if view.get("passage"):
            blocks.append(("passage", view["passage"]))
        context = view.get("context")
        if isinstance(context, dict):
            if context.get("text"):
                blocks.append(("passage", context["text"]))
            if context.get("table"):
                blocks.append(("table", context["table"]))
            if context.get("image"):
                blocks.append(("picture", context["image"]))
            if not blocks and context.get("kind") not in ("passage", "table", "picture"):
                blocks.append(("unknown", context))
        return blocks
