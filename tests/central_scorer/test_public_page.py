"""The public results page as static files in a real headless Chromium, in kk, ru and en: one page
per year and grade with selectors, aggregated numbers, no personal data, small groups withheld
with a complement."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import ssl
from pathlib import Path

import httpx
import pytest

from central_scorer.ingest.bundles import ingest
from central_scorer.reports.aggregates import cohort
from central_scorer.web.publish import publish
from tests.central_scorer.rooms import sat_room

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
YEAR = dt.date.today().year  # the rooms sit today


@pytest.fixture
def published(tmp_path, centre):
    """Grade 4: 12 Kazakh-medium students and 3 Russian-medium (too few alone); grade 9: 11."""
    for org, room, n, grade, lang in (("100200", "R-BIG", 12, "4", "kk"), ("300400", "R-SMALL", 3, "4", "ru"),
                                      ("100200", "R-NINE", 11, "9", "kk")):
        ingest(centre, sat_room(tmp_path, centre, org, room, n, grade=grade, language=lang,
                                answers={"r1": "b", "r2": "c", "m1": "480"} if lang == "kk" else {"r1": "a"},
                                seed=hash(room) % 1000).read_bytes())
    return publish(centre)


def test_each_grade_is_its_own_page_and_a_small_group_takes_a_complement(published, centre):
    four, nine = cohort(centre, YEAR, "4"), cohort(centre, YEAR, "9")
    assert four["overall"]["students"] == 15 and nine["overall"]["students"] == 11
    assert four["overall"]["mean_percent"] == pytest.approx(100 * (12 * 3 + 3 * 0) / 18 / 15, abs=0.05)
    by_language = {g["key"]: g for g in four["by"]["language"]}
    # ru (3) is under 10; kk (12) is withheld with it, or 15 − 12 would give ru away
    assert by_language == {"kk": {"key": "kk", "suppressed": True}, "ru": {"key": "ru", "suppressed": True}}
    assert {g["key"] for g in nine["by"]["language"]} == {"kk"} and nine["by"]["language"][0]["students"] == 11
    root = centre.root / "public" / "current"
    for lang in ("kk", "ru", "en"):
        assert (root / lang / str(YEAR) / "4.html").exists() and (root / lang / str(YEAR) / "9.html").exists()
    assert published["cohorts"] == 2


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")
def test_public_page_in_headless_chromium(published, central_server, tmp_path):
    from playwright.sync_api import sync_playwright

    url, ca = central_server
    html = httpx.get(f"{url}/results/kk/{YEAR}/4.html", verify=ssl.create_default_context(cadata=ca)).text
    assert "Оқушы" not in html and "individual" not in html.lower()  # nobody named or coded
    words = {"kk": ("жиынтық нәтижелер", "жарияланбайды"), "ru": ("сводные результаты", "не публикуется"),
             "en": ("aggregated results", "not published")}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(ignore_https_errors=True, viewport={"width": 1100, "height": 900})
        for lang, (heading, suppressed) in words.items():
            page.goto(f"{url}/results?lang={lang}")  # the index of years and grades
            assert heading in page.inner_text("h1")
            page.click(f"ul.cohorts a[href='{YEAR}/4.html']")
            assert page.locator("html").get_attribute("lang") == lang
            assert suppressed in page.inner_text("#by-language")
            assert page.locator("#by-direction svg rect.bar").count() == 3  # three directions drawn
            page.click("nav.grade a[href='9.html']")  # the grade selector
            assert "11" in page.inner_text("#by-language")
            assert "9" in page.locator("nav.grade a[aria-current]").inner_text()
            page.click("nav.grade a[href='4.html']")
            shot = tmp_path / f"public-results-{lang}.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 20_000
            target = os.environ.get("CBT_SCREENSHOTS_DIR")
            if target:  # `make screenshots` keeps them in docs/screenshots/
                shutil.copy(shot, Path(target) / shot.name)
        browser.close()


def test_the_page_is_served_from_files_without_the_database(published, central_server, centre):
    from sqlalchemy import event

    url, ca = central_server
    verify = ssl.create_default_context(cadata=ca)
    statements: list[str] = []
    event.listen(centre.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    data = httpx.get(f"{url}/results/data/{YEAR}-4.json", verify=verify).json()
    assert data["overall"]["students"] == 15
    page = httpx.get(f"{url}/results/ru/{YEAR}/9.html", verify=verify)
    assert page.status_code == 200 and "11" in page.text
    assert statements == []  # files only: no query, however many readers
    for escape in ("/results/../central.sqlite3", "/results/%2e%2e/keys/staff-token.sha256",
                   "/results/..%2fcentral.sqlite3"):
        assert httpx.get(url + escape, verify=verify).status_code == 404, escape
    assert json.loads((centre.root / "public" / "current" / "version.json").read_text())["data"]["bundle_count"] == 3


def test_years_are_never_pooled(published, centre):
    from sqlalchemy import update

    from common.storage.central_models import Result

    with centre.tx() as s:  # the grade-4 Russian-medium school sat a year earlier
        s.execute(update(Result).where(Result.organisation_code == "300400").values(year=YEAR - 1))
    publish(centre)
    this_year, last_year = cohort(centre, YEAR, "4"), cohort(centre, YEAR - 1, "4")
    assert this_year["overall"]["students"] == 12
    assert last_year["overall"] == {"key": "all", "suppressed": True}  # 3 students: nothing published
    page = (centre.root / "public" / "current" / "ru" / str(YEAR) / "4.html").read_text("utf-8")
    assert f'href="../{YEAR - 1}/4.html"' in page  # the year selector offers the other year
    assert "<b>12</b>" in page and "<b>15</b>" not in page
