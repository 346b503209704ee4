"""The two acts of the rules (order No. 204, appendices 1 and 2) as plain data.

An act, once drawn up, is evidence: it is never edited. A correction is a new act that refers to the
old one. The fields follow the appendices field for field, so the PDF can be laid out from them alone.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime


class ActKind(enum.StrEnum):
    CONFISCATION = "confiscation"  # Appendix 1: forbidden item confiscated, test-taker removed
    IMPOSTOR = "impostor"  # Appendix 2: outside person detected


class ImpostorStage(enum.StrEnum):
    AT_ENTRY = "at_entry"  # at admission to the building: the person is not admitted
    DURING_TEST = "during_test"  # during the test: material taken, removed, results voided


@dataclass(frozen=True)
class Organisation:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    """A test-taker as the acts name them: full name and individual code (ТЖК / ИКТ)."""

    surname: str
    name: str
    patronymic: str | None
    individual_code: str

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.name, self.patronymic) if p)


@dataclass(frozen=True)
class FoundItem:
    """One forbidden item found: name, brand, count (Appendix 1)."""

    name: str
    brand: str
    count: int = 1


@dataclass(frozen=True)
class ConfiscationAct:
    """Appendix 1: act of confiscation of a forbidden item and removal of the test-taker."""

    number: str
    organisation: Organisation
    drawn_up_at: datetime  # timezone-aware; printed in the organisation's local time
    representative: str  # full name of the ministry's authorized representative
    room: str
    seat: str
    test_taker: Person
    variant: str
    items: tuple[FoundItem, ...]
    drawn_up_by: tuple[str, ...] = field(default=())  # full names of those who drew up the act
    language: str = "kk"


@dataclass(frozen=True)
class ImpostorAct:
    """Appendix 2: act of detection of an outside person at admission or during the test."""

    number: str
    organisation: Organisation
    drawn_up_at: datetime
    representative: str
    stage: ImpostorStage
    test_taker: Person  # the test-taker in whose place the outside person came
    impostor_full_name: str
    room: str
    language: str = "kk"
