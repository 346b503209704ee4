"""Test specifications (`common/content/spec.py`, `common/specs/`): data, validated, with the field named."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from central_scorer.cli.main import main as central_main
from common.content.spec import SHIPPED, SpecError, json_schema, load_spec, parse_spec, shipped_spec

SPECS = Path(__file__).parents[2] / "common" / "specs"


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_specifications_are_valid(name):
    spec = shipped_spec(name)
    totals = spec.totals()
    assert totals["items"] >= 13 and totals["points"] > totals["items"] - 1
    assert spec.min_variants >= 2
    assert set(spec.languages_of_instruction) == {"kk", "ru"}


def test_grade4_is_one_complex_test_in_three_directions():
    spec = shipped_spec("grade4")
    assert [s.direction for s in spec.sections] == ["reading_literacy", "mathematical_literacy",
                                                    "science_literacy"]
    assert all(s.language == "instruction" for s in spec.sections)


def test_grade9_reads_in_three_languages_and_allows_the_two_tables():
    spec = shipped_spec("grade9")
    reading = [s for s in spec.sections if s.direction == "reading_literacy"]
    assert sorted(s.language for s in reading) == ["en", "kk", "ru"]
    others = [s for s in spec.sections if s.direction != "reading_literacy"]
    assert {s.direction for s in others} == {"mathematical_literacy", "science_literacy"}
    assert all(s.language == "instruction" for s in others)
    assert spec.reference_tables == ["periodic_table", "solubility_table"]
    assert spec.calculator is False


def test_colleges_general_education_and_professional():
    assert {s.direction for s in shipped_spec("college2").sections} == {"general_education"}
    assert {s.direction for s in shipped_spec("college3").sections} == {"general_professional", "special"}


def test_totals_count_items_by_type_and_area():
    totals = shipped_spec("grade4").totals()
    assert totals["items"] == sum(s["items"] for s in totals["sections"])
    assert totals["by_type"]["single_choice"] >= 10
    assert totals["by_content_area"]["reading_literacy/literary_text"] == 4
    assert sum(totals["by_type"].values()) == totals["items"]


def _broken(edit):
    data = json.loads((SPECS / "grade9.json").read_text(encoding="utf-8"))
    edit(data)
    return data


@pytest.mark.parametrize(("edit", "field"), [
    (lambda d: d["sections"][1]["blocks"][0].update(count=0), "sections[1].blocks[0].count"),
    (lambda d: d["sections"][0]["blocks"][0].update(type="essay"), "sections[0].blocks[0].type"),
    (lambda d: d["sections"][2].update(language="de"), "sections[2].language"),
    (lambda d: d["sections"][0]["title"].pop("kk"), "sections[0].title.kk"),
    (lambda d: d.update(duration_minutes="ninety"), "duration_minutes"),
    (lambda d: d.update(reference_tables=["calculator"]), "reference_tables[0]"),
    (lambda d: d.update(calculator=True), "calculator"),
    (lambda d: d.update(colour="blue"), "colour: Extra inputs are not permitted"),
    (lambda d: d["sections"][0]["blocks"][2].pop("items"), "sections[0].blocks[2]: a context block lists"),
    (lambda d: d["sections"][0]["blocks"][0].pop("points"), "sections[0].blocks[0]: an items block states"),
    (lambda d: d.update(warnings_minutes=[5, 15]), "warnings_minutes: distinct, from the largest"),
    (lambda d: d.update(warnings_minutes=[200]), "warnings_minutes[0]: must be between"),
    (lambda d: d["sections"].append(copy.deepcopy(d["sections"][0])), "sections: section ids must be unique"),
    (lambda d: d.update(languages_of_instruction=[]), "languages_of_instruction"),
    (lambda d: d.update(spec_id="Grade 9!"), "spec_id"),
    (lambda d: d.pop("sections"), "sections: Field required"),
])
def test_a_wrong_specification_is_refused_naming_the_field(edit, field):
    with pytest.raises(SpecError) as refused:
        parse_spec(_broken(edit), "grade9.json")
    assert any(p.startswith(field.split(":")[0]) and field in p for p in refused.value.problems), \
        refused.value.problems
    assert str(refused.value).startswith("grade9.json: ")


def test_bad_json_names_the_line(tmp_path):
    bad = tmp_path / "spec.json"
    bad.write_text('{\n  "spec_id": "x",\n  "version": 1,,\n}', encoding="utf-8")
    with pytest.raises(SpecError, match="line 3, column"):
        load_spec(bad)


def test_the_shipped_json_schema_is_the_models():
    shipped = json.loads((SPECS / "specification.schema.json").read_text(encoding="utf-8"))
    assert shipped == json_schema(), "regenerate: central-scorer spec schema > common/specs/specification.schema.json"


def test_spec_check_cli(capsys, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(_broken(lambda d: d["sections"][1]["blocks"][0].update(count=0))), encoding="utf-8")
    code = central_main(["spec", "check", "grade4", str(SPECS / "college3.json"), str(bad), "--json"])
    rows = json.loads(capsys.readouterr().out)
    assert code == 1
    assert [r["ok"] for r in rows] == [True, True, False]
    assert rows[0]["items"] == shipped_spec("grade4").totals()["items"]
    assert rows[2]["errors"][0].startswith("sections[1].blocks[0].count")
    assert central_main(["spec", "check", "grade9"]) == 0
    assert "grade9: ok" in capsys.readouterr().out
