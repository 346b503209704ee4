"""Reports due, overdue and delivered, by the Kazakhstan working-day calendar."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

from central_scorer.reports.due import reports_due
from central_scorer.ingest.bundles import ingest
from central_scorer.reports.organisation import write_report
from central_scorer.web.dashboard import render
from common.documents.pdf import local_time
from common.domain.calendar import add_working_days
from proctor_console.room import sealing


def test_a_report_is_due_then_overdue_then_delivered(day):
    ingest(day.centre, Path(sealing.seal(day.room, "rep")["path"]).read_bytes())
    ended = local_time(dt.datetime.now(dt.timezone.utc)).date()
    due = add_working_days(ended, 3)

    [row] = reports_due(day.centre, today=ended)
    assert (row.organisation_code, row.status, row.due) == ("100200", "due", due.isoformat())
    [row] = reports_due(day.centre, today=due + dt.timedelta(days=1))
    assert row.status == "overdue"
    assert "просрочен" in render([row], "ru")

    write_report(day.centre, "100200", "kk", "Тест мектебі")
    [row] = reports_due(day.centre, today=due + dt.timedelta(days=1))
    assert row.status == "delivered" and row.delivered_at

    url = day.centre.engine.url.render_as_string(hide_password=False)
    done = subprocess.run([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(day.centre.root),
                           "--database-url", url, "reports-due", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["status"] == "delivered"


def test_personal_results_and_the_dashboard_need_the_staff_token(central_server):
    import ssl

    import httpx

    url, ca = central_server
    verify = ssl.create_default_context(cadata=ca)
    for path in ("/api/v1/results/100200", "/dashboard", "/api/v1/reports/due"):
        assert httpx.get(url + path, verify=verify).status_code == 401, path
        forged = {"Authorization": "Bearer not-the-token"}
        assert httpx.get(url + path, verify=verify, headers=forged).status_code == 401, path
    assert httpx.get(url + "/results", verify=verify).status_code == 200  # the public page is public
