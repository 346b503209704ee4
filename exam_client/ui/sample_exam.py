"""A small made-up test in kk, ru and en with every item type the content model has
(docs/content.md): for the screenshots, the screen's tests and the whole-sitting test, which
seals it into a real package (`with_keys=True`). Original text written for this project; the
people are fictitious.

It has a passage, a table and a picture shared by items, and Kazakh text that uses every letter
outside the Russian alphabet (Ә Ғ Қ Ң Ө Ұ Ү Һ І), so a screenshot shows whether they render.
"""

from __future__ import annotations

import base64
import copy
import struct
import zlib
from functools import lru_cache
from typing import Any

LANGS = ("kk", "ru", "en")

_T: dict[str, dict[str, Any]] = {
    "title": {"kk": "9-сынып. Кешенді тестілеу (үлгі)", "ru": "9 класс. Комплексное тестирование (образец)",
              "en": "Grade 9. Complex test (sample)"},
    "reading": {"kk": "Оқу сауаттылығы", "ru": "Читательская грамотность", "en": "Reading literacy"},
    "math": {"kk": "Математикалық сауаттылық", "ru": "Математическая грамотность",
             "en": "Mathematical literacy"},
    "science": {"kk": "Жаратылыстану-ғылыми сауаттылық", "ru": "Естественнонаучная грамотность",
                "en": "Natural-science literacy"},
    "garden_title": {"kk": "Мектеп бағы", "ru": "Школьный сад", "en": "The school garden"},
    "garden": {
        "kk": ("Әлихан мен Ұлжан көктемде мектеп ауласына қайың мен өрік көшеттерін отырғызды. "
               "Ғалым ағай оларға әр көшетке аптасына екі рет су құю керектігін айтты. "
               "Қыркүйекте қайыңның бойы Ұлжанның иығына жетті, ал өрік екі есе жуан болды. "
               "Балалар өз бақылауларын «Өсу күнделігі» деп аталатын дәптерге жазып отырды. "
               "Һәр жазба күні мен ауа райынан басталды: «Іңірде салқын, күн ашық»."),
        "ru": ("Весной Алихан и Улжан посадили во дворе школы саженцы берёзы и абрикоса. "
               "Учитель Галым сказал, что каждый саженец нужно поливать два раза в неделю. "
               "К сентябрю берёза доросла Улжан до плеча, а ствол абрикоса стал вдвое толще. "
               "Дети записывали наблюдения в тетрадь, которую назвали «Дневник роста». "
               "Каждая запись начиналась с даты и погоды: «Вечером прохладно, ясно»."),
        "en": ("In spring Alikhan and Ulzhan planted a birch and an apricot seedling in the school "
               "yard. Mr Galym told them to water each seedling twice a week. By September the "
               "birch reached Ulzhan's shoulder and the apricot's trunk was twice as thick. The "
               "children wrote what they saw in a notebook they called the “Growth diary”. Each "
               "entry began with the date and the weather: “Cool in the evening, clear sky”."),
    },
    "r1": {"kk": ("Балалар қандай көшеттер отырғызды?", ["Қайың мен өрік", "Алма мен өрік",
                                                       "Қайың мен терек", "Тек қайың"]),
           "ru": ("Какие саженцы посадили дети?", ["Берёзу и абрикос", "Яблоню и абрикос",
                                                  "Берёзу и тополь", "Только берёзу"]),
           "en": ("Which seedlings did the children plant?", ["A birch and an apricot",
                                                             "An apple tree and an apricot",
                                                             "A birch and a poplar", "Only a birch"])},
    "r2": {"kk": ("Мәтінге сәйкес келетін екі сөйлемді белгіле.",
                  ["Көшеттерге аптасына екі рет су құйылды", "Балалар күнделік жүргізді",
                   "Өрік қайыңнан биік өсті", "Көшеттерді күзде отырғызды"]),
           "ru": ("Отметь два предложения, которые соответствуют тексту.",
                  ["Саженцы поливали два раза в неделю", "Дети вели дневник",
                   "Абрикос вырос выше берёзы", "Саженцы посадили осенью"]),
           "en": ("Mark the two sentences that agree with the text.",
                  ["The seedlings were watered twice a week", "The children kept a diary",
                   "The apricot grew taller than the birch", "The seedlings were planted in autumn"])},
    "r3": {"kk": ("Балалардың дәптері қалай аталды?", "Өсу күнделігі"),
           "ru": ("Как назывался дневник детей?", "Дневник роста"),
           "en": ("What was the children's notebook called?", "Growth diary")},
    "r4": {"kk": ("Оқиғаларды мәтіндегі ретімен орналастыр.",
                  ["Қайың Ұлжанның иығына жетті", "Балалар көшет отырғызды",
                   "Ғалым ағай суару туралы айтты"]),
           "ru": ("Расположи события в том порядке, как в тексте.",
                  ["Берёза доросла Улжан до плеча", "Дети посадили саженцы",
                   "Учитель Галым рассказал о поливе"]),
           "en": ("Put the events in the order of the text.",
                  ["The birch reached Ulzhan's shoulder", "The children planted the seedlings",
                   "Mr Galym told them about watering"])},
    "water_title": {"kk": "Суару кестесі", "ru": "График полива", "en": "Watering plan"},
    "water_text": {"kk": "Бір көшетке бір суаруға кететін су.", "ru": "Вода на один полив одного саженца.",
                   "en": "Water for one watering of one seedling."},
    "water_table": {"kk": (["Күн", "Су, л"], [["Дүйсенбі", "1,5"], ["Бейсенбі", "1,5"]]),
                    "ru": (["День", "Вода, л"], [["Понедельник", "1,5"], ["Четверг", "1,5"]]),
                    "en": (["Day", "Water, l"], [["Monday", "1.5"], ["Thursday", "1.5"]])},
    "m1": {"kk": ("Кестені пайдалан. Екі көшетке бір аптада неше литр су керек?", "л"),
           "ru": ("Используй таблицу. Сколько литров воды нужно двум саженцам за неделю?", "л"),
           "en": ("Use the table. How many litres do two seedlings need in a week?", "l")},
    "m2": {"kk": ("Қайыңның бойы көктемде 60 см, қыркүйекте 135 см болды. Ол қанша сантиметрге өсті?",
                  ["65 см", "75 см", "85 см", "195 см"]),
           "ru": ("Весной высота берёзы была 60 см, в сентябре — 135 см. На сколько сантиметров она "
                  "выросла?", ["65 см", "75 см", "85 см", "195 см"]),
           "en": ("In spring the birch was 60 cm tall, in September 135 cm. By how many centimetres "
                  "did it grow?", ["65 cm", "75 cm", "85 cm", "195 cm"])},
    "m3": {"kk": ("Шаманы оның өлшем бірлігімен сәйкестендір.",
                  ["ағаштың биіктігі", "құйылған су", "жол ұзындығы"], ["литр", "сантиметр", "километр"]),
           "ru": ("Сопоставь величину с единицей измерения.",
                  ["высота дерева", "вылитая вода", "длина дороги"], ["литр", "сантиметр", "километр"]),
           "en": ("Match each quantity with its unit.",
                  ["the height of a tree", "the water poured", "the length of a road"],
                  ["litre", "centimetre", "kilometre"])},
    "m4": {"kk": ("Сөйлемді толықтыр.", ["1 метр = ", " сантиметр, ал 2 литр = ", " миллилитр."]),
           "ru": ("Дополни предложение.", ["1 метр = ", " сантиметров, а 2 литра = ", " миллилитров."]),
           "en": ("Complete the sentence.", ["1 metre = ", " centimetres, and 2 litres = ",
                                             " millilitres."])},
    "s1": {"kk": ("Ерігіштік кестесін пайдалан. Қай тұз суда ерімейді?", ["NaCl", "KNO₃", "BaSO₄", "CuSO₄"]),
           "ru": ("Воспользуйся таблицей растворимости. Какая соль не растворяется в воде?",
                  ["NaCl", "KNO₃", "BaSO₄", "CuSO₄"]),
           "en": ("Use the solubility table. Which salt does not dissolve in water?",
                  ["NaCl", "KNO₃", "BaSO₄", "CuSO₄"])},
    "s2": {"kk": ("Сөздерді орнына қой.", ["Қыста ", " жауады, көктемде өзендегі ", " ериді."],
                  ["қар", "мұз", "жапырақ"]),
           "ru": ("Поставь слова на место.", ["Зимой идёт ", ", а весной на реке тает ", "."],
                  ["снег", "лёд", "листва"]),
           "en": ("Put the words in their places.", ["In winter ", " falls, and in spring the ",
                                                     " on the river melts."], ["snow", "ice", "leaves"])},
    "s3": {"kk": ("Мағынасы жақын сөздерді жұпта.", ["үлкен", "жылдам", "зор", "тез"]),
           "ru": ("Составь пары слов, близких по смыслу.", ["большой", "быстрый", "огромный", "скорый"]),
           "en": ("Pair the words with close meanings.", ["big", "fast", "huge", "quick"])},
    "chart_title": {"kk": "Көшеттердің өсуі", "ru": "Рост саженцев", "en": "How the seedlings grew"},
    "chart_alt": {"kk": "Бағаналы диаграмма: қайың 75 см, өрік 40 см, терек 55 см өсті.",
                  "ru": "Столбчатая диаграмма: берёза выросла на 75 см, абрикос на 40 см, тополь на 55 см.",
                  "en": "Bar chart: the birch grew 75 cm, the apricot 40 cm, the poplar 55 cm."},
    "s4": {"kk": ("Диаграмма бойынша қай ағаш ең көп өсті?", ["Қайың", "Өрік", "Терек"]),
           "ru": ("Какое дерево по диаграмме выросло больше всех?", ["Берёза", "Абрикос", "Тополь"]),
           "en": ("According to the chart, which tree grew the most?", ["The birch", "The apricot",
                                                                        "The poplar"])},
}


@lru_cache(maxsize=1)
def chart_png() -> str:
    """A small bar chart (three bars), drawn without any library: base64 PNG."""
    width, height = 240, 140
    bars = [(30, 75, (21, 101, 192)), (100, 40, (179, 71, 0)), (170, 55, (27, 94, 32))]
    rows = []
    for y in range(height):
        row = bytearray(b"\x00")  # filter: none
        for x in range(width):
            colour = (255, 255, 255)
            if y == height - 10 or x == 10:
                colour = (40, 40, 40)
            for left, grown, rgb in bars:
                if left <= x < left + 45 and height - 10 - grown * 1.5 <= y < height - 10:
                    colour = rgb
            row += bytes(colour)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
           + chunk(b"IDAT", zlib.compress(b"".join(rows), 9)) + chunk(b"IEND", b""))
    return base64.b64encode(png).decode()


def _options(texts: list[str]) -> list[dict[str, str]]:
    return [{"id": "abcdefgh"[i], "text": text} for i, text in enumerate(texts)]


def sample_content(lang: str = "kk", with_keys: bool = False) -> dict[str, Any]:
    """The sample test in `lang`: the public form a kiosk receives, or with its keys."""
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}")
    T = {key: value[lang] for key, value in _T.items()}
    header, rows = T["water_table"]
    m3_left, m3_right = T["m3"][1], T["m3"][2]
    m4 = T["m4"][1]
    s2 = T["s2"]
    items_reading = [
        {"id": "r1", "type": "single_choice", "prompt": T["r1"][0], "points": 1, "context": "ctx-garden",
         "options": _options(T["r1"][1]), "correct": ["a"]},
        {"id": "r2", "type": "multiple_choice", "prompt": T["r2"][0], "points": 2, "context": "ctx-garden",
         "options": _options(T["r2"][1]), "max_choices": 2, "correct": ["a", "b"]},
        {"id": "r3", "type": "text_entry", "prompt": T["r3"][0], "points": 1, "context": "ctx-garden",
         "max_length": 40, "accepted": [T["r3"][1]]},
        {"id": "r4", "type": "ordering", "prompt": T["r4"][0], "points": 1,
         "options": _options(T["r4"][1]), "correct": ["b", "c", "a"]},
    ]
    items_math = [
        {"id": "m1", "type": "numeric", "prompt": T["m1"][0], "points": 1, "context": "ctx-water",
         "unit": T["m1"][1], "value": 6, "tolerance": 0},
        {"id": "m2", "type": "single_choice", "prompt": T["m2"][0], "points": 1,
         "options": _options(T["m2"][1]), "correct": ["b"]},
        {"id": "m3", "type": "matching", "prompt": T["m3"][0], "points": 3,
         "left": [{"id": f"L{i + 1}", "text": x} for i, x in enumerate(m3_left)],
         "right": [{"id": f"R{i + 1}", "text": x} for i, x in enumerate(m3_right)],
         "max_per_left": 1, "max_per_right": 1, "correct": [["L1", "R2"], ["L2", "R1"], ["L3", "R3"]]},
        {"id": "m4", "type": "inline_choice", "prompt": T["m4"][0], "points": 2,
         "segments": [m4[0], {"gap": "g1"}, m4[1], {"gap": "g2"}, m4[2]],
         "gaps": [{"id": "g1", "options": [{"id": "a", "text": "10"}, {"id": "b", "text": "100"},
                                           {"id": "c", "text": "1000"}], "correct": "b"},
                  {"id": "g2", "input": "numeric", "expected_length": 4, "value": 2000}]},
    ]
    items_science = [
        {"id": "s1", "type": "single_choice", "prompt": T["s1"][0], "points": 1,
         "options": _options(T["s1"][1]), "correct": ["c"]},
        {"id": "s2", "type": "gap_match", "prompt": s2[0], "points": 2,
         "segments": [s2[1][0], {"gap": "G1"}, s2[1][1], {"gap": "G2"}, s2[1][2]],
         "gaps": [{"id": "G1"}, {"id": "G2"}],
         "choices": [{"id": f"W{i + 1}", "text": x, "max_uses": 1} for i, x in enumerate(s2[2])],
         "correct": {"G1": "W1", "G2": "W2"}},
        {"id": "s3", "type": "association", "prompt": T["s3"][0], "points": 2,
         "options": [{"id": "ABCD"[i], "text": x, "max_uses": 1} for i, x in enumerate(T["s3"][1])],
         "max_associations": 2, "correct": [["A", "C"], ["B", "D"]]},
        {"id": "s4", "type": "single_choice", "prompt": T["s4"][0], "points": 1, "context": "ctx-chart",
         "options": _options(T["s4"][1]), "correct": ["a"]},
    ]
    content = {
        "exam_id": f"sample-g9-{lang}", "title": T["title"], "grade": "9", "language": lang,
        "variant": "0901", "duration_minutes": 90, "warnings_minutes": [10, 5],
        "reference_tables": ["periodic_table", "solubility_table"],
        "sections": [
            {"id": "reading", "direction": "reading_literacy", "title": T["reading"],
             "contexts": [{"id": "ctx-garden", "kind": "passage", "title": T["garden_title"],
                           "text": T["garden"]}],
             "items": items_reading},
            {"id": "math", "direction": "mathematical_literacy", "title": T["math"],
             "contexts": [{"id": "ctx-water", "kind": "table", "title": T["water_title"],
                           "text": T["water_text"], "table": {"header": header, "rows": rows}}],
             "items": items_math},
            {"id": "science", "direction": "science_literacy", "title": T["science"],
             "contexts": [{"id": "ctx-chart", "kind": "picture", "title": T["chart_title"],
                           "image": {"media_type": "image/png", "data": chart_png(),
                                     "alt": T["chart_alt"], "width": 240, "height": 140}}],
             "items": items_science},
        ],
    }
    if not with_keys:
        for section in content["sections"]:
            for item in section["items"]:
                for key in ("correct", "accepted", "value", "tolerance"):
                    item.pop(key, None)
                for gap in item.get("gaps", []):
                    for key in ("correct", "accepted", "value", "tolerance"):
                        gap.pop(key, None)
    return copy.deepcopy(content)


def sample_student(lang: str = "kk") -> dict[str, str]:
    names = {"kk": "Сәрсенбай Ұлжан Қайратқызы", "ru": "Сарсенбай Улжан Кайратовна",
             "en": "Ulzhan Sarsenbay"}
    return {"full_name": names[lang], "individual_code": "40719313", "seat": "07", "language": lang}
