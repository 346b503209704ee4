"""The messages between kiosk, room server and centre (JSON over HTTPS), as pydantic models.

FastAPI publishes them in the OpenAPI schema; the kiosk builds its requests from the same models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

API = "/api/v1"


class ErrorBody(BaseModel):
    error: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class KioskLogin(BaseModel):
    login: str = Field(max_length=64)
    password: str = Field(max_length=128)
    workstation_id: str = Field(max_length=64)


class AnswerEntry(BaseModel):
    seq: int = Field(ge=1)
    item_id: str = Field(max_length=64)
    answer: Any = None
    client_ts: float


class AnswerBatch(BaseModel):
    entries: list[AnswerEntry] = Field(max_length=1000)


class Ack(BaseModel):
    acked_seq: int


class SubmitRequest(BaseModel):
    last_seq: int = Field(ge=0)


class ProctorSignin(BaseModel):
    login: str
    pin: str


class AttendanceMark(BaseModel):
    individual_code: str
    status: str  # present | absent
    reason: str | None = None


class StartRequest(BaseModel):
    start_code: str


class FoundItemIn(BaseModel):
    name: str
    brand: str = ""
    count: int = Field(default=1, ge=1)


class ConfiscationIn(BaseModel):
    individual_code: str
    items: list[FoundItemIn]
    drawn_up_by: list[str] = Field(default_factory=list)


class ImpostorIn(BaseModel):
    individual_code: str
    impostor_full_name: str
    stage: str  # at_entry | during_test


class UploadRequest(BaseModel):
    central_url: str
