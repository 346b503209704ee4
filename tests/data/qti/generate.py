"""Writes the QTI test data: our own items in QTI 2.1, 2.2 and 3.0 form, and content packages laid
out the way TAO, Canvas and Moodle export them. Run it to regenerate; the files are committed.

    .venv/bin/python tests/data/qti/generate.py

`expected.json` holds, per item, the facts `items import` must report and the score for each
response, worked out by hand from the item's response processing (not by running our importer).
QTI 3.0 files are derived from the 2.x text mechanically (qti- prefix, kebab-case names), which is
exactly the renaming QTI 3.0 made; `packages/tao_qti30` also holds hand-written 3.0 items.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from xml.etree import ElementTree as ET

HERE = Path(__file__).parent
NS = {"2.1": "http://www.imsglobal.org/xsd/imsqti_v2p1", "2.2": "http://www.imsglobal.org/xsd/imsqti_v2p2",
      "3.0": "http://www.imsglobal.org/xsd/imsqtiasi_v3p0"}
XSD = {"2.1": "http://www.imsglobal.org/xsd/qti/qtiv2p1/imsqti_v2p1.xsd",
       "2.2": "http://www.imsglobal.org/xsd/qti/qtiv2p2/imsqti_v2p2.xsd",
       "3.0": "https://purl.imsglobal.org/spec/qti/v3p0/schema/xsd/imsqti_asiv3p0_v1p0.xsd"}
TEMPLATE = {"2.1": "http://www.imsglobal.org/question/qti_v2p1/rptemplates/{}",
            "2.2": "http://www.imsglobal.org/question/qti_v2p2/rptemplates/{}",
            "3.0": "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/{}.xml"}
HTML = {"p", "div", "span", "b", "strong", "em", "i", "br", "img", "table", "tr", "td", "th", "tbody",
        "thead", "ul", "ol", "li", "sup", "sub", "object", "h1", "h2", "h3", "caption", "blockquote"}

# Each item: body (2.x, with {RP} for the processing), the facts import must report, and scores.
ITEMS: dict[str, dict] = {}


def item(name, ident, title, lang, decls, body, rp, expect, scores):
    ITEMS[name] = dict(ident=ident, title=title, lang=lang, decls=decls, body=body, rp=rp,
                       expect=expect, scores=scores)


SCORE = '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>'
MAXSCORE = ('<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
            '<defaultValue><value>{}</value></defaultValue></outcomeDeclaration>')


def template(name):
    return f'<responseProcessing template="{{TEMPLATE:{name}}}"/>'


item("choice_single", "choice-single", "Capital city", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
     '<correctResponse><value>B</value></correctResponse></responseDeclaration>' + SCORE,
     '<p>Kazakhstan moved its capital in 1997.</p>'
     '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="1">'
     '<prompt>Which city is the capital of Kazakhstan today?</prompt>'
     '<simpleChoice identifier="A">Almaty</simpleChoice><simpleChoice identifier="B">Astana</simpleChoice>'
     '<simpleChoice identifier="C" fixed="true">Shymkent</simpleChoice></choiceInteraction>',
     template("match_correct"),
     dict(interaction="choiceInteraction", cardinality="single", base_type="identifier",
          correct_response="B", max_score=1.0, type="single_choice"),
     [["B", 1.0], ["A", 0.0], [None, 0.0], [["B"], 0.0]])

item("choice_multiple_map", "choice-multiple-map", "Renewable sources", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
     '<correctResponse><value>A</value><value>C</value><value>D</value></correctResponse>'
     '<mapping lowerBound="0" upperBound="2" defaultValue="-0.5">'
     '<mapEntry mapKey="A" mappedValue="1"/><mapEntry mapKey="C" mappedValue="0.5"/>'
     '<mapEntry mapKey="D" mappedValue="1"/><mapEntry mapKey="B" mappedValue="-1"/></mapping>'
     '</responseDeclaration>' + SCORE,
     '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="0">'
     '<prompt>Which of these are renewable sources of energy?</prompt>'
     '<simpleChoice identifier="A">Wind</simpleChoice><simpleChoice identifier="B">Coal</simpleChoice>'
     '<simpleChoice identifier="C">Water in rivers</simpleChoice><simpleChoice identifier="D">Sunlight</simpleChoice>'
     '<simpleChoice identifier="E">Natural gas</simpleChoice></choiceInteraction>',
     template("map_response"),
     dict(interaction="choiceInteraction", cardinality="multiple", base_type="identifier",
          correct_response=["A", "C", "D"], max_score=2.0, type="multiple_choice"),
     # A+C+D = 2.5 → upper bound 2; A+D = 2; A = 1; A+E (default −0.5) = 0.5; B = −1 → lower bound 0;
     # a value counted once even when repeated: A,A = 1; NULL → 0 (template's isNull branch).
     [[["A", "C", "D"], 2.0], [["A", "D"], 2.0], [["A"], 1.0], [["A", "E"], 0.5], [["B"], 0.0],
      [["A", "A"], 1.0], [[], 0.0], [None, 0.0], [["C", "E"], 0.0]])

item("choice_multiple_match", "choice-multiple-match", "Mammals", "ru",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
     '<correctResponse><value>K</value><value>D</value></correctResponse></responseDeclaration>' + SCORE,
     '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="2" minChoices="1">'
     '<prompt>Выберите двух млекопитающих.</prompt>'
     '<simpleChoice identifier="K">Кит</simpleChoice><simpleChoice identifier="A">Акула</simpleChoice>'
     '<simpleChoice identifier="D">Дельфин</simpleChoice><simpleChoice identifier="S">Скат</simpleChoice>'
     '</choiceInteraction>',
     template("match_correct"),
     dict(interaction="choiceInteraction", cardinality="multiple", base_type="identifier",
          correct_response=["K", "D"], max_score=1.0, type="multiple_choice"),
     [[["D", "K"], 1.0], [["K", "D"], 1.0], [["K"], 0.0], [["K", "D", "A"], 0.0], [[], 0.0]])

item("order", "order-planets", "Planets by distance", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="ordered" baseType="identifier">'
     '<correctResponse><value>ME</value><value>VE</value><value>EA</value><value>MA</value></correctResponse>'
     '</responseDeclaration>' + SCORE,
     '<orderInteraction responseIdentifier="RESPONSE" shuffle="true">'
     '<prompt>Put the planets in order, nearest to the Sun first.</prompt>'
     '<simpleChoice identifier="EA">Earth</simpleChoice><simpleChoice identifier="MA">Mars</simpleChoice>'
     '<simpleChoice identifier="ME">Mercury</simpleChoice><simpleChoice identifier="VE">Venus</simpleChoice>'
     '</orderInteraction>',
     template("match_correct"),
     dict(interaction="orderInteraction", cardinality="ordered", base_type="identifier",
          correct_response=["ME", "VE", "EA", "MA"], max_score=1.0, type="ordering"),
     [[["ME", "VE", "EA", "MA"], 1.0], [["VE", "ME", "EA", "MA"], 0.0], [["ME", "VE", "EA"], 0.0]])

item("match", "match-rivers", "Rivers and seas", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">'
     '<correctResponse><value>IR KA</value><value>UR CA</value><value>SY AR</value></correctResponse>'
     '<mapping defaultValue="0" upperBound="3">'
     '<mapEntry mapKey="IR KA" mappedValue="1"/><mapEntry mapKey="UR CA" mappedValue="1"/>'
     '<mapEntry mapKey="SY AR" mappedValue="1"/><mapEntry mapKey="IR AR" mappedValue="-0.5"/></mapping>'
     '</responseDeclaration>' + SCORE,
     '<matchInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="3">'
     '<prompt>Match each river with where it flows.</prompt>'
     '<simpleMatchSet><simpleAssociableChoice identifier="IR" matchMax="1">Irtysh</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="UR" matchMax="1">Ural</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="SY" matchMax="1">Syr Darya</simpleAssociableChoice></simpleMatchSet>'
     '<simpleMatchSet><simpleAssociableChoice identifier="KA" matchMax="3">Kara Sea (via the Ob)</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="CA" matchMax="3">Caspian Sea</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="AR" matchMax="3">Aral Sea</simpleAssociableChoice></simpleMatchSet>'
     '</matchInteraction>',
     template("map_response"),
     dict(interaction="matchInteraction", cardinality="multiple", base_type="directedPair",
          correct_response=[["IR", "KA"], ["UR", "CA"], ["SY", "AR"]], max_score=3.0, type="matching"),
     # directedPair is ordered: KA IR is not IR KA and maps to the default 0.
     [[[["IR", "KA"], ["UR", "CA"], ["SY", "AR"]], 3.0], [[["IR", "KA"], ["UR", "CA"]], 2.0],
      [[["KA", "IR"], ["UR", "CA"]], 1.0], [[["IR", "AR"], ["UR", "CA"]], 0.5], [None, 0.0]])

item("associate", "associate-synonyms", "Synonyms", "kk",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="pair">'
     '<correctResponse><value>A B</value><value>C D</value></correctResponse>'
     '<mapping defaultValue="-1" lowerBound="0">'
     '<mapEntry mapKey="A B" mappedValue="1"/><mapEntry mapKey="C D" mappedValue="1"/></mapping>'
     '</responseDeclaration>' + SCORE,
     '<associateInteraction responseIdentifier="RESPONSE" shuffle="true" maxAssociations="2">'
     '<prompt>Мағынасы жақын сөздерді жұпта.</prompt>'
     '<simpleAssociableChoice identifier="A" matchMax="1">үлкен</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="B" matchMax="1">зор</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="C" matchMax="1">жылдам</simpleAssociableChoice>'
     '<simpleAssociableChoice identifier="D" matchMax="1">тез</simpleAssociableChoice>'
     '</associateInteraction>',
     template("map_response"),
     dict(interaction="associateInteraction", cardinality="multiple", base_type="pair",
          correct_response=[["A", "B"], ["C", "D"]], max_score=2.0, type="association"),
     # pair is unordered: B A is A B. A wrong pair maps to the default −1, bounded below by 0.
     [[[["A", "B"], ["C", "D"]], 2.0], [[["B", "A"], ["D", "C"]], 2.0], [[["A", "B"]], 1.0],
      [[["A", "B"], ["A", "C"]], 0.0], [[["A", "C"]], 0.0]])

item("gap_match", "gapmatch-seasons", "Seasons", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="directedPair">'
     '<correctResponse><value>W1 G1</value><value>W2 G2</value></correctResponse></responseDeclaration>' + SCORE,
     '<gapMatchInteraction responseIdentifier="RESPONSE" shuffle="false">'
     '<prompt>Drag the words into the gaps.</prompt>'
     '<gapText identifier="W1" matchMax="1">snow</gapText><gapText identifier="W2" matchMax="1">leaves</gapText>'
     '<gapText identifier="W3" matchMax="1">sand</gapText>'
     '<p>In winter <gap identifier="G1"/> falls; in autumn the <gap identifier="G2"/> turn yellow.</p>'
     '</gapMatchInteraction>',
     template("match_correct"),
     dict(interaction="gapMatchInteraction", cardinality="multiple", base_type="directedPair",
          correct_response=[["W1", "G1"], ["W2", "G2"]], max_score=1.0, type="gap_match"),
     [[[["W1", "G1"], ["W2", "G2"]], 1.0], [[["W2", "G2"], ["W1", "G1"]], 1.0],
      [[["G1", "W1"], ["W2", "G2"]], 0.0], [[["W1", "G1"]], 0.0]])

item("text_entry_map", "textentry-map", "Chemical symbol", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">'
     '<correctResponse><value>Fe</value></correctResponse>'
     '<mapping defaultValue="0"><mapEntry mapKey="Fe" mappedValue="2" caseSensitive="true"/>'
     '<mapEntry mapKey="iron" mappedValue="1" caseSensitive="false"/></mapping>'
     '</responseDeclaration>' + SCORE,
     '<p>The chemical symbol of iron is <textEntryInteraction responseIdentifier="RESPONSE" expectedLength="4"/>.</p>',
     template("map_response"),
     dict(interaction="textEntryInteraction", cardinality="single", base_type="string",
          correct_response="Fe", max_score=2.0, type="text_entry"),
     [["Fe", 2.0], ["fe", 0.0], ["IRON", 1.0], ["Iron", 1.0], ["Cu", 0.0], ["", 0.0], [None, 0.0]])

item("text_entry_float", "textentry-float", "Speed", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="float">'
     '<correctResponse><value>12.5</value></correctResponse></responseDeclaration>' + SCORE
     + MAXSCORE.format(1),
     '<p>A cyclist rides 50 km in 4 hours. Average speed in km/h: '
     '<textEntryInteraction responseIdentifier="RESPONSE" expectedLength="5"/></p>',
     '<responseProcessing><responseCondition><responseIf><equal toleranceMode="absolute" tolerance="0.1 0.1">'
     '<correct identifier="RESPONSE"/><variable identifier="RESPONSE"/></equal>'
     '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">1</baseValue></setOutcomeValue>'
     '</responseIf><responseElse><setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue>'
     '</setOutcomeValue></responseElse></responseCondition></responseProcessing>',
     dict(interaction="textEntryInteraction", cardinality="single", base_type="float",
          correct_response=12.5, max_score=1.0, type="numeric"),
     # equal with NULL is NULL, and a NULL condition is not true: the else branch runs.
     [["12.5", 1.0], [12.5, 1.0], ["12.58", 1.0], ["12.7", 0.0], ["12,5", 1.0], ["twelve", 0.0], [None, 0.0]])

item("inline_choice", "inline-single", "Boiling point", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
     '<correctResponse><value>H</value></correctResponse></responseDeclaration>' + SCORE,
     '<p>At sea level water boils at <inlineChoiceInteraction responseIdentifier="RESPONSE" shuffle="false">'
     '<inlineChoice identifier="Z">0 °C</inlineChoice><inlineChoice identifier="H">100 °C</inlineChoice>'
     '<inlineChoice identifier="T">37 °C</inlineChoice></inlineChoiceInteraction>.</p>',
     template("match_correct"),
     dict(interaction="inlineChoiceInteraction", cardinality="single", base_type="identifier",
          correct_response="H", max_score=1.0, type="inline_choice"),
     [["H", 1.0], ["Z", 0.0], [None, 0.0]])

item("inline_multi_custom", "inline-multi", "Day and night", "en",
     '<responseDeclaration identifier="G1" cardinality="single" baseType="identifier">'
     '<correctResponse><value>E</value></correctResponse></responseDeclaration>'
     '<responseDeclaration identifier="G2" cardinality="single" baseType="identifier">'
     '<correctResponse><value>W</value></correctResponse></responseDeclaration>'
     '<responseDeclaration identifier="G3" cardinality="single" baseType="string">'
     '<correctResponse><value>Earth</value></correctResponse></responseDeclaration>' + SCORE,
     '<p>The Sun rises in the <inlineChoiceInteraction responseIdentifier="G1"><inlineChoice identifier="E">east</inlineChoice>'
     '<inlineChoice identifier="W">west</inlineChoice></inlineChoiceInteraction> and sets in the '
     '<inlineChoiceInteraction responseIdentifier="G2"><inlineChoice identifier="E">east</inlineChoice>'
     '<inlineChoice identifier="W">west</inlineChoice></inlineChoiceInteraction> because the '
     '<textEntryInteraction responseIdentifier="G3" expectedLength="8"/> turns.</p>',
     '<responseProcessing>'
     '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>'
     '<responseCondition><responseIf><match><variable identifier="G1"/><correct identifier="G1"/></match>'
     '<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue>'
     '</responseIf></responseCondition>'
     '<responseCondition><responseIf><match><variable identifier="G2"/><correct identifier="G2"/></match>'
     '<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue>'
     '</responseIf></responseCondition>'
     '<responseCondition><responseIf><stringMatch caseSensitive="false"><variable identifier="G3"/><correct identifier="G3"/></stringMatch>'
     '<setOutcomeValue identifier="SCORE"><sum><variable identifier="SCORE"/><baseValue baseType="float">1</baseValue></sum></setOutcomeValue>'
     '</responseIf></responseCondition>'
     '</responseProcessing>',
     dict(interaction="inlineChoiceInteraction", cardinality=None, base_type=None,
          correct_response={"G1": "E", "G2": "W", "G3": "Earth"}, max_score=3.0, type="inline_choice"),
     [[{"G1": "E", "G2": "W", "G3": "earth"}, 3.0], [{"G1": "E", "G2": "E", "G3": "Earth"}, 2.0],
      [{"G1": "E"}, 1.0], [{}, 0.0], [{"G3": "Moon"}, 0.0]])

item("custom_operators", "custom-operators", "Prime numbers", "en",
     '<responseDeclaration identifier="RESPONSE" cardinality="multiple" baseType="identifier">'
     '<correctResponse><value>P2</value><value>P3</value><value>P5</value></correctResponse>'
     '<mapping defaultValue="0"><mapEntry mapKey="P2" mappedValue="1"/><mapEntry mapKey="P3" mappedValue="1"/>'
     '<mapEntry mapKey="P5" mappedValue="1"/></mapping></responseDeclaration>'
     + SCORE + MAXSCORE.format(3) +
     '<outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>',
     '<choiceInteraction responseIdentifier="RESPONSE" shuffle="true" maxChoices="0">'
     '<prompt>Tick every prime number.</prompt>'
     '<simpleChoice identifier="P2">2</simpleChoice><simpleChoice identifier="P3">3</simpleChoice>'
     '<simpleChoice identifier="N4">4</simpleChoice><simpleChoice identifier="P5">5</simpleChoice>'
     '<simpleChoice identifier="N9">9</simpleChoice></choiceInteraction>',
     # Blank: 0. Ticking 9 (a common slip) or ticking everything: 0. All three primes and nothing
     # else: 3. Otherwise one point per prime minus one per non-prime, never below 0.
     '<responseProcessing><responseCondition>'
     '<responseIf><isNull><variable identifier="RESPONSE"/></isNull>'
     '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue>'
     '<setOutcomeValue identifier="FEEDBACK"><baseValue baseType="identifier">BLANK</baseValue></setOutcomeValue></responseIf>'
     '<responseElseIf><or><member><baseValue baseType="identifier">N9</baseValue><variable identifier="RESPONSE"/></member>'
     '<gte><containerSize><variable identifier="RESPONSE"/></containerSize><baseValue baseType="integer">5</baseValue></gte></or>'
     '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue></responseElseIf>'
     '<responseElseIf><and><match><variable identifier="RESPONSE"/><correct identifier="RESPONSE"/></match>'
     '<not><isNull><variable identifier="RESPONSE"/></isNull></not></and>'
     '<setOutcomeValue identifier="SCORE"><variable identifier="MAXSCORE"/></setOutcomeValue></responseElseIf>'
     '<responseElse><setOutcomeValue identifier="SCORE"><subtract><mapResponse identifier="RESPONSE"/>'
     '<containerSize><delete><baseValue baseType="identifier">P2</baseValue><delete><baseValue baseType="identifier">P3</baseValue>'
     '<delete><baseValue baseType="identifier">P5</baseValue><variable identifier="RESPONSE"/></delete></delete></delete></containerSize>'
     '</subtract></setOutcomeValue>'
     '<responseCondition><responseIf><lt><variable identifier="SCORE"/><baseValue baseType="float">0</baseValue></lt>'
     '<setOutcomeValue identifier="SCORE"><baseValue baseType="float">0</baseValue></setOutcomeValue></responseIf></responseCondition>'
     '</responseElse></responseCondition></responseProcessing>',
     dict(interaction="choiceInteraction", cardinality="multiple", base_type="identifier",
          correct_response=["P2", "P3", "P5"], max_score=3.0, type="multiple_choice"),
     [[["P2", "P3", "P5"], 3.0], [["P2", "P3"], 2.0], [["P2", "P3", "N4"], 1.0], [["P2", "N4"], 0.0],
      [["P2", "P3", "P5", "N9"], 0.0], [None, 0.0], [["N4"], 0.0]])

UNSUPPORTED = {
    "hotspot": ('<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
                '<correctResponse><value>H1</value></correctResponse></responseDeclaration>' + SCORE,
                '<hotspotInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Click the lake.</prompt>'
                '<object type="image/png" data="map.png" width="10" height="10"/>'
                '<hotspotChoice identifier="H1" shape="circle" coords="5,5,2"/></hotspotInteraction>',
                template("match_correct"), "hotspotInteraction is not supported"),
    "map_response_point": ('<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="point">'
                           '<areaMapping defaultValue="0"><areaMapEntry shape="circle" coords="5,5,2" mappedValue="1"/></areaMapping>'
                           '</responseDeclaration>' + SCORE,
                           '<selectPointInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Mark Astana.</prompt>'
                           '<object type="image/png" data="map.png" width="10" height="10"/></selectPointInteraction>',
                           template("map_response_point"), "selectPointInteraction is not supported"),
    "custom_operator": ('<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
                        '<correctResponse><value>A</value></correctResponse></responseDeclaration>' + SCORE,
                        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Pick A.</prompt>'
                        '<simpleChoice identifier="A">A</simpleChoice><simpleChoice identifier="B">B</simpleChoice></choiceInteraction>',
                        '<responseProcessing><setOutcomeValue identifier="SCORE"><customOperator class="com.example.Magic">'
                        '<variable identifier="RESPONSE"/></customOperator></setOutcomeValue></responseProcessing>',
                        "the operator <customOperator> is not supported"),
    "random": ('<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
               '<correctResponse><value>A</value></correctResponse></responseDeclaration>' + SCORE,
               '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Luck.</prompt>'
               '<simpleChoice identifier="A">A</simpleChoice><simpleChoice identifier="B">B</simpleChoice></choiceInteraction>',
               '<responseProcessing><setOutcomeValue identifier="SCORE"><randomInteger min="0" max="1"/>'
               '</setOutcomeValue></responseProcessing>', "the operator <randomInteger> is not supported"),
    "remote_template": ('<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
                        '<correctResponse><value>A</value></correctResponse></responseDeclaration>' + SCORE,
                        '<choiceInteraction responseIdentifier="RESPONSE" maxChoices="1"><prompt>Pick A.</prompt>'
                        '<simpleChoice identifier="A">A</simpleChoice><simpleChoice identifier="B">B</simpleChoice></choiceInteraction>',
                        '<responseProcessing template="https://example.org/our/own_rules.xml"/>',
                        "is not a standard template"),
}


def xml_2x(version: str, ident, title, lang, decls, body, rp) -> str:
    rp = re.sub(r"\{TEMPLATE:(\w+)\}", lambda m: TEMPLATE[version].format(m.group(1)), rp)
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<assessmentItem xmlns="{NS[version]}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            f'xsi:schemaLocation="{NS[version]} {XSD[version]}" identifier="{ident}" title="{title}" '
            f'adaptive="false" timeDependent="false" xml:lang="{lang}">\n'
            f'{decls}\n<itemBody>{body}</itemBody>\n{rp}\n</assessmentItem>\n')


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def to_v3(text_2x: str) -> str:
    """QTI 3.0 form of a 2.x item: qti- prefixed kebab-case QTI elements and attributes."""
    text_2x = text_2x.replace(NS["2.1"], NS["3.0"]).replace(XSD["2.1"], XSD["3.0"])
    for v in ("2.1", "2.2"):
        text_2x = text_2x.replace(TEMPLATE[v].format(""), TEMPLATE["3.0"].format("").removesuffix(".xml"))
    text_2x = re.sub(r"(rptemplates/\w+)\"", r'\1.xml"', text_2x)

    def element(m: re.Match) -> str:
        slash, name = m.group(1), m.group(2)
        if name in HTML or ":" in name:
            return m.group(0)
        return f"<{slash}qti-{kebab(name)}"

    text = re.sub(r"<(/?)([A-Za-z][A-Za-z0-9:]*)", element, text_2x)

    def attribute(m: re.Match) -> str:
        return f" {kebab(m.group(1))}="

    # attributes of qti- elements only (HTML keeps its names; there are no camelCase ones in ours)
    return re.sub(r" (?!xmlns|xsi:|xml:)([a-z]+[A-Z][A-Za-z]*)=", attribute, text)


MANIFEST_HEAD = ('<?xml version="1.0" encoding="UTF-8"?>\n'
                 '<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1" '
                 'xmlns:imsmd="http://ltsc.ieee.org/xsd/LOM" '
                 'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" identifier="{ident}">\n'
                 '<metadata><schema>{schema}</schema><schemaversion>{sv}</schemaversion></metadata>\n'
                 '<organizations/>\n<resources>\n')


def main() -> None:
    expected: dict[str, dict] = {}
    for version, folder in (("2.1", "v2p1"), ("2.2", "v2p2"), ("3.0", "v3p0")):
        out = HERE / folder
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir()
        for name, it in ITEMS.items():
            text = xml_2x("2.1" if version == "3.0" else version, it["ident"], it["title"], it["lang"],
                          it["decls"], it["body"], it["rp"])
            if version == "3.0":
                text = to_v3(text)
            ET.fromstring(text.encode())  # well-formed
            (out / f"{name}.xml").write_text(text, encoding="utf-8")
            expected[f"{folder}/{name}.xml"] = {"identifier": it["ident"], **it["expect"],
                                                "version": version, "scores": it["scores"]}
        for name, (decls, body, rp, error) in UNSUPPORTED.items():
            text = xml_2x("2.1" if version == "3.0" else version, f"unsupported-{name.replace('_', '-')}",
                          name, "en", decls, body, rp)
            if version == "3.0":
                text = to_v3(text)
            (out / f"unsupported_{name}.xml").write_text(text, encoding="utf-8")
            expected[f"{folder}/unsupported_{name}.xml"] = {
                "identifier": f"unsupported-{name.replace('_', '-')}", "version": version, "error": error}

    packages = HERE / "packages"
    shutil.rmtree(packages, ignore_errors=True)
    picture = (HERE / "picture.png").read_bytes()

    # TAO (QTI 2.1): items/<id>/qti.xml, LOM metadata, a test referencing the items.
    tao = packages / "tao_qti21"
    res = []
    for n, name in enumerate(("choice_single", "match", "gap_match", "text_entry_map"), start=1):
        ident = f"i{1700000000 + n}"
        folder = tao / "items" / ident
        folder.mkdir(parents=True)
        text = xml_2x("2.1", ITEMS[name]["ident"], ITEMS[name]["title"], ITEMS[name]["lang"],
                      ITEMS[name]["decls"], ITEMS[name]["body"], ITEMS[name]["rp"])
        (folder / "qti.xml").write_text(text, encoding="utf-8")
        res.append(f'<resource identifier="{ident}" type="imsqti_item_xmlv2p1" href="items/{ident}/qti.xml">'
                   f'<metadata><imsmd:lom><imsmd:general><imsmd:identifier>{ident}</imsmd:identifier>'
                   f'</imsmd:general></imsmd:lom></metadata><file href="items/{ident}/qti.xml"/></resource>')
    # an item with a picture, as TAO stores media beside the item
    folder = tao / "items" / "i1700000099"
    folder.mkdir(parents=True)
    (folder / "assets").mkdir()
    (folder / "assets" / "scales.png").write_bytes(picture)
    pic_body = ('<p>Look at the picture.</p><p><img src="assets/scales.png" alt="Scales" width="8" height="8"/></p>'
                '<choiceInteraction responseIdentifier="RESPONSE" shuffle="false" maxChoices="1">'
                '<prompt>What is shown?</prompt><simpleChoice identifier="A">Scales</simpleChoice>'
                '<simpleChoice identifier="B">A clock</simpleChoice></choiceInteraction>')
    (folder / "qti.xml").write_text(xml_2x(
        "2.1", "picture-item", "Picture", "en",
        '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
        '<correctResponse><value>A</value></correctResponse></responseDeclaration>' + SCORE,
        pic_body, template("match_correct")), encoding="utf-8")
    res.append('<resource identifier="i1700000099" type="imsqti_item_xmlv2p1" href="items/i1700000099/qti.xml">'
               '<file href="items/i1700000099/qti.xml"/><file href="items/i1700000099/assets/scales.png"/></resource>')
    (tao / "tests" / "t1").mkdir(parents=True)
    (tao / "tests" / "t1" / "test.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<assessmentTest xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" '
        'identifier="t1" title="Demo test"><testPart identifier="p1" navigationMode="linear" submissionMode="individual">'
        '<assessmentSection identifier="s1" title="Section" visible="true">'
        + "".join(f'<assessmentItemRef identifier="r{n}" href="../../items/i{1700000000 + n}/qti.xml"/>' for n in range(1, 5))
        + '</assessmentSection></testPart></assessmentTest>\n', encoding="utf-8")
    res.append('<resource identifier="t1" type="imsqti_test_xmlv2p1" href="tests/t1/test.xml">'
               '<file href="tests/t1/test.xml"/></resource>')
    (tao / "imsmanifest.xml").write_text(MANIFEST_HEAD.format(ident="MANIFEST-tao-demo", schema="QTIv2.1 Package",
                                                              sv="1.0.0") + "\n".join(res) + "\n</resources>\n</manifest>\n",
                                         encoding="utf-8")
    expected["packages/tao_qti21"] = {"identifiers": ["choice-single", "match-rivers", "gapmatch-seasons",
                                                      "textentry-map", "picture-item"], "errors": []}

    # TAO (QTI 2.2) with one unsupported item among good ones: the rest still imports.
    tao22 = packages / "tao_qti22"
    res = []
    for n, name in enumerate(("associate", "order", "hotspot", "inline_multi_custom"), start=1):
        ident = f"i{1800000000 + n}"
        folder = tao22 / "items" / ident
        folder.mkdir(parents=True)
        if name in UNSUPPORTED:
            decls, body, rp, _ = UNSUPPORTED[name]
            text = xml_2x("2.2", "unsupported-hotspot", "hotspot", "en", decls, body, rp)
        else:
            it = ITEMS[name]
            text = xml_2x("2.2", it["ident"], it["title"], it["lang"], it["decls"], it["body"], it["rp"])
        (folder / "qti.xml").write_text(text, encoding="utf-8")
        res.append(f'<resource identifier="{ident}" type="imsqti_item_xmlv2p2" href="items/{ident}/qti.xml">'
                   f'<file href="items/{ident}/qti.xml"/></resource>')
    (tao22 / "imsmanifest.xml").write_text(MANIFEST_HEAD.format(ident="MANIFEST-tao22", schema="QTIv2.2 Package",
                                                                sv="1.0.0") + "\n".join(res) + "\n</resources>\n</manifest>\n",
                                           encoding="utf-8")
    expected["packages/tao_qti22"] = {"identifiers": ["associate-synonyms", "order-planets", "unsupported-hotspot",
                                                      "inline-multi"], "errors": ["unsupported-hotspot"]}

    # Canvas-style Common Cartridge: one folder per GUID, assessment metadata, plus a classic
    # QTI 1.2 quiz (Canvas's own classic export) that must be refused with a clear message.
    canvas = packages / "canvas_cc"
    res = []
    for guid, name in (("g8a1c2e3f", "choice_multiple_map"), ("g5b7d9e1a", "inline_choice"),
                       ("g2c4e6a8b", "custom_operators")):
        it = ITEMS[name]
        (canvas / guid).mkdir(parents=True)
        (canvas / guid / f"{guid}.xml").write_text(
            xml_2x("2.1", it["ident"], it["title"], it["lang"], it["decls"], it["body"], it["rp"]), encoding="utf-8")
        res.append(f'<resource identifier="{guid}" type="imsqti_item_xmlv2p1" href="{guid}/{guid}.xml">'
                   f'<file href="{guid}/{guid}.xml"/></resource>')
    (canvas / "gclassic01").mkdir()
    (canvas / "gclassic01" / "gclassic01.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<questestinterop xmlns="http://www.imsglobal.org/xsd/ims_qtiasiv1p2">'
        '<assessment ident="gclassic01" title="Classic quiz"><section ident="root_section">'
        '<item ident="q1" title="Question"><presentation><material><mattext texttype="text/html">2 + 2 = ?</mattext>'
        '</material></presentation></item></section></assessment></questestinterop>\n', encoding="utf-8")
    (canvas / "gclassic01" / "assessment_meta.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<quiz xmlns="http://canvas.instructure.com/xsd/cccv1p0" '
        'identifier="gclassic01"><title>Classic quiz</title></quiz>\n', encoding="utf-8")
    res.append('<resource identifier="gclassic01" type="imsqti_xmlv1p2" href="gclassic01/gclassic01.xml">'
               '<file href="gclassic01/gclassic01.xml"/></resource>')
    res.append('<resource identifier="gclassic01_meta" type="associatedcontent/imscc_xmlv1p1/learning-application-resource" '
               'href="gclassic01/assessment_meta.xml"><file href="gclassic01/assessment_meta.xml"/></resource>')
    (canvas / "imsmanifest.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<manifest identifier="g0e1d2c3b4a" '
        'xmlns="http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1" xmlns:lom="http://ltsc.ieee.org/xsd/imsccv1p1/LOM/resource" '
        'xmlns:imsmd="http://www.imsglobal.org/xsd/imsmd_v1p2">\n<metadata><schema>IMS Content</schema>'
        '<schemaversion>1.1.3</schemaversion></metadata>\n<organizations/>\n<resources>\n'
        + "\n".join(res) + "\n</resources>\n</manifest>\n", encoding="utf-8")
    expected["packages/canvas_cc"] = {"identifiers": ["choice-multiple-map", "inline-single", "custom-operators", "gclassic01"],
                                      "errors": ["gclassic01"]}

    # Moodle-style: a flat folder, items named by question id, manifest at the root.
    moodle = packages / "moodle_flat"
    moodle.mkdir(parents=True)
    res = []
    for qid, name in ((101, "choice_multiple_match"), (102, "text_entry_float"), (103, "associate")):
        it = ITEMS[name]
        (moodle / f"question_{qid}.xml").write_text(
            xml_2x("2.1", it["ident"], it["title"], it["lang"], it["decls"], it["body"], it["rp"]), encoding="utf-8")
        res.append(f'<resource identifier="question_{qid}" type="imsqti_item_xmlv2p1" href="question_{qid}.xml">'
                   f'<file href="question_{qid}.xml"/></resource>')
    (moodle / "imsmanifest.xml").write_text(MANIFEST_HEAD.format(ident="moodle-export", schema="IMS Content",
                                                                 sv="1.1.3") + "\n".join(res) + "\n</resources>\n</manifest>\n",
                                            encoding="utf-8")
    expected["packages/moodle_flat"] = {"identifiers": ["choice-multiple-match", "textentry-float", "associate-synonyms"],
                                        "errors": []}

    # QTI 3.0 package: hand-written items (not derived), the 3.0 manifest resource type.
    v3 = packages / "tao_qti30"
    (v3 / "items").mkdir(parents=True)
    for fname in ("q3-choice.xml", "q3-text.xml"):
        shutil.copy(HERE / "handwritten" / fname, v3 / "items" / fname)
    (v3 / "imsmanifest.xml").write_text(MANIFEST_HEAD.format(ident="MANIFEST-qti3", schema="QTI Package",
                                                             sv="3.0.0")
                                        + '<resource identifier="q3-choice" type="imsqti_item_xmlv3p0" href="items/q3-choice.xml">'
                                          '<file href="items/q3-choice.xml"/></resource>\n'
                                          '<resource identifier="q3-text" type="imsqti_item_xmlv3p0" href="items/q3-text.xml">'
                                          '<file href="items/q3-text.xml"/></resource>\n</resources>\n</manifest>\n',
                                        encoding="utf-8")
    expected["packages/tao_qti30"] = {"identifiers": ["q3-choice", "q3-text"], "errors": []}

    expected["handwritten/q3-choice.xml"] = {
        "identifier": "q3-choice", "interaction": "choiceInteraction", "cardinality": "multiple",
        "base_type": "identifier", "correct_response": ["A", "C"], "max_score": 2.0, "version": "3.0",
        "type": "multiple_choice",
        "scores": [[["A", "C"], 2.0], [["A"], 1.0], [["A", "B"], 0.0], [["B"], 0.0], [["C", "D"], 1.0], [None, 0.0]]}
    expected["handwritten/q3-text.xml"] = {
        "identifier": "q3-text", "interaction": "textEntryInteraction", "cardinality": "single",
        "base_type": "integer", "correct_response": 36, "max_score": 2.0, "version": "3.0", "type": "numeric",
        # an integer response: "36.0" is not an integer, so it is no response (else branch: 0)
        "scores": [["36", 2.0], [36, 2.0], ["24", 0.5], ["35", 0.0], ["36.0", 0.0], [None, 0.0]]}
    (HERE / "expected.json").write_text(json.dumps(expected, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(expected)} entries")


if __name__ == "__main__":
    main()
