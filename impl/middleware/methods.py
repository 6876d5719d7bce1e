"""405 for a method a spec path does not support, decided by the spec's own matching rule.

OpenAPI matches concrete paths before templated ones: `PATCH /v1/orders/preview` is a request to the path
`/orders/preview` (which supports only POST) — a 405 — not to `/orders/{order_id}` with `order_id = "preview"`.
Connexion's router would take the template and answer a 400 about the id; this guard, placed before routing,
answers `405 method_not_allowed` with the path's `Allow` header (the error handlers build it from the same index).
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from impl.errors import ApiError
from impl.routing import PathIndex


class MethodGuardMiddleware:
    def __init__(self, app: ASGIApp, *, paths: PathIndex) -> None:
        self.app = app
        self.paths = paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            allowed = self.paths.allowed_methods(scope["path"])
            if allowed is not None and scope["method"] not in allowed:
                message, headers = refusal(scope["method"], allowed)
                raise ApiError("method_not_allowed", message, headers=headers)
        await self.app(scope, receive, send)


def refusal(method: str, allowed: frozenset[str]) -> tuple[str, dict[str, str]]:
    """The message and `Allow` header of a 405 (also for the 405s connexion raises on paths outside the spec)."""
    listed = ", ".join(sorted(allowed))
    return f"{method} is not allowed here; use {listed or 'nothing'}.", {"Allow": listed}
