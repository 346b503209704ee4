"""The messages between kiosk, room server and centre (JSON over HTTPS), as pydantic models.

FastAPI publishes them in the OpenAPI schema; the kiosk builds its requests from the same models.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from common.api_path import API  # noqa: F401 - re-exported: defined there for the kiosk's start

# Bounds of numbers that are stored: SQLite keeps 64-bit integers, and JSON's 1e999 parses as
# infinity; past these a request is refused (422), not a crash.
MAX_SEQ = 2**31 - 1
MAX_TIMESTAMP = 1e11  # seconds since 1970: past the year 5000


class ErrorBody(BaseModel):
    error: str
    message: str
    details: dict[str, Any] = Field(default_factory=dict)


class KioskLogin(BaseModel):
    """A student's login; the seat is the enrolled workstation's (X-Workstation-Key), not a field."""

    login: str = Field(max_length=64)
    password: str = Field(max_length=128)


class AnswerEntry(BaseModel):
    seq: int = Field(ge=1, le=MAX_SEQ)
    item_id: str = Field(max_length=64)
    answer: Any = None
    client_ts: float = Field(ge=0, le=MAX_TIMESTAMP, allow_inf_nan=False)


class AnswerBatch(BaseModel):
    entries: list[AnswerEntry] = Field(max_length=1000)


class Ack(BaseModel):
    acked_seq: int


class SubmitRequest(BaseModel):
    last_seq: int = Field(ge=0, le=MAX_SEQ)


class ProctorSignin(BaseModel):
    login: str = Field(max_length=64)
    pin: str = Field(max_length=64)


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


async def invalid_request(_request: Any, exc: Any) -> Any:
    """FastAPI's 422 for a request that does not fit its model, without echoing the input back.

    The default handler puts each wrong value into the answer; a number such as 1e999 parses to
    infinity, which JSON cannot carry, and the answer became a 500. Both servers use this one.
    """
    from fastapi.encoders import jsonable_encoder
    from fastapi.responses import JSONResponse

    detail = [{k: v for k, v in error.items() if k in ("type", "loc", "msg")} for error in exc.errors()]
    return JSONResponse({"detail": jsonable_encoder(detail)}, status_code=422)
