"""The periodic table (the allowed reference of §20), as data: number, symbol, mass, names.

Written for this project. Masses are the rounded standard atomic weights a school table shows;
for elements without a stable isotope the mass number of the longest-lived isotope is given in
brackets. Names: English and Russian as usual; Kazakh follows the Russian name except where
Kazakh has its own word (Сутегі, Оттегі, Көміртегі, Күкірт, Темір, Мыс, Мырыш, Күміс, Қалайы,
Сүрме, Алтын, Сынап, Қорғасын). Layout: the long form of 18 groups, lanthanides and actinides in
two rows below.
"""

from __future__ import annotations

from dataclasses import dataclass

# Z | symbol | mass | English | Russian
_DATA = """\
1|H|1,008|Hydrogen|Водород
2|He|4,003|Helium|Гелий
3|Li|6,94|Lithium|Литий
4|Be|9,012|Beryllium|Бериллий
5|B|10,81|Boron|Бор
6|C|12,011|Carbon|Углерод
7|N|14,007|Nitrogen|Азот
8|O|15,999|Oxygen|Кислород
9|F|18,998|Fluorine|Фтор
10|Ne|20,180|Neon|Неон
11|Na|22,990|Sodium|Натрий
12|Mg|24,305|Magnesium|Магний
13|Al|26,982|Aluminium|Алюминий
14|Si|28,085|Silicon|Кремний
15|P|30,974|Phosphorus|Фосфор
16|S|32,06|Sulfur|Сера
17|Cl|35,45|Chlorine|Хлор
18|Ar|39,95|Argon|Аргон
19|K|39,098|Potassium|Калий
20|Ca|40,078|Calcium|Кальций
21|Sc|44,956|Scandium|Скандий
22|Ti|47,867|Titanium|Титан
23|V|50,942|Vanadium|Ванадий
24|Cr|51,996|Chromium|Хром
25|Mn|54,938|Manganese|Марганец
26|Fe|55,845|Iron|Железо
27|Co|58,933|Cobalt|Кобальт
28|Ni|58,693|Nickel|Никель
29|Cu|63,546|Copper|Медь
30|Zn|65,38|Zinc|Цинк
31|Ga|69,723|Gallium|Галлий
32|Ge|72,630|Germanium|Германий
33|As|74,922|Arsenic|Мышьяк
34|Se|78,971|Selenium|Селен
35|Br|79,904|Bromine|Бром
36|Kr|83,798|Krypton|Криптон
37|Rb|85,468|Rubidium|Рубидий
38|Sr|87,62|Strontium|Стронций
39|Y|88,906|Yttrium|Иттрий
40|Zr|91,224|Zirconium|Цирконий
41|Nb|92,906|Niobium|Ниобий
42|Mo|95,95|Molybdenum|Молибден
43|Tc|[98]|Technetium|Технеций
44|Ru|101,07|Ruthenium|Рутений
45|Rh|102,91|Rhodium|Родий
46|Pd|106,42|Palladium|Палладий
47|Ag|107,87|Silver|Серебро
48|Cd|112,41|Cadmium|Кадмий
49|In|114,82|Indium|Индий
50|Sn|118,71|Tin|Олово
51|Sb|121,76|Antimony|Сурьма
52|Te|127,60|Tellurium|Теллур
53|I|126,90|Iodine|Иод
54|Xe|131,29|Xenon|Ксенон
55|Cs|132,91|Caesium|Цезий
56|Ba|137,33|Barium|Барий
57|La|138,91|Lanthanum|Лантан
58|Ce|140,12|Cerium|Церий
59|Pr|140,91|Praseodymium|Празеодим
60|Nd|144,24|Neodymium|Неодим
61|Pm|[145]|Promethium|Прометий
62|Sm|150,36|Samarium|Самарий
63|Eu|151,96|Europium|Европий
64|Gd|157,25|Gadolinium|Гадолиний
65|Tb|158,93|Terbium|Тербий
66|Dy|162,50|Dysprosium|Диспрозий
67|Ho|164,93|Holmium|Гольмий
68|Er|167,26|Erbium|Эрбий
69|Tm|168,93|Thulium|Тулий
70|Yb|173,05|Ytterbium|Иттербий
71|Lu|174,97|Lutetium|Лютеций
72|Hf|178,49|Hafnium|Гафний
73|Ta|180,95|Tantalum|Тантал
74|W|183,84|Tungsten|Вольфрам
75|Re|186,21|Rhenium|Рений
76|Os|190,23|Osmium|Осмий
77|Ir|192,22|Iridium|Иридий
78|Pt|195,08|Platinum|Платина
79|Au|196,97|Gold|Золото
80|Hg|200,59|Mercury|Ртуть
81|Tl|204,38|Thallium|Таллий
82|Pb|207,2|Lead|Свинец
83|Bi|208,98|Bismuth|Висмут
84|Po|[209]|Polonium|Полоний
85|At|[210]|Astatine|Астат
86|Rn|[222]|Radon|Радон
87|Fr|[223]|Francium|Франций
88|Ra|[226]|Radium|Радий
89|Ac|[227]|Actinium|Актиний
90|Th|232,04|Thorium|Торий
91|Pa|231,04|Protactinium|Протактиний
92|U|238,03|Uranium|Уран
93|Np|[237]|Neptunium|Нептуний
94|Pu|[244]|Plutonium|Плутоний
95|Am|[243]|Americium|Америций
96|Cm|[247]|Curium|Кюрий
97|Bk|[247]|Berkelium|Берклий
98|Cf|[251]|Californium|Калифорний
99|Es|[252]|Einsteinium|Эйнштейний
100|Fm|[257]|Fermium|Фермий
101|Md|[258]|Mendelevium|Менделевий
102|No|[259]|Nobelium|Нобелий
103|Lr|[266]|Lawrencium|Лоуренсий
104|Rf|[267]|Rutherfordium|Резерфордий
105|Db|[268]|Dubnium|Дубний
106|Sg|[269]|Seaborgium|Сиборгий
107|Bh|[270]|Bohrium|Борий
108|Hs|[269]|Hassium|Хассий
109|Mt|[278]|Meitnerium|Мейтнерий
110|Ds|[281]|Darmstadtium|Дармштадтий
111|Rg|[282]|Roentgenium|Рентгений
112|Cn|[285]|Copernicium|Коперниций
113|Nh|[286]|Nihonium|Нихоний
114|Fl|[289]|Flerovium|Флеровий
115|Mc|[290]|Moscovium|Московий
116|Lv|[293]|Livermorium|Ливерморий
117|Ts|[294]|Tennessine|Теннессин
118|Og|[294]|Oganesson|Оганесон
"""

_KAZAKH = {
    "H": "Сутегі", "C": "Көміртегі", "O": "Оттегі", "S": "Күкірт", "Fe": "Темір", "Cu": "Мыс",
    "Zn": "Мырыш", "Ag": "Күміс", "Sn": "Қалайы", "Sb": "Сүрме", "Au": "Алтын", "Hg": "Сынап",
    "Pb": "Қорғасын", "I": "Йод",
}

# Where each period begins and ends, by atomic number.
_PERIODS = ((1, 2), (3, 10), (11, 18), (19, 36), (37, 54), (55, 86), (87, 118))
LANTHANIDES = range(57, 72)
ACTINIDES = range(89, 104)


@dataclass(frozen=True)
class Element:
    number: int
    symbol: str
    mass: str  # as printed: a decimal comma, or a mass number in brackets
    names: dict[str, str]
    period: int
    group: int | None  # 1..18; None for the lanthanides and actinides after La and Ac
    row: int  # the row of the drawn table: 0..6 the periods, 7 and 8 the f-block rows
    column: int  # 0..17

    @property
    def block(self) -> str:
        if self.number in LANTHANIDES or self.number in ACTINIDES:
            return "f"
        if self.group in (1, 2) or self.number == 2:
            return "s"
        if self.group is not None and 3 <= self.group <= 12:
            return "d"
        return "p"


def _place(z: int) -> tuple[int, int | None, int, int]:
    period = next(p for p, (first, last) in enumerate(_PERIODS, start=1) if first <= z <= last)
    first = _PERIODS[period - 1][0]
    offset = z - first
    if period == 1:
        group = 1 if z == 1 else 18
    elif period in (2, 3):
        group = offset + 1 if offset < 2 else offset + 11
    elif period in (4, 5):
        group = offset + 1
    else:  # 6 and 7: two s, then the f row (La..Yb / Ac..No drawn below), then d and p
        f_first = 57 if period == 6 else 89
        if z < f_first:
            group = offset + 1
        elif f_first <= z < f_first + 15:
            return period, None, 7 if period == 6 else 8, 2 + (z - f_first)
        else:
            group = z - (f_first + 15) + 4
    return period, group, period - 1, group - 1


def _elements() -> tuple[Element, ...]:
    out = []
    for line in _DATA.splitlines():
        z, symbol, mass, en, ru = line.split("|")
        number = int(z)
        period, group, row, column = _place(number)
        out.append(Element(number, symbol, mass, {"en": en, "ru": ru, "kk": _KAZAKH.get(symbol, ru)},
                           period, group, row, column))
    return tuple(out)


ELEMENTS: tuple[Element, ...] = _elements()
