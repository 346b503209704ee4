"""The analysis report from results stored in a real centre database, read back with pypdf.

Simulated grade-4 results in two languages of instruction, two variants of the Kazakh test, four
organisations in two regions; one item built to work backwards and one to be harder in Russian.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from central_scorer.cli.main import main
from central_scorer.stats.analysis import build_analysis
from common.documents.analysis_report import render_analysis_report
from common.i18n import LANGUAGES, t
from common.storage.central_models import CentralPackage, ReceivedBundle, Response, Result

REGIONS = {"100201": "Ұлытау облысы", "100202": "Ұлытау облысы", "100203": "Түркістан облысы",
           "100204": "Түркістан облысы"}
BACKWARDS = "m4"  # stronger students get it wrong
DIF_ITEM = "r3"  # harder for Russian-medium students


def item(item_id: str) -> dict:
    return {"id": item_id, "type": "single_choice", "points": 1, "prompt": f"Сұрақ {item_id}",
            "options": [{"id": o, "text": o.upper()} for o in "abcd"], "correct": ["b"],
            "metadata": {"content_area": "Сандар" if int(item_id[1:]) % 2 else "Өлшемдер"}}


def content(language: str, variant: str, reading: list[str], maths: list[str]) -> dict:
    return {"exam_id": f"g4-{language}-{variant}", "title": "4-сынып", "grade": "4", "language": language,
            "variant": variant, "duration_minutes": 80,
            "sections": [
                {"id": "reading", "direction": "reading_literacy", "title": "Оқу", "items": [item(i) for i in reading]},
                {"id": "maths", "direction": "mathematical_literacy", "title": "Математика",
                 "items": [item(i) for i in maths]}]}


READING = [f"r{j}" for j in range(1, 9)]
MATHS = [f"m{j}" for j in range(1, 9)]
PACKAGES = {
    "PKG-KK-1": content("kk", "0401", READING, MATHS),
    "PKG-KK-2": content("kk", "0402", READING[:5] + ["r9", "r10", "r11"], MATHS),
    "PKG-RU-1": content("ru", "0401", READING, MATHS),
}


def populate(centre, n_students: int = 480, seed: int = 17) -> None:
    """Results stored as the ingest stores them: the answer log, and the score store's rows (each
    item scored once by the one engine, its status, the direction sums)."""
    from common.domain.exam import content_from_dict
    from common.storage.central_models import DirectionScore, ItemScore
    from central_scorer.scores.store import item_numbers, score_attempt_rows

    rng = np.random.default_rng(seed)
    ids = sorted({i for p in PACKAGES.values() for s in p["sections"] for i in (x["id"] for x in s["items"])})
    difficulty = dict(zip(ids, np.linspace(-1.5, 1.5, len(ids))))
    contents = {pid: content_from_dict(data) for pid, data in PACKAGES.items()}
    with centre.tx() as s:
        numbers = item_numbers(s, contents.values())
        for pid, data in PACKAGES.items():
            s.add(CentralPackage(package_id=pid, organisation_code="100200",
                                 content_json=json.dumps(data, ensure_ascii=False), start_code="000000"))
        bundle = ReceivedBundle(bundle_id="b-1", sha256="0" * 64, room_id="R-1", organisation_code="100201",
                                sequence=1, manifest_json="{}")
        s.add(bundle)
        s.flush()
        orgs = sorted(REGIONS)
        for n in range(n_students):
            pid = ("PKG-KK-1", "PKG-KK-2", "PKG-RU-1")[n % 3]
            data = PACKAGES[pid]
            theta = rng.standard_normal()
            status = "voided" if n == 5 else "absent" if n == 7 else "scored"
            result = Result(bundle_pk=bundle.id, organisation_code=orgs[n % 4], individual_code=f"C{n:05d}",
                            full_name=f"Оқушы {n}", package_id=pid if status != "absent" else None,
                            exam_id=data["exam_id"], status=status, score=None, max_score=16.0, room_score=None,
                            year=2026, grade="4", test_language=data["language"])
            s.add(result)
            s.flush()
            seq = 0
            answers: dict[str, str] = {}
            items = [x["id"] for sec in data["sections"] for x in sec["items"]]
            stop = len(items) - (3 if rng.random() < 0.1 else 0)  # some run out of time
            for k, item_id in enumerate(items[:stop]):
                z = 1.4 * (theta - difficulty[item_id])
                if item_id == BACKWARDS:
                    z = -1.4 * theta
                if item_id == DIF_ITEM and data["language"] == "ru":
                    z -= 1.6
                right = rng.random() < 1 / (1 + np.exp(-z))
                if not right and rng.random() < 0.05:
                    continue  # left blank
                answer = "b" if right else str(rng.choice(["a", "c", "d"]))
                if rng.random() < 0.1:  # changed their mind: only the last answer counts
                    seq += 1
                    s.add(Response(result_id=result.id, seq=seq, item_id=item_id,
                                   answer_json=json.dumps("c" if answer == "b" else "b"), client_ts=float(seq)))
                seq += 1
                answers[item_id] = answer
                s.add(Response(result_id=result.id, seq=seq, item_id=item_id,
                               answer_json=json.dumps(answer), client_ts=float(seq)))
            if status == "scored":
                scored = score_attempt_rows(contents[pid], answers)
                result.score = scored.total
                s.add_all(ItemScore(result_id=result.id, item=numbers[i], position=k, score=got, status=st)
                          for i, k, got, st in scored.items)
                s.add_all(DirectionScore(result_id=result.id, direction=d, score=got, max_score=most)
                          for d, (got, most) in scored.directions.items())


def text_of(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def fonts_of(path: Path) -> set[str]:
    reader = PdfReader(path)
    fonts = set()
    for page in reader.pages:
        fonts |= {str(ref.get_object()["/BaseFont"]) for ref in page["/Resources"]["/Font"].values()}
    return fonts


@pytest.fixture
def regions_csv(tmp_path: Path) -> Path:
    path = tmp_path / "regions.csv"
    path.write_text("organisation_code,region\n" + "".join(f"{k},{v}\n" for k, v in REGIONS.items()),
                    encoding="utf-8")
    return path


def test_analysis_figures(centre, regions_csv) -> None:
    populate(centre)
    from central_scorer.stats.dataset import read_regions_csv

    report = build_analysis(centre, regions=read_regions_csv(regions_csv))
    assert report.n_results == 480 - 2  # the voided and the absent are not analysed
    units = {u.direction: u for u in report.units}
    assert set(units) == {"reading_literacy", "mathematical_literacy"}
    maths, reading = units["mathematical_literacy"], units["reading_literacy"]
    assert maths.n_students == 478
    assert {g.key for g in maths.by_region} == {"Ұлытау облысы", "Түркістан облысы"}
    assert sum(g.n for g in maths.by_language) == 478
    assert {(f.variant, f.language) for f in reading.forms} == {("0401", "kk"), ("0402", "kk"), ("0401", "ru")}
    # the backwards item is flagged in every form, and drawn red on the item map
    for form in maths.forms:
        flags = {i.id: i.flags for i in form.items}[BACKWARDS]
        assert "rpbis_low" in flags
    assert {i.id: i.flagged for i in maths.irt.items}[BACKWARDS]
    assert {i.id: i.a for i in maths.irt.items}[BACKWARDS] < 0
    # reading: one calibration over three forms; r9..r11 only in variant 0402
    assert reading.irt is not None and reading.irt.converged
    assert {i.id for i in reading.irt.items} == {f"r{j}" for j in range(1, 12)}
    # DIF by language: the item made harder in Russian is category C
    dif = {d.id: d for d in reading.dif}
    assert dif[DIF_ITEM].category == "C" and dif[DIF_ITEM].delta_mh < 0
    assert dif[DIF_ITEM].reference == "kk" and dif[DIF_ITEM].focal == "ru"
    assert "r9" not in dif or dif["r9"].n_focal == 0  # never presented in Russian
    # not-reached is counted: the last items of maths are the ones left when time ran out
    last = {i.id: i for i in {f.variant + f.language: f for f in maths.forms}["0401kk"].items}["m8"]
    assert last.not_reached > 0.05


def test_analyse_cli_writes_readable_pdfs(centre, regions_csv, tmp_path: Path, capsys) -> None:
    populate(centre)
    code = main(["--data-dir", str(centre.root), "analyse", "--lang", "kk", "--lang", "ru", "--lang", "en",
                 "--regions", str(regions_csv), "--model", "2pl"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["results"] == 478 and len(out["reports"]) == 3
    reading = [u for u in out["units"] if u["direction"] == "reading_literacy"][0]
    assert reading["dif_c"] == [DIF_ITEM] and reading["converged"] is True
    for lang, raw in zip(LANGUAGES, out["reports"]):
        path = Path(raw)
        assert path.parent == centre.root / "reports" and path.name == f"analysis-{lang}.pdf"
        text = text_of(path)
        assert " ".join(t("analysis.title", lang).split()) in text
        for key in ("analysis.direction.reading_literacy", "analysis.direction.mathematical_literacy",
                    "analysis.distribution", "analysis.by_region", "analysis.flagged",
                    "analysis.axis.items", "analysis.model.2pl"):
            assert " ".join(t(key, lang).split()) in text, key
        assert "Ұлытау облысы" in text and "Түркістан облысы" in text
        assert t("analysis.flag.rpbis_low", lang) in text
        assert t("analysis.flag.dif_c", lang) in text
        assert BACKWARDS in text and DIF_ITEM in text
        fonts = fonts_of(path)
        assert any("DejaVuSans" in f for f in fonts) and not any("Helvetica" in f for f in fonts), fonts
    kazakh = text_of(Path(out["reports"][0])).lower()
    assert all(letter in kazakh for letter in "әғқңөұүі"), "Kazakh letters lost in the PDF"


def test_filters_make_a_report_per_region_and_language(centre, regions_csv, capsys) -> None:
    populate(centre)
    code = main(["--data-dir", str(centre.root), "analyse", "--lang", "ru", "--regions", str(regions_csv),
                 "--region", "Түркістан облысы", "--language", "kk", "--direction", "reading_literacy"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    (unit,) = out["units"]
    assert unit["direction"] == "reading_literacy"
    assert {f["language"] for f in unit["forms"]} == {"kk"}
    expected = sum(1 for n in range(480) if n not in (5, 7) and n % 4 in (2, 3) and n % 3 != 2)
    assert unit["students"] == expected == out["results"]
    text = text_of(Path(out["reports"][0]))
    assert "Түркістан облысы" in text and "Ұлытау облысы" not in text
    assert t("analysis.dif_note.one_language", "ru") in text


def test_small_groups_get_notes_not_numbers(centre, tmp_path: Path) -> None:
    populate(centre, n_students=40)
    report = build_analysis(centre)
    unit = report.units[0]
    assert unit.irt is None and unit.irt_note == "too_few_students"
    assert unit.dif == () and unit.dif_note == "too_few_students"
    assert {g.key for g in unit.by_region} == {""}  # no campaign, no regions file: not given
    for lang in LANGUAGES:
        path = tmp_path / f"small-{lang}.pdf"
        path.write_bytes(render_analysis_report(report, lang))
        text = text_of(path)
        assert t("analysis.irt_note.too_few_students", lang, n=unit.n_students, minimum=100) in text
        assert t("analysis.region.unknown", lang) in text


def test_empty_centre(centre, tmp_path: Path) -> None:
    report = build_analysis(centre)
    assert report.units == () and report.n_results == 0
    path = tmp_path / "empty.pdf"
    path.write_bytes(render_analysis_report(report, "kk"))
    assert t("analysis.no_data", "kk") in text_of(path)


def test_bad_regions_file_is_named(centre, tmp_path: Path, capsys) -> None:
    path = tmp_path / "regions.csv"
    path.write_text("code;region\n", encoding="utf-8")
    assert main(["--data-dir", str(centre.root), "analyse", "--regions", str(path)]) == 2
    assert "line 1: the header must be 'organisation_code,region'" in capsys.readouterr().err


def test_every_code_the_report_prints_has_words() -> None:
    from common.documents.analysis_report import DIRECTION_KEYS, FLAG_KEYS, MODELS
    from common.i18n import catalogue
    from central_scorer.stats.irt.model import MODELS as FITTED
    from central_scorer.stats.items import FLAGS

    keys = catalogue()
    assert set(FLAGS) <= set(FLAG_KEYS) and set(FITTED) == set(MODELS)
    for code in FLAG_KEYS:
        assert f"analysis.flag.{code}" in keys
    for code in MODELS:
        assert f"analysis.model.{code}" in keys
    for code in DIRECTION_KEYS:
        assert f"analysis.direction.{code}" in keys
    for note in ("too_few_students", "too_few_items", "failed"):
        assert f"analysis.irt_note.{note}" in keys
    for note in ("one_language", "too_few_students", "no_common_variant"):
        assert f"analysis.dif_note.{note}" in keys


def test_unreadable_package_is_named(centre, capsys) -> None:
    """A package the results need (for its items' options and keys) that cannot be read: named, exit 2."""
    populate(centre, n_students=30)
    with centre.tx() as s:
        s.get(CentralPackage, "PKG-KK-1").content_json = json.dumps({"exam_id": "x", "title": "x"})
    assert main(["--data-dir", str(centre.root), "analyse"]) == 2
    err = capsys.readouterr().err
    assert "package PKG-KK-1" in err and "sections" in err and err.count("\n") == 1


def test_terms_are_the_same_in_headers_and_flags() -> None:
    """One word per idea in each language: the slope column and the low-discrimination flag say
    the same term; the error of b is a standard error, named in full (issue 19)."""
    discrimination = {"kk": "ажырату қабілеті", "ru": "различающая способность", "en": "discrimination"}
    standard_error = {"kk": "стандартты қате", "ru": "стандартная ошибка", "en": "standard error"}
    for lang in ("kk", "ru", "en"):
        assert discrimination[lang] in t("analysis.col.a", lang).lower()
        assert discrimination[lang] in t("analysis.flag.rpbis_low", lang).lower()
        assert standard_error[lang] in t("analysis.col.se_b", lang).lower()
    assert "Дискриминатив" not in t("analysis.col.a", "ru")
    assert t("analysis.col.se_b", "kk") != "Қателік (b)"


def test_each_region_gets_its_report_with_recommendations(centre, regions_csv, capsys) -> None:
    """§29: the three-month analysis per region: the items most and least solved, content areas, the
    wrong options that drew many students, and recommendations, in kk and ru."""
    populate(centre)
    code = main(["--data-dir", str(centre.root), "analyse", "--each-region", "--regions", str(regions_csv),
                 "--lang", "kk", "--lang", "ru"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    assert [r["region"] for r in out["regions"]] == ["Түркістан облысы", "Ұлытау облысы"]
    for region in out["regions"]:
        assert len(region["reports"]) == 2 and all(region["region"].split()[0] in Path(p).name
                                                   for p in region["reports"])
        for lang, raw in zip(("kk", "ru"), region["reports"]):
            text = text_of(Path(raw))
            for key in ("recommend.title", "recommend.least", "recommend.most", "recommend.advice"):
                assert " ".join(t(key, lang).split()) in text, (key, lang)
            assert region["region"] in text and "Сандар" in text and "Өлшемдер" in text
    # the backwards item draws the stronger students to a wrong option: it is named with its option
    ru = text_of(Path(out["regions"][0]["reports"][1]))
    assert f"Задание {BACKWARDS}" in ru or BACKWARDS in ru
