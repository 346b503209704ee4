"""QTI exported by real tools from package registries (tests/data/qti/tools/, README there):
qti-package-maker 26.7.14 (QTI 2.1 package), the same package upgraded to QTI 3.0 by
citolab-qti-convert 0.2.0, and incept-qti-sdk 0.6.2 (QTI 3.0 items). The items are ours; the XML
is the tools'. Expected scores were worked out by hand from each exported file's
responseDeclaration / responseProcessing; `test_the_exported_xml_says_what_the_expectations_read`
pins the parts of the XML they were read from, so a re-export that changes them fails there."""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

import pytest

from central_scorer.cli.main import main as central_main
from common.content.qti.importer import import_path
from common.domain.scoring import score_item, score_qti_responses

TOOLS = Path(__file__).parents[1] / "data" / "qti" / "tools"
PM21 = TOOLS / "qti_package_maker" / "package.zip"
CC30 = TOOLS / "citolab_qti_convert" / "package30.zip"
INCEPT = TOOLS / "incept_qti_sdk" / "out" / "items"

# qti-package-maker items, by file in the package (the upgrade keeps the file names).
PM_SCORES = {
    # matchInteraction, map_response; mapping default 0, each right pair 1.
    "qti21_items/item_00003.xml": (3.0, [
        ([["prompt_001", "choice_001"], ["prompt_002", "choice_002"], ["prompt_003", "choice_003"]], 3.0),
        ([["prompt_001", "choice_001"], ["prompt_002", "choice_003"], ["prompt_003", "choice_002"]], 1.0),
        ([["prompt_001", "choice_002"]], 0.0),
        (None, 0.0),  # map_response: NULL response scores 0
    ]),
    # float textEntry, <equal toleranceMode="absolute" tolerance="0.5 0.5"> both bounds included,
    # 100 if so else 0; NULL makes equal NULL, so the else branch gives 0.
    "qti21_items/item_00004.xml": (100.0, [
        (56, 100.0), (56.5, 100.0), (55.5, 100.0), (56.51, 0.0), (55.49, 0.0), (65, 0.0), (None, 0.0),
    ]),
    # orderInteraction, match_correct: the whole order or nothing.
    "qti21_items/item_00007.xml": (1.0, [
        (["choice_001", "choice_002", "choice_003"], 1.0),
        (["choice_002", "choice_001", "choice_003"], 0.0),
        (["choice_001", "choice_002"], 0.0),
        (None, 0.0),
    ]),
}
# What the tool emits that we refuse, per file, and the words the error must hold.
PM_REFUSED = {
    # <responseIf><match/></responseIf> with no setOutcomeValue: SCORE never leaves 0.
    "qti21_items/item_00001.xml": "never sets SCORE",
    "qti21_items/item_00002.xml": "never sets SCORE",
    # single cardinality with two correct values (its FIB form).
    "qti21_items/item_00005.xml": "a single response has one correct value",
    # QTI 1.2 <respcondition>/<setvar> inside a 2.x responseProcessing (its MULTI_FIB form).
    "qti21_items/item_00006.xml": "the rule <respcondition> is not supported",
}
INCEPT_SCORES = {
    # match against correct B, 1 else 0; MAXSCORE 1.0.
    "inc-kk-choice.xml": (1.0, [("B", 1.0), ("A", 0.0), ("C", 0.0), (None, 0.0)]),
    # multiple, match against {A, C}: the set, in any order, or nothing.
    "inc-ru-multi.xml": (1.0, [(["A", "C"], 1.0), (["C", "A"], 1.0), (["A"], 0.0),
                               (["A", "B", "C"], 0.0), (None, 0.0)]),
    # <stringMatch caseSensitive="false"> against "oxygen" (no trimming in stringMatch).
    "inc-en-text.xml": (1.0, [("oxygen", 1.0), ("OXYGEN", 1.0), ("Oxygen", 1.0), ("oxygen ", 0.0),
                              ("hydrogen", 0.0), (None, 0.0)]),
    # ordered, match against n2 n3 n1.
    "inc-en-order.xml": (1.0, [(["n2", "n3", "n1"], 1.0), (["n1", "n2", "n3"], 0.0), (None, 0.0)]),
}


def _by_file(found) -> dict:
    return {Path(f.file).name if f.file.startswith(str(INCEPT)) else f.file: f for f in found}


def _member(package: Path, name: str) -> str:
    with zipfile.ZipFile(package) as z:
        return z.read(name).decode("utf-8")


def test_the_exported_xml_says_what_the_expectations_read():
    for package in (PM21, CC30):
        match = _member(package, "qti21_items/item_00003.xml")
        assert len(re.findall(r'(?:mapEntry|qti-map-entry) (?:mapKey|map-key)="prompt_00(\d) choice_00\1" '
                              r'(?:mappedValue|mapped-value)="1"', match)) == 3
        assert re.search(r'(?:defaultValue|default-value)="0"', match)
        number = _member(package, "qti21_items/item_00004.xml")
        assert re.search(r'(?:toleranceMode|tolerance-mode)="absolute" tolerance="0.5 0.5"', number)
        assert ">56.0<" in number and ">100<" in number
        for name in ("qti21_items/item_00001.xml", "qti21_items/item_00002.xml"):
            assert not re.search(r"setOutcomeValue|set-outcome-value", _member(package, name))
    assert "respcondition" in _member(PM21, "qti21_items/item_00006.xml")
    text = (INCEPT / "inc-en-text.xml").read_text(encoding="utf-8")
    assert '<qti-string-match case-sensitive="false">' in text and ">oxygen<" in text
    multi = (INCEPT / "inc-ru-multi.xml").read_text(encoding="utf-8")
    assert 'cardinality="multiple"' in multi and "<qti-match>" in multi


@pytest.mark.parametrize(("package", "version"), [(PM21, "2.1"), (CC30, "3.0")])
def test_qti_package_maker_export_imports_and_scores_as_its_processing_says(package, version):
    found = _by_file(import_path(package))
    assert set(found) == set(PM_SCORES) | set(PM_REFUSED)
    assert {f.version for f in found.values()} == {version}
    for name, (max_score, cases) in PM_SCORES.items():
        item = found[name]
        assert item.errors == [] and item.item is not None, (name, item.errors)
        assert item.max_score == max_score
        for response, score in cases:
            assert score_qti_responses(item.item, {"RESPONSE": response}) == pytest.approx(score), (name, response)
            assert score_item(item.item, response) == pytest.approx(score), (name, response)


@pytest.mark.parametrize("package", [PM21, CC30])
def test_what_qti_package_maker_emits_that_we_refuse_is_a_clear_error_for_that_item(package):
    found = _by_file(import_path(package))
    for name, words in PM_REFUSED.items():
        item = found[name]
        assert item.item is None and item.identifier
        assert any(words in e for e in item.errors), (name, item.errors)
    # A refused declaration is reported once, not again as "not declared" by its interaction.
    assert not any("is not declared" in e for e in found["qti21_items/item_00005.xml"].errors)


def test_incept_qti_sdk_items_import_and_score_as_their_processing_says():
    found = _by_file(import_path(INCEPT))
    assert set(found) == set(INCEPT_SCORES)
    for name, (max_score, cases) in INCEPT_SCORES.items():
        item = found[name]
        assert item.errors == [] and item.version == "3.0", (name, item.errors)
        assert item.max_score == max_score
        for response, score in cases:
            assert score_qti_responses(item.item, {"RESPONSE": response}) == pytest.approx(score), (name, response)
    assert found["inc-kk-choice.xml"].language == "kk"


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = central_main(list(argv))
    return code, capsys.readouterr().out


def test_the_real_cli_imports_every_tool_export(capsys, tmp_path):
    code, out = _cli(capsys, "--data-dir", str(tmp_path / "nocentre"), "items", "import",
                     str(PM21), str(CC30), str(INCEPT), "--json")
    rows = json.loads(out)
    assert code == 1  # the tool items we refuse
    assert len(rows) == 2 * 7 + 4
    refused = [r for r in rows if r["errors"]]
    assert len(refused) == 2 * len(PM_REFUSED)
    good = {r["identifier"]: r for r in rows if not r["errors"]}
    assert good["inc-ru-multi"]["correct_response"] == ["A", "C"]
    assert sorted(r["max_score"] for r in rows if r["interaction"] == "matchInteraction") == [3.0, 3.0]
    assert not (tmp_path / "nocentre").exists()


def test_the_real_cli_scores_a_tool_item(capsys):
    code, out = _cli(capsys, "items", "score", str(INCEPT / "inc-ru-multi.xml"), "--item", "inc-ru-multi",
                     "--response", '["C", "A"]', "--json")
    assert code == 0 and json.loads(out) == {"identifier": "inc-ru-multi", "score": 1.0}
    code, out = _cli(capsys, "items", "score", str(INCEPT / "inc-en-text.xml"), "--item", "inc-en-text",
                     "--response", '"Oxygen"', "--json")
    assert code == 0 and json.loads(out) == {"identifier": "inc-en-text", "score": 1.0}
