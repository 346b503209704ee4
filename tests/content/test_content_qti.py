"""QTI import (`common/content/qti/`): our own items in QTI 2.1, 2.2 and 3.0 form, packages laid out
as TAO, Canvas and Moodle export them, and hostile input. Expected facts and scores are in
tests/data/qti/expected.json, worked out by hand from each item's response processing."""

from __future__ import annotations

import json
import shutil
import socket
import zipfile
from pathlib import Path

import pytest

from central_scorer.cli.main import main as central_main
from common.content.qti import rp
from common.content.qti.compiler import template_name
from common.content.qti.importer import import_path
from common.content.qti.source import MAX_XML_BYTES
from common.domain.exam import content_from_dict, content_to_dict
from common.domain.items import ItemType
from common.domain.scoring import score_item, score_qti_responses

DATA = Path(__file__).parents[1] / "data" / "qti"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
ITEM_FILES = sorted(k for k, v in EXPECTED.items() if not k.startswith("packages/") and "error" not in v)
REFUSED_FILES = sorted(k for k, v in EXPECTED.items() if "error" in v)
PACKAGES = sorted(k for k in EXPECTED if k.startswith("packages/"))


def _one(rel: str):
    found = import_path(DATA / rel)
    assert len(found) == 1
    return found[0]


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Templates are resolved locally: any attempt to open a connection fails the test."""
    def refuse(*args, **kwargs):
        raise AssertionError("the QTI importer tried to use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)


def test_every_version_and_interaction_is_covered():
    versions = {EXPECTED[f]["version"] for f in ITEM_FILES}
    assert versions == {"2.1", "2.2", "3.0"}
    for version in versions:
        interactions = {EXPECTED[f]["interaction"] for f in ITEM_FILES if EXPECTED[f]["version"] == version}
        assert {"choiceInteraction", "matchInteraction", "gapMatchInteraction", "associateInteraction",
                "orderInteraction", "textEntryInteraction", "inlineChoiceInteraction"} <= interactions
    templates = {_one(f).template for f in ITEM_FILES}
    assert {"match_correct", "map_response", None} <= templates  # None: custom processing


@pytest.mark.parametrize("rel", ITEM_FILES)
def test_item_imports_with_the_facts_it_declares(rel):
    found = _one(rel)
    expected = EXPECTED[rel]
    assert found.errors == []
    summary = found.summary()
    for key in ("identifier", "interaction", "cardinality", "base_type", "correct_response",
                "max_score", "type", "version"):
        assert summary[key] == expected[key], key


@pytest.mark.parametrize("rel", ITEM_FILES)
def test_item_scores_exactly_as_its_response_processing_says(rel):
    found = _one(rel)
    for response, score in EXPECTED[rel]["scores"]:
        responses = {found.primary: response} if found.primary else response
        assert score_qti_responses(found.item, responses) == pytest.approx(score), response


def _kiosk_answer(item, response):
    """The same response as the kiosk sends it (docs/content.md)."""
    if item.type is ItemType.GAP_MATCH:
        return None if response is None else {gap: choice for choice, gap in response}
    if item.type is ItemType.INLINE_CHOICE and not isinstance(response, dict):
        return None if response is None else {item.gaps[0].id: response}
    return response


@pytest.mark.parametrize("rel", ITEM_FILES)
def test_the_kiosk_answer_scores_the_same_through_the_one_engine(rel):
    """A package carries the imported item; the room and the centre call score_item on the
    kiosk's answer, which must give what the item's own processing gives."""
    found = _one(rel)
    item = found.item
    for response, score in EXPECTED[rel]["scores"]:
        assert score_item(item, _kiosk_answer(item, response)) == pytest.approx(score), response


@pytest.mark.parametrize("rel", ITEM_FILES)
def test_imported_item_travels_in_content_and_its_public_view_has_no_key(rel):
    item = _one(rel).item
    data = {"exam_id": "Q", "title": "QTI", "grade": "9", "language": "en", "variant": "01",
            "duration_minutes": 10, "sections": [{"id": "s", "direction": "reading_literacy",
                                                  "title": "S", "items": []}]}
    from common.domain.items import item_to_dict

    data["sections"][0]["items"] = [item_to_dict(item, with_keys=True)]
    content = content_from_dict(json.loads(json.dumps(data)))
    assert content.item(item.id) == item
    public = json.dumps(content_to_dict(content, with_keys=False))
    for key in ('"qti"', '"correct"', '"accepted"', '"mapping"', "responseProcessing", '"rules"'):
        assert key not in public
    assert content.item(item.id).points == EXPECTED[rel]["max_score"]


@pytest.mark.parametrize("rel", REFUSED_FILES)
def test_unsupported_constructs_give_a_clear_per_item_error(rel):
    found = _one(rel)
    assert found.item is None
    assert found.identifier == EXPECTED[rel]["identifier"]
    assert any(EXPECTED[rel]["error"] in e for e in found.errors), found.errors


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                z.write(path, path.relative_to(folder).as_posix())
    return target


@pytest.mark.parametrize("rel", PACKAGES)
@pytest.mark.parametrize("form", ["folder", "zip"])
def test_packages_import_and_one_bad_item_does_not_stop_the_rest(rel, form, tmp_path):
    path = DATA / rel if form == "folder" else _zip(DATA / rel, tmp_path / "package.zip")
    found = import_path(path)
    assert [f.identifier for f in found] == EXPECTED[rel]["identifiers"]
    assert [f.identifier for f in found if f.errors] == EXPECTED[rel]["errors"]
    assert all(f.item is not None for f in found if not f.errors)


def test_the_picture_in_a_package_travels_with_the_item():
    found = {f.identifier: f for f in import_path(DATA / "packages" / "tao_qti21")}
    item = found["picture-item"].item
    assert item.image is not None and item.image.media_type == "image/png"
    assert item.image.alt == "Scales" and item.image.width == 8
    assert item.prompt.startswith("Look at the picture.")


def test_canvas_classic_qti12_is_refused_by_name():
    found = {f.identifier: f for f in import_path(DATA / "packages" / "canvas_cc")}
    assert "QTI 1.x" in found["gclassic01"].errors[0]


def test_qti3_handwritten_items_read_like_their_2x_equivalents():
    choice = _one("handwritten/q3-choice.xml")
    assert choice.item.type is ItemType.MULTIPLE_CHOICE and choice.language == "kk"
    assert [o.id for o in choice.item.options] == ["A", "B", "C", "D"]
    assert "ішуге болмайды" in choice.item.prompt and "Екі жауапты" in choice.item.prompt
    text = _one("handwritten/q3-text.xml")
    assert text.item.type is ItemType.NUMERIC
    assert "см²" in text.item.prompt  # <sup>2</sup> as a superscript


@pytest.mark.parametrize("url", [
    "http://www.imsglobal.org/question/qti_v2p0/rptemplates/match_correct",
    "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct",
    "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct.xml",
    "http://www.imsglobal.org/question/qti_v2p2/rptemplates/match_correct",
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml",
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct",
])
def test_template_urls_of_every_version_resolve_locally(url):
    assert template_name(url) == "match_correct"
    assert template_name(url.replace("match_correct", "map_response")) == "map_response"
    assert template_name("https://example.org/rptemplates/our_rules.xml") is None


# --- hostile input -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["billion_laughs.xml", "external_entity.xml", "external_dtd.xml"])
def test_entities_and_dtds_are_refused(name):
    found = _one(f"hostile/{name}")
    assert found.item is None
    assert "refused: the XML declares a DTD or entities" in found.errors[0]


def _write_zip(path: Path, members: dict[str, bytes], *, raw_names: bool = False) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            info = zipfile.ZipInfo(name)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
    return path


GOOD = (DATA / "v2p1" / "choice_single.xml").read_bytes()


@pytest.mark.parametrize("evil", ["../evil.xml", "items/../../evil.xml", "/etc/evil.xml",
                                  "C:/evil.xml", "..\\evil.xml"])
def test_zip_slip_member_names_refuse_the_package(tmp_path, evil):
    path = _write_zip(tmp_path / "slip.zip", {"items/good.xml": GOOD, evil: GOOD})
    found = import_path(path)
    assert len(found) == 1 and found[0].item is None
    assert "points outside the package (zip-slip): refused" in found[0].errors[0]
    assert not (tmp_path.parent / "evil.xml").exists()


def test_a_manifest_href_outside_the_package_is_refused_for_that_resource(tmp_path):
    manifest = (b'<manifest xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"><resources>'
                b'<resource identifier="out" type="imsqti_item_xmlv2p1" href="../../secret.xml"/>'
                b'<resource identifier="in" type="imsqti_item_xmlv2p1" href="good.xml"/></resources></manifest>')
    path = _write_zip(tmp_path / "p.zip", {"imsmanifest.xml": manifest, "good.xml": GOOD})
    found = import_path(path)
    assert "points outside the package" in found[0].errors[0]
    assert found[1].identifier == "choice-single" and found[1].errors == []


def test_a_zip_bomb_is_refused(tmp_path):
    path = _write_zip(tmp_path / "bomb.zip", {"imsmanifest.xml": b"<manifest/>",
                                             "big.xml": b"<a>" + b" " * (50 * 1024 * 1024) + b"</a>"})
    assert path.stat().st_size < 1024 * 1024
    found = import_path(path)
    assert "a zip bomb" in found[0].errors[0]


def test_a_huge_xml_file_is_refused_without_reading_it_all(tmp_path):
    big = tmp_path / "huge.xml"
    big.write_bytes(b"<assessmentItem>" + b"x" * (MAX_XML_BYTES + 10) + b"</assessmentItem>")
    found = import_path(big)
    assert found[0].item is None and "larger than 4096 KiB" in found[0].errors[0]


def test_a_symlink_out_of_a_folder_package_is_refused(tmp_path):
    folder = tmp_path / "pkg"
    shutil.copytree(DATA / "packages" / "moodle_flat", folder)
    (folder / "leak.xml").symlink_to("/etc/hostname")
    found = import_path(folder)
    assert "a link that points outside the package" in found[0].errors[0]


def test_a_symlink_member_of_a_zip_is_refused(tmp_path):
    path = tmp_path / "link.zip"
    with zipfile.ZipFile(path, "w") as z:
        info = zipfile.ZipInfo("leak.xml")
        info.external_attr = (0o120777 << 16)
        z.writestr(info, "/etc/passwd")
    assert "is a symbolic link" in import_path(path)[0].errors[0]


def test_not_a_zip_and_not_xml_are_clear_errors(tmp_path):
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really a zip")
    assert "not a readable zip archive" in import_path(junk)[0].errors[0]
    text = tmp_path / "item.xml"
    text.write_text("<assessmentItem><itemBody>", encoding="utf-8")
    assert "not well-formed XML" in import_path(text)[0].errors[0]


# --- the command line ----------------------------------------------------------------------------


def _cli(capsys, *argv: str) -> tuple[int, str]:
    code = central_main(list(argv))
    return code, capsys.readouterr().out


def test_items_import_json_prints_one_object_per_item(capsys, tmp_path):
    path = _zip(DATA / "packages" / "tao_qti22", tmp_path / "tao22.zip")
    code, out = _cli(capsys, "--data-dir", str(tmp_path / "nocentre"), "items", "import",
                     str(path), str(DATA / "v3p0" / "match.xml"), "--json")
    rows = json.loads(out)
    assert code == 1  # one item was refused
    assert [r["identifier"] for r in rows] == ["associate-synonyms", "order-planets", "unsupported-hotspot",
                                               "inline-multi", "match-rivers"]
    for row in rows:
        assert {"identifier", "interaction", "cardinality", "base_type", "correct_response",
                "max_score", "errors"} <= set(row)
    assert rows[0]["correct_response"] == [["A", "B"], ["C", "D"]] and rows[0]["base_type"] == "pair"
    assert rows[2]["errors"] and rows[2]["interaction"] == "hotspotInteraction"
    assert rows[4]["max_score"] == 3.0 and rows[4]["cardinality"] == "multiple"
    assert not (tmp_path / "nocentre").exists()  # no database was opened


def test_items_import_exits_0_when_everything_imports(capsys):
    code, out = _cli(capsys, "items", "import", str(DATA / "v2p2" / "order.xml"), "--json")
    assert code == 0 and json.loads(out)[0]["correct_response"] == ["ME", "VE", "EA", "MA"]


@pytest.mark.parametrize(("rel", "item", "response", "score"), [
    ("v2p1/choice_single.xml", "choice-single", '"B"', 1.0),
    ("v2p2/choice_multiple_map.xml", "choice-multiple-map", '["A", "E"]', 0.5),
    ("v3p0/match.xml", "match-rivers", '[["IR","KA"],["UR","CA"]]', 2.0),
    ("v3p0/associate.xml", "associate-synonyms", '[["B","A"]]', 1.0),
    ("v2p1/order.xml", "order-planets", '["ME","VE","EA","MA"]', 1.0),
    ("v2p2/inline_multi_custom.xml", "inline-multi", '{"G1": "E", "G3": "EARTH"}', 2.0),
])
def test_items_score_prints_identifier_and_score(capsys, rel, item, response, score):
    code, out = _cli(capsys, "items", "score", str(DATA / rel), "--item", item, "--response", response, "--json")
    assert code == 0
    assert json.loads(out) == {"identifier": item, "score": score}


@pytest.mark.parametrize(("args", "message"), [
    (["--item", "nope", "--response", '"A"'], "no item 'nope'"),
    (["--item", "choice-single", "--response", "{not json"], "--response is not JSON"),
])
def test_items_score_refusals(capsys, args, message):
    code = central_main(["items", "score", str(DATA / "v2p1" / "choice_single.xml"), *args, "--json"])
    assert code == 2 and message in json.loads(capsys.readouterr().err)["message"]


def test_items_score_needs_an_object_for_several_responses(capsys):
    code = central_main(["items", "score", str(DATA / "v2p1" / "inline_multi_custom.xml"),
                         "--item", "inline-multi", "--response", '"E"', "--json"])
    assert code == 2 and "several responses" in json.loads(capsys.readouterr().err)["message"]


def test_import_writes_a_bank_that_assembles(capsys, tmp_path):
    bank_file = tmp_path / "imported.json"
    code, _ = _cli(capsys, "items", "import", str(DATA / "v2p1"), "--bank-out", str(bank_file),
                   "--direction", "science_literacy", "--grade", "9", "--content-area", "imported")
    from common.content.bank import load_bank

    bank = load_bank(bank_file)
    assert code == 1  # the unsupported items in the folder
    assert len(bank.items) == len([f for f in ITEM_FILES if f.startswith("v2p1/")])
    item = bank.item("match-rivers").localise("en")
    assert item.qti is not None and score_item(item, [["IR", "KA"]]) == 1.0


def test_a_specification_may_weigh_an_imported_item_differently():
    """An item whose own maximum is 3 placed at 6 points: its SCORE is scaled, full marks stay full."""
    item = _one("v2p1/match.xml").item
    heavier = item.model_copy(update={"points": 6.0})
    assert score_item(heavier, [["IR", "KA"], ["UR", "CA"], ["SY", "AR"]]) == 6.0
    assert score_item(heavier, [["IR", "KA"]]) == 2.0
    assert score_item(item, [["IR", "KA"]]) == 1.0


@pytest.mark.parametrize(("template", "extra", "scores"), [
    ("CC2_match", "", [("A", 1.0), ("B", 0.0)]),
    ("CC2_match_basic", '<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
                        '<defaultValue><value>4</value></defaultValue></outcomeDeclaration>'
                        '<outcomeDeclaration identifier="FEEDBACKBASIC" cardinality="single" baseType="identifier"/>',
     [("A", 4.0), ("B", 0.0)]),
    ("CC2_map_response", '<outcomeDeclaration identifier="MAXSCORE" cardinality="single" baseType="float">'
                         '<defaultValue><value>2</value></defaultValue></outcomeDeclaration>'
                         '<outcomeDeclaration identifier="FEEDBACK" cardinality="single" baseType="identifier"/>',
     [("A", 2.0), ("B", 0.5), (None, 0.0)]),
])
def test_common_cartridge_templates(tmp_path, template, extra, scores):
    xml = (f'<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="cc" title="CC" '
           f'adaptive="false" timeDependent="false">'
           f'<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="identifier">'
           f'<correctResponse><value>A</value></correctResponse><mapping defaultValue="0">'
           f'<mapEntry mapKey="A" mappedValue="2"/><mapEntry mapKey="B" mappedValue="0.5"/></mapping>'
           f'</responseDeclaration><outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/>'
           f'{extra}<itemBody><choiceInteraction responseIdentifier="RESPONSE" maxChoices="1">'
           f'<simpleChoice identifier="A">a</simpleChoice><simpleChoice identifier="B">b</simpleChoice>'
           f'</choiceInteraction></itemBody>'
           f'<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/{template}"/>'
           f'</assessmentItem>')
    path = tmp_path / "cc.xml"
    path.write_text(xml, encoding="utf-8")
    (found,) = import_path(path)
    assert found.errors == [] and found.template == template
    for answer, score in scores:
        assert score_item(found.item, answer) == score


def test_running_text_keeps_the_spaces_beside_gaps_and_reads_source_breaks_as_spaces(tmp_path):
    gm = _one("v2p1/gap_match.xml").item
    assert list(gm.segments)[:2] == ["In winter ", gm.segments[1]] and gm.segments[2] == " falls; in autumn the "
    xml = ('<assessmentItem xmlns="http://www.imsglobal.org/xsd/imsqti_v2p1" identifier="ws" title="ws">'
           '<responseDeclaration identifier="RESPONSE" cardinality="single" baseType="string">'
           '<correctResponse><value>York</value></correctResponse></responseDeclaration>'
           '<outcomeDeclaration identifier="SCORE" cardinality="single" baseType="float"/><itemBody>'
           '<p>First line of\n\t\t the poem<br/>   second line, sun of\n   '
           '<textEntryInteraction responseIdentifier="RESPONSE"/>;</p><p>Next   paragraph.</p></itemBody>'
           '<responseProcessing template="http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct"/>'
           '</assessmentItem>')
    path = tmp_path / "ws.xml"
    path.write_text(xml, encoding="utf-8")
    (found,) = import_path(path)
    assert found.item.prompt == "First line of the poem\nsecond line, sun of ____;\n\nNext paragraph."
