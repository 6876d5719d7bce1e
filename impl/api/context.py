"""Access to per-request context from inside a handler: the app's services, the authenticated principal and
the client's network (all set on the ASGI scope by the edge, impl/edge/pipeline.py, which makes the request's
scope current here; worker threads running sync handlers see it too, impl/blocking.py copies the context)."""

from __future__ import annotations

from contextvars import ContextVar

from impl.domain.identity_model import Principal
from impl.services import Services

request_scope: ContextVar[dict] = ContextVar("cooud_request_scope")


def services() -> Services:
    return request_scope.get()["cooud.services"]


def principal() -> Principal:
    return request_scope.get()["cooud.principal"]


def network() -> str:
    return request_scope.get()["cooud.network"]


def idempotency_key() -> str | None:
    """The request's Idempotency-Key once the idempotency layer has claimed it (None on exempt operations)."""
    return request_scope.get().get("cooud.idempotency_key")
