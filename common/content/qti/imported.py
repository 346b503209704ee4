"""What importing one QTI item finds: its QTI facts, our item, and the reasons it was refused."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from common.content.qti.values import declared_value, to_json


class ItemRefused(Exception):
    """This item cannot be imported; collects every reason."""


@dataclass
class ImportedItem:
    file: str
    identifier: str | None
    version: str | None = None
    title: str | None = None
    language: str | None = None
    interactions: list[str] = field(default_factory=list)
    responses: dict[str, dict[str, Any]] = field(default_factory=dict)
    primary: str | None = None
    max_score: float | None = None
    template: str | None = None
    errors: list[str] = field(default_factory=list)
    item: Any = None  # a common.domain.items item once imported
    item_json: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.errors and self.item is not None

    def summary(self) -> dict[str, Any]:
        """The object `central-scorer items import --json` prints."""
        primary = self.responses.get(self.primary or "", {})
        correct: Any = None
        if self.primary and primary:
            correct = to_json(declared_value(primary, primary.get("correct")))
        elif self.responses:
            correct = {k: to_json(declared_value(d, d.get("correct")))
                       for k, d in self.responses.items()}
        return {
            "identifier": self.identifier,
            "interaction": self.interactions[0] if self.interactions else None,
            "cardinality": primary.get("cardinality") if primary else None,
            "base_type": primary.get("base_type") if primary else None,
            "correct_response": correct,
            "max_score": self.max_score,
            "errors": list(self.errors),
            "file": self.file,
            "version": self.version,
            "title": self.title,
            "language": self.language,
            "interactions": list(self.interactions),
            "type": self.item.type.value if self.item is not None else None,
            "response_processing": self.template or ("custom" if self.responses else None),
        }
