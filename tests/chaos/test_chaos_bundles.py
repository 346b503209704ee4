"""Attacks on result bundles at the centre's ingest: every altered, foreign, replayed, oversized or
inflating bundle is refused with its own reason and exit code, and not one row of any central table
changes; the same bundle twice is stored once.

The bundles here are real: a room with sittings seals them (`proctor_console.room.sealing.seal`), and
the attacks edit the sealed files. Expectations are derived from the envelope's own fields (where a
byte sits: manifest, signature, key id or payload), never from fixed byte offsets.
"""

from __future__ import annotations

import importlib.util
import json
import random
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from sqlalchemy import func, select
from tls_server import serve_tls

from central_scorer.ingest.bundles import EXIT_CODES, IngestRefused, ingest
from common import bundle
from common.canonical import canonical_bytes
from common.crypto.sealing import RecipientKey
from common.crypto.signing import SigningKey
from common.durable import write_durably
from common.storage.base import CentralBase
from proctor_console.room import sealing

AREA = "Attacks: bundles"
VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors" / "bundle"
REPO = Path(__file__).resolve().parents[2]


def rows_in_every_table(centre) -> dict[str, int]:
    """The number of rows of every central table (the whole schema, not a chosen few)."""
    with centre.read() as s:
        return {t.name: s.scalar(select(func.count()).select_from(t))
                for t in CentralBase.metadata.sorted_tables}


def refused(centre, raw: bytes) -> IngestRefused:
    with pytest.raises(IngestRefused) as caught:
        ingest(centre, raw)
    assert caught.value.exit_code == EXIT_CODES[caught.value.code]
    assert str(caught.value)  # a message for the person at the centre
    return caught.value


@pytest.fixture
def sealed_room(room_setup):
    """A room whose students sat the demo test; returns (setup, seal) where seal() makes the
    room's next bundle (a real sealed file, sequence 1, 2, ...)."""
    room = room_setup.room
    for cred in room_setup.credentials:
        room.mark_attendance(cred["individual_code"], "present", None, "rep")
    room.start(room_setup.package["start_code"], "rep")
    content = room.content()
    for cred in room_setup.credentials[:3]:
        reply = room.login(cred["login"], cred["password"], cred["seat"])
        item = content.items[0]
        room.save_answers(reply["attempt_id"], [{"seq": 1, "item_id": item.id, "answer": "a",
                                                 "client_ts": 0.0}])

    def seal() -> bytes:
        return Path(sealing.seal(room, "rep")["path"]).read_bytes()

    return room_setup, seal


def spans(raw: bytes) -> dict[str, tuple[int, int]]:
    """Where each envelope field's value sits in the file: name -> [start, end)."""
    env = json.loads(raw)
    out = {}
    for name, value in env.items():
        needle = json.dumps(name).encode() + b":" + json.dumps(value).encode()
        start = raw.index(needle) + len(json.dumps(name)) + 1
        out[name] = (start, start + len(json.dumps(value)))
    return out


# What a flipped byte inside each field may be refused as. A flip may also break the JSON or the
# base64 (malformed) wherever it falls.
FLIP_CODES = {"manifest": {"bad_signature"}, "signature": {"bad_signature"},
              "key_id": {"unknown_signer"}, "payload": {"payload_mismatch"}, "format": set()}


def test_flipped_bytes_anywhere_are_refused_and_store_nothing(sealed_room, chaos):
    setup, seal = sealed_room
    centre = setup.centre
    raw = seal()
    good = ingest(centre, raw)
    assert good.status == "stored"
    opened = bundle.open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                                centre_id=centre.centre_id)
    where = spans(raw)
    rng = random.Random(11)
    positions = set()
    for lo, hi in where.values():  # some in every field's value, then anywhere in the file
        positions.update(rng.randrange(lo, hi) for _ in range(chaos.times(6, 60)))
    positions.update(rng.randrange(len(raw)) for _ in range(chaos.times(40, 3000)))
    before = rows_in_every_table(centre)
    survived, same_content, codes = 0, 0, set()
    for index in sorted(positions):
        mask = 1 << rng.randrange(8)
        flipped = raw[:index] + bytes([raw[index] ^ mask]) + raw[index + 1:]
        field = next((n for n, (lo, hi) in where.items() if lo <= index < hi), None)
        try:
            report = ingest(centre, flipped)
        except IngestRefused as exc:
            allowed = {"malformed"} | FLIP_CODES.get(field, set())
            assert exc.code in allowed, (index, field, exc.code, str(exc))
            assert exc.exit_code == EXIT_CODES[exc.code]
            codes.add(exc.code)
        else:
            # Only a flip in base64's unused low bits of a last group leaves every decoded byte as
            # it was: the very same signed bundle, which is a duplicate and stores nothing.
            again = bundle.open_bundle(flipped, rooms=centre.trusted_rooms(),
                                       centre_key=centre.recipient_key, centre_id=centre.centre_id)
            assert (again.manifest, again.parts) == (opened.manifest, opened.parts), index
            assert report.status == "duplicate", (index, report)
            same_content += 1
        survived += 1
    assert rows_in_every_table(centre) == before
    assert {"malformed", "bad_signature", "payload_mismatch"} <= codes
    chaos.record(AREA, "flipped bit in manifest, signature, key id or payload (random positions)",
                 len(positions), survived, 0,
                 f"refused as {', '.join(sorted(codes))}; {same_content} flips of base64 padding "
                 "bits decode to the same signed bytes and count as a duplicate")


def test_truncation_at_many_lengths_is_refused(sealed_room, chaos):
    setup, seal = sealed_room
    centre = setup.centre
    raw = seal()
    step = max(1, len(raw) // chaos.times(60, len(raw)))
    lengths = sorted({0, 1, len(raw) - 1, *range(0, len(raw), step)})
    before = rows_in_every_table(centre)
    for n in lengths:
        with pytest.raises(IngestRefused) as caught:
            ingest(centre, raw[:n])
        assert caught.value.code == "malformed" and caught.value.exit_code == 10, n
    assert rows_in_every_table(centre) == before
    assert ingest(centre, raw).status == "stored"  # the whole file still goes in
    chaos.record(AREA, "truncated file", 1, 1, 0,
                 f"one distinct fault, checked at {len(lengths)} lengths of {len(raw)} bytes: "
                 "malformed, exit 10, nothing stored")


def test_foreign_signers_recipients_and_centres_are_refused(sealed_room, chaos, tmp_path):
    setup, seal = sealed_room
    centre, room = setup.centre, setup.room
    raw = seal()
    opened = bundle.open_bundle(raw, rooms=centre.trusted_rooms(), centre_key=centre.recipient_key,
                                centre_id=centre.centre_id)
    m = opened.manifest
    # Another room the centre trusts, whose key signs a bundle that names this room.
    neighbour = SigningKey.generate()
    centre.trust_room("R-TEST-2", m["organisation_code"], neighbour.verify_key.to_b64())

    def reseal(**override) -> bytes:
        kwargs = dict(signer=room.signing_key, recipient=centre.recipient_key.public,
                      centre_id=m["centre_id"], room_id=m["room_id"],
                      organisation_code=m["organisation_code"], sequence=m["sequence"] + 1)
        kwargs.update(override)
        return bundle.seal_bundle(opened.parts, **kwargs)

    attacks = {
        "wrong signer (another trusted room's key)": (reseal(signer=neighbour), "bad_signature"),
        "unknown key (no room holds it)": (reseal(signer=SigningKey.generate()), "unknown_signer"),
        "wrong recipient (another centre's key)": (
            reseal(recipient=RecipientKey.generate().public), "wrong_recipient"),
        "bundle for another centre (centre id)": (reseal(centre_id="KZ-NTC-OTHER"), "wrong_recipient"),
    }
    before = rows_in_every_table(centre)
    for name, (attack, code) in attacks.items():
        exc = refused(centre, attack)
        assert exc.code == code, (name, exc.code)
        assert rows_in_every_table(centre) == before
        assert all(before[t] == 0 for t in RESULT_TABLES)
        chaos.record(AREA, name, 1, 1, 0, f"{code}, exit {EXIT_CODES[code]}")
    # The honest bundle still goes in after all of them.
    assert ingest(centre, raw).status == "stored"


# Tables an ingest writes to: they must stay empty while only attacks arrive.
RESULT_TABLES = {"bundles", "results", "responses", "acts"}


def test_replay_and_duplicates(sealed_room, chaos):
    setup, seal = sealed_room
    centre = setup.centre
    first, second = seal(), seal()
    assert ingest(centre, second).status == "stored"
    stored = rows_in_every_table(centre)
    # The same file again, several times: reported as a duplicate, stored once.
    times = chaos.times(3, 20)
    for _ in range(times):
        assert ingest(centre, second).status == "duplicate"
        assert rows_in_every_table(centre) == stored
    # The same signed bundle re-encoded (whitespace, another key order): still the same bundle.
    env = json.loads(second)
    respaced = json.dumps(dict(reversed(list(env.items()))), indent=1).encode()
    assert ingest(centre, respaced).status == "duplicate"
    assert rows_in_every_table(centre) == stored
    chaos.record(AREA, "the same bundle again (same file, re-encoded file)", 2, 2, 0,
                 f"two distinct inputs (the same file, sent {times} times; the re-encoded file): "
                 "reported as duplicate; rows counted once")
    # An older sequence of the same room after a newer one: a replay, refused.
    exc = refused(centre, first)
    assert exc.code == "replayed_old" and exc.exit_code == 17
    assert rows_in_every_table(centre) == stored
    chaos.record(AREA, "replay of an older sequence", 1, 1, 0, "replayed_old, exit 17")


def _vectors():
    spec = importlib.util.spec_from_file_location("bundle_vectors_chaos", VECTORS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def vector_centre(centre):
    """The centre holding the test vectors' keys and trusting their room (tests/data/vectors)."""
    gen = _vectors()
    gen.centre_key().save(centre.root / "keys" / "centre-recipient.key")
    write_durably(centre.root / "centre.json", canonical_bytes({"centre_id": gen.CENTRE_ID}))
    centre.trust_room(gen.ROOM_ID, gen.ORGANISATION_CODE, gen.room_key().verify_key.to_b64())
    return centre, gen


def test_negative_vectors_are_refused(vector_centre, chaos):
    """Every stored negative vector (tests/data/vectors/bundle/negative), with the real limits."""
    centre, _ = vector_centre
    vectors = sorted((VECTORS / "negative").glob("*.bundle"))
    before = rows_in_every_table(centre)
    survived = 0
    for vector in vectors:
        code = vector.name.split(".")[0]
        if code == "too_large":
            continue  # the stored bomb is small (for a lowered limit); the real one is below
        assert refused(centre, vector.read_bytes()).code == code, vector.name
        assert rows_in_every_table(centre) == before
        survived += 1
    chaos.record(AREA, "stored negative vectors (tests/data/vectors/bundle/negative)", survived,
                 survived, 0, "each refused with the code its file name states")


def zlib_bomb(prefix: bytes, suffix: bytes, mebibytes_of_zeros: int) -> bytes:
    """A valid zlib stream of prefix + zeros + suffix, built without compressing the zeros again
    and again: one raw deflate block of 1 MiB of zeros (after a full flush it refers to nothing
    before it) is repeated, then a final block and the Adler-32 of everything."""
    zeros = bytes(1 << 20)
    head = zlib.compressobj(9)
    out = [head.compress(prefix) + head.flush(zlib.Z_FULL_FLUSH)]
    raw = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = raw.compress(zeros) + raw.flush(zlib.Z_FULL_FLUSH)
    out.append(block * mebibytes_of_zeros)
    tail = zlib.compressobj(9, zlib.DEFLATED, -15)
    out.append(tail.compress(suffix) + tail.flush())
    check = zlib.adler32(prefix)
    for _ in range(mebibytes_of_zeros):
        check = zlib.adler32(zeros, check)
    out.append(zlib.adler32(suffix, check).to_bytes(4, "big"))
    return b"".join(out)


def test_zlib_bomb_builder_makes_a_valid_stream():
    prefix, suffix = b'{"audit":["', b'"]}'
    assert zlib.decompress(zlib_bomb(prefix, suffix, 3)) == prefix + bytes(3 << 20) + suffix


def test_compression_bomb_is_cut_off_at_the_limit(vector_centre, chaos, monkeypatch):
    """The payload is zlib-compressed, and the reader inflates at most MAX_PAYLOAD_PLAIN_BYTES.

    A bomb that inflates past the limit, sealed and signed by a room's own key (the only way it
    gets past the signature), is refused as too_large. The full run uses the real limit (inflating
    512 MiB takes seconds); the quick run lowers the limit to 16 MiB."""
    centre, gen = vector_centre
    if not chaos.full:
        monkeypatch.setattr(bundle, "MAX_PAYLOAD_PLAIN_BYTES", 16 << 20)
    limit = bundle.MAX_PAYLOAD_PLAIN_BYTES
    bomb = zlib_bomb(b'{"acts":[],"attempts":[],"attendance":[],"audit":["', b'"],"incidents":[]}',
                     (limit >> 20) + 8)
    assert len(bomb) * 500 < limit  # a small file that inflates past the limit
    before = rows_in_every_table(centre)
    exc = refused(centre, gen.hand_seal(compressed=bomb))
    assert exc.code == "too_large" and exc.exit_code == 16, exc
    assert rows_in_every_table(centre) == before
    chaos.record(AREA, "compression bomb (payload inflating past the limit)", 1, 1, 0,
                 f"{len(bomb) // 1024} KiB inflating past the {limit >> 20} MiB limit"
                 f"{'' if chaos.full else ' (lowered from 512 MiB in the quick run)'}: inflation "
                 "stops at the limit, too_large, exit 16")


def test_oversized_file_is_refused_before_it_is_read(tmp_path, chaos, centre):
    """The CLI refuses a file larger than MAX_BUNDLE_BYTES by its size, without reading it: the
    process's peak memory stays far below the file's size (a sparse file, so the disk is spared)."""
    big = tmp_path / "huge.cbtbundle"
    with open(big, "wb") as fh:
        fh.truncate(bundle.MAX_BUNDLE_BYTES + 1)
    probe = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); sys.exit(r.returncode)")
    done = subprocess.run(
        [sys.executable, "-c", probe, sys.executable, "-m", "central_scorer.cli.main",
         "--data-dir", str(centre.root), "ingest", str(big)],
        capture_output=True, text=True, timeout=120, cwd=REPO)
    lines = done.stdout.strip().splitlines()
    result, peak_kib = json.loads(lines[0]), int(lines[-1])
    assert done.returncode == 16 and result["error"] == "too_large", done
    assert peak_kib * 1024 < bundle.MAX_BUNDLE_BYTES // 2, peak_kib
    assert rows_in_every_table(centre)["bundles"] == 0
    chaos.record(AREA, "oversized file (CLI)", 1, 1, 0,
                 f"{(bundle.MAX_BUNDLE_BYTES + 1) >> 20} MiB refused by its size before reading "
                 f"(peak memory {peak_kib >> 10} MiB): too_large, exit 16")


def test_oversized_uploads_are_refused_before_they_are_stored(tmp_path, chaos):
    """Over HTTPS: a declared total past MAX_BUNDLE_BYTES is refused before any byte is kept, and
    a chunk past the chunk limit is refused whether or not it says its length (chunked encoding)."""
    import ssl

    import httpx

    from central_scorer.centre import Centre
    from central_scorer.web.server import CHUNK_LIMIT, create_app
    from common.crypto.tls import make_self_signed

    centre = Centre(tmp_path / "upload-centre")
    centre.init("KZ-NTC-UPLOADS")
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    with serve_tls(create_app(centre), cert, key) as port:
        url = f"https://127.0.0.1:{port}/api/v1/uploads/{'ab' * 32}"
        with httpx.Client(verify=ssl.create_default_context(cafile=str(cert)), timeout=60) as http:
            reply = http.put(url, params={"offset": 0, "total": bundle.MAX_BUNDLE_BYTES + 1},
                             content=b"x")
            assert reply.status_code == 413 and reply.json()["error"] == "too_large", reply.text

            def stream():  # no Content-Length: the server must count as it reads
                for _ in range(CHUNK_LIMIT // (1 << 20) + 2):
                    yield bytes(1 << 20)

            reply = http.put(url, params={"offset": 0, "total": 2 * CHUNK_LIMIT}, content=stream())
            assert reply.status_code == 413 and reply.json()["error"] == "chunk_too_large", reply.text
            assert http.get(url).json() == {"received": 0}
    assert not list((centre.root / "uploads").glob("*.part"))
    chaos.record(AREA, "oversized upload over HTTPS (declared total; chunked body without a length)",
                 2, 2, 0, "too_large / chunk_too_large (HTTP 413) before anything is kept")
