"""Finding 10 (issue 15): suppression of groups under 10 on the public page was undone by
differencing — the total minus the published groups of a table gave the one withheld group's size
and, with the means, its mean.

The attack as an outsider makes it: the centre runs as deployed (`central-scorer serve`, its own
process), two schools' rooms upload their bundles over HTTPS, and the attacker reads only the
published page (HTML, as a browser gets it), following its links to every page of results, and
subtracts. It must recover no withheld group: neither one alone, nor a pooled set of withheld
groups smaller than 10.
"""

from __future__ import annotations

import json
import re
import ssl
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin

import httpx

from common import upload_auth
from common.crypto import passwords
from common.crypto.tls import make_self_signed
from common.demo.roster import demo_content_json, demo_roster_csv
from common.domain.exam import content_from_dict
from tests.conftest import FAST_KDF_KIB

MIN_GROUP = 10


def _room(tmp_path: Path, centre_dir: Path, centre, organisation: str, room_id: str, students: int,
          language: str, answers: dict):
    from proctor_console.room.room import Room

    room = Room(tmp_path / room_id, password_params=passwords.FAST)
    key = room.configure({"room_id": room_id, "organisation_code": organisation,
                          "organisation_name": "Мектеп", "room_no": "1", **centre.public_info(),
                          "representative": {"login": "rep", "pin": "1234", "full_name": "Өкіл"}})
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = json.loads(demo_content_json())
    content["language"] = language
    package = centre.make_package(content_from_dict(content), organisation, tmp_path / f"{room_id}.pkg",
                                  kdf_memory_kib=FAST_KDF_KIB)
    room.import_package((tmp_path / f"{room_id}.pkg").read_bytes(), "rep")
    creds = room.import_roster(demo_roster_csv(students, seed=len(room_id)).replace(",kk\n", f",{language}\n"), "rep")
    for cred in creds:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(package["start_code"], "rep")
    for cred in creds:
        reply = room.login(cred["login"], cred["password"], cred["seat"])
        room.save_answers(reply["attempt_id"], [{"seq": i, "item_id": k, "answer": v, "client_ts": 0.0}
                                                for i, (k, v) in enumerate(answers.items(), start=1)])
        room.submit(reply["attempt_id"], len(answers))
    return room


class _Tables(HTMLParser):
    """Every table of a page as rows of cells (text, class), the links, and the overall line."""

    def __init__(self):
        super().__init__()
        self.tables: list[dict] = []
        self.links: list[str] = []
        self.overall: list[str] = []
        self._cell = self._row = None
        self._in_overall = self._in_b = False
        self._section = "tbody"

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "table":
            self.tables.append({"tbody": [], "tfoot": []})
        if tag in ("tbody", "tfoot", "thead"):
            self._section = tag
        if tag == "tr":
            self._row = []
        if tag in ("td", "th") and self._row is not None:
            self._cell = [a.get("class") or "", ""]
        if tag == "p" and "overall" in (a.get("class") or ""):
            self._in_overall = True
        if tag == "b" and self._in_overall:
            self._in_b = True
            self.overall.append("")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(tuple(self._cell))
            self._cell = None
        if tag == "tr" and self._row is not None and self.tables and self._section != "thead":
            self.tables[-1][self._section].append(self._row)
            self._row = None
        if tag == "p":
            self._in_overall = False
        if tag == "b":
            self._in_b = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        if self._in_b:
            self.overall[-1] += data


def _number(text: str) -> float:
    return float(text.strip().replace(",", "."))


def _attack(page: _Tables) -> list[str]:
    """Everything the published numbers give away by subtraction, one line each."""
    found = []
    for table in page.tables:
        rows, total = [], None
        for row in table["tbody"]:
            nums = [c for c in row if "num" in c[0]]
            if any("suppressed" in c[0] for c in row):
                rows.append((row[0][1], None, None))
            elif len(nums) >= 2:
                rows.append((row[0][1], int(_number(nums[0][1])), _number(nums[1][1])))
        for row in table["tfoot"]:
            nums = [c for c in row if "num" in c[0]]
            if len(nums) >= 2:
                total = (int(_number(nums[0][1])), _number(nums[1][1]))
        if total is None and len(page.overall) >= 2:  # the page's overall line is the table's total
            total = (int(_number(page.overall[0])), _number(page.overall[1]))
        hidden = [label for label, n, _ in rows if n is None]
        if total is None or not hidden or not any(n is not None for _, n, _ in rows):
            continue
        rest_n = total[0] - sum(n for _, n, _ in rows if n is not None)
        rest_sum = total[0] * total[1] - sum(n * m for _, n, m in rows if n is not None)
        if len(hidden) == 1 and rest_n > 0:
            found.append(f"{hidden[0]}: {rest_n} students, mean {rest_sum / rest_n:.1f}")
        elif 0 < rest_n < MIN_GROUP:
            found.append(f"{' + '.join(hidden)}: {rest_n} students together, mean {rest_sum / rest_n:.1f}")
    return found


def _pages(client: httpx.Client, start: str) -> dict[str, str]:
    """The published site, crawled from its start page (links under /results only)."""
    seen: dict[str, str] = {}
    todo = [start]
    while todo:
        url = todo.pop()
        reply = client.get(url, follow_redirects=True)
        url = str(reply.url)
        if url in seen or reply.status_code != 200 or "html" not in reply.headers.get("content-type", ""):
            continue
        seen[url] = reply.text
        parser = _Tables()
        parser.feed(reply.text)
        for href in parser.links:
            target = urljoin(url, href).split("#")[0]
            if "/results" in target and target not in seen and not target.endswith(".json"):
                todo.append(target)
    return seen


def test_no_withheld_group_is_recovered_by_subtraction(tmp_path, centre):
    rooms = [_room(tmp_path, centre.root, centre, "100200", "R-BIG-1", 12, "kk", {"r1": "b", "r2": "c", "m1": "480"}),
             _room(tmp_path, centre.root, centre, "300400", "R-SMALL-1", 3, "ru", {"r1": "a"})]
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    centre.engine.dispose()
    server = subprocess.Popen([sys.executable, "-m", "central_scorer.cli.main", "--data-dir", str(centre.root),
                               "serve", "--port", "0", "--tls-cert", str(cert), "--tls-key", str(key)],
                              stdout=subprocess.PIPE, text=True)
    try:
        port = json.loads(server.stdout.readline())["port"]
        tls = ssl.create_default_context(cafile=str(cert))
        url = f"https://127.0.0.1:{port}"
        from proctor_console.room import sealing

        for room in rooms:  # each room uploads its sealed bundle, as its upload does, over HTTPS
            sealed = sealing.seal(room, "rep")
            bundle = Path(sealed["path"]).read_bytes()
            reply = httpx.put(f"{url}/api/v1/uploads/{sealed['sha256']}", verify=tls, timeout=60,
                              params={"offset": 0, "total": len(bundle)}, content=bundle,
                              headers=upload_auth.sign(room.signing_key, sealed["sha256"], 0,
                                                       len(bundle), bundle))
            assert reply.status_code == 200 and "error" not in reply.json(), reply.text
        with httpx.Client(verify=tls, timeout=30) as attacker:
            deadline = time.monotonic() + 60
            while True:  # the page shows both schools once the centre has taken them in
                pages = _pages(attacker, f"{url}/results")
                if any(re.search(r"<b>15</b>", html) for html in pages.values()) or time.monotonic() > deadline:
                    break
                time.sleep(0.5)
            assert any(re.search(r"<b>15</b>", html) for html in pages.values()), "the results were not published"
            recovered = []
            for page_url, html in pages.items():
                parser = _Tables()
                parser.feed(html)
                recovered += [f"{page_url}: {line}" for line in _attack(parser)]
        assert recovered == [], "withheld groups recovered by subtraction:\n" + "\n".join(recovered)
    finally:
        server.terminate()
        server.wait(timeout=30)
        server.stdout.close()
