"""The item widgets that ship with the kiosk, by item type, and the one door the screens use.

An item of a type no widget knows, or one whose data a widget cannot read, gets
`UnsupportedItemWidget`: a calm panel asking the student to call the representative, never a
crash.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QWidget

# Each module registers the types it shows when it is imported.
from exam_client.ui.item_widgets import choice, gaps, matching, numeric, ordering  # noqa: F401
from exam_client.ui.item_widgets.base import ItemWidget, widget_classes
from exam_client.ui.item_widgets.unsupported import UnsupportedItemWidget


def registered_types() -> tuple[str, ...]:
    return tuple(sorted(widget_classes()))


def widget_for(item: dict[str, Any], lang: str, parent: QWidget | None = None) -> ItemWidget:
    """The widget for `item`; `UnsupportedItemWidget` for an unknown type or unreadable data."""
    cls = widget_classes().get(str(item.get("type")))
    if cls is None:
        return UnsupportedItemWidget(item, lang, parent, reason="unknown_type")
    try:
        widget = cls(item, lang)  # no parent until it is whole, so a failure leaves nothing behind
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return UnsupportedItemWidget(item, lang, parent, reason=f"{type(exc).__name__}: {exc}")
    if parent is not None:
        widget.setParent(parent)
    return widget
