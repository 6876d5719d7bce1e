"""CORS response header, as the spec's `Access-Control-Allow-Origin` header describes it.

Only cross-origin requests (with an `Origin` header) get it. Public operations (`x-cooud-permission: public`)
answer `*`; operations that take credentials answer the request's origin only when it is on the configured
allow-list (`COOUD_CORS_ORIGINS`, comma-separated), with `Vary: Origin`, and nothing otherwise.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from impl.middleware import header, routed_operation


class CorsMiddleware:
    def __init__(self, app: ASGIApp, *, allowed_origins: frozenset[str]) -> None:
        self.app = app
        self.allowed_origins = allowed_origins

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        op, origin = routed_operation(scope), header(scope, b"origin")
        if origin is None or op is None:
            await self.app(scope, receive, send)
            return
        if op.permission == "public":
            extra = [(b"access-control-allow-origin", b"*")]
        elif origin in self.allowed_origins:
            extra = [(b"access-control-allow-origin", origin.encode("latin-1")), (b"vary", b"Origin")]
        else:
            extra = []

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and extra:
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, send_with_cors)
