"""What the benchmarks share: percentiles, the machine, a synthetic 60-item test, a room to load.

Every benchmark script is run as its own process by `bench/run.py`; it prints a human summary and,
with ``--json PATH``, writes its rows there. A row is a plain dict::

    {"id", "what", "workload", "figure", "target", "met" (True/False/None), "baseline",
     "ratio", "notes": [...], "data": {...}}

``met`` is None when the row could not be measured here (pending, skipped); benchmarks never fail
a build, so the runner prints what was missed and exits 0.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

PY = sys.executable
ORGANISATION = {"code": "190745", "name": "№ 45 мектеп-гимназия (бенчмарк)"}
REPRESENTATIVE = {"login": "rep", "pin": "482915", "full_name": "Сейітқали Гүлмира Әділбекқызы"}
PACKAGE_KDF_KIB = 1024  # the package's start-code KDF: cheap here, its cost is not what we measure


# --- numbers ---------------------------------------------------------------------------------------


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms" if seconds == seconds else "—"


def ratio(a: float, b: float) -> str:
    if not b or a != a or b != b:
        return "—"
    r = a / b
    return f"{r:.2f}×" if r >= 0.1 else f"{r:.2g}×"


def peak_rss_mb() -> float:
    """This process's peak resident set so far (VmHWM), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def write_rows(path: Path | None, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        row.setdefault("notes", [])
        row.setdefault("data", {})
        row.setdefault("ratio", "—")
        row.setdefault("baseline", "—")
    if path is not None:
        Path(path).write_text(json.dumps(rows, ensure_ascii=False, indent=2), "utf-8")


# --- the machine -----------------------------------------------------------------------------------


def filesystem_of(path: Path) -> str:
    """Best effort (Linux): the file system type and device of the mount that holds ``path``."""
    try:
        mounts = Path("/proc/mounts").read_text().splitlines()
    except OSError:
        return "unknown"
    best, kind = "", "unknown"
    target = str(Path(path).resolve())
    for line in mounts:
        fields = line.split()
        if len(fields) >= 3 and (target == fields[1] or target.startswith(fields[1].rstrip("/") + "/")):
            if len(fields[1]) > len(best):
                best, kind = fields[1], f"{fields[2]} on {fields[0]}"
    return kind


def machine_info(work: Path) -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor() or "unknown"
    ram = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    disk = filesystem_of(work)
    try:
        dev = disk.split(" on ")[-1].rsplit("/", 1)[-1]
        rota = Path(f"/sys/block/{dev}/queue/rotational").read_text().strip()
        disk += ", rotational" if rota == "1" else ", non-rotational (SSD or virtual)"
    except (OSError, IndexError):
        pass
    total, _, free = shutil.disk_usage(work)
    info = {
        "cores (nproc)": str(os.cpu_count()),
        "CPU": cpu,
        "RAM": ram,
        "disk": f"{disk}; {free / 2**30:.0f} of {total / 2**30:.0f} GiB free",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
    }
    try:
        from importlib.metadata import version

        info["libraries"] = ", ".join(
            f"{name} {version(name)}" for name in
            ("SQLAlchemy", "fastapi", "uvicorn", "httpx", "cryptography", "psycopg", "PySide6-Essentials",
             "reportlab", "numpy"))
    except Exception:  # noqa: BLE001 - informative only
        pass
    info["PostgreSQL"] = postgres_version() or "not reachable on 127.0.0.1:5432"
    return info


PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def postgres_version() -> str | None:
    try:
        from sqlalchemy import create_engine, text

        engine = create_engine(PG_ADMIN, connect_args={"connect_timeout": 3})
        try:
            with engine.connect() as c:
                return str(c.execute(text("SHOW server_version")).scalar())
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - no server, no driver: the row says so
        return None


# --- a synthetic test ------------------------------------------------------------------------------


def synthetic_content(items: int = 60, duration_minutes: int = 240) -> dict[str, Any]:
    """An original 60-item grade-9 test: 40 single choice, 10 multiple choice, 10 numeric.

    The words are placeholders in Kazakh; only the shape (types, options, keys) matters here.
    """
    sections: list[dict[str, Any]] = []
    per = max(1, items // 3)
    n = 0
    for s_index, (sid, direction, title) in enumerate((
            ("reading", "reading_literacy", "Оқу сауаттылығы"),
            ("math", "mathematical_literacy", "Математикалық сауаттылық"),
            ("science", "natural_science_literacy", "Жаратылыстану сауаттылығы"))):
        section_items = []
        count = per if s_index < 2 else items - 2 * per
        for _ in range(count):
            n += 1
            iid = f"q{n:02d}"
            kind = n % 6
            options = [{"id": o, "text": f"{n}-сұрақтың «{o}» нұсқасы"} for o in "abcd"]
            if kind in (1, 2, 3, 4):
                section_items.append({"id": iid, "type": "single_choice", "points": 1,
                                      "prompt": f"{n}-сұрақ: дұрыс жауапты таңдаңыз.",
                                      "options": options, "correct": ["abcd"[n % 4]]})
            elif kind == 5:
                section_items.append({"id": iid, "type": "multiple_choice", "points": 2,
                                      "prompt": f"{n}-сұрақ: барлық дұрыс жауапты белгілеңіз.",
                                      "options": options, "correct": ["a", "abcd"[1 + n % 3]]})
            else:
                section_items.append({"id": iid, "type": "numeric", "points": 1,
                                      "prompt": f"{n}-сұрақ: нәтижесін есептеңіз ({n} × 12).",
                                      "value": n * 12})
        sections.append({"id": sid, "direction": direction, "title": title, "items": section_items})
    return {"exam_id": "bench-g9-kk", "title": "9-сынып. Бенчмарк нұсқасы", "grade": "9",
            "language": "kk", "variant": "0901", "duration_minutes": duration_minutes,
            "warnings_minutes": [10, 5], "sections": sections}


def answer_for(item: dict[str, Any], roll: float) -> Any:
    """A plausible answer of the item's type: mostly right, sometimes wrong."""
    if item["type"] == "single_choice":
        return item["correct"][0] if roll < 0.6 else "abcd"[int(roll * 97) % 4]
    if item["type"] == "multiple_choice":
        # two different options: the answer checks refuse an option given twice (issue 15)
        return sorted(item["correct"]) if roll < 0.5 else ["a", "bcd"[int(roll * 89) % 3]]
    return str(item["value"]) if roll < 0.5 else str(int(roll * 1000))


def content_items(content: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for section in content["sections"] for item in section["items"]]


# --- a room, set up in-process, then served by a real `proctor-console serve` ----------------------


def prepare_room(work: Path, students: int, items: int = 60) -> dict[str, Any]:
    """A centre, a configured room with a package, `students` admitted, the room open.

    Returns the room directory (to copy per run), the credentials, and the content (with keys).
    Passwords use `passwords.FAST` (the `--password-cost fast` of the demo and the tests).
    """
    from central_scorer.centre import Centre
    from common.crypto import passwords
    from common.demo.roster import demo_roster_csv
    from common.domain.exam import content_from_dict
    from proctor_console.room import enrolment
    from proctor_console.room.room import Room

    work.mkdir(parents=True, exist_ok=True)
    centre = Centre(work / "central")
    centre.init("KZ-NTC-BENCH")
    room_dir = work / "room-template"
    room = Room(room_dir, password_params=passwords.FAST)
    key = room.configure({
        "room_id": f"R{ORGANISATION['code']}-12", "organisation_code": ORGANISATION["code"],
        "organisation_name": ORGANISATION["name"], "room_no": "12", **centre.public_info(),
        "representative": REPRESENTATIVE,
    })
    centre.trust_room(key["room_id"], key["organisation_code"], key["verify_key"])
    content = synthetic_content(items)
    package = centre.make_package(content_from_dict(content), ORGANISATION["code"],
                                  work / "package.cbtpkg", kdf_memory_kib=PACKAGE_KDF_KIB)
    room.import_package((work / "package.cbtpkg").read_bytes(), REPRESENTATIVE["login"])
    credentials = room.import_roster(demo_roster_csv(students), REPRESENTATIVE["login"])
    for cred in credentials:
        room.mark_attendance(cred["individual_code"], "present", None, REPRESENTATIVE["login"])
        # each kiosk PC enrolled at its seat (proctor_console/room/enrolment.py)
        cred["workstation_key"] = enrolment.enrol(room, cred["seat"], REPRESENTATIVE["login"])[
            "workstation_key"]
    room.start(package["start_code"], REPRESENTATIVE["login"])
    room.engine.dispose()
    centre.engine.dispose()
    return {"room_dir": room_dir, "credentials": credentials, "content": content}


class RoomServer:
    """`proctor-console serve` as its own process, on an ephemeral loopback port."""

    def __init__(self, data_dir: Path, log: Path, cpus: str | None = None):
        self.data_dir = data_dir
        self._log = open(log, "ab")
        # BENCH_SERVE_WRAPPER: a script run instead of `-m proctor_console.cli` with the same
        # arguments (to try a change or attach a profiler without touching the code under test).
        wrapper = os.environ.get("BENCH_SERVE_WRAPPER")
        program = [wrapper] if wrapper else ["-m", "proctor_console.cli"]
        pin = ["taskset", "-c", cpus] if cpus is not None and shutil.which("taskset") else []
        self.proc = subprocess.Popen(
            [*pin, PY, *program, "serve", "--data-dir", str(data_dir), "--host",
             "127.0.0.1", "--port", "0", "--password-cost", "fast"],
            stdout=subprocess.PIPE, stderr=self._log, stdin=subprocess.DEVNULL, cwd=REPO)
        assert self.proc.stdout is not None
        deadline = time.monotonic() + 60
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"the room server did not start; see {log}")
            try:
                event = json.loads(line)
            except ValueError:
                continue
            if event.get("event") == "ready":
                self.port, self.fingerprint = int(event["port"]), str(event["fingerprint"])
                break
            if time.monotonic() > deadline:
                raise RuntimeError("the room server did not start in 60 s")
        self._wait_listening()

    def _wait_listening(self) -> None:
        import socket

        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("the room server does not accept connections")

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, so what is on disk is what a power cut leaves."""
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(30)
        self._log.close()


def copy_room(template: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(template, target)
    return target
