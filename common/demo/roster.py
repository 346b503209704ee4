"""Demo data: an original grade-4 roster with valid IINs and Kazakh names, deterministic by seed."""

from __future__ import annotations

import datetime as dt
import random
from importlib import resources

from common.domain import iin as iin_rules

_GIRLS = ["Әйгерім", "Ұлжан", "Аружан", "Іңкәр", "Гүлнұр", "Томирис", "Әсел", "Жансая", "Дана", "Мөлдір"]
_BOYS = ["Ғалым", "Нұрлан", "Әлихан", "Ерасыл", "Дәулет", "Санжар", "Қанат", "Бекзат", "Өркен", "Һашим"]
_SURNAMES = ["Әбілқасым", "Қожахмет", "Нұрланұлы", "Сәрсенбай", "Төлеген", "Үсенов", "Жұмабек", "Ғабдулла", "Оспан", "Іргебай"]
_FATHERS = ["Нұрлан", "Серік", "Бауыржан", "Қайрат", "Ерлан", "Мұрат"]


def demo_content_json() -> str:
    return resources.files("common.demo").joinpath("grade4_kk.json").read_text(encoding="utf-8")


def demo_roster_csv(students: int, seed: int = 2026) -> str:
    rng = random.Random(seed)
    lines = ["iin,surname,name,patronymic,grade,class,language"]
    used: set[str] = set()
    for index in range(students):
        female = index % 2 == 0
        name = rng.choice(_GIRLS if female else _BOYS)
        surname = rng.choice(_SURNAMES)
        if female and surname.endswith(("ов", "ев")):
            surname += "а"
        father = rng.choice(_FATHERS)
        patronymic = father + ("қызы" if female else "ұлы")
        while True:
            born = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(366))
            iin = iin_rules.make(born, female, rng.randrange(10000))
            if iin and iin not in used:
                used.add(iin)
                break
        lines.append(f"{iin},{surname},{name},{patronymic},4,{'АӘБ'[index % 3]},kk")
    return "\n".join(lines) + "\n"
