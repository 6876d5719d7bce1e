"""Access to per-request context from inside a handler: the app's services, the authenticated principal and
the client's network (all set on the ASGI scope by the middleware)."""

from __future__ import annotations

from connexion.context import scope

from impl.domain.identity_model import Principal
from impl.services import Services


def services() -> Services:
    return scope["cooud.services"]


def principal() -> Principal:
    return scope["cooud.principal"]


def network() -> str:
    return scope["cooud.network"]


def idempotency_key() -> str | None:
    """The request's Idempotency-Key once the idempotency layer has claimed it (None on exempt operations)."""
    return scope.get("cooud.idempotency_key")
