"""The single error envelope, and the one mapping from every failure to it.

Every failure path — domain errors, connexion's validation problems, unknown routes, 405s, oversized or
undecodable bodies, unexpected exceptions — ends in `envelope_response`, which writes
`{"error": {"code", "message", "request_id", "details"?}}` with the HTTP status the spec's error catalogue
(generated/operations.py) gives for the code. Invariants: no code outside the catalogue is ever sent (an
unknown code is a bug and becomes `internal_error`); no traceback or exception text of an unexpected error
reaches the client.
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar

from generated.operations import ERROR_CATALOGUE

log = logging.getLogger("cooud.errors")

request_id_var: ContextVar[str] = ContextVar("cooud_request_id", default="")


class ApiError(Exception):
    """An error raised by the API layer with a catalogued code."""

    def __init__(
        self,
        code: str,
        message: str,
        *,
        details: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers or {}


def status_of(code: str) -> int:
    return ERROR_CATALOGUE[code].status


def _clip(text: str, limit: int = 500) -> str:
    """Messages may quote the offending input; keep them readable (and within the spec's maxLength)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def error_object(code: str, message: str, details: list[dict] | None = None) -> tuple[int, dict]:
    """(status, the envelope's `error` object); uncatalogued codes are a server bug and degrade to internal_error."""
    if code not in ERROR_CATALOGUE:
        log.error("uncatalogued error code %r (%s) — add it to x-cooud-error-catalogue", code, message)
        code, message, details = "internal_error", "An unexpected error occurred.", None
    error: dict = {"code": code, "message": _clip(message), "request_id": request_id_var.get()}
    if details:
        error["details"] = [{**d, "reason": _clip(d["reason"])} for d in details[:100]]
    return status_of(code), error


def envelope(code: str, message: str, details: list[dict] | None = None) -> tuple[int, bytes]:
    """(status, body) for an error response."""
    status, error = error_object(code, message, details)
    return status, json.dumps({"error": error}, separators=(",", ":")).encode()
