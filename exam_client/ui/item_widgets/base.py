"""The base of the item widgets and their registration by item type, so that a new type plugs in.

A widget shows an item's prompt and its interaction, and says when the student changed the
answer (`answer_edited`). It never saves anything itself: the controller writes the journal and
the model tells the widget what is saved (`set_answer`). The screens get their widgets from
`exam_client.ui.item_widgets.registry.widget_for`.

To add a type, write its widget in a module of this package and import that module in
`registry`::

    @register("my_type")
    class MyTypeWidget(ItemWidget):
        def _build(self) -> None: ...          # lay out self.item
        def set_answer(self, value) -> None: ...  # show value, emit nothing
"""

from __future__ import annotations

from typing import Any, Callable, ClassVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QWidget

from exam_client.ui.views.content_widgets import picture_widget
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


def widget_classes() -> dict[str, type[ItemWidget]]:
    """The widgets registered so far, by item type (`registry` imports those that ship)."""
    return dict(_REGISTRY)
