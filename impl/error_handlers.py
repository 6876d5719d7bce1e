"""Connexion error handlers: every exception that reaches connexion's exception middleware becomes the envelope.

Mapping: `ApiError` and `DomainError` carry their own catalogued code; connexion's problems and Starlette's
HTTP exceptions are mapped by status to the generic code of that status; a 405 gets an `Allow` header listing
every method of the path (from the spec's operation table); anything else is `500 internal_error`, logged
with its traceback server-side only.
"""

from __future__ import annotations

import logging

from connexion.exceptions import ProblemException
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from impl.domain.errors import DomainError
from impl.errors import ApiError, envelope
from impl.middleware.methods import refusal
from impl.routing import PathIndex
from impl.security import AuthError

log = logging.getLogger("cooud.errors")

GENERIC_CODE = {
    400: "invalid_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "idempotency_in_flight",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "business_rule_violation",
    429: "rate_limited",
    503: "service_unavailable",
}


def _response(code: str, message: str, details=None, headers=None) -> ConnexionResponse:
    status, body = envelope(code, message, details)
    return ConnexionResponse(status_code=status, body=body, mimetype="application/json", headers=headers or {})


def install(app, paths: PathIndex) -> None:
    def api_error(_request: ConnexionRequest, exc: ApiError | AuthError) -> ConnexionResponse:
        headers = getattr(exc, "headers", None) or {}
        if getattr(exc, "retry_after_s", None):  # login_throttled: the domain says when, HTTP says how
            headers = {**headers, "Retry-After": str(exc.retry_after_s)}
        return _response(exc.code, exc.message, getattr(exc, "details", None), headers)

    def domain_error(_request: ConnexionRequest, exc: DomainError) -> ConnexionResponse:
        details = [{"field": exc.field, "reason": exc.message}] if exc.field else None
        return _response(exc.code, exc.message, details)

    def http_problem(request: ConnexionRequest, exc: HTTPException) -> ConnexionResponse:
        status = exc.status_code
        if status >= 500:
            log.error("server problem: %r", exc)
            return _response("internal_error", "An unexpected error occurred; quote the request_id when reporting it.")
        code = GENERIC_CODE.get(status, "invalid_request")
        detail = getattr(exc, "detail", None) or getattr(exc, "title", None) or code.replace("_", " ")
        message = str(detail).split("\n\n", 1)[0]  # jsonschema appends the whole schema after a blank line
        headers = {}
        if status == 405:
            message, headers = refusal(request.method, paths.allowed_methods(request.url.path) or frozenset())
        elif status == 404:
            message = f"No resource at {request.url.path}."
        details = [{"reason": message}] if status == 400 else None
        return _response(code, message, details, headers)

    def unexpected(_request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
        log.error("unhandled error", exc_info=exc)
        return _response("internal_error", "An unexpected error occurred; quote the request_id when reporting it.")

    app.add_error_handler(ApiError, api_error)
    app.add_error_handler(DomainError, domain_error)
    app.add_error_handler(AuthError, api_error)
    app.add_error_handler(ProblemException, http_problem)
    app.add_error_handler(HTTPException, http_problem)
    app.add_error_handler(Exception, unexpected)
