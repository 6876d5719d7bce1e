"""ASGI middleware of the request pipeline: request context (outermost), then — after connexion's routing —
body policy, CORS, authentication and idempotency. The helpers below are how each of them reads the request."""

from __future__ import annotations

from starlette.types import Scope

from generated.operations import OPERATIONS, Operation


def routed_operation(scope: Scope) -> Operation | None:
    """The spec operation connexion routed this HTTP request to (from the generated table), or None."""
    if scope["type"] != "http":
        return None
    op_id = scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id")
    return OPERATIONS.get(op_id or "")


def header(scope: Scope, name: bytes) -> str | None:
    """The first value of a request header (`name` in lower case), decoded as latin-1."""
    return next((v.decode("latin-1") for k, v in scope.get("headers", []) if k == name), None)
