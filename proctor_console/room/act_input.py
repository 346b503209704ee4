"""An act from plain JSON data, for `proctor-console act render` and for re-printing a stored act.

The JSON has the fields of the act's dataclass (the same shape the room stores in ``acts.data_json``);
a missing or malformed field is named in the error (``test_taker.surname: is missing``)::

    {"number": "R-12-0001", "organisation": {"code": "190745", "name": "..."},
     "drawn_up_at": "2026-11-22T10:35:00+05:00", "representative": "...",
     "room": "12", "seat": "05", "variant": "3",
     "test_taker": {"surname": "...", "name": "...", "patronymic": null, "individual_code": "..."},
     "items": [{"name": "Ұялы телефон", "brand": "Samsung", "count": 1}],      (act 1)
     "drawn_up_by": ["..."],                                                     (act 1, optional)
     "stage": "at_entry" | "during_test", "impostor_full_name": "..."}          (act 2)
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from common.domain.acts import (
    ConfiscationAct,
    FoundItem,
    ImpostorAct,
    ImpostorStage,
    Organisation,
    Person,
)


class ActDataInvalid(ValueError):
    """The act's data is incomplete or malformed; `problems` name each field."""

    def __init__(self, problems: list[tuple[str, str]]):
        self.problems = problems
        super().__init__("; ".join(f"{field}: {message}" for field, message in problems))


class _Reader:
    def __init__(self, data: Any):
        self.problems: list[tuple[str, str]] = []
        if not isinstance(data, dict):
            self.problems.append(("(act)", "must be a JSON object"))
            data = {}
        self.data = data

    def text(self, path: str, *, optional: bool = False, source: dict | None = None) -> str | None:
        where = self.data if source is None else source
        key = path.rsplit(".", 1)[-1].split("[")[0]
        value = where.get(key) if isinstance(where, dict) else None
        if value is None or (isinstance(value, str) and not value.strip()):
            if not optional:
                self.problems.append((path, "is missing"))
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            self.problems.append((path, "must be text"))
            return None
        return str(value).strip()

    def obj(self, key: str) -> dict:
        value = self.data.get(key)
        if not isinstance(value, dict):
            self.problems.append((key, "is missing" if value is None else "must be an object"))
            return {}
        return value

    def moment(self, key: str) -> datetime | None:
        raw = self.text(key)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw)
        except ValueError:
            self.problems.append((key, "must be a date and time like 2026-11-22T10:35:00+05:00"))
            return None
        if moment.tzinfo is None:
            self.problems.append((key, "needs a time zone, e.g. +05:00"))
            return None
        return moment

    def organisation(self) -> Organisation:
        org = self.obj("organisation")
        return Organisation(code=self.text("organisation.code", source=org) or "",
                            name=self.text("organisation.name", source=org) or "")

    def person(self) -> Person:
        p = self.obj("test_taker")
        return Person(surname=self.text("test_taker.surname", source=p) or "",
                      name=self.text("test_taker.name", source=p) or "",
                      patronymic=self.text("test_taker.patronymic", source=p, optional=True),
                      individual_code=self.text("test_taker.individual_code", source=p) or "")

    def language(self, lang: str | None) -> str:
        value = self.data.get("language", lang or "kk")
        if value not in ("kk", "ru", "en"):
            self.problems.append(("language", "must be kk, ru or en"))
            return "kk"
        return value

    def done(self) -> None:
        if self.problems:
            raise ActDataInvalid(self.problems)


def confiscation_from_dict(data: Any, lang: str | None = None) -> ConfiscationAct:
    r = _Reader(data)
    items: list[FoundItem] = []
    raw_items = r.data.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        r.problems.append(("items", "name at least one item found (name, brand, count)"))
    else:
        for i, item in enumerate(raw_items):
            path = f"items[{i}]"
            if not isinstance(item, dict):
                r.problems.append((path, "must be an object with name, brand, count"))
                continue
            name = r.text(f"{path}.name", source=item)
            brand = r.text(f"{path}.brand", source=item, optional=True) or ""
            count = item.get("count", 1)
            if isinstance(count, bool) or not isinstance(count, int) or count < 1:
                r.problems.append((f"{path}.count", "must be a whole number of at least 1"))
                count = 1
            items.append(FoundItem(name or "", brand, count))
    drawn_up_by = r.data.get("drawn_up_by", [])
    if not isinstance(drawn_up_by, list) or not all(isinstance(n, str) for n in drawn_up_by):
        r.problems.append(("drawn_up_by", "must be a list of full names"))
        drawn_up_by = []
    act = ConfiscationAct(
        number=r.text("number") or "", organisation=r.organisation(),
        drawn_up_at=r.moment("drawn_up_at") or datetime.now().astimezone(),
        representative=r.text("representative") or "", room=r.text("room") or "",
        seat=r.text("seat") or "", test_taker=r.person(), variant=r.text("variant") or "",
        items=tuple(items), drawn_up_by=tuple(n.strip() for n in drawn_up_by if n.strip()),
        language=r.language(lang))
    r.done()
    return act


def impostor_from_dict(data: Any, lang: str | None = None) -> ImpostorAct:
    r = _Reader(data)
    stage_raw = r.text("stage")
    stage = ImpostorStage.AT_ENTRY
    if stage_raw is not None:
        try:
            stage = ImpostorStage(stage_raw)
        except ValueError:
            r.problems.append(("stage", "must be at_entry or during_test"))
    act = ImpostorAct(
        number=r.text("number") or "", organisation=r.organisation(),
        drawn_up_at=r.moment("drawn_up_at") or datetime.now().astimezone(),
        representative=r.text("representative") or "", stage=stage, test_taker=r.person(),
        impostor_full_name=r.text("impostor_full_name") or "", room=r.text("room") or "",
        language=r.language(lang))
    r.done()
    return act
