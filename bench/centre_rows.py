"""The rows `bench_centre.py` writes: each figure with its target and its same-run baseline."""

from __future__ import annotations

from typing import Any

import benchlib

MEMORY_MB = 1024.0


def rows_of(r: dict[str, Any], n: int) -> list[dict[str, Any]]:
    size = f"{n:,} attempts × 60 items (3 years × grades 4, 9) on PostgreSQL"
    out = [row for part, make in (("generated", _setup_row), ("ingest", _ingest_row), ("public", _public_rows),
                                  ("reports", _reports_row), ("export", _export_row), ("analyse", _analyse_row),
                                  ("national", _national_row))
           if part in r for row in make(r[part], size)]
    return out


def _setup_row(g: dict[str, Any], size: str) -> list[dict[str, Any]]:
    return [{
        "id": "centre-setup", "what": "centre: national rows (set-up)", "workload": size,
        "figure": f"{g['seconds']:.0f} s, database {g['size']}", "target": "—", "met": None,
        "notes": ["generated inside PostgreSQL (INSERT … SELECT), not ingested: "
                  + ", ".join(f"{k} {v:,}" for k, v in g["counts"].items())],
    }]


def _ingest_row(i: dict[str, Any], size: str) -> list[dict[str, Any]]:
    return [{
        "id": "centre-ingest", "what": "centre ingest into the national database (queue, 2 workers)",
        "workload": f"{i['attempts']:,} attempts in {i['bundles']} real sealed bundles, into {size}",
        "figure": f"{i['rate']:,.0f} attempts/s ({i['seconds']:.1f} s)", "target": "≥ 2,000 attempts/s",
        "met": i["rate"] >= 2000, "baseline": f"raw COPY of the same rows: {i['copy_rate']:,.0f} attempts/s",
        "ratio": benchlib.ratio(i["rate"], i["copy_rate"]) + " of the raw COPY rate",
        "notes": [f"{i['stored_jobs']} jobs stored; measured on real bundles (verify, HPKE open, score, store)"],
    }]


def _public_rows(p: dict[str, Any], size: str) -> list[dict[str, Any]]:
    return [{
        "id": "centre-publish", "what": "public page rebuilt (publish)", "workload": f"every year and grade, kk/ru/en, from {size}",
        "figure": f"{p['seconds']:.1f} s, peak {p['peak_mb']:.0f} MB, {p['files']} files",
        "target": "≤ 60 s, ≤ 1 GB", "met": p["seconds"] <= 60 and p["peak_mb"] <= MEMORY_MB,
        "baseline": f"bare GROUP BY year, grade, region: {p['group_by_s']:.2f} s",
        "ratio": benchlib.ratio(p["seconds"], p["group_by_s"]),
    }, {
        "id": "centre-serve", "what": "public page served (files)", "workload": f"GET one cohort's page ×300 ({p['page_bytes'] / 1024:.0f} KiB), HTTP loopback",
        "figure": f"p50 {benchlib.ms(p['get_p50'])}, p99 {benchlib.ms(p['get_p99'])}", "target": "≤ 50 ms",
        "met": p["get_p99"] <= 0.05, "baseline": f"reading the file from disk: p50 {benchlib.ms(p['read_p50'])}",
        "ratio": benchlib.ratio(p["get_p50"], p["read_p50"]) + " (p50 / p50)",
    }]


def _reports_row(rp: dict[str, Any], size: str) -> list[dict[str, Any]]:
    days = rp["all_s"] / 86400
    return [{
        "id": "centre-reports", "what": "reports due for one cycle (--jobs 2)",
        "workload": f"{rp['sample']} of {rp['due']:,} organisations × grade of {rp['year']}: signed PDF(s), CSV, XLSX each",
        "figure": f"{rp['per_org_s']:.2f} s per organisation → all {rp['due']:,} in {rp['all_s'] / 3600:.1f} h "
                  f"(extrapolated); peak {rp['peak_mb']:.0f} MB per process",
        "target": "within 3 working days with room to spare; ≤ 1 GB", "met": days < 1 and rp["peak_mb"] <= MEMORY_MB,
        "baseline": f"bare GROUP BY organisation, grade, direction: {rp['group_by_s']:.2f} s",
        "notes": [f"measured on {rp['sample']} organisations in {rp['seconds']:.0f} s, then scaled to the cycle"],
    }]


def _export_row(e: dict[str, Any], size: str) -> list[dict[str, Any]]:
    return [{
        "id": "centre-export", "what": "analysts' export (one year and grade)",
        "workload": f"wide CSV {e['wide']['rows']:,} students; long CSV {e['long']['rows']:,} responses",
        "figure": f"wide {e['wide']['seconds']:.1f} s ({e['wide']['mb']:.0f} MiB, peak {e['wide']['peak_mb']:.0f} MB); "
                  f"long {e['long']['seconds']:.1f} s ({e['long']['mb']:.0f} MiB, peak {e['long']['peak_mb']:.0f} MB)",
        "target": "≤ 1 GB", "met": max(e["wide"]["peak_mb"], e["long"]["peak_mb"]) <= MEMORY_MB,
        "baseline": f"COPY TO of the cohort's item scores: {e['copy_s']:.1f} s",
        "ratio": benchlib.ratio(e["wide"]["seconds"], e["copy_s"]) + " (wide / COPY)",
    }]


def _analyse_row(a: dict[str, Any], size: str) -> list[dict[str, Any]]:
    if "seconds" in a:
        figure, met = f"{a['seconds']:.1f} s, peak {a['peak_mb']:.0f} MB", a["peak_mb"] <= MEMORY_MB
    else:
        figure, met = (f"did not finish in {a['timeout']:.0f} s" if "timeout" in a else f"failed: {a['error']}"), False
    return [{
        "id": "centre-analyse", "what": "analyse one grade and year", "workload": f"{a['students']:,} students × 60 items",
        "figure": figure, "target": "≤ 1 GB", "met": met,
        "baseline": f"bare GROUP BY item over the item scores: {a['group_by_s']:.2f} s",
        "notes": ["stats/dataset.py reads the score store (scores.read.item_matrix) and streams only the "
                  "choice items' answers for the distractors (issue 19)"],
    }]


def _national_row(nr: dict[str, Any], size: str) -> list[dict[str, Any]]:
    base, linked = nr["base"], nr["linked"]
    peak = max(base["peak_mb"], linked["peak_mb"])
    return [{
        "id": "centre-national", "what": "population estimates (national) on the national database",
        "workload": f"grade {nr['grade']}, {nr['direction']}: {base['year']} (base year, {base['students']:,} students) "
                    f"then {linked['year']} ({linked['students']:,} students, {linked['organisations']:,} "
                    "organisations) linked to it; 5 PVs, jackknife tables, PDF + XLSX in kk and ru",
        "figure": f"base {base['seconds']:.1f} s (peak {base['peak_mb']:.0f} MB); linked {linked['seconds']:.1f} s "
                  f"(peak {linked['peak_mb']:.0f} MB)",
        "target": "≤ 1 GB", "met": peak <= MEMORY_MB,
        "baseline": f"the organisations' plain means (GROUP BY): {nr['group_by_s']:.2f} s",
    }]
