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

At login the room gives each kiosk, with the journal key, a *grant*: the attempt's facts and the
journal key sealed (HPKE) to the centre's public key and signed by the room's key. The kiosk keeps
it durably beside its journal. If the room PC is lost before its bundle reaches the centre,
`exam-client export-journal --config kiosk.json --out USB` writes one encrypted file per candidate,
and `central-scorer ingest-journal FILE...` verifies the room's signature (a room the centre
trusts), opens the key with the centre's private key, reads the journal as the kiosk does and
scores the attempt with the centre's copy of the package, marked *recovered* (its bundle row's room
id is `journal:<attempt>`). A bundle of the same room that arrives later replaces the recovered
result (scored once); a journal that arrives after the bundle changes nothing. Refusals have stable
exit codes (10 not an export, 11 bad signature, 12 unknown room, 13 not sealed to this centre,
14 damaged journal, 18 unknown package). `tests/central_scorer/test_journal_recovery.py` deletes
the room's data folder mid-test and checks that every confirmed answer is scored at the centre
(SQLite and PostgreSQL); it is a `make test` test, not a row below.

Trust: the grant proves which room issued the key for which attempt; the records are authenticated
by that key, which the kiosk also holds in memory during the sitting. A kiosk PC taken over by an
attacker could therefore write its own journal: the same trust the room gives the answers a kiosk
sends. The kiosk's own enrolment key (issue "Trust boundaries") is not used yet.

## Limits of these figures

- The power-cut filesystem enforces the POSIX contract (what was fsynced survives; nothing else is
  promised), as LazyFS does. It does not model a drive that acknowledges a flush it has not done,
  nor a filesystem that loses synced data; on such hardware no software guarantee holds.
- Each kiosk has its own power-cut filesystem, and a cut loses one PC's unsynced writes; the room
  server's cuts lose its own. A cut of the whole room at once is not run.
- Kiosks here are Linux processes; the Windows kiosk's durability path (no directory fsync) and
  macOS's `F_FULLFSYNC` are not exercised by these tests.

Repeat: `make chaos` (full counts, then the mutation check) or `make test` (quick counts).
"""
