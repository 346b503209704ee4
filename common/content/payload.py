"""What the sealed package carries: the variants (with keys), the specification, the seeds.

JSON form (`cbt-exam-payload/2`)::

    {"format": "cbt-exam-payload/2",
     "specification": {...} | null,     # the specification the variants were assembled from
     "variants": [keyed content, ...],   # content_to_dict(..., with_keys=True) each
     "shuffle_seed": "…",                # per-student permutations derive from it
     "assembly": {...}}                  # seed, bank, item ids and mean difficulty per variant

It is also what the centre keeps in `packages.content_json`; `content_from_dict` reads its first
variant, so code that knows only one test per package keeps working.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from common.content.variants import student_view
from common.domain.content_model import ContentError
from common.domain.exam import ExamContent, content_from_dict, content_to_dict

PAYLOAD_FORMAT = "cbt-exam-payload/2"


@dataclass(frozen=True)
class ExamPayload:
    variants: tuple[ExamContent, ...]
    specification: dict[str, Any] | None = field(default=None, hash=False)
    shuffle_seed: str = ""
    assembly: dict[str, Any] | None = field(default=None, hash=False)

    @classmethod
    def single(cls, content: ExamContent) -> "ExamPayload":
        # No random seed: the same content must give the same payload bytes (its hash is in the
        # manifest); permutations still differ per student and per variant.
        return cls(variants=(content,), shuffle_seed="")

    @property
    def first(self) -> ExamContent:
        return self.variants[0]

    @property
    def languages(self) -> list[str]:
        return sorted({v.language for v in self.variants})

    def of_language(self, language: str) -> list[ExamContent]:
        return [v for v in self.variants if v.language == language]

    def variant(self, language: str, label: str) -> ExamContent:
        for v in self.variants:
            if v.language == language and v.variant == label:
                return v
        raise KeyError(f"no variant {label} in {language}")

    def by_exam_id(self, exam_id: str) -> ExamContent:
        for v in self.variants:
            if v.exam_id == exam_id:
                return v
        raise KeyError(exam_id)

    def assign(self, language: str, student_key: str, seat: int | None = None) -> ExamContent:
        """The variant a student sits.

        With `seat` — the student's place (1, 2, …) among the room's students of this language in
        seat order — the variants are dealt in turn from an offset drawn from the package's seed:
        balanced (counts differ by at most one) and neighbours differ. Without it, by a hash of the
        student's key and the seed. Either way the centre can recompute it."""
        choices = self.of_language(language)
        if not choices:
            raise KeyError(f"the package has no variant in {language}")
        if seat is not None:
            offset = hashlib.sha256(f"{self.shuffle_seed}:seats:{language}".encode()).digest()
            return choices[(int.from_bytes(offset[:8], "big") + seat - 1) % len(choices)]
        digest = hashlib.sha256(f"{self.shuffle_seed}:{student_key}".encode()).digest()
        return choices[int.from_bytes(digest[:8], "big") % len(choices)]

    def for_student(self, language: str, student_key: str, seat: int | None = None
                    ) -> tuple[ExamContent, dict[str, Any]]:
        """The student's variant, permuted as the specification allows, and the permutation."""
        return student_view(self.assign(language, student_key, seat), self.shuffle_seed, student_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PAYLOAD_FORMAT,
            "specification": self.specification,
            "variants": [content_to_dict(v, with_keys=True) for v in self.variants],
            "shuffle_seed": self.shuffle_seed,
            "assembly": self.assembly,
        }


def payload_from_dict(data: Any) -> ExamPayload:
    """The payload, or a bare content (an older package) as a one-variant payload."""
    if isinstance(data, dict) and "variants" in data:
        if data.get("format") != PAYLOAD_FORMAT:
            raise ContentError(f"format: not {PAYLOAD_FORMAT}")
        raw = data["variants"]
        if not isinstance(raw, list) or not raw:
            raise ContentError("variants: at least one variant")
        variants = []
        for k, v in enumerate(raw):
            try:
                variants.append(content_from_dict(v))
            except ContentError as exc:
                raise ContentError(f"variants[{k}]: {exc}") from exc
        ids = [v.exam_id for v in variants]
        if len(set(ids)) != len(ids):
            raise ContentError("variants: exam ids must be unique")
        return ExamPayload(tuple(variants), data.get("specification"),
                           str(data.get("shuffle_seed", "")), data.get("assembly"))
    return ExamPayload((content_from_dict(data),), None, "", None)
