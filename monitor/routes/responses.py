"""What the routers share about replies: the documented error responses and compact JSON bodies."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from fastapi import Response

from monitor.schemas import ErrorBody
from monitor.views import json_bytes

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorBody, "description": text} for code, text in (
        (400, "malformed request"), (401, "missing or invalid token"), (403, "token not allowed here"),
        (404, "not found"), (413, "body too large"), (422, "request does not match the schema"),
        (429, "too many failed authentication attempts"))
}


def errors(*codes: int) -> dict[int | str, dict[str, Any]]:
    """The errors every protected route can answer with, plus ``codes``."""
    return {c: ERRORS[c] for c in (400, 401, 403, 413, 422, 429, *codes)}


def json_response(value: Any) -> Response:
    """Compact UTF-8 JSON, for bodies built as plain data (no response-model validation on the way out)."""
    return Response(json_bytes(value), media_type="application/json")


def utc(epoch: float) -> datetime:
    """A stored epoch as the aware datetime the schemas carry."""
    return datetime.fromtimestamp(epoch, UTC)
