"""A made-up room of 30 seats in every state, for screenshots and tests of the room's screen.

Shaped exactly like `Room.room_view()`. The names use every Kazakh letter outside the Russian
alphabet (Ә Ғ Қ Ң Ө Ұ Ү Һ І) and include long ones, so a screen shows whether it renders and fits
them. The people are fictitious.
"""

from __future__ import annotations

import copy
from typing import Any

# seat, surname name patronymic, attendance, absence reason, attempt
# attempt: (status, answers, score, max_score, void_reason, logins)
_SEATS: list[tuple[str, str, str, str | None, tuple | None]] = [
    ("01", "Әбдірахманова Гүлнұр Серікқызы", "present", None, ("submitted", 20, 17, 20, None, 1)),
    ("02", "Қасымов Нұрсұлтан Ерланұлы", "present", None, ("in_progress", 12, None, None, None, 1)),
    ("03", "Ғалымжанова Айгүл Маратқызы", "present", None, ("in_progress", 9, None, None, None, 2)),
    ("04", "Иванов Дмитрий Сергеевич", "absent", "illness", None),
    ("05", "Өмірзақов Дәулет Болатұлы", "present", None, ("voided", 7, None, None, "confiscation", 1)),
    ("06", "Ұлықбекова Әсем Қайратқызы", "present", None, ("in_progress", 15, None, None, None, 1)),
    ("07", "Үсенов Рауан Һадиұлы", "expected", None, None),
    ("08", "Нұрмұхаммедова Ұлжалғас Қуанышқызы", "present", None, ("submitted", 20, 12, 20, None, 2)),
    ("09", "Һашимов Ильяс Рустамович", "present", None, None),
    ("10", "Іскақова Жансая Бауыржанқызы", "not_admitted", None, None),
    ("11", "Жақсылықов Еңлік Тілекқызы", "absent", "bereavement", None),
    ("12", "Бекмұқанбетов Айбын Ғабитұлы", "present", None, ("in_progress", 18, None, None, None, 1)),
    ("13", "Сейітқали Аружан", "present", None, ("submitted", 19, 20, 20, None, 1)),
    ("14", "Петрова Анастасия Игоревна", "present", None, ("in_progress", 4, None, None, None, 1)),
    ("15", "Тоқтарбаев Мұхтар Өркенұлы", "absent", "competition", None),
    ("16", "Көшербаева Інжу Ерболқызы", "present", None, ("in_progress", 0, None, None, None, 1)),
    ("17", "Дүйсенбаев Ақжол Нұрланұлы", "present", None, ("voided", 11, None, None, "impostor", 1)),
    ("18", "Мәуленова Дана Асқарқызы", "expected", None, None),
    ("19", "Оңғарбаев Темірлан Сәкенұлы", "present", None, None),
    ("20", "Шаңғытбаева Қарлығаш Өмірзаққызы", "absent", "home_schooling", None),
    ("21", "Ким Александр Вячеславович", "present", None, ("submitted", 20, 9, 20, None, 1)),
    ("22", "Байжұманова Мөлдір Ұланқызы", "present", None, ("in_progress", 20, None, None, None, 3)),
    ("23", "Ерғали Бекзат", "not_admitted", None, None),
    ("24", "Құдайбергенов Ғалым Үмбетұлы", "present", None, ("in_progress", 7, None, None, None, 1)),
    ("25", "Әлімжанова Томирис Нұрболатқызы", "absent", "sanatorium", None),
    ("26", "Сүлейменов Ілияс Жүсіпұлы", "expected", None, None),
    ("27", "Нұрпейісова Айзере Дәуренқызы", "present", None, ("submitted", 20, 15, 20, None, 1)),
    ("28", "Шаһмарданов Әлихан Қанатұлы", "present", None, ("in_progress", 13, None, None, None, 1)),
    ("29", "Төлеубаева Һәжар Серікқызы", "present", None, None),
    ("30", "Жұмабек Нұрасыл Ғаниұлы", "present", None, ("submitted", 18, 14, 20, None, 1)),
]

_ROOM: dict[str, Any] = {
    "room_id": "R190745-12",
    "room_no": "12",
    "organisation_code": "190745",
    "organisation_name": "Абай атындағы № 45 мектеп-гимназия",
    "open": True,
    "seats": [
        {
            "seat": seat,
            "individual_code": f"{(int(seat) * 7_919_313) % 100_000_000:08d}",
            "full_name": name,
            "attendance": attendance,
            "absence_reason": reason,
            "attempt": None if attempt is None else dict(zip(
                ("status", "answers", "score", "max_score", "void_reason", "logins"), attempt)),
        }
        for seat, name, attendance, reason, attempt in _SEATS
    ],
}


def sample_room() -> dict[str, Any]:
    """A fresh copy of the sample room view (callers may change it)."""
    return copy.deepcopy(_ROOM)
