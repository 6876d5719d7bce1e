"""The single error envelope, and the one mapping from every failure to it.

Every failure — domain errors (`DomainError`), security (`AuthError`), the edge's own refusals (`ApiError`:
validation, strict JSON, 404/405/413/415, rate limits, idempotency), unexpected exceptions — becomes an error object in
`error_of()`: over HTTP through `failure()`/`error_answer()` (impl/edge/pipeline.py), in stream error frames
(impl/ws/gateway.py) and in the per-item errors of batch answers (impl/api/answers.py). It writes
`{"error": {"code", "message", "request_id", "details"?}}` with the HTTP status the spec's error catalogue
(generated/operations.py) gives for the code. Invariants: no code outside the catalogue is ever sent (an
unknown code is a bug and becomes `internal_error`); no traceback or exception text of an unexpected error
reaches the client (it is logged with the request id).
"""

from __future__ import annotations

import json
import logging
from contextvars import ContextVar

from generated.operations import ERROR_CATALOGUE
from impl.domain.errors import DomainError
from impl.security import AuthError

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


def error_of(exc: BaseException) -> tuple[int, dict, dict[str, str]]:
    """(status, the envelope's `error` object, headers) of any exception: the one mapping, for HTTP answers, stream
    error frames and the per-item errors of batch answers alike."""
    if isinstance(exc, ApiError):
        status, error = error_object(exc.code, exc.message, exc.details)
        return status, error, exc.headers
    if isinstance(exc, DomainError):
        details = [{"field": exc.field, "reason": exc.message}] if exc.field else None
        return (*error_object(exc.code, exc.message, details), {})
    if isinstance(exc, AuthError):
        headers = dict(getattr(exc, "headers", None) or {})
        if getattr(exc, "retry_after_s", None):  # login_throttled: the domain says when, HTTP says how
            headers["Retry-After"] = str(exc.retry_after_s)
        return (*error_object(exc.code, exc.message), headers)
    log.error("unhandled error in request %s", request_id_var.get(), exc_info=exc)
    return (*error_object("internal_error", "An unexpected error occurred; quote the request_id when reporting it."),
            {})


def failure(exc: BaseException) -> tuple[int, bytes, dict[str, str]]:
    """(status, envelope body, headers) of the answer to any exception."""
    status, error, headers = error_of(exc)
    return status, json.dumps({"error": error}, separators=(",", ":")).encode(), headers


def error_answer(exc: BaseException) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    """`failure(exc)` as an HTTP answer: (status, headers, body)."""
    status, body, headers = failure(exc)
    return status, [(b"content-type", b"application/json"),
                    *((k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items())], body


def envelope(code: str, message: str, details: list[dict] | None = None) -> tuple[int, bytes]:
    """(status, body) for an error response."""
    status, error = error_object(code, message, details)
    return status, json.dumps({"error": error}, separators=(",", ":")).encode()
