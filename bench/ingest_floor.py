"""What storing costs without the ingest around it, for bench_ingest.py: the raw insert/COPY
floor of the same rows, and the CPU the local PostgreSQL server used."""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any


def raw_floor(centre: Any, attempts: int, per_tx: int = 1000) -> dict[str, float]:
    """The floor of the same run: every row the ingest stored (results, responses, item and
    direction scores) taken out and written again with `insert_rows` (COPY on PostgreSQL,
    executemany on SQLite), a transaction per `per_tx` results as a bundle has. Nothing is parsed,
    checked or scored: what storing alone costs, in CPU seconds of this process."""
    from sqlalchemy import delete, select

    from common.storage.bulk import insert_rows
    from common.storage.central_models import DirectionScore, ItemScore, Response, Result

    tables = (Result, Response, ItemScore, DirectionScore)
    with centre.read() as s:
        rows = {m: [tuple(r) for r in s.execute(select(*m.__table__.columns))] for m in tables}
    with centre.tx() as s:
        for m in reversed(tables):
            s.execute(delete(m))
    by_result: dict[Any, dict[Any, list[tuple[Any, ...]]]] = {m: {} for m in tables[1:]}
    for m in tables[1:]:
        at = [c.name for c in m.__table__.columns].index("result_id")
        for row in rows[m]:
            by_result[m].setdefault(row[at], []).append(row)
    results = rows[Result]
    cpu0, pg0 = time.process_time(), postgres_cpu_s() if centre.engine.dialect.name == "postgresql" else None
    for i in range(0, len(results), per_tx):
        chunk = results[i:i + per_tx]
        with centre.tx() as s:
            insert_rows(s, Result.__table__, [c.name for c in Result.__table__.columns], chunk)
            for m in tables[1:]:
                insert_rows(s, m.__table__, [c.name for c in m.__table__.columns],
                            [row for r in chunk for row in by_result[m].get(r[0], ())])
    cpu = time.process_time() - cpu0
    server = (postgres_cpu_s() - pg0) if pg0 is not None else None
    return {"cpu_s": cpu, "rate_per_cpu_s": attempts / cpu, "server_cpu_s": server}


def postgres_cpu_s() -> float | None:
    """CPU seconds of the local PostgreSQL server's processes so far (ended backends are counted
    in their parent's children times); None when no such process can be read."""
    tick = os.sysconf("SC_CLK_TCK")
    total, seen = 0, False
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text()
        except OSError:
            continue
        if stat[stat.index("(") + 1:stat.rindex(")")] != "postgres":
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        total += sum(int(f) for f in fields[11:15])  # utime, stime, cutime, cstime
        seen = True
    return total / tick if seen else None
