"""Latency of `AnswerJournal.append` next to a bare ``os.write`` + ``os.fsync`` of the same bytes.

Not a test. Run from the repository root (`bench/run.py` runs it as the "kiosk save path" row)::

    .venv/bin/python bench/bench_journal.py [--quick] [--entries 2000] [--dir DIR] [--json PATH]

Each iteration appends one answer change to the journal, then writes the same number of bytes
(the size of the record just written) to a second O_APPEND file with one ``os.write`` and one
``os.fsync``. Interleaving the two keeps them under the same disk conditions. The fsync dominates
both, so the ratio shows what encryption, hashing and JSON add on top of the unavoidable cost.
Put ``--dir`` on the disk the kiosks use: on tmpfs fsync costs nothing and the ratio means little.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import benchlib  # noqa: E402  (puts the repository root on sys.path)
from benchlib import filesystem_of, percentile  # noqa: E402
from exam_client.engine.journal import AnswerJournal  # noqa: E402

WARMUP = 20
TARGET_P99_NS = 10_000_000  # 10 ms


def make_answer(rng: random.Random) -> object:
    """A mix like a real sitting: mostly choices, some short text, a few long answers."""
    roll = rng.random()
    if roll < 0.55:
        return rng.choice("ABCDE")
    if roll < 0.80:
        return sorted(rng.sample("ABCDEF", rng.randint(1, 3)))
    if roll < 0.92:
        return None if rng.random() < 0.2 else {"blank1": "Астана", "blank2": str(rng.randint(1, 99))}
    if roll < 0.99:
        return "Жауап: " + "сөз " * rng.randint(5, 60)
    return "эссе " * rng.randint(300, 1500)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="500 entries")
    parser.add_argument("--entries", type=int, default=None, help="default 5000 (500 with --quick)")
    parser.add_argument("--dir", type=Path, default=None, help="where the files go (default: var/bench)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--json", type=Path, default=None, help="write the benchmark row here")
    args = parser.parse_args()
    args.entries = args.entries or (500 if args.quick else 5000)
    if args.dir is None:  # on the project's disk, not a tmpfs /tmp where fsync costs nothing
        args.dir = benchlib.REPO / "var" / "bench"
        args.dir.mkdir(parents=True, exist_ok=True)

    rng = random.Random(args.seed)
    key = os.urandom(32)
    with tempfile.TemporaryDirectory(prefix="bench-journal-", dir=args.dir) as tmp:
        tmp_path = Path(tmp)
        journal_path = tmp_path / "answers.cbtj"
        baseline_path = tmp_path / "baseline.bin"
        journal = AnswerJournal.create(journal_path, key, "bench-attempt-0001")
        bfd = os.open(baseline_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_EXCL, 0o600)
        append_ns: list[int] = []
        bare_ns: list[int] = []
        sizes: list[int] = []
        try:
            size = journal_path.stat().st_size
            for i in range(args.entries + WARMUP):
                item, answer = f"q{rng.randint(1, 40)}", make_answer(rng)
                t0 = time.perf_counter_ns()
                journal.append(item, answer)
                t1 = time.perf_counter_ns()
                new_size = journal_path.stat().st_size
                payload = os.urandom(new_size - size)
                size = new_size
                t2 = time.perf_counter_ns()
                os.write(bfd, payload)
                os.fsync(bfd)
                t3 = time.perf_counter_ns()
                if i >= WARMUP:
                    append_ns.append(t1 - t0)
                    bare_ns.append(t3 - t2)
                    sizes.append(len(payload))
            t0 = time.perf_counter_ns()
            journal.close()
            reopened = AnswerJournal.open(journal_path, key, "bench-attempt-0001")
            reopen_ms = (time.perf_counter_ns() - t0) / 1e6
            assert reopened.last_seq == args.entries + WARMUP
            reopened.close()
        finally:
            journal.close()
            os.close(bfd)

    def us(ns: float) -> str:
        return f"{ns / 1000:9.1f} µs"

    print(f"directory      : {tmp_path.parent} ({filesystem_of(tmp_path.parent)})")
    print(f"entries        : {len(append_ns)} measured (+{WARMUP} warm-up), "
          f"record size median {percentile(sizes, 50):.0f} B, max {max(sizes)} B, "
          f"total {sum(sizes) / 1024:.0f} KiB")
    print(f"{'':15}{'p50':>12}{'p99':>12}{'mean':>12}{'max':>12}")
    for name, values in (("append", append_ns), ("write+fsync", bare_ns)):
        print(f"{name:15}{us(percentile(values, 50))}{us(percentile(values, 99))}"
              f"{us(sum(values) / len(values))}{us(max(values))}")
    p50 = percentile(append_ns, 50) / percentile(bare_ns, 50)
    p99 = percentile(append_ns, 99) / percentile(bare_ns, 99)
    print(f"ratio          : p50 {p50:.2f}x, p99 {p99:.2f}x "
          f"(append / bare write+fsync of the same bytes)")
    print(f"reopen         : {reopen_ms:.1f} ms to replay {args.entries + WARMUP} records")
    a99, b99 = percentile(append_ns, 99), percentile(bare_ns, 99)
    benchlib.write_rows(args.json, [{
        "id": "journal",
        "what": "kiosk save path",
        "workload": (f"{len(append_ns):,} answer changes → AES-GCM journal record, fsync "
                     f"(median {percentile(sizes, 50):.0f} B, up to {max(sizes) / 1024:.0f} KiB)"),
        "figure": f"append p50 {percentile(append_ns, 50) / 1e6:.3f} ms, p99 {a99 / 1e6:.3f} ms",
        "target": "p99 ≤ 10 ms",
        "met": a99 <= TARGET_P99_NS,
        "baseline": (f"os.write + fsync of the same bytes: p50 {percentile(bare_ns, 50) / 1e6:.3f} ms, "
                     f"p99 {b99 / 1e6:.3f} ms"),
        "ratio": f"{a99 / b99:.2f}× (p99 / p99), {p50:.2f}× (p50 / p50)",
        "notes": [f"on {filesystem_of(tmp_path.parent)}; reopen replays "
                  f"{args.entries + WARMUP} records in {reopen_ms:.1f} ms"],
        "data": {"append_p50_ms": percentile(append_ns, 50) / 1e6, "append_p99_ms": a99 / 1e6,
                 "bare_p50_ms": percentile(bare_ns, 50) / 1e6, "bare_p99_ms": b99 / 1e6,
                 "reopen_ms": reopen_ms, "entries": len(append_ns)},
    }])


if __name__ == "__main__":
    main()
