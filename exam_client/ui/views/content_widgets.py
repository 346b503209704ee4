"""Widgets for pieces of content shown on a page: a table and a picture (docs/content.md, CONTEXT
and PICTURE), used by a page's context, by items and by option cards. Plain data in, widgets out;
nothing here is interactive."""

from __future__ import annotations

import base64
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from common.i18n import t
from exam_client.ui.views.style import WARN_GLYPH, label


def text_of(value: Any) -> str:
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
    rows = [[text_of(c) for c in (row if isinstance(row, list) else [row])] for row in rows]
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


def picture_widget(picture: Any, lang: str, max_width: int = 560) -> QWidget:
    """A picture with its description in words under it (a chart's bars and values are read,
    not guessed — and screen readers have it too); the description alone if the picture cannot
    be drawn."""
    alt = text_of(picture.get("alt")) if isinstance(picture, dict) else ""
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
    if not alt:
        return shown
    figure = QWidget()
    figure.setObjectName("figure")
    layout = QVBoxLayout(figure)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(4)
    caption = label("pictureCaption", "hint")
    caption.setText(alt)
    layout.addWidget(shown)
    layout.addWidget(caption)
    return figure
