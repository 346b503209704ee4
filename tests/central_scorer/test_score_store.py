"""Scores stored once, at ingest, with the campaign's dimensions; a school's grades kept apart in
its reports; a key corrected only by `rescore`, which records why."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

from pypdf import PdfReader
from sqlalchemy import func, select

from central_scorer.campaign.store import open_campaign
from central_scorer.ingest.bundles import ingest
from central_scorer.reports.batch import due_tasks, make_reports
from central_scorer.scores import read
from common.storage.central_models import (
    CentralPackage, DirectionScore, ItemScore, OrganisationReportFile, Rescoring, Result)
from tests.central_scorer.rooms import sat_room

YEAR = dt.date.today().year
LIST = """code,name,region,district,territory,type,contingent,language,participated
100200,Абай атындағы мектеп,Абай облысы,Аягөз ауданы,city,school,30,kk,
100300,Бесқарағай мектебі,Абай облысы,Бесқарағай ауданы,village,school,9,kk,
""".encode()


def school_with_two_grades(tmp_path, centre):
    for grade in ("4", "9"):
        open_campaign(centre, LIST, year=YEAR, grade=grade, seed=1, share="1", bands=(20, 60, 120),
                      first_day=dt.date(YEAR, 4, 13), last_day=dt.date(YEAR, 4, 17))
    ingest(centre, sat_room(tmp_path, centre, "100200", "R-FOUR", 4, grade="4").read_bytes())
    ingest(centre, sat_room(tmp_path, centre, "100200", "R-NINE", 3, grade="9", seed=99,
                            answers={"r1": "b", "m1": "480"}, absent={2: "home_schooling"}).read_bytes())


def test_scores_are_stored_with_their_dimensions(tmp_path, centre):
    school_with_two_grades(tmp_path, centre)
    with centre.read() as s:
        rows = list(s.scalars(select(Result).order_by(Result.grade)))
        assert {(r.year, r.cycle, r.grade, r.region, r.district, r.territory, r.org_type, r.org_language,
                 r.test_language) for r in rows} == {
            (YEAR, "april", g, "Абай облысы", "Аягөз ауданы", "city", "school", "kk", "kk") for g in ("4", "9")}
        assert all(r.campaign_id is not None and r.monitoring_day == dt.date.today() for r in rows)
        for r in rows:
            if r.status != "scored":
                assert s.scalar(select(func.count()).select_from(ItemScore).where(ItemScore.result_id == r.id)) == 0
                continue
            by_direction = dict(s.execute(select(DirectionScore.direction, DirectionScore.score)
                                          .where(DirectionScore.result_id == r.id)).all())
            items = s.execute(select(ItemScore.score, ItemScore.status).where(ItemScore.result_id == r.id)).all()
            assert sum(by_direction.values()) == r.score == sum(i.score for i in items)
            assert len(items) == 15  # every item shown, answered or not
        nine = [r for r in rows if r.grade == "9" and r.status == "scored"]
        statuses = sorted(st for (st,) in s.execute(select(ItemScore.status).where(ItemScore.result_id == nine[0].id)))
        assert statuses.count(0) == 2 and statuses.count(1) == 4 and statuses.count(2) == 9  # r1 1st, m1 6th of 15
        matrix = read.item_matrix(s, YEAR, "4", "reading_literacy")
        assert matrix.scores.shape == (4, 5) and matrix.students[0]["region"] == "Абай облысы"
        assert read.percent_sums(s, YEAR, "9") == [("*", 2, 2 * 100 * 2 / 18)]


def test_a_school_with_two_grades_gets_two_reports_each_of_its_grade(tmp_path, centre):
    school_with_two_grades(tmp_path, centre)
    assert sorted(due_tasks(centre)) == [("100200", YEAR, "4"), ("100200", YEAR, "9")]
    assert make_reports(centre, due_tasks(centre))["made"] == 2
    with centre.read() as s:
        pdfs = {f.grade: f.path for f in s.scalars(select(OrganisationReportFile).where(
            OrganisationReportFile.kind == "pdf"))}
        codes = {g: {r.individual_code for r in s.scalars(select(Result).where(Result.grade == g))}
                 for g in ("4", "9")}
    assert set(pdfs) == {"4", "9"}  # a kk school: one language, one report per grade
    for grade, other in (("4", "9"), ("9", "4")):
        text = "".join(p.extract_text() for p in PdfReader(pdfs[grade]).pages)
        assert f"{grade}-сынып" in text and f"{other}-сынып" not in text
        assert all(c in text for c in codes[grade]) and not any(c in text for c in codes[other])
        assert "Республика бойынша" in text and "Абай облысы" in text
        assert "Ұлттық тестілеу орталығы" in text  # the issuer
    nine = "".join(p.extract_text() for p in PdfReader(pdfs["9"]).pages)
    assert "Тестілеуге жатпайды" in nine  # the home-schooled student is exempt, not absent
    lines = [line.strip() for line in nine.splitlines()]
    assert lines[lines.index("Қатыспағандар") + 1] == "0"  # label, then its value


def test_a_corrected_key_is_applied_only_by_rescore_which_records_why(tmp_path, centre):
    ingest(centre, sat_room(tmp_path, centre, "100200", "R-FOUR", 3).read_bytes())
    with centre.read() as s:
        package = s.scalar(select(CentralPackage))
        before = dict(s.execute(select(Result.individual_code, Result.score)).all())
    content = json.loads(package.content_json)
    items = [i for v in content.get("variants", [content]) for sec in v["sections"] for i in sec["items"]]
    for item in items:
        if item["id"] == "r1":
            item["correct"] = ["a"]  # the key was wrong: "a" is right (the students answered "b")
    path = tmp_path / "corrected.json"
    path.write_text(json.dumps(content, ensure_ascii=False), "utf-8")
    url = centre.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                           "rescore", "--package", package.package_id,
                           "--content", str(path), "--reason", "r1: key corrected after appeal",
                           "--actor", "psychometrician"], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "CBT_CENTRE_DATABASE_URL": url})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["changed"] == 3
    with centre.read() as s:
        after = dict(s.execute(select(Result.individual_code, Result.score)).all())
        [record] = s.scalars(select(Rescoring))
        reading = s.scalars(select(DirectionScore.score).where(DirectionScore.direction == "reading_literacy")).all()
    assert all(after[c] == before[c] - 1 for c in before)
    assert (record.reason, record.actor, record.results, record.changed) == (
        "r1: key corrected after appeal", "psychometrician", 3, 3)
    assert record.old_content_sha256 != record.new_content_sha256
    assert reading == [3.0, 3.0, 3.0]  # r2 (1) + r3 (2): r1 now wrong
    bad = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                          "rescore", "--package", package.package_id,
                          "--content", str(path), "--reason", " "], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "CBT_CENTRE_DATABASE_URL": url})
    assert bad.returncode == 2 and "reason" in bad.stderr and "Traceback" not in bad.stderr
