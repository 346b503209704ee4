"""What several items share, shown on the left of their page: a passage, a table, a picture.

Plain data in, widgets out; nothing here is interactive except scrolling. A stimulus this kiosk
cannot draw is said so in words, like an unknown item, rather than left blank.
"""

from __future__ import annotations

import base64
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QLabel,
    QWidget,
)

from common.i18n import t
from exam_client.ui.views.style import WARN_GLYPH, label, vbox


def _text_of(value: Any) -> str:
    if isinstance(value, dict):
        return str(value.get("text", ""))
    return "" if value is None else str(value)


def table_widget(table: Any) -> QTableWidget:
    """A read-only table from ``{"header": [...], "rows": [[...], ...]}`` or a list of rows."""
    if isinstance(table, dict):
        header = [str(h) for h in table.get("header") or table.get("columns") or []]
        rows = table.get("rows") or []
    else:
        header, rows = [], list(table or [])
    rows = [[_text_of(c) for c in (row if isinstance(row, list) else [row])] for row in rows]
    columns = max([len(header)] + [len(r) for r in rows] + [1])
    widget = QTableWidget(len(rows), columns)
    widget.setObjectName("contextTable")
    widget.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    widget.setTabKeyNavigation(False)
    widget.setWordWrap(True)
    widget.verticalHeader().setVisible(False)
    if header:
        widget.setHorizontalHeaderLabels(header + [""] * (columns - len(header)))
    else:
        widget.horizontalHeader().setVisible(False)
    widget.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            widget.setItem(r, c, item)
    # Rows follow their text at whatever text size the student chose; the table asks for the
    # room of its rows (it scrolls past 420 px).
    widget.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    line = widget.fontMetrics().height()
    widget.setMinimumHeight(min(420, (len(rows) + bool(header)) * line * 2 + 8))
    return widget


def picture_pixmap(picture: Any) -> QPixmap:
    """The picture of a PICTURE object (docs/content.md), or a null pixmap if it cannot be read."""
    data = picture.get("data") if isinstance(picture, dict) else picture
    pixmap = QPixmap()
    if isinstance(data, str):
        if data.startswith("data:") and "," in data:
            data = data.split(",", 1)[1]
        try:
            raw = base64.b64decode(data, validate=False)
        except (ValueError, TypeError):
            return QPixmap()
        media = picture.get("media_type", "") if isinstance(picture, dict) else ""
        fmt = {"image/png": "PNG", "image/jpeg": "JPEG", "image/svg+xml": "SVG"}.get(media)
        if not pixmap.loadFromData(raw, fmt) and fmt is not None:
            pixmap.loadFromData(raw)
    return pixmap


def picture_widget(picture: Any, lang: str, max_width: int = 560) -> QLabel:
    """A picture with its description for screen readers; the description in words if the
    picture cannot be drawn."""
    alt = _text_of(picture.get("alt")) if isinstance(picture, dict) else ""
    pixmap = picture_pixmap(picture)
    shown = label("picture", wrap=False)
    if pixmap.isNull():
        shown.setWordWrap(True)
        shown.setProperty("role", "muted")
        shown.setText(f"{WARN_GLYPH} {t('kiosk.context.no_picture', lang)}" + (f"\n{alt}" if alt else ""))
        return shown
    width = picture.get("width") if isinstance(picture, dict) else None
    target = min(int(width) if isinstance(width, int) and width > 0 else pixmap.width(), max_width)
    if pixmap.width() != target:
        pixmap = pixmap.scaledToWidth(target, Qt.TransformationMode.SmoothTransformation)
    shown.setPixmap(pixmap)
    shown.setAccessibleName(alt or t("kiosk.context.picture", lang))
    shown.setToolTip(alt)
    return shown


class ContextView(QScrollArea):
    """The shared stimulus of a page, scrollable on its own (the items scroll separately)."""

    def __init__(self, context: dict[str, Any], lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("contextView")
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        host = QFrame()
        host.setObjectName("contextPanel")
        host.setProperty("role", "panel")
        layout = vbox(host, margins=16, spacing=12)
        self.texts: list[str] = []
        inner = context.get("context") if isinstance(context.get("context"), dict) else {}
        if inner.get("title"):
            title = label("contextTitle", "heading")
            title.setText(_text_of(inner["title"]))
            layout.addWidget(title)
        for block in self._blocks(context):
            kind, value = block
            if kind == "passage":
                passage = label("passage", "prompt")
                passage.setText(_text_of(value))
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
