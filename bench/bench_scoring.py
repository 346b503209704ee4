"""Scoring alone, as ingest does it: `score_attempt(content, latest_answers(log))` per attempt.

Not a test. Run from the repository root::

    .venv/bin/python bench/bench_scoring.py [--attempts 100000] [--repeat 3]

Two tests are scored: the synthetic 60-item test of the ingest benchmark (single choice, multiple
choice, numeric: what `bench_ingest.py` seals) and a variant assembled from the shipped grade 9
specification and bank (every item type). Each attempt's raw log answers every item once, about
one in ten twice, mostly right, sometimes wrong, sometimes malformed. The logs are made first; only
the scoring is timed, the best of `--repeat` runs, in CPU seconds of this process (the machine may
be shared; wall time would measure the neighbours too).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR))

import benchlib  # noqa: E402


def _answer(item: dict[str, Any], rng: random.Random) -> Any:
    """A right, wrong or malformed answer of the item's type, from its keyed JSON form."""
    roll = rng.random()
    kind = item["type"]
    if roll > 0.95:
        return rng.choice([None, 7, "x", ["x"], {"x": "y"}])
    right = roll < 0.6
    if kind == "single_choice":
        return item["correct"][0] if right else rng.choice(item["options"])["id"]
    if kind in ("multiple_choice", "ordering"):
        ids = [o["id"] for o in item["options"]]
        return list(item["correct"]) if right else rng.sample(ids, rng.randint(1, len(ids)))
    if kind == "numeric":
        return str(item["value"]).replace(".", ",") if right else str(rng.randint(0, 999))
    if kind == "text_entry":
        return item["accepted"][0] if right else "жоқ"
    if kind in ("matching", "association"):
        pairs = [list(p) for p in item["correct"]]
        return pairs if right else pairs[:1]
    if kind == "gap_match":
        return dict(item["correct"]) if right else {}
    if kind == "inline_choice":
        out = {}
        for gap in item["gaps"]:
            if "correct" in gap:
                out[gap["id"]] = gap["correct"] if right else "z"
            elif "accepted" in gap:
                out[gap["id"]] = gap["accepted"][0] if right else "жоқ"
            elif "value" in gap:
                out[gap["id"]] = str(gap["value"]) if right else "0"
        return out
    return None


def _logs(content: dict[str, Any], attempts: int, seed: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    items = benchlib.content_items(content)
    logs = []
    for _ in range(attempts):
        log: list[dict[str, Any]] = []
        seq = 0
        for item in items:
            for _ in range(2 if rng.random() < 0.1 else 1):
                seq += 1
                log.append({"seq": seq, "item_id": item["id"], "answer": _answer(item, rng)})
        logs.append(log)
    return logs


def _grade9_variant() -> dict[str, Any]:
    from common.content.bank import shipped_bank
    from common.content.spec import shipped_spec
    from common.content.variants import assemble
    from common.domain.exam import content_to_dict

    variants, _ = assemble(shipped_spec("grade9"), shipped_bank("grade9"), ["kk"], 2, 2026)
    return content_to_dict(variants[0], with_keys=True)


def _time(content_dict: dict[str, Any], logs: list[list[dict[str, Any]]], repeat: int) -> tuple[float, float]:
    from common.domain.exam import content_from_dict
    from common.domain.scoring import latest_answers, score_attempt

    content = content_from_dict(content_dict)
    best = float("inf")
    total = 0.0
    for _ in range(repeat):
        started = time.process_time()
        total = 0.0
        for log in logs:
            total += score_attempt(content, latest_answers(log))
        best = min(best, time.process_time() - started)
    return best, round(total, 4)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for name, content in (("bench 60 items", benchlib.synthetic_content(60)),
                          ("grade9 variant", _grade9_variant())):
        logs = _logs(json.loads(json.dumps(content)), args.attempts, seed=2026)
        seconds, total = _time(content, logs, args.repeat)
        rows.append({"content": name, "items": len(benchlib.content_items(content)),
                     "attempts": args.attempts, "cpu_seconds": round(seconds, 3),
                     "attempts_per_s": round(args.attempts / seconds), "score_sum": total})
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
