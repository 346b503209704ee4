"""Reports due, overdue and delivered per organisation, year and grade, by the Kazakhstan
working-day calendar; delivered when the organisation downloads its report through the portal."""

from __future__ import annotations

import datetime as dt
import json
import os
import ssl
import subprocess
import sys
from pathlib import Path

import httpx

from central_scorer.ingest.bundles import ingest
from central_scorer.reports.batch import ReportMaker
from central_scorer.reports.due import reports_due
from central_scorer.web.dashboard import render
from central_scorer.web.sessions import issue_codes
from common.documents.pdf import local_time
from common.domain.calendar import add_working_days
from proctor_console.room import sealing


def test_a_report_is_due_then_overdue_then_delivered(day, central_server):
    ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    ended = local_time(dt.datetime.now(dt.timezone.utc)).date()
    due = add_working_days(ended, 3)

    [row] = reports_due(day.centre, today=ended)
    assert (row.organisation_code, row.grade, row.status, row.due) == ("100200", "4", "due", due.isoformat())
    [row] = reports_due(day.centre, today=due + dt.timedelta(days=1))
    assert row.status == "overdue" and row.made_at is None
    assert "просрочен" in render([row], "ru")

    ReportMaker(day.centre).make("100200", row.year, "4")  # made on the centre's disk: not delivered
    [row] = reports_due(day.centre, today=due + dt.timedelta(days=1))
    assert row.status == "overdue" and row.made_at and not row.delivered_at

    url, ca = central_server  # the organisation downloads it through the portal
    code = issue_codes(day.centre, ["100200"])["100200"]
    with httpx.Client(base_url=url, verify=ssl.create_default_context(cadata=ca)) as browser:
        assert browser.post("/portal/signin", data={"organisation": "100200", "code": code}).status_code == 303
        page = browser.get("/portal/files").text
        first = page.index('href="/portal/files/') + len('href="/portal/files/')
        file_id = page[first:page.index('"', first)]
        assert browser.get(f"/portal/files/{file_id}").content.startswith(b"%PDF")
    [row] = reports_due(day.centre, today=due + dt.timedelta(days=1))
    assert row.status == "delivered" and row.delivered_at

    db = day.centre.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(day.centre.root),
                           "reports-due", "--json"], env={**os.environ, "CBT_CENTRE_DATABASE_URL": db},
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["status"] == "delivered"


def test_personal_results_and_the_dashboard_need_the_staff_token(central_server):
    url, ca = central_server
    verify = ssl.create_default_context(cadata=ca)
    for path in ("/api/v1/results/100200", "/dashboard", "/api/v1/reports/due"):
        assert httpx.get(url + path, verify=verify).status_code == 401, path
        forged = {"Authorization": "Bearer not-the-token"}
        assert httpx.get(url + path, verify=verify, headers=forged).status_code == 401, path
        forged_cookie = {"ntc_session": "not-a-session"}
        assert httpx.get(url + path, verify=verify, cookies=forged_cookie).status_code == 401, path
    assert httpx.get(url + "/results/kk/", verify=verify).status_code == 200  # the public page is public
