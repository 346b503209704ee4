"""Every negative bundle vector, given to the centre's ingest, is refused with the error its name
states, and leaves the central database exactly as it was."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from sqlalchemy import func, select

from central_scorer.ingest.bundles import IngestRefused, ingest
from common.canonical import canonical_bytes
from common.durable import write_durably
from common.storage.central_models import CentralAct, ReceivedBundle, Response, Result

VECTORS = Path(__file__).resolve().parents[1] / "data" / "vectors" / "bundle"
NEGATIVE = sorted((VECTORS / "negative").glob("*.bundle"))


def _generator():
    spec = importlib.util.spec_from_file_location("bundle_vectors", VECTORS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def vector_centre(centre, monkeypatch):
    """The test centre, holding the vectors' deterministic keys and trusting their room."""
    gen = _generator()
    gen.centre_key().save(centre.root / "keys" / "centre-recipient.key")
    write_durably(centre.root / "centre.json", canonical_bytes({"centre_id": gen.CENTRE_ID}))
    room = gen.room_key()
    centre.trust_room(gen.ROOM_ID, gen.ORGANISATION_CODE, room.verify_key.to_b64())
    return centre


def snapshot(centre) -> tuple[int, ...]:
    with centre.read() as s:
        return tuple(s.scalar(select(func.count()).select_from(m))
                     for m in (ReceivedBundle, Result, Response, CentralAct))


def test_there_is_a_vector_for_every_refusal():
    codes = {p.name.split(".")[0] for p in NEGATIVE}
    assert codes >= {"malformed", "bad_signature", "unknown_signer", "wrong_recipient",
                     "payload_mismatch", "payload_unreadable", "too_large"}


@pytest.mark.parametrize("vector", NEGATIVE, ids=lambda p: p.stem)
def test_negative_vector_is_refused_and_nothing_is_stored(vector_centre, vector, monkeypatch):
    if vector.name.startswith("too_large."):
        import common.bundle

        monkeypatch.setattr(common.bundle, "MAX_PAYLOAD_PLAIN_BYTES", 1024 * 1024)
    before = snapshot(vector_centre)
    with pytest.raises(IngestRefused) as refused:
        ingest(vector_centre, vector.read_bytes())
    assert refused.value.code == vector.name.split(".")[0]
    assert snapshot(vector_centre) == before == (0, 0, 0, 0)
