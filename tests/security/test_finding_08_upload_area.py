"""Finding 8 (issue 15): the centre's upload area could fill its disk.

Anyone could start partial uploads of up to 256 MiB each, any number of them, never expired. Now
every chunk is signed by a trusted room's key (common/upload_auth.py) and checked before a byte is
stored, each room holds at most two unfinished uploads, and an unfinished upload left for a day is
deleted. The attacker is a plain HTTPS client of the centre's web front; the trusted room's own
quota is tried with its real key.
"""

from __future__ import annotations

import os
import ssl
import time

import httpx

from central_scorer.ingest.uploads import EXPIRE_AFTER_S
from central_scorer.web.server import create_app
from common import upload_auth
from common.crypto.signing import SigningKey
from common.crypto.tls import make_self_signed
from tls_server import serve_tls

MIB = 1 << 20


def _parts(centre) -> list:
    return sorted((centre.root / "uploads").rglob("*.part"))


def test_only_a_trusted_room_uploads_and_within_its_quota(room_setup, tmp_path):
    centre, room = room_setup.centre, room_setup.room
    cert, key = tmp_path / "c.pem", tmp_path / "k.pem"
    make_self_signed(cert, key, ["127.0.0.1"])
    chunk = os.urandom(MIB)
    with serve_tls(create_app(centre), cert, key) as port:
        with httpx.Client(base_url=f"https://127.0.0.1:{port}/api/v1/uploads",
                          verify=ssl.create_default_context(cafile=str(cert)), timeout=60) as http:
            def put(sha: str, signer: SigningKey | None, **headers):
                signed = upload_auth.sign(signer, sha, 0, 256 * MIB, chunk) if signer else {}
                return http.put(f"/{sha}", params={"offset": 0, "total": 256 * MIB}, content=chunk,
                                headers={**signed, **headers})

            # Anyone: unsigned, signed by a key the centre does not trust, a trusted key's id
            # with a made-up signature, and a signature of the room replayed for another upload.
            stranger = SigningKey.generate()
            for n, reply in enumerate((
                    put(f"{1:064x}", None),
                    put(f"{2:064x}", stranger),
                    put(f"{3:064x}", None, **{"X-Room-Key": room.signing_key.key_id, "X-Room-Time":
                                              str(int(time.time())), "X-Room-Signature": "AAAA"}),
                    put(f"{4:064x}", None, **upload_auth.sign(room.signing_key, f"{5:064x}", 0,
                                                              256 * MIB, chunk)))):
                assert reply.status_code == 401, (n, reply.text)
                assert reply.json()["error"] == "upload_unauthenticated"
            assert _parts(centre) == []

            # The trusted room: two unfinished uploads at most.
            assert put(f"{6:064x}", room.signing_key).json() == {"received": MIB}
            assert put(f"{7:064x}", room.signing_key).json() == {"received": MIB}
            third = put(f"{8:064x}", room.signing_key)
            assert third.status_code == 429 and third.json()["error"] == "upload_quota", third.text
            assert len(_parts(centre)) == 2

            # A day later the unfinished uploads are gone, and the room may start again.
            old = time.time() - EXPIRE_AFTER_S - 60
            for part in _parts(centre):
                os.utime(part, (old, old))
            assert put(f"{8:064x}", room.signing_key).json() == {"received": MIB}
            assert [p.name for p in _parts(centre)] == [f"{8:064x}.part"]
