"""One widget per item type, registered by the type's name, so that a new type plugs in.

A widget shows an item's prompt and its interaction, and says when the student changed the
answer (`answer_edited`). It never saves anything itself: the controller writes the journal and
the model tells the widget what is saved (`set_answer`). An item of a type no widget knows, or one
whose data a widget cannot read, gets `UnsupportedItemWidget`: a calm panel asking the student to
call the representative, never a crash.

To add a type::

    @register("my_type")
    class MyTypeWidget(ItemWidget):
        def _build(self) -> None: ...          # lay out self.item
        def set_answer(self, value) -> None: ...  # show value, emit nothing
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from exam_client.ui.views.style import label, vbox

_REGISTRY: dict[str, type["ItemWidget"]] = {}


class ItemWidget(QWidget):
    """The base of every item widget.

    Signals:
        answer_edited(object): the student gave a new answer (None when they cleared it).
        draft_changed(bool): typed text differs (True) or no longer differs (False) from the
            answer last shown; typed answers are sent on Enter, on the Save button, or when the
            page changes.
    """

    answer_edited = Signal(object)
    draft_changed = Signal(bool)
    type_names: ClassVar[tuple[str, ...]] = ()

    def __init__(self, item: dict[str, Any], lang: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.item = item
        self.lang = lang
        self.setObjectName(f"item.{item.get('id', '?')}")
        self.layout_ = vbox(self, spacing=12)
        self._build()

    # --- for subclasses -------------------------------------------------------------------------

    def _build(self) -> None:
        raise NotImplementedError

    def _prompt(self, text: str | None = None) -> None:
        """The prompt, and the item's picture under it when it has one."""
        prompt = label("prompt", "prompt")
        prompt.setText(str(self.item.get("prompt", "")) if text is None else text)
        self.layout_.addWidget(prompt)
        self.prompt_label = prompt
        if self.item.get("image"):
            from exam_client.ui.views.context_view import picture_widget

            self.layout_.addWidget(picture_widget(self.item["image"], self.lang))

    def _hint(self, text: str) -> None:
        hint = label("hint", "hint")
        hint.setText(text)
        self.layout_.addWidget(hint)
        self.hint_label = hint

    # --- for the screen -------------------------------------------------------------------------

    def set_answer(self, value: Any) -> None:
        """Show `value` (the saved answer, or None) without emitting `answer_edited`."""
        raise NotImplementedError

    def commit(self) -> None:
        """Send a typed but not yet sent answer (before the page changes or the test ends)."""

    def focus_first(self) -> None:
        """Put the keyboard focus on the first control of the item."""
        self.focusNextChild()


def register(*type_names: str) -> Callable[[type[ItemWidget]], type[ItemWidget]]:
    """Class decorator: this widget shows items of these types."""

    def decorate(cls: type[ItemWidget]) -> type[ItemWidget]:
        for name in type_names:
            if name in _REGISTRY and _REGISTRY[name] is not cls:
                raise ValueError(f"item type {name!r} already has a widget: {_REGISTRY[name].__name__}")
            _REGISTRY[name] = cls
        cls.type_names = tuple(type_names)
        return cls

    return decorate


def registered_types() -> tuple[str, ...]:
    _load_builtin()
    return tuple(sorted(_REGISTRY))


def widget_for(item: dict[str, Any], lang: str, parent: QWidget | None = None) -> ItemWidget:
    """The widget for `item`; `UnsupportedItemWidget` for an unknown type or unreadable data."""
    _load_builtin()
    from exam_client.ui.item_widgets.unsupported import UnsupportedItemWidget

    cls = _REGISTRY.get(str(item.get("type")))
    if cls is None:
        return UnsupportedItemWidget(item, lang, parent, reason="unknown_type")
    try:
        widget = cls(item, lang)  # no parent until it is whole, so a failure leaves nothing behind
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        return UnsupportedItemWidget(item, lang, parent, reason=f"{type(exc).__name__}: {exc}")
    if parent is not None:
        widget.setParent(parent)
    return widget


_loaded = False


def _load_builtin() -> None:
    """Import the widgets that ship with the kiosk (each registers itself)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    from exam_client.ui.item_widgets import choice, gaps, matching, numeric, ordering, unsupported  # noqa: F401
