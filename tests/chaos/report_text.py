"""The fixed text of docs/RELIABILITY.md (write_report.py adds the measured part below it)."""

KIND_NAMES = {
    "power": "power cuts (process killed and unsynced writes lost, torn or garbage)",
    "crash": "crashes (SIGKILL: the page cache survives)",
    "network": "network faults",
    "disk": "disk faults (full, read-only)",
    "refused": "refused inputs and attacks (not faults: each is one distinct bad input)",
}

INTRO = """# Reliability and security

What the fault and attack suite (`tests/chaos/`) injected and what came of it, written by
`make chaos` from the records of that run (`tests/chaos/write_report.py`). Nothing here is typed
by hand: a number below is a count the tests measured.

## How to read it

- **A power cut is not a crash.** Killing a process keeps the operating system's page cache, so a
  program that never calls fsync passes every kill test. The power-cut tests put the kiosk's data
  folder and the room server's data folder (SQLite database with its WAL, keys, certificate) on a
  FUSE filesystem (`tests/powercut/lazyfs.py`, the semantics of LazyFS) that keeps every write not
  yet fsynced, and every new or renamed directory entry not yet fsynced in its folder, in a
  volatile layer. A cut kills the processes and then loses that layer — all of it, a torn prefix
  (the last write cut at a random byte, each volatile directory change kept or not), or a torn
  prefix turned to garbage. Synced bytes are never touched.
- **The tests can fail, and were seen to.** The mutation check builds copies of the code with one
  durability step removed (the journal's fsync, the directory fsyncs, SQLite's `synchronous=FULL`,
  the commit before the acknowledgement) and runs the power-cut tests on each: every mutant must be
  killed. The kill-only tests (`SIGKILL` rows) cannot kill the fsync mutants; that is why the
  power-cut rows exist.
- **The report can show a failure.** Every test records what it measured *before* it asserts, and
  a record of how it ended (passed, failed with its message, skipped with its reason) and how many
  rows it wrote. The run's first record lists every collected test. A failed test, a row with a
  loss, a surviving mutant, a missing outcome or a deleted row is listed under **FAILURES** at the
  top, and `make chaos` exits non-zero.
- **Counts are of distinct injections.** One power cut of one kiosk or of the room server, one
  SIGKILL, one dropped connection, one network cut, one distinct bad input. Refused inputs and
  attacks are counted apart from real faults in the summary.
- **Survived** counts injections after which every check held: for faults, every answer the screen
  showed as saved is in the journal on the kiosk's disk and in the end at the room server, and every
  answer the room acknowledged is in its database, whose `integrity_check` is ok; for attacks, the
  input was refused with its expected message and nothing of it was stored. **Data lost** counts
  confirmed answers (or stored records) missing.

## What a power cut at the kiosk does to its journal

The journal fsyncs every append before the screen says "saved"; after a power cut the bytes after
the last synced record may be missing, a torn prefix of the append under way, or garbage. Opening
the journal cuts such a tail (no authentic record follows it, so it was never synced and never
confirmed) and keeps every synced record; bytes that fail *before* an authentic record are damage
to confirmed answers and are refused and named (`common/journal_format.py`).

## When the room PC dies

Each kiosk journal's key is also sealed (HPKE) to the centre's public key in the journal's folder,
so `exam-client export-journal --out USB` carries the journal to the centre and
`central-scorer ingest-journal FILE` scores it as a recovered attempt, without the room's
database; a bundle of the same attempt that arrives later is not scored twice (see
`docs/RELIABILITY.md` below, "room PC dies", and `tests/central_scorer/test_journal_recovery.py`).

Repeat: `make chaos` (full counts, then the mutation check) or `make test` (quick counts).
"""
