"""Regenerate the made-up working lists in this folder: `python tests/data/working_lists/generate.py`.

Every organisation here is invented; names, codes and numbers mean nothing outside the tests.
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = ["code", "name", "region", "district", "territory", "type", "contingent", "language",
          "participated"]
REGIONS = {
    "Абай облысы": ["Аягөз ауданы", "Бесқарағай ауданы"],
    "Ақмола облысы": ["Бурабай ауданы", "Целиноград ауданы"],
    "Алматы қаласы": ["Медеу ауданы", "Әуезов ауданы"],
    "Астана қаласы": ["Есіл ауданы", "Сарыарқа ауданы"],
    "Жамбыл облысы": ["Байзақ ауданы", "Жуалы ауданы"],
    "Қарағанды облысы": ["Нұра ауданы", "Қарқаралы ауданы"],
    "Түркістан облысы": ["Сайрам ауданы", "Түлкібас ауданы"],
}
CITY_REGIONS = {"Алматы қаласы", "Астана қаласы"}
TYPES = ["school"] * 6 + ["lyceum", "gymnasium", "school-gymnasium", "school-lyceum"]
NAMES = {
    "school": "№{n} жалпы білім беретін мектеп",
    "lyceum": "№{n} лицей",
    "gymnasium": "№{n} гимназия",
    "school-gymnasium": "Ғ. Мүсірепов атындағы №{n} мектеп-гимназия",
    "school-lyceum": "Ы. Алтынсарин атындағы №{n} мектеп-лицей",
}


def national(rng: random.Random, count: int = 160) -> list[list[str]]:
    rows = []
    regions = sorted(REGIONS)
    for i in range(count):
        region = regions[i % len(regions)]
        district = REGIONS[region][(i // len(regions)) % 2]
        territory = "city" if region in CITY_REGIONS or rng.random() < 0.35 else "village"
        kind = rng.choice(TYPES)
        language = rng.choices(["kk", "ru", "mixed"], weights=[6, 3, 1])[0]
        contingent = rng.randint(4, 40) if territory == "village" else rng.randint(15, 180)
        participated = rng.choice(["", "", "", "", "2023", "2024", "2022;2024"])
        rows.append([f"{110000 + i * 7}", NAMES[kind].format(n=i + 1), region, district,
                     territory, kind, str(contingent), language, participated])
    return rows


def write_csv(name: str, header: list[str], rows: list[list[str]], *, encoding: str = "utf-8",
              delimiter: str = ",") -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    (HERE / name).write_bytes(buffer.getvalue().encode(encoding))


def main() -> None:
    rows = national(random.Random(2026))
    write_csv("national_sample.csv", HEADER, rows)

    # Russian header and values, Windows-1251, semicolons (as an older spreadsheet saves it).
    ru_header = ["Код", "Наименование", "Область", "Район", "Территория", "Тип", "Контингент",
                 "Язык обучения", "Годы участия"]
    ru_rows = [
        ["200001", "Средняя школа №3", "Костанайская область", "Район Беимбета Майлина", "село",
         "школа", "12", "русский", ""],
        ["200002", "Гимназия №1", "Костанайская область", "Рудный", "город", "гимназия", "96",
         "русский", "2023"],
        ["200003", "Школа-лицей №8", "Костанайская область", "Рудный", "город", "школа-лицей", "70",
         "казахский", ""],
    ]
    write_csv("russian_cp1251.csv", ru_header, ru_rows, encoding="cp1251", delimiter=";")

    # Kazakh header and values, UTF-8 with BOM, tab-separated.
    kk_header = ["Коды", "Атауы", "Облыс", "Аудан", "Аумақ", "Түрі", "Контингент", "Оқыту тілі",
                 "Қатысқан жылдары"]
    kk_rows = [
        ["300001", "Әбу Насыр әл-Фараби атындағы мектеп", "Ұлытау облысы", "Жезқазған", "қала",
         "мектеп", "48", "қазақ", ""],
        ["300002", "Құмкөл ауылының мектебі", "Ұлытау облысы", "Ұлытау ауданы", "ауыл", "мектеп",
         "6", "қазақ", "2022;2024"],
    ]
    (HERE / "kazakh_bom.tsv").write_bytes(
        b"\xef\xbb\xbf" + "\n".join("\t".join(r) for r in [kk_header, *kk_rows]).encode("utf-8") + b"\n")

    # A list with a problem in many rows: each must be named.
    write_csv("broken.csv", HEADER, [
        ["400001", "Мектеп", "Абай облысы", "Аягөз ауданы", "town", "school", "20", "kk", ""],
        ["400002", "", "Абай облысы", "Аягөз ауданы", "city", "school", "many", "kk", ""],
        ["400001", "Лицей", "Абай облысы", "Аягөз ауданы", "city", "academy", "0", "de", "20x4"],
    ])


if __name__ == "__main__":
    main()
