"""The organisations' portal and the staff dashboard in a real headless Chromium, as a clerk
would use them: a school signs in with its access code (kk and ru pages), downloads its signed
report, and the dashboard — opened after a staff sign-in — shows it delivered; another school's
code gets nothing of it."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
import ssl

import httpx
import pytest

from central_scorer.ingest.bundles import ingest
from central_scorer.reports.batch import due_tasks, make_reports
from central_scorer.reports.signing import CERT_FILE, verify_pdf
from central_scorer.web.sessions import issue_codes
from tests.central_scorer.rooms import sat_room

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
YEAR = dt.date.today().year
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (make test installs it)")


@pytest.fixture
def two_schools(tmp_path, centre):
    ingest(centre, sat_room(tmp_path, centre, "100200", "R-A", 4, language="kk").read_bytes())
    ingest(centre, sat_room(tmp_path, centre, "300400", "R-B", 3, language="ru", seed=9).read_bytes())
    summary = make_reports(centre, due_tasks(centre), jobs=1)
    assert summary["made"] == 2 and not summary["failed"]
    return issue_codes(centre, ["100200", "300400"])


@pytest.mark.parametrize("centre", ["sqlite"], indirect=True)
def test_a_clerk_downloads_the_report_and_the_dashboard_shows_it_delivered(two_schools, central_server,
                                                                           centre, tmp_path):
    from playwright.sync_api import sync_playwright

    url, ca = central_server
    codes = two_schools
    saved_reports = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        # Another school's code never opens this school's files.
        other = browser.new_context(ignore_https_errors=True)
        page = other.new_page()
        page.goto(f"{url}/portal?lang=ru")
        page.fill("#organisation", "100200")
        page.fill("#code", codes["300400"])
        page.click("button[type=submit]")
        assert "Неверный код" in page.inner_text("p.error")
        page.fill("#organisation", "300400")
        page.fill("#code", codes["300400"])
        page.click("button[type=submit]")
        assert "300400" in page.inner_text("body") and "results-100200" not in page.content()
        links = page.locator("a[href^='/portal/files/']")
        own = {links.nth(i).get_attribute("href") for i in range(links.count())}
        reply = other.request.get(f"{url}/portal/files/1")  # a guessed id of the other school's file
        assert reply.status == 404 or "/portal/files/1" in own
        other.close()

        for lang, words in (("kk", ("Кіру коды", "Нәтижелер туралы есеп")),
                            ("ru", ("Код доступа", "Отчёт о результатах"))):
            clerk = browser.new_context(ignore_https_errors=True, accept_downloads=True)
            page = clerk.new_page()
            page.goto(f"{url}/portal?lang={lang}")
            assert words[0] in page.inner_text("label[for=code]")
            page.fill("#organisation", "100200")
            page.fill("#code", codes["100200"].lower().replace("-", ""))  # as typed from paper
            page.click("button[type=submit]")
            link = page.locator("a[href^='/portal/files/']").first
            assert words[1] in page.inner_text("table")
            with page.expect_download() as download:
                link.click()
            saved = tmp_path / f"report-{lang}.pdf"
            download.value.save_as(saved)
            saved_reports.append(saved)
            page.screenshot(path=str(tmp_path / f"portal-{lang}.png"), full_page=True)
            clerk.close()

        staff = browser.new_context(ignore_https_errors=True)
        page = staff.new_page()
        page.goto(f"{url}/dashboard?lang=ru")  # not signed in: the sign-in form
        assert page.url.startswith(f"{url}/signin")
        page.fill("#token", "wrong")
        page.click("button[type=submit]")
        assert page.locator("p.error").count() == 1
        page.fill("#token", centre_staff_token(centre))
        page.click("button[type=submit]")
        rows = page.locator("tbody tr")
        statuses = {rows.nth(i).locator("td").first.inner_text(): rows.nth(i).get_attribute("class")
                    for i in range(rows.count())}
        assert statuses == {"100200": "delivered", "300400": "due"}
        page.screenshot(path=str(tmp_path / "dashboard-ru.png"), full_page=True)
        browser.close()

    verify = ssl.create_default_context(cadata=ca)
    assert httpx.get(f"{url}/portal/files/1", verify=verify).status_code == 404  # no session: nothing
    target = os.environ.get("CBT_SCREENSHOTS_DIR")
    if target:  # `make screenshots` keeps them in docs/screenshots/
        for name in ("portal-kk.png", "portal-ru.png", "dashboard-ru.png"):
            shutil.copy(tmp_path / name, Path(target) / name)
    for saved in saved_reports:  # what the clerk saved is the centre's signed report (outside
        assert verify_pdf(saved.read_bytes(), centre.root / "keys" / CERT_FILE).kind == "pdf"  # the browser's loop)


def centre_staff_token(centre) -> str:
    return centre.test_staff_token
