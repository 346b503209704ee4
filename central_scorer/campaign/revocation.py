"""The signed revocation list: the centre's word that packages must not be opened (§15).

File form (canonical JSON, see docs/campaign.md)::

    {"format": "cbt-revocation/1", "document": b64(canonical document bytes),
     "key_id": centre signing key id, "signature": b64(Ed25519 over the document bytes)}

The document names the campaign, the territory, the decision's basis, the organisations and the
package ids. Its own ``format`` field is checked by the room, so a signature over another kind of
document (a package manifest) can never pass for a revocation.
"""

from __future__ import annotations

import base64
from typing import Any

from common.canonical import canonical_bytes
from common.crypto.signing import SigningKey

FORMAT = "cbt-revocation/1"
GROUNDS = ("restrictions", "state_of_emergency", "emergency")
AUTHORITIES = ("health_ministry", "emergencies_ministry", "education_department")


def revocation_document(*, revocation_id: str, centre_id: str, issued_at: str, year: int, grade: str,
                        region: str, district: str | None, grounds: str, authority: str,
                        reference: str, text: str, decided_on: str, organisations: list[str],
                        package_ids: list[str]) -> dict[str, Any]:
    if grounds not in GROUNDS:
        raise ValueError(f"grounds {grounds!r} is not one of {', '.join(GROUNDS)}")
    if authority not in AUTHORITIES:
        raise ValueError(f"authority {authority!r} is not one of {', '.join(AUTHORITIES)}")
    return {
        "format": FORMAT,
        "revocation_id": revocation_id,
        "centre_id": centre_id,
        "issued_at": issued_at,
        "campaign": {"year": year, "grade": grade},
        "scope": {"region": region, "district": district},
        "basis": {"grounds": grounds, "authority": authority, "reference": reference,
                  "text": text, "decided_on": decided_on},
        "organisations": sorted(organisations),
        "package_ids": sorted(package_ids),
    }


def sign_revocation(document: dict[str, Any], signer: SigningKey) -> bytes:
    """The revocation list file: the canonical document, signed by the centre's key."""
    if document.get("format") != FORMAT:
        raise ValueError("not a revocation document")
    body = canonical_bytes(document)
    return canonical_bytes({
        "format": FORMAT,
        "document": base64.b64encode(body).decode(),
        "key_id": signer.key_id,
        "signature": base64.b64encode(signer.sign(body)).decode(),
    })
